/**
 * The network facts of a stack, derived once per stack index (so once per AnalyzeStack call):
 * subnets, route tables, their routes and associations, which route table decides a subnet's
 * traffic and whether that subnet is private, and where a function's vpcConfig places it. The
 * network, endpoint and Lambda placement rules ask these instead of scanning the stack.
 */
import { PACK_UNKNOWN, Unknown, bool, isUnknown, list, read, rec, str, strings } from "./props";
import { perIndex, push, StackIndex, StackResource } from "./stack";
import { AWS_TYPES, typeSet } from "./types";

/** The network index of a stack, built on first use and kept with the stack index. */
export const networkOf = perIndex((index) => new NetworkIndex(index));

/** The id a resource is referred to by (its `id` output). */
export function idOf(r: StackResource): string | Unknown | undefined {
    return str(read(r.props, "id"));
}

/** What a route sends traffic to, as far as privacy is concerned. */
export type RouteTargetKind = "internet-gateway" | "carrier-gateway" | "egress-only" | "local" | "other" | "unknown";

export interface RouteInfo {
    /** The RouteTable/DefaultRouteTable (inline route) or Route resource declaring it. */
    source: StackResource;
    /** Property path for messages: `routes[1]` or `` for a separate Route. */
    path: string;
    destination: string;
    target: RouteTargetKind;
    /** The prop that holds the target, for messages (`gatewayId`). */
    targetProp: string;
}

export type SubnetPrivacy =
    | { status: "private"; routeTable?: StackResource | string }
    | { status: "public"; reasons: string[] }
    | { status: "undecided"; reason: string }
    | { status: "external"; reason: string };

/**
 * Subnets, route tables and their routes, associations and endpoints. Everything is keyed by
 * the resource's URN when the reference resolves to a stack resource (so it works in a first
 * preview, when ids are unknown but property dependencies name the resource), else by the raw
 * id string (a table outside the stack).
 */
export class NetworkIndex {
    /** Route table key -> routes declared for it (inline and separate). */
    private readonly routesByTable = new Map<string, RouteInfo[]>();
    /** Routes whose table could not be determined (unknown routeTableId). */
    readonly unplacedRoutes: RouteInfo[] = [];
    /** Subnet key -> explicitly associated route table key (or PACK_UNKNOWN). */
    private readonly explicitAssociation = new Map<string, string | Unknown>();
    /** VPC key -> main route table key set by a MainRouteTableAssociation. */
    private readonly mainAssociation = new Map<string, string | Unknown>();
    /** True when some association's subnet or VPC is unknown and unresolvable. */
    associationsUndecided = false;

    constructor(private readonly stack: StackIndex) {
        for (const rt of stack.ofType(AWS_TYPES.routeTable, AWS_TYPES.defaultRouteTable)) {
            const routes = list(read(rt.props, "routes"));
            if (routes === PACK_UNKNOWN) {
                this.place(rt.urn, {
                    source: rt,
                    path: "routes",
                    destination: "?",
                    target: "unknown",
                    targetProp: "routes",
                });
                continue;
            }
            routes.forEach((route, i) => this.place(rt.urn, this.routeInfo(rt, route, `routes[${i}]`, true)));
        }
        for (const route of stack.ofType(AWS_TYPES.route)) {
            this.place(this.key(route, "routeTableId", ...TABLES), this.routeInfo(route, route.props, "", false));
        }
        for (const assoc of stack.ofType(AWS_TYPES.routeTableAssociation)) {
            if (read(assoc.props, "subnetId") === undefined) continue; // a gateway (edge) association
            const subnet = this.key(assoc, "subnetId", AWS_TYPES.subnet);
            const table = this.key(assoc, "routeTableId", ...TABLES);
            if (subnet === PACK_UNKNOWN || subnet === undefined) this.associationsUndecided = true;
            else this.explicitAssociation.set(subnet, table ?? PACK_UNKNOWN);
        }
        for (const assoc of stack.ofType(AWS_TYPES.mainRouteTableAssociation)) {
            const vpc = this.key(assoc, "vpcId", AWS_TYPES.vpc);
            const table = this.key(assoc, "routeTableId", ...TABLES);
            if (vpc === PACK_UNKNOWN || vpc === undefined) this.associationsUndecided = true;
            else this.mainAssociation.set(vpc, table ?? PACK_UNKNOWN);
        }
    }

    /** The key of the resource a property refers to: its URN if in the stack, else the string. */
    key(r: StackResource, prop: string, ...tokens: string[]): string | Unknown | undefined {
        const hit = this.stack.referenceIn(r, prop, read(r.props, prop), ...tokens);
        if (hit === undefined || hit === PACK_UNKNOWN || typeof hit === "string") return hit;
        return hit.urn;
    }

    private place(table: string | Unknown | undefined, info: RouteInfo): void {
        if (typeof table === "string") push(this.routesByTable, table, info);
        else this.unplacedRoutes.push(info);
    }

    /** Classifies one route (inline element or separate Route) by its target. */
    private routeInfo(source: StackResource, route: unknown, path: string, inline: boolean): RouteInfo {
        const r = rec(route);
        const at = (suffix: string) => (path ? `${path}.${suffix}` : suffix);
        if (r === PACK_UNKNOWN || r === undefined) {
            return {
                source,
                path,
                destination: "?",
                target: r === PACK_UNKNOWN ? "unknown" : "other",
                targetProp: path || "route",
            };
        }
        const dest =
            str(r.cidrBlock) ??
            str(r.destinationCidrBlock) ??
            str(r.ipv6CidrBlock) ??
            str(r.destinationIpv6CidrBlock) ??
            str(r.destinationPrefixListId) ??
            str(r.prefixListId);
        const destination = typeof dest === "string" ? dest : "(unknown destination)";
        const gateway = str(r.gatewayId);
        if (gateway !== undefined && gateway !== "") {
            let target: RouteTargetKind;
            if (gateway === PACK_UNKNOWN) {
                // Inline routes share one dependency list ("routes"), so it cannot tell which
                // route the gateway belongs to; a separate Route's "gatewayId" can.
                const deps = inline ? [] : this.stack.computedFrom(source, "gatewayId");
                if (deps.some((d) => typeSet(AWS_TYPES.internetGateway).has(d.type))) target = "internet-gateway";
                else if (deps.length) target = "other";
                else target = "unknown";
            } else if (gateway === "local") target = "local";
            else if (gateway.startsWith("igw-") || this.stack.named(gateway, AWS_TYPES.internetGateway))
                target = "internet-gateway";
            else target = "other";
            return { source, path, destination, target, targetProp: at("gatewayId") };
        }
        const carrier = str(r.carrierGatewayId);
        if (carrier !== undefined && carrier !== "") {
            return { source, path, destination, target: "carrier-gateway", targetProp: at("carrierGatewayId") };
        }
        const eigw = str(r.egressOnlyGatewayId);
        if (eigw !== undefined && eigw !== "")
            return { source, path, destination, target: "egress-only", targetProp: at("egressOnlyGatewayId") };
        return { source, path, destination, target: "other", targetProp: at("target") };
    }

    /** The routes declared for a route table key. */
    routesOf(table: string): RouteInfo[] {
        return this.routesByTable.get(table) ?? [];
    }

    /**
     * The route table that decides a subnet's traffic: its explicit association, or else its
     * VPC's main route table. PACK_UNKNOWN when it cannot be told yet; undefined when the VPC is not
     * in the stack and no association names the subnet.
     */
    effectiveRouteTable(subnet: StackResource): string | Unknown | undefined {
        const explicit = this.explicitAssociation.get(subnet.urn) ?? this.explicitById(subnet);
        if (explicit !== undefined) return explicit;
        if (this.associationsUndecided) return PACK_UNKNOWN;
        return this.mainRouteTable(subnet);
    }

    private explicitById(subnet: StackResource): string | Unknown | undefined {
        const id = idOf(subnet);
        return typeof id === "string" ? this.explicitAssociation.get(id) : undefined;
    }

    /**
     * The main route table of the subnet's VPC: a MainRouteTableAssociation, else the VPC's
     * `mainRouteTableId`, else the DefaultRouteTable that manages the VPC's default table.
     */
    mainRouteTable(subnet: StackResource): string | Unknown | undefined {
        const vpcKey = this.key(subnet, "vpcId", AWS_TYPES.vpc);
        if (vpcKey === PACK_UNKNOWN) return PACK_UNKNOWN;
        if (vpcKey === undefined) return undefined;
        const vpc = this.stack.byUrn(vpcKey);
        const vpcId = vpc ? idOf(vpc) : vpcKey;
        const assoc =
            this.mainAssociation.get(vpcKey) ??
            (typeof vpcId === "string" ? this.mainAssociation.get(vpcId) : undefined);
        if (assoc !== undefined) return assoc;
        if (!vpc) return undefined; // VPC outside the stack: its main table is not visible
        const main = str(read(vpc.props, "mainRouteTableId"));
        const vpcDefault = str(read(vpc.props, "defaultRouteTableId"));
        for (const drt of this.stack.ofType(AWS_TYPES.defaultRouteTable)) {
            const drtVpc = str(read(drt.props, "vpcId"));
            const drtId = str(read(drt.props, "defaultRouteTableId"));
            const sameVpc =
                (typeof vpcId === "string" && drtVpc === vpcId) ||
                (typeof drtId === "string" && (drtId === vpcDefault || drtId === main)) ||
                this.stack.computedFrom(drt, "defaultRouteTableId", AWS_TYPES.vpc).includes(vpc);
            if (sameVpc) return drt.urn;
        }
        if (typeof main === "string" && main !== "") return this.stack.named(main, ...TABLES)?.urn ?? main;
        if (main === PACK_UNKNOWN) return PACK_UNKNOWN;
        // The VPC is in the stack but its main table id is not in the outputs: AWS creates it
        // with the local route only; separate Routes naming it would have a known table id.
        return VPC_MAIN_UNMANAGED;
    }

    /**
     * Whether a subnet is private: no public IP on launch and no route to an internet or
     * carrier gateway in its effective route table. An egress-only internet gateway is fine:
     * it carries IPv6 traffic outbound only.
     */
    subnetPrivacy(subnet: StackResource): SubnetPrivacy {
        const reasons: string[] = [];
        const mapPublic = bool(read(subnet.props, "mapPublicIpOnLaunch"));
        if (mapPublic === PACK_UNKNOWN)
            return { status: "undecided", reason: `subnet '${subnet.name}' mapPublicIpOnLaunch` };
        if (mapPublic === true) reasons.push("mapPublicIpOnLaunch is true (instances get a public IPv4 address)");
        const table = this.effectiveRouteTable(subnet);
        if (table === PACK_UNKNOWN) {
            return reasons.length
                ? { status: "public", reasons }
                : { status: "undecided", reason: `route table of subnet '${subnet.name}'` };
        }
        if (table === undefined) {
            if (reasons.length) return { status: "public", reasons };
            return {
                status: "external",
                reason: `subnet '${subnet.name}' uses its VPC's main route table, and that VPC is not in this stack`,
            };
        }
        const routes = table === VPC_MAIN_UNMANAGED ? [] : this.routesOf(table);
        let undecided = false;
        for (const route of routes) {
            if (route.target === "internet-gateway" || route.target === "carrier-gateway") {
                const where = route.path
                    ? `${route.source.name}.${route.path}`
                    : `aws.ec2.Route '${route.source.name}'`;
                const gw = route.target === "internet-gateway" ? "an internet gateway" : "a carrier gateway";
                reasons.push(
                    `its route table routes ${route.destination} to ${gw} (${where}.${route.targetProp.split(".").pop()})`,
                );
            } else if (route.target === "unknown") undecided = true;
        }
        // A route whose table is unknown may belong to this table.
        if (
            this.unplacedRoutes.some(
                (r) => r.target === "internet-gateway" || r.target === "carrier-gateway" || r.target === "unknown",
            )
        ) {
            undecided = true;
        }
        if (reasons.length) return { status: "public", reasons };
        if (undecided) return { status: "undecided", reason: `routes of the route table of subnet '${subnet.name}'` };
        return { status: "private", routeTable: table === VPC_MAIN_UNMANAGED ? undefined : table };
    }

    /** The key (URN or id) of the VPC a subnet belongs to. */
    vpcKeyOfSubnet(subnet: StackResource): string | Unknown | undefined {
        return this.key(subnet, "vpcId", AWS_TYPES.vpc);
    }
}

const TABLES = [AWS_TYPES.routeTable, AWS_TYPES.defaultRouteTable];

/** The route table a VPC uses as main when no id is known and nothing manages it. */
export const VPC_MAIN_UNMANAGED = "(the VPC's main route table)";

/** The subnet ids and security group ids of a function's vpcConfig (object or one-element list). */
export function vpcConfigOf(fn: StackResource): Record<string, unknown> | Unknown | undefined {
    const raw = read(fn.props, "vpcConfig");
    if (isUnknown(raw)) return PACK_UNKNOWN;
    const first = Array.isArray(raw) ? raw[0] : raw;
    return rec(first);
}

/** Where a function's vpcConfig places it, resolved against the stack. */
export type FunctionPlacement =
    | { kind: "unknown"; what: string }
    | { kind: "none" }
    | { kind: "vpc"; subnets: StackResource[]; external: string[]; securityGroups: unknown[] | Unknown };

/** The subnets (stack resources and outside ids) and security groups of a function's vpcConfig. */
export function functionPlacement(stack: StackIndex, fn: StackResource): FunctionPlacement {
    const config = vpcConfigOf(fn);
    if (config === PACK_UNKNOWN) return { kind: "unknown", what: "vpcConfig" };
    if (!config) return { kind: "none" };
    const subnetIds = config.subnetIds;
    if (!isUnknown(subnetIds) && strings(subnetIds) !== PACK_UNKNOWN && (strings(subnetIds) as string[]).length === 0) {
        return { kind: "none" };
    }
    const subnets = stack.referencesIn(fn, "vpcConfig", subnetIds, AWS_TYPES.subnet);
    if (subnets === PACK_UNKNOWN) return { kind: "unknown", what: "vpcConfig.subnetIds" };
    return {
        kind: "vpc",
        subnets: subnets.resources,
        external: subnets.external,
        securityGroups: list(config.securityGroupIds),
    };
    // Only the count of security groups matters: an element unknown at preview is still a group.
}
