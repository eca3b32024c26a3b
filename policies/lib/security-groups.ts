/**
 * Security-group rule normalisation shared by the EC2 rules: the resource types that carry
 * ingress (inline on SecurityGroup/DefaultSecurityGroup, aws.ec2.SecurityGroupRule,
 * aws.vpc.SecurityGroupIngressRule), the entries a group or rule resource writes in one
 * direction whatever form wrote them, open CIDRs, and the port range a rule opens (protocol
 * -1/all, from/to ports).
 */
import { list, num, read, rec, str, PACK_UNKNOWN } from "./props";
import { AWS_TYPES, isType } from "./types";

/** The resource types that can hold an ingress rule. */
export const SG_TYPES = [
    AWS_TYPES.securityGroup,
    AWS_TYPES.defaultSecurityGroup,
    AWS_TYPES.securityGroupRule,
    AWS_TYPES.securityGroupIngressRule,
];

/** True for a CIDR that matches every address (`0.0.0.0/0`, `::/0`, any `/0`). */
export function isOpenCidr(cidr: string): boolean {
    return /\/0+$/.test(cidr.trim());
}

/** The ports a rule opens, as a range; undefined for "all". */
export function portRange(
    protocol: unknown,
    from: unknown,
    to: unknown,
): [number, number] | undefined | typeof PACK_UNKNOWN {
    const p = str(protocol);
    if (p === PACK_UNKNOWN) return PACK_UNKNOWN;
    if (p === "-1" || p === "all" || p === "ALL") return undefined;
    const f = num(from);
    const t = num(to);
    if (f === PACK_UNKNOWN || t === PACK_UNKNOWN) return PACK_UNKNOWN;
    if (f === undefined || t === undefined || f < 0 || t < 0) return undefined;
    return [f, t];
}

export function portsAllowed(range: [number, number] | undefined, allowed: readonly number[]): boolean {
    if (!range) return false;
    const [from, to] = range;
    if (to - from > 1024) return false;
    for (let port = from; port <= to; port++) if (!allowed.includes(port)) return false;
    return true;
}

/** True for a protocol/port range that covers all traffic: protocol -1/all, or ports 0-65535. */
export function allPorts(protocol: unknown, from: unknown, to: unknown): boolean | typeof PACK_UNKNOWN {
    const range = portRange(protocol, from, to);
    if (range === PACK_UNKNOWN) return PACK_UNKNOWN;
    return range === undefined || (range[0] <= 0 && range[1] >= 65535);
}

/** One rule entry to judge: where it is written, its source or destination CIDRs and protocol/ports. */
export interface RuleEntry {
    path: string;
    cidrs: unknown;
    protocol: unknown;
    from: unknown;
    to: unknown;
}

/** A part of a rule that is unknown at preview: the property path to leave undecided. */
export interface UnknownRulePart {
    unknown: string;
}

/** The CIDR lists of an aws.ec2 rule, inline or a SecurityGroupRule resource. */
const CIDR_KEYS = ["cidrBlocks", "ipv6CidrBlocks"];

/** The aws.vpc rule resource that holds one direction (it has no `type` property). */
const VPC_RULE_TYPE = {
    ingress: AWS_TYPES.securityGroupIngressRule,
    egress: AWS_TYPES.securityGroupEgressRule,
};

/**
 * The entries a security group or rule resource writes in one direction, in the order written:
 * the inline `ingress`/`egress` list of a SecurityGroup or DefaultSecurityGroup
 * (`egress[0].cidrBlocks` ...), the cidrBlocks/ipv6CidrBlocks of an aws.ec2.SecurityGroupRule of
 * that `type`, or the cidrIpv4/cidrIpv6 of the aws.vpc rule resource of that direction. An unknown
 * list, list element or rule type is an UnknownRulePart in its place.
 */
export function ruleEntries(
    resource: { type: string; props: unknown },
    direction: "ingress" | "egress",
): (RuleEntry | UnknownRulePart)[] {
    const props = resource.props;
    if (isType(resource.type, AWS_TYPES.securityGroupIngressRule, AWS_TYPES.securityGroupEgressRule)) {
        if (!isType(resource.type, VPC_RULE_TYPE[direction])) return [];
        const [protocol, from, to] = [read(props, "ipProtocol"), read(props, "fromPort"), read(props, "toPort")];
        return ["cidrIpv4", "cidrIpv6"].map((key) => ({ path: key, cidrs: read(props, key), protocol, from, to }));
    }
    if (isType(resource.type, AWS_TYPES.securityGroupRule)) {
        const type = str(read(props, "type"));
        if (type === PACK_UNKNOWN) return [{ unknown: "type" }];
        if (type !== direction) return [];
        const [protocol, from, to] = [read(props, "protocol"), read(props, "fromPort"), read(props, "toPort")];
        return CIDR_KEYS.map((key) => ({ path: key, cidrs: read(props, key), protocol, from, to }));
    }
    const inline = list(read(props, direction));
    if (inline === PACK_UNKNOWN) return [{ unknown: direction }];
    return inline.flatMap((rule, i): (RuleEntry | UnknownRulePart)[] => {
        const r = rec(rule);
        if (r === PACK_UNKNOWN) return [{ unknown: `${direction}[${i}]` }];
        if (!r) return [];
        return CIDR_KEYS.map((key) => ({
            path: `${direction}[${i}].${key}`,
            cidrs: r[key],
            protocol: r.protocol,
            from: r.fromPort,
            to: r.toPort,
        }));
    });
}

/** True for an entry that is unknown at preview rather than written. */
export function isUnknownRulePart(entry: RuleEntry | UnknownRulePart): entry is UnknownRulePart {
    return "unknown" in entry;
}
