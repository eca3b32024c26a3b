/**
 * The offline preview gate: one run = the CLI's `pulumi preview --policy-pack ...` (or
 * `pulumi policy analyze --file ...`) without the CLI, the providers or a cloud account.
 *
 * Sequence, per pack, as the engine does it: start the pack, GetAnalyzerInfo, reconcile and
 * validate the config, Configure, ConfigureStack, Analyze for each resource in registration
 * order (on its inputs), then AnalyzeStack once (on every resource's outputs).
 */
import * as fs from "fs";
import * as path from "path";
import { GateError } from "./errors";
import { PackClient } from "./analyzer";
import { loadProgramConfig, runProgram } from "./engine";
import { loadPolicyPackConfigFile, PolicyPackConfig } from "./policy-config";
import { readStackExport } from "./stack-export";
import { applyBaseline, loadBaseline } from "./baseline";
import type { GateOptions, GateResult, GateTimings, PackInfo, ResourceRecord, Violation } from "./types";

export { GateError } from "./errors";
export { PackClient } from "./analyzer";
export { runProgram } from "./engine";

export async function runGate(opts: GateOptions): Promise<GateResult> {
    const started = Date.now();
    if (opts.policyPacks.length === 0) {
        throw new GateError("no policy pack given", "Pass --policy-pack DIR (default ./policies).");
    }
    if (opts.policyPackConfigs.length > opts.policyPacks.length) {
        throw new GateError(
            `${opts.policyPackConfigs.length} --policy-pack-config files for ${opts.policyPacks.length} --policy-pack folders`,
            "Give at most one config per pack; configs pair with packs in the order given, as the CLI requires.");
    }
    const baseline = opts.baseline ? loadBaseline(opts.baseline) : undefined;
    // Read every config file before starting anything, so a typo fails fast.
    const configs: PolicyPackConfig[] = opts.policyPacks.map((_, i) =>
        opts.policyPackConfigs[i] ? loadPolicyPackConfigFile(opts.policyPackConfigs[i]!) : {});

    const timings: GateTimings = { packStartMs: 0, analyzeMs: 0, analyzeStackMs: 0, analyzeCalls: 0, engineMs: 0 };
    // Packs start while the program runs: on two cores the engine and the pack's ts-node
    // start-up overlap instead of adding up. Starting a pack needs only the project and stack.
    let resources: ResourceRecord[] = [];
    let project: string;
    let stack: string;
    let source: string;
    let mode: GateResult["mode"];
    let warnings: string[] = [];
    const exp = opts.stackExport ? readStackExport(opts.stackExport) : undefined;
    if (exp) {
        project = exp.project;
        stack = exp.stack;
        source = opts.stackExport!;
        mode = "stack-export";
    } else {
        project = loadProgramConfig(path.resolve(opts.program ?? "."), opts.stack).project;
        stack = opts.stack;
        source = opts.program ?? ".";
        mode = opts.mode;
    }
    const dryRun = mode !== "stack-export";
    const packStart = Date.now();
    const starting = opts.policyPacks.map((dir) => PackClient.start(dir, { project, stack, dryRun, timeoutMs: opts.timeoutMs }));
    // Observed below (allSettled); this only keeps an early failure from counting as unhandled.
    for (const p of starting) p.catch(() => undefined);
    const packs: PackClient[] = [];
    try {
        const engineStart = Date.now();
        let engineOk = false;
        try {
            if (exp) {
                resources = exp.resources;
                if (exp.unreadableSecrets) {
                    warnings.push(`${exp.unreadableSecrets} secret value(s) are encrypted in the export and were judged as unknown; ` +
                        "export with --show-secrets to let the rules read them");
                }
            } else {
                const run = await runProgram({ programDir: opts.program ?? ".", stack: opts.stack, mode: opts.mode, timeoutMs: opts.timeoutMs });
                resources = run.resources;
                warnings = [...run.warnings, ...unmodelledWarnings(run.unmodelled)];
            }
            engineOk = true;
        } finally {
            timings.engineMs = Date.now() - engineStart;
            // Whatever happened, every pack that started is ours to stop.
            const settled = await Promise.allSettled(starting);
            for (const s of settled) if (s.status === "fulfilled") packs.push(s.value);
            const failed = settled.find((s) => s.status === "rejected") as PromiseRejectedResult | undefined;
            // A program error is the first thing to fix: report it before a pack failure.
            if (failed && engineOk) throw failed.reason;
        }
        timings.packStartMs = Date.now() - packStart;

        const violations: Violation[] = [];
        const infos: PackInfo[] = [];
        for (const [i, pack] of packs.entries()) {
            await pack.configure(configs[i]!, opts.policyPackConfigs[i] ?? "defaults");
            await pack.configureStack(stack, project, dryRun);
            infos.push(pack.info);
            const run = await pack.preview(resources);
            violations.push(...run.violations);
            timings.analyzeMs += run.analyzeMs;
            timings.analyzeStackMs += run.analyzeStackMs;
            timings.analyzeCalls += pack.analyzeCalls;
            const hwm = peakRssKb(pack.pid);
            if (hwm !== undefined) timings.packPeakRssKb = Math.max(timings.packPeakRssKb ?? 0, hwm);
        }
        const bySource = new Map(resources.map((r) => [r.urn, r]));
        for (const v of violations) {
            const res = bySource.get(v.urn);
            if (mode === "stack-export") v.location = { file: source, line: 1 };
            else if (res?.source) v.location = res.source;
        }
        const undecided: Record<string, number> = {};
        for (const v of violations) {
            if (v.undecided) {
                const key = `${v.packName}/${v.policyName}`;
                undecided[key] = (undecided[key] ?? 0) + 1;
            }
        }
        const result: GateResult = {
            mode, source, stack, packs: infos, resources, violations,
            notAnalysed: resources.filter((r) => r.remote).map((r) => {
                const pkg = r.type.split(":")[0] ?? "";
                return {
                    urn: r.urn, type: r.type, package: pkg,
                    reason: `remote component ${r.type} of package ${pkg} (@pulumi/${pkg}), built by the ${pkg} provider plugin: ` +
                        "its children are created out of process and the offline gate cannot see them; judge them with " +
                        "`pulumi preview --policy-pack`",
                };
            }),
            failOnNotAnalysed: opts.failOnNotAnalysed || undefined,
            undecided,
            durationMs: Date.now() - started,
            timings,
        };
        if (warnings.length) result.warnings = warnings;
        if (baseline) result.baseline = { file: baseline.file, ...applyBaseline(result, baseline) };
        return result;
    } finally {
        for (const p of packs) p.close();
    }
}

/** The values the mock could not model, in the report's warnings (all formats carry those). */
function unmodelledWarnings(unmodelled: Record<string, number>): string[] {
    const entries = Object.entries(unmodelled);
    if (!entries.length) return [];
    return [`values the gate could not model are unknown, so rules reading them cannot decide (type property: count): ` +
        entries.map(([k, n]) => `${k}: ${n}`).join(", ")];
}

/** Peak resident set of a process, from Linux's /proc (undefined elsewhere). */
function peakRssKb(pid: number | undefined): number | undefined {
    if (!pid) return undefined;
    try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        return m ? Number(m[1]) : undefined;
    } catch {
        return undefined;
    }
}

/** true when the run must fail CI: a blocking finding, or (with --fail-on-not-analysed) a component the gate could not run. */
export function gateFails(result: GateResult): boolean {
    return hasMandatoryViolation(result) || (result.failOnNotAnalysed === true && result.notAnalysed.length > 0);
}

/** true when the run must fail CI: a mandatory finding that is not exempted and not known from a baseline. */
export function hasMandatoryViolation(result: GateResult): boolean {
    // A `remediate` finding that reaches us was not remediated: the CLI counts it as mandatory.
    return result.violations.some((v) => (v.enforcementLevel === "mandatory" || v.enforcementLevel === "remediate") &&
        !v.exemption && !v.undecided && !v.known);
}
