/**
 * The kill table (plain text, for CI logs) and the catalogue as Markdown (docs/MUTATION.md).
 */
import type { ControlVerdict, MutationVerdict } from "./judge";
import type { Control, Mutation } from "./types";
import { FAMILY_TITLES, shortUrn } from "./types";

function table(header: string[], rows: string[][]): string {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    // The last column is free text: not padded, so long descriptions do not widen the rest.
    const line = (cells: string[]) =>
        cells
            .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
            .join("  ")
            .trimEnd();
    return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function mutationResult(v: MutationVerdict): string {
    if (v.result === "caught") return `caught (${v.level})`;
    return v.result;
}

export function killTable(
    mutations: { m: Mutation; verdict: MutationVerdict }[],
    controls: { c: Control; verdict: ControlVerdict }[],
): string {
    const mrows = mutations.map(({ m, verdict }) => [
        m.id,
        m.kind,
        m.rule,
        shortUrn(m.resource),
        mutationResult(verdict),
        m.description,
    ]);
    const crows = controls.map(({ c, verdict }) => [
        c.id,
        c.kind,
        verdict.result === "FLAGGED"
            ? `FLAGGED by ${verdict.findings.map((f) => `${f.policyName} on ${f.resourceName}`).join(", ")}`
            : verdict.result,
        c.description,
    ]);
    return [
        table(["mutation", "kind", "expected rule", "resource", "result", "the mistake"], mrows),
        "",
        table(["control", "kind", "result", "the correct-but-unusual change"], crows),
    ].join("\n");
}

/** What went wrong, for each row that is not a pass: the evidence a reviewer needs. */
export function problems(
    mutations: { m: Mutation; verdict: MutationVerdict }[],
    controls: { c: Control; verdict: ControlVerdict }[],
): string[] {
    const out: string[] = [];
    for (const { m, verdict } of mutations) {
        if (verdict.result === "caught") continue;
        out.push(`${verdict.result} ${m.id}: ${verdict.why}`);
        if (verdict.result === "SURVIVED") {
            const seen = verdict.others.filter((v) => !v.undecided).slice(0, 5);
            out.push(
                seen.length === 0
                    ? "    no other rule reported anything new either"
                    : `    other new findings: ${seen.map((v) => `${v.policyName} (${v.enforcementLevel}) on ${v.resourceName}`).join("; ")}`,
            );
        }
    }
    for (const { c, verdict } of controls) {
        if (verdict.result === "quiet") continue;
        if (verdict.result === "ERROR") out.push(`ERROR ${c.id}: ${verdict.why}`);
        else for (const f of verdict.findings) out.push(`FLAGGED ${c.id}: ${f.policyName} on ${f.urn}: ${f.message}`);
    }
    return out;
}

const esc = (s: string) => s.replace(/\|/g, "\\|");

/** The catalogue as Markdown tables, by family, then the controls. */
export function catalogueMarkdown(mutations: Mutation[], controls: Control[]): string {
    const out: string[] = [];
    for (const [family, title] of Object.entries(FAMILY_TITLES)) {
        const list = mutations.filter((m) => m.family === family);
        if (list.length === 0) continue;
        out.push(`### ${title}`, "");
        out.push("| Id | Kind | Form | The mistake | Expected rule (level) | Resource |", "|---|---|---|---|---|---|");
        for (const m of list) {
            const form = m.alternate ? `${m.form} (alternate)` : m.form;
            out.push(
                `| \`${m.id}\` | ${m.kind} | ${esc(form)} | ${esc(m.description)} | \`${m.rule}\` (${m.level}) | ${esc(shortUrn(m.resource))} |`,
            );
        }
        out.push("");
    }
    out.push("### Negative controls", "");
    out.push("| Id | Kind | The change | Why it is correct |", "|---|---|---|---|");
    for (const c of controls) {
        const silent = c.silent ? `; must leave ${c.silent.map((r) => `\`${r}\``).join(", ")} silent` : "";
        out.push(`| \`${c.id}\` | ${c.kind} | ${esc(c.description)} | ${esc(c.why)}${silent} |`);
    }
    return out.join("\n");
}
