/**
 * The policies about the pack's own config (`policy-*`): the three that report on exemptions.
 * index.ts places them LAST in the pack so they run after every rule has recorded its findings
 * (see lib/exemptions.ts for the design).
 */
import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import {
    beginStackCall,
    capturedConfigs,
    exemptedFindings,
    exemptionProblem,
    ExemptionProblem,
    patternMatches,
    policyNow,
} from "../lib/exemptions";
import { _policyFields, registerPolicy, RuleMetadata } from "../lib/rule";

const APPLIED: RuleMetadata = {
    name: "policy-exemptions-applied",
    description:
        "Checks that every finding a configured exemption kept from failing the gate is listed with its rule and reason (advisory, so an exempted finding stays visible without blocking).",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
        "Nothing to fix while the reason still holds. Review exemptions regularly; remove one when the resource is fixed.",
    tags: ["exemptions", "governance"],
    rationale:
        "Every exception must stay visible in every report. Each message starts `exempted: <rule> on <urn>: <reason>`; keep this policy advisory (also in strict configs), or every exempted finding fails the gate again.",
};

const VALID: RuleMetadata = {
    name: "policy-exemptions-valid",
    description:
        "Checks that every exemption in the policy-pack config names a resource, gives a written reason and, when it has an `expires` date, has not expired.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Give the exemption a `resource` (URN or name glob) and a `reason`; renew or remove an expired one; write `expires` as an ISO date (YYYY-MM-DD).",
    tags: ["exemptions", "governance"],
    rationale:
        "An exception without a reason cannot be reviewed, and one past its date was meant to end. Such an exemption exempts nothing: the finding it names is reported at its rule's level too.",
};

const CURRENT: RuleMetadata = {
    name: "policy-exemptions-current",
    description:
        "Checks that every exemption in the policy-pack config still matches a resource in the stack (a stale exemption would silently exempt a future resource that reuses the name).",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
        "Remove the stale exemption, or fix its `resource` pattern to the resource's current URN or name.",
    tags: ["exemptions", "governance"],
};

function stackPolicy(meta: RuleMetadata, validateStack: (args: StackValidationArgs, report: ReportViolation) => void) {
    const policy: StackValidationPolicy = {
        ..._policyFields(meta),
        validateStack: (args, report) => {
            beginStackCall();
            validateStack(args, report);
        },
    };
    return registerPolicy(policy, meta, "stack");
}

const PROBLEM_TEXT: Record<ExemptionProblem, string> = {
    "no-resource": "must name a resource: set `resource` to a URN or a resource-name glob",
    "no-reason": "must give a written reason: set `reason` to why this exception is acceptable",
    "bad-expires": "must write `expires` as an ISO date (YYYY-MM-DD): fix the date or remove it",
    expired: "has expired: fix the resource, or review the exception and set a new `expires`",
};

/** Every exemption entry of every rule that ran, with its rule and index. */
function* configuredExemptions(): Generator<{ rule: string; index: number; entry: unknown }> {
    for (const [rule, config] of capturedConfigs()) {
        const list = config.exemptions;
        if (!Array.isArray(list)) continue;
        for (let index = 0; index < list.length; index++) yield { rule, index, entry: list[index] };
    }
}

function describe(rule: string, index: number, entry: unknown): string {
    const resource =
        typeof entry === "object" && entry !== null && typeof (entry as { resource?: unknown }).resource === "string"
            ? ` (resource "${(entry as { resource: string }).resource}")`
            : "";
    return `policy config '${rule}'.exemptions[${index}]${resource}`;
}

export const exemptionsApplied = stackPolicy(APPLIED, (args, report) => {
    const present = new Set(args.resources.map((r) => r.urn));
    for (const f of exemptedFindings()) {
        // Findings recorded in an earlier preview of this process for a resource that is gone.
        if (f.urn !== "" && !present.has(f.urn)) continue;
        const expiry = f.expires ? ` (expires ${f.expires})` : "";
        // Exactly this shape, nothing after it: the gate parses it (tools/gate/analyzer.ts).
        report(`exempted: ${f.rule} on ${f.urn || "the stack"}: ${f.reason}${expiry}`, f.urn || undefined);
    }
});

export const exemptionsValid = stackPolicy(VALID, (_args, report) => {
    const now = policyNow();
    for (const { rule, index, entry } of configuredExemptions()) {
        const problem = exemptionProblem(entry, now);
        if (problem) report(`${describe(rule, index, entry)} ${PROBLEM_TEXT[problem]}`);
    }
});

export const exemptionsCurrent = stackPolicy(CURRENT, (args, report) => {
    const now = policyNow();
    for (const { rule, index, entry } of configuredExemptions()) {
        if (exemptionProblem(entry, now)) continue; // reported by policy-exemptions-valid
        const pattern = (entry as { resource: string }).resource;
        if (!args.resources.some((r) => patternMatches(pattern, r.urn, r.name))) {
            report(`${describe(rule, index, entry)} matches no resource in this stack: remove it or fix the pattern`);
        }
    }
});

/** The exemption policies, in the order index.ts appends them after every rule. */
export const rules = [exemptionsApplied, exemptionsValid, exemptionsCurrent];
