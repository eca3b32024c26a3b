/**
 * The human report, kept close to what `pulumi preview --policy-pack` prints (pulumi/pulumi
 * pkg/backend/display: progress.go printPolicies, diff.go renderDiffPolicyViolationEvent)
 * so that a reader used to the CLI reads it without a legend:
 *
 *     Policies:
 *         ❌ secure-web-app@v0.1.0 (local: policies)
 *             - [mandatory] [severity: high]  lambda-function-in-vpc  (aws:lambda:Function: api)
 *               Lambda functions run in private subnets.
 *               Lambda function 'api' must ...
 *               urn: urn:pulumi:dev::secure-web-app::...
 *               at: infra/api.ts:120
 *               fix: Set vpcConfig ...
 *
 * The lines the CLI prints are printed byte for byte (without colour). The gate adds what the
 * CLI leaves to the service or does not have: each finding's URN, source line and fix, exempted findings with their reasons, remote components it could not
 * see into, per-policy counts of undecided resources, the engine's warnings, and a
 * one-line verdict.
 */
import { GateResult, PackInfo, Violation } from "../types";
import {
    RenderOptions,
    allPacks,
    compareViolations,
    displayTypeName,
    Findings,
    findingLocation,
    isBlocking,
    packKey,
    partitionFindings,
    relativePath,
    showControls,
    summarize,
} from "./model";

const INDENT = "    ";
const ITEM = INDENT + INDENT;

/** The CLI's colour roles, as ANSI codes (used only when asked for). */
const ANSI = { headline: "\x1b[1;35m", error: "\x1b[31m", warning: "\x1b[33m", info: "\x1b[36m", reset: "\x1b[0m" };
type Role = keyof typeof ANSI;

type Paint = (role: Role, s: string) => string;

export function renderText(result: GateResult, options: RenderOptions = {}): string {
    const paint: Paint = (role, s) => (options.color ? `${ANSI[role]}${s}${ANSI.reset}` : s);
    const findings = partitionFindings(result);
    return [
        paint("headline", "Policies:"),
        ...packLines(result, findings, options.root ?? process.cwd(), paint),
        ...exemptedLines(findings.exempted, paint),
        ...knownLines(result, findings.known, paint),
        ...notAnalysedLines(result, paint),
        ...undecidedLines(result, paint),
        ...warningLines(result, paint),
        ...summaryLines(result, paint),
    ].join("\n");
}

/** Each pack as the CLI lists it: a mark, its name and version, then its findings. */
function packLines(result: GateResult, { active, undecided }: Findings, root: string, paint: Paint): string[] {
    const lines: string[] = [];
    const packs = allPacks(result).sort((a, b) => (packKey(a.name, a.version) < packKey(b.name, b.version) ? -1 : 1));
    for (const pack of packs) {
        const own = (v: Violation): boolean => v.packName === pack.name && v.packVersion === pack.version;
        // The CLI lists undecided findings ("can't run policy ... during preview") among the
        // advisory violations; the gate also counts them in its own section below.
        const findings = [...active, ...undecided].filter(own).sort(compareViolations);
        const mark = findings.some((v) => isBlocking(v) && !v.undecided) ? "❌" : findings.length > 0 ? "⚠️" : "✅";
        const local = pack.dir ? ` (local: ${t(pack.dir)})` : "";
        lines.push(`${INDENT}${mark} ${paint("info", t(packKey(pack.name, pack.version)))}${local}`);
        for (const v of findings) {
            lines.push(...violationLines(v, result, root, paint, remediation(pack, v.policyName)));
        }
    }
    return lines;
}

/** Findings an exemption in the pack config covers, each with the exemption's rule and reason. */
function exemptedLines(exempted: Violation[], paint: Paint): string[] {
    if (exempted.length === 0) return [];
    const lines = ["", paint("headline", "Exempted:")];
    for (const v of [...exempted].sort(compareViolations)) {
        const e = v.exemption!;
        const expires = e.expires ? ` (expires ${t(e.expires)})` : "";
        lines.push(...findingHeading(v));
        lines.push(`${ITEM}exempted by rule '${t(e.rule)}': ${oneLine(e.reason)}${expires}`);
    }
    return lines;
}

/** Findings the baseline already holds: listed, not failing. */
function knownLines(result: GateResult, known: Violation[], paint: Paint): string[] {
    const b = result.baseline;
    if (!b) return [];
    const heading = `Known (in baseline ${t(b.file)}; listed, not failing; ${b.fixed} of its findings fixed):`;
    return ["", paint("headline", heading), ...[...known].sort(compareViolations).flatMap(findingHeading)];
}

/** A finding in the short form of the gate's own sections: level, policy, resource, URN. */
function findingHeading(v: Violation): string[] {
    const lines = [`${INDENT}- [${v.enforcementLevel}]  ${t(v.policyName)}${resourceClause(v)}`];
    if (v.urn) lines.push(`${ITEM}urn: ${t(v.urn)}`);
    return lines;
}

function notAnalysedLines(result: GateResult, paint: Paint): string[] {
    if (result.notAnalysed.length === 0) return [];
    return [
        "",
        paint("headline", "Not analysed (remote components: the gate cannot see their children):"),
        ...result.notAnalysed.flatMap((c) => [
            `${INDENT}- ${t(c.urn)}  (${t(displayTypeName(c.type))}, package ${t(c.package)})`,
            `${ITEM}${oneLine(c.reason)}`,
        ]),
    ];
}

function undecidedLines(result: GateResult, paint: Paint): string[] {
    const keys = Object.keys(result.undecided).sort();
    if (keys.length === 0) return [];
    return [
        "",
        paint("headline", "Undecided (a value the policy reads is unknown during preview):"),
        ...keys.map((key) => {
            const n = result.undecided[key];
            return `${INDENT}- ${t(key)}: ${n} ${n === 1 ? "resource" : "resources"}`;
        }),
    ];
}

function warningLines(result: GateResult, paint: Paint): string[] {
    if (!result.warnings?.length) return [];
    return ["", paint("headline", "Warnings:"), ...result.warnings.map((w) => `${INDENT}- ${oneLine(w)}`)];
}

/** The counts and the one-line verdict. */
function summaryLines(result: GateResult, paint: Paint): string[] {
    const s = summarize(result);
    const unseen = `${s.notAnalysed} component${s.notAnalysed === 1 ? "" : "s"} not analysed`;
    const verdict = s.passed
        ? paint("info", `PASSED (no mandatory violation${s.notAnalysed ? `; ${unseen}` : ""})`)
        : paint("error", s.mandatory ? "FAILED (mandatory violations)" : `FAILED (${unseen}, --fail-on-not-analysed)`);
    return [
        "",
        paint("headline", "Summary:"),
        `${INDENT}${s.resources} resources analysed (${result.mode}, stack '${t(result.stack)}'): ` +
            `${s.mandatory} mandatory, ${s.advisory} advisory, ${s.exempted} exempted, ` +
            (result.baseline ? `${s.known} known, ` : "") +
            `${s.undecided} undecided, ${s.notAnalysed} not analysed: ${verdict}`,
        "",
    ];
}

/**
 * Every string that comes from the pack, the program or the stack goes through here, so
 * only the report's own colour codes reach the terminal (see showControls).
 */
function t(s: string): string {
    return showControls(s, "");
}

/**
 * One finding as the CLI prints it (pkg/backend/display/diff.go, renderDiffPolicyViolationEvent,
 * with progress.go's indents): the heading, then the message the pack sent, line by line (for
 * @pulumi/policy: the policy's description, then the violation's message). Then the gate's
 * additions, each on its own line: URN, where the resource was made, and the policy's fix.
 */
function violationLines(
    v: Violation,
    result: GateResult,
    root: string,
    paint: Paint,
    fix: string | undefined,
): string[] {
    const severity = v.severity ? ` [severity: ${v.severity}]` : "";
    const heading = paint(
        isBlocking(v) ? "error" : "warning",
        `[${v.enforcementLevel}]${t(severity)}  ${t(v.policyName)}`,
    );
    const pad = ITEM + "  ";
    const lines = [`${ITEM}- ${heading}${resourceClause(v)}`];
    // A message may span lines; the CLI indents each under the heading.
    for (const line of (v.rawMessage ?? v.message).replace(/\n$/, "").split("\n")) lines.push(pad + t(line));
    if (v.urn) lines.push(`${pad}urn: ${t(v.urn)}`);
    const at = findingLocation(result, v);
    lines.push(`${pad}at: ${t(relativePath(at.file, root).path)}:${at.line}`);
    if (fix && !v.undecided) lines.push(`${pad}fix: ${oneLine(fix)}`);
    return lines;
}

/** The remediation steps a pack declares for a policy, if any. */
function remediation(pack: PackInfo, policyName: string): string | undefined {
    return pack.policies.find((p) => p.name === policyName)?.remediationSteps;
}

/** The CLI's "  (type: name)" clause; absent for a stack policy's finding with no URN. */
function resourceClause(v: Violation): string {
    return v.urn ? `  (${t(displayTypeName(v.resourceType))}: ${t(v.resourceName)})` : "";
}

function oneLine(s: string): string {
    return t(s.replace(/\s*\n\s*/g, " "));
}
