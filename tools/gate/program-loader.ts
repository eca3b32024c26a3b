/**
 * How the Pulumi Node.js language host would start a program: which file it runs, whether as
 * CommonJS or as an ES module, with which TypeScript options, and whether it type-checks.
 *
 * Mirrors @pulumi/pulumi 3.248 (the version this repository pins), cmd/run/run.js, which
 * matches pulumi/pulumi HEAD sdk/nodejs/cmd/run/run.ts on every point used here:
 * - the program is Pulumi.yaml `main` (relative to the project folder) or the project folder;
 *   without `main`, package.json `exports` (a string, or `exports["."]`'s default/require/import)
 *   and then `main` pick the entry point (run.ts `run`, `resolveEntrypoint`);
 * - `"type": "module"` in the nearest package.json loads it with `import()` (its default
 *   export, if any, is the program), else with `require`;
 * - TypeScript is on unless Pulumi.yaml `runtime.options.typescript` is false (the Go host,
 *   sdk/nodejs/cmd/pulumi-language-nodejs/main.go `parseOptions`, sets PULUMI_NODEJS_TYPESCRIPT);
 *   the tsconfig is PULUMI_NODEJS_TSCONFIG_PATH, or runtime option `tsconfig`, or ./tsconfig.json;
 * - ts-node is registered with the host's defaults under the program's own top-level
 *   `compilerOptions` (CommonJS: target ES2020, module and moduleResolution nodenext; ESM:
 *   target ES2022), over the whole tsconfig (its `extends` included);
 * - type checking is on unless PULUMI_NODEJS_TRANSPILE_ONLY is set ("true" turns it off, any
 *   other value keeps it on) or, when that is unset, `compilerOptions.noCheck` is true;
 * - `runtime.options.nodeargs` are arguments for the node process (split as a shell would).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { GateError } from "./errors";

const core = require("./transpile-core.js") as {
    recall(name: string): unknown;
    remember(name: string, value: unknown): void;
};

export interface ProgramPlan {
    /** The project folder (where Pulumi.yaml is); the program's working directory. */
    projectDir: string;
    /** What the host passes to `require`/`import`: a file or a folder, absolute. */
    program: string;
    /** The file that `program` resolves to (the root of the type check). */
    entryFile: string;
    /** `"type": "module"` in the program's package.json. */
    esm: boolean;
    /** The host registers TypeScript support (runtime option `typescript`, default true). */
    typescript: boolean;
    /** The tsconfig the host reads, absolute; undefined when there is none. */
    tsconfigPath?: string;
    /** The options the host hands ts-node over the tsconfig (its defaults, then the program's). */
    compilerOverrides: Record<string, unknown>;
    /** Type checking is off (PULUMI_NODEJS_TRANSPILE_ONLY=true or compilerOptions.noCheck). */
    transpileOnly: boolean;
    /** Pulumi.yaml runtime.options.nodeargs, split. */
    nodeArgs: string[];
}

/** Pulumi.yaml's `runtime` as a name and its options. */
export function runtimeOptions(runtime: unknown): Record<string, unknown> {
    if (runtime && typeof runtime === "object" && !Array.isArray(runtime)) {
        const opts = (runtime as { options?: unknown }).options;
        if (opts && typeof opts === "object") return opts as Record<string, unknown>;
    }
    return {};
}

/** The nearest package.json at or above `dir` (run.ts: searchupPackageManifest). */
export function nearestPackageJson(dir: string): { root: string; data: Record<string, any> } | undefined {
    let d = dir;
    for (;;) {
        const file = path.join(d, "package.json");
        if (fs.existsSync(file)) {
            try {
                return { root: d, data: JSON.parse(fs.readFileSync(file, "utf8")) };
            } catch {
                return { root: d, data: {} };
            }
        }
        const up = path.dirname(d);
        if (up === d) return undefined;
        d = up;
    }
}

/** The top-level compilerOptions of a tsconfig, read as tsutils.loadTypeScriptCompilerOptions does. */
function topLevelCompilerOptions(projectDir: string, file: string): Record<string, unknown> {
    // JSON with comments, read as the host reads it: with the TypeScript compiler. Loading the
    // compiler costs about 0.6 s of CPU, so the answer is remembered by the file's content.
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        return {};
    }
    const name = `tsconfig-options-${crypto.createHash("sha256").update(text).digest("hex").slice(0, 24)}.json`;
    const remembered = core.recall(name) as Record<string, unknown> | undefined;
    if (remembered) return remembered;
    let options: Record<string, unknown>;
    try {
        const parsed = typescriptFor(projectDir).parseConfigFileTextToJson(file, text);
        options = (parsed.config?.compilerOptions ?? {}) as Record<string, unknown>;
    } catch {
        return {};
    }
    core.remember(name, options);
    return options;
}

/** The TypeScript compiler the host would use: the program's own, else the one next to the gate. */
export function typescriptFor(projectDir: string): typeof import("typescript") {
    try {
        return require(require.resolve("typescript", { paths: [projectDir] }));
    } catch {
        return require("typescript");
    }
}

/** Splits a nodeargs string as shlex would (quotes and backslashes). */
function shellSplit(s: string): string[] {
    const out: string[] = [];
    const re = /"((?:\\.|[^"\\])*)"|'([^']*)'|((?:\\.|[^\s"'\\])+)|(\s+)/g;
    let cur: string | undefined;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s))) {
        if (m[4] !== undefined) {
            if (cur !== undefined) out.push(cur);
            cur = undefined;
            continue;
        }
        const piece = m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] ?? m[3]!.replace(/\\(.)/g, "$1"));
        cur = (cur ?? "") + piece;
    }
    if (cur !== undefined) out.push(cur);
    return out;
}

const CJS_INDEX = ["index.js", "index.ts", "index.cts", "index.tsx"];
const ESM_INDEX = ["index.js", "index.mjs", "index.ts", "index.mts"];
const FILE_EXTENSIONS = ["", ".js", ".ts", ".mjs", ".mts", ".cjs", ".cts", ".tsx"];

/** The file Node (with the host's TypeScript extensions) loads for `program`. */
function resolveEntryFile(program: string, esm: boolean): string | undefined {
    if (fs.existsSync(program) && fs.statSync(program).isFile()) return program;
    if (fs.existsSync(program) && fs.statSync(program).isDirectory()) {
        if (!esm) {
            // require(folder/): its package.json `main`, then index with the registered extensions.
            const pj = path.join(program, "package.json");
            if (fs.existsSync(pj)) {
                try {
                    const main = JSON.parse(fs.readFileSync(pj, "utf8")).main;
                    if (typeof main === "string") {
                        const f = resolveEntryFile(path.resolve(program, main), esm);
                        if (f) return f;
                    }
                } catch {
                    // an unreadable package.json: Node falls back to index too
                }
            }
        }
        for (const index of esm ? ESM_INDEX : CJS_INDEX) {
            const f = path.join(program, index);
            if (fs.existsSync(f)) return f;
        }
        return undefined;
    }
    for (const ext of FILE_EXTENSIONS) {
        const f = program + ext;
        if (ext && fs.existsSync(f) && fs.statSync(f).isFile()) return f;
    }
    return undefined;
}

/**
 * Plans the program's run. `main` is Pulumi.yaml `main` (undefined when absent); `runtime` is
 * Pulumi.yaml `runtime`; `env` is the environment the host would see.
 */
export function planProgram(
    projectDir: string,
    main: string | undefined,
    runtime: unknown,
    env: NodeJS.ProcessEnv = process.env,
): ProgramPlan {
    const options = runtimeOptions(runtime);
    const typescript = typescriptOption(options);
    const nodeArgs = typeof options.nodeargs === "string" ? shellSplit(options.nodeargs) : [];
    const { program, esm, entryFile } = entryPoint(projectDir, main);
    const ts = typescriptSettings(projectDir, options, env, typescript, esm);
    return {
        projectDir,
        program,
        entryFile,
        esm,
        typescript,
        tsconfigPath: ts.tsconfigPath,
        compilerOverrides: ts.compilerOverrides,
        transpileOnly: ts.transpileOnly,
        nodeArgs,
    };
}

/** Runtime option `typescript`: on unless set to false. */
function typescriptOption(options: Record<string, unknown>): boolean {
    if (options.typescript !== undefined && typeof options.typescript !== "boolean") {
        throw new GateError(
            "Pulumi.yaml runtime.options.typescript must be true or false",
            "Set `typescript: true` or `false`.",
        );
    }
    return options.typescript === undefined ? true : options.typescript === true;
}

/** run.ts: without `main`, package.json exports (string, or ["."] as string or {default, require, import}), then main. */
function packageEntry(data: Record<string, any>): unknown {
    const exp = data.exports;
    if (typeof exp === "string") return exp;
    if (exp && typeof exp === "object") {
        const dot = exp["."];
        if (typeof dot === "string") return dot;
        return dot && typeof dot === "object" ? dot.default || dot.require || dot.import : undefined;
    }
    return data.main;
}

/** What the host loads (`program`), as CommonJS or ESM, and the file that resolves to. */
function entryPoint(
    projectDir: string,
    main: string | undefined,
): { program: string; esm: boolean; entryFile: string } {
    let program = main === undefined ? projectDir : path.resolve(projectDir, main);
    const pkg = nearestPackageJson(
        fs.existsSync(program) && fs.statSync(program).isDirectory() ? program : path.dirname(program),
    );
    if (main === undefined && pkg) {
        const entry = packageEntry(pkg.data);
        if (typeof entry === "string" && fs.existsSync(path.join(pkg.root, entry)))
            program = path.join(pkg.root, entry);
    }
    const esm = pkg?.data.type === "module";
    const entryFile = resolveEntryFile(program, esm);
    if (!entryFile) {
        throw new GateError(
            `no program entry point found at ${program}`,
            "Set `main` in Pulumi.yaml (or package.json) to the program's file, or add an index.ts to the project folder.",
        );
    }
    return { program, esm, entryFile };
}

/** The tsconfig the host reads, the options it hands ts-node over it, and whether it type-checks. */
function typescriptSettings(
    projectDir: string,
    options: Record<string, unknown>,
    env: NodeJS.ProcessEnv,
    typescript: boolean,
    esm: boolean,
): Pick<ProgramPlan, "tsconfigPath" | "compilerOverrides" | "transpileOnly"> {
    const tsconfigEnv =
        env.PULUMI_NODEJS_TSCONFIG_PATH ?? (typeof options.tsconfig === "string" ? options.tsconfig : undefined);
    const tsconfigRel = tsconfigEnv ?? "tsconfig.json";
    const tsconfigAbs = path.resolve(projectDir, tsconfigRel);
    const hasTsconfig = fs.existsSync(tsconfigAbs);
    if (typescript && tsconfigEnv && !hasTsconfig) {
        // run.ts fails the same way: "tsconfig path was set to ... but the file was not found".
        throw new GateError(
            `tsconfig path was set to ${tsconfigRel} but the file was not found (looked in ${projectDir})`,
            "Fix PULUMI_NODEJS_TSCONFIG_PATH or runtime.options.tsconfig in Pulumi.yaml.",
        );
    }
    if (!typescript) return { tsconfigPath: undefined, compilerOverrides: {}, transpileOnly: true };
    const own = hasTsconfig ? topLevelCompilerOptions(projectDir, tsconfigAbs) : {};
    const transpileEnv = env.PULUMI_NODEJS_TRANSPILE_ONLY;
    const defaults = esm
        ? { target: "ES2022", module: "nodenext", moduleResolution: "nodenext", sourceMap: true }
        : { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: true };
    return {
        tsconfigPath: hasTsconfig ? tsconfigAbs : undefined,
        compilerOverrides: { ...defaults, ...own },
        transpileOnly: transpileEnv ? transpileEnv === "true" : own.noCheck === true,
    };
}
