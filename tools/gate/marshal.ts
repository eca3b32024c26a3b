/**
 * Property values as the engine hands them to an analyzer. The engine marshals Analyze and
 * AnalyzeStack properties with `MarshalOptions` that keep unknowns and secrets but not
 * resources (pkg/resource/plugin/analyzer_plugin.go), and without KeepResources a resource
 * reference becomes the referenced resource's id — unknown when the id is not known yet —
 * or, for a resource without an id (a component), its URN
 * (sdk/go/common/resource/plugin/rpc.go, MarshalPropertyValue). A pack therefore never sees
 * a raw reference, in a preview or in `pulumi policy analyze` over a stack export.
 */
import { SECRET_SIG_KEY, WIRE_UNKNOWN } from "./types";

/** The signature of a resource reference (sdk/go/common/resource/sig). */
export const RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** A reference as the SDK sent it (and as a checkpoint, hence `pulumi stack export`, stores it). */
export interface ResourceReference {
    urn: string;
    id?: string;
    packageVersion?: string;
}

/**
 * Replaces every resource reference inside `value` as the engine's analyzer marshalling does.
 * `onReference` hears each one with its path, so the original can be written back (stack exports).
 */
export function downgradeResourceReferences(
    value: unknown,
    onReference?: (path: (string | number)[], ref: ResourceReference) => void,
    at: (string | number)[] = [],
): unknown {
    if (Array.isArray(value)) {
        let changed = false;
        const out = value.map((v, i) => {
            const d = downgradeResourceReferences(v, onReference, [...at, i]);
            if (d !== v) changed = true;
            return d;
        });
        return changed ? out : value;
    }
    if (!value || typeof value !== "object") return value;
    const o = value as Record<string, unknown>;
    if (o[SECRET_SIG_KEY] === RESOURCE_REFERENCE_SIG) {
        onReference?.(at, {
            urn: String(o.urn),
            ...(typeof o.id === "string" ? { id: o.id } : {}),
            ...(typeof o.packageVersion === "string" && o.packageVersion ? { packageVersion: o.packageVersion } : {}),
        });
        if ("id" in o) {
            // A custom resource: its id, which the SDK sends as "" while it is unknown.
            const id = o.id;
            return typeof id === "string" && id !== "" ? id : WIRE_UNKNOWN;
        }
        return typeof o.urn === "string" ? o.urn : WIRE_UNKNOWN;
    }
    let out: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(o)) {
        const d = downgradeResourceReferences(v, onReference, [...at, k]);
        if (d !== v) {
            out ??= { ...o };
            out[k] = d;
        }
    }
    return out ?? o;
}

/** Puts the references `downgradeResourceReferences` reported back at their paths (a copy). */
export function restoreResourceReferences(
    value: Record<string, unknown>,
    refs: { path: (string | number)[]; ref: ResourceReference }[],
): Record<string, unknown> {
    const copy = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
    for (const { path, ref } of refs) {
        let node: any = copy;
        for (const step of path.slice(0, -1)) node = node?.[step];
        const last = path[path.length - 1];
        if (node && last !== undefined) node[last] = { [SECRET_SIG_KEY]: RESOURCE_REFERENCE_SIG, ...ref };
    }
    return copy;
}
