/**
 * `--baseline FILE`: adopt the pack on an existing stack without fixing everything first.
 * The baseline is a JSON report from an earlier run (`--format json --output FILE`). A
 * finding already in it (same pack, policy and resource URN) is *known*: listed, but it no
 * longer fails the gate; a new finding still does. Messages are not part of the identity,
 * so rewording a rule's message does not turn known findings into new ones.
 */
import { GateError, parseJsonInput, readInput } from "./errors";
import type { GateResult } from "./types";

export interface Baseline {
    file: string;
    keys: Set<string>;
}

const fix = "Pass a report written by `npm run gate -- --format json --output FILE`.";

export function findingKey(packName: string, policyName: string, urn: string): string {
    return `${packName}\u0000${policyName}\u0000${urn}`;
}

export function loadBaseline(file: string): Baseline {
    const doc = parseJsonInput(readInput(file, "baseline file", fix), `baseline ${file}`, fix);
    if (!doc || typeof doc !== "object" || typeof doc.schemaVersion !== "string" || !Array.isArray(doc.violations)) {
        throw new GateError(`baseline ${file} is not a gate JSON report (no schemaVersion or violations list)`, fix);
    }
    if (!doc.schemaVersion.startsWith("1.")) {
        throw new GateError(`baseline ${file} has report schema ${doc.schemaVersion}; this gate reads 1.x`, fix);
    }
    const keys = new Set<string>();
    for (const [i, v] of doc.violations.entries()) {
        if (!v || typeof v.policyName !== "string" || typeof v.packName !== "string" || typeof v.urn !== "string") {
            throw new GateError(`baseline ${file}: violations[${i}] lacks packName, policyName or urn`, fix);
        }
        keys.add(findingKey(v.packName, v.policyName, v.urn));
    }
    return { file, keys };
}

/** Marks the findings the baseline already holds as known; returns how many baseline entries are gone (fixed). */
export function applyBaseline(result: GateResult, baseline: Baseline): { known: number; fixed: number } {
    const seen = new Set<string>();
    let known = 0;
    for (const v of result.violations) {
        if (v.exemption || v.undecided) continue;
        const key = findingKey(v.packName, v.policyName, v.urn);
        if (baseline.keys.has(key)) {
            v.known = true;
            seen.add(key);
            known++;
        }
    }
    return { known, fixed: [...baseline.keys].filter((k) => !seen.has(k)).length };
}
