/**
 * SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps): one run, one rule per
 * policy carrying the pack's metadata, one result per finding. Code-scanning UIs drop a
 * result without a physical location, so every result gets one: the `new` that created
 * the resource, else the export file or the program's Pulumi.yaml at line 1 (see
 * findingLocation). The URN goes in logicalLocations, where it survives line moves.
 */
import { createHash } from "crypto";
import * as path from "path";
import { GateResult, PolicyInfo, Violation } from "../types";
import { RenderOptions, allPacks, findingLocation, isBlocking, packPolicies, relativePath, stackUrn } from "./model";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
export const TOOL_NAME = "secure-web-app-gate";
/** The gate's version: the root package's, which ships it. */
export const TOOL_VERSION: string = (require("../../../package.json") as { version: string }).version;
const SRCROOT = "SRCROOT";

/**
 * GitHub ranks code-scanning alerts by `security-severity` (a CVSS-like 0-10 score);
 * these are the midpoints of its critical/high/medium/low bands.
 */
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

type SarifLevel = "error" | "warning" | "note" | "none";

function levelOf(v: Violation): SarifLevel {
    if (v.undecided) return "note";
    return isBlocking(v) ? "error" : "warning";
}

function defaultLevel(p: PolicyInfo): SarifLevel {
    if (p.enforcementLevel === "disabled") return "none";
    return p.enforcementLevel === "advisory" ? "warning" : "error";
}

export function buildSarif(result: GateResult, options: RenderOptions = {}): Record<string, unknown> {
    const root = options.root ?? process.cwd();
    const catalogue = sarifRules(result);
    const rootUrn = stackUrn(result);
    return {
        $schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [
            {
                tool: {
                    driver: {
                        name: TOOL_NAME,
                        version: TOOL_VERSION,
                        informationUri: "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/",
                        rules: catalogue.rules,
                    },
                },
                originalUriBaseIds: { [SRCROOT]: { uri: "file://" + encodeUri(ensureTrailingSlash(root)) } },
                invocations: [
                    {
                        executionSuccessful: true,
                        toolExecutionNotifications: (result.warnings ?? []).map((text) => ({
                            level: "warning",
                            message: { text },
                        })),
                    },
                ],
                results: result.violations.map((v) => sarifResult(result, v, catalogue, root, rootUrn)),
                properties: {
                    mode: result.mode,
                    stack: result.stack,
                    source: result.source,
                    // Remote components are named here because SARIF has no result kind for
                    // "not looked at" that code-scanning UIs would show without a rule.
                    notAnalysed: result.notAnalysed,
                    undecided: result.undecided,
                },
            },
        ],
    };
}

/** The run's rules, and how a finding names its rule: by id and by position in `rules`. */
interface SarifRules {
    rules: Record<string, unknown>[];
    ruleId(packName: string, policyName: string): string;
    ruleIndex(v: Violation): number;
}

function sarifRules(result: GateResult): SarifRules {
    const rules: Record<string, unknown>[] = [];
    // Rule ids are policy names, as CI configs know them; two packs declaring the same
    // name get `pack/policy` so that each result still finds its own rule's metadata.
    const index = new Map<string, number>();
    const packs = allPacks(result);
    const policyNames = packs.flatMap((p) => packPolicies(p, result.violations).map((pol) => pol.name));
    const shared = new Set(policyNames.filter((n, i) => policyNames.indexOf(n) !== i));
    const ruleId = (packName: string, policyName: string): string =>
        shared.has(policyName) ? `${packName}/${policyName}` : policyName;
    for (const pack of packs) {
        for (const pol of packPolicies(pack, result.violations)) {
            index.set(`${pack.name}\0${pack.version}\0${pol.name}`, rules.length);
            rules.push(ruleOf(ruleId(pack.name, pol.name), pack.name, pack.version, pol));
        }
    }
    return { rules, ruleId, ruleIndex: (v) => index.get(`${v.packName}\0${v.packVersion}\0${v.policyName}`)! };
}

/** One finding as a SARIF result: a physical location always, the URN as its logical location. */
function sarifResult(
    result: GateResult,
    v: Violation,
    catalogue: SarifRules,
    root: string,
    rootUrn: string | undefined,
): Record<string, unknown> {
    const at = findingLocation(result, v);
    const file = relativePath(at.file, root);
    const urn = v.urn || rootUrn;
    return {
        ruleId: catalogue.ruleId(v.packName, v.policyName),
        ruleIndex: catalogue.ruleIndex(v),
        level: levelOf(v),
        message: { text: v.message },
        locations: [
            {
                physicalLocation: {
                    artifactLocation: file.relative
                        ? { uri: encodeUri(file.path), uriBaseId: SRCROOT }
                        : { uri: "file://" + encodeUri(file.path) },
                    region: {
                        startLine: Math.max(1, Math.floor(at.line)),
                        ...(at.column !== undefined && at.column > 0 && { startColumn: at.column }),
                    },
                },
                ...(urn && {
                    logicalLocations: [
                        { fullyQualifiedName: urn, name: v.resourceName || undefined, kind: "resource" },
                    ],
                }),
            },
        ],
        // Keyed on policy and URN, not on the line: an alert keeps its identity when
        // the program is edited above the resource.
        partialFingerprints: {
            "policyUrn/v1": createHash("sha256")
                .update(`${v.packName}\0${v.policyName}\0${urn ?? ""}`)
                .digest("hex"),
        },
        // SARIF's own word for a finding an earlier run already had.
        ...(result.baseline && { baselineState: v.known ? "unchanged" : "new" }),
        ...(v.exemption && {
            suppressions: [
                {
                    kind: "external",
                    justification: v.exemption.reason,
                    properties: {
                        rule: v.exemption.rule,
                        ...(v.exemption.expires && { expires: v.exemption.expires }),
                    },
                },
            ],
        }),
        properties: {
            enforcementLevel: v.enforcementLevel,
            severity: v.severity,
            resourceType: v.resourceType,
            ...(v.undecided && { undecided: true }),
        },
    };
}

function ruleOf(id: string, packName: string, packVersion: string, pol: PolicyInfo): Record<string, unknown> {
    const severity = pol.severity ?? "";
    return {
        id,
        ...(pol.displayName && { name: pol.displayName }),
        shortDescription: { text: pol.displayName || pol.name },
        fullDescription: { text: pol.description || pol.name },
        ...(pol.remediationSteps && { help: { text: pol.remediationSteps } }),
        ...(pol.url && { helpUri: pol.url }),
        defaultConfiguration: { level: defaultLevel(pol) },
        properties: {
            // GitHub files a rule tagged "security" under security alerts.
            tags: [...new Set([...(pol.tags ?? []), "security"])],
            severity,
            ...(SECURITY_SEVERITY[severity] && { "security-severity": SECURITY_SEVERITY[severity] }),
            ...(pol.framework && { framework: { ...pol.framework } }),
            enforcementLevel: pol.enforcementLevel,
            pack: `${packName}@v${packVersion}`,
        },
    };
}

/** Percent-encode what a URI reference cannot hold, keeping the path's slashes. */
function encodeUri(p: string): string {
    return p.split("/").map(encodeURIComponent).join("/");
}

/** A base URI names a folder only with its trailing slash (RFC 3986 resolution). */
function ensureTrailingSlash(p: string): string {
    const abs = path.resolve(p).split(path.sep).join("/");
    return abs.endsWith("/") ? abs : abs + "/";
}

export function renderSarif(result: GateResult, options: RenderOptions = {}): string {
    return JSON.stringify(buildSarif(result, options), null, 2) + "\n";
}
