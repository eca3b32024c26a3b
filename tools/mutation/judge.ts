/**
 * Verdicts, from the findings of the baseline run and of each mutated run. Pure functions: the
 * runner feeds them, the spec tests them.
 *
 * - A mutation is `caught` when the expected rule reports a decided, non-exempted finding on
 *   the expected URN at the expected level (a mandatory finding also satisfies an advisory
 *   expectation), and the baseline has no finding of that rule on that URN. Otherwise it
 *   SURVIVED — unless its run failed, which is an ERROR (never a pass).
 * - A control is `quiet` when it adds no blocking finding to the baseline's, and no finding at
 *   all of the rules it names `silent`; else FLAGGED.
 */
import type { ResourceRecord, Violation } from "../gate/types";
import { findingKey, isBlocking } from "./analyse";
import type { Control, Mutation } from "./types";

export interface RunOutcome {
    /** The program's registrations (absent when the run failed). */
    resources?: ResourceRecord[];
    violations?: Violation[];
    /** Why the run failed: the program threw, the hook refused, the pack failed. */
    error?: string;
    programMs?: number;
    analyseMs?: number;
}

export type MutationVerdict =
    | { result: "caught"; level: string; message: string; others: Violation[] }
    | { result: "SURVIVED"; why: string; others: Violation[] }
    | { result: "ERROR"; why: string };

export type ControlVerdict =
    { result: "quiet" } | { result: "FLAGGED"; findings: Violation[] } | { result: "ERROR"; why: string };

/** Findings of `run` that the baseline does not have (same rule, resource and message). */
export function newFindings(baseline: Violation[], run: Violation[]): Violation[] {
    const known = new Set(baseline.map(findingKey));
    return run.filter((v) => !known.has(findingKey(v)));
}

export function judgeMutation(m: Mutation, baseline: Violation[], run: RunOutcome): MutationVerdict {
    if (run.error !== undefined || !run.violations || !run.resources) {
        return { result: "ERROR", why: run.error ?? "the run produced no result" };
    }
    if (!run.resources.some((r) => r.urn === m.resource)) {
        return {
            result: "ERROR",
            why: `the expected resource ${m.resource} was not registered: fix the catalogue's URN`,
        };
    }
    const onTarget = (v: Violation) => v.policyName === m.rule && v.urn === m.resource;
    const already = baseline.filter(onTarget);
    if (already.length > 0) {
        return {
            result: "ERROR",
            why: `the unmutated program already has ${m.rule} on this resource: ${already[0]!.message}`,
        };
    }
    const fresh = newFindings(baseline, run.violations);
    const hits = fresh.filter((v) => onTarget(v) && !v.undecided && !v.exemption);
    const others = fresh.filter((v) => !onTarget(v));
    const atLevel =
        hits.find((v) => v.enforcementLevel === "mandatory" || v.enforcementLevel === "remediate") ??
        (m.level === "advisory" ? hits.find((v) => v.enforcementLevel === "advisory") : undefined);
    if (atLevel) return { result: "caught", level: atLevel.enforcementLevel, message: atLevel.message, others };
    const undecided = fresh.find((v) => onTarget(v) && v.undecided);
    const why =
        hits.length > 0
            ? `${m.rule} reported it at ${hits[0]!.enforcementLevel}, not ${m.level}: ${hits[0]!.message}`
            : undecided
              ? `${m.rule} could not decide: ${undecided.message}`
              : `${m.rule} reported nothing on ${m.resource}`;
    return { result: "SURVIVED", why, others };
}

export function judgeControl(c: Control, baseline: Violation[], run: RunOutcome): ControlVerdict {
    if (run.error !== undefined || !run.violations)
        return { result: "ERROR", why: run.error ?? "the run produced no result" };
    const silent = new Set(c.silent ?? []);
    const added = newFindings(baseline, run.violations).filter((v) => isBlocking(v) || silent.has(v.policyName));
    return added.length === 0 ? { result: "quiet" } : { result: "FLAGGED", findings: added };
}
