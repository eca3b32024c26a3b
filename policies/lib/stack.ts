/**
 * One index of a stack per AnalyzeStack call (its stack rules share it: callStackView in
 * lib/rule.ts), so cross-resource rules stay linear in the number of resources: resources by
 * URN and by type, and a lookup from the identifying values a resource exposes (id, ARN, name,
 * bucket, key id) to the resources exposing them.
 *
 * References between resources are resolved two ways, because each fails somewhere:
 * - by value: `BucketPublicAccessBlock.bucket === Bucket.bucket` (or its id/ARN) — works for
 *   stack exports and resolved previews, fails when the value is unknown;
 * - by property dependency: the engine records which resources a property was computed
 *   from (`propertyDependencies.bucket = [bucket URN]`) — known even in a first preview, but
 *   absent in some stack exports and for values copied as plain strings.
 * `refersTo` tries the value, then the dependencies; callers learn when neither decides.
 */
import type { RuleResource, StackResource } from "./rule";
import { isUnknown, str, UNKNOWN, Unknown } from "./props";
import { typeSet } from "./types";

/** Output properties that identify a resource when another resource refers to it. */
const IDENTITY_KEYS = ["id", "arn", "bucket", "name", "keyId", "functionName", "qualifiedArn", "invokeArn"] as const;

export class StackIndex {
    readonly byUrn = new Map<string, StackResource>();
    private readonly byTypeMap = new Map<string, StackResource[]>();
    private readonly byIdentity = new Map<string, StackResource[]>();
    /** URN -> resources whose property dependencies name it, with the property. */
    private readonly dependents = new Map<string, { resource: StackResource; property: string }[]>();

    constructor(readonly resources: readonly StackResource[]) {
        for (const r of resources) {
            this.byUrn.set(r.urn, r);
            push(this.byTypeMap, r.type, r);
            for (const key of IDENTITY_KEYS) {
                const value = str(r.props[key]);
                if (typeof value === "string" && value !== "") push(this.byIdentity, value, r);
            }
            for (const [property, urns] of Object.entries(r.propertyDependencies)) {
                for (const urn of urns) push(this.dependents, urn, { resource: r, property });
            }
        }
    }

    /** Resources of the given types (V2 twins included), in stack order. */
    ofType(...tokens: string[]): StackResource[] {
        const out: StackResource[] = [];
        for (const token of typeSet(...tokens)) out.push(...(this.byTypeMap.get(token) ?? []));
        return out;
    }

    /** Resources of the given types that expose `value` as an id, ARN, name, bucket or key id. */
    byValue(value: string, ...tokens: string[]): StackResource[] {
        const found = this.byIdentity.get(value) ?? [];
        if (tokens.length === 0) return found;
        const types = typeSet(...tokens);
        return found.filter((r) => types.has(r.type));
    }

    /** Resources of the given types that `resource.property` was computed from (per the engine). */
    dependenciesOf(resource: StackResource, property: string, ...tokens: string[]): StackResource[] {
        const urns = resource.propertyDependencies[property] ?? [];
        const types = typeSet(...tokens);
        const out: StackResource[] = [];
        for (const urn of urns) {
            const target = this.byUrn.get(urn);
            if (target && (tokens.length === 0 || types.has(target.type))) out.push(target);
        }
        return out;
    }

    /** Resources (of the given types) whose property dependencies name `target`, with the property. */
    dependentsOf(target: RuleResource, ...tokens: string[]): { resource: StackResource; property: string }[] {
        const list = this.dependents.get(target.urn) ?? [];
        if (tokens.length === 0) return list;
        const types = typeSet(...tokens);
        return list.filter((d) => types.has(d.resource.type));
    }

    /**
     * The resources of the given types that `resource.property` refers to: by value when the
     * value is known and matches, else by property dependency. UNKNOWN when the value is unknown
     * and the engine recorded no dependency (the reference cannot be decided).
     */
    refersTo(resource: StackResource, property: string, ...tokens: string[]): StackResource[] | Unknown {
        const value = str(resource.props[property]);
        if (typeof value === "string") {
            const byValue = this.byValue(value, ...tokens);
            if (byValue.length > 0) return byValue;
            // A value naming something outside the stack may still have been computed from a
            // resource in it (e.g. `${bucket.arn}/*`): fall through to the dependencies.
        }
        const byDependency = this.dependenciesOf(resource, property, ...tokens);
        if (byDependency.length > 0) return byDependency;
        return isUnknown(value) ? UNKNOWN : [];
    }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
}
