/**
 * The guard every patch of @pulumi/policy goes through: a patch is installed only on the SDK
 * build it was verified against, otherwise the pack runs the SDK unpatched.
 *
 * The pack patches two things for speed (lib/sdk-memo.ts: one deserialization per resource per
 * call; lib/sdk-analyzer.ts: one description of the resources per Analyze and AnalyzeStack call). Both mirror code inside the
 * SDK's files, so "verified" means this exact version AND the sha256 of each file whose code a
 * patch mirrors or whose call sites it relies on. test/policies/lib/sdk-patches.spec.ts fails
 * when the installed SDK differs from VERIFIED (re-read the files named there, check the patches
 * still mirror them, then update VERIFIED), and checks that patched and unpatched packs give
 * identical reports.
 *
 * SECURE_WEB_APP_POLICY_SDK_PATCHES=off runs the pack unpatched; `=require` makes a pack that
 * cannot install its patches fail to start (the tests use both).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** The @pulumi/policy build whose code the patches were checked against. */
export const VERIFIED = {
    version: "v1.21.0",
    files: {
        "server.js": "0aa32052092307cc6ed5ba39971f393e21876d91f7b24fca2aee90dc3dabd3a1",
        "deserialize.js": "ec5892b72e40c243b5344c58a0f50133f8606722ec1d3ca1f50a91f03cd38518",
        "proxy.js": "acb6af8c92ddd4cb34796ec8d210667bea931c76eacd449bb1b8858308393e21",
        "policy.js": "2fb86b480c983e4522302df556a71adf6fd828b622582679039eddff5f39045f",
        "protoutil.js": "5f4d5ee3c09387e8d2babbd0f1e7bf7b17ad9fd3bca74c1bfb389b25ac1cf8ac",
    } as Record<string, string>,
};

export type Fingerprint = typeof VERIFIED;

/** What to do about the patches: "" (install when verified), "off", or "require". */
export type PatchMode = string;

export function patchMode(): PatchMode {
    return process.env.SECURE_WEB_APP_POLICY_SDK_PATCHES ?? "";
}

/** The pack's own copy of @pulumi/policy (the one its PolicyPack and gRPC server use). */
export function sdkDir(): string {
    return path.dirname(require.resolve("@pulumi/policy/package.json"));
}

/** A module of the pack's @pulumi/policy, e.g. "server.js". */
export function sdkModule<T>(file: string): T {
    return require(path.join(sdkDir(), file));
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
 * Whether a patch may go in: "install" when the SDK is the verified build and patches are not
 * turned off; "disabled" or "unverified SDK" otherwise. Throws for an unverified SDK when the
 * mode is "require".
 */
export function checkSdk(
    what: string,
    expected: Fingerprint = VERIFIED,
    mode: PatchMode = patchMode(),
): "install" | "disabled" | "unverified SDK" {
    if (mode === "off") return "disabled";
    const now = sdkFingerprint();
    const same =
        now.version === expected.version &&
        Object.keys(expected.files).every((f) => now.files[f] === expected.files[f]);
    if (same) return "install";
    if (mode === "require") {
        throw new Error(
            `SECURE_WEB_APP_POLICY_SDK_PATCHES=require, but @pulumi/policy ${now.version} is not the ` +
                `${expected.version} build ${what} was verified against`,
        );
    }
    return "unverified SDK";
}
