/**
 * The offline preview gate: one run = the CLI's `pulumi preview --policy-pack ...` (or
 * `pulumi policy analyze --file ...`) without the CLI, the providers or a cloud account.
 *
 * Sequence, per pack, as the engine does it: start the pack, ConfigureStack, GetAnalyzerInfo,
 * reconcile and validate the config, Configure, Analyze for each resource in registration
 * order (on its inputs), then AnalyzeStack once (on every resource's outputs).
 */
import * as path from "path";
import { GateError } from "./errors";
import { PackClient, policyConfigError } from "./analyzer";
import { AnalyzeAhead } from "./analyze-ahead";
import { applyBaseline, Baseline, loadBaseline } from "./baseline";
import { loadProgramConfig, runProgram } from "./engine";
import { loadPolicyPackConfigFile, PolicyPackConfig } from "./policy-config";
import { peakRssKb } from "./proc-stats";
import { readStackExport, StackExport } from "./stack-export";
import type { GateOptions, GateResult, GateTimings, PackInfo, ResourceRecord, Violation } from "./types";

export { GateError } from "./errors";
export { PackClient } from "./analyzer";
export { runProgram } from "./engine";

/** What a run reads before anything starts: a typo in any file fails fast. */
interface RunInputs {
    project: string;
    stack: string;
    /** The program folder or the export file, as given. */
    source: string;
    mode: GateResult["mode"];
    /** The export, read (stack-export mode). */
    exp?: StackExport;
    /** The stack's config and its secret keys (program mode). */
    config?: Record<string, string>;
    secretKeys?: string[];
    /** One config per pack, in order ({} where none was given). */
    configs: PolicyPackConfig[];
    baseline?: Baseline;
}

/** What running the program (or reading the export) yielded. */
interface EngineOutcome {
    resources: ResourceRecord[];
    warnings: string[];
}

export async function runGate(opts: GateOptions): Promise<GateResult> {
    const started = Date.now();
    const inputs = readInputs(opts);
    const timings: GateTimings = { packStartMs: 0, analyzeMs: 0, analyzeStackMs: 0, analyzeCalls: 0, engineMs: 0 };
    const analyses = inputs.exp ? [] : opts.policyPacks.map(() => new AnalyzeAhead());
    const engineStart = Date.now();
    // The program's run is the longest step: its process starts before the packs'.
    const running = inputs.exp
        ? Promise.resolve(exportOutcome(inputs.exp))
        : programOutcome(opts, (r) => analyses.forEach((a) => a.add(r)));
    const packStart = Date.now();
    const starting = startPacks(opts, inputs);
    const ahead = configureAhead(opts, inputs, starting, analyses);
    const packs: PackClient[] = [];
    try {
        const engine = await awaitEngine(running, starting, packs, timings, engineStart);
        timings.packStartMs = Date.now() - packStart;
        const judged = await judge(packs, inputs, engine.resources, timings, ahead);
        return assembleResult(opts, inputs, engine, judged, timings, started);
    } finally {
        for (const a of ahead.analyses) a.close();
        for (const p of packs) p.close();
    }
}

/** The flags checked, the config files, the baseline and the export or the program's config read. */
function readInputs(opts: GateOptions): RunInputs {
    if (opts.policyPacks.length === 0) {
        throw new GateError("no policy pack given", "Pass --policy-pack DIR (default ./policies).");
    }
    if (opts.policyPackConfigs.length > opts.policyPacks.length) {
        throw new GateError(
            `${opts.policyPackConfigs.length} --policy-pack-config files for ${opts.policyPacks.length} --policy-pack folders`,
            "Give at most one config per pack; configs pair with packs in the order given, as the CLI requires.",
        );
    }
    const baseline = opts.baseline ? loadBaseline(opts.baseline) : undefined;
    const configs: PolicyPackConfig[] = opts.policyPacks.map((_, i) =>
        opts.policyPackConfigs[i] ? loadPolicyPackConfigFile(opts.policyPackConfigs[i]!) : {},
    );
    if (opts.stackExport) {
        const exp = readStackExport(opts.stackExport);
        return {
            project: exp.project,
            stack: exp.stack,
            source: opts.stackExport,
            mode: "stack-export",
            exp,
            configs,
            baseline,
        };
    }
    const { project, config, secretKeys } = loadProgramConfig(
        path.resolve(opts.program ?? "."),
        opts.stack,
        opts.config,
    );
    return {
        project,
        stack: opts.stack,
        source: opts.program ?? ".",
        mode: opts.mode,
        config,
        secretKeys,
        configs,
        baseline,
    };
}

/**
 * Starts every pack. Packs start while the program runs: on two cores the engine and the
 * pack's ts-node start-up overlap instead of adding up. Starting a pack needs only the project
 * and stack. The pack's dry-run flag is the program's (pkg/engine/update.go passes the update's
 * DryRun to both): both program modes are previews (resolved is the preview of a stack that
 * already exists); a stack export is judged as stored, as `pulumi policy analyze --file` does.
 */
function startPacks(opts: GateOptions, inputs: RunInputs): Promise<PackClient>[] {
    const dryRun = inputs.mode !== "stack-export";
    // A local (diy) backend's organization is always "organization" (pkg/backend/diy/state.go).
    const starting = opts.policyPacks.map((dir) =>
        PackClient.start(dir, {
            project: inputs.project,
            stack: inputs.stack,
            dryRun,
            organization: "organization",
            config: inputs.config,
            secretKeys: inputs.secretKeys,
            timeoutMs: opts.timeoutMs,
        }),
    );
    // Observed in awaitEngine (allSettled); this only keeps an early failure from counting as unhandled.
    for (const p of starting) p.catch(() => undefined);
    return starting;
}

/** The packs configured as soon as all have started, and (program mode) their Analyze calls during the run. */
interface Ahead {
    /** The packs' infos once configured; rejects with the config errors or a pack's failure. */
    configured: Promise<PackInfo[]>;
    /** One per pack, fed with each resource the engine records; none for a stack export. */
    analyses: AnalyzeAhead[];
}

/**
 * The engine loads every analyzer before the program runs and analyses each resource as it is
 * registered (analyze-ahead.ts); here the packs are configured once all have started, and then
 * Analyze goes out for what the program has recorded so far. A failure here is reported where
 * it was before, after the program's own (judge awaits `configured`).
 */
function configureAhead(
    opts: GateOptions,
    inputs: RunInputs,
    starting: Promise<PackClient>[],
    analyses: AnalyzeAhead[],
): Ahead {
    const configured = Promise.all(starting).then(async (packs) => {
        const infos = await configurePacks(packs, inputs, opts);
        analyses.forEach((a, i) => a.begin(packs[i]!));
        return infos;
    });
    configured.catch(() => undefined); // observed by judge, or superseded by an earlier error
    return { configured, analyses };
}

/**
 * Waits for the program's run (or the export's resources), then for the packs: every pack
 * that started goes into `packs` (the caller stops them), whatever happened. A program error
 * is the first thing to fix: it is reported before a pack failure.
 */
async function awaitEngine(
    running: Promise<EngineOutcome>,
    starting: Promise<PackClient>[],
    packs: PackClient[],
    timings: GateTimings,
    engineStart: number,
): Promise<EngineOutcome> {
    let engineOk = false;
    try {
        const outcome = await running;
        engineOk = true;
        return outcome;
    } finally {
        timings.engineMs = Date.now() - engineStart;
        const settled = await Promise.allSettled(starting);
        for (const s of settled) if (s.status === "fulfilled") packs.push(s.value);
        const failed = settled.find((s) => s.status === "rejected") as PromiseRejectedResult | undefined;
        if (failed && engineOk) throw failed.reason;
    }
}

function exportOutcome(exp: StackExport): EngineOutcome {
    const warnings: string[] = [];
    if (exp.unreadableSecrets) {
        warnings.push(
            `${exp.unreadableSecrets} secret value(s) are encrypted in the export and were judged as unknown; ` +
                "export with --show-secrets to let the rules read them",
        );
    }
    return { resources: exp.resources, warnings };
}

async function programOutcome(opts: GateOptions, onResource: (r: ResourceRecord) => void): Promise<EngineOutcome> {
    const run = await runProgram({
        programDir: opts.program ?? ".",
        stack: opts.stack,
        mode: opts.mode,
        config: opts.config,
        timeoutMs: opts.timeoutMs,
        onResource,
    });
    return { resources: run.resources, warnings: [...run.warnings, ...unmodelledWarnings(run.unmodelled)] };
}

/**
 * Every pack's config is validated before any is configured; the errors of all packs are
 * reported together, sorted, as the CLI does (pkg/engine/update.go, loadPolicyPlugins). Then
 * each pack's Configure, in order.
 */
async function configurePacks(packs: PackClient[], inputs: RunInputs, opts: GateOptions): Promise<PackInfo[]> {
    const configErrors = packs.map((p, i) => ({
        pack: p.info.name,
        version: p.info.version,
        errors: p.reconcile(inputs.configs[i]!).errors,
    }));
    if (configErrors.some((e) => e.errors.length)) {
        throw policyConfigError(configErrors, opts.policyPackConfigs.filter(Boolean).join(", ") || "defaults");
    }
    const infos: PackInfo[] = [];
    for (const [i, pack] of packs.entries()) {
        await pack.configure(inputs.configs[i]!, opts.policyPackConfigs[i] ?? "defaults");
        infos.push(pack.info);
    }
    return infos;
}

/** Each pack in turn, configured (configureAhead): Analyze per resource (answers ahead taken), AnalyzeStack. */
async function judge(
    packs: PackClient[],
    inputs: RunInputs,
    resources: ResourceRecord[],
    timings: GateTimings,
    ahead: Ahead,
): Promise<{ violations: Violation[]; infos: PackInfo[] }> {
    const infos = await ahead.configured;
    const violations: Violation[] = [];
    for (const [i, pack] of packs.entries()) {
        const analysed = ahead.analyses[i];
        analysed?.close();
        const run = await pack.preview(resources, analysed);
        violations.push(...run.violations);
        timings.analyzeMs += run.analyzeMs;
        timings.analyzeStackMs += run.analyzeStackMs;
        timings.analyzeCalls += pack.analyzeCalls;
        if (analysed) timings.answeredAhead = (timings.answeredAhead ?? 0) + run.answeredAhead;
        const hwm = peakRssKb(pack.pid);
        if (hwm !== undefined) timings.packPeakRssKb = Math.max(timings.packPeakRssKb ?? 0, hwm);
    }
    // Each finding points at the line that made its resource (the export itself for an export).
    const bySource = new Map(resources.map((r) => [r.urn, r]));
    for (const v of violations) {
        const res = bySource.get(v.urn);
        if (inputs.mode === "stack-export") v.location = { file: inputs.source, line: 1 };
        else if (res?.source) v.location = res.source;
    }
    return { violations, infos };
}

/** The run's result: findings, components not analysed, undecided counts, warnings, the baseline's verdict. */
function assembleResult(
    opts: GateOptions,
    inputs: RunInputs,
    engine: EngineOutcome,
    judged: { violations: Violation[]; infos: PackInfo[] },
    timings: GateTimings,
    started: number,
): GateResult {
    const { resources } = engine;
    const undecided: Record<string, number> = {};
    for (const v of judged.violations) {
        if (v.undecided) {
            const key = `${v.packName}/${v.policyName}`;
            undecided[key] = (undecided[key] ?? 0) + 1;
        }
    }
    const result: GateResult = {
        mode: inputs.mode,
        source: inputs.source,
        stack: inputs.stack,
        packs: judged.infos,
        resources,
        violations: judged.violations,
        notAnalysed: resources.filter((r) => r.remote).map(notAnalysed),
        failOnNotAnalysed: opts.failOnNotAnalysed || undefined,
        undecided,
        durationMs: Date.now() - started,
        timings,
    };
    if (engine.warnings.length) result.warnings = engine.warnings;
    if (inputs.baseline) result.baseline = { file: inputs.baseline.file, ...applyBaseline(result, inputs.baseline) };
    return result;
}

/** A remote component: its children are built out of process, where the gate cannot see them. */
function notAnalysed(r: ResourceRecord): GateResult["notAnalysed"][number] {
    const pkg = r.type.split(":")[0] ?? "";
    return {
        urn: r.urn,
        type: r.type,
        package: pkg,
        reason:
            `remote component ${r.type} of package ${pkg} (@pulumi/${pkg}), built by the ${pkg} provider plugin: ` +
            "its children are created out of process and the offline gate cannot see them; judge them with " +
            "`pulumi preview --policy-pack`",
    };
}

/** The values the mock could not model, in the report's warnings (all formats carry those). */
function unmodelledWarnings(unmodelled: Record<string, number>): string[] {
    const entries = Object.entries(unmodelled);
    if (!entries.length) return [];
    return [
        `values the gate could not model are unknown, so rules reading them cannot decide (type property: count): ` +
            entries.map(([k, n]) => `${k}: ${n}`).join(", "),
    ];
}

/** true when the run must fail CI: a blocking finding, or (with --fail-on-not-analysed) a component the gate could not run. */
export function gateFails(result: GateResult): boolean {
    return hasMandatoryViolation(result) || (result.failOnNotAnalysed === true && result.notAnalysed.length > 0);
}

/** true when the run must fail CI: a mandatory finding that is not exempted and not known from a baseline. */
export function hasMandatoryViolation(result: GateResult): boolean {
    // A `remediate` finding that reaches us was not remediated: the CLI counts it as mandatory.
    return result.violations.some(
        (v) =>
            (v.enforcementLevel === "mandatory" || v.enforcementLevel === "remediate") &&
            !v.exemption &&
            !v.undecided &&
            !v.known,
    );
}
