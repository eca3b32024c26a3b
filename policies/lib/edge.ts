/**
 * Recognising Lambda@Edge functions. CloudFront replicates them to every edge location, so
 * several rules cannot apply to them: they cannot attach to a VPC (so no subnets, security
 * groups or VPC endpoints), cannot have environment variables (so no environment key), log to
 * CloudWatch in the region where they ran (so no log group or alarm in the stack's region
 * covers them), and support neither reserved/provisioned concurrency nor X-Ray active tracing.
 * Rules exempt them by this reason, never by name.
 *
 * AWS's requirements (CloudFront Developer Guide, "Restrictions on Lambda@Edge"): the function
 * is in us-east-1, CloudFront runs a numbered version (so it is published), and its execution
 * role trusts `edgelambda.amazonaws.com`. A function is an edge function when a CloudFront
 * distribution in the stack associates it, or when all three requirements hold (a function
 * whose distribution lives in another stack). A us-east-1 function alone is not edge: a stack
 * deployed to us-east-1 has all its functions there.
 */
import { perIndex, StackIndex, StackResource } from "./stack";
import { bool, list, read, rec, str, strings, PACK_UNKNOWN } from "./props";
import type { RuleResource, StackView } from "./rule";
import { AWS_TYPES } from "./types";

export const EDGE_REGION = "us-east-1";
export const EDGE_PRINCIPAL = "edgelambda.amazonaws.com";
/** Why a function is an edge function (empty: it is not). */
export type EdgeReasons = string[];

/** The region a resource is deployed to: its own `region` input (v7) or its provider's. */
export function regionOf(r: Pick<RuleResource, "props" | "provider">): string | undefined {
    const own = str(read(r.props, "region"));
    if (typeof own === "string" && own !== "") return own;
    const fromProvider = str(read(r.provider?.props, "region"));
    return typeof fromProvider === "string" && fromProvider !== "" ? fromProvider : undefined;
}

/** True when a trust (assume-role) policy lets `principal` assume the role. */
export function trustsService(policy: unknown, principal: string): boolean {
    let doc: unknown = policy;
    if (typeof doc === "string") {
        try {
            doc = JSON.parse(doc);
        } catch {
            return false;
        }
    }
    const statements = list(read(doc, "Statement"));
    if (statements === PACK_UNKNOWN) return false;
    return statements.some((st) => {
        const s = rec(st);
        if (!s || s === PACK_UNKNOWN || s.Effect !== "Allow") return false;
        const services = strings(read(s.Principal, "Service"));
        return services !== PACK_UNKNOWN && services.includes(principal);
    });
}

/** Every function a CloudFront distribution in the stack associates (by ARN or dependency). */
function associatedFunctions(stack: StackIndex): Map<string, string> {
    const out = new Map<string, string>();
    for (const dist of stack.ofType(AWS_TYPES.cloudfrontDistribution)) {
        const behaviours: [string, unknown][] = [["defaultCacheBehavior", read(dist.props, "defaultCacheBehavior")]];
        const ordered = list(read(dist.props, "orderedCacheBehaviors"));
        if (ordered !== PACK_UNKNOWN) ordered.forEach((b) => behaviours.push(["orderedCacheBehaviors", b]));
        for (const [prop, behaviour] of behaviours) {
            const assocs = list(read(behaviour, "lambdaFunctionAssociations"));
            let unresolved = assocs === PACK_UNKNOWN;
            if (assocs !== PACK_UNKNOWN) {
                for (const a of assocs) {
                    const arn = str(read(a, "lambdaArn"));
                    if (arn === PACK_UNKNOWN) unresolved = true;
                    else if (typeof arn === "string") {
                        const fn = stack.named(arn, AWS_TYPES.lambdaFunction);
                        if (fn)
                            out.set(
                                fn.urn,
                                `CloudFront distribution '${dist.name}' associates it (${prop}.lambdaFunctionAssociations)`,
                            );
                    }
                }
            }
            // At preview the version ARN is unknown; the behaviour's dependencies still name
            // the function it was computed from.
            if (unresolved) {
                for (const fn of stack.computedFrom(dist, prop, AWS_TYPES.lambdaFunction)) {
                    out.set(
                        fn.urn,
                        `CloudFront distribution '${dist.name}' associates it (${prop}.lambdaFunctionAssociations)`,
                    );
                }
            }
        }
    }
    return out;
}

/** The execution role of a function, when it is in the stack. */
function roleOf(stack: StackIndex, fn: StackResource): StackResource | undefined {
    const role = stack.referenceIn(fn, "role", read(fn.props, "role"), AWS_TYPES.iamRole);
    return role && typeof role === "object" ? role : undefined;
}

/** Edge functions of a stack (URN -> reasons), computed once per stack index. */
export const edgeFunctions = perIndex(findEdgeFunctions);

function findEdgeFunctions(stack: StackIndex): Map<string, EdgeReasons> {
    const associated = associatedFunctions(stack);
    const out = new Map<string, EdgeReasons>();
    for (const fn of stack.ofType(AWS_TYPES.lambdaFunction)) {
        const reasons: string[] = [];
        const assoc = associated.get(fn.urn);
        if (assoc) reasons.push(assoc);
        const inEdgeRegion = regionOf(fn) === EDGE_REGION;
        const published = bool(read(fn.props, "publish")) === true;
        const role = roleOf(stack, fn);
        const trusted = !!role && trustsService(read(role.props, "assumeRolePolicy"), EDGE_PRINCIPAL);
        if (assoc || (inEdgeRegion && published && trusted)) {
            if (inEdgeRegion) reasons.push(`it is deployed to ${EDGE_REGION}`);
            if (published) reasons.push("it publishes numbered versions");
            if (trusted) reasons.push(`its role trusts ${EDGE_PRINCIPAL}`);
            out.set(fn.urn, reasons);
        }
    }
    return out;
}

/**
 * The stack's Lambda functions that are not Lambda@Edge, in stack order: what every rule about a
 * function's VPC, security groups, endpoints, alarms, tracing or concurrency judges.
 */
export function regionalFunctions(stack: StackIndex): StackResource[] {
    const edge = edgeFunctions(stack);
    return stack.ofType(AWS_TYPES.lambdaFunction).filter((fn) => !edge.has(fn.urn));
}

/** The reasons a function of a stack rule's view is Lambda@Edge, or undefined. */
export function edgeReasons(view: StackView, fn: StackResource): EdgeReasons | undefined {
    return edgeFunctions(view.index).get(fn.urn);
}

/**
 * For resource rules (Analyze sees one function's inputs, no distribution or role): the
 * function is deployed to us-east-1 and publishes versions, as Lambda@Edge requires. Weaker
 * than the stack view; say so where it is used.
 */
export function looksLikeEdgeFunction(fn: Pick<RuleResource, "props" | "provider">): boolean {
    return regionOf(fn) === EDGE_REGION && bool(read(fn.props, "publish")) === true;
}

/** The sentence rules use to say why an edge function is not judged. */
export function edgeExemptionText(reasons: EdgeReasons, why: string): string {
    return `Lambda@Edge (${reasons.join("; ")}): ${why}`;
}
