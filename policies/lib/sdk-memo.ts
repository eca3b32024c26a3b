/**
 * One deserialization per resource per call instead of one per policy, shared read-only.
 *
 * @pulumi/policy 1.21 (server.js, makeAnalyzeRpcFun and makeAnalyzeStackRpcFun) calls
 * `deserializeProperties(<Struct>, false)` afresh for every policy: an Analyze call with 107
 * resource policies turns the same properties into JavaScript 107 times, and AnalyzeStack does
 * it for every resource of the stack once per stack policy (42 times over 10,000 resources).
 * The Struct object is the same each time (google-protobuf caches a message's wrapper fields),
 * so this memo keeps the first result, keyed by that Struct (a WeakMap: it goes with the
 * request), deep-frozen, and hands that same object to every caller. Most callers never read it
 * (a resource rule returns before reading props when the type is not its own; the stack rules of
 * a call share one view, lib/rule.ts callStackView), so neither deserializing nor copying is paid
 * for them. A value that is not plain data (an asset or archive object) is never memoised: those
 * calls go to the SDK's own function, which returns a fresh object each time.
 *
 * Why freezing keeps the verdicts: the pack's checks only read their props (lib/rule.ts; every
 * policy is built by resourceRule/stackRule or rules/policy.ts, which read raw values through
 * `unproxy`). A check that wrote into its props would now throw (the compiled pack is strict
 * mode) instead of changing what the next policy reads, and the framework turns that throw into
 * a finding naming the error: loud, never a silent pass. The SDK's unknown-checking proxy still
 * throws for an unknown value it is asked for; for a frozen object it hands out nested values
 * unwrapped (proxy.js, its non-configurable, non-writable branch), which changes nothing for a
 * check that reads the unwrapped props, as all of this pack's do.
 *
 * Patching the SDK is guarded (lib/sdk-guard.ts): the memo installs only when @pulumi/policy is
 * exactly the build it was verified against; any other build runs unpatched.
 */
import { checkSdk, Fingerprint, PatchMode, patchMode, sdkModule, VERIFIED } from "./sdk-guard";

type Deserialize = (struct: unknown, proxySecrets: boolean) => Record<string, unknown>;
interface DeserializeModule {
    deserializeProperties: Deserialize;
}

/**
 * Deep-freezes plain data (null, primitives, arrays, plain objects) in place; false as soon as
 * it meets anything else (the caller then discards the value, partly frozen as it may be).
 */
function freezePlain(v: unknown): boolean {
    if (v === null || typeof v !== "object") return typeof v !== "function" && typeof v !== "symbol";
    if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!freezePlain(v[i])) return false;
    } else {
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) return false;
        for (const k of Object.keys(v)) if (!freezePlain((v as Record<string, unknown>)[k])) return false;
    }
    Object.freeze(v);
    return true;
}

const NOT_PLAIN = Symbol("not plain data");

/** `deserialize` memoised per Struct object: one deep-frozen result shared by every caller. */
export function memoised(deserialize: Deserialize): Deserialize {
    const kept = new WeakMap<object, Record<string, unknown> | typeof NOT_PLAIN>();
    return function deserializeProperties(struct: unknown, proxySecrets: boolean) {
        if (proxySecrets || struct === null || typeof struct !== "object") return deserialize(struct, proxySecrets);
        let first = kept.get(struct);
        if (first === undefined) {
            const fresh = deserialize(struct, false);
            first = freezePlain(fresh) ? fresh : NOT_PLAIN;
            kept.set(struct, first);
        }
        return first === NOT_PLAIN ? deserialize(struct, false) : first;
    };
}

let installed: { module: DeserializeModule; original: Deserialize } | undefined;

/**
 * Installs the memo into the pack's @pulumi/policy when the SDK matches `expected`; otherwise
 * leaves it untouched. Returns what it did.
 */
export function installDeserializationMemo(
    expected: Fingerprint = VERIFIED,
    mode: PatchMode = patchMode(),
): "installed" | "disabled" | "unverified SDK" {
    if (installed && mode !== "off") return "installed";
    const verdict = checkSdk("the deserialization memo", expected, mode);
    if (verdict !== "install") return verdict;
    const module = sdkModule<DeserializeModule>("deserialize.js");
    const original = module.deserializeProperties;
    module.deserializeProperties = memoised(original);
    installed = { module, original };
    return "installed";
}

/** Puts the SDK's own function back (tests). */
export function uninstallDeserializationMemo(): void {
    if (!installed) return;
    installed.module.deserializeProperties = installed.original;
    installed = undefined;
}
