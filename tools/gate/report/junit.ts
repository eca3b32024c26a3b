/**
 * JUnit XML, for CI systems that show test results but not SARIF. The mapping (also in
 * docs/GATE.md):
 *
 * - one <testsuite> per pack (name `pack@vX`), one <testcase> per policy
 *   (classname = pack name, name = policy name), every declared policy listed so a
 *   passing policy shows as a passing test;
 * - a <failure> when the policy has a mandatory (or remediate) finding, its text listing
 *   each URN with its message;
 * - advisory, undecided and baseline-known findings in the test case's <system-out>:
 *   reported, not failed;
 * - <skipped> when the policy is disabled, or when all its findings are exempted (the
 *   message names the exemptions); exempted findings of a policy that also fails are
 *   listed in <system-out>;
 * - remote components not analysed: a last suite `secure-web-app-gate`, test case
 *   `remote-components-analysed`, skipped, naming each component; the engine's warnings
 *   go in that suite's <system-out>.
 */
import { GateResult, PolicyInfo, Violation } from "../types";
import { allPacks, compareViolations, isBlocking, packKey, packPolicies, showControls } from "./model";
import { TOOL_NAME } from "./sarif";

interface Suite {
    name: string;
    cases: Case[];
    out?: string[];
}

interface Case {
    classname: string;
    name: string;
    failure?: { message: string; type: string; text: string };
    skipped?: string;
    out: string[];
}

export function renderJunit(result: GateResult): string {
    const suites: Suite[] = [];
    for (const pack of allPacks(result)) {
        const mine = result.violations.filter((v) => v.packName === pack.name && v.packVersion === pack.version);
        suites.push({
            name: packKey(pack.name, pack.version),
            cases: packPolicies(pack, mine).map((pol) =>
                policyCase(pack.name, pol, mine.filter((v) => v.policyName === pol.name).sort(compareViolations)),
            ),
        });
    }
    const gate: Suite = { name: TOOL_NAME, cases: [], out: result.warnings ?? [] };
    if (result.notAnalysed.length > 0) {
        const what = `${result.notAnalysed.length} remote component(s) not analysed: their children are invisible to the gate`;
        gate.cases.push({
            classname: TOOL_NAME,
            name: "remote-components-analysed",
            // With --fail-on-not-analysed the run fails on them: a failure, not a skip.
            ...(result.failOnNotAnalysed
                ? {
                      failure: {
                          message: what,
                          type: "not-analysed",
                          text: result.notAnalysed.map((c) => c.reason).join("\n"),
                      },
                  }
                : { skipped: what }),
            out: result.notAnalysed.map((c) => `${c.urn} (${c.type}, package ${c.package}): ${c.reason}`),
        });
    }
    if (gate.cases.length > 0 || gate.out!.length > 0) suites.push(gate);

    const count = (cases: Case[], pick: (c: Case) => unknown): number => cases.filter(pick).length;
    const all = suites.flatMap((s) => s.cases);
    const seconds = (result.durationMs / 1000).toFixed(3);
    const xml: string[] = [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<testsuites name="${attr(TOOL_NAME)}" tests="${all.length}" failures="${count(all, (c) => c.failure)}" ` +
            `errors="0" skipped="${count(all, (c) => c.skipped)}" time="${seconds}">`,
    ];
    for (const suite of suites) {
        xml.push(
            `  <testsuite name="${attr(suite.name)}" tests="${suite.cases.length}" ` +
                `failures="${count(suite.cases, (c) => c.failure)}" errors="0" ` +
                `skipped="${count(suite.cases, (c) => c.skipped)}">`,
        );
        for (const c of suite.cases) xml.push(...caseXml(c));
        if (suite.out?.length) xml.push(`    <system-out>${text(suite.out.join("\n"))}</system-out>`);
        xml.push(`  </testsuite>`);
    }
    xml.push(`</testsuites>`, "");
    return xml.join("\n");
}

function policyCase(packName: string, pol: PolicyInfo, findings: Violation[]): Case {
    const c: Case = { classname: packName, name: pol.name, out: [] };
    const blocking = findings.filter((v) => !v.exemption && !v.undecided && !v.known && isBlocking(v));
    const exempted = findings.filter((v) => v.exemption);
    const describe = (v: Violation): string => `${v.urn || "(stack)"}\n    ${v.message}`;

    if (blocking.length > 0) {
        c.failure = {
            message: `${blocking.length} mandatory violation(s) of ${pol.name}`,
            type: blocking[0].enforcementLevel,
            text: blocking.map(describe).join("\n"),
        };
    } else if (pol.enforcementLevel === "disabled" && findings.length === 0) {
        c.skipped = "policy disabled by the pack config";
    } else if (exempted.length > 0 && exempted.length === findings.length) {
        c.skipped = `all ${exempted.length} finding(s) exempted: ` + exempted.map(exemptionText).join("; ");
    }
    for (const v of findings) {
        if (v.exemption) c.out.push(`[exempted] ${v.urn}: ${exemptionText(v)}`);
        else if (v.undecided) c.out.push(`[undecided] ${describe(v)}`);
        else if (v.known) c.out.push(`[known] ${describe(v)}`);
        else if (!isBlocking(v)) c.out.push(`[advisory] ${describe(v)}`);
    }
    return c;
}

function exemptionText(v: Violation): string {
    const e = v.exemption!;
    return `rule '${e.rule}': ${e.reason}${e.expires ? ` (expires ${e.expires})` : ""}`;
}

function caseXml(c: Case): string[] {
    const open = `    <testcase classname="${attr(c.classname)}" name="${attr(c.name)}"`;
    if (!c.failure && c.skipped === undefined && c.out.length === 0) return [`${open}/>`];
    const lines = [`${open}>`];
    if (c.failure) {
        lines.push(
            `      <failure message="${attr(c.failure.message)}" type="${attr(c.failure.type)}">` +
                `${text(c.failure.text)}</failure>`,
        );
    }
    if (c.skipped !== undefined) lines.push(`      <skipped message="${attr(c.skipped)}"/>`);
    if (c.out.length > 0) lines.push(`      <system-out>${text(c.out.join("\n"))}</system-out>`);
    lines.push(`    </testcase>`);
    return lines;
}

/**
 * Character data. XML 1.0 cannot carry most control characters in any form (not even
 * `&#1;`), so they are shown as `\u{1}`; tab, newline and carriage return are allowed.
 */
function text(s: string): string {
    return showControls(s, "\t\n\r").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * An attribute value. Besides the markup characters, whitespace is written as character
 * references: a parser normalises a literal newline or tab in an attribute to a space.
 */
function attr(s: string): string {
    return text(s)
        .replace(/"/g, "&quot;")
        .replace(/'/g, "&apos;")
        .replace(/\t/g, "&#9;")
        .replace(/\n/g, "&#10;")
        .replace(/\r/g, "&#13;");
}
