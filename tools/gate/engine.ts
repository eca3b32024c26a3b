/**
 * The offline engine: runs a Pulumi TypeScript program, in a fresh child process, under a
 * recording mock monitor, and returns every registration as the engine would see it.
 *
 * Program folder semantics follow the CLI: `Pulumi.yaml` names the project and may set
 * `main` (a folder or a file) and project-level `config` defaults; `Pulumi.<stack>.yaml`
 * holds the stack's config. Config reaches the program the way the language host passes
 * it (the PULUMI_CONFIG environment variable, secrets listed in PULUMI_CONFIG_SECRET_KEYS).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { GateError, readInput } from "./errors";
import { planProgram } from "./program-loader";
import { compilerSetup, esbuildTsconfig, typeCheckProgram } from "./typecheck";
import type { EngineChildRequest, EngineChildResult } from "./engine-child";
import type { ResourceRecord } from "./types";

export interface RunProgramOptions {
    programDir: string;
    stack?: string;
    mode?: "resolved" | "first-preview";
    /** Config overrides, keyed `namespace:key` (a key without namespace gets the project's). */
    config?: Record<string, string>;
    /** Modules loaded inside the stack before the program (e.g. a stack transformation). */
    preloads?: string[];
    /** Modules loaded inside the stack after the program; a default-exported function gets the program's exports. */
    overlays?: string[];
    /** Bound on the program's run, in ms. Defaults to 300 000. */
    timeoutMs?: number;
    /** Environment the language host would see on top of the gate's (PULUMI_NODEJS_TRANSPILE_ONLY, ...). */
    env?: Record<string, string>;
    /**
     * Told of each resource as the engine records it, in registration order, while the program
     * runs (for Analyze calls ahead of the run's end). A preview: the run's result is what counts.
     */
    onResource?: (record: ResourceRecord) => void;
    /** Where the engine runs. Defaults to a fresh process per run (`spawnEngine`); engine-warm.ts keeps one. */
    launch?: EngineLauncher;
}

export interface ProgramRun {
    project: string;
    stack: string;
    region: string;
    resources: ResourceRecord[];
    stackOutputs: Record<string, unknown>;
    warnings: string[];
    /** The type check the host would run first: skipped (transpile-only), answered from the cache, or run. */
    typeCheck: { skipped: boolean; cached: boolean; ms: number };
    /** Outputs the gate could not model (left unknown), counted per "type property". */
    unmodelled: Record<string, number>;
}

/** Placeholder for an encrypted stack-config secret: the gate holds no passphrase or KMS key. */
export const SECRET_CONFIG_PLACEHOLDER = "gate-placeholder-for-encrypted-secret";

interface ProjectFile {
    name?: unknown;
    main?: unknown;
    runtime?: unknown;
    config?: Record<string, unknown>;
}

function readYaml(file: string, what: string): Record<string, unknown> {
    const text = readInput(file, what, "Point --program at a folder that holds Pulumi.yaml.");
    try {
        const doc = yaml.load(text);
        return (doc && typeof doc === "object" ? doc : {}) as Record<string, unknown>;
    } catch (e) {
        throw new GateError(
            `${what} is not valid YAML: ${file}: ${(e as Error).message.split("\n")[0]}`,
            "Fix the YAML syntax.",
        );
    }
}

/** What a program folder's project and stack files say: its project, entry point and config. */
export interface ProgramConfig {
    project: string;
    main: string;
    mainOption?: string;
    runtime: unknown;
    config: Record<string, string>;
    secretKeys: string[];
}

/** Reads the project and stack files into the PULUMI_CONFIG map the language host would pass. */
export function loadProgramConfig(
    programDir: string,
    stack: string,
    overrides: Record<string, string> = {},
): ProgramConfig {
    const projectFile = readProjectFile(programDir);
    const project = projectFile.name as string;
    const qualify = (key: string) => (key.includes(":") ? key : `${project}:${key}`);
    const config = projectDefaults(projectFile, qualify);
    const secretKeys = addStackValues(config, programDir, stack, qualify);
    for (const [k, v] of Object.entries(overrides)) {
        config[qualify(k)] = v;
    }
    return {
        project,
        main: resolveMain(programDir, projectFile.main),
        mainOption: projectFile.main as string | undefined,
        runtime: projectFile.runtime,
        config,
        secretKeys,
    };
}

/** Pulumi.yaml of an existing program folder, with its project name checked. */
function readProjectFile(programDir: string): ProjectFile {
    if (!fs.existsSync(programDir) || !fs.statSync(programDir).isDirectory()) {
        throw new GateError(
            `program folder not found: ${programDir}`,
            "Point --program at a folder that holds Pulumi.yaml.",
        );
    }
    const projectFile = readYaml(path.join(programDir, "Pulumi.yaml"), "Pulumi.yaml") as ProjectFile;
    if (typeof projectFile.name !== "string" || !projectFile.name) {
        throw new GateError(
            `Pulumi.yaml in ${programDir} has no project name`,
            "Add `name: <project>` to Pulumi.yaml.",
        );
    }
    return projectFile;
}

/** A config value as PULUMI_CONFIG carries it: strings as they are, anything else as JSON. */
function configString(v: unknown): string {
    return typeof v === "string" ? v : JSON.stringify(v);
}

/** Project-level defaults: `config: { key: value }` or `{ key: { default: value } }`. */
function projectDefaults(projectFile: ProjectFile, qualify: (key: string) => string): Record<string, string> {
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(projectFile.config ?? {})) {
        if (v && typeof v === "object" && !Array.isArray(v)) {
            const spec = v as Record<string, unknown>;
            if ("default" in spec) config[qualify(k)] = configString(spec.default);
            else if ("value" in spec) config[qualify(k)] = configString(spec.value);
        } else if (v !== undefined && v !== null) {
            config[qualify(k)] = configString(v);
        }
    }
    return config;
}

/**
 * Pulumi.<stack>.yaml's values over `config` (when the file exists); encrypted secrets become
 * the placeholder. Returns the secret keys.
 */
function addStackValues(
    config: Record<string, string>,
    programDir: string,
    stack: string,
    qualify: (key: string) => string,
): string[] {
    const secretKeys: string[] = [];
    const stackFile = path.join(programDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) return secretKeys;
    const stackDoc = readYaml(stackFile, `Pulumi.${stack}.yaml`);
    const values = (stackDoc.config ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(values)) {
        if (v && typeof v === "object" && !Array.isArray(v) && "secure" in (v as object)) {
            config[qualify(k)] = SECRET_CONFIG_PLACEHOLDER;
            secretKeys.push(qualify(k));
        } else if (v !== undefined && v !== null) {
            config[qualify(k)] = configString(v);
        }
    }
    return secretKeys;
}

/** `main` may name a folder (its index or package.json main) or a file; default: the folder. */
function resolveMain(programDir: string, mainOption: unknown): string {
    if (mainOption === undefined) return programDir;
    if (typeof mainOption !== "string") {
        throw new GateError("Pulumi.yaml `main` must be a path", "Set `main` to a folder or file inside the project.");
    }
    const main = path.resolve(programDir, mainOption);
    if (!fs.existsSync(main)) {
        throw new GateError(
            `Pulumi.yaml \`main\` points at ${main}, which does not exist`,
            "Fix `main` in Pulumi.yaml.",
        );
    }
    return main;
}

/** The gate's own node_modules: programs without one (generated benchmarks) resolve ours. */
function gateNodeModules(): string {
    return path.dirname(path.dirname(path.dirname(require.resolve("@pulumi/pulumi/package.json"))));
}

export async function runProgram(opts: RunProgramOptions): Promise<ProgramRun> {
    const programDir = path.resolve(opts.programDir);
    const stack = opts.stack ?? "dev";
    const { project, mainOption, runtime, config, secretKeys } = loadProgramConfig(programDir, stack, opts.config);
    const plan = planProgram(programDir, mainOption, runtime, { ...process.env, ...(opts.env ?? {}) });
    const setup = plan.typescript ? compilerSetup(plan) : undefined;
    const region = config["aws:region"] ?? "us-west-2";
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-engine-"));
    const request: EngineChildRequest = {
        programDir,
        main: plan.program,
        entryFile: plan.entryFile,
        esm: plan.esm,
        typescript: plan.typescript,
        tsconfigRaw: setup ? esbuildTsconfig(setup.raw) : {},
        gateModules: gateNodeModules(),
        project,
        stack,
        mode: opts.mode ?? "resolved",
        region,
        outFile: path.join(outDir, "run.json"),
        preloads: opts.preloads?.map((o) => path.resolve(o)),
        overlays: opts.overlays?.map((o) => path.resolve(o)),
        streamRecords: opts.onResource !== undefined,
    };
    let typeCheck: ProgramRun["typeCheck"];
    let ended: { code: number | null; output: string; result?: EngineChildResult };
    try {
        const launch = opts.launch ?? spawnEngine;
        const engine = launch(
            request,
            plan.nodeArgs,
            engineEnv(request, config, secretKeys, opts),
            opts.timeoutMs ?? 300_000,
            opts.onResource,
        );
        // The host type-checks before the program runs; here both run at once and a type error
        // discards the run (nothing of it is judged).
        typeCheck = await typeCheckAlongside(plan, setup, engine);
        ended = { code: await engine.exited, output: engine.output(), result: readEngineResult(request.outFile) };
    } finally {
        fs.rmSync(outDir, { recursive: true, force: true });
    }
    const result = ended.result;
    if (ended.code !== 0 || !result || result.error) {
        const err = engineFailure(programDir, stack, plan.entryFile, ended);
        if (result) {
            // What the program registered before it failed, and the engine's warnings, stay readable.
            (err as GateError & { partial?: ProgramRun }).partial = {
                project,
                stack,
                region,
                resources: result.resources,
                stackOutputs: {},
                warnings: result.warnings,
                typeCheck,
                unmodelled: result.unmodelled ?? {},
            };
        }
        throw err;
    }
    return {
        project,
        stack,
        region,
        resources: result.resources,
        stackOutputs: result.stackOutputs,
        warnings: result.warnings,
        typeCheck,
        unmodelled: result.unmodelled ?? {},
    };
}

/** The engine, running one request: its exit code (or a timeout), what it printed, and how to stop it. */
export interface RunningEngine {
    exited: Promise<number | null>;
    output(): string;
    kill(): void;
}

/**
 * Runs engine-child.ts for one request, with the environment the language host gives a program;
 * `onResource` is told of each record as the engine streams it (request.streamRecords).
 */
export type EngineLauncher = (
    request: EngineChildRequest,
    nodeArgs: string[],
    env: NodeJS.ProcessEnv,
    timeoutMs: number,
    onResource?: (record: ResourceRecord) => void,
) => RunningEngine;

/** The environment the language host gives a program. */
function engineEnv(
    request: EngineChildRequest,
    config: Record<string, string>,
    secretKeys: string[],
    opts: RunProgramOptions,
): NodeJS.ProcessEnv {
    return {
        ...process.env,
        ...(opts.env ?? {}),
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys),
        PULUMI_NODEJS_PROJECT: request.project,
        PULUMI_NODEJS_STACK: request.stack,
        // Both modes are previews (the pack and the program see isDryRun() true): resolved is the
        // preview of a stack that already exists, first-preview the preview of a new one.
        PULUMI_NODEJS_DRY_RUN: "true",
        NODE_PATH: [request.gateModules, process.env.NODE_PATH].filter(Boolean).join(path.delimiter),
    };
}

/** The engine in a fresh process (engine-boot.js): nothing of an earlier run can reach it. */
export const spawnEngine: EngineLauncher = (request, nodeArgs, env, timeoutMs, onResource) => {
    const child = spawn(
        process.execPath,
        [...nodeArgs, path.join(__dirname, "engine-boot.js"), JSON.stringify(request)],
        { cwd: request.programDir, env, stdio: ["ignore", "pipe", "pipe", request.streamRecords ? "pipe" : "ignore"] },
    );
    if (onResource) readRecordLines(child.stdio[3] as NodeJS.ReadableStream, onResource);
    let output = "";
    for (const stream of [child.stdout, child.stderr]) {
        stream?.on("data", (d) => {
            output += d;
        });
    }
    const exited = new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(
                new GateError(
                    `the program in ${request.programDir} did not finish within ${timeoutMs / 1000} s`,
                    "Look for a promise that never settles in the program, or raise --timeout.",
                ),
            );
        }, timeoutMs);
        child.on("error", (e) => {
            clearTimeout(timer);
            reject(e);
        });
        child.on("exit", (c) => {
            clearTimeout(timer);
            resolve(c);
        });
    });
    return { exited, output: () => output, kill: () => child.kill("SIGKILL") };
};

/** The engine's records as it streams them (engine-child.ts recordStream): one JSON line each. */
function readRecordLines(pipe: NodeJS.ReadableStream, onResource: (record: ResourceRecord) => void): void {
    let pending = "";
    pipe.setEncoding("utf8");
    pipe.on("data", (chunk: string) => {
        pending += chunk;
        let end: number;
        while ((end = pending.indexOf("\n")) >= 0) {
            const line = pending.slice(0, end);
            pending = pending.slice(end + 1);
            let record: ResourceRecord;
            try {
                record = JSON.parse(line) as ResourceRecord;
            } catch {
                continue; // not a record (cannot happen short of a broken pipe): the result file has them all
            }
            onResource(record);
        }
    });
    // A line cut short by the engine's exit is left out: the result file has the record.
    pipe.on("error", () => undefined);
}

/** Type-checks the program while the engine runs it; a type error stops the engine and is thrown. */
async function typeCheckAlongside(
    plan: ReturnType<typeof planProgram>,
    setup: ReturnType<typeof compilerSetup> | undefined,
    engine: RunningEngine,
): Promise<ProgramRun["typeCheck"]> {
    const checkStarted = Date.now();
    try {
        if (setup && !plan.transpileOnly) {
            const r = typeCheckProgram(plan, setup);
            return { skipped: false, cached: r.cached, ms: Date.now() - checkStarted };
        }
        return { skipped: true, cached: false, ms: 0 };
    } catch (e) {
        engine.kill();
        await engine.exited.catch(() => undefined);
        throw e;
    }
}

/** The engine's result file; undefined when it wrote none (it crashed). */
function readEngineResult(outFile: string): EngineChildResult | undefined {
    try {
        return JSON.parse(fs.readFileSync(outFile, "utf8"));
    } catch {
        return undefined;
    }
}

/** A failed run as one message: the program's own file and line, what it registered before, the fix. */
function engineFailure(
    programDir: string,
    stack: string,
    entryFile: string,
    ended: { code: number | null; output: string; result?: EngineChildResult },
): GateError {
    const result = ended.result;
    const reason =
        result?.error ?? `the engine process exited with code ${ended.code}: ${ended.output.trim().slice(-2000)}`;
    const where = result?.errorLocation
        ? `${path.relative(process.cwd(), result.errorLocation.file)}:${result.errorLocation.line}`
        : undefined;
    const before = result
        ? `\n${result.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").length} resource(s) were registered before it failed` +
          (result.warnings.length
              ? `; the engine's warnings:\n${result.warnings.map((w) => `  warning: ${w}`).join("\n")}`
              : "")
        : "";
    return new GateError(
        `program ${programDir} (stack ${stack}) failed${where ? ` at ${where}` : ""}: ${firstLines(reason, 12)}${before}`,
        where
            ? `Fix ${where} in the program (the first frame of the program's own code above); ` +
                  "`pulumi preview` fails on it the same way."
            : `Fix the program ${path.relative(process.cwd(), entryFile) || entryFile}: run it with \`pulumi preview\` ` +
                  "to see the same error, and look at the first stack frame above.",
    );
}

function firstLines(s: string, n: number): string {
    return s.split("\n").slice(0, n).join("\n");
}
