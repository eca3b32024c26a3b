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
 * Patching the SDK is guarded: the memo installs only when @pulumi/policy is exactly the build
 * it was verified against (its version and the sha256 of the three files read above); any other
 * build runs unpatched. test/policies/lib/sdk-memo.spec.ts fails when the installed SDK differs
 * from VERIFIED (re-read server.js and proxy.js then, and update VERIFIED), and checks that
 * patched and unpatched packs give identical reports. SECURE_WEB_APP_POLICY_SDK_MEMO=off disables
 * the memo; `=require` makes a pack that cannot install it fail to start (for that test).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** The @pulumi/policy build whose call sites the memo was checked against. */
export const VERIFIED = {
    version: "v1.21.0",
    files: {
        "server.js": "0aa32052092307cc6ed5ba39971f393e21876d91f7b24fca2aee90dc3dabd3a1",
        "deserialize.js": "ec5892b72e40c243b5344c58a0f50133f8606722ec1d3ca1f50a91f03cd38518",
        "proxy.js": "acb6af8c92ddd4cb34796ec8d210667bea931c76eacd449bb1b8858308393e21",
    } as Record<string, string>,
};

export type Fingerprint = typeof VERIFIED;

type Deserialize = (struct: unknown, proxySecrets: boolean) => Record<string, unknown>;
interface DeserializeModule {
    deserializeProperties: Deserialize;
}

/** The pack's own copy of @pulumi/policy (the one its PolicyPack and gRPC server use). */
function sdkDir(): string {
    return path.dirname(require.resolve("@pulumi/policy/package.json"));
}

/** Version and file hashes of the installed @pulumi/policy. */
export function sdkFingerprint(): Fingerprint {
    const dir = sdkDir();
    const files: Record<string, string> = {};
    for (const f of Object.keys(VERIFIED.files)) {
        files[f] = crypto
            .createHash("sha256")
            .update(fs.readFileSync(path.join(dir, f)))
            .digest("hex");
    }
    return { version: JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version, files };
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
    mode = process.env.SECURE_WEB_APP_POLICY_SDK_MEMO ?? "",
): "installed" | "disabled" | "unverified SDK" {
    if (mode === "off") return "disabled";
    if (installed) return "installed";
    const now = sdkFingerprint();
    const same =
        now.version === expected.version &&
        Object.keys(expected.files).every((f) => now.files[f] === expected.files[f]);
    if (!same) {
        if (mode === "require") {
            throw new Error(
                `SECURE_WEB_APP_POLICY_SDK_MEMO=require, but @pulumi/policy ${now.version} is not the verified ${expected.version} build`,
            );
        }
        return "unverified SDK";
    }
    const module: DeserializeModule = require(path.join(sdkDir(), "deserialize.js"));
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
