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
import { ResourceRecord, WIRE_UNKNOWN } from "./types";
import { invokeResult, OutputContext, providerOutputs, splitType, stableHex } from "./aws-outputs";
import { downgradeResourceReferences } from "./marshal";
import * as url from "url";

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
const records = new Map<string, ResourceRecord>();
const unmodelled: Record<string, number> = {};
let failed = false;

/** A file of the program itself (not a dependency, not the gate). */
function isProgramFile(file: string): boolean {
    return file.startsWith(req.programDir + path.sep) && !file.split(path.sep).includes("node_modules") &&
        !file.startsWith(__dirname + path.sep);
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
    const stack = (err?.stack ?? String(error)).split("\n")
        .filter((l) => !l.includes(`${__dirname}${path.sep}`)).join("\n");
    const write = () => {
        const result: EngineChildResult = {
            resources: [...records.values()], stackOutputs: {}, warnings, error: `the program threw: ${stack}`,
            errorLocation: programFrame(err?.stack), unmodelled,
        };
        fs.writeFileSync(req.outFile, JSON.stringify(result));
        process.exit(code);
    };
    const drained = settingsModule ? Promise.resolve(settingsModule.waitForRPCs()).catch(() => undefined) : Promise.resolve();
    Promise.race([drained, new Promise((r) => setTimeout(r, 2000))]).then(write, write);
}

// The program's own copy of the SDK must be the one we install mocks into: resolve it from
// the program folder (NODE_PATH, set by the parent, lets programs without node_modules use ours).
function programRequire(id: string): any {
    return require(require.resolve(id, { paths: [req.programDir, __dirname] }));
}

async function main(): Promise<void> {
    // engine-boot.js made the program's TypeScript loadable (the parent type-checked it).
    process.chdir(req.programDir);
    const pulumi = programRequire("@pulumi/pulumi");
    const mocksModule = programRequire("@pulumi/pulumi/runtime/mocks");
    const settings = programRequire("@pulumi/pulumi/runtime/settings");
    settingsModule = settings;
    const state = programRequire("@pulumi/pulumi/runtime/state");
    const rpc = programRequire("@pulumi/pulumi/runtime/rpc");
    const structproto = programRequire("google-protobuf/google/protobuf/struct_pb");
    const resproto = programRequire("@pulumi/pulumi/proto/resource_pb");

    const ctx: OutputContext = { region: req.region, unknown: req.mode === "first-preview" };
    // Both modes are previews: isDryRun() is true, so an output the mock does not produce is
    // unknown (the SDK resolves a missing output as unknown during a preview), never undefined.
    const dryRun = true;
    const firstPreview = req.mode === "first-preview";
    const project: string = req.project;
    const stack: string = req.stack;
    /** Default providers the engine would create, one per package and version. */
    const defaultProviders = new Map<string, string>();

    /** URNs as the engine builds them: the parent's whole type chain, except the root Stack. */
    function urnFor(parent: string, type: string, name: string): string {
        let qualified = type;
        if (parent) {
            const parentType = parent.split("::")[2] ?? "";
            if (parentType !== "pulumi:pulumi:Stack") {
                qualified = `${parentType}$${type}`;
            }
        }
        return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
    }

    function stackUrn(): string {
        return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
    }

    /** The engine's default provider for a package, created the first time a resource needs it. */
    function defaultProviderRef(pkg: string, version: string): string {
        const key = `${pkg}@${version}`;
        const existing = defaultProviders.get(key);
        if (existing) return existing;
        const name = version ? `default_${version.replace(/[.-]/g, "_")}` : "default";
        const urn = `urn:pulumi:${stack}::${project}::pulumi:providers:${pkg}::${name}`;
        const id = firstPreview ? WIRE_UNKNOWN : stableHex(urn, 8) + "-" + stableHex(urn + "id", 4) + "-4d5e-8f90-" + stableHex(urn, 12);
        // A default provider is configured from the stack's `<pkg>:*` config keys; a dynamic
        // provider gets the whole config, keys kept namespaced (pkg/resource/deploy/target.go).
        const inputs: Record<string, unknown> = {};
        const config = JSON.parse(process.env.PULUMI_CONFIG ?? "{}") as Record<string, string>;
        const dynamic = pkg === "pulumi-nodejs" || pkg === "pulumi-python";
        for (const [k, v] of Object.entries(config)) {
            if (dynamic) {
                inputs[k] = v;
            } else if (k.startsWith(`${pkg}:`)) {
                const key2 = k.slice(pkg.length + 1);
                try {
                    inputs[key2] = v.startsWith("{") || v.startsWith("[") ? JSON.parse(v) : v;
                } catch {
                    inputs[key2] = v;
                }
            }
        }
        if (version) inputs.version = version;
        records.set(urn, {
            urn, type: `pulumi:providers:${pkg}`, name, custom: true, id,
            dependencies: [], propertyDependencies: {}, inputs, outputs: { ...inputs }, options: {},
        });
        const ref = `${urn}::${id}`;
        defaultProviders.set(key, ref);
        return ref;
    }

    class RecordingMonitor extends mocksModule.MockMonitor {
        constructor(mocks: unknown) {
            super(mocks);
        }

        async registerResource(request: any, callback: (err: any, resp?: any) => void): Promise<void> {
            try {
                const type: string = request.getType();
                const name: string = request.getName();
                const parent: string = request.getParent();
                const custom: boolean = request.getCustom();
                const remote: boolean = request.getRemote();
                const urn = type === "pulumi:pulumi:Stack" ? stackUrn() : urnFor(parent, type, name);
                // Inputs exactly as the SDK put them on the wire (unknown sentinels, secret wrappers).
                // Resource references downgraded as the engine's analyzer marshalling does (marshal.ts).
                const inputReferences: NonNullable<ResourceRecord["inputReferences"]> = [];
                const inputs = downgradeResourceReferences(request.getObject()?.toJavaScript() ?? {},
                    (p, ref) => inputReferences.push({ path: p, ref })) as Record<string, unknown>;
                if (!firstPreview) countUnknowns(type, inputs);
                // An explicit provider carries the version it was asked for (source_eval.go, SetProviderVersion).
                if (type.startsWith("pulumi:providers:") && request.getVersion()) inputs.version = request.getVersion();
                let provider: string = request.getProvider();
                if (custom && !provider && !type.startsWith("pulumi:providers:")) {
                    provider = defaultProviderRef(splitType(type).pkg, request.getVersion());
                }
                const propertyDependencies: Record<string, string[]> = {};
                request.getPropertydependenciesMap().forEach((v: any, k: string) => {
                    propertyDependencies[k] = v.getUrnsList();
                });
                const pos = request.getSourceposition();
                const timeouts = request.getCustomtimeouts();
                let id = "";
                let outputs: Record<string, unknown> = { ...inputs };
                if (custom && !remote) {
                    if (type.startsWith("pulumi:providers:")) {
                        id = firstPreview ? "" : stableHex(urn, 8) + "-0000-4000-8000-" + stableHex(urn, 12);
                    } else {
                        // A resource made through an explicit provider lives in that provider's region.
                        const providerRegion = records.get(provider.split("::").slice(0, 4).join("::"))?.inputs.region;
                        const produced = providerOutputs(type, name, inputs,
                            typeof providerRegion === "string" && providerRegion !== WIRE_UNKNOWN ? { ...ctx, region: providerRegion } : ctx);
                        id = produced.id;
                        outputs = produced.state;
                    }
                }
                const record: ResourceRecord = {
                    urn, type, name, custom,
                    id: custom ? (id || WIRE_UNKNOWN) : undefined,
                    parent: parent || undefined,
                    provider: provider || undefined,
                    dependencies: request.getDependenciesList(),
                    propertyDependencies,
                    inputs,
                    outputs,
                    options: {
                        protect: request.getProtect() || undefined,
                        ignoreChanges: nonEmpty(request.getIgnorechangesList()),
                        // Sent with its "defined" flag, so an explicit false reaches the pack (analyzer_plugin.go).
                        deleteBeforeReplace: request.getDeletebeforereplacedefined() ? request.getDeletebeforereplace() : undefined,
                        additionalSecretOutputs: nonEmpty(request.getAdditionalsecretoutputsList()),
                        // The engine sends only aliases that matched an existing resource; the gate's
                        // stack has none, as a new stack's preview (step_generator.go).
                        aliases: undefined,
                        customTimeouts: timeouts && (timeouts.getCreate() || timeouts.getUpdate() || timeouts.getDelete())
                            ? { create: parseDuration(timeouts.getCreate()), update: parseDuration(timeouts.getUpdate()),
                                delete: parseDuration(timeouts.getDelete()) }
                            : undefined,
                    },
                    // A resource made where no program frame is on the stack (a library's beforeExit
                    // hook) is shown where its parent was created.
                    source: sourceOf(pos, request.getStacktrace?.()) ?? records.get(parent)?.source,
                    remote: remote || undefined,
                    inputReferences: inputReferences.length ? inputReferences : undefined,
                };
                records.set(urn, record);
                const serialized = await rpc.serializeProperties("", outputs);
                this.resources.set(urn, { urn, id: id || null, state: serialized });
                const response = new resproto.RegisterResourceResponse();
                response.setUrn(urn);
                response.setId(id);
                response.setObject(structproto.Struct.fromJavaScript(outputs));
                callback(null, response);
            } catch (err) {
                callback(err);
            }
        }

        registerResourceOutputs(request: any, callback: (err: any, resp?: any) => void): void {
            const rec = records.get(request.getUrn());
            if (rec && !rec.custom) {
                // A component's outputs (and the Stack's exports) are what registerOutputs sent.
                rec.outputs = downgradeResourceReferences(request.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
            }
            super.registerResourceOutputs(request, callback);
        }
    }

    const mocks = {
        newResource: () => { throw new Error("unreachable: RecordingMonitor answers registrations itself"); },
        call: (args: { token: string; inputs: Record<string, unknown> }) => {
            const known = invokeResult(args.token, args.inputs, ctx);
            if (known !== undefined) return known;
            warnings.push(`invoke ${args.token} is not modelled by the gate: it returned no values (a plain invoke ` +
                "cannot be unknown); use its Output form or expect rules to see those values as absent");
            return {};
        },
    };
    // The engine answers every invoke as known; an invoke the gate cannot answer is better
    // unknown than wrong. Output-form invokes (getXxxOutput) of unmodelled functions therefore
    // resolve to an unknown Output here, as an invoke on unknown arguments does in a preview;
    // plain (promise) invokes cannot be unknown, and get an empty result and the same warning.
    const unknownInvoke = (original: (...a: any[]) => any) => (tok: string, ...rest: any[]) => {
        if (!tok.startsWith("aws:") || invokeResult(tok, {}, ctx) !== undefined) return original(tok, ...rest);
        warnings.push(`invoke ${tok} is not modelled by the gate: its result is unknown, so values computed from it are ` +
            "unknown and rules reading them cannot decide");
        return new pulumi.Output(new Set(), Promise.resolve(undefined), Promise.resolve(false), Promise.resolve(false),
            Promise.resolve(new Set()));
    };
    pulumi.runtime.invokeOutput = unknownInvoke(pulumi.runtime.invokeOutput);
    pulumi.runtime.invokeSingleOutput = unknownInvoke(pulumi.runtime.invokeSingleOutput);
    const monitor = new RecordingMonitor(mocks);
    // A local (diy) backend's organization is always "organization" (pkg/backend/diy/state.go).
    settings.setMockOptions(monitor, project, stack, dryRun, "organization");
    const store = state.getStore();
    // The capabilities a current CLI's resource monitor advertises (transforms are the SDK's own).
    Object.assign(store, {
        supportsSecrets: true, supportsResourceReferences: true, supportsOutputValues: false,
        supportsDeletedWith: true, supportsAliasSpecs: true, supportsTransforms: false,
    });

    /** The program's exports, once it has run (the Stack's outputs when it registers none). */
    const exported: { value?: Record<string, unknown> } = {};
    if (req.esm) {
        // The host's automatic ESM mode registers its loader hooks with module.register.
        require("module").register(url.pathToFileURL(path.join(__dirname, "esm-hooks.mjs")).href, {
            data: { projectDir: req.programDir, tsconfigRaw: req.tsconfigRaw, typescript: req.typescript, gateModules: req.gateModules },
        });
    }
    // sdk/nodejs/cmd/run/index.js: the host's own beforeExit handler is made to run last (a
    // first handler registers it on the next tick), so work that libraries start in theirs —
    // @pulumi/aws's s3 mixins create `onObjectCreated`'s BucketNotification there — is
    // registered before the program is considered done.
    let lastRegistered = false;
    let finished = false;
    const finish = async () => {
        if (finished || failed) return;
        finished = true;
        try {
            await settings.waitForRPCs();
        } catch (e) {
            fail(e, 3);
            return;
        }
        // The Stack's registered outputs are what the engine records (unknown in a first preview).
        const stackRecord = [...records.values()].find((r) => r.type === "pulumi:pulumi:Stack");
        const result: EngineChildResult = {
            resources: [...records.values()],
            stackOutputs: stackRecord?.outputs ?? ((await rpc.serializeProperties("", exported.value ?? {})) as Record<string, unknown>),
            warnings,
            unmodelled,
        };
        fs.writeFileSync(req.outFile, JSON.stringify(result));
        process.exit(0);
    };
    process.on("beforeExit", () => {
        process.nextTick(() => {
            if (lastRegistered) return;
            lastRegistered = true;
            setImmediate(() => undefined);
            process.on("beforeExit", () => { void finish(); });
        });
    });
    exported.value = await pulumi.runtime.runInPulumiStack(async () => {
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
                    throw new Error("expected entrypoint module to have either a default export or named exports but not both");
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
    });
}

/** Unknowns reaching a resource's inputs in resolved mode come from outputs the gate did not model. */
function countUnknowns(type: string, inputs: Record<string, unknown>): void {
    const seen = (v: unknown): boolean => v === WIRE_UNKNOWN ||
        (Array.isArray(v) ? v.some(seen) : !!v && typeof v === "object" && Object.values(v).some(seen));
    for (const [k, v] of Object.entries(inputs)) {
        if (seen(v)) unmodelled[`${type} ${k}`] = (unmodelled[`${type} ${k}`] ?? 0) + 1;
    }
}

function nonEmpty<T>(list: T[]): T[] | undefined {
    return list.length ? list : undefined;
}

function parseDuration(s: string): number | undefined {
    if (!s) return undefined;
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(s);
    if (!m) return undefined;
    const factor: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
    return Number(m[1]) * factor[m[2]!]!;
}

/**
 * Where the program created the resource. The SDK sends the position of the `new` and the whole
 * stack; for a resource created inside a library (CallbackFunction, a mixin, an awsx classic
 * component) the first frame in the program's own files is the line a person can act on.
 */
function sourceOf(pos: any, trace: any): ResourceRecord["source"] {
    const frames: any[] = [pos, ...(trace?.getFramesList?.() ?? []).map((f: any) => f.getPc?.())];
    for (const p of frames) {
        if (!p || !p.getUri()) continue;
        const file = uriToPath(p.getUri());
        if (isProgramFile(file)) return { file, line: p.getLine(), column: p.getColumn() || undefined };
    }
    return undefined;
}

function uriToPath(uri: string): string {
    const p = uri.startsWith("file://") ? decodeURIComponent(uri.slice("file://".length)) : uri;
    // An ES module's frame names a file: URL, which the SDK turns into a URL again, relative to
    // the working directory ("file:///cwd/file:/abs/index.ts"): keep the inner path.
    const inner = p.lastIndexOf("/file:/");
    return inner >= 0 ? p.slice(inner + "/file:".length) : p;
}

process.on("unhandledRejection", (e) => fail(e, 3));
process.on("uncaughtException", (e) => fail(e, 3));
main().catch((e) => fail(e, 3));
