/**
 * What the gate's specs share: the paths of their fixtures (fixture packs are plain
 * JavaScript: they start fast), the CLI in a fresh process, temporary files, and looking a
 * resource up in a run.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ResourceRecord } from "../../tools/gate/types";

export const ROOT = path.join(__dirname, "..", "..");
export const FIXTURES = path.join(ROOT, "test", "fixtures");
export const pack = (name: string) => path.join(FIXTURES, "packs", name);
export const program = (name: string) => path.join(FIXTURES, "programs", name);
export const exportFile = (name: string) => path.join(FIXTURES, "exports", name);
/** A parity scenario's program and pack (test/fixtures/parity/<name>: pulumi-policy's integration scenarios, rewritten). */
export const parity = (name: string) => ({
    program: path.join(FIXTURES, "parity", name, "program"),
    pack: path.join(FIXTURES, "parity", name, "policy-pack"),
});

/** `npm run gate -- <args>` in a fresh process from the repository root: exit code and output. */
export function gate(...args: string[]): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join(ROOT, "tools/gate/cli.ts"), ...args],
        { cwd: ROOT, encoding: "utf8", timeout: 300_000 },
    );
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh folder under the system's temporary folder. */
export const tempDir = (prefix = "gate-spec-"): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** `content` (a string as it is, anything else as JSON) written to `name` in a fresh temporary folder; its path. */
export function tempFile(name: string, content: unknown): string {
    const file = path.join(tempDir(), name);
    fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
    return file;
}

/** The run's resource named `name` (of `type`, when given); throws naming the resources there are. */
export function byName(run: { resources: ResourceRecord[] }, name: string, type?: string): ResourceRecord {
    const r = run.resources.find((x) => x.name === name && (!type || x.type === type));
    if (!r) throw new Error(`no resource ${name} in ${run.resources.map((x) => x.name).join(", ")}`);
    return r;
}
