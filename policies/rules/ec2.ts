/**
 * EC2/VPC rules: security groups without public ingress, the default security group emptied,
 * no all-traffic egress from a Lambda's groups (rule normalisation in lib/security-groups.ts),
 * flow logs, the VPC DNS attributes interface endpoints with private DNS need, and the VPC
 * endpoints: the S3 and DynamoDB gateway endpoints on the route tables of every Lambda subnet, an
 * interface endpoint with private DNS for each service a function's role can call (Kinesis by
 * default), and endpoint policies that are not wide open. Cross-resource facts come from
 * lib/network.ts.
 */
import { regionalFunctions } from "../lib/edge";
import { functionPlacement, networkOf, VPC_MAIN_UNMANAGED, vpcConfigOf } from "../lib/network";
import { perIndex, push, StackIndex } from "../lib/stack";
import {
    isConcretePinValue,
    isOpenPrincipal,
    isParseError,
    isWildcardResource,
    parsePolicyDocument,
    pinningConditionKeys,
} from "../lib/iam";
import { bool, isSet, isUnknown, list, read, rec, str, strings, PACK_UNKNOWN, Unknown } from "../lib/props";
import {
    fsbp,
    resourceRule,
    Rule,
    RuleContext,
    RuleResource,
    StackResource,
    stackRule,
    stringListOption,
} from "../lib/rule";
import {
    allPorts,
    isOpenCidr,
    isUnknownRulePart,
    portRange,
    portsAllowed,
    RuleEntry,
    ruleEntries,
    SG_TYPES,
} from "../lib/security-groups";
import { ebsEncryptedByDefault } from "../lib/stores";
import { AWS_TYPES, isType } from "../lib/types";

interface PublicIngressConfig {
    allowedPorts: number[];
}

export const securityGroupNoPublicIngress = resourceRule<PublicIngressConfig>({
    name: "ec2-security-group-no-public-ingress",
    description:
        "Checks that no security group admits ingress from 0.0.0.0/0 or ::/0 (any /0), whether the rule is inline " +
        "(SecurityGroup/DefaultSecurityGroup ingress), an aws.ec2.SecurityGroupRule of type ingress, or an " +
        "aws.vpc.SecurityGroupIngressRule (cidrIpv4/cidrIpv6). Stricter than EC2.18/EC2.19/EC2.53/EC2.54 (which judge " +
        "ports): this architecture has no resource that should be reachable from the internet except through " +
        "CloudFront and API Gateway, so any port open to the world is a mistake; allowedPorts lists reviewed exceptions. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "high",
    control: fsbp("EC2.18"),
    relatedControls: [fsbp("EC2.19"), fsbp("EC2.53"), fsbp("EC2.54"), fsbp("EC2.13"), fsbp("EC2.14")],
    remediationSteps:
        "Replace the 0.0.0.0/0 or ::/0 source with the security group or CIDR of the caller (e.g. the load balancer's " +
        "group), or remove the ingress rule.",
    tags: ["ec2", "network", "security-group"],
    preview: "Judges inputs; a rule whose CIDR list is unknown at preview is reported undecided.",
    config: {
        allowedPorts: {
            type: "array",
            items: { type: "integer", minimum: 0, maximum: 65535 },
            default: [],
            description: "Ports that may be open to the internet (e.g. [443] for a public load balancer).",
        },
    },
    resourceTypes: SG_TYPES,
    check(resource, ctx) {
        const allowed = ctx.config.allowedPorts ?? [];
        const judge = ({ path, cidrs, protocol, from, to }: RuleEntry) => {
            const values = strings(cidrs);
            if (values === PACK_UNKNOWN) return ctx.undecided(resource, path);
            const open = values.filter(isOpenCidr);
            if (open.length === 0) return;
            const range = portRange(protocol, from, to);
            if (range === PACK_UNKNOWN) return ctx.undecided(resource, `${path} ports`);
            if (portsAllowed(range, allowed)) return;
            const ports = range
                ? range[0] === range[1]
                    ? `port ${range[0]}`
                    : `ports ${range[0]}-${range[1]}`
                : "all ports";
            ctx.report(
                resource,
                `must not allow ingress from ${open.join(", ")}: ${path} opens ${ports} to the internet; ` +
                    "use the caller's security group or CIDR as the source",
            );
        };
        for (const entry of ruleEntries(resource, "ingress")) {
            if (isUnknownRulePart(entry)) ctx.undecided(resource, entry.unknown);
            else judge(entry);
        }
    },
});

const SG_RULE_TYPES = [
    AWS_TYPES.securityGroupRule,
    AWS_TYPES.securityGroupIngressRule,
    AWS_TYPES.securityGroupEgressRule,
];

export const defaultSecurityGroupRestricted = stackRule({
    name: "ec2-default-security-group-no-rules",
    description:
        "Checks that every VPC in the stack manages its default security group (aws.ec2.DefaultSecurityGroup) with no " +
        "ingress and no egress rules, and that no separate rule resource adds one back. AWS creates the default group " +
        "allowing all traffic between its members and all egress; anything launched without a group lands in it. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "medium",
    control: fsbp("EC2.2"),
    remediationSteps:
        "Add `new aws.ec2.DefaultSecurityGroup(name, { vpcId: vpc.id })` with no ingress or egress (the provider then " +
        "revokes the default rules), and delete rules that target the default group.",
    tags: ["ec2", "network", "security-group"],
    preview: "A VPC whose default group cannot be tied to it at preview (unknown vpcId, no dependency) is undecided.",
    check(stack, ctx) {
        const index = stack.index;
        const managed = new Set<string>();
        for (const dsg of index.ofType(AWS_TYPES.defaultSecurityGroup)) {
            ctx.guard(dsg, () => {
                const vpc = index.referenceIn(dsg, "vpcId", read(dsg.props, "vpcId"), AWS_TYPES.vpc);
                if (vpc === PACK_UNKNOWN) ctx.undecided(dsg, "vpcId");
                else if (vpc && typeof vpc === "object") managed.add(vpc.urn);
                for (const key of ["ingress", "egress"]) {
                    const rules = list(read(dsg.props, key));
                    if (rules === PACK_UNKNOWN) ctx.undecided(dsg, key);
                    else if (rules.length > 0) {
                        ctx.report(dsg, `must have no rules: remove all ${rules.length} ${key} rule(s) from ${key}`);
                    }
                }
            });
        }
        for (const rule of index.ofType(...SG_RULE_TYPES)) {
            ctx.guard(rule, () => {
                const target = index.referenceIn(
                    rule,
                    "securityGroupId",
                    read(rule.props, "securityGroupId"),
                    AWS_TYPES.defaultSecurityGroup,
                );
                if (target && typeof target === "object") {
                    ctx.report(
                        rule,
                        `must not add a rule to the default security group '${target.name}': delete it and use a dedicated group`,
                    );
                }
            });
        }
        for (const vpc of index.ofType(AWS_TYPES.vpc)) {
            if (managed.has(vpc.urn)) continue;
            ctx.report(
                vpc,
                "must restrict its default security group: add aws.ec2.DefaultSecurityGroup with vpcId set to this VPC and no rules",
            );
        }
    },
});

/** One egress entry to judge, and the resource that writes it (the group, or a rule resource). */
type EgressEntry = RuleEntry & { holder: StackResource };

/** A security group that regional Lambda functions use, and the functions (for messages). */
interface FunctionGroup {
    group: StackResource;
    functions: string[];
}

/**
 * The security groups of the stack's regional VPC functions, by URN; `groupsUnresolved` when a
 * function's groups could not be tied to resources (that function is marked undecided).
 */
function functionSecurityGroups(
    index: StackIndex,
    ctx: RuleContext<unknown>,
): { lambdaGroups: Map<string, FunctionGroup>; groupsUnresolved: boolean } {
    const lambdaGroups = new Map<string, FunctionGroup>();
    let groupsUnresolved = false;
    for (const fn of regionalFunctions(index)) {
        const config = vpcConfigOf(fn);
        if (!config || config === PACK_UNKNOWN) continue; // lambda-function-in-private-subnets judges these
        const groups = index.referencesIn(fn, "vpcConfig", config.securityGroupIds, AWS_TYPES.securityGroup);
        if (groups === PACK_UNKNOWN) {
            groupsUnresolved = true;
            ctx.undecided(fn, "vpcConfig.securityGroupIds");
            continue;
        }
        for (const group of groups.resources) {
            const entry = lambdaGroups.get(group.urn) ?? { group, functions: [] };
            entry.functions.push(fn.name);
            lambdaGroups.set(group.urn, entry);
        }
    }
    return { lambdaGroups, groupsUnresolved };
}
export const lambdaSecurityGroupEgressRestricted = stackRule({
    name: "ec2-lambda-security-group-egress-restricted",
    description:
        "Checks that no security group attached to a VPC Lambda function (vpcConfig.securityGroupIds) allows all " +
        "traffic (protocol -1, or every port) to 0.0.0.0/0 or ::/0 (any /0), whether the egress is inline " +
        "(SecurityGroup egress), an aws.ec2.SecurityGroupRule of type egress, or an aws.vpc.SecurityGroupEgressRule " +
        "(cidrIpv4/cidrIpv6). The architecture sends Lambda traffic only to VPC endpoints; egress to the world on " +
        "every port and protocol is AWS's default rule put back, an exfiltration path through any NAT. Mandatory: " +
        "a function that truly needs the internet through NAT states the protocol and port (tcp/443 to 0.0.0.0/0 " +
        "is not judged here), so no correct design needs this rule's target; a reviewed exception is an exemption " +
        "with a reason.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "lambdas-in-private-subnets",
    remediationSteps:
        "Replace the all-traffic egress with HTTPS (tcp/443) to the endpoints' security group and the gateway " +
        "endpoints' prefix lists (destinationPrefixListId / prefixListIds); if the function must reach the internet " +
        "through NAT, allow only the port it uses.",
    tags: ["ec2", "lambda", "network", "security-group"],
    rationale:
        "Security groups are the last control on what a compromised function can reach; an allow-all egress rule " +
        "makes the private-subnet and endpoint design advisory.",
    preview:
        "Groups are tied to functions through vpcConfig.securityGroupIds, or the engine's property dependencies when " +
        "ids are unknown, and rule resources to groups through securityGroupId likewise. An all-traffic rule whose " +
        "group cannot be tied, or an egress entry whose CIDRs or protocol are unknown, leaves it undecided. A group " +
        "outside the stack cannot be judged.",
    check(stack, ctx) {
        const { lambdaGroups, groupsUnresolved } = functionSecurityGroups(stack.index, ctx);
        if (lambdaGroups.size === 0 && !groupsUnresolved) return;
        judgeInlineEgress(lambdaGroups, ctx);
        judgeEgressRuleResources(stack.index, lambdaGroups, ctx);
    },
});

/**
 * Reports an egress entry that allows all traffic to an open CIDR from a group regional functions
 * use; `unresolved` when the rule resource's group could not be tied (undecided).
 */
function judgeEgress(ctx: RuleContext<unknown>, e: EgressEntry, target: FunctionGroup | "unresolved"): void {
    const cidrs = strings(e.cidrs);
    if (cidrs === PACK_UNKNOWN) return ctx.undecided(e.holder, e.path);
    const open = cidrs.filter(isOpenCidr);
    if (open.length === 0) return;
    const all = allPorts(e.protocol, e.from, e.to);
    if (all === PACK_UNKNOWN) return ctx.undecided(e.holder, `${e.path} protocol/ports`);
    if (!all) return;
    if (target === "unresolved") return ctx.undecided(e.holder, "securityGroupId");
    const fns = target.functions.map((f) => `'${f}'`).join(", ");
    const group = e.holder === target.group ? "" : ` to security group '${target.group.name}'`;
    ctx.report(
        e.holder,
        `must not allow all traffic to ${open.join(", ")} (${e.path})${group}, which Lambda function ${fns} uses: ` +
            "allow HTTPS (tcp/443) to the VPC endpoints' security group or prefix lists instead",
    );
}

/** The inline egress of the functions' groups. */
function judgeInlineEgress(lambdaGroups: Map<string, FunctionGroup>, ctx: RuleContext<unknown>): void {
    for (const target of lambdaGroups.values()) {
        const sg = target.group;
        ctx.guard(sg, () => {
            for (const entry of ruleEntries(sg, "egress")) {
                if (isUnknownRulePart(entry)) ctx.undecided(sg, entry.unknown);
                else judgeEgress(ctx, { ...entry, holder: sg }, target);
            }
        });
    }
}

/**
 * Separate egress rule resources (aws.ec2.SecurityGroupRule of type egress,
 * aws.vpc.SecurityGroupEgressRule) that target one of the functions' groups.
 */
function judgeEgressRuleResources(
    index: StackIndex,
    lambdaGroups: Map<string, FunctionGroup>,
    ctx: RuleContext<unknown>,
): void {
    const targetOf = (rule: StackResource) => {
        const sg = index.referenceIn(
            rule,
            "securityGroupId",
            read(rule.props, "securityGroupId"),
            AWS_TYPES.securityGroup,
        );
        if (sg === PACK_UNKNOWN) return "unresolved" as const;
        return sg && typeof sg === "object" ? lambdaGroups.get(sg.urn) : undefined;
    };
    for (const rule of index.ofType(AWS_TYPES.securityGroupRule, AWS_TYPES.securityGroupEgressRule)) {
        ctx.guard(rule, () => {
            const entries = ruleEntries(rule, "egress");
            const written = entries.filter((entry) => !isUnknownRulePart(entry)) as RuleEntry[];
            // Only a SecurityGroupRule's type can be unknown; it is undecided whatever its group.
            for (const entry of entries) if (isUnknownRulePart(entry)) ctx.undecided(rule, entry.unknown);
            if (written.length === 0) return;
            const target = targetOf(rule);
            if (!target) return;
            for (const entry of written) judgeEgress(ctx, { ...entry, holder: rule }, target);
        });
    }
}

export const vpcFlowLogsEnabled = stackRule({
    name: "ec2-vpc-flow-logs-enabled",
    description:
        "Checks that every VPC in the stack has an aws.ec2.FlowLog whose vpcId names it, so rejected and accepted " +
        "traffic can be investigated. Mandatory: flow logs cannot be recovered after an incident.",
    enforcementLevel: "mandatory",
    severity: "medium",
    control: fsbp("EC2.6"),
    remediationSteps:
        'Add `new aws.ec2.FlowLog(name, { vpcId: vpc.id, trafficType: "ALL", logDestination: logGroup.arn, iamRoleArn })`.',
    tags: ["ec2", "network", "logging"],
    preview: "A flow log whose vpcId is unknown is tied to its VPC through property dependencies.",
    check(stack, ctx) {
        const index = stack.index;
        const covered = new Set<string>();
        let undecided: StackResource | undefined;
        for (const log of index.ofType(AWS_TYPES.flowLog)) {
            const vpc = index.referenceIn(log, "vpcId", read(log.props, "vpcId"), AWS_TYPES.vpc);
            if (vpc === PACK_UNKNOWN) undecided = log;
            else if (vpc && typeof vpc === "object") covered.add(vpc.urn);
        }
        for (const vpc of index.ofType(AWS_TYPES.vpc)) {
            if (covered.has(vpc.urn)) continue;
            if (undecided) ctx.undecided(vpc, `vpcId of flow log '${undecided.name}'`);
            else ctx.report(vpc, "must have flow logs: add an aws.ec2.FlowLog with vpcId set to this VPC");
        }
    },
});

/** True for an interface endpoint (vpcEndpointType Interface) with private DNS on. */
export function isPrivateDnsInterfaceEndpoint(endpoint: RuleResource): boolean | typeof PACK_UNKNOWN {
    const type = str(read(endpoint.props, "vpcEndpointType"));
    if (type === PACK_UNKNOWN) return PACK_UNKNOWN;
    if (type !== "Interface") return false;
    const dns = bool(read(endpoint.props, "privateDnsEnabled"));
    return dns === PACK_UNKNOWN ? PACK_UNKNOWN : dns === true;
}

export const vpcDnsForPrivateEndpoints = stackRule({
    name: "ec2-vpc-dns-enabled-for-private-endpoints",
    description:
        "Checks that a VPC holding an interface endpoint with private DNS has enableDnsSupport and enableDnsHostnames " +
        "on: AWS requires both for the endpoint's private DNS name, and without it SDK calls resolve to the public " +
        "endpoint and leave the VPC (or fail without a NAT). Mandatory.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set enableDnsSupport: true and enableDnsHostnames: true on the aws.ec2.Vpc.",
    tags: ["ec2", "network", "vpc-endpoint"],
    preview: "Undecided while the endpoint's type, privateDnsEnabled or the VPC's DNS attributes are unknown.",
    check(stack, ctx) {
        const index = stack.index;
        const judged = new Set<string>();
        for (const endpoint of index.ofType(AWS_TYPES.vpcEndpoint)) {
            ctx.guard(endpoint, () => {
                const privateDns = isPrivateDnsInterfaceEndpoint(endpoint);
                if (privateDns === PACK_UNKNOWN) return ctx.undecided(endpoint, "vpcEndpointType/privateDnsEnabled");
                if (!privateDns) return;
                const vpc = index.referenceIn(endpoint, "vpcId", read(endpoint.props, "vpcId"), AWS_TYPES.vpc);
                if (vpc === PACK_UNKNOWN) return ctx.undecided(endpoint, "vpcId");
                if (!vpc || typeof vpc === "string" || judged.has(vpc.urn)) return;
                judged.add(vpc.urn);
                const support = bool(read(vpc.props, "enableDnsSupport"));
                const hostnames = bool(read(vpc.props, "enableDnsHostnames"));
                if (isUnknown(support) || isUnknown(hostnames))
                    return ctx.undecided(vpc, "enableDnsSupport/enableDnsHostnames");
                // enableDnsSupport defaults to true, enableDnsHostnames to false.
                const missing = [
                    support === false ? "enableDnsSupport" : "",
                    hostnames !== true ? "enableDnsHostnames" : "",
                ].filter(Boolean);
                if (missing.length) {
                    ctx.report(
                        vpc,
                        `must enable DNS for interface endpoint '${endpoint.name}' (privateDnsEnabled): set ${missing.join(" and ")} to true`,
                    );
                }
            });
        }
    },
});

const TABLES = [AWS_TYPES.routeTable, AWS_TYPES.defaultRouteTable];

/** `com.amazonaws.us-west-2.s3` -> `s3`; also `cn.com.amazonaws...`; undefined for other names. */
export function endpointService(serviceName: string): string | undefined {
    const match = /^(?:cn\.)?com\.amazonaws\.[a-z0-9-]+\.(.+)$/.exec(serviceName);
    return match ? match[1] : undefined;
}

interface EndpointInfo {
    endpoint: StackResource;
    service: string | Unknown | undefined;
    type: string | Unknown;
    /** Route table keys (URN or id) the endpoint is attached to; PACK_UNKNOWN if not decidable. */
    tables: Set<string> | Unknown;
    /** Subnets (URN or id) the endpoint has network interfaces in. */
    subnets: Set<string> | Unknown;
    vpc: string | Unknown | undefined;
}

/** Endpoints with their route tables and subnets (inline and association resources). */
const endpoints = perIndex(endpointsOf);

function endpointsOf(index: StackIndex): EndpointInfo[] {
    const keys = (r: StackResource, prop: string, ...tokens: string[]): Set<string> | Unknown => {
        const refs = index.referencesIn(r, prop, read(r.props, prop), ...tokens);
        if (refs === PACK_UNKNOWN) return PACK_UNKNOWN;
        return new Set([...refs.resources.map((x) => x.urn), ...refs.external]);
    };
    const byUrn = new Map<string, EndpointInfo>();
    const out: EndpointInfo[] = [];
    for (const endpoint of index.ofType(AWS_TYPES.vpcEndpoint)) {
        const name = str(read(endpoint.props, "serviceName"));
        const type = str(read(endpoint.props, "vpcEndpointType"));
        const info: EndpointInfo = {
            endpoint,
            service: typeof name === "string" ? endpointService(name) : name,
            // The provider's default type is Gateway.
            type: type === undefined ? "Gateway" : type,
            tables: keys(endpoint, "routeTableIds", ...TABLES),
            subnets: keys(endpoint, "subnetIds", AWS_TYPES.subnet),
            vpc: networkOf(index).key(endpoint, "vpcId", AWS_TYPES.vpc),
        };
        out.push(info);
        byUrn.set(endpoint.urn, info);
    }
    const attach = (assocType: string, prop: "tables" | "subnets", refProp: string, ...tokens: string[]) => {
        for (const assoc of index.ofType(assocType)) {
            const ep = index.referenceIn(
                assoc,
                "vpcEndpointId",
                read(assoc.props, "vpcEndpointId"),
                AWS_TYPES.vpcEndpoint,
            );
            const target = networkOf(index).key(assoc, refProp, ...tokens);
            const info = ep && typeof ep === "object" ? byUrn.get(ep.urn) : undefined;
            if (!info) continue;
            const set = info[prop];
            if (set === PACK_UNKNOWN) continue;
            if (typeof target === "string") set.add(target);
            else info[prop] = PACK_UNKNOWN;
        }
    };
    attach(AWS_TYPES.vpcEndpointRouteTableAssociation, "tables", "routeTableId", ...TABLES);
    attach(AWS_TYPES.vpcEndpointSubnetAssociation, "subnets", "subnetId", AWS_TYPES.subnet);
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
        "apply. Lambda@Edge functions are not judged (no VPC). Mandatory. No FSBP control " +
        "covers S3/DynamoDB endpoints (EC2.10 is the same idea for the EC2 API).",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "vpc-endpoints-exist",
    remediationSteps:
        "Add `new aws.ec2.VpcEndpoint(name, { vpcId, serviceName: `com.amazonaws.${region}.s3`, vpcEndpointType: " +
        '"Gateway", routeTableIds: privateRouteTableIds })` and the same for dynamodb.',
    tags: ["ec2", "vpc-endpoint", "network"],
    preview:
        "Undecided while a subnet's route table or an endpoint's service or route tables cannot be tied to resources.",
    config: {
        gatewayServices: stringListOption(
            "Services (endpoint name suffix) that need a Gateway endpoint on every Lambda subnet's route table.",
            ["s3", "dynamodb"],
        ),
    },
    check(stack, ctx) {
        const index = stack.index;
        const services = ctx.config.gatewayServices ?? ["s3", "dynamodb"];
        const eps = endpoints(index);
        const undecidedEndpoint = eps.find(
            (e) => isUnknown(e.service) || isUnknown(e.type) || e.tables === PACK_UNKNOWN,
        );
        // Lambda@Edge functions are skipped: they cannot be attached to a VPC
        for (const fn of regionalFunctions(index)) {
            ctx.guard(fn, () => {
                const placement = functionPlacement(index, fn);
                if (placement.kind === "unknown") return ctx.undecided(fn, placement.what);
                if (placement.kind === "none") return; // lambda-function-in-private-subnets reports it
                const missing: string[] = [];
                for (const subnet of placement.subnets) {
                    const table = networkOf(index).effectiveRouteTable(subnet);
                    if (table === PACK_UNKNOWN) return ctx.undecided(fn, `route table of subnet '${subnet.name}'`);
                    if (table === undefined) continue; // outside the stack: reported by the private-subnets rule
                    for (const service of services) {
                        const attached = eps.some(
                            (e) =>
                                e.service === service &&
                                e.type === "Gateway" &&
                                e.tables !== PACK_UNKNOWN &&
                                e.tables.has(table),
                        );
                        if (!attached)
                            missing.push(`${service} (subnet '${subnet.name}', ${tableLabel(index, table)})`);
                    }
                }
                if (missing.length === 0) return;
                if (undecidedEndpoint)
                    return ctx.undecided(
                        fn,
                        `service or route tables of endpoint '${undecidedEndpoint.endpoint.name}'`,
                    );
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

function tableLabel(index: StackIndex, key: string): string {
    if (key === VPC_MAIN_UNMANAGED) return key;
    const table = index.byUrn(key);
    return table ? `route table '${table.name}'` : `route table ${key}`;
}

/** The policy documents (parsed) attached to a role in the stack; PACK_UNKNOWN if one is unknown. */
function rolePolicyDocuments(index: StackIndex, role: StackResource): unknown[] | Unknown {
    const docs: unknown[] = [];
    const inline = list(read(role.props, "inlinePolicies"));
    if (inline === PACK_UNKNOWN) return PACK_UNKNOWN;
    for (const p of inline) docs.push(read(p, "policy"));
    for (const rp of index
        .propertiesComputedFrom(role, AWS_TYPES.iamRolePolicy)
        .map((d) => d.resource)
        .concat(byRoleValue(index, role, AWS_TYPES.iamRolePolicy))) {
        docs.push(read(rp.props, "policy"));
    }
    const policyArns: unknown[] = [];
    const managed = strings(read(role.props, "managedPolicyArns"));
    if (managed === PACK_UNKNOWN) return PACK_UNKNOWN;
    policyArns.push(...managed);
    for (const att of index
        .propertiesComputedFrom(role, AWS_TYPES.iamRolePolicyAttachment)
        .map((d) => d.resource)
        .concat(byRoleValue(index, role, AWS_TYPES.iamRolePolicyAttachment))) {
        const arn = index.referenceIn(att, "policyArn", read(att.props, "policyArn"), AWS_TYPES.iamPolicy);
        if (arn === PACK_UNKNOWN) return PACK_UNKNOWN;
        if (arn && typeof arn === "object") docs.push(read(arn.props, "policy"));
        else if (typeof arn === "string") policyArns.push(arn);
    }
    for (const arn of policyArns) {
        const policy = typeof arn === "string" ? index.named(arn, AWS_TYPES.iamPolicy) : undefined;
        if (policy) docs.push(read(policy.props, "policy"));
        // An AWS-managed policy outside the stack: its grants are judged by the IAM rules.
    }
    return docs.some(isUnknown) ? PACK_UNKNOWN : docs;
}

/** RolePolicy/RolePolicyAttachment resources whose `role` names this role by name, id or ARN. */
const rolePoliciesByRoleValue = perIndex((index: StackIndex) => {
    const byValue = new Map<string, StackResource[]>();
    for (const r of index.ofType(AWS_TYPES.iamRolePolicy, AWS_TYPES.iamRolePolicyAttachment)) {
        const value = str(read(r.props, "role"));
        if (typeof value === "string") push(byValue, `${r.type}|${value}`, r);
    }
    return byValue;
});

function byRoleValue(index: StackIndex, role: StackResource, type: string): StackResource[] {
    const byValue = rolePoliciesByRoleValue(index);
    const out: StackResource[] = [];
    for (const key of ["name", "id", "arn"]) {
        const value = str(read(role.props, key));
        if (typeof value === "string")
            for (const r of byValue.get(`${type}|${value}`) ?? []) if (!out.includes(r)) out.push(r);
    }
    return out.filter((r) => !index.propertiesComputedFrom(role, type).some((d) => d.resource === r));
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
    if (parsed === PACK_UNKNOWN) return PACK_UNKNOWN;
    if (isParseError(parsed)) return false;
    const prefix = service.toLowerCase();
    const coversService = (pattern: string) => {
        const p = pattern.toLowerCase().trim();
        if (p === "*") return true;
        const svc = p.split(":")[0];
        const glob = svc
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".");
        return new RegExp(`^${glob}$`).test(prefix);
    };
    for (const s of parsed.statements) {
        if (s.effect === PACK_UNKNOWN) return PACK_UNKNOWN;
        if (s.effect !== "Allow") continue;
        if (s.action === PACK_UNKNOWN || s.notAction === PACK_UNKNOWN) return PACK_UNKNOWN;
        if (s.action?.some(coversService)) return true;
        if (s.notAction && !s.notAction.some((a) => a.trim() === "*" || a.toLowerCase().trim() === `${prefix}:*`))
            return true;
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
        "policies in the stack. Lambda@Edge functions are not judged. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "vpc-endpoints-exist",
    remediationSteps:
        "Add `new aws.ec2.VpcEndpoint(name, { vpcId, serviceName: `com.amazonaws.${region}.kinesis-streams`, " +
        'vpcEndpointType: "Interface", privateDnsEnabled: true, subnetIds: privateSubnetIds, securityGroupIds })`.',
    tags: ["ec2", "vpc-endpoint", "network"],
    preview: "Undecided while the role's policy documents, the endpoint's service, subnets or private DNS are unknown.",
    config: {
        interfaceServices: {
            type: "object",
            additionalProperties: { type: "string" },
            default: { kinesis: "kinesis-streams" },
            description: 'IAM service prefix -> interface endpoint service name suffix (e.g. {"sqs": "sqs"}).',
        },
    },
    check(stack, ctx) {
        const index = stack.index;
        const services = Object.entries(ctx.config.interfaceServices ?? { kinesis: "kinesis-streams" });
        const eps = endpoints(index);
        // Lambda@Edge functions are skipped: they cannot be attached to a VPC
        for (const fn of regionalFunctions(index)) {
            ctx.guard(fn, () => {
                const placement = functionPlacement(index, fn);
                if (placement.kind === "unknown") return ctx.undecided(fn, placement.what);
                if (placement.kind === "none" || placement.subnets.length === 0) return;
                const role = index.referenceIn(fn, "role", read(fn.props, "role"), AWS_TYPES.iamRole);
                if (role === PACK_UNKNOWN) return ctx.undecided(fn, "role");
                if (!role || typeof role === "string") return; // role outside the stack: grants not visible
                const docs = rolePolicyDocuments(index, role);
                if (docs === PACK_UNKNOWN) return ctx.undecided(fn, `policies of role '${role.name}'`);
                const vpc = networkOf(index).vpcKeyOfSubnet(placement.subnets[0]);
                if (vpc === PACK_UNKNOWN) return ctx.undecided(fn, "vpcId of its subnets");
                for (const [iamPrefix, endpointName] of services) {
                    const grants = docs.map((d) => allowsService(d, iamPrefix));
                    if (grants.includes(PACK_UNKNOWN)) return ctx.undecided(fn, `policies of role '${role.name}'`);
                    if (!grants.includes(true)) continue;
                    const problem = interfaceEndpointProblem(index, eps, vpc, endpointName, placement.subnets);
                    if (problem === PACK_UNKNOWN) return ctx.undecided(fn, `interface endpoints for ${endpointName}`);
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
    index: StackIndex,
    eps: EndpointInfo[],
    vpc: string | undefined,
    service: string,
    subnets: StackResource[],
): string | undefined | Unknown {
    const candidates = eps.filter(
        (e) => e.service === service && e.type === "Interface" && (vpc === undefined || e.vpc === vpc),
    );
    if (candidates.length === 0) {
        return eps.some((e) => isUnknown(e.service) || isUnknown(e.type) || isUnknown(e.vpc))
            ? PACK_UNKNOWN
            : `no ${service} Interface endpoint in its VPC`;
    }
    const azOf = (key: string) => {
        const subnet = index.byUrn(key) ?? index.named(key, AWS_TYPES.subnet);
        return subnet ? str(read(subnet.props, "availabilityZone")) : undefined;
    };
    let last: string | Unknown = "";
    for (const e of candidates) {
        const dns = bool(read(e.endpoint.props, "privateDnsEnabled"));
        if (dns === PACK_UNKNOWN) return PACK_UNKNOWN;
        if (dns !== true) {
            last = `endpoint '${e.endpoint.name}' must set privateDnsEnabled: true (without it the SDK resolves the public endpoint)`;
            continue;
        }
        const own = e.subnets;
        if (own === PACK_UNKNOWN) return PACK_UNKNOWN;
        const zones = new Set([...own].map(azOf));
        const uncovered = subnets.filter(
            (s) => !own.has(s.urn) && !zones.has(str(read(s.props, "availabilityZone")) as string),
        );
        if (uncovered.length === 0) return undefined;
        last = `endpoint '${e.endpoint.name}' has no network interface in the subnet or AZ of ${uncovered.map((s) => `'${s.name}'`).join(", ")}`;
    }
    return last;
}

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
    if (!c || c === PACK_UNKNOWN) return false;
    return Object.entries(c).some(([operator, block]) => {
        const b = rec(block);
        if (!b || b === PACK_UNKNOWN || /not|ifexists|^null$|^forallvalues:/i.test(operator)) return false;
        return Object.entries(b).some(([k, v]) => {
            if (!RESOURCE_PINNING_KEYS.includes(k.toLowerCase())) return false;
            const vs = strings(v);
            return vs !== PACK_UNKNOWN && vs.length > 0 && vs.every((x) => isConcretePinValue(k, x));
        });
    });
}

/**
 * Statements of an endpoint policy that allow anyone to reach anything: Allow, an open
 * principal, no pinning condition, and Resource `*` (or a wildcard account/service ARN).
 */
export function wideOpenStatements(document: unknown): { index: number; why: string }[] | Unknown | "unparsable" {
    const parsed = parsePolicyDocument(document);
    if (parsed === PACK_UNKNOWN) return PACK_UNKNOWN;
    if (isParseError(parsed)) return "unparsable";
    const out: { index: number; why: string }[] = [];
    for (const s of parsed.statements) {
        if (s.effect === PACK_UNKNOWN) return PACK_UNKNOWN;
        if (s.effect !== "Allow") continue;
        const open = isOpenPrincipal(s.principal);
        if (open === PACK_UNKNOWN) return PACK_UNKNOWN;
        if (!open) continue;
        const pinned = pinningConditionKeys(s.condition);
        if (pinned === PACK_UNKNOWN) return PACK_UNKNOWN;
        if (pinned.length > 0 || pinsResource(s.condition)) continue;
        if (s.resource === PACK_UNKNOWN) return PACK_UNKNOWN;
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
        'statement grants Principal "*" on Resource "*" unless a condition pins the caller or resource to the account ' +
        "or organisation (aws:PrincipalAccount, aws:PrincipalOrgID, aws:ResourceAccount ...). Without one, the endpoint " +
        "carries any principal's traffic to any account's resources — an exfiltration path. Advisory: endpoint policies " +
        "are defence in depth behind IAM, and services without policy support exist.",
    enforcementLevel: "advisory",
    severity: "medium",
    constraint: "vpc-endpoints-exist",
    remediationSteps:
        "Set the endpoint's policy to allow only the actions the functions use, on the stack's resources (or pinned by " +
        "aws:PrincipalAccount to this account).",
    tags: ["ec2", "vpc-endpoint", "iam"],
    preview: "Undecided while the policy document is unknown.",
    check(stack, ctx) {
        const index = stack.index;
        const separate = new Map<string, StackResource>();
        for (const p of index.ofType(AWS_TYPES.vpcEndpointPolicy)) {
            const ep = index.referenceIn(p, "vpcEndpointId", read(p.props, "vpcEndpointId"), AWS_TYPES.vpcEndpoint);
            if (ep && typeof ep === "object") separate.set(ep.urn, p);
        }
        for (const endpoint of index.ofType(AWS_TYPES.vpcEndpoint)) {
            ctx.guard(endpoint, () => {
                const type = str(read(endpoint.props, "vpcEndpointType"));
                if (type === "GatewayLoadBalancer" || type === "Resource" || type === "ServiceNetwork") return;
                const holder = separate.get(endpoint.urn);
                const policy = holder ? read(holder.props, "policy") : read(endpoint.props, "policy");
                if (isUnknown(policy)) return ctx.undecided(endpoint, "policy");
                if (policy === undefined || policy === null || policy === "") {
                    return ctx.report(
                        endpoint,
                        "must have an endpoint policy: set policy to allow only the actions and resources the VPC's workloads use (the default allows everything)",
                    );
                }
                const open = wideOpenStatements(policy);
                if (open === PACK_UNKNOWN) return ctx.undecided(endpoint, "policy");
                if (open === "unparsable")
                    return ctx.report(endpoint, "must have a parsable endpoint policy: policy is not valid JSON");
                for (const { index, why } of open) {
                    ctx.report(
                        endpoint,
                        `must not be wide open: policy statement[${index}] ${why}; name the resources or add an aws:PrincipalAccount condition`,
                    );
                }
            });
        }
    },
});

// ---- EC2 volumes and instance metadata (data at rest on instances and launch templates) --------

/** One block device of an instance, launch template or launch configuration, as the rule reads it. */
interface BlockDevice {
    where: string;
    encrypted: unknown;
    snapshotId: unknown;
}

/** The EBS block devices a resource declares: root and EBS devices, or launch-template mappings. */
function blockDevices(r: StackResource): BlockDevice[] | Unknown {
    if (isType(r.type, AWS_TYPES.ec2LaunchTemplate)) {
        const mappings = list(r.props.blockDeviceMappings);
        if (mappings === PACK_UNKNOWN) return PACK_UNKNOWN;
        const out: BlockDevice[] = [];
        mappings.forEach((m, i) => {
            const ebs = read(m, "ebs");
            if (ebs === undefined || ebs === null) return; // an instance-store or suppressed mapping
            out.push({
                where: `blockDeviceMappings[${i}].ebs`,
                encrypted: read(ebs, "encrypted"),
                snapshotId: read(ebs, "snapshotId"),
            });
        });
        return out;
    }
    const out: BlockDevice[] = [];
    const root = read(r.props, "rootBlockDevice");
    if (isUnknown(root)) return PACK_UNKNOWN;
    out.push({ where: "rootBlockDevice", encrypted: read(root, "encrypted"), snapshotId: undefined });
    const devices = list(r.props.ebsBlockDevices);
    if (devices === PACK_UNKNOWN) return PACK_UNKNOWN;
    devices.forEach((d, i) => {
        if (bool(read(d, "noDevice")) === true) return;
        out.push({
            where: `ebsBlockDevices[${i}]`,
            encrypted: read(d, "encrypted"),
            snapshotId: read(d, "snapshotId"),
        });
    });
    return out;
}

export const instanceVolumesEncrypted = stackRule({
    name: "ec2-instance-volumes-encrypted",
    description:
        'Checks that every EBS volume an EC2 instance, spot instance request, launch template or launch configuration creates is encrypted: each root and EBS block device sets `encrypted` (a string "true" in launch templates), or the stack enables EBS encryption by default (aws.ebs.EncryptionByDefault). Without either, the root volume follows its AMI\'s snapshot (unencrypted for the public Amazon Linux and Ubuntu AMIs); a device restored from its own snapshotId follows that snapshot and is not judged. Mandatory.',
    enforcementLevel: "mandatory",
    severity: "high",
    control: fsbp("EC2.3"),
    constraint: "encryption-on",
    remediationSteps:
        'Set `rootBlockDevice: { encrypted: true }` and `encrypted: true` on each ebsBlockDevices entry (launch templates: `ebs: { encrypted: "true" }`), or declare `new aws.ebs.EncryptionByDefault("ebs", { enabled: true })`.',
    tags: ["ec2", "ebs", "encryption"],
    preview: "An unknown device list, `encrypted` or default-encryption switch is undecided.",
    check(stack, ctx) {
        const byDefault = ebsEncryptedByDefault(stack.index);
        const holders = stack.index.ofType(
            AWS_TYPES.ec2Instance,
            AWS_TYPES.ec2SpotInstanceRequest,
            AWS_TYPES.ec2LaunchTemplate,
            AWS_TYPES.ec2LaunchConfiguration,
        );
        for (const r of holders) {
            ctx.guard(r, () => {
                if (byDefault === true) return;
                const devices = blockDevices(r);
                if (devices === PACK_UNKNOWN) return ctx.undecided(r, "block devices");
                for (const d of devices) {
                    const enc = bool(d.encrypted);
                    if (enc === true) continue;
                    if (isUnknown(d.snapshotId) || isSet(d.snapshotId)) continue;
                    if (enc === PACK_UNKNOWN || byDefault === PACK_UNKNOWN) {
                        ctx.undecided(r, `${d.where}.encrypted`);
                        continue;
                    }
                    ctx.report(
                        r,
                        `must encrypt its volumes (${d.where}.encrypted is ${enc === false ? String(d.encrypted) : "unset, so the volume follows the AMI's snapshot"}): set ${d.where}.encrypted to true or enable aws.ebs.EncryptionByDefault`,
                    );
                }
            });
        }
    },
});

export const ebsEncryptionByDefaultEnabled = resourceRule({
    name: "ec2-ebs-encryption-by-default",
    description:
        "Checks that a declared account-level EBS default encryption (aws.ebs.EncryptionByDefault) is enabled (`enabled`, true when absent): declaring it disabled turns off encryption for every new volume of the account and region. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "high",
    control: fsbp("EC2.7"),
    constraint: "encryption-on",
    remediationSteps:
        "Set `enabled: true` (or remove the line), optionally with aws.ebs.DefaultKmsKey naming a customer-managed key.",
    tags: ["ec2", "ebs", "encryption"],
    preview: "An unknown `enabled` is undecided.",
    resourceTypes: [AWS_TYPES.ebsEncryptionByDefault],
    check(r, ctx) {
        const enabled = bool(r.props.enabled);
        if (enabled === PACK_UNKNOWN) return ctx.undecided(r, "enabled");
        if (enabled === false)
            ctx.report(r, "must keep EBS encryption by default on (enabled is false): set enabled to true");
    },
});

const IMDS_TYPES = [
    AWS_TYPES.ec2Instance,
    AWS_TYPES.ec2SpotInstanceRequest,
    AWS_TYPES.ec2LaunchTemplate,
    AWS_TYPES.ec2LaunchConfiguration,
];

export const instanceImdsv2 = resourceRule({
    name: "ec2-instance-imdsv2-required",
    description:
        'Checks that every EC2 instance, spot instance request, launch template and launch configuration requires IMDSv2 session tokens (metadataOptions.httpTokens "required"; the provider\'s default is "optional", which lets a server-side request forgery read the instance role\'s credentials), unless the metadata endpoint is disabled. Advisory.',
    enforcementLevel: "advisory",
    severity: "high",
    control: fsbp("EC2.8"),
    relatedControls: [fsbp("EC2.170")],
    remediationSteps: 'Set `metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 }`.',
    tags: ["ec2", "credentials"],
    preview: "An unknown httpTokens or httpEndpoint is undecided.",
    resourceTypes: IMDS_TYPES,
    check(r, ctx) {
        const endpoint = str(read(r.props, "metadataOptions", "httpEndpoint"));
        const tokens = str(read(r.props, "metadataOptions", "httpTokens"));
        if (endpoint === PACK_UNKNOWN || tokens === PACK_UNKNOWN) return ctx.undecided(r, "metadataOptions");
        if (endpoint === "disabled" || tokens === "required") return;
        ctx.report(
            r,
            `must require IMDSv2 (metadataOptions.httpTokens is ${tokens ? `"${tokens}"` : "unset, which means optional"}): set httpTokens to "required"`,
        );
    },
});

export const rules: Rule[] = [
    securityGroupNoPublicIngress,
    defaultSecurityGroupRestricted,
    lambdaSecurityGroupEgressRestricted,
    vpcFlowLogsEnabled,
    vpcDnsForPrivateEndpoints,
    gatewayEndpointsForLambdaSubnets,
    interfaceEndpointsForLambdaServices,
    endpointPolicyRestricted,
    instanceVolumesEncrypted,
    ebsEncryptionByDefaultEnabled,
    instanceImdsv2,
];
