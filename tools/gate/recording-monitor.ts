/**
 * The engine's recording resource monitor: a subclass of the SDK's MockMonitor
 * (@pulumi/pulumi/runtime/mocks) that records every registration as the engine would hand it
 * to an analyzer (type, name, URN, parent, provider, dependencies, property dependencies,
 * inputs, options, the program line that made it) and answers with the gate's AWS outputs
 * (aws-outputs.ts). It runs inside the engine process (engine-child.ts), against the program's
 * own copy of the SDK, so the class is built from the modules that process loaded.
 *
 * What it mirrors in pulumi/pulumi: URNs (sdk/go/common/resource/urn.go, the parent's type
 * chain without the root Stack), default providers (pkg/resource/deploy/source_eval.go,
 * `default_<version>`; their config from the stack's `<pkg>:*` keys, pkg/resource/deploy/target.go),
 * the options an analyzer receives (pkg/resource/plugin/analyzer_plugin.go, marshalResourceOptions).
 */
import { OutputContext, providerOutputs, splitType, stableHex } from "./aws-outputs";
import { downgradeResourceReferences } from "./marshal";
import { ResourceRecord, WIRE_UNKNOWN } from "./types";

/** The SDK modules of the program's own copy of @pulumi/pulumi the monitor works with. */
export interface MonitorSdk {
    /** `@pulumi/pulumi/runtime/mocks`. */
    mocks: any;
    /** `@pulumi/pulumi/runtime/rpc`. */
    rpc: any;
    /** `google-protobuf/google/protobuf/struct_pb`. */
    structproto: any;
    /** `@pulumi/pulumi/proto/resource_pb`. */
    resproto: any;
}

/** What one program run records; the engine process writes it out when the run ends. */
export interface Recording {
    /** Every registration by URN, in registration order (default providers where first needed). */
    records: Map<string, ResourceRecord>;
    /** Unknown values that reached a resource's inputs in resolved mode, per "type property". */
    unmodelled: Record<string, number>;
    /** Warnings for the report (what the gate could not reproduce offline). */
    warnings: string[];
    /** Told of each URN as it is first recorded, in registration order, while the program runs. */
    onRecord?: (record: ResourceRecord) => void;
}

/** Keeps a registration; a URN recorded for the first time is passed on to `onRecord`. */
function remember(recording: Recording, record: ResourceRecord): void {
    const first = !recording.records.has(record.urn);
    recording.records.set(record.urn, record);
    if (first) recording.onRecord?.(record);
}

export interface MonitorSetup {
    project: string;
    stack: string;
    mode: "resolved" | "first-preview";
    /** Region and unknown-ness of the outputs the mock produces. */
    ctx: OutputContext;
    /** The stack's config as the language host passes it (PULUMI_CONFIG): default providers read theirs from it. */
    config: Record<string, string>;
    /** A file of the program itself (a resource's source is the first such frame). */
    isProgramFile: (file: string) => boolean;
}

/** A MockMonitor that records registrations into `recording`; `mocks` answers invokes. */
export function createRecordingMonitor(
    sdk: MonitorSdk,
    setup: MonitorSetup,
    recording: Recording,
    mocks: unknown,
): unknown {
    const naming = engineNaming(setup, recording);

    class RecordingMonitor extends sdk.mocks.MockMonitor {
        constructor(answers: unknown) {
            super(answers);
        }

        async registerResource(request: any, callback: (err: any, resp?: any) => void): Promise<void> {
            try {
                const { record, id } = recordOf(request, setup, naming, recording);
                remember(recording, record);
                const serialized = await sdk.rpc.serializeProperties("", record.outputs);
                this.resources.set(record.urn, { urn: record.urn, id: id || null, state: serialized });
                const response = new sdk.resproto.RegisterResourceResponse();
                response.setUrn(record.urn);
                response.setId(id);
                response.setObject(sdk.structproto.Struct.fromJavaScript(record.outputs));
                callback(null, response);
            } catch (err) {
                callback(err);
            }
        }

        /**
         * `Resource.get(name, id)` (awsx classic's default VPC and its subnets, any lookup of an
         * existing resource). The engine reads it from the provider, even in a preview, and adds
         * it to the stack as external: AnalyzeStack sees it, Analyze does not
         * (pkg/resource/deploy/step_generator.go GenerateReadSteps, step.go ReadStep.Apply).
         * Offline there is no cloud to read: its state is the id and what the program passed.
         */
        async readResource(request: any, callback: (err: any, resp?: any) => void): Promise<void> {
            try {
                const record = readRecordOf(request, setup, naming, recording);
                remember(recording, record);
                const serialized = await sdk.rpc.serializeProperties("", record.outputs);
                this.resources.set(record.urn, { urn: record.urn, id: request.getId() || null, state: serialized });
                const response = new sdk.resproto.ReadResourceResponse();
                response.setUrn(record.urn);
                response.setProperties(sdk.structproto.Struct.fromJavaScript(record.outputs));
                callback(null, response);
            } catch (err) {
                callback(err);
            }
        }

        registerResourceOutputs(request: any, callback: (err: any, resp?: any) => void): void {
            const rec = recording.records.get(request.getUrn());
            if (rec && !rec.custom) {
                // A component's outputs (and the Stack's exports) are what registerOutputs sent.
                rec.outputs = downgradeResourceReferences(request.getOutputs()?.toJavaScript() ?? {}) as Record<
                    string,
                    unknown
                >;
            }
            super.registerResourceOutputs(request, callback);
        }
    }
    return new RecordingMonitor(mocks);
}

/** The record of a resource the program read with `Resource.get`, and the warning that says what offline lacks. */
function readRecordOf(request: any, setup: MonitorSetup, naming: EngineNaming, recording: Recording): ResourceRecord {
    const type: string = request.getType();
    const name: string = request.getName();
    const parent: string = request.getParent();
    const id: string = request.getId();
    const { pkg, kind } = splitType(type);
    const inputs = downgradeResourceReferences(request.getProperties()?.toJavaScript() ?? {}) as Record<
        string,
        unknown
    >;
    recording.warnings.push(
        `${type} '${name}' is read from the cloud (${kind}.get, id ${id || "unknown"}): ` +
            "offline its state is only that id and what the program passed, so stack rules see nothing else of it",
    );
    return {
        urn: naming.urnFor(parent, type, name),
        type,
        name,
        custom: true,
        id: id || WIRE_UNKNOWN,
        parent: parent || undefined,
        provider: request.getProvider() || naming.defaultProviderRef(pkg, request.getVersion()),
        dependencies: request.getDependenciesList(),
        propertyDependencies: {},
        inputs,
        outputs: { ...inputs, id },
        options: {},
        source:
            sourceOf(request.getSourceposition(), request.getStacktrace?.(), setup.isProgramFile) ??
            recording.records.get(parent)?.source,
        external: true,
    };
}

/** URNs and default providers as the engine makes them. */
interface EngineNaming {
    urnFor(parent: string, type: string, name: string): string;
    /** The engine's default provider for a package, created the first time a resource needs it. */
    defaultProviderRef(pkg: string, version: string): string;
}

function engineNaming(setup: MonitorSetup, recording: Recording): EngineNaming {
    const { project, stack } = setup;
    const firstPreview = setup.mode === "first-preview";
    const defaultProviders = new Map<string, string>();
    return {
        urnFor(parent, type, name) {
            if (type === "pulumi:pulumi:Stack")
                return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
            let qualified = type;
            const parentType = parent ? (parent.split("::")[2] ?? "") : "pulumi:pulumi:Stack";
            if (parentType !== "pulumi:pulumi:Stack") qualified = `${parentType}$${type}`;
            return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
        },
        defaultProviderRef(pkg, version) {
            const key = `${pkg}@${version}`;
            const existing = defaultProviders.get(key);
            if (existing) return existing;
            const name = version ? `default_${version.replace(/[.-]/g, "_")}` : "default";
            const urn = `urn:pulumi:${stack}::${project}::pulumi:providers:${pkg}::${name}`;
            const id = firstPreview
                ? WIRE_UNKNOWN
                : stableHex(urn, 8) + "-" + stableHex(urn + "id", 4) + "-4d5e-8f90-" + stableHex(urn, 12);
            const inputs = defaultProviderInputs(pkg, version, setup.config);
            remember(recording, {
                urn,
                type: `pulumi:providers:${pkg}`,
                name,
                custom: true,
                id,
                dependencies: [],
                propertyDependencies: {},
                inputs,
                outputs: { ...inputs },
                options: {},
            });
            const ref = `${urn}::${id}`;
            defaultProviders.set(key, ref);
            return ref;
        },
    };
}

/**
 * A default provider is configured from the stack's `<pkg>:*` config keys; a dynamic provider
 * gets the whole config, keys kept namespaced (pkg/resource/deploy/target.go).
 */
function defaultProviderInputs(pkg: string, version: string, config: Record<string, string>): Record<string, unknown> {
    const inputs: Record<string, unknown> = {};
    const dynamic = pkg === "pulumi-nodejs" || pkg === "pulumi-python";
    for (const [k, v] of Object.entries(config)) {
        if (dynamic) {
            inputs[k] = v;
        } else if (k.startsWith(`${pkg}:`)) {
            const key = k.slice(pkg.length + 1);
            try {
                inputs[key] = v.startsWith("{") || v.startsWith("[") ? JSON.parse(v) : v;
            } catch {
                inputs[key] = v;
            }
        }
    }
    if (version) inputs.version = version;
    return inputs;
}

/**
 * The record of one RegisterResource request, outputs produced, as the engine would hand it to
 * an analyzer, and the id to answer with ("" for a component, or a provider in a first preview).
 */
function recordOf(
    request: any,
    setup: MonitorSetup,
    naming: EngineNaming,
    recording: Recording,
): { record: ResourceRecord; id: string } {
    const type: string = request.getType();
    const name: string = request.getName();
    const parent: string = request.getParent();
    const custom: boolean = request.getCustom();
    const remote: boolean = request.getRemote();
    const urn = naming.urnFor(parent, type, name);
    // Inputs exactly as the SDK put them on the wire (unknown sentinels, secret wrappers).
    // Resource references downgraded as the engine's analyzer marshalling does (marshal.ts).
    const inputReferences: NonNullable<ResourceRecord["inputReferences"]> = [];
    const inputs = downgradeResourceReferences(request.getObject()?.toJavaScript() ?? {}, (p, ref) =>
        inputReferences.push({ path: p, ref }),
    ) as Record<string, unknown>;
    if (setup.mode !== "first-preview") countUnknowns(type, inputs, recording.unmodelled);
    const isProvider = type.startsWith("pulumi:providers:");
    // An explicit provider carries the version it was asked for (source_eval.go, SetProviderVersion).
    if (isProvider && request.getVersion()) inputs.version = request.getVersion();
    let provider: string = request.getProvider();
    if (custom && !provider && !isProvider)
        provider = naming.defaultProviderRef(splitType(type).pkg, request.getVersion());
    const propertyDependencies: Record<string, string[]> = {};
    request.getPropertydependenciesMap().forEach((v: any, k: string) => {
        propertyDependencies[k] = v.getUrnsList();
    });
    const { id, outputs } =
        custom && !remote
            ? producedOutputs(type, name, urn, inputs, provider, setup, recording.records)
            : { id: "", outputs: { ...inputs } };
    const record: ResourceRecord = {
        urn,
        type,
        name,
        custom,
        id: custom ? id || WIRE_UNKNOWN : undefined,
        parent: parent || undefined,
        provider: provider || undefined,
        dependencies: request.getDependenciesList(),
        propertyDependencies,
        inputs,
        outputs,
        options: optionsOf(request),
        // A resource made where no program frame is on the stack (a library's beforeExit
        // hook) is shown where its parent was created.
        source:
            sourceOf(request.getSourceposition(), request.getStacktrace?.(), setup.isProgramFile) ??
            recording.records.get(parent)?.source,
        remote: remote || undefined,
        inputReferences: inputReferences.length ? inputReferences : undefined,
    };
    return { record, id };
}

/** A custom resource's id and outputs: the provider's answer as the gate models it (aws-outputs.ts). */
function producedOutputs(
    type: string,
    name: string,
    urn: string,
    inputs: Record<string, unknown>,
    provider: string,
    setup: MonitorSetup,
    records: Map<string, ResourceRecord>,
): { id: string; outputs: Record<string, unknown> } {
    if (type.startsWith("pulumi:providers:")) {
        const id = setup.mode === "first-preview" ? "" : stableHex(urn, 8) + "-0000-4000-8000-" + stableHex(urn, 12);
        return { id, outputs: { ...inputs } };
    }
    // A resource made through an explicit provider lives in that provider's region.
    const providerRegion = records.get(provider.split("::").slice(0, 4).join("::"))?.inputs.region;
    const ctx =
        typeof providerRegion === "string" && providerRegion !== WIRE_UNKNOWN
            ? { ...setup.ctx, region: providerRegion }
            : setup.ctx;
    const produced = providerOutputs(type, name, inputs, ctx);
    return { id: produced.id, outputs: produced.state };
}

/** The resource options an analyzer receives (analyzer_plugin.go, marshalResourceOptions). */
function optionsOf(request: any): ResourceRecord["options"] {
    const timeouts = request.getCustomtimeouts();
    return {
        protect: request.getProtect() || undefined,
        ignoreChanges: nonEmpty(request.getIgnorechangesList()),
        // Sent with its "defined" flag, so an explicit false reaches the pack (analyzer_plugin.go).
        deleteBeforeReplace: request.getDeletebeforereplacedefined() ? request.getDeletebeforereplace() : undefined,
        additionalSecretOutputs: nonEmpty(request.getAdditionalsecretoutputsList()),
        // The engine sends only aliases that matched an existing resource; the gate's
        // stack has none, as a new stack's preview (step_generator.go).
        aliases: undefined,
        customTimeouts:
            timeouts && (timeouts.getCreate() || timeouts.getUpdate() || timeouts.getDelete())
                ? {
                      create: parseDuration(timeouts.getCreate()),
                      update: parseDuration(timeouts.getUpdate()),
                      delete: parseDuration(timeouts.getDelete()),
                  }
                : undefined,
    };
}

/** Unknowns reaching a resource's inputs in resolved mode come from outputs the gate did not model. */
function countUnknowns(type: string, inputs: Record<string, unknown>, unmodelled: Record<string, number>): void {
    const seen = (v: unknown): boolean =>
        v === WIRE_UNKNOWN ||
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
function sourceOf(pos: any, trace: any, isProgramFile: (file: string) => boolean): ResourceRecord["source"] {
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
