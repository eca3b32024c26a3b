/**
 * Lambda code packaging: the handler folder `lambdas/<fn>` plus the shared app contract
 * (`lambdas/contract.json`, which the handlers read from next to themselves when packaged).
 *
 * Only source files go in, listed in sorted order, so the archive's hash changes only when
 * the code does: a test run leaving `__pycache__/` or `.pytest_cache/` behind must not
 * make `pulumi preview` show a code update.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

/** The repository's `lambdas/` folder (this file is infra/lib/lambda-package.ts). */
export const LAMBDAS_DIR = path.resolve(__dirname, "..", "..", "lambdas");
export const CONTRACT_FILE = "contract.json";

const SOURCE_FILE = /\.(py|json)$/;
const SKIPPED_DIRS = new Set(["__pycache__", ".pytest_cache", ".hypothesis", "tests"]);

/** Relative paths (posix) of the source files under `dir`, sorted. */
export function sourceFiles(dir: string, relative = ""): string[] {
    const entries = fs.readdirSync(path.join(dir, relative), { withFileTypes: true });
    const files: string[] = [];
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const rel = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
            if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith(".")) files.push(...sourceFiles(dir, rel));
        } else if (entry.isFile() && SOURCE_FILE.test(entry.name) && !/^test_.*\.py$/.test(entry.name)) {
            files.push(rel);
        }
    }
    return files;
}

/**
 * The deployment package of `lambdas/<functionDir>`. `withContract` adds contract.json at the
 * archive root; the edge function takes no extra files (its rules are in its handler).
 */
export function functionCode(functionDir: string, withContract: boolean): pulumi.asset.AssetArchive {
    const dir = path.join(LAMBDAS_DIR, functionDir);
    if (!fs.existsSync(dir)) {
        throw new pulumi.RunError(
            `Lambda source folder ${dir} is missing: the program packages lambdas/${functionDir}`,
        );
    }
    const assets: Record<string, pulumi.asset.Asset> = {};
    for (const file of sourceFiles(dir)) assets[file] = new pulumi.asset.FileAsset(path.join(dir, file));
    if (withContract) assets[CONTRACT_FILE] = new pulumi.asset.FileAsset(path.join(LAMBDAS_DIR, CONTRACT_FILE));
    return new pulumi.asset.AssetArchive(assets);
}
