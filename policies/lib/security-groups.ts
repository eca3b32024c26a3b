/**
 * Security-group rule normalisation shared by the EC2 rules: the resource types that carry
 * ingress (inline on SecurityGroup/DefaultSecurityGroup, aws.ec2.SecurityGroupRule,
 * aws.vpc.SecurityGroupIngressRule), open CIDRs, and the port range a rule opens whatever form
 * wrote it (protocol -1/all, from/to ports).
 */
import { num, str, PACK_UNKNOWN } from "./props";
import { AWS_TYPES } from "./types";

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
