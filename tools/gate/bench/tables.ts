/**
 * The benchmark's tables: the detailed run's per-size and per-phase tables, the findings per
 * rule on the realistic stacks, the budget lines, and the ratios' table. Printing only: the
 * figures come from measure.ts.
 */
import type { Kind, Measurement } from "./measure";

/** Budget, for exports: 10,000 resources within 15 s, and t(10k)/t(1k) at most 12. */
export const BUDGET = { export10kMs: 15_000, ratio10kTo1k: 12 };

export const sec = (ms: number | undefined): string =>
    ms === undefined || Number.isNaN(ms) ? "-" : (ms / 1000).toFixed(2);
const mb = (kb: number | undefined): string => (kb === undefined ? "-" : String(Math.round(kb / 1024)));

/**
 * Columns aligned to the right, two spaces apart, under a rule of dashes; `freeLast`: the last
 * column is left as it is (free text); `leftFirst`: the first column is aligned to the left.
 */
export function formatTable(head: string[], body: string[][], { freeLast = false, leftFirst = false } = {}): string {
    const free = (i: number): boolean => freeLast && i === head.length - 1;
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (free(i) ? 0 : r[i]!.length))));
    const cell = (c: string, i: number): string =>
        free(i) ? c : i === 0 && leftFirst ? c.padEnd(widths[i]!) : c.padStart(widths[i]!);
    const fmt = (r: string[]): string => r.map(cell).join("  ");
    return [fmt(head), fmt(widths.map((w) => "-".repeat(w))), ...body.map(fmt)].join("\n");
}

export function table(rows: Measurement[]): string {
    const head = [
        "size",
        "input",
        "total s",
        "pack start s",
        "engine s",
        "Analyze s",
        "AnalyzeStack s",
        "Analyze calls",
        "gate RSS MB",
        "pack RSS MB",
        "findings",
    ];
    const body = rows.map((m) => {
        const t = m.result?.timings;
        return [
            m.size.toLocaleString("en-US"),
            m.kind,
            sec(m.wallMs),
            sec(t?.packStartMs),
            sec(t?.engineMs),
            sec(t?.analyzeMs),
            sec(t?.analyzeStackMs),
            t ? String(t.analyzeCalls) : "-",
            mb(m.gatePeakRssKb),
            mb(t?.packPeakRssKb),
            m.error ? `ERROR: ${m.error}` : String(m.result?.violations ?? "-"),
        ];
    });
    return formatTable(head, body, { freeLast: true });
}

/** Per phase: wall time, the pack's peak memory and CPU time, and the gate's CPU time. */
export function phaseTable(rows: Measurement[]): string {
    const head = [
        "size",
        "input",
        "start s",
        "cpu s",
        "peak MB",
        "Analyze s",
        "cpu s",
        "gate cpu s",
        "peak MB",
        "AnalyzeStack s",
        "cpu s",
        "gate cpu s",
        "peak MB",
        "runs",
        "load (1 min)",
    ];
    const body = rows
        .filter((m) => !m.error)
        .map((m) => {
            const t = m.result?.timings;
            const p = m.phases ?? {};
            return [
                m.size.toLocaleString("en-US"),
                m.kind,
                sec(t?.packStartMs),
                sec(p.startCpuMs),
                mb(p.startKb),
                sec(t?.analyzeMs),
                sec(p.analyzeCpuMs),
                sec(p.gateAnalyzeCpuMs),
                mb(p.analyzeKb),
                sec(t?.analyzeStackMs),
                sec(p.analyzeStackCpuMs),
                sec(p.gateAnalyzeStackCpuMs),
                mb(p.analyzeStackKb),
                String(m.runs),
                m.load.map((l) => l.toFixed(1)).join(" "),
            ];
        });
    return formatTable(head, body);
}

/** Findings per rule on the realistic stacks: mandatory ones there mean a broken copy or a rule to look at. */
export function findingsTable(rows: Measurement[]): string[] {
    const out: string[] = [];
    for (const m of rows.filter((r) => r.kind === "realistic" && r.byRule)) {
        out.push(
            `findings on the realistic stack of ${m.size.toLocaleString("en-US")} resources${m.note ? ` (${m.note})` : ""}:`,
        );
        const entries = Object.entries(m.byRule!).sort((a, b) => b[1] - a[1]);
        if (entries.length === 0) out.push("  none");
        for (const [key, count] of entries) out.push(`  ${String(count).padStart(6)}  ${key}`);
        const mandatory = entries.filter(([k]) => k.startsWith("mandatory ") || k.startsWith("remediate "));
        if (mandatory.length)
            out.push("  ^ mandatory findings on copies of a compliant program: a broken copy or a rule to report");
    }
    return out;
}

/** The budget lines: every figure that exceeds it is marked OVER BUDGET. */
export function budget(rows: Measurement[]): string[] {
    const at = (kind: Kind, size: number): Measurement | undefined =>
        rows.find((m) => m.kind === kind && m.size === size && !m.error);
    const lines: string[] = [];
    for (const kind of ["export", "realistic"] as Kind[]) {
        const tenK = at(kind, 10_000);
        const oneK = at(kind, 1_000);
        if (tenK) {
            const over = tenK.wallMs > BUDGET.export10kMs;
            lines.push(
                `${kind} 10,000 resources: ${sec(tenK.wallMs)} s (budget ${sec(BUDGET.export10kMs)} s)` +
                    (over ? "  <<< OVER BUDGET" : "  ok"),
            );
        }
        if (tenK && oneK && kind === "export") {
            const ratio = tenK.wallMs / oneK.wallMs;
            const noStart = (m: Measurement): number => m.wallMs - (m.result?.timings?.packStartMs ?? 0);
            lines.push(
                `export t(10k)/t(1k): ${ratio.toFixed(2)} (budget ${BUDGET.ratio10kTo1k}; ` +
                    `${(noStart(tenK) / noStart(oneK)).toFixed(2)} without pack start-up)` +
                    (ratio > BUDGET.ratio10kTo1k ? "  <<< OVER BUDGET" : "  ok"),
            );
        }
    }
    if (lines.length === 0) lines.push("(the budget applies to exports of 1,000 and 10,000 resources: not run)");
    return lines;
}
