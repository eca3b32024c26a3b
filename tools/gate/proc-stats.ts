/**
 * Figures of a process from Linux's /proc: the run's report carries the pack's peak memory,
 * the benchmark reads memory and CPU time per phase. Elsewhere every figure is undefined.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";

/** Peak resident set (VmHWM) of a process, in kB. */
export function peakRssKb(pid: number | "self" | undefined): number | undefined {
    if (!pid) return undefined;
    try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        return m ? Number(m[1]) : undefined;
    } catch {
        return undefined;
    }
}

/** Clock ticks per second of /proc/<pid>/stat times (100 on Linux unless configured otherwise). */
let clockTicks: number | undefined;
function clkTck(): number {
    if (clockTicks === undefined) {
        try {
            clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
        } catch {
            clockTicks = 100;
        }
    }
    return clockTicks;
}

/** User + system CPU time of a process so far, in ms. */
export function cpuMsOf(pid: number): number | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / clkTck();
    } catch {
        return undefined;
    }
}

/** Resets a process's VmHWM to its current resident set (Linux `clear_refs`); false when not permitted. */
export function resetPeakRss(pid: number): boolean {
    try {
        fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
        return true;
    } catch {
        return false;
    }
}
