/**
 * Runs ONE Pulumi TypeScript program under a recording mock monitor and writes what the
 * engine would have seen to a JSON file. Always a fresh process: the SDK keeps global
 * state (the root stack, the monitor) that a second run in the same process would inherit.
 *
 * Input: the JSON of an EngineChildRequest in argv[2]. Output: an EngineChildResult in
 * request.outFile. Exit 0 when the program ran; 3 when the program threw (the message is in
 * the result's `error`); anything else is a crash of this runner.
 */
import * as path from "path";
import * as fs from "fs";
import * as net from "net";
import * as url from "url";
import { invokeResult, OutputContext } from "./aws-outputs";
import { createRecordingMonitor, MonitorSdk, Recording } from "./recording-monitor";
import type { ResourceRecord } from "./types";

export interface EngineChildRequest {
    programDir: string;
    /** What the language host requires or imports: Pulumi.yaml `main` or package.json's entry (program-loader.ts). */
    main: string;
    /** The file `main` resolves to. */
    entryFile: string;
    /** `"type": "module"`: loaded with import(), as the host's automatic ESM mode does. */
    esm: boolean;
    /** Pulumi.yaml runtime.options.typescript (default true). */
    typescript: boolean;
    /** The compilerOptions that change emitted code (esbuild's tsconfigRaw). */
    tsconfigRaw: Record<string, unknown>;
    /** The gate's node_modules, for bare imports an ES module program cannot resolve itself. */
    gateModules: string;
    project: string;
    stack: string;
    mode: "resolved" | "first-preview";
    region: string;
    outFile: string;
    /** Modules loaded inside the stack before the program (e.g. a stack transformation). */
    preloads?: string[];
    /** Modules loaded inside the stack after the program (overlays that add resources). */
    overlays?: string[];
    /**
     * Each resource as it is recorded, as one JSON line on file descriptor 3 (a pipe the parent
     * opened), so the parent can send Analyze while the program still runs. The result file
     * stays what counts: a line may be lost to the process's exit.
     */
    streamRecords?: boolean;
}

export interface EngineChildResult {
    resources: ResourceRecord[];
    stackOutputs: Record<string, unknown>;
    warnings: string[];
    error?: string;
    /** The first frame of the program's own files in the error's stack. */
    errorLocation?: { file: string; line: number };
    /** Unknown values that reached a resource's inputs in resolved mode, per "type property". */
    unmodelled?: Record<string, number>;
}

const req: EngineChildRequest = JSON.parse(process.argv[2] ?? "{}");
const warnings: string[] = [];
const recording: Recording = { records: new Map(), unmodelled: {}, warnings, onRecord: recordStream() };
let failed = false;

/** A file of the program itself (not a dependency, not the gate). */
function isProgramFile(file: string): boolean {
    return (
        file.startsWith(req.programDir + path.sep) &&
        !file.split(path.sep).includes("node_modules") &&
        !file.startsWith(__dirname + path.sep)
    );
}

/** The first frame of an error's stack that lies in the program's own files. */
function programFrame(stack: string | undefined): { file: string; line: number } | undefined {
    for (const line of (stack ?? "").split("\n")) {
        const m = /(?:\(|at )((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line);
        if (!m) continue;
        const file = m[1]!.startsWith("file://") ? url.fileURLToPath(m[1]!) : m[1]!;
        if (isProgramFile(file)) return { file, line: Number(m[2]) };
    }
    return undefined;
}

/** Writes each record to the parent's pipe (request.streamRecords), undefined when not asked. */
function recordStream(): ((record: ResourceRecord) => void) | undefined {
    if (!req.streamRecords) return undefined;
    const pipe = new net.Socket({ fd: 3, readable: false, writable: true });
    // The program's end is seen by `beforeExit` (finishWhenDone): the pipe must not hold the process open.
    pipe.unref();
    pipe.on("error", () => undefined); // the parent gone: the result file still tells
    return (record) => {
        pipe.write(JSON.stringify(record) + "\n");
    };
}

let settingsModule: any;

/**
 * Records a failed run. Registrations already in flight are given a moment to land (a
 * program that throws right after `new Bucket(...)` did register it), so the report can say
 * what the program had declared and which warnings it produced before it failed.
 */
function fail(error: unknown, code: number): void {
    if (failed) return;
    failed = true;
    const err = error as Error;
    // The gate's own frames say nothing about the program: drop them.
    const stack = (err?.stack ?? String(error))
        .split("\n")
        .filter((l) => !l.includes(`${__dirname}${path.sep}`))
        .join("\n");
    const write = () => {
        const result: EngineChildResult = {
            resources: [...recording.records.values()],
            stackOutputs: {},
            warnings,
            error: `the program threw: ${stack}`,
            errorLocation: programFrame(err?.stack),
            unmodelled: recording.unmodelled,
        };
        fs.writeFileSync(req.outFile, JSON.stringify(result));
        process.exit(code);
    };
    const drained = settingsModule
        ? Promise.resolve(settingsModule.waitForRPCs()).catch(() => undefined)
        : Promise.resolve();
    Promise.race([drained, new Promise((r) => setTimeout(r, 2000))]).then(write, write);
}

// The program's own copy of the SDK must be the one we install mocks into: resolve it from
// the program folder (NODE_PATH, set by the parent, lets programs without node_modules use ours).
function programRequire(id: string): any {
    return require(require.resolve(id, { paths: [req.programDir, __dirname] }));
}

/** The program's copy of the SDK: the modules the monitor, the mocks and the run need. */
function loadSdk() {
    return {
        pulumi: programRequire("@pulumi/pulumi"),
        settings: programRequire("@pulumi/pulumi/runtime/settings"),
        state: programRequire("@pulumi/pulumi/runtime/state"),
        monitor: {
            mocks: programRequire("@pulumi/pulumi/runtime/mocks"),
            rpc: programRequire("@pulumi/pulumi/runtime/rpc"),
            structproto: programRequire("google-protobuf/google/protobuf/struct_pb"),
            resproto: programRequire("@pulumi/pulumi/proto/resource_pb"),
        } satisfies MonitorSdk,
    };
}
type Sdk = ReturnType<typeof loadSdk>;

async function main(): Promise<void> {
    // engine-boot.js made the program's TypeScript loadable (the parent type-checked it).
    process.chdir(req.programDir);
    const sdk = loadSdk();
    settingsModule = sdk.settings;
    const ctx: OutputContext = { region: req.region, unknown: req.mode === "first-preview" };
    answerInvokes(sdk, ctx);
    installMonitor(sdk, ctx);
    if (req.esm) registerEsmHooks();
    const exported: { value?: Record<string, unknown> } = {};
    finishWhenDone(sdk, exported);
    exported.value = await sdk.pulumi.runtime.runInPulumiStack(runProgramInStack);
}

/**
 * Invokes. The engine answers every invoke as known; an invoke the gate cannot answer is better
 * unknown than wrong. Output-form invokes (getXxxOutput) of unmodelled functions therefore
 * resolve to an unknown Output here, as an invoke on unknown arguments does in a preview;
 * plain (promise) invokes cannot be unknown, and get an empty result (mocks.call below) and
 * the same warning.
 */
function answerInvokes(sdk: Sdk, ctx: OutputContext): void {
    const pulumi = sdk.pulumi;
    const unknownInvoke =
        (original: (...a: any[]) => any) =>
        (tok: string, ...rest: any[]) => {
            if (!tok.startsWith("aws:") || invokeResult(tok, {}, ctx) !== undefined) return original(tok, ...rest);
            warnings.push(
                `invoke ${tok} is not modelled by the gate: its result is unknown, so values computed from it are ` +
                    "unknown and rules reading them cannot decide",
            );
            return new pulumi.Output(
                new Set(),
                Promise.resolve(undefined),
                Promise.resolve(false),
                Promise.resolve(false),
                Promise.resolve(new Set()),
            );
        };
    pulumi.runtime.invokeOutput = unknownInvoke(pulumi.runtime.invokeOutput);
    pulumi.runtime.invokeSingleOutput = unknownInvoke(pulumi.runtime.invokeSingleOutput);
}

/** The recording monitor, installed as the SDK's resource monitor, with the capabilities a current CLI's has. */
function installMonitor(sdk: Sdk, ctx: OutputContext): void {
    const mocks = {
        newResource: () => {
            throw new Error("unreachable: RecordingMonitor answers registrations itself");
        },
        call: (args: { token: string; inputs: Record<string, unknown> }) => {
            const known = invokeResult(args.token, args.inputs, ctx);
            if (known !== undefined) return known;
            warnings.push(
                `invoke ${args.token} is not modelled by the gate: it returned no values (a plain invoke ` +
                    "cannot be unknown); use its Output form or expect rules to see those values as absent",
            );
            return {};
        },
    };
    const monitor = createRecordingMonitor(
        sdk.monitor,
        {
            project: req.project,
            stack: req.stack,
            mode: req.mode,
            ctx,
            config: JSON.parse(process.env.PULUMI_CONFIG ?? "{}") as Record<string, string>,
            isProgramFile,
        },
        recording,
        mocks,
    );
    // Both modes are previews: isDryRun() is true, so an output the mock does not produce is
    // unknown (the SDK resolves a missing output as unknown during a preview), never undefined.
    // A local (diy) backend's organization is always "organization" (pkg/backend/diy/state.go).
    sdk.settings.setMockOptions(monitor, req.project, req.stack, true, "organization");
    // The capabilities a current CLI's resource monitor advertises (transforms are the SDK's own).
    Object.assign(sdk.state.getStore(), {
        supportsSecrets: true,
        supportsResourceReferences: true,
        supportsOutputValues: false,
        supportsDeletedWith: true,
        supportsAliasSpecs: true,
        supportsTransforms: false,
    });
}

/** The host's automatic ESM mode registers its loader hooks with module.register. */
function registerEsmHooks(): void {
    require("module").register(url.pathToFileURL(path.join(__dirname, "esm-hooks.mjs")).href, {
        data: {
            projectDir: req.programDir,
            tsconfigRaw: req.tsconfigRaw,
            typescript: req.typescript,
            gateModules: req.gateModules,
        },
    });
}

/**
 * Writes the result once the program is done. sdk/nodejs/cmd/run/index.js: the host's own
 * beforeExit handler is made to run last (a first handler registers it on the next tick), so
 * work that libraries start in theirs — @pulumi/aws's s3 mixins create `onObjectCreated`'s
 * BucketNotification there — is registered before the program is considered done.
 */
function finishWhenDone(sdk: Sdk, exported: { value?: Record<string, unknown> }): void {
    let lastRegistered = false;
    let finished = false;
    const finish = async () => {
        if (finished || failed) return;
        finished = true;
        try {
            await sdk.settings.waitForRPCs();
        } catch (e) {
            fail(e, 3);
            return;
        }
        // The Stack's registered outputs are what the engine records (unknown in a first preview).
        const stackRecord = [...recording.records.values()].find((r) => r.type === "pulumi:pulumi:Stack");
        const result: EngineChildResult = {
            resources: [...recording.records.values()],
            stackOutputs:
                stackRecord?.outputs ??
                ((await sdk.monitor.rpc.serializeProperties("", exported.value ?? {})) as Record<string, unknown>),
            warnings,
            unmodelled: recording.unmodelled,
        };
        fs.writeFileSync(req.outFile, JSON.stringify(result));
        process.exit(0);
    };
    process.on("beforeExit", () => {
        process.nextTick(() => {
            if (lastRegistered) return;
            lastRegistered = true;
            setImmediate(() => undefined);
            process.on("beforeExit", () => {
                void finish();
            });
        });
    });
}

/** Inside the Stack resource: the preloads, the program (as run.ts loads it), then the overlays. */
async function runProgramInStack(): Promise<unknown> {
    // A module's default export (or the module itself) may be a function: run it with the
    // program's exports, so an overlay can wire new resources to the program's own.
    const load = async (file: string, programExports?: unknown) => {
        const o = require(file);
        const fn = typeof o === "function" ? o : typeof o?.default === "function" ? o.default : undefined;
        if (fn) await fn(programExports);
    };
    for (const preload of req.preloads ?? []) await load(preload);
    let mod: any;
    if (req.esm) {
        // run.ts: import() the entry file; its default export, if any, is the program.
        mod = await import(url.pathToFileURL(req.entryFile).href);
        if (Object.getOwnPropertyDescriptor(mod, "default") !== undefined) {
            if (Object.keys(mod).length !== 1) {
                throw new Error(
                    "expected entrypoint module to have either a default export or named exports but not both",
                );
            }
            mod = mod.default;
        }
    } else {
        const stat = fs.statSync(req.main);
        mod = require(stat.isDirectory() && !req.main.endsWith("/") ? req.main + "/" : req.main);
    }
    const value = mod instanceof Function ? await mod() : await mod;
    for (const overlay of req.overlays ?? []) await load(overlay, value);
    return value;
}

process.on("unhandledRejection", (e) => fail(e, 3));
process.on("uncaughtException", (e) => fail(e, 3));
main().catch((e) => fail(e, 3));
