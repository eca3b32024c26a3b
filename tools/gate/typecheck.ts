/**
 * The type check the Pulumi language host runs before a TypeScript program executes: it
 * registers ts-node with type checking (sdk/nodejs/cmd/run/run.ts) unless
 * PULUMI_NODEJS_TRANSPILE_ONLY=true or `compilerOptions.noCheck` turns it off, so a program with
 * type errors is never run by `pulumi preview`. The gate checks the same files (the program's
 * own, reached from its entry point: ts-node's `files: false`) with the same options (ts-node's
 * merge: the tsconfig, its top-level compilerOptions overridden by the host's defaults and then
 * the program's own, ts-node's ignored codes 6059/18002/18003).
 *
 * Fast when nothing changed: a run that passed records each checked source's content hash
 * (and the installed packages' lock), and the next run with the same hashes skips the check;
 * otherwise TypeScript's incremental build info (kept in the gate's cache folder) re-checks only
 * what changed.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { GateError } from "./errors";
import { ProgramPlan, typescriptFor } from "./program-loader";

const core = require("./transpile-core.js") as {
    cacheDir(): string;
    recall(name: string): unknown;
    remember(name: string, value: unknown): void;
};

/** ts-node's default ignoreDiagnostics. */
const IGNORED_CODES = new Set([6059, 18002, 18003]);

export interface ProgramCompilerSetup {
    options: import("typescript").CompilerOptions;
    /** The merged compilerOptions as tsconfig JSON: what esbuild needs to emit the same code. */
    raw: Record<string, unknown>;
    /** `ts.version` of the compiler the options were read with. */
    tsVersion: string;
    /** The compiler, loaded on first use: a remembered setup and a cached check need none. */
    readonly ts: typeof import("typescript");
}

/** The package.json of the TypeScript typescriptFor() loads, without loading it. */
function typescriptPackage(projectDir: string): { file: string; version: string } {
    let file: string;
    try {
        file = require.resolve("typescript/package.json", { paths: [projectDir] });
    } catch {
        file = require.resolve("typescript/package.json");
    }
    return { file, version: JSON.parse(fs.readFileSync(file, "utf8")).version };
}

/** A setup read before, with the files it read (path → sha256, null: did not exist) and the packages' stamp. */
interface RememberedSetup {
    tsVersion: string;
    options: import("typescript").CompilerOptions;
    raw: Record<string, unknown>;
    read: Record<string, string | null>;
    packages: string;
}

/** Every file still has the content it had (its sha256), and one recorded as missing (null) still is. */
function unchanged(hashes: Record<string, string | null>): boolean {
    return Object.entries(hashes).every(([f, h]) =>
        h === null ? !fs.existsSync(f) : fs.existsSync(f) && sha(fs.readFileSync(f)) === h,
    );
}

function withLazyCompiler(projectDir: string, s: Omit<ProgramCompilerSetup, "ts">): ProgramCompilerSetup {
    let ts: typeof import("typescript") | undefined;
    return {
        ...s,
        get ts() {
            return (ts ??= typescriptFor(projectDir));
        },
    };
}

/**
 * The options ts-node would compile the program with (ts-node 10 `readConfig` over the host's
 * overrides). Reading them loads the TypeScript compiler (about 0.6 s of CPU in the gate's own
 * process, beside the engine and the pack); so a setup is remembered in the gate's cache folder
 * with the content hash of every file the compiler read for it (the tsconfig and what it
 * extends) and the installed packages' stamp, and reused, compiler unloaded, while all of them
 * are unchanged. An invalid configuration is never remembered: it is read, and reported, again.
 */
export function compilerSetup(plan: ProgramPlan): ProgramCompilerSetup {
    const tsPackage = typescriptPackage(plan.projectDir);
    const key = sha(
        JSON.stringify({
            ts: tsPackage,
            tsconfig: plan.tsconfigPath ?? null,
            overrides: plan.compilerOverrides,
            projectDir: plan.projectDir,
        }),
    ).slice(0, 24);
    const name = `compiler-setup-${key}.json`;
    const remembered = core.recall(name) as RememberedSetup | undefined;
    if (remembered && remembered.packages === packagesStamp(plan.projectDir) && unchanged(remembered.read)) {
        const { tsVersion, options, raw } = remembered;
        return withLazyCompiler(plan.projectDir, { tsVersion, options, raw });
    }
    const read: Record<string, string | null> = {};
    const setup = readCompilerSetup(plan, read);
    const entry: RememberedSetup = {
        tsVersion: setup.tsVersion,
        options: setup.options,
        raw: setup.raw,
        read,
        packages: packagesStamp(plan.projectDir),
    };
    core.remember(name, entry);
    return setup;
}

/** The setup as the compiler reads it; every file it reads is recorded in `read`. */
function readCompilerSetup(plan: ProgramPlan, read: Record<string, string | null>): ProgramCompilerSetup {
    const ts = typescriptFor(plan.projectDir);
    const host: import("typescript").ParseConfigHost & { readFile(f: string): string | undefined } = Object.create(
        ts.sys,
    );
    host.readFile = (f: string) => {
        const text = ts.sys.readFile(f);
        read[path.resolve(f)] = text === undefined ? null : sha(text);
        return text;
    };
    let config: Record<string, any> = {};
    let base = plan.projectDir;
    if (plan.tsconfigPath) {
        const readResult = ts.readConfigFile(plan.tsconfigPath, host.readFile);
        if (readResult.error) {
            throw new GateError(
                `${path.relative(plan.projectDir, plan.tsconfigPath)}: ${flatten(ts, readResult.error.messageText)}`,
                "Fix the program's tsconfig.json (it must be JSON with comments, as tsc reads it).",
            );
        }
        config = readResult.config ?? {};
        base = path.dirname(plan.tsconfigPath);
    }
    config.compilerOptions = { ...(config.compilerOptions ?? {}), ...plan.compilerOverrides };
    // ts-node's `files: false`: only what the entry point reaches is compiled.
    config.files = [];
    config.include = [];
    const parsed = ts.parseJsonConfigFileContent(config, host, base, undefined, plan.tsconfigPath);
    const fatal = parsed.errors.filter((d) => !IGNORED_CODES.has(d.code));
    if (fatal.length) {
        throw new GateError(
            `the program's TypeScript configuration is invalid:\n${format(ts, fatal, plan.projectDir)}`,
            `Fix compilerOptions in ${plan.tsconfigPath ? path.relative(process.cwd(), plan.tsconfigPath) : "the program's tsconfig.json"}.`,
        );
    }
    const raw = ((ts as any).convertToTSConfig?.(parsed, plan.tsconfigPath ?? "tsconfig.json", ts.sys)
        ?.compilerOptions ?? {}) as Record<string, unknown>;
    return { options: parsed.options, raw, tsVersion: ts.version, ts };
}

/** The compilerOptions that change what esbuild emits; the rest only matter to the type check. */
export function esbuildTsconfig(raw: Record<string, unknown>): Record<string, unknown> {
    const keep = [
        "experimentalDecorators",
        "useDefineForClassFields",
        "target",
        "verbatimModuleSyntax",
        "preserveValueImports",
        "importsNotUsedAsValues",
        "jsx",
        "jsxFactory",
        "jsxFragmentFactory",
        "jsxImportSource",
        "alwaysStrict",
        "strict",
    ];
    const out: Record<string, unknown> = {};
    for (const k of keep)
        if (raw[k] !== undefined) out[k] = typeof raw[k] === "string" ? String(raw[k]).toLowerCase() : raw[k];
    // esbuild knows target names such as "es2022"; "esnext" and "latest" read the same.
    return { compilerOptions: out };
}

export interface TypeCheckOutcome {
    /** true when the check was skipped: the same sources passed before. */
    cached: boolean;
    /** Files checked (the program's own). */
    files: number;
}

function sha(text: string | Buffer): string {
    return crypto.createHash("sha256").update(text).digest("hex");
}

/** The installed packages, as far as they change declarations: npm's hidden lockfile. */
function packagesStamp(projectDir: string): string {
    let d = projectDir;
    for (;;) {
        const lock = path.join(d, "node_modules", ".package-lock.json");
        if (fs.existsSync(lock)) return sha(fs.readFileSync(lock));
        const up = path.dirname(d);
        if (up === d) return "";
        d = up;
    }
}

/**
 * Type-checks the program as the host would before running it. Throws a GateError listing the
 * compiler's diagnostics (file:line:column) when it has type errors.
 */
export function typeCheckProgram(plan: ProgramPlan, setup: ProgramCompilerSetup): TypeCheckOutcome {
    const options: import("typescript").CompilerOptions = {
        ...setup.options,
        noEmit: true,
        declaration: false,
        declarationMap: false,
        emitDeclarationOnly: false,
        composite: false,
        incremental: true,
    };
    const keyText = JSON.stringify({ ts: setup.tsVersion, options, root: plan.entryFile });
    const key = sha(keyText).slice(0, 24);
    const dir = core.cacheDir();
    const passName = `typecheck-${key}.json`;
    options.tsBuildInfoFile = path.join(dir, `typecheck-${key}.tsbuildinfo`);
    const stamp = packagesStamp(plan.projectDir);
    const pass = core.recall(passName) as { packages: string; files: Record<string, string> } | undefined;
    if (pass && pass.packages === stamp && unchanged(pass.files)) {
        return { cached: true, files: Object.keys(pass.files).length };
    }
    const { ts } = setup; // loaded only now: the check has to run
    if (!stamp) {
        // A program with no node_modules above it (a generated benchmark): at run time the engine
        // lends it the gate's packages through NODE_PATH; the check resolves from the same place.
        const gateModules = path.dirname(path.dirname(path.dirname(require.resolve("@pulumi/pulumi/package.json"))));
        options.paths = {
            "*": [path.join(gateModules, "*"), path.join(gateModules, "@types", "*")],
            ...(options.paths ?? {}),
        };
        options.typeRoots ??= [path.join(gateModules, "@types")];
    }
    const builder = ts.createIncrementalProgram({ rootNames: [plan.entryFile], options });
    const program = builder.getProgram();
    const own = program
        .getSourceFiles()
        .filter((sf) => !sf.isDeclarationFile && !sf.fileName.split("/").includes("node_modules"));
    const diagnostics = [
        ...builder.getOptionsDiagnostics(),
        ...builder.getGlobalDiagnostics(),
        ...own.flatMap((sf) => [...builder.getSyntacticDiagnostics(sf), ...builder.getSemanticDiagnostics(sf)]),
    ].filter((d) => !IGNORED_CODES.has(d.code) && d.category === ts.DiagnosticCategory.Error);
    // With noEmit this writes only the build info, so the next run re-checks only what changed.
    builder.emit();
    if (diagnostics.length) {
        const first = diagnostics.find((d) => d.file);
        const where = first?.file ? path.relative(process.cwd(), first.file.fileName) : "the program";
        throw new GateError(
            `the program has type errors; the Pulumi CLI refuses to run it:\n${format(ts, diagnostics, plan.projectDir)}`,
            `Fix the type errors in ${where} (check with \`npx tsc --noEmit -p ${path.relative(process.cwd(), plan.tsconfigPath ?? plan.projectDir) || "."}\`), ` +
                'or run it unchecked as the CLI would with PULUMI_NODEJS_TRANSPILE_ONLY=true or `"noCheck": true` in compilerOptions.',
        );
    }
    try {
        const files: Record<string, string> = {};
        for (const sf of own) files[path.resolve(sf.fileName)] = sha(fs.readFileSync(sf.fileName));
        core.remember(passName, { packages: stamp, files });
    } catch {
        // a checked file gone meanwhile: the next run checks again
    }
    return { cached: false, files: own.length };
}

function flatten(ts: typeof import("typescript"), m: string | import("typescript").DiagnosticMessageChain): string {
    return ts.flattenDiagnosticMessageText(m, "\n");
}

/** `file:line:column - error TS1234: message`, paths relative to the working directory. */
function format(
    ts: typeof import("typescript"),
    diagnostics: readonly import("typescript").Diagnostic[],
    _dir: string,
): string {
    const lines = diagnostics.slice(0, 20).map((d) => {
        const msg = flatten(ts, d.messageText);
        if (!d.file || d.start === undefined) return `error TS${d.code}: ${msg}`;
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
        return `${path.relative(process.cwd(), d.file.fileName)}:${line + 1}:${character + 1} - error TS${d.code}: ${msg}`;
    });
    if (diagnostics.length > 20) lines.push(`... and ${diagnostics.length - 20} more`);
    return lines.join("\n");
}
