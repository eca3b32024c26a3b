/**
 * The benchmark's measurement: one gate run in a fresh process (so that peak memory belongs to
 * that run alone), through the gate's programmatic API (runGate), with the pack's peak memory
 * and CPU time and the gate's CPU time per phase (start-up, Analyze, AnalyzeStack). The phases
 * are read through the analyzer client's measuring hook (observePackPhases in analyzer.ts);
 * nothing of the client is patched. As each phase begins the pack's VmHWM is reset (Linux
 * `clear_refs`), so each peak belongs to its phase.
 *
 *     node -r ts-node/register/transpile-only tools/gate/bench/measure.ts <kind> <input> --policy-pack DIR...
 *
 * prints the figures of that one run as JSON on a line starting `@@BENCH@@` (runChild reads it).
 */
import { spawn } from "child_process";
import type { PackPhase, PackPhaseObserver } from "../analyzer";
import { cpuMsOf, peakRssKb, resetPeakRss } from "../proc-stats";
import type { GateResult } from "../types";
import { STACK } from "./generate";

export type Kind = "export" | "program" | "realistic";
export const KINDS: Kind[] = ["export", "program", "realistic"];

/**
 * The pack process per phase: peak memory (kB) and CPU time (ms), and the gate's own CPU time
 * (ms). CPU time is what to compare on a busy machine: wall time there mostly measures the
 * other processes (see the load average printed with each row).
 */
export interface PhaseFigures {
    startKb?: number;
    analyzeKb?: number;
    analyzeStackKb?: number;
    startCpuMs?: number;
    analyzeCpuMs?: number;
    analyzeStackCpuMs?: number;
    gateAnalyzeCpuMs?: number;
    gateAnalyzeStackCpuMs?: number;
    /** The peaks could not be reset between phases: each includes the phases before it. */
    cumulativePeaks?: boolean;
}

export interface RunFigures {
    wallMs: number;
    result?: Pick<GateResult, "timings" | "durationMs"> & { resources: number; violations: number };
    gatePeakRssKb?: number;
    phases?: PhaseFigures;
    /** Findings per `<level> <policy>` (exempted and undecided ones counted apart). */
    byRule?: Record<string, number>;
    error?: string;
}

export interface Measurement extends RunFigures {
    size: number;
    kind: Kind;
    runs: number;
    /** Load average (1 min) before each run. */
    load: number[];
    note?: string;
}

const selfCpuMs = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
};

/**
 * Reads the pack's peak memory and CPU time as each phase begins, through the analyzer
 * client's measuring hook (observePackPhases: `started` is GetAnalyzerInfo answered,
 * `analyzeStack` ends the Analyze phase, `closing` ends the stack phase), and resets the peak
 * (Linux `clear_refs`) so each peak belongs to its phase. With one pack per run, as the bench
 * runs it.
 */
function watchPhases(
    observe: (o: PackPhaseObserver | undefined) => void,
    phases: PhaseFigures,
): { resetWorks: () => boolean } {
    let resetOk = true;
    const at: { packCpu?: number; gateCpu?: number } = {};
    const marks: Partial<Record<PackPhase, (pid: number) => void>> = {
        started(pid) {
            phases.startKb = peakRssKb(pid);
            phases.startCpuMs = at.packCpu = cpuMsOf(pid);
            at.gateCpu = selfCpuMs();
        },
        analyzeStack(pid) {
            phases.analyzeKb = peakRssKb(pid);
            const cpu = cpuMsOf(pid);
            if (cpu !== undefined && at.packCpu !== undefined) phases.analyzeCpuMs = cpu - at.packCpu;
            at.packCpu = cpu;
            const gate = selfCpuMs();
            if (at.gateCpu !== undefined) phases.gateAnalyzeCpuMs = gate - at.gateCpu;
            at.gateCpu = gate;
        },
        closing(pid) {
            phases.analyzeStackKb = peakRssKb(pid);
            const cpu = cpuMsOf(pid);
            if (cpu !== undefined && at.packCpu !== undefined) phases.analyzeStackCpuMs = cpu - at.packCpu;
            if (at.gateCpu !== undefined) phases.gateAnalyzeStackCpuMs = selfCpuMs() - at.gateCpu;
        },
    };
    const done = new Set<PackPhase>();
    observe((phase, pid) => {
        const mark = marks[phase];
        if (!mark || !pid || done.has(phase)) return;
        done.add(phase);
        mark(pid);
        if (phase !== "closing" && !resetPeakRss(pid)) resetOk = false; // VmHWM back to the current RSS
    });
    return { resetWorks: () => resetOk };
}

/** The child side: one gate run in a fresh process, its figures as JSON on stdout. */
async function measureOne(kind: Kind, input: string, packs: string[]): Promise<void> {
    // Loaded here, not at the top: generating stacks must not depend on the engine.
    const { runGate } = await import("../index");
    const { observePackPhases } = await import("../analyzer");
    const phases: PhaseFigures = {};
    const spy = watchPhases(observePackPhases, phases);
    // Reads the clock-tick rate now, so the first phase mark does not pay for it.
    cpuMsOf(process.pid);
    const t0 = process.hrtime.bigint();
    let out: RunFigures;
    try {
        const r = await runGate({
            ...(kind === "program" ? { program: input } : { stackExport: input }),
            stack: STACK,
            policyPacks: packs,
            policyPackConfigs: [],
            mode: "resolved",
        });
        // Without the reset (not Linux, or not permitted) each peak includes the phases before it.
        if (!spy.resetWorks()) phases.cumulativePeaks = true;
        out = {
            wallMs: Number(process.hrtime.bigint() - t0) / 1e6,
            result: {
                timings: r.timings,
                durationMs: r.durationMs,
                resources: r.resources.length,
                violations: r.violations.length,
            },
            phases,
            byRule: findingsByRule(r),
        };
    } catch (e) {
        out = {
            wallMs: Number(process.hrtime.bigint() - t0) / 1e6,
            error: String((e as Error).message ?? e).split("\n")[0],
        };
    }
    out.gatePeakRssKb = peakRssKb("self") ?? process.resourceUsage().maxRSS;
    process.stdout.write("\n@@BENCH@@" + JSON.stringify(out) + "\n");
}

/** Findings per `<level> <policy>`, exempted and undecided ones counted apart. */
function findingsByRule(r: GateResult): Record<string, number> {
    const byRule: Record<string, number> = {};
    for (const v of r.violations) {
        const how = v.exemption ? "exempted" : v.undecided ? "undecided" : v.enforcementLevel;
        const key = `${how} ${v.policyName}`;
        byRule[key] = (byRule[key] ?? 0) + 1;
    }
    return byRule;
}

/** One gate run over `input` in a fresh process (this file's child side); its figures, or the error. */
export function runChild(kind: Kind, input: string, packs: string[]): Promise<RunFigures> {
    const args = [
        "-r",
        require.resolve("ts-node/register/transpile-only"),
        __filename,
        kind,
        input,
        ...packs.flatMap((p) => ["--policy-pack", p]),
    ];
    return new Promise((resolve) => {
        const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("exit", (code) => {
            const line = stdout.split("\n").find((l) => l.startsWith("@@BENCH@@"));
            if (line) resolve(JSON.parse(line.slice("@@BENCH@@".length)));
            else
                resolve({
                    wallMs: NaN,
                    error: `bench child exited ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`,
                });
        });
    });
}

/**
 * Several runs of one measurement as one row: the minimum of each time (the machine is shared,
 * so the least-disturbed run is the truest figure) and the maximum of each memory figure.
 */
export function combine(runs: RunFigures[]): RunFigures {
    const ok = runs.filter((r) => !r.error && r.result);
    if (ok.length === 0) return runs[0]!;
    const min = (f: (r: RunFigures) => number | undefined) => {
        const xs = ok.map(f).filter((x): x is number => x !== undefined && !Number.isNaN(x));
        return xs.length ? Math.min(...xs) : undefined;
    };
    const max = (f: (r: RunFigures) => number | undefined) => {
        const xs = ok.map(f).filter((x): x is number => x !== undefined);
        return xs.length ? Math.max(...xs) : undefined;
    };
    const first = ok[0]!;
    const t = first.result!.timings!;
    return {
        wallMs: min((r) => r.wallMs)!,
        result: {
            ...first.result!,
            durationMs: min((r) => r.result!.durationMs)!,
            timings: {
                ...t,
                packStartMs: min((r) => r.result!.timings!.packStartMs)!,
                engineMs: min((r) => r.result!.timings!.engineMs)!,
                analyzeMs: min((r) => r.result!.timings!.analyzeMs)!,
                analyzeStackMs: min((r) => r.result!.timings!.analyzeStackMs)!,
                packPeakRssKb: max((r) => r.result!.timings!.packPeakRssKb),
            },
        },
        gatePeakRssKb: max((r) => r.gatePeakRssKb),
        phases: {
            startKb: max((r) => r.phases?.startKb),
            analyzeKb: max((r) => r.phases?.analyzeKb),
            analyzeStackKb: max((r) => r.phases?.analyzeStackKb),
            startCpuMs: min((r) => r.phases?.startCpuMs),
            analyzeCpuMs: min((r) => r.phases?.analyzeCpuMs),
            analyzeStackCpuMs: min((r) => r.phases?.analyzeStackCpuMs),
            gateAnalyzeCpuMs: min((r) => r.phases?.gateAnalyzeCpuMs),
            gateAnalyzeStackCpuMs: min((r) => r.phases?.gateAnalyzeStackCpuMs),
            cumulativePeaks: ok.some((r) => r.phases?.cumulativePeaks),
        },
        byRule: first.byRule,
    };
}
if (require.main === module) {
    const [kind, input, ...rest] = process.argv.slice(2);
    const packs = rest.filter((_, i) => i % 2 === 1);
    measureOne(kind as Kind, input!, packs).catch((e) => {
        console.error(e);
        process.exit(1);
    });
}
