/**
 * What every report format agrees on: which findings block, how they are counted and
 * ordered, and where each one points. Kept in one place so the text, JSON, SARIF and
 * JUnit views of one run can never disagree on a verdict.
 */
import * as path from "path";
import { GateResult, PackInfo, PolicyInfo, SourcePosition, Violation } from "../types";

export interface RenderOptions {
    /** ANSI colours in the text report (off by default: CI logs and files). */
    color?: boolean;
    /** Folder that file locations are made relative to (SARIF, JSON). Defaults to the cwd. */
    root?: string;
}

export interface ReportSummary {
    /** Resources the gate handed the packs (Stack and providers included, as the engine does). */
    resources: number;
    /** Blocking findings: mandatory, and remediate (the CLI downgrades a remaining remediate to mandatory). */
    mandatory: number;
    advisory: number;
    exempted: number;
    /** Findings a --baseline report already held: listed, not counted above, never failing. */
    known: number;
    /** Findings the pack could not decide because a value was unknown. */
    undecided: number;
    notAnalysed: number;
    /** true when no blocking finding remains: the gate's exit 0. */
    passed: boolean;
}

export interface Findings {
    /** Decided, not exempted, not in the baseline: what the verdict rests on. */
    active: Violation[];
    /** Decided, not exempted, already in the baseline. */
    known: Violation[];
    undecided: Violation[];
    exempted: Violation[];
}

/**
 * A remediate-level diagnostic reaching the report was not fixed (the gate has no
 * Remediate pass), and the CLI treats it as mandatory in that case.
 */
export function isBlocking(v: Violation): boolean {
    return v.enforcementLevel === "mandatory" || v.enforcementLevel === "remediate";
}

export function partitionFindings(result: GateResult): Findings {
    const findings: Findings = { active: [], known: [], undecided: [], exempted: [] };
    for (const v of result.violations) {
        if (v.exemption) findings.exempted.push(v);
        else if (v.undecided) findings.undecided.push(v);
        else if (v.known) findings.known.push(v);
        else findings.active.push(v);
    }
    return findings;
}

export function summarize(result: GateResult): ReportSummary {
    const { active, known, undecided, exempted } = partitionFindings(result);
    const mandatory = active.filter(isBlocking).length;
    return {
        resources: result.resources.length,
        mandatory,
        advisory: active.length - mandatory,
        exempted: exempted.length,
        known: known.length,
        undecided: undecided.length,
        notAnalysed: result.notAnalysed.length,
        passed: mandatory === 0 && !(result.failOnNotAnalysed && result.notAnalysed.length > 0),
    };
}

/** The CLI's ranks (pulumi/pulumi pkg/backend/display/progress.go): unknowns sort last. */
const LEVEL_RANK: Record<string, number> = { remediate: 0, mandatory: 1, advisory: 2, disabled: 3 };
const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, "": 4 };

function rank(table: Record<string, number>, key: string | undefined): number {
    return table[key ?? ""] ?? 99;
}

/** The order `pulumi preview` prints violations in: level, severity, policy, URN. */
export function compareViolations(a: Violation, b: Violation): number {
    return (
        rank(LEVEL_RANK, a.enforcementLevel) - rank(LEVEL_RANK, b.enforcementLevel) ||
        rank(SEVERITY_RANK, a.severity) - rank(SEVERITY_RANK, b.severity) ||
        cmp(a.policyName, b.policyName) ||
        cmp(a.urn, b.urn)
    );
}

export function cmp(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

export function packKey(name: string, version: string): string {
    return `${name}@v${version}`;
}

/**
 * Every pack of the run, plus any pack a finding names that GetAnalyzerInfo did not
 * (never drop a finding because its pack is missing from the list).
 */
export function allPacks(result: GateResult): PackInfo[] {
    const packs = [...result.packs];
    const known = new Set(packs.map((p) => packKey(p.name, p.version)));
    for (const v of result.violations) {
        const key = packKey(v.packName, v.packVersion);
        if (!known.has(key)) {
            known.add(key);
            packs.push({ dir: "", name: v.packName, version: v.packVersion, policies: [] });
        }
    }
    return packs;
}

/**
 * A pack's declared policies, plus any policy its findings name that it did not declare
 * (e.g. a rule the pack reports about its own config), described from the finding.
 */
export function packPolicies(pack: PackInfo, violations: Violation[]): PolicyInfo[] {
    const policies = [...pack.policies];
    const known = new Set(policies.map((p) => p.name));
    for (const v of violations) {
        if (v.packName !== pack.name || v.packVersion !== pack.version || known.has(v.policyName)) continue;
        known.add(v.policyName);
        policies.push({
            name: v.policyName,
            description: v.description,
            enforcementLevel: v.enforcementLevel,
            severity: v.severity,
        });
    }
    return policies;
}

/** `aws:s3/bucketV2:BucketV2` -> `aws:s3:BucketV2`, as the CLI's tokens.Type.DisplayName. */
export function displayTypeName(type: string): string {
    const parts = type.split(":");
    if (parts.length !== 3 || parts[2] === "") return type;
    const [pkg, mod, name] = parts;
    const slash = mod.lastIndexOf("/");
    if (slash === -1) return type;
    const file = mod.slice(slash + 1);
    const camel = name.charAt(0).toLowerCase() + name.slice(1);
    return file === camel ? `${pkg}:${mod.slice(0, slash)}:${name}` : type;
}

/** The root Stack's URN, to stand for a stack policy's finding that names no resource. */
export function stackUrn(result: GateResult): string | undefined {
    return result.resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn;
}

/**
 * Where a finding points, most precise first: the `new` that created the resource, the
 * resource's recorded position, then the input itself (the export file, or the
 * program's Pulumi.yaml: a folder is no artifact a code-scanning UI can open).
 */
export function findingLocation(result: GateResult, v: Violation): SourcePosition {
    if (v.location) return v.location;
    const recorded = v.urn ? result.resources.find((r) => r.urn === v.urn)?.source : undefined;
    if (recorded) return recorded;
    const file = result.mode === "stack-export" ? result.source : path.join(result.source, "Pulumi.yaml");
    return { file, line: 1 };
}

/** A path relative to root when it lies under it (with forward slashes), else absolute. */
export function relativePath(file: string, root: string = process.cwd()): { path: string; relative: boolean } {
    const plain = file.startsWith("file://") ? decodeURIComponent(file.slice("file://".length)) : file;
    const absolute = path.resolve(root, plain);
    const rel = path.relative(path.resolve(root), absolute);
    if (rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel)) {
        return { path: rel.split(path.sep).join("/"), relative: true };
    }
    return { path: absolute, relative: false };
}

/**
 * Control characters shown as `\u{1b}` instead of written raw: a pack's message or a
 * resource name must not move a terminal's cursor or recolour a CI log (text report), and
 * XML 1.0 cannot carry most of them at all, not even as character references (JUnit).
 * `keep` lists the ones the format can carry (newline, tab ...).
 */
export function showControls(s: string, keep: string): string {
    let out = "";
    for (const ch of s) {
        const code = ch.codePointAt(0)!;
        const control = code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0xfffe || code === 0xffff;
        const loneSurrogate = code >= 0xd800 && code <= 0xdfff;
        out += (control && !keep.includes(ch)) || loneSurrogate ? `\\u{${code.toString(16)}}` : ch;
    }
    return out;
}
