/**
 * Network rules: Lambdas in private subnets over two AZs (family 3), security groups without
 * public ingress, the default security group emptied, flow logs, and the VPC DNS attributes
 * interface endpoints with private DNS need. Cross-resource facts come from lib/graph.ts.
 */
import { edgeFunctions } from "../lib/edge";
import { functionPlacement, graphOf, idOf, NT, StackGraph, StackResource, vpcConfigOf } from "../lib/graph";
import { bool, isUnknown, list, num, read, rec, str, strings, UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule, RuleContext, RuleResource, stackRule } from "../lib/rule";

interface PrivateSubnetsConfig {
    trustedSubnetIds: string[];
}

export const lambdaInPrivateSubnets = stackRule<PrivateSubnetsConfig>({
    name: "lambda-function-in-private-subnets",
    description:
        "Checks that every Lambda function runs in a VPC (vpcConfig with subnets and security groups) and that every " +
        "one of its subnets is private: no public IP on launch and no route to an internet (or carrier) gateway in its " +
        "effective route table — the explicitly associated table, else the VPC's main table — counting inline routes, " +
        "aws.ec2.Route resources, IPv4 and IPv6. An egress-only internet gateway (IPv6, outbound only) and NAT " +
        "gateways are fine. Lambda@Edge functions are not judged: they cannot be attached to a VPC. Mandatory: a " +
        "function in a public subnet has no internet path at all (Lambda ENIs get no public IP) and signals a broken " +
        "network design.",
    enforcementLevel: "mandatory",
    severity: "high",
    control: fsbp("Lambda.3"),
    remediationSteps:
        "Set vpcConfig.subnetIds to private subnets (route table without a 0.0.0.0/0 or ::/0 route to an igw-) and " +
        "vpcConfig.securityGroupIds; reach AWS services through VPC endpoints and the internet through a NAT gateway.",
    tags: ["lambda", "network", "family-3"],
    rationale: "Functions in private subnets reach data stores through endpoints only and are invisible from the internet.",
    preview:
        "Decides at preview through property dependencies when ids are unknown; a function whose subnets or routes " +
        "cannot be tied to resources is reported undecided. A subnet outside the stack cannot be verified: list it in " +
        "trustedSubnetIds (or exempt the function with a reason).",
    config: {
        trustedSubnetIds: {
            type: "array",
            items: { type: "string" },
            default: [],
            description: "Subnet ids outside this stack that were reviewed as private (e.g. a shared network stack's).",
        },
    },
    check(stack, ctx) {
        const g = graphOf(stack);
        const edge = edgeFunctions(g);
        for (const fn of g.ofType(NT.lambdaFunction)) {
            if (edge.has(fn.urn)) continue; // Lambda@Edge cannot be attached to a VPC
            ctx.guard(fn, () => checkPrivateSubnets(g, fn, ctx));
        }
    },
});

function checkPrivateSubnets(g: StackGraph, fn: StackResource, ctx: RuleContext<PrivateSubnetsConfig>): void {
    const placement = functionPlacement(g, fn);
    if (placement.kind === "unknown") return ctx.undecided(fn, placement.what);
    if (placement.kind === "none") {
        return ctx.report(
            fn,
            "must run in private subnets: set vpcConfig.subnetIds (private subnets in at least two AZs) and vpcConfig.securityGroupIds",
        );
    }
    if (placement.securityGroups === UNKNOWN) ctx.undecided(fn, "vpcConfig.securityGroupIds");
    else if (placement.securityGroups.length === 0) {
        ctx.report(fn, "must have security groups: set vpcConfig.securityGroupIds to groups without public ingress");
    }
    const trusted = new Set(ctx.config.trustedSubnetIds ?? []);
    for (const id of placement.external) {
        if (trusted.has(id)) continue;
        ctx.report(
            fn,
            `must run in subnets whose routes can be verified: vpcConfig.subnetIds names '${id}', which is not in this ` +
                "stack; add it to this rule's trustedSubnetIds once reviewed as private, or use the stack's private subnets",
        );
    }
    for (const subnet of placement.subnets) {
        const privacy = g.net.subnetPrivacy(subnet);
        if (privacy.status === "undecided") ctx.undecided(fn, privacy.reason);
        else if (privacy.status === "public") {
            ctx.report(
                fn,
                `must run in private subnets: vpcConfig.subnetIds includes subnet '${subnet.name}', which is public ` +
                    `(${privacy.reasons.join("; ")}); use a subnet whose route table sends 0.0.0.0/0 to a NAT gateway or nowhere`,
            );
        } else if (privacy.status === "external") {
            const id = idOf(subnet);
            if (typeof id === "string" && trusted.has(id)) continue;
            ctx.report(
                fn,
                `must run in subnets whose routes can be verified: ${privacy.reason}; associate the subnet with a route ` +
                    "table in the stack (aws.ec2.RouteTableAssociation) or list it in trustedSubnetIds",
            );
        }
    }
}

interface MultiAzConfig {
    minimumAvailabilityZones: number;
}

export const lambdaMultiAz = stackRule<MultiAzConfig>({
    name: "lambda-function-subnets-multi-az",
    description:
        "Checks that every VPC-attached Lambda function has subnets in at least two Availability Zones (configurable), " +
        "so one AZ's outage does not stop it. Lambda@Edge functions are not judged (no VPC). Mandatory: part of the " +
        "'Lambdas sit in private subnets' constraint.",
    enforcementLevel: "mandatory",
    severity: "medium",
    control: fsbp("Lambda.5"),
    remediationSteps: "Add a private subnet in another Availability Zone to vpcConfig.subnetIds.",
    tags: ["lambda", "network", "resilience", "family-3"],
    preview: "Undecided while a subnet's availabilityZone is unknown (it is an input, so usually known).",
    config: {
        minimumAvailabilityZones: { type: "integer", minimum: 1, default: 2, description: "Distinct AZs required." },
    },
    check(stack, ctx) {
        const g = graphOf(stack);
        const edge = edgeFunctions(g);
        const minimum = ctx.config.minimumAvailabilityZones ?? 2;
        for (const fn of g.ofType(NT.lambdaFunction)) {
            if (edge.has(fn.urn)) continue;
            ctx.guard(fn, () => {
                const placement = functionPlacement(g, fn);
                if (placement.kind === "unknown") return ctx.undecided(fn, placement.what);
                if (placement.kind === "none") return; // lambda-function-in-private-subnets reports it
                const zones = new Set<string>();
                for (const subnet of placement.subnets) {
                    const az = str(read(subnet.props, "availabilityZone")) ?? str(read(subnet.props, "availabilityZoneId"));
                    if (az === UNKNOWN) return ctx.undecided(fn, `availabilityZone of subnet '${subnet.name}'`);
                    if (typeof az === "string") zones.add(az);
                }
                if (zones.size + placement.external.length < minimum) {
                    ctx.report(
                        fn,
                        `must have subnets in at least ${minimum} Availability Zones: vpcConfig.subnetIds spans ` +
                            `${zones.size} (${[...zones].join(", ") || "none known"}); add a private subnet in another AZ`,
                    );
                }
            });
        }
    },
});

// ---------------------------------------------------------------------------------------------
// Security groups

const SG_TYPES = [NT.securityGroup, NT.defaultSecurityGroup, NT.securityGroupRule, NT.securityGroupIngressRule];

/** True for a CIDR that matches every address (`0.0.0.0/0`, `::/0`, any `/0`). */
export function isOpenCidr(cidr: string): boolean {
    return /\/0+$/.test(cidr.trim());
}

/** The ports a rule opens, as a range; undefined for "all". */
function portRange(protocol: unknown, from: unknown, to: unknown): [number, number] | undefined | typeof UNKNOWN {
    const p = str(protocol);
    if (p === UNKNOWN) return UNKNOWN;
    if (p === "-1" || p === "all" || p === "ALL") return undefined;
    const f = num(from);
    const t = num(to);
    if (f === UNKNOWN || t === UNKNOWN) return UNKNOWN;
    if (f === undefined || t === undefined || f < 0 || t < 0) return undefined;
    return [f, t];
}

function portsAllowed(range: [number, number] | undefined, allowed: readonly number[]): boolean {
    if (!range) return false;
    const [from, to] = range;
    if (to - from > 1024) return false;
    for (let port = from; port <= to; port++) if (!allowed.includes(port)) return false;
    return true;
}

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
        const judge = (path: string, cidrs: unknown, protocol: unknown, from: unknown, to: unknown) => {
            const values = strings(cidrs);
            if (values === UNKNOWN) return ctx.undecided(resource, path);
            const open = values.filter(isOpenCidr);
            if (open.length === 0) return;
            const range = portRange(protocol, from, to);
            if (range === UNKNOWN) return ctx.undecided(resource, `${path} ports`);
            if (portsAllowed(range, allowed)) return;
            const ports = range ? (range[0] === range[1] ? `port ${range[0]}` : `ports ${range[0]}-${range[1]}`) : "all ports";
            ctx.report(
                resource,
                `must not allow ingress from ${open.join(", ")}: ${path} opens ${ports} to the internet; ` +
                    "use the caller's security group or CIDR as the source",
            );
        };
        const props = resource.props;
        if (resource.type === NT.securityGroupIngressRule) {
            judge("cidrIpv4", read(props, "cidrIpv4"), read(props, "ipProtocol"), read(props, "fromPort"), read(props, "toPort"));
            judge("cidrIpv6", read(props, "cidrIpv6"), read(props, "ipProtocol"), read(props, "fromPort"), read(props, "toPort"));
            return;
        }
        if (resource.type === NT.securityGroupRule) {
            const type = str(read(props, "type"));
            if (type === UNKNOWN) return ctx.undecided(resource, "type");
            if (type !== "ingress") return;
            for (const key of ["cidrBlocks", "ipv6CidrBlocks"]) {
                judge(key, read(props, key), read(props, "protocol"), read(props, "fromPort"), read(props, "toPort"));
            }
            return;
        }
        const ingress = list(read(props, "ingress"));
        if (ingress === UNKNOWN) return ctx.undecided(resource, "ingress");
        ingress.forEach((rule, i) => {
            const r = rec(rule);
            if (r === UNKNOWN) return ctx.undecided(resource, `ingress[${i}]`);
            if (!r) return;
            for (const key of ["cidrBlocks", "ipv6CidrBlocks"]) {
                judge(`ingress[${i}].${key}`, r[key], r.protocol, r.fromPort, r.toPort);
            }
        });
    },
});

const SG_RULE_TYPES = [
    NT.securityGroupRule,
    NT.securityGroupIngressRule,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
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
        const g = graphOf(stack);
        const managed = new Set<string>();
        for (const dsg of g.ofType(NT.defaultSecurityGroup)) {
            ctx.guard(dsg, () => {
                const vpc = g.ref(dsg, "vpcId", read(dsg.props, "vpcId"), NT.vpc);
                if (vpc === UNKNOWN) ctx.undecided(dsg, "vpcId");
                else if (vpc && typeof vpc === "object") managed.add(vpc.urn);
                for (const key of ["ingress", "egress"]) {
                    const rules = list(read(dsg.props, key));
                    if (rules === UNKNOWN) ctx.undecided(dsg, key);
                    else if (rules.length > 0) {
                        ctx.report(dsg, `must have no rules: remove all ${rules.length} ${key} rule(s) from ${key}`);
                    }
                }
            });
        }
        for (const rule of g.ofType(...SG_RULE_TYPES)) {
            ctx.guard(rule, () => {
                const target = g.ref(rule, "securityGroupId", read(rule.props, "securityGroupId"), NT.defaultSecurityGroup);
                if (target && typeof target === "object") {
                    ctx.report(rule, `must not add a rule to the default security group '${target.name}': delete it and use a dedicated group`);
                }
            });
        }
        for (const vpc of g.ofType(NT.vpc)) {
            if (managed.has(vpc.urn)) continue;
            ctx.report(
                vpc,
                "must restrict its default security group: add aws.ec2.DefaultSecurityGroup with vpcId set to this VPC and no rules",
            );
        }
    },
});

const SG_EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

/** True for a protocol/port range that covers all traffic: protocol -1/all, or ports 0-65535. */
function allPorts(protocol: unknown, from: unknown, to: unknown): boolean | typeof UNKNOWN {
    const range = portRange(protocol, from, to);
    if (range === UNKNOWN) return UNKNOWN;
    return range === undefined || (range[0] <= 0 && range[1] >= 65535);
}

/** One egress entry to judge: where it is written, its destination CIDRs and protocol/ports. */
interface EgressEntry {
    holder: StackResource;
    path: string;
    cidrs: unknown;
    protocol: unknown;
    from: unknown;
    to: unknown;
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
    remediationSteps:
        "Replace the all-traffic egress with HTTPS (tcp/443) to the endpoints' security group and the gateway " +
        "endpoints' prefix lists (destinationPrefixListId / prefixListIds); if the function must reach the internet " +
        "through NAT, allow only the port it uses.",
    tags: ["ec2", "lambda", "network", "security-group", "family-3"],
    rationale:
        "Security groups are the last control on what a compromised function can reach; an allow-all egress rule " +
        "makes the private-subnet and endpoint design advisory.",
    preview:
        "Groups are tied to functions through vpcConfig.securityGroupIds, or the engine's property dependencies when " +
        "ids are unknown, and rule resources to groups through securityGroupId likewise. An all-traffic rule whose " +
        "group cannot be tied, or an egress entry whose CIDRs or protocol are unknown, leaves it undecided. A group " +
        "outside the stack cannot be judged.",
    check(stack, ctx) {
        const g = graphOf(stack);
        const edge = edgeFunctions(g);
        // The security groups of VPC functions, and the functions each one serves (for messages).
        const lambdaGroups = new Map<string, { group: StackResource; functions: string[] }>();
        let groupsUnresolved = false;
        for (const fn of g.ofType(NT.lambdaFunction)) {
            if (edge.has(fn.urn)) continue;
            const config = vpcConfigOf(fn);
            if (!config || config === UNKNOWN) continue; // lambda-function-in-private-subnets judges these
            const groups = g.refs(fn, "vpcConfig", config.securityGroupIds, NT.securityGroup);
            if (groups === UNKNOWN) {
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
        if (lambdaGroups.size === 0 && !groupsUnresolved) return;

        const judge = (e: EgressEntry, target: { group: StackResource; functions: string[] } | "unresolved") => {
            const cidrs = strings(e.cidrs);
            if (cidrs === UNKNOWN) return ctx.undecided(e.holder, e.path);
            const open = cidrs.filter(isOpenCidr);
            if (open.length === 0) return;
            const all = allPorts(e.protocol, e.from, e.to);
            if (all === UNKNOWN) return ctx.undecided(e.holder, `${e.path} protocol/ports`);
            if (!all) return;
            if (target === "unresolved") return ctx.undecided(e.holder, "securityGroupId");
            const fns = target.functions.map((f) => `'${f}'`).join(", ");
            const group = e.holder === target.group ? "" : ` to security group '${target.group.name}'`;
            ctx.report(
                e.holder,
                `must not allow all traffic to ${open.join(", ")} (${e.path})${group}, which Lambda function ${fns} uses: ` +
                    "allow HTTPS (tcp/443) to the VPC endpoints' security group or prefix lists instead",
            );
        };

        // Inline egress of the functions' groups.
        for (const entry of lambdaGroups.values()) {
            const sg = entry.group;
            ctx.guard(sg, () => {
                const egress = list(read(sg.props, "egress"));
                if (egress === UNKNOWN) return ctx.undecided(sg, "egress");
                egress.forEach((rule, i) => {
                    const r = rec(rule);
                    if (r === UNKNOWN) return ctx.undecided(sg, `egress[${i}]`);
                    if (!r) return;
                    for (const key of ["cidrBlocks", "ipv6CidrBlocks"]) {
                        judge({ holder: sg, path: `egress[${i}].${key}`, cidrs: r[key], protocol: r.protocol, from: r.fromPort, to: r.toPort }, entry);
                    }
                });
            });
        }

        // Separate rule resources that target one of those groups.
        const targetOf = (rule: StackResource) => {
            const sg = g.ref(rule, "securityGroupId", read(rule.props, "securityGroupId"), NT.securityGroup);
            if (sg === UNKNOWN) return "unresolved" as const;
            return sg && typeof sg === "object" ? lambdaGroups.get(sg.urn) : undefined;
        };
        for (const rule of g.ofType(NT.securityGroupRule)) {
            ctx.guard(rule, () => {
                const type = str(read(rule.props, "type"));
                if (type === UNKNOWN) return ctx.undecided(rule, "type");
                if (type !== "egress") return;
                const target = targetOf(rule);
                if (!target) return;
                for (const key of ["cidrBlocks", "ipv6CidrBlocks"]) {
                    const p = rule.props;
                    judge({ holder: rule, path: key, cidrs: read(p, key), protocol: read(p, "protocol"), from: read(p, "fromPort"), to: read(p, "toPort") }, target);
                }
            });
        }
        for (const rule of g.ofType(SG_EGRESS_RULE)) {
            ctx.guard(rule, () => {
                const target = targetOf(rule);
                if (!target) return;
                const p = rule.props;
                for (const key of ["cidrIpv4", "cidrIpv6"]) {
                    judge({ holder: rule, path: key, cidrs: read(p, key), protocol: read(p, "ipProtocol"), from: read(p, "fromPort"), to: read(p, "toPort") }, target);
                }
            });
        }
    },
});

export const vpcFlowLogsEnabled = stackRule({
    name: "ec2-vpc-flow-logs-enabled",
    description:
        "Checks that every VPC in the stack has an aws.ec2.FlowLog whose vpcId names it, so rejected and accepted " +
        "traffic can be investigated. Mandatory: flow logs cannot be recovered after an incident.",
    enforcementLevel: "mandatory",
    severity: "medium",
    control: fsbp("EC2.6"),
    remediationSteps:
        "Add `new aws.ec2.FlowLog(name, { vpcId: vpc.id, trafficType: \"ALL\", logDestination: logGroup.arn, iamRoleArn })`.",
    tags: ["ec2", "network", "logging"],
    preview: "A flow log whose vpcId is unknown is tied to its VPC through property dependencies.",
    check(stack, ctx) {
        const g = graphOf(stack);
        const covered = new Set<string>();
        let undecided: StackResource | undefined;
        for (const log of g.ofType(NT.flowLog)) {
            const vpc = g.ref(log, "vpcId", read(log.props, "vpcId"), NT.vpc);
            if (vpc === UNKNOWN) undecided = log;
            else if (vpc && typeof vpc === "object") covered.add(vpc.urn);
        }
        for (const vpc of g.ofType(NT.vpc)) {
            if (covered.has(vpc.urn)) continue;
            if (undecided) ctx.undecided(vpc, `vpcId of flow log '${undecided.name}'`);
            else ctx.report(vpc, "must have flow logs: add an aws.ec2.FlowLog with vpcId set to this VPC");
        }
    },
});

/** True for an interface endpoint (vpcEndpointType Interface) with private DNS on. */
export function isPrivateDnsInterfaceEndpoint(endpoint: RuleResource): boolean | typeof UNKNOWN {
    const type = str(read(endpoint.props, "vpcEndpointType"));
    if (type === UNKNOWN) return UNKNOWN;
    if (type !== "Interface") return false;
    const dns = bool(read(endpoint.props, "privateDnsEnabled"));
    return dns === UNKNOWN ? UNKNOWN : dns === true;
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
        const g = graphOf(stack);
        const judged = new Set<string>();
        for (const endpoint of g.ofType(NT.vpcEndpoint)) {
            ctx.guard(endpoint, () => {
                const privateDns = isPrivateDnsInterfaceEndpoint(endpoint);
                if (privateDns === UNKNOWN) return ctx.undecided(endpoint, "vpcEndpointType/privateDnsEnabled");
                if (!privateDns) return;
                const vpc = g.ref(endpoint, "vpcId", read(endpoint.props, "vpcId"), NT.vpc);
                if (vpc === UNKNOWN) return ctx.undecided(endpoint, "vpcId");
                if (!vpc || typeof vpc === "string" || judged.has(vpc.urn)) return;
                judged.add(vpc.urn);
                const support = bool(read(vpc.props, "enableDnsSupport"));
                const hostnames = bool(read(vpc.props, "enableDnsHostnames"));
                if (isUnknown(support) || isUnknown(hostnames)) return ctx.undecided(vpc, "enableDnsSupport/enableDnsHostnames");
                // enableDnsSupport defaults to true, enableDnsHostnames to false.
                const missing = [support === false ? "enableDnsSupport" : "", hostnames !== true ? "enableDnsHostnames" : ""].filter(Boolean);
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

export const rules: Rule[] = [
    lambdaInPrivateSubnets,
    lambdaMultiAz,
    securityGroupNoPublicIngress,
    defaultSecurityGroupRestricted,
    lambdaSecurityGroupEgressRestricted,
    vpcFlowLogsEnabled,
    vpcDnsForPrivateEndpoints,
];
