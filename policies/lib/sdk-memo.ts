/**
 * One deserialization per resource per call instead of one per policy.
 *
 * @pulumi/policy 1.21 (server.js, makeAnalyzeRpcFun and makeAnalyzeStackRpcFun) calls
 * `deserializeProperties(<Struct>, false)` afresh for every policy: an Analyze call with 40
 * resource policies turns the same properties into JavaScript 40 times, and AnalyzeStack does it
 * for every resource of the stack once per stack policy (30 times over 10,000 resources). The
 * Struct object is the same each time (google-protobuf caches a message's wrapper fields), so
 * this memo keeps the first result privately, keyed by that Struct (a WeakMap: it goes with the
 * request), and hands every caller a fresh deep copy of plain data, which costs a small fraction
 * of deserializing. Each policy still gets its own objects, as unpatched, so a policy that
 * writes into its props cannot change what the next one reads. A value that is not plain data
 * (an asset or archive object) is never memoised: those calls go to the SDK's own function.
 *
 * Patching the SDK is guarded: the memo installs only when @pulumi/policy is exactly the build
 * it was verified against (its version and the sha256 of the two files read above); any other
 * build runs unpatched. test/policies/sdk-memo.spec.ts fails when the installed SDK differs from
 * VERIFIED (re-read server.js then, and update VERIFIED), and checks that patched and unpatched
 * packs give identical reports. SECURE_WEB_APP_POLICY_SDK_MEMO=off disables the memo;
 * `=require` makes a pack that cannot install it fail to start (for that test).
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
        files[f] = crypto.createHash("sha256").update(fs.readFileSync(path.join(dir, f))).digest("hex");
    }
    return { version: JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version, files };
}

const NOT_PLAIN = Symbol("not plain data");

/** A deep copy of plain data (null, primitives, arrays, plain objects); NOT_PLAIN for anything else. */
function copyPlain(v: unknown): unknown {
    if (v === null || typeof v !== "object") return typeof v === "function" || typeof v === "symbol" ? NOT_PLAIN : v;
    if (Array.isArray(v)) {
        const out = new Array(v.length);
        for (let i = 0; i < v.length; i++) {
            const c = copyPlain(v[i]);
            if (c === NOT_PLAIN) return NOT_PLAIN;
            out[i] = c;
        }
        return out;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
        const c = copyPlain((v as Record<string, unknown>)[k]);
        if (c === NOT_PLAIN) return NOT_PLAIN;
        out[k] = c;
    }
    return out;
}

/** `deserialize` memoised per Struct object, handing out copies. */
export function memoised(deserialize: Deserialize): Deserialize {
    const kept = new WeakMap<object, unknown>();
    return function deserializeProperties(struct: unknown, proxySecrets: boolean) {
        if (proxySecrets || struct === null || typeof struct !== "object") return deserialize(struct, proxySecrets);
        const first = kept.get(struct);
        if (first === undefined) {
            const fresh = deserialize(struct, false);
            const copy = copyPlain(fresh);
            kept.set(struct, copy === NOT_PLAIN ? NOT_PLAIN : fresh);
            // The kept value is never handed out: the first caller gets the copy.
            return copy === NOT_PLAIN ? fresh : (copy as Record<string, unknown>);
        }
        if (first === NOT_PLAIN) return deserialize(struct, false);
        return copyPlain(first) as Record<string, unknown>;
    };
}

let installed: { module: DeserializeModule; original: Deserialize } | undefined;

/**
 * Installs the memo into the pack's @pulumi/policy when the SDK matches `expected`; otherwise
 * leaves it untouched. Returns what it did.
 */
export function installDeserializationMemo(expected: Fingerprint = VERIFIED,
    mode = process.env.SECURE_WEB_APP_POLICY_SDK_MEMO ?? ""): "installed" | "disabled" | "unverified SDK" {
    if (mode === "off") return "disabled";
    if (installed) return "installed";
    const now = sdkFingerprint();
    const same = now.version === expected.version &&
        Object.keys(expected.files).every((f) => now.files[f] === expected.files[f]);
    if (!same) {
        if (mode === "require") {
            throw new Error(`SECURE_WEB_APP_POLICY_SDK_MEMO=require, but @pulumi/policy ${now.version} is not the verified ${expected.version} build`);
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
