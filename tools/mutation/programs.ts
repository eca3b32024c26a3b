/**
 * The mutated programs: the hooks and the catalogue compiled once, and one run of the program
 * per mutation or control (or the unmutated baseline), in a warm engine (tools/gate/engine-warm.ts)
 * or, without one, in a fresh engine process.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ProgramRun, runProgram } from "../gate/engine";
import type { WarmEngines } from "../gate/engine-warm";

const ROOT = path.resolve(__dirname, "..", "..");
const HOOKS = path.join(__dirname, "hooks.ts");
export const PROJECT = "secure-web-app";
export const STACK = "dev";

/**
 * The hooks and the catalogue, transpiled once to JavaScript for all runs: every engine process
 * would otherwise transpile them again through ts-node (about 0.8 s of CPU per run, 89 runs).
 * Written under the repository's .gate/ (gitignored) so that the hooks' `require("@pulumi/aws")`
 * finds, by Node's upward search, the very copy the program uses (one SDK, one mock monitor).
 * Every .ts file of tools/mutation is compiled, so new catalogue files need nothing here.
 * Returns the compiled hooks module.
 */
function compileHooks(outDir: string): string {
    const ts: typeof import("typescript") = require("typescript");
    const walk = (rel: string): string[] =>
        fs.readdirSync(path.join(__dirname, rel), { withFileTypes: true }).flatMap((e) => {
            const p = path.join(rel, e.name);
            if (e.isDirectory()) return walk(p);
            return e.isFile() && e.name.endsWith(".ts") ? [p] : [];
        });
    for (const rel of walk("")) {
        const source = path.join(__dirname, rel);
        const out = ts.transpileModule(fs.readFileSync(source, "utf8"), {
            fileName: source,
            compilerOptions: {
                module: ts.ModuleKind.CommonJS,
                target: ts.ScriptTarget.ES2022,
                esModuleInterop: true,
                inlineSourceMap: true,
            },
        });
        const js = path.join(outDir, rel.replace(/\.ts$/, ".js"));
        fs.mkdirSync(path.dirname(js), { recursive: true });
        fs.writeFileSync(js, out.outputText);
    }
    return path.join(outDir, path.basename(HOOKS, ".ts") + ".js");
}

/** The two one-line shim modules that route the engine's preload/overlay to the hooks for `id`. */
function writeShims(dir: string, hooks: string, id: string): { preload: string; overlay: string } {
    const preload = path.join(dir, `${id}.preload.js`);
    const overlay = path.join(dir, `${id}.overlay.js`);
    fs.writeFileSync(
        preload,
        `module.exports = require(${JSON.stringify(hooks)}).preloadHook(${JSON.stringify(id)});\n`,
    );
    fs.writeFileSync(
        overlay,
        `module.exports = require(${JSON.stringify(hooks)}).overlayHook(${JSON.stringify(id)});\n`,
    );
    return { preload, overlay };
}

export class MutatedPrograms {
    private constructor(
        private readonly shimDir: string,
        private readonly hooksDir: string,
        private readonly hooks: string,
    ) {}

    /** Compiles the hooks and the catalogue; `close` removes them. */
    static prepare(): MutatedPrograms {
        const shimDir = fs.mkdtempSync(path.join(os.tmpdir(), "mutation-"));
        fs.mkdirSync(path.join(ROOT, ".gate"), { recursive: true });
        const hooksDir = fs.mkdtempSync(path.join(ROOT, ".gate", "mutation-hooks-"));
        try {
            return new MutatedPrograms(shimDir, hooksDir, compileHooks(hooksDir));
        } catch (e) {
            fs.rmSync(shimDir, { recursive: true, force: true });
            fs.rmSync(hooksDir, { recursive: true, force: true });
            throw e;
        }
    }

    /**
     * Runs the program (resolved mode) with mutation or control `id` applied, or unmutated
     * without one; in `engines` when given, else in a fresh engine process. `extra` preloads and
     * overlays run after the hooks, and `extra.timeoutMs` bounds the run (the specs use them to
     * make a run fail).
     */
    /** The preload and overlay shims of mutation or control `id` (a spec may use one alone). */
    shims(id: string): { preload: string; overlay: string } {
        return writeShims(this.shimDir, this.hooks, id);
    }

    run(
        id: string | undefined,
        engines?: WarmEngines,
        extra: { preloads?: string[]; overlays?: string[]; timeoutMs?: number } = {},
    ): Promise<ProgramRun> {
        const shims = id ? this.shims(id) : undefined;
        const preloads = [...(shims ? [shims.preload] : []), ...(extra.preloads ?? [])];
        const overlays = [...(shims ? [shims.overlay] : []), ...(extra.overlays ?? [])];
        return runProgram({
            programDir: ROOT,
            stack: STACK,
            mode: "resolved",
            preloads: preloads.length ? preloads : undefined,
            overlays: overlays.length ? overlays : undefined,
            timeoutMs: extra.timeoutMs ?? 180_000,
            launch: engines?.launch,
        });
    }

    close(): void {
        fs.rmSync(this.shimDir, { recursive: true, force: true });
        fs.rmSync(this.hooksDir, { recursive: true, force: true });
    }
}
