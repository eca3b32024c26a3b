/**
 * The one way a stack rule asks its stack a question. One index per AnalyzeStack call (its
 * stack rules share it: callStackView in lib/rule.ts, `view.index`), so cross-resource rules stay
 * linear in the number of resources: resources by URN and by type, the identifying values a
 * resource exposes (id, ARN, name, bucket, key id), and the engine's property dependencies both
 * ways. Facts derived from it (the network in lib/network.ts, alarms, edge functions) are
 * memoised per index, hence per call.
 *
 * References between resources are resolved two ways, because each fails somewhere:
 * - by value: `BucketPublicAccessBlock.bucket === Bucket.bucket` (or its id/ARN) — works for
 *   stack exports and resolved previews, fails when the value is unknown (first preview: the
 *   subnet's id does not exist yet);
 * - by property dependency: the engine records which resources a property was computed
 *   from (`propertyDependencies.bucket = [bucket URN]`) — known even in a first preview, but
 *   absent in some stack exports and for values copied as plain strings.
 * Every reference method tries the value, then the dependencies, and returns PACK_UNKNOWN when
 * neither decides, so the rule can mark the resource undecided instead of guessing.
 */
import type { RuleResource, StackResource } from "./rule";
import { isUnknown, str, strings, PACK_UNKNOWN, Unknown } from "./props";
import { typeSet } from "./types";

export type { StackResource };

/** Output properties that identify a resource when another resource refers to it. */
const IDENTITY_KEYS = ["id", "arn", "bucket", "name", "keyId", "functionName", "qualifiedArn", "invokeArn"] as const;

/** A qualified Lambda ARN (`...:function:name:3`): group 1 is the function's own ARN. */
const QUALIFIED_FUNCTION_ARN = /^(arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+):[^:]+$/;

export class StackIndex {
    private readonly urns = new Map<string, StackResource>();
    private readonly types = new Map<string, StackResource[]>();
    private readonly identities = new Map<string, StackResource[]>();
    /** URN -> resources whose property dependencies name it, with the property. */
    private readonly dependents = new Map<string, { resource: StackResource; property: string }[]>();

    constructor(readonly resources: readonly StackResource[]) {
        for (const r of resources) {
            this.urns.set(r.urn, r);
            push(this.types, r.type, r);
            for (const key of IDENTITY_KEYS) {
                const value = str(r.props[key]);
                if (typeof value === "string" && value !== "") push(this.identities, value, r);
            }
            for (const [property, urns] of Object.entries(r.propertyDependencies)) {
                for (const urn of urns) push(this.dependents, urn, { resource: r, property });
            }
        }
    }

    /** Resources of the given types (V2 twins included), in stack order. */
    ofType(...tokens: string[]): StackResource[] {
        const out: StackResource[] = [];
        for (const token of typeSet(...tokens)) out.push(...(this.types.get(token) ?? []));
        return out;
    }

    /** The resource with this URN. */
    byUrn(urn: string): StackResource | undefined {
        return this.urns.get(urn);
    }

    /** Resources (of the given types) that expose `value` as an id, ARN, name, bucket or key id. */
    identifiedBy(value: string, ...tokens: string[]): StackResource[] {
        const found = this.identities.get(value) ?? [];
        if (tokens.length === 0) return found;
        const types = typeSet(...tokens);
        return found.filter((r) => types.has(r.type));
    }

    /** Resources (of the given types) that `resource.property` was computed from, per the engine. */
    computedFrom(resource: StackResource, property: string, ...tokens: string[]): StackResource[] {
        const urns = resource.propertyDependencies[property] ?? [];
        const types = typeSet(...tokens);
        const out: StackResource[] = [];
        for (const urn of urns) {
            const target = this.urns.get(urn);
            if (target && (tokens.length === 0 || types.has(target.type))) out.push(target);
        }
        return out;
    }

    /** Resources (of the given types) with a property computed from `target`, and that property. */
    propertiesComputedFrom(target: RuleResource, ...tokens: string[]): { resource: StackResource; property: string }[] {
        const list = this.dependents.get(target.urn) ?? [];
        if (tokens.length === 0) return list;
        const types = typeSet(...tokens);
        return list.filter((d) => types.has(d.resource.type));
    }

    /**
     * Every resource of the given types that `resource.property` refers to: those exposing its
     * value when it is known and matches, else those it was computed from (a value naming
     * something outside the stack may still have been computed from a resource in it, e.g.
     * `${bucket.arn}/*`). PACK_UNKNOWN when the value is unknown and the engine recorded no dependency.
     */
    refersTo(resource: StackResource, property: string, ...tokens: string[]): StackResource[] | Unknown {
        const value = str(resource.props[property]);
        if (typeof value === "string") {
            const identified = this.identifiedBy(value, ...tokens);
            if (identified.length > 0) return identified;
        }
        const computed = this.computedFrom(resource, property, ...tokens);
        if (computed.length > 0) return computed;
        return isUnknown(value) ? PACK_UNKNOWN : [];
    }

    /**
     * Resources of type `of` grouped by the resource their `property` refers to (a bucket's
     * public-access blocks, policies, encryption configurations), by target URN, each list in
     * stack order; `unresolved` holds those whose target cannot be told (an unknown reference, or
     * nothing in the stack).
     */
    groupedByReference(
        of: string,
        property: string,
        ...targets: string[]
    ): { byTarget: Map<string, StackResource[]>; unresolved: StackResource[] } {
        const byTarget = new Map<string, StackResource[]>();
        const unresolved: StackResource[] = [];
        for (const resource of this.ofType(of)) {
            const found = this.refersTo(resource, property, ...targets);
            if (found === PACK_UNKNOWN || found.length === 0) unresolved.push(resource);
            else for (const target of found) push(byTarget, target.urn, resource);
        }
        return { byTarget, unresolved };
    }

    /**
     * The stack resource a reference string names (URN, id, ARN or name), optionally only of
     * the given types; a qualified Lambda ARN also names its function.
     */
    named(ref: string, ...tokens: string[]): StackResource | undefined {
        const types = tokens.length ? typeSet(...tokens) : undefined;
        const byUrn = this.urns.get(ref);
        if (byUrn && (!types || types.has(byUrn.type))) return byUrn;
        const hit = this.identifiedBy(ref, ...tokens)[0];
        if (hit) return hit;
        const unqualified = QUALIFIED_FUNCTION_ARN.exec(ref);
        return unqualified ? this.identifiedBy(unqualified[1], ...tokens)[0] : undefined;
    }

    /**
     * What one reference `value` (held in top-level `property`) names: the stack resource, the
     * string itself when it names nothing in the stack, PACK_UNKNOWN when the value is unknown and
     * not exactly one dependency of the given types decides, undefined when there is no value.
     */
    referenceIn(
        resource: StackResource,
        property: string,
        value: unknown,
        ...tokens: string[]
    ): StackResource | string | Unknown | undefined {
        const v = str(value);
        if (v === undefined) return undefined;
        if (v !== PACK_UNKNOWN) return this.named(v, ...tokens) ?? v;
        const computed = this.computedFrom(resource, property, ...tokens);
        return computed.length === 1 ? computed[0] : PACK_UNKNOWN;
    }

    /**
     * What a list of references `value` (held in top-level `property`) names: each known string
     * resolved (`external` keeps those naming nothing in the stack), and when the value or an
     * element is unknown, the property's dependencies of the given types instead; PACK_UNKNOWN when
     * there are none.
     */
    referencesIn(
        resource: StackResource,
        property: string,
        value: unknown,
        ...tokens: string[]
    ): { resources: StackResource[]; external: string[] } | Unknown {
        const values = strings(value);
        if (values !== PACK_UNKNOWN) {
            const resources: StackResource[] = [];
            const external: string[] = [];
            for (const v of values) {
                const hit = this.named(v, ...tokens);
                if (hit) resources.push(hit);
                else external.push(v);
            }
            return { resources, external };
        }
        const computed = this.computedFrom(resource, property, ...tokens);
        return computed.length ? { resources: computed, external: [] } : PACK_UNKNOWN;
    }
}

/** Appends `value` to the list under `key`, creating it. */
export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
}

/** A result memoised per index (so per AnalyzeStack call): derived facts several rules ask for. */
export function perIndex<T>(build: (index: StackIndex) => T): (index: StackIndex) => T {
    const cache = new WeakMap<StackIndex, T>();
    return (index) => {
        let value = cache.get(index);
        if (value === undefined) cache.set(index, (value = build(index)));
        return value;
    };
}
