/**
 * Exemptions: reviewed exceptions with a written reason, owned by CI through the
 * `--policy-pack-config` file.
 *
 * Why this design. @pulumi/policy has no per-resource suppression, its config is per policy,
 * and a policy reports every violation at the policy's own enforcement level. So:
 *
 * 1. Every rule's configSchema takes `exemptions: [{ resource, reason, expires? }]`
 *    (`resource` is a URN or a resource-name glob; `*` any run of characters, `?` one).
 *    `reason` is deliberately not schema-required: a missing reason must surface as a
 *    mandatory violation of this pack (below), not as a Configure error that hides which
 *    exemption is wrong.
 * 2. The rule wrapper (lib/rule.ts) captures each rule's config on every call (every resource
 *    rule is called for every resource; stack rules run in AnalyzeStack) and, when a finding's
 *    resource matches a valid exemption, records the finding here instead of reporting it.
 *    Resource Analyze calls all happen before AnalyzeStack in the same pack process, so by the
 *    time the two exemption policies run (placed LAST in the pack) every finding is recorded.
 * 3. `policy-exemptions-applied` (advisory) reports each exempted finding as
 *    `exempted: <rule> on <urn>: <reason>` (the gate parses this prefix), so nothing is dropped
 *    silently and nothing fails the gate.
 * 4. `policy-exemptions-valid` (mandatory) reports an exemption without a reason, with an
 *    unreadable or past `expires` date (such an exemption exempts nothing: the finding is
 *    reported at its rule's level), and `policy-exemptions-current` (advisory) reports stale
 *    ones that match no resource in the stack.
 *
 * State lives in this module for one preview. A resource call that arrives after a stack
 * phase starts a new preview (the pack process serves many, e.g. in tests), and each rule's
 * records for a resource are replaced whenever the rule judges that resource again.
 *
 * Dates compare against `policyNow()`: env SECURE_WEB_APP_POLICY_NOW (an ISO date) when set,
 * so tests can fix the clock, else the real clock. `expires: "2026-03-31"` is valid through
 * that whole UTC day.
 */

export interface Exemption {
    /** A URN (`urn:pulumi:...`, globs allowed) or a resource-name glob. */
    resource?: unknown;
    /** Why this exception is acceptable; required (checked by policy-exemptions-valid). */
    reason?: unknown;
    /** ISO date (or date-time) after which the exemption no longer applies. */
    expires?: unknown;
}

/** A finding a valid exemption kept from failing the gate. */
export interface ExemptedFinding {
    rule: string;
    urn: string;
    message: string;
    reason: string;
    expires?: string;
    /** Which entry of the rule's `exemptions` list matched. */
    index: number;
}

/** The JSON schema every rule's configSchema carries as `exemptions`. */
export const EXEMPTIONS_SCHEMA = {
    type: "array",
    description:
        "Reviewed exceptions: each names a resource (URN or name glob) and the reason; an optional ISO date `expires` ends it.",
    items: {
        type: "object",
        properties: {
            resource: { type: "string", description: "URN or resource-name glob (`*`, `?`)." },
            reason: { type: "string", description: "Why this exception is acceptable (required)." },
            expires: { type: "string", description: "ISO date; the exemption lapses after this day (UTC)." },
        },
        required: ["resource"],
    },
} as const;

export const NOW_ENV = "SECURE_WEB_APP_POLICY_NOW";

/** The clock exemptions are judged by (settable by tests through SECURE_WEB_APP_POLICY_NOW). */
export function policyNow(): Date {
    const fixed = process.env[NOW_ENV];
    if (fixed) {
        const parsed = new Date(fixed);
        if (!Number.isNaN(parsed.getTime())) return parsed;
    }
    return new Date();
}

/** The instant an `expires` value ends, or undefined when it is not a readable date. */
export function expiryInstant(expires: string): Date | undefined {
    const trimmed = expires.trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
        const day = new Date(`${trimmed}T00:00:00Z`);
        if (Number.isNaN(day.getTime())) return undefined;
        return new Date(day.getTime() + 24 * 60 * 60 * 1000);
    }
    if (!/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) return undefined;
    const instant = new Date(trimmed);
    return Number.isNaN(instant.getTime()) ? undefined : instant;
}

export type ExemptionProblem = "no-resource" | "no-reason" | "bad-expires" | "expired";

/** What is wrong with an exemption entry, or undefined when it may be applied. */
export function exemptionProblem(entry: unknown, now: Date): ExemptionProblem | undefined {
    if (typeof entry !== "object" || entry === null) return "no-resource";
    const e = entry as Exemption;
    if (typeof e.resource !== "string" || e.resource.trim() === "") return "no-resource";
    if (typeof e.reason !== "string" || e.reason.trim() === "") return "no-reason";
    if (e.expires !== undefined && e.expires !== null) {
        if (typeof e.expires !== "string") return "bad-expires";
        const end = expiryInstant(e.expires);
        if (!end) return "bad-expires";
        if (now.getTime() >= end.getTime()) return "expired";
    }
    return undefined;
}

/**
 * Glob match (`*` any run, `?` one character) in time linear in pattern x text: the
 * patterns come from CI-owned config, and a backtracking regular expression built from
 * one (`*a*a*a...*b`) can take seconds per resource and stall the whole preview.
 */
export function globMatches(pattern: string, text: string): boolean {
    let p = 0;
    let t = 0;
    let star = -1;
    let mark = 0;
    while (t < text.length) {
        if (p < pattern.length && (pattern[p] === "?" || pattern[p] === text[t])) {
            p++;
            t++;
        } else if (p < pattern.length && pattern[p] === "*") {
            star = p++;
            mark = t;
        } else if (star >= 0) {
            // Let the last `*` absorb one more character and retry from there.
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.length && pattern[p] === "*") p++;
    return p === pattern.length;
}

/** The resource name a URN ends with (`urn:pulumi:stack::project::type::name`). */
export function nameOfUrn(urn: string): string {
    const at = urn.lastIndexOf("::");
    return at >= 0 ? urn.slice(at + 2) : urn;
}

/** True when an exemption's `resource` pattern names this resource (by URN or by name). */
export function patternMatches(pattern: string, urn: string, name?: string): boolean {
    const p = pattern.trim();
    if (p.startsWith("urn:")) return p === urn || globMatches(p, urn);
    const n = name ?? nameOfUrn(urn);
    return p === n || globMatches(p, n);
}

/** The first valid exemption (and its index) matching the resource, if any. */
export function matchingExemption(
    exemptions: unknown,
    urn: string,
    name: string | undefined,
    now: Date,
): { entry: Exemption; index: number } | undefined {
    if (!Array.isArray(exemptions)) return undefined;
    for (let index = 0; index < exemptions.length; index++) {
        const entry = exemptions[index];
        if (exemptionProblem(entry, now) !== undefined) continue;
        const e = entry as Exemption;
        if (patternMatches(e.resource as string, urn, name)) return { entry: e, index };
    }
    return undefined;
}

// ---- per-preview state ---------------------------------------------------------------------

/** Config each rule last received (captured inside validate: the SDK keeps its own private). */
const configs = new Map<string, Record<string, unknown>>();
/** Exempted findings by rule, then by URN ("" for a stack-level finding). */
const exempted = new Map<string, Map<string, ExemptedFinding[]>>();
let stackPhaseSeen = false;

/** Called by every resource-rule call: a resource call after a stack phase is a new preview. */
export function beginResourceCall(): void {
    if (stackPhaseSeen) {
        configs.clear();
        exempted.clear();
        stackPhaseSeen = false;
    }
}

/** Called by every stack-policy call. */
export function beginStackCall(): void {
    stackPhaseSeen = true;
}

export function captureConfig(rule: string, config: Record<string, unknown>): void {
    configs.set(rule, config);
}

export function capturedConfigs(): ReadonlyMap<string, Record<string, unknown>> {
    return configs;
}

/** Forget a rule's exempted findings on one resource (it is being judged again). */
export function clearExempted(rule: string, urn?: string): void {
    if (urn === undefined) exempted.delete(rule);
    else exempted.get(rule)?.delete(urn);
}

export function recordExempted(finding: ExemptedFinding): void {
    let byUrn = exempted.get(finding.rule);
    if (!byUrn) exempted.set(finding.rule, (byUrn = new Map()));
    const list = byUrn.get(finding.urn) ?? [];
    if (!list.some((f) => f.message === finding.message)) list.push(finding);
    byUrn.set(finding.urn, list);
}

export function exemptedFindings(): ExemptedFinding[] {
    const out: ExemptedFinding[] = [];
    for (const byUrn of exempted.values()) for (const list of byUrn.values()) out.push(...list);
    return out;
}

/** Test hook: forget everything (a fresh pack process). */
export function resetExemptionState(): void {
    configs.clear();
    exempted.clear();
    stackPhaseSeen = false;
}
