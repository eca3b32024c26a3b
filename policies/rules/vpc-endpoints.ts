/**
 * VPC endpoint rules (family 5): the S3 and DynamoDB gateway endpoints on the route tables of
 * every Lambda subnet, an interface endpoint with private DNS for each service a function's
 * role can call (Kinesis by default), and endpoint policies that are not wide open.
 */
import { edgeFunctions } from "../lib/edge";
import { functionPlacement, graphOf, NT, StackGraph, StackResource, VPC_MAIN_UNMANAGED } from "../lib/graph";
import { isConcretePinValue, isOpenPrincipal, isParseError, isWildcardResource, parsePolicyDocument, pinningConditionKeys } from "../lib/iam";
import { bool, isUnknown, list, read, rec, str, strings, UNKNOWN, Unknown } from "../lib/props";
import { Rule, stackRule } from "../lib/rule";

const TABLES = [NT.routeTable, NT.defaultRouteTable];
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const POLICY = "aws:iam/policy:Policy";

/** `com.amazonaws.us-west-2.s3` -> `s3`; also `cn.com.amazonaws...`; undefined for other names. */
export function endpointService(serviceName: string): string | undefined {
    const match = /^(?:cn\.)?com\.amazonaws\.[a-z0-9-]+\.(.+)$/.exec(serviceName);
    return match ? match[1] : undefined;
}

interface EndpointInfo {
    endpoint: StackResource;
    service: string | Unknown | undefined;
    type: string | Unknown;
    /** Route table keys (URN or id) the endpoint is attached to; UNKNOWN if not decidable. */
    tables: Set<string> | Unknown;
    /** Subnets (URN or id) the endpoint has network interfaces in. */
    subnets: Set<string> | Unknown;
    vpc: string | Unknown | undefined;
}

/** Endpoints with their route tables and subnets (inline and association resources). */
const endpointCache = new WeakMap<StackGraph, EndpointInfo[]>();
function endpoints(g: StackGraph): EndpointInfo[] {
    const cached = endpointCache.get(g);
    if (cached) return cached;
    const keys = (r: StackResource, prop: string, ...tokens: string[]): Set<string> | Unknown => {
        const refs = g.refs(r, prop, read(r.props, prop), ...tokens);
        if (refs === UNKNOWN) return UNKNOWN;
        return new Set([...refs.resources.map((x) => x.urn), ...refs.external]);
    };
    const byUrn = new Map<string, EndpointInfo>();
    const out: EndpointInfo[] = [];
    for (const endpoint of g.ofType(NT.vpcEndpoint)) {
        const name = str(read(endpoint.props, "serviceName"));
        const type = str(read(endpoint.props, "vpcEndpointType"));
        const info: EndpointInfo = {
            endpoint,
            service: typeof name === "string" ? endpointService(name) : name,
            // The provider's default type is Gateway.
            type: type === undefined ? "Gateway" : type,
            tables: keys(endpoint, "routeTableIds", ...TABLES),
            subnets: keys(endpoint, "subnetIds", NT.subnet),
            vpc: g.net.key(endpoint, "vpcId", NT.vpc),
        };
        out.push(info);
        byUrn.set(endpoint.urn, info);
    }
    const attach = (assocType: string, prop: "tables" | "subnets", refProp: string, ...tokens: string[]) => {
        for (const assoc of g.ofType(assocType)) {
            const ep = g.ref(assoc, "vpcEndpointId", read(assoc.props, "vpcEndpointId"), NT.vpcEndpoint);
            const target = g.net.key(assoc, refProp, ...tokens);
            const info = ep && typeof ep === "object" ? byUrn.get(ep.urn) : undefined;
            if (!info) continue;
            const set = info[prop];
            if (set === UNKNOWN) continue;
            if (typeof target === "string") set.add(target);
            else info[prop] = UNKNOWN;
        }
    };
    attach(NT.vpcEndpointRouteTableAssociation, "tables", "routeTableId", ...TABLES);
    attach(NT.vpcEndpointSubnetAssociation, "subnets", "subnetId", NT.subnet);
    endpointCache.set(g, out);
    return out;
}

interface GatewayConfig {
    gatewayServices: string[];
}

export const gatewayEndpointsForLambdaSubnets = stackRule<GatewayConfig>({
    name: "ec2-vpc-gateway-endpoints-for-lambda-subnets",
    description:
        "Checks that for every VPC-attached Lambda function, the effective route table of each of its subnets has a " +
        "Gateway VPC endpoint for S3 and for DynamoDB (configurable) attached, inline (routeTableIds) or by " +
        "aws.ec2.VpcEndpointRouteTableAssociation, so data traffic stays on the AWS network and endpoint policies " +
        "apply. Lambda@Edge functions are not judged (no VPC). Mandatory (constraint family 5). No FSBP control " +
        "covers S3/DynamoDB endpoints (EC2.10 is the same idea for the EC2 API).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Add `new aws.ec2.VpcEndpoint(name, { vpcId, serviceName: `com.amazonaws.${region}.s3`, vpcEndpointType: " +
        "\"Gateway\", routeTableIds: privateRouteTableIds })` and the same for dynamodb.",
    tags: ["ec2", "vpc-endpoint", "network", "family-5"],
    preview: "Undecided while a subnet's route table or an endpoint's service or route tables cannot be tied to resources.",
    config: {
        gatewayServices: {
            type: "array",
            items: { type: "string" },
            default: ["s3", "dynamodb"],
            description: "Services (endpoint name suffix) that need a Gateway endpoint on every Lambda subnet's route table.",
        },
    },
    check(stack, ctx) {
        const g = graphOf(stack);
        const edge = edgeFunctions(g);
        const services = ctx.config.gatewayServices ?? ["s3", "dynamodb"];
        const eps = endpoints(g);
        const undecidedEndpoint = eps.find((e) => isUnknown(e.service) || isUnknown(e.type) || e.tables === UNKNOWN);
        for (const fn of g.ofType(NT.lambdaFunction)) {
            if (edge.has(fn.urn)) continue; // Lambda@Edge cannot be attached to a VPC
            ctx.guard(fn, () => {
                const placement = functionPlacement(g, fn);
                if (placement.kind === "unknown") return ctx.undecided(fn, placement.what);
                if (placement.kind === "none") return; // lambda-function-in-private-subnets reports it
                const missing: string[] = [];
                for (const subnet of placement.subnets) {
                    const table = g.net.effectiveRouteTable(subnet);
                    if (table === UNKNOWN) return ctx.undecided(fn, `route table of subnet '${subnet.name}'`);
                    if (table === undefined) continue; // outside the stack: reported by the private-subnets rule
                    for (const service of services) {
                        const attached = eps.some(
                            (e) => e.service === service && e.type === "Gateway" && e.tables !== UNKNOWN && e.tables.has(table),
                        );
                        if (!attached) missing.push(`${service} (subnet '${subnet.name}', ${tableLabel(g, table)})`);
                    }
                }
                if (missing.length === 0) return;
                if (undecidedEndpoint) return ctx.undecided(fn, `service or route tables of endpoint '${undecidedEndpoint.endpoint.name}'`);
                ctx.report(
                    fn,
                    `must reach ${services.join(" and ")} through Gateway VPC endpoints on its subnets' route tables: missing ` +
                        `${missing.join("; ")}; add an aws.ec2.VpcEndpoint (vpcEndpointType Gateway) with routeTableIds ` +
                        "including those tables",
                );
            });
        }
    },
});

function tableLabel(g: StackGraph, key: string): string {
    if (key === VPC_MAIN_UNMANAGED) return key;
    const table = g.byUrn(key);
    return table ? `route table '${table.name}'` : `route table ${key}`;
}

// ---------------------------------------------------------------------------------------------
// Which services a function's role can call

/** The policy documents (parsed) attached to a role in the stack; UNKNOWN if one is unknown. */
function rolePolicyDocuments(g: StackGraph, role: StackResource): unknown[] | Unknown {
    const docs: unknown[] = [];
    const inline = list(read(role.props, "inlinePolicies"));
    if (inline === UNKNOWN) return UNKNOWN;
    for (const p of inline) docs.push(read(p, "policy"));
    for (const rp of g.index.dependentsOf(role, ROLE_POLICY).map((d) => d.resource).concat(byRoleValue(g, role, ROLE_POLICY))) {
        docs.push(read(rp.props, "policy"));
    }
    const policyArns: unknown[] = [];
    const managed = strings(read(role.props, "managedPolicyArns"));
    if (managed === UNKNOWN) return UNKNOWN;
    policyArns.push(...managed);
    for (const att of g.index.dependentsOf(role, ROLE_POLICY_ATTACHMENT).map((d) => d.resource).concat(byRoleValue(g, role, ROLE_POLICY_ATTACHMENT))) {
        const arn = g.ref(att, "policyArn", read(att.props, "policyArn"), POLICY);
        if (arn === UNKNOWN) return UNKNOWN;
        if (arn && typeof arn === "object") docs.push(read(arn.props, "policy"));
        else if (typeof arn === "string") policyArns.push(arn);
    }
    for (const arn of policyArns) {
        const policy = typeof arn === "string" ? g.resolve(arn, POLICY) : undefined;
        if (policy) docs.push(read(policy.props, "policy"));
        // An AWS-managed policy outside the stack: its grants are judged by the IAM rules.
    }
    return docs.some(isUnknown) ? UNKNOWN : docs;
}

/** RolePolicy/RolePolicyAttachment resources whose `role` names this role by name, id or ARN. */
const byRoleCache = new WeakMap<StackGraph, Map<string, StackResource[]>>();
function byRoleValue(g: StackGraph, role: StackResource, type: string): StackResource[] {
    let index = byRoleCache.get(g);
    if (!index) {
        index = new Map();
        for (const r of g.ofType(ROLE_POLICY, ROLE_POLICY_ATTACHMENT)) {
            const value = str(read(r.props, "role"));
            if (typeof value !== "string") continue;
            const key = `${r.type}|${value}`;
            index.set(key, [...(index.get(key) ?? []), r]);
        }
        byRoleCache.set(g, index);
    }
    const out: StackResource[] = [];
    for (const key of ["name", "id", "arn"]) {
        const value = str(read(role.props, key));
        if (typeof value === "string") for (const r of index.get(`${type}|${value}`) ?? []) if (!out.includes(r)) out.push(r);
    }
    return out.filter((r) => !g.index.dependentsOf(role, type).some((d) => d.resource === r));
}

/**
 * True when an identity policy document allows some action of `service` (IAM prefix): an Allow
 * statement whose Action is `*`, `<service>:*` or any `<service>:` action, or a NotAction that
 * does not exclude the whole service. Conservative on purpose: an endpoint is cheap, a call
 * that silently leaves the VPC is not. An unparsable document grants nothing (the IAM rules
 * report it).
 */
export function allowsService(document: unknown, service: string): boolean | Unknown {
    const parsed = parsePolicyDocument(document);
    if (parsed === UNKNOWN) return UNKNOWN;
    if (isParseError(parsed)) return false;
    const prefix = service.toLowerCase();
    const coversService = (pattern: string) => {
        const p = pattern.toLowerCase().trim();
        if (p === "*") return true;
        const svc = p.split(":")[0];
        const glob = svc.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
        return new RegExp(`^${glob}$`).test(prefix);
    };
    for (const s of parsed.statements) {
        if (s.effect === UNKNOWN) return UNKNOWN;
        if (s.effect !== "Allow") continue;
        if (s.action === UNKNOWN || s.notAction === UNKNOWN) return UNKNOWN;
        if (s.action?.some(coversService)) return true;
        if (s.notAction && !s.notAction.some((a) => a.trim() === "*" || a.toLowerCase().trim() === `${prefix}:*`)) return true;
    }
    return false;
}

interface InterfaceConfig {
    interfaceServices: Record<string, string>;
}

export const interfaceEndpointsForLambdaServices = stackRule<InterfaceConfig>({
    name: "ec2-vpc-interface-endpoints-for-lambda-services",
    description:
        "Checks that when a VPC-attached Lambda function's role can call a listed service (Kinesis by default: IAM " +
        "prefix kinesis -> endpoint kinesis-streams), its VPC has an Interface endpoint for that service with " +
        "privateDnsEnabled, with a network interface in each of the function's Availability Zones (subnetIds or " +
        "aws.ec2.VpcEndpointSubnetAssociation), so SDK calls resolve to the endpoint instead of leaving through a NAT. " +
        "The role's grants are read from inline policies, RolePolicy, RolePolicyAttachment and managedPolicyArns of " +
        "policies in the stack. Lambda@Edge functions are not judged. Mandatory (constraint family 5).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Add `new aws.ec2.VpcEndpoint(name, { vpcId, serviceName: `com.amazonaws.${region}.kinesis-streams`, " +
        "vpcEndpointType: \"Interface\", privateDnsEnabled: true, subnetIds: privateSubnetIds, securityGroupIds })`.",
    tags: ["ec2", "vpc-endpoint", "network", "family-5"],
    preview: "Undecided while the role's policy documents, the endpoint's service, subnets or private DNS are unknown.",
    config: {
        interfaceServices: {
            type: "object",
            additionalProperties: { type: "string" },
            default: { kinesis: "kinesis-streams" },
            description: "IAM service prefix -> interface endpoint service name suffix (e.g. {\"sqs\": \"sqs\"}).",
        },
    },
    check(stack, ctx) {
        const g = graphOf(stack);
        const edge = edgeFunctions(g);
        const services = Object.entries(ctx.config.interfaceServices ?? { kinesis: "kinesis-streams" });
        const eps = endpoints(g);
        for (const fn of g.ofType(NT.lambdaFunction)) {
            if (edge.has(fn.urn)) continue; // Lambda@Edge cannot be attached to a VPC
            ctx.guard(fn, () => {
                const placement = functionPlacement(g, fn);
                if (placement.kind === "unknown") return ctx.undecided(fn, placement.what);
                if (placement.kind === "none" || placement.subnets.length === 0) return;
                const role = g.ref(fn, "role", read(fn.props, "role"), ROLE);
                if (role === UNKNOWN) return ctx.undecided(fn, "role");
                if (!role || typeof role === "string") return; // role outside the stack: grants not visible
                const docs = rolePolicyDocuments(g, role);
                if (docs === UNKNOWN) return ctx.undecided(fn, `policies of role '${role.name}'`);
                const vpc = g.net.vpcKeyOfSubnet(placement.subnets[0]);
                if (vpc === UNKNOWN) return ctx.undecided(fn, "vpcId of its subnets");
                for (const [iamPrefix, endpointName] of services) {
                    const grants = docs.map((d) => allowsService(d, iamPrefix));
                    if (grants.includes(UNKNOWN)) return ctx.undecided(fn, `policies of role '${role.name}'`);
                    if (!grants.includes(true)) continue;
                    const problem = interfaceEndpointProblem(g, eps, vpc, endpointName, placement.subnets);
                    if (problem === UNKNOWN) return ctx.undecided(fn, `interface endpoints for ${endpointName}`);
                    if (problem) {
                        ctx.report(
                            fn,
                            `must reach ${endpointName} through an Interface VPC endpoint (its role '${role.name}' can call ` +
                                `${iamPrefix}:*): ${problem}; add an aws.ec2.VpcEndpoint for com.amazonaws.<region>.${endpointName} ` +
                                "with vpcEndpointType Interface, privateDnsEnabled true and subnetIds in the function's subnets",
                        );
                    }
                }
            });
        }
    },
});

/** Why no endpoint serves `service` for these subnets (undefined when one does). */
function interfaceEndpointProblem(
    g: StackGraph,
    eps: EndpointInfo[],
    vpc: string | undefined,
    service: string,
    subnets: StackResource[],
): string | undefined | Unknown {
    const candidates = eps.filter((e) => e.service === service && e.type === "Interface" && (vpc === undefined || e.vpc === vpc));
    if (candidates.length === 0) {
        return eps.some((e) => isUnknown(e.service) || isUnknown(e.type) || isUnknown(e.vpc)) ? UNKNOWN : `no ${service} Interface endpoint in its VPC`;
    }
    const azOf = (key: string) => {
        const subnet = g.byUrn(key) ?? g.resolve(key, NT.subnet);
        return subnet ? str(read(subnet.props, "availabilityZone")) : undefined;
    };
    let last: string | Unknown = "";
    for (const e of candidates) {
        const dns = bool(read(e.endpoint.props, "privateDnsEnabled"));
        if (dns === UNKNOWN) return UNKNOWN;
        if (dns !== true) {
            last = `endpoint '${e.endpoint.name}' must set privateDnsEnabled: true (without it the SDK resolves the public endpoint)`;
            continue;
        }
        const own = e.subnets;
        if (own === UNKNOWN) return UNKNOWN;
        const zones = new Set([...own].map(azOf));
        const uncovered = subnets.filter((s) => !own.has(s.urn) && !zones.has(str(read(s.props, "availabilityZone")) as string));
        if (uncovered.length === 0) return undefined;
        last = `endpoint '${e.endpoint.name}' has no network interface in the subnet or AZ of ${uncovered.map((s) => `'${s.name}'`).join(", ")}`;
    }
    return last;
}

// ---------------------------------------------------------------------------------------------
// Endpoint policies

/**
 * Condition keys that pin the resources an endpoint reaches to the account or organisation
 * (endpoint policies, unlike resource policies, may pin the resource side). The caller-side
 * keys come from lib/iam.ts (PINNING_CONDITION_KEYS). Like those, they pin only with a positive
 * operator and fixed values (isConcretePinValue: `aws:ResourceAccount: "*"` pins nothing).
 *
 * Service principals are not judged here (unlike bucket and key policies): an endpoint policy
 * governs requests that travel through the endpoint, made by principals in the VPC; a service
 * principal's own service-to-service calls never do.
 */
const RESOURCE_PINNING_KEYS = ["aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths"];

function pinsResource(condition: unknown): boolean {
    const c = rec(condition);
    if (!c || c === UNKNOWN) return false;
    return Object.entries(c).some(([operator, block]) => {
        const b = rec(block);
        if (!b || b === UNKNOWN || /not|ifexists|^null$|^forallvalues:/i.test(operator)) return false;
        return Object.entries(b).some(([k, v]) => {
            if (!RESOURCE_PINNING_KEYS.includes(k.toLowerCase())) return false;
            const vs = strings(v);
            return vs !== UNKNOWN && vs.length > 0 && vs.every((x) => isConcretePinValue(k, x));
        });
    });
}

/**
 * Statements of an endpoint policy that allow anyone to reach anything: Allow, an open
 * principal, no pinning condition, and Resource `*` (or a wildcard account/service ARN).
 */
export function wideOpenStatements(document: unknown): { index: number; why: string }[] | Unknown | "unparsable" {
    const parsed = parsePolicyDocument(document);
    if (parsed === UNKNOWN) return UNKNOWN;
    if (isParseError(parsed)) return "unparsable";
    const out: { index: number; why: string }[] = [];
    for (const s of parsed.statements) {
        if (s.effect === UNKNOWN) return UNKNOWN;
        if (s.effect !== "Allow") continue;
        const open = isOpenPrincipal(s.principal);
        if (open === UNKNOWN) return UNKNOWN;
        if (!open) continue;
        const pinned = pinningConditionKeys(s.condition);
        if (pinned === UNKNOWN) return UNKNOWN;
        if (pinned.length > 0 || pinsResource(s.condition)) continue;
        if (s.resource === UNKNOWN) return UNKNOWN;
        if (s.resource && !s.resource.some(isWildcardResource)) continue;
        out.push({
            index: s.index,
            why: "allows Principal \"*\" on every resource without a condition pinning the caller's or the resource's account or organisation",
        });
    }
    return out;
}

export const endpointPolicyRestricted = stackRule({
    name: "ec2-vpc-endpoint-policy-restricted",
    description:
        "Checks that every VPC endpoint has a policy (inline `policy` or aws.ec2.VpcEndpointPolicy) and that no Allow " +
        "statement grants Principal \"*\" on Resource \"*\" unless a condition pins the caller or resource to the account " +
        "or organisation (aws:PrincipalAccount, aws:PrincipalOrgID, aws:ResourceAccount ...). Without one, the endpoint " +
        "carries any principal's traffic to any account's resources — an exfiltration path. Advisory: endpoint policies " +
        "are defence in depth behind IAM, and services without policy support exist.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
        "Set the endpoint's policy to allow only the actions the functions use, on the stack's resources (or pinned by " +
        "aws:PrincipalAccount to this account).",
    tags: ["ec2", "vpc-endpoint", "iam", "family-5"],
    preview: "Undecided while the policy document is unknown.",
    check(stack, ctx) {
        const g = graphOf(stack);
        const separate = new Map<string, StackResource>();
        for (const p of g.ofType(NT.vpcEndpointPolicy)) {
            const ep = g.ref(p, "vpcEndpointId", read(p.props, "vpcEndpointId"), NT.vpcEndpoint);
            if (ep && typeof ep === "object") separate.set(ep.urn, p);
        }
        for (const endpoint of g.ofType(NT.vpcEndpoint)) {
            ctx.guard(endpoint, () => {
                const type = str(read(endpoint.props, "vpcEndpointType"));
                if (type === "GatewayLoadBalancer" || type === "Resource" || type === "ServiceNetwork") return;
                const holder = separate.get(endpoint.urn);
                const policy = holder ? read(holder.props, "policy") : read(endpoint.props, "policy");
                if (isUnknown(policy)) return ctx.undecided(endpoint, "policy");
                if (policy === undefined || policy === null || policy === "") {
                    return ctx.report(endpoint, "must have an endpoint policy: set policy to allow only the actions and resources the VPC's workloads use (the default allows everything)");
                }
                const open = wideOpenStatements(policy);
                if (open === UNKNOWN) return ctx.undecided(endpoint, "policy");
                if (open === "unparsable") return ctx.report(endpoint, "must have a parsable endpoint policy: policy is not valid JSON");
                for (const { index, why } of open) {
                    ctx.report(endpoint, `must not be wide open: policy statement[${index}] ${why}; name the resources or add an aws:PrincipalAccount condition`);
                }
            });
        }
    },
});

export const rules: Rule[] = [gatewayEndpointsForLambdaSubnets, interfaceEndpointsForLambdaServices, endpointPolicyRestricted];
