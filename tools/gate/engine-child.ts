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
import { ResourceRecord, UNKNOWN } from "./types";
import { invokeResult, OutputContext, providerOutputs, splitType, stableHex } from "./aws-outputs";

export interface EngineChildRequest {
    programDir: string;
    /** Absolute path of the module to require (from Pulumi.yaml `main`). */
    main: string;
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
}

const req: EngineChildRequest = JSON.parse(process.argv[2] ?? "{}");
const warnings: string[] = [];
const records = new Map<string, ResourceRecord>();

function fail(message: string, code: number): never {
    const result: EngineChildResult = { resources: [...records.values()], stackOutputs: {}, warnings, error: message };
    fs.writeFileSync(req.outFile, JSON.stringify(result));
    process.exit(code);
}

// The program's own copy of the SDK must be the one we install mocks into: resolve it from
// the program folder (NODE_PATH, set by the parent, lets programs without node_modules use ours).
function programRequire(id: string): any {
    return require(require.resolve(id, { paths: [req.programDir, __dirname] }));
}

async function main(): Promise<void> {
    // The parent started this process with ts-node's transpile-only hook (the gate never
    // type-checks a program: `npm run typecheck` does), which also serves the program's files.
    process.chdir(req.programDir);
    const pulumi = programRequire("@pulumi/pulumi");
    const mocksModule = programRequire("@pulumi/pulumi/runtime/mocks");
    const settings = programRequire("@pulumi/pulumi/runtime/settings");
    const state = programRequire("@pulumi/pulumi/runtime/state");
    const rpc = programRequire("@pulumi/pulumi/runtime/rpc");
    const structproto = programRequire("google-protobuf/google/protobuf/struct_pb");
    const resproto = programRequire("@pulumi/pulumi/proto/resource_pb");

    const ctx: OutputContext = { region: req.region, unknown: req.mode === "first-preview" };
    const dryRun = req.mode === "first-preview";
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
        const id = dryRun ? UNKNOWN : stableHex(urn, 8) + "-" + stableHex(urn + "id", 4) + "-4d5e-8f90-" + stableHex(urn, 12);
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
                const inputs = (request.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
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
                        id = dryRun ? "" : stableHex(urn, 8) + "-0000-4000-8000-" + stableHex(urn, 12);
                    } else {
                        // A resource made through an explicit provider lives in that provider's region.
                        const providerRegion = records.get(provider.split("::").slice(0, 4).join("::"))?.inputs.region;
                        const produced = providerOutputs(type, name, inputs,
                            typeof providerRegion === "string" && providerRegion !== UNKNOWN ? { ...ctx, region: providerRegion } : ctx);
                        id = produced.id;
                        outputs = produced.state;
                    }
                }
                const record: ResourceRecord = {
                    urn, type, name, custom,
                    id: custom ? (id || UNKNOWN) : undefined,
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
                    source: sourceOf(pos),
                    remote: remote || undefined,
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
                rec.outputs = (request.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
            }
            super.registerResourceOutputs(request, callback);
        }
    }

    const mocks = {
        newResource: () => { throw new Error("unreachable: RecordingMonitor answers registrations itself"); },
        call: (args: { token: string; inputs: Record<string, unknown> }) => {
            const known = invokeResult(args.token, args.inputs, ctx);
            if (known !== undefined) return known;
            warnings.push(`invoke ${args.token} is not modelled by the gate: it returned its arguments`);
            return args.inputs;
        },
    };
    const monitor = new RecordingMonitor(mocks);
    // A local (diy) backend's organization is always "organization" (pkg/backend/diy/state.go).
    settings.setMockOptions(monitor, project, stack, dryRun, "organization");
    const store = state.getStore();
    // The capabilities a current CLI's resource monitor advertises (transforms are the SDK's own).
    Object.assign(store, {
        supportsSecrets: true, supportsResourceReferences: true, supportsOutputValues: false,
        supportsDeletedWith: true, supportsAliasSpecs: true, supportsTransforms: false,
    });

    let exportsValue: Record<string, unknown> | undefined;
    try {
        exportsValue = await pulumi.runtime.runInPulumiStack(async () => {
            // A module's default export (or the module itself) may be a function: run it with the
            // program's exports, so an overlay can wire new resources to the program's own.
            const load = async (file: string, programExports?: unknown) => {
                const o = require(file);
                const fn = typeof o === "function" ? o : typeof o?.default === "function" ? o.default : undefined;
                if (fn) await fn(programExports);
            };
            for (const preload of req.preloads ?? []) await load(preload);
            const mod = require(req.main);
            const value = typeof mod === "function" ? await mod() : mod;
            for (const overlay of req.overlays ?? []) await load(overlay, value);
            return value;
        });
        await settings.waitForRPCs();
    } catch (e) {
        const err = e as Error;
        fail(`the program threw: ${err?.stack ?? String(e)}`, 3);
    }
    // The Stack's registered outputs are what the engine records (unknown in a first preview).
    const stackRecord = [...records.values()].find((r) => r.type === "pulumi:pulumi:Stack");
    const result: EngineChildResult = {
        resources: [...records.values()],
        stackOutputs: stackRecord?.outputs ?? ((await rpc.serializeProperties("", exportsValue ?? {})) as Record<string, unknown>),
        warnings,
    };
    fs.writeFileSync(req.outFile, JSON.stringify(result));
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
 * The SDK sends the position of the `new` that created the resource. For resources the SDK
 * creates itself (the Stack, a provider made through a generated class) that position points
 * into node_modules, at source-mapped files that do not exist: we keep only program positions.
 */
function sourceOf(pos: any): ResourceRecord["source"] {
    if (!pos || !pos.getUri()) return undefined;
    const file = uriToPath(pos.getUri());
    if (file.split(path.sep).includes("node_modules")) return undefined;
    return { file, line: pos.getLine(), column: pos.getColumn() || undefined };
}

function uriToPath(uri: string): string {
    return uri.startsWith("file://") ? decodeURIComponent(uri.slice("file://".length)) : uri;
}

process.on("unhandledRejection", (e) => fail(`the program threw: ${(e as Error)?.stack ?? String(e)}`, 3));
process.on("uncaughtException", (e) => fail(`the program threw: ${e?.stack ?? String(e)}`, 3));
main().then(
    () => process.exit(0),
    (e) => fail(`the program threw: ${(e as Error)?.stack ?? String(e)}`, 3),
);
