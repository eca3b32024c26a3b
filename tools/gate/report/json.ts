/**
 * The machine report. Its shape is docs/gate-report.schema.json (described in
 * docs/GATE.md); change both together and bump JSON_SCHEMA_VERSION's major part when a
 * consumer could break (a field removed or retyped), its minor part for an added field.
 */
import { GateResult, Violation } from "../types";
import { RenderOptions, ReportSummary, relativePath, summarize } from "./model";

export const JSON_SCHEMA_VERSION = "1.1";

export interface JsonLocation {
    file: string;
    line: number;
    column?: number;
}

/** One finding, flat: a consumer filters and groups without joining tables. */
export interface JsonViolation {
    policyName: string;
    packName: string;
    packVersion: string;
    enforcementLevel: Violation["enforcementLevel"];
    severity: string;
    urn: string;
    resourceType: string;
    resourceName: string;
    message: string;
    location?: JsonLocation;
    undecided?: boolean;
    exemption?: { rule: string; reason: string; expires?: string };
    known?: boolean;
}

export interface JsonReport {
    schemaVersion: string;
    mode: GateResult["mode"];
    source: string;
    stack: string;
    packs: {
        name: string;
        version: string;
        dir: string;
        policies: {
            name: string;
            description: string;
            enforcementLevel: string;
            severity: string;
            framework?: { name?: string; version?: string; reference?: string; specification?: string };
            tags?: string[];
            remediationSteps?: string;
            url?: string;
        }[];
    }[];
    resources: { urn: string; type: string; name: string }[];
    /** Every finding that is not exempted, undecided ones included (flagged). */
    violations: JsonViolation[];
    /** Exempted findings, each with its exemption; they never fail the gate. */
    exempted: JsonViolation[];
    notAnalysed: { urn: string; type: string; package: string; reason: string }[];
    /** Per pack and policy, how many resources it could not decide. */
    undecided: Record<string, number>;
    /** What a person should know about how the verdict was reached (unmodelled invokes, unreadable secrets). */
    warnings: string[];
    /** With --baseline: the file, how many findings it already held, how many of its entries are gone. */
    baseline?: { file: string; known: number; fixed: number };
    summary: ReportSummary;
}

export function buildJsonReport(result: GateResult, options: RenderOptions = {}): JsonReport {
    const root = options.root ?? process.cwd();
    const sourceOf = new Map(result.resources.map((r) => [r.urn, r.source]));
    const flat = (v: Violation): JsonViolation => {
        // Only a real position: a finding without one says so rather than pointing at a guess.
        const at = v.location ?? (v.urn ? sourceOf.get(v.urn) : undefined);
        return {
            policyName: v.policyName,
            packName: v.packName,
            packVersion: v.packVersion,
            enforcementLevel: v.enforcementLevel,
            severity: v.severity,
            urn: v.urn,
            resourceType: v.resourceType,
            resourceName: v.resourceName,
            message: v.message,
            ...(at && {
                location: {
                    file: relativePath(at.file, root).path,
                    // SARIF and editors count from 1; a 0 from a tool means "unknown line".
                    line: Math.max(1, Math.floor(at.line)),
                    ...(at.column !== undefined && { column: at.column }),
                },
            }),
            ...(v.undecided && { undecided: true }),
            ...(v.exemption && { exemption: { ...v.exemption } }),
            ...(v.known && { known: true }),
        };
    };
    return {
        schemaVersion: JSON_SCHEMA_VERSION,
        mode: result.mode,
        source: result.source,
        stack: result.stack,
        packs: result.packs.map((p) => ({
            name: p.name,
            version: p.version,
            dir: p.dir,
            policies: p.policies.map((pol) => ({
                name: pol.name,
                description: pol.description,
                enforcementLevel: pol.enforcementLevel,
                severity: pol.severity ?? "",
                ...(pol.framework && { framework: { ...pol.framework } }),
                ...(pol.tags && { tags: [...pol.tags] }),
                ...(pol.remediationSteps !== undefined && { remediationSteps: pol.remediationSteps }),
                ...(pol.url !== undefined && { url: pol.url }),
            })),
        })),
        resources: result.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name })),
        // The packs' order (resource by resource, then stack policies) is kept: it is the engine's.
        violations: result.violations.filter((v) => !v.exemption).map(flat),
        exempted: result.violations.filter((v) => v.exemption).map(flat),
        notAnalysed: result.notAnalysed.map((c) => ({
            urn: c.urn,
            type: c.type,
            package: c.package,
            reason: c.reason,
        })),
        undecided: { ...result.undecided },
        warnings: [...(result.warnings ?? [])],
        ...(result.baseline && { baseline: { ...result.baseline } }),
        summary: summarize(result),
    };
}

export function renderJson(result: GateResult, options: RenderOptions = {}): string {
    return JSON.stringify(buildJsonReport(result, options), null, 2) + "\n";
}
