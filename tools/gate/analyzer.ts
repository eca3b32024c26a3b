/**
 * The analyzer client: starts a policy pack the way the Pulumi CLI's Node.js language host
 * does and speaks the analyzer gRPC protocol to it.
 *
 * From pulumi/pulumi (sdk/nodejs/cmd/pulumi-language-nodejs RunPlugin, and
 * sdk/go/common/resource/plugin/analyzer_plugin.go):
 * - the host runs `node <@pulumi/pulumi/cmd/run-policy-pack> <engine address> <pack dir>`
 *   with the pack folder as working directory, `run-policy-pack` found by Node's upward
 *   search from that folder; the pack prints its gRPC port on stdout;
 * - the environment carries what the engine's ConfigureStack holds (packEnvironment below):
 *   the stack's config as PULUMI_CONFIG, and organization, project, stack and dry-run flag;
 * - the engine calls ConfigureStack (config, secret keys, tags), GetAnalyzerInfo, reconciles
 *   and validates the config (policy-config.ts), Configure, Analyze per resource and
 *   AnalyzeStack once, marshalling properties with unknowns and secrets kept and internal
 *   keys skipped (pkg/resource/plugin/analyzer_plugin.go, pkg/engine/update.go).
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { GateError } from "./errors";
import { PolicyPackConfig, policyConfigErrorLines, reconcilePolicyPackConfig } from "./policy-config";
import type { EnforcementLevel, PackInfo, PolicyInfo, ResourceRecord, Violation } from "./types";

// The generated protobuf classes and gRPC must be the copies @pulumi/pulumi itself uses.
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const load = (id: string) => require(require.resolve(id, { paths: [pulumiDir] }));
const grpc = load("@grpc/grpc-js");
const analyzerpb = load("@pulumi/pulumi/proto/analyzer_pb");
const analyzerrpc = load("@pulumi/pulumi/proto/analyzer_grpc_pb");
const structpb = load("google-protobuf/google/protobuf/struct_pb");
const emptypb = load("google-protobuf/google/protobuf/empty_pb");

const LEVEL_NAMES: Record<number, EnforcementLevel> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const LEVEL_ENUM: Record<string, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };
/** Analyze calls in flight per preview: enough to overlap the two processes, few enough to keep memory flat. */
export const ANALYZE_IN_FLIGHT = 8;
const SEVERITY_NAMES: Record<number, string> = { 0: "", 1: "low", 2: "medium", 3: "high", 4: "critical" };

/** The prefix the pack uses for findings it reports as exempted (see policies/lib). */
const EXEMPTED_PREFIX = "exempted: ";

export interface StartPackOptions {
    project?: string;
    stack?: string;
    dryRun?: boolean;
    /** The stack's organization; a local (diy) backend always says "organization" (pkg/backend/diy/state.go). */
    organization?: string;
    /** The stack's config, `namespace:key` -> value, secrets decrypted (as the engine decrypts them). */
    config?: Record<string, string>;
    /** Config keys whose values are secret. */
    secretKeys?: string[];
    /** Stack tags (a Pulumi Cloud feature: the offline gate has none unless given). */
    tags?: Record<string, string>;
    /** Bound on start-up and on every call, in ms. Defaults to 120 000. */
    timeoutMs?: number;
    /** Extra environment for the pack process (e.g. a clock for tests). */
    env?: Record<string, string>;
}

/**
 * A phase of a pack process, reported to the observer (`observePackPhases`) as it begins:
 * `spawned` (the process exists), `started` (GetAnalyzerInfo answered), `analyze` (the first
 * Analyze of a preview), `analyzeStack` (its AnalyzeStack), `closing` (close() called).
 */
export type PackPhase = "spawned" | "started" | "analyze" | "analyzeStack" | "closing";
export type PackPhaseObserver = (phase: PackPhase, pid: number | undefined, dir: string) => void;
let phaseObserver: PackPhaseObserver | undefined;

/**
 * Measuring hook (the gate's benchmark): `observer` is called synchronously at each phase of
 * every pack this process starts, so it can read the pack's CPU time and memory from /proc.
 * One observer at a time; pass undefined to stop. It must not throw.
 */
export function observePackPhases(observer: PackPhaseObserver | undefined): void {
    phaseObserver = observer;
}

export interface AnalyzeOutcome {
    violations: Violation[];
    notApplicable: { policyName: string; reason: string }[];
}

/** Analyze answers obtained before the preview (analyze-ahead.ts), each for one exact request. */
export interface AnswersAhead {
    /** The answer to Analyze of `r` with `provider`, if that very request was sent already. */
    answerFor(r: ResourceRecord, provider: ResourceRecord | undefined): Promise<AnalyzeOutcome> | undefined;
}

export class PackClient {
    private client: any;
    private exited: { code: number | null; signal: string | null } | undefined;
    private stderr = "";
    info!: PackInfo;
    private initialConfig: PolicyPackConfig = {};
    private stackConfig: StartPackOptions = {};
    /** `version` from PulumiPolicy.yaml, if set. */
    private yamlVersion = "";
    private readonly declaredLevels = new Map<string, EnforcementLevel>();
    /** Analyze calls made, for the benchmark. */
    analyzeCalls = 0;

    private constructor(
        readonly dir: string,
        private readonly proc: ChildProcess,
        port: number,
        private readonly timeoutMs: number,
    ) {
        this.client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": 400 * 1024 * 1024,
            "grpc.max_send_message_length": 400 * 1024 * 1024,
        });
        proc.stderr?.on("data", (d) => {
            this.stderr = (this.stderr + d).slice(-20000);
        });
        proc.on("exit", (code, signal) => {
            this.exited = { code, signal };
        });
    }

    get pid(): number | undefined {
        return this.proc.pid;
    }

    /** Starts the pack in `dir` and reads what it holds (GetAnalyzerInfo). */
    static async start(dir: string, opts: StartPackOptions = {}): Promise<PackClient> {
        const packDir = path.resolve(dir);
        const timeoutMs = opts.timeoutMs ?? 120_000;
        // Start-up includes ts-node type-checking a TypeScript pack: never bound it below 120 s.
        const startTimeoutMs = Math.max(timeoutMs, 120_000);
        const proc = spawnPack(packDir, runPolicyPackFor(packDir), opts);
        phaseObserver?.("spawned", proc.pid, packDir);
        let stderr = "";
        proc.stderr.on("data", (d) => {
            stderr = (stderr + d).slice(-20000);
        });
        const port = await announcedPort(proc, packDir, startTimeoutMs, () => stderr);
        const client = new PackClient(packDir, proc, port, timeoutMs);
        client.stderr = stderr;
        client.stackConfig = opts;
        client.yamlVersion = policyYamlVersion(packDir);
        try {
            // The engine's order: ConfigureStack as soon as the pack is up, then GetAnalyzerInfo.
            await client.sendConfigureStack();
            await client.readInfo(dir);
        } catch (e) {
            client.close();
            throw e;
        }
        phaseObserver?.("started", proc.pid, packDir);
        return client;
    }

    private call<T>(method: string, request: unknown): Promise<T> {
        return new Promise<T>((resolve, reject) => {
            if (this.exited) {
                reject(this.crashed());
                return;
            }
            const deadline = new Date(Date.now() + this.timeoutMs);
            this.client[method](request, { deadline }, (err: any, resp: T) => {
                if (!err) {
                    resolve(resp);
                } else if (this.exited || err.code === grpc.status.UNAVAILABLE) {
                    // Give the exit event a moment to arrive so the message can carry the pack's stderr.
                    setTimeout(() => reject(this.crashed()), 50);
                } else if (err.code === grpc.status.DEADLINE_EXCEEDED) {
                    reject(
                        new GateError(
                            `policy pack ${this.dir} did not answer ${method} within ${this.timeoutMs / 1000} s`,
                            "A policy is hanging (an endless loop or a promise that never settles); fix it or raise --timeout.",
                        ),
                    );
                } else {
                    reject(
                        new GateError(
                            `policy pack ${this.dir} failed in ${method}: ${err.details ?? err.message}`,
                            "A policy threw; fix it (the real CLI aborts the preview on the same error).",
                        ),
                    );
                }
            });
        });
    }

    private crashed(): GateError {
        const how = this.exited ? ` (exit ${this.exited.code ?? this.exited.signal})` : "";
        return new GateError(
            `policy pack ${this.dir} crashed${how}: ${tail(this.stderr) || "no output"}`,
            "Fix the crash in the pack; a crash is never a pass.",
        );
    }

    private async readInfo(dirAsGiven: string): Promise<void> {
        const resp: any = await this.call("getAnalyzerInfo", new emptypb.Empty());
        const policies: PolicyInfo[] = resp.getPoliciesList().map((p: any): PolicyInfo => {
            const schema = p.getConfigschema();
            const fw = p.getFramework();
            return {
                name: p.getName(),
                displayName: p.getDisplayname() || undefined,
                description: p.getDescription(),
                enforcementLevel: LEVEL_NAMES[p.getEnforcementlevel()] ?? "advisory",
                severity: SEVERITY_NAMES[p.getSeverity()] || undefined,
                framework: fw
                    ? {
                          name: fw.getName() || undefined,
                          version: fw.getVersion() || undefined,
                          reference: fw.getReference() || undefined,
                          specification: fw.getSpecification() || undefined,
                      }
                    : undefined,
                tags: p.getTagsList().length ? p.getTagsList() : undefined,
                remediationSteps: p.getRemediationSteps() || undefined,
                url: p.getUrl() || undefined,
                configSchema: schema
                    ? {
                          properties: schema.getProperties()?.toJavaScript() ?? {},
                          required: schema.getRequiredList(),
                      }
                    : undefined,
            };
        });
        for (const p of policies) this.declaredLevels.set(p.name, p.enforcementLevel);
        this.info = {
            // PulumiPolicy.yaml's version, when set, wins over the pack's (analyzer_plugin.go, GetAnalyzerInfo).
            dir: dirAsGiven,
            name: resp.getName(),
            version: this.yamlVersion || resp.getVersion(),
            displayName: resp.getDisplayname() || undefined,
            policies,
        };
        resp.getInitialconfigMap().forEach((v: any, k: string) => {
            this.initialConfig[k] = {
                enforcementLevel:
                    v.getEnforcementlevel() !== undefined ? LEVEL_NAMES[v.getEnforcementlevel()] : undefined,
                properties: v.getProperties()?.toJavaScript(),
            };
        });
    }

    /**
     * Reconciles the config as the CLI does (schema defaults, the pack's initial config, the
     * file) and validates it; `errors` read `<policy>: <error>` in gojsonschema's wording.
     */
    reconcile(fromFile: PolicyPackConfig): { config: PolicyPackConfig; errors: string[] } {
        // Reconcile from the levels the pack declares, not from an earlier Configure's.
        const declared = this.info.policies.map((p) => ({
            ...p,
            enforcementLevel: this.declaredLevels.get(p.name) ?? p.enforcementLevel,
        }));
        return reconcilePolicyPackConfig(declared, this.initialConfig, fromFile);
    }

    /** Reconciles and validates the config as the CLI does, then sends Configure. */
    async configure(fromFile: PolicyPackConfig, source = "--policy-pack-config"): Promise<PolicyPackConfig> {
        const { config, errors } = this.reconcile(fromFile);
        if (errors.length) {
            throw policyConfigError([{ pack: this.info.name, version: this.info.version, errors }], source);
        }
        const req = new analyzerpb.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        for (const [name, entry] of Object.entries(config)) {
            const pc = new analyzerpb.PolicyConfig();
            pc.setEnforcementlevel(LEVEL_ENUM[entry.enforcementLevel ?? "advisory"]);
            pc.setProperties(structpb.Struct.fromJavaScript(entry.properties ?? {}));
            map.set(name, pc);
        }
        await this.call("configure", req);
        // Effective levels: what the report prints for each policy.
        for (const p of this.info.policies) {
            p.enforcementLevel =
                config[p.name]?.enforcementLevel ?? this.declaredLevels.get(p.name) ?? p.enforcementLevel;
        }
        return config;
    }

    /**
     * ConfigureStack as the engine sends it right after the pack starts (analyzer_plugin.go,
     * NewPolicyAnalyzer): stack, project, organization, dry-run flag, the stack's config with its
     * secret keys, and the stack tags. @pulumi/policy keeps the tags for `args.stackTags`.
     */
    private async sendConfigureStack(): Promise<void> {
        const o = this.stackConfig;
        const req = new analyzerpb.AnalyzerStackConfigureRequest();
        req.setStack(o.stack ?? "");
        req.setProject(o.project ?? "");
        req.setOrganization(o.organization ?? "");
        req.setDryRun(o.dryRun ?? true);
        for (const [k, v] of Object.entries(o.config ?? {})) req.getConfigMap().set(k, v);
        req.setConfigSecretKeysList(o.secretKeys ?? []);
        for (const [k, v] of Object.entries(o.tags ?? {})) req.getTagsMap().set(k, v);
        try {
            await this.call("configureStack", req);
        } catch (e) {
            // Older packs do not implement it; the CLI carries on the same way.
            if (!/UNIMPLEMENTED|12 /.test(String((e as Error).message))) throw e;
        }
    }

    /** ConfigureStack again, for another stack, project or dry-run flag (callers that reuse one pack). */
    async configureStack(stack: string, project: string, dryRun: boolean): Promise<void> {
        this.stackConfig = { ...this.stackConfig, stack, project, dryRun };
        await this.sendConfigureStack();
    }

    async analyze(r: ResourceRecord, provider: ResourceRecord | undefined): Promise<AnalyzeOutcome> {
        const req = describeResource(new analyzerpb.AnalyzeRequest(), r, r.inputs, provider);
        this.analyzeCalls++;
        const resp = await this.call<any>("analyze", req);
        return this.outcome(resp, new Map([[r.urn, r]]), r.urn);
    }

    /**
     * One preview, in the engine's sequence: Analyze every resource on its inputs, then
     * AnalyzeStack once on every resource's outputs. A few Analyze calls are in flight at once
     * (the gate encodes the next request, and each resource's AnalyzeStack entry, while the pack
     * works); answers keep registration order, as the engine reports them. An answer `ahead`
     * holds for a resource's very request is taken instead of asking again.
     */
    async preview(
        resources: ResourceRecord[],
        ahead?: AnswersAhead,
    ): Promise<{ violations: Violation[]; analyzeMs: number; analyzeStackMs: number; answeredAhead: number }> {
        const providers = new Map<string, ResourceRecord>();
        for (const r of resources) if (r.type.startsWith("pulumi:providers:")) providers.set(r.urn, r);
        phaseObserver?.("analyze", this.pid, this.dir);
        const t0 = Date.now();
        const perResource: Violation[][] = new Array(resources.length);
        const stackEntries: unknown[] = new Array(resources.length);
        let next = 0;
        let answeredAhead = 0;
        const worker = async () => {
            while (next < resources.length) {
                const i = next++;
                const r = resources[i]!;
                const provider = r.provider ? providers.get(providerUrn(r.provider)) : undefined;
                // A read (`Resource.get`) is not analysed on inputs, only in the stack (step_generator.go).
                const early = r.external ? undefined : ahead?.answerFor(r, provider);
                if (early) answeredAhead++;
                const answer = r.external
                    ? Promise.resolve({ violations: [], notApplicable: [] })
                    : (early ?? this.analyze(r, provider));
                stackEntries[i] = this.stackEntry(r, providers);
                perResource[i] = (await answer).violations;
            }
        };
        await Promise.all(Array.from({ length: ANALYZE_IN_FLIGHT }, worker));
        const violations = perResource.flat();
        phaseObserver?.("analyzeStack", this.pid, this.dir);
        const t1 = Date.now();
        violations.push(...(await this.analyzeStack(resources, providers, stackEntries)).violations);
        return { violations, analyzeMs: t1 - t0, analyzeStackMs: Date.now() - t1, answeredAhead };
    }

    /**
     * One resource's entry of the AnalyzeStack request (its outputs, parent, dependencies).
     * Built apart so a caller can encode entries while Analyze calls are in flight.
     */
    stackEntry(r: ResourceRecord, providers: Map<string, ResourceRecord>): unknown {
        const prov = r.provider ? providers.get(providerUrn(r.provider)) : undefined;
        const ar = describeResource(new analyzerpb.AnalyzerResource(), r, r.outputs, prov);
        ar.setParent(r.parent ?? "");
        ar.setDependenciesList(r.dependencies);
        const pdMap = ar.getPropertydependenciesMap();
        for (const [k, urns] of Object.entries(r.propertyDependencies)) {
            if (!urns.length) continue; // the engine skips properties with no dependencies
            const pd = new analyzerpb.AnalyzerPropertyDependencies();
            pd.setUrnsList(urns);
            pdMap.set(k, pd);
        }
        return ar;
    }

    /** AnalyzeStack once on every resource; `entries` are stackEntry()s already built, in order. */
    async analyzeStack(
        resources: ResourceRecord[],
        providers: Map<string, ResourceRecord>,
        entries?: unknown[],
    ): Promise<AnalyzeOutcome> {
        const req = new analyzerpb.AnalyzeStackRequest();
        req.setResourcesList(entries ?? resources.map((r) => this.stackEntry(r, providers)));
        const resp = await this.call<any>("analyzeStack", req);
        return this.outcome(resp, new Map(resources.map((r) => [r.urn, r])), undefined);
    }

    /**
     * The engine's reading of an answer. Analyze: every diagnostic is filed under the resource
     * analysed, whatever URN the pack named (step_generator.go, analyzeAll). AnalyzeStack: under
     * the URN the pack named when it is a resource of the stack, otherwise under the root Stack
     * (step_generator.go and analyze_snapshot.go, resolveStackPolicyViolationURN).
     */
    private outcome(resp: any, byUrn: Map<string, ResourceRecord>, analysed: string | undefined): AnalyzeOutcome {
        const stackUrn = analysed === undefined ? rootStackUrn(byUrn) : "";
        const violations: Violation[] = resp.getDiagnosticsList().map((d: any): Violation => {
            const named: string = d.getUrn();
            const urn = analysed ?? (byUrn.has(named) ? named : stackUrn);
            const res = byUrn.get(urn);
            // @pulumi/policy sends "<description>\n<message>"; keep the two apart.
            const description: string = d.getDescription();
            const raw: string = d.getMessage();
            const message = description && raw.startsWith(`${description}\n`) ? raw.slice(description.length + 1) : raw;
            const undecided = /^can't run policy '.*' during preview/.test(message);
            let level = (LEVEL_NAMES[d.getEnforcementlevel()] ?? "advisory") as Violation["enforcementLevel"];
            // Stack policies cannot be remediated: the engine reports remediate as mandatory (step_generator.go).
            if (analysed === undefined && level === "remediate") level = "mandatory";
            const v: Violation = {
                packName: d.getPolicypackname() || this.info.name,
                packVersion: this.yamlVersion || d.getPolicypackversion() || this.info.version,
                policyName: d.getPolicyname(),
                description,
                enforcementLevel: level,
                severity: SEVERITY_NAMES[d.getSeverity()] ?? "",
                message,
                ...(raw !== message && { rawMessage: raw }),
                urn,
                resourceType: res?.type ?? urnType(urn),
                resourceName: res?.name ?? urn.split("::").pop() ?? "",
            };
            if (undecided) v.undecided = true;
            const ex = parseExemption(message);
            if (ex) v.exemption = ex;
            return v;
        });
        const notApplicable = resp
            .getNotApplicableList()
            .map((n: any) => ({ policyName: n.getPolicyName(), reason: n.getReason() }));
        return { violations, notApplicable };
    }

    /** Lets the process exit while this pack still runs (a test harness sharing one pack). */
    unref(): void {
        this.proc.unref();
        for (const stream of [this.proc.stdout, this.proc.stderr])
            (stream as unknown as { unref?: () => void } | null)?.unref?.();
    }

    close(): void {
        if (!this.exited) phaseObserver?.("closing", this.pid, this.dir);
        try {
            this.client.close();
        } catch {
            // already closed
        }
        if (!this.exited) {
            this.proc.kill("SIGTERM");
            const t = setTimeout(() => {
                if (!this.exited) this.proc.kill("SIGKILL");
            }, 2000);
            t.unref();
        }
    }
}

/** The host's `run-policy-pack`, found by Node's upward search from a folder that holds a pack. */
function runPolicyPackFor(packDir: string): string {
    if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) {
        throw new GateError(
            `no policy pack at ${packDir}: PulumiPolicy.yaml not found`,
            "Point --policy-pack at a folder with PulumiPolicy.yaml (e.g. ./policies).",
        );
    }
    try {
        return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
    } catch {
        throw new GateError(
            `the policy pack's dependencies are not installed: @pulumi/pulumi cannot be found from ${packDir}`,
            "Run `npm ci` at the repository root (the pack is an npm workspace).",
        );
    }
}

/** `node run-policy-pack <engine address> <pack dir>` in the pack folder, with the host's environment. */
function spawnPack(
    packDir: string,
    runPolicyPack: string,
    opts: StartPackOptions,
): ChildProcess & {
    stdout: NodeJS.ReadableStream;
    stderr: NodeJS.ReadableStream;
} {
    return spawn(process.execPath, [runPolicyPack, "127.0.0.1:0", packDir], {
        cwd: packDir,
        env: {
            ...process.env,
            NODE_OPTIONS: packNodeOptions(process.env.NODE_OPTIONS),
            ...packEnvironment(opts),
            ...(opts.env ?? {}),
        },
        stdio: ["ignore", "pipe", "pipe"],
    });
}

/** The gRPC port the pack prints on stdout once it serves; a pack that exits or stalls first fails. */
function announcedPort(
    proc: ChildProcess & { stdout: NodeJS.ReadableStream },
    packDir: string,
    startTimeoutMs: number,
    stderr: () => string,
): Promise<number> {
    return new Promise<number>((resolve, reject) => {
        let stdout = "";
        const timer = setTimeout(() => {
            proc.kill("SIGKILL");
            reject(
                new GateError(
                    `policy pack ${packDir} did not start within ${startTimeoutMs / 1000} s`,
                    "Look for blocking work at the pack's top level, or raise --timeout.",
                ),
            );
        }, startTimeoutMs);
        proc.stdout.on("data", (d) => {
            stdout += d;
            const m = /^(\d+)\s*$/m.exec(stdout);
            if (m) {
                clearTimeout(timer);
                resolve(Number(m[1]));
            }
        });
        proc.on("exit", (code, signal) => {
            clearTimeout(timer);
            reject(
                new GateError(
                    `policy pack ${packDir} failed to start (exit ${code ?? signal}): ${tail(stderr() || stdout)}`,
                    "Fix the error above in the pack (the CLI runs `pulumi preview --policy-pack` the same way).",
                ),
            );
        });
        proc.on("error", (e) => {
            clearTimeout(timer);
            reject(e);
        });
    });
}

/**
 * A pack allocates a fresh object tree per policy per resource (@pulumi/policy deserializes
 * the properties for every policy), so a larger young generation cuts garbage-collection
 * time on big stacks by about a third (measured with the 10,000-resource benchmark). Only
 * GC tuning: it changes no result. A user's own NODE_OPTIONS setting wins.
 */
function packNodeOptions(current: string | undefined): string {
    const base = current ?? "";
    return /--max-semi-space-size/.test(base) ? base : `${base} --max-semi-space-size=64`.trim();
}

/** PulumiPolicy.yaml's `version` ("" when unset or unreadable: the pack's own version stands). */
function policyYamlVersion(packDir: string): string {
    try {
        const doc = yaml.load(fs.readFileSync(path.join(packDir, "PulumiPolicy.yaml"), "utf8")) as {
            version?: unknown;
        } | null;
        return doc && (typeof doc.version === "string" || typeof doc.version === "number") ? String(doc.version) : "";
    } catch {
        return "";
    }
}

/** Config validation errors of one or more packs, as the CLI prints them (one `error:` line each). */
export function policyConfigError(
    errors: { pack: string; version: string; errors: string[] }[],
    source: string,
): GateError {
    return new GateError(
        `validating policy config (${source}):\n${policyConfigErrorLines(errors).join("\n")}`,
        "Fix the config file so each policy's properties match its configSchema (see docs/POLICIES.md).",
    );
}

/**
 * The variables a pack process gets from the CLI: the language host sets the PULUMI_NODEJS_*
 * spellings and PULUMI_CONFIG from ConfigureStack (sdk/nodejs/cmd/pulumi-language-nodejs/main.go,
 * RunPlugin), the older start-up path sets both spellings (pkg/resource/plugin/analyzer_plugin.go,
 * constructEnv). Each is set only when it has a value, as both do.
 */
export function packEnvironment(o: StartPackOptions): Record<string, string> {
    const env: Record<string, string> = {};
    const set = (k: string, v: string | undefined) => {
        if (v) env[k] = v;
    };
    if (o.config) set("PULUMI_CONFIG", JSON.stringify(o.config));
    const dryRun = String(o.dryRun ?? true);
    for (const prefix of ["PULUMI_NODEJS_", "PULUMI_"]) {
        set(`${prefix}ORGANIZATION`, o.organization);
        set(`${prefix}PROJECT`, o.project);
        set(`${prefix}STACK`, o.stack);
        set(`${prefix}DRY_RUN`, dryRun);
    }
    return env;
}

/** `exempted: <rule> on <urn>: <reason>[ (expires <date>)]` -> the exemption it names. */
export function parseExemption(message: string): Violation["exemption"] | undefined {
    if (!message.startsWith(EXEMPTED_PREFIX)) return undefined;
    const m = /^exempted: (\S+) on (\S+): (.*?)(?: \(expires ([0-9T:.Z+-]+)\))?$/s.exec(message);
    if (!m) return { rule: "", reason: message.slice(EXEMPTED_PREFIX.length) };
    return { rule: m[1]!, reason: m[3]!, expires: m[4] };
}

/** `<provider urn>::<id>` -> `<provider urn>` (URNs themselves contain `::`). */
export function providerUrn(ref: string): string {
    const i = ref.lastIndexOf("::");
    return i > 0 ? ref.slice(0, i) : ref;
}

/**
 * The root Stack's URN (resource.DefaultRootStackURN): the Stack resource's, else built from any
 * resource's stack and project; "" for an empty stack.
 */
function rootStackUrn(byUrn: Map<string, ResourceRecord>): string {
    for (const r of byUrn.values()) if (r.type === "pulumi:pulumi:Stack") return r.urn;
    const any = byUrn.keys().next().value as string | undefined;
    const m = any ? /^urn:pulumi:([^:]*)::([^:]*)::/.exec(any) : null;
    return m ? `urn:pulumi:${m[1]}::${m[2]}::pulumi:pulumi:Stack::${m[2]}-${m[1]}` : "";
}

function urnType(urn: string): string {
    const qualified = urn.split("::")[2] ?? "";
    return qualified.split("$").pop() ?? "";
}

function stripInternal(props: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(props ?? {})) {
        // SkipInternalKeys: top-level keys starting "__" (`__defaults`, `__meta`) never reach a pack.
        if (!k.startsWith("__") && v !== undefined) out[k] = v;
    }
    return out;
}

function toStruct(props: Record<string, unknown>): any {
    return structpb.Struct.fromJavaScript(stripInternal(props));
}

/**
 * The resource options as marshalResourceOptions (analyzer_plugin.go) sends them: every field
 * present, custom timeouts zero when unset, deleteBeforeReplace with its "defined" flag, the
 * parent's URN.
 */
function toOptions(r: ResourceRecord): any {
    const o = new analyzerpb.AnalyzerResourceOptions();
    o.setProtect(!!r.options.protect);
    o.setIgnorechangesList(r.options.ignoreChanges ?? []);
    if (r.options.deleteBeforeReplace !== undefined) {
        o.setDeletebeforereplace(r.options.deleteBeforeReplace);
        o.setDeletebeforereplacedefined(true);
    }
    o.setAdditionalsecretoutputsList(r.options.additionalSecretOutputs ?? []);
    o.setAliasesList(r.options.aliases ?? []);
    const t = r.options.customTimeouts;
    const ct = new analyzerpb.AnalyzerResourceOptions.CustomTimeouts();
    ct.setCreate(t?.create ?? 0);
    ct.setUpdate(t?.update ?? 0);
    ct.setDelete(t?.delete ?? 0);
    o.setCustomtimeouts(ct);
    if (r.parent) o.setParent(r.parent);
    return o;
}

/**
 * The fields an AnalyzeRequest and a stack's AnalyzerResource share (analyzer_plugin.go marshals
 * both the same way): URN, type, name, the given properties, options and provider.
 */
function describeResource<M extends ResourceMessage>(
    msg: M,
    r: ResourceRecord,
    properties: Record<string, unknown>,
    provider: ResourceRecord | undefined,
): M {
    msg.setUrn(r.urn);
    msg.setType(r.type);
    msg.setName(r.name);
    msg.setProperties(toStruct(properties));
    msg.setOptions(toOptions(r));
    if (provider) msg.setProvider(toProvider(provider));
    return msg;
}

/** The setters AnalyzeRequest and AnalyzerResource have in common. */
interface ResourceMessage {
    setUrn(v: string): void;
    setType(v: string): void;
    setName(v: string): void;
    setProperties(v: unknown): void;
    setOptions(v: unknown): void;
    setProvider(v: unknown): void;
}

function toProvider(p: ResourceRecord): any {
    const pr = new analyzerpb.AnalyzerProviderResource();
    pr.setType(p.type);
    pr.setUrn(p.urn);
    pr.setName(p.name);
    pr.setProperties(toStruct(p.inputs));
    return pr;
}

function tail(s: string): string {
    const lines = s
        .trim()
        .split("\n")
        .filter((l) => l.trim());
    return lines.slice(-15).join("\n");
}
