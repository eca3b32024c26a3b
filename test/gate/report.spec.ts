/**
 * Reports: every format rendered from hand-built gate results and parsed back. JSON is
 * checked against docs/gate-report.schema.json by a small checker for the part of JSON
 * Schema that file uses; SARIF against the 2.1.0 spec's required fields; JUnit by a small
 * strict XML reader (no XML or schema package is installed, and these checks need none).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { renderReport } from "../../tools/gate/report";
import { GateResult, PackInfo, ResourceRecord, SourcePosition, Violation } from "../../tools/gate/types";

const ROOT = "/repo";
const PROJECT = "secure-web-app";
const STACK_TYPE = "pulumi:pulumi:Stack";
const STACK_URN = `urn:pulumi:dev::${PROJECT}::${STACK_TYPE}::${PROJECT}-dev`;
const NASTY = `Bucket 'a<&"'>b' must block public access:\u0001 set \u001b[31mblockPublicAcls\u001b[0m\u0000 <b>now</b> & ]]>`;

/** A resource parented by the Stack: the engine leaves the root stack out of the type chain. */
function urnOf(type: string, name: string): string {
    return `urn:pulumi:dev::${PROJECT}::${type}::${name}`;
}

function resource(type: string, name: string, extra: Partial<ResourceRecord> = {}): ResourceRecord {
    return {
        urn: type === STACK_TYPE ? STACK_URN : urnOf(type, name),
        type,
        name,
        custom: type !== STACK_TYPE,
        parent: type === STACK_TYPE ? undefined : STACK_URN,
        dependencies: [],
        propertyDependencies: {},
        inputs: {},
        outputs: {},
        options: {},
        ...extra,
    };
}

const PACK: PackInfo = {
    dir: "policies",
    name: PROJECT,
    version: "0.1.0",
    policies: [
        {
            name: "lambda-function-in-vpc",
            description: "Checks that Lambda functions run in a VPC.",
            enforcementLevel: "mandatory",
            severity: "high",
            framework: { name: "AWS FSBP", reference: "Lambda.3" },
            tags: ["lambda", "network"],
            remediationSteps: "Set vpcConfig with private subnets.",
            url: "https://example.com/POLICIES.md#lambda-function-in-vpc",
        },
        {
            name: "s3-bucket-public-access-blocked",
            description: "Checks that buckets block all public access.",
            enforcementLevel: "mandatory",
            severity: "critical",
        },
        {
            name: "cloudwatch-log-group-retention",
            description: "Checks that log groups keep logs long enough.",
            enforcementLevel: "advisory",
            severity: "low",
        },
        { name: "iam-no-wildcards", description: "Checks IAM documents.", enforcementLevel: "disabled", severity: "" },
    ],
};

const at = (line: number): SourcePosition => ({ file: `${ROOT}/infra/api.ts`, line, column: 5 });

const RESOURCES = [
    resource(STACK_TYPE, `${PROJECT}-dev`),
    resource("pulumi:providers:aws", "default_7_48_0"),
    resource("aws:lambda/function:Function", "api", { source: at(12) }),
    resource("aws:s3/bucketV2:BucketV2", "site", { source: at(30) }),
    resource("aws:cloudwatch/logGroup:LogGroup", "api-logs", { source: at(40) }),
    resource("awsx:ec2:Vpc", "vpc", { custom: false, remote: true }),
];

function finding(policyName: string, target: ResourceRecord, extra: Partial<Violation> = {}): Violation {
    const pol = PACK.policies.find((p) => p.name === policyName)!;
    return {
        packName: PACK.name,
        packVersion: PACK.version,
        policyName,
        description: pol.description,
        enforcementLevel: pol.enforcementLevel === "advisory" ? "advisory" : "mandatory",
        severity: pol.severity ?? "",
        message: `${target.type} '${target.name}' violates ${policyName}`,
        urn: target.urn,
        resourceType: target.type,
        resourceName: target.name,
        location: target.source,
        ...extra,
    };
}

function gateResult(violations: Violation[], extra: Partial<GateResult> = {}): GateResult {
    return {
        mode: "resolved",
        source: `${ROOT}`,
        stack: "dev",
        packs: [PACK],
        resources: RESOURCES,
        violations,
        notAnalysed: [],
        undecided: {},
        durationMs: 1234,
        ...extra,
    };
}

const [, , lambda, bucket, logGroup, vpc] = RESOURCES;

/** Each situation a report must render, by name. */
const FIXTURES: Record<string, GateResult> = {
    compliant: gateResult([]),
    mandatory: gateResult([finding("lambda-function-in-vpc", lambda)]),
    advisory: gateResult([finding("cloudwatch-log-group-retention", logGroup)]),
    undecided: gateResult(
        [
            finding("lambda-function-in-vpc", lambda, {
                enforcementLevel: "advisory",
                undecided: true,
                message: "can't run policy 'lambda-function-in-vpc' during preview: vpcConfig unknown",
            }),
        ],
        { mode: "first-preview", undecided: { [`${PROJECT}/lambda-function-in-vpc`]: 1 } },
    ),
    exempted: gateResult([
        finding("s3-bucket-public-access-blocked", bucket, {
            exemption: {
                rule: "s3-bucket-public-access-blocked",
                reason: "public dataset, reviewed",
                expires: "2027-01-31",
            },
        }),
    ]),
    remote: gateResult([], {
        notAnalysed: [
            { urn: vpc.urn, type: vpc.type, package: "awsx", reason: "remote component: children built by a plugin" },
        ],
    }),
    warnings: gateResult([], { warnings: ["invoke aws:ec2/getAmi:getAmi is not modelled: answered with {}"] }),
    baseline: gateResult(
        [
            finding("lambda-function-in-vpc", lambda, { known: true }),
            finding("s3-bucket-public-access-blocked", bucket),
        ],
        { baseline: { file: "gate-baseline.json", known: 1, fixed: 2 } },
    ),
    nasty: gateResult([finding("s3-bucket-public-access-blocked", bucket, { message: NASTY })]),
    stackPolicy: gateResult([
        finding("lambda-function-in-vpc", RESOURCES[0], {
            urn: "",
            resourceType: "",
            resourceName: "",
            location: undefined,
        }),
    ]),
    export: gateResult(
        [finding("lambda-function-in-vpc", { ...lambda, source: undefined }, { location: undefined })],
        // An export records no source positions.
        {
            mode: "stack-export",
            source: `${ROOT}/stack.json`,
            resources: RESOURCES.map((r) => ({ ...r, source: undefined })),
        },
    ),
    mixed: gateResult([
        finding("cloudwatch-log-group-retention", logGroup),
        finding("lambda-function-in-vpc", lambda),
        finding("s3-bucket-public-access-blocked", bucket, {
            exemption: { rule: "s3-bucket-public-access-blocked", reason: "reviewed" },
        }),
        finding(
            "s3-bucket-public-access-blocked",
            { ...bucket, urn: urnOf(bucket.type, "assets"), name: "assets" },
            {
                resourceName: "assets",
            },
        ),
    ]),
};

/** What each fixture must count: [mandatory, advisory, exempted, known, undecided, notAnalysed]. */
const EXPECTED_COUNTS: Record<string, [number, number, number, number, number, number]> = {
    compliant: [0, 0, 0, 0, 0, 0],
    mandatory: [1, 0, 0, 0, 0, 0],
    advisory: [0, 1, 0, 0, 0, 0],
    undecided: [0, 0, 0, 0, 1, 0],
    exempted: [0, 0, 1, 0, 0, 0],
    remote: [0, 0, 0, 0, 0, 1],
    warnings: [0, 0, 0, 0, 0, 0],
    baseline: [1, 0, 0, 1, 0, 0],
    nasty: [1, 0, 0, 0, 0, 0],
    stackPolicy: [1, 0, 0, 0, 0, 0],
    export: [1, 0, 0, 0, 0, 0],
    mixed: [2, 1, 1, 0, 0, 0],
};

const render = (r: GateResult, f: "text" | "json" | "sarif" | "junit"): string => renderReport(r, f, { root: ROOT });

describe("gate reports", () => {
    describe("json", () => {
        const schema = JSON.parse(
            fs.readFileSync(path.join(__dirname, "../../docs/gate-report.schema.json"), "utf8"),
        ) as Schema;

        it("uses the draft 2020-12 dialect", () => {
            expect(schema.$schema).to.equal("https://json-schema.org/draft/2020-12/schema");
        });

        for (const [name, result] of Object.entries(FIXTURES)) {
            it(`${name}: matches the schema and counts its findings`, () => {
                const report = JSON.parse(render(result, "json"));
                expect(validate(schema, report, schema)).to.deep.equal([]);
                const [mandatory, advisory, exempted, known, undecided, notAnalysed] = EXPECTED_COUNTS[name];
                expect(report.summary).to.deep.equal({
                    resources: RESOURCES.length,
                    mandatory,
                    advisory,
                    exempted,
                    known,
                    undecided,
                    notAnalysed,
                    passed: mandatory === 0,
                });
                expect(report.violations.length + report.exempted.length).to.equal(result.violations.length);
                expect(report.resources.map((r: { urn: string }) => r.urn)).to.deep.equal(RESOURCES.map((r) => r.urn));
            });
        }

        it("keeps a finding flat, with its location relative to the root", () => {
            const [v] = JSON.parse(render(FIXTURES.mandatory, "json")).violations;
            expect(v).to.deep.include({
                policyName: "lambda-function-in-vpc",
                packName: PROJECT,
                packVersion: "0.1.0",
                enforcementLevel: "mandatory",
                severity: "high",
                urn: lambda.urn,
                resourceType: "aws:lambda/function:Function",
                resourceName: "api",
                location: { file: "infra/api.ts", line: 12, column: 5 },
            });
        });

        it("round-trips a hostile message exactly", () => {
            const [v] = JSON.parse(render(FIXTURES.nasty, "json")).violations;
            expect(v.message).to.equal(NASTY);
        });

        it("lists exempted findings apart, with rule and reason", () => {
            const report = JSON.parse(render(FIXTURES.exempted, "json"));
            expect(report.violations).to.deep.equal([]);
            expect(report.exempted[0].exemption).to.deep.equal({
                rule: "s3-bucket-public-access-blocked",
                reason: "public dataset, reviewed",
                expires: "2027-01-31",
            });
        });

        it("names remote components and undecided counts", () => {
            expect(JSON.parse(render(FIXTURES.remote, "json")).notAnalysed[0]).to.deep.include({
                urn: vpc.urn,
                type: "awsx:ec2:Vpc",
                package: "awsx",
            });
            const undecided = JSON.parse(render(FIXTURES.undecided, "json"));
            expect(undecided.undecided).to.deep.equal({ [`${PROJECT}/lambda-function-in-vpc`]: 1 });
            expect(undecided.violations[0].undecided).to.equal(true);
        });

        it("carries the engine's warnings", () => {
            expect(JSON.parse(render(FIXTURES.warnings, "json")).warnings).to.deep.equal(FIXTURES.warnings.warnings);
            expect(JSON.parse(render(FIXTURES.compliant, "json")).warnings).to.deep.equal([]);
        });

        it("flags baseline-known findings and keeps them in violations, so a new baseline holds them", () => {
            const report = JSON.parse(render(FIXTURES.baseline, "json"));
            expect(report.violations.map((v: { known?: boolean }) => v.known)).to.deep.equal([true, undefined]);
            expect(report.baseline).to.deep.equal({ file: "gate-baseline.json", known: 1, fixed: 2 });
        });

        it("the checker itself rejects a report missing a required field", () => {
            const report = JSON.parse(render(FIXTURES.mandatory, "json"));
            delete report.violations[0].urn;
            report.summary.passed = "no";
            expect(validate(schema, report, schema)).to.include.members([
                "$.violations[0]: missing required 'urn'",
                "$.summary.passed: expected boolean",
            ]);
        });
    });

    describe("sarif", () => {
        for (const [name, result] of Object.entries(FIXTURES)) {
            it(`${name}: has the fields SARIF 2.1.0 requires and a location on every result`, () => {
                const log = JSON.parse(render(result, "sarif"));
                expect(sarifProblems(log)).to.deep.equal([]);
                expect(log.runs[0].results).to.have.length(result.violations.length);
            });
        }

        it("maps levels: error for mandatory, warning for advisory, note for undecided", () => {
            const levels = (r: GateResult): string[] =>
                JSON.parse(render(r, "sarif")).runs[0].results.map((x: { level: string }) => x.level);
            expect(levels(FIXTURES.mandatory)).to.deep.equal(["error"]);
            expect(levels(FIXTURES.advisory)).to.deep.equal(["warning"]);
            expect(levels(FIXTURES.undecided)).to.deep.equal(["note"]);
        });

        it("carries the policy metadata on its rule", () => {
            const rules = JSON.parse(render(FIXTURES.compliant, "sarif")).runs[0].tool.driver.rules;
            expect(rules.map((r: { id: string }) => r.id)).to.deep.equal(PACK.policies.map((p) => p.name));
            expect(rules[0]).to.deep.include({
                id: "lambda-function-in-vpc",
                shortDescription: { text: "lambda-function-in-vpc" },
                fullDescription: { text: "Checks that Lambda functions run in a VPC." },
                help: { text: "Set vpcConfig with private subnets." },
                helpUri: "https://example.com/POLICIES.md#lambda-function-in-vpc",
            });
            expect(rules[0].properties).to.deep.include({
                severity: "high",
                enforcementLevel: "mandatory",
                framework: { name: "AWS FSBP", reference: "Lambda.3" },
            });
            expect(rules[0].properties.tags).to.include.members(["lambda", "network"]);
        });

        it("points at the program line, with the URN as logical location", () => {
            const [loc] = JSON.parse(render(FIXTURES.mandatory, "sarif")).runs[0].results[0].locations;
            expect(loc.physicalLocation).to.deep.equal({
                artifactLocation: { uri: "infra/api.ts", uriBaseId: "SRCROOT" },
                region: { startLine: 12, startColumn: 5 },
            });
            expect(loc.logicalLocations[0].fullyQualifiedName).to.equal(lambda.urn);
        });

        it("points at the export file, line 1, when there is no source line", () => {
            const [loc] = JSON.parse(render(FIXTURES.export, "sarif")).runs[0].results[0].locations;
            expect(loc.physicalLocation.artifactLocation.uri).to.equal("stack.json");
            expect(loc.physicalLocation.region.startLine).to.equal(1);
        });

        it("gives a stack policy's finding the Stack as logical location", () => {
            const [loc] = JSON.parse(render(FIXTURES.stackPolicy, "sarif")).runs[0].results[0].locations;
            expect(loc.physicalLocation.artifactLocation.uri).to.equal("Pulumi.yaml");
            expect(loc.logicalLocations[0].fullyQualifiedName).to.equal(STACK_URN);
        });

        it("suppresses exempted findings with the written reason", () => {
            const [result] = JSON.parse(render(FIXTURES.exempted, "sarif")).runs[0].results;
            expect(result.suppressions).to.have.length(1);
            expect(result.suppressions[0]).to.deep.include({
                kind: "external",
                justification: "public dataset, reviewed",
            });
        });

        it("marks baseline-known findings unchanged and the others new", () => {
            const results = JSON.parse(render(FIXTURES.baseline, "sarif")).runs[0].results;
            expect(results.map((r: { baselineState: string }) => r.baselineState)).to.deep.equal(["unchanged", "new"]);
            expect(JSON.parse(render(FIXTURES.mandatory, "sarif")).runs[0].results[0]).to.not.have.property(
                "baselineState",
            );
        });

        it("reports the engine's warnings as tool notifications", () => {
            const [invocation] = JSON.parse(render(FIXTURES.warnings, "sarif")).runs[0].invocations;
            expect(invocation.toolExecutionNotifications[0]).to.deep.equal({
                level: "warning",
                message: { text: FIXTURES.warnings.warnings![0] },
            });
        });

        it("names remote components in the run's properties", () => {
            const run = JSON.parse(render(FIXTURES.remote, "sarif")).runs[0];
            expect(run.properties.notAnalysed[0]).to.deep.include({
                urn: vpc.urn,
                type: "awsx:ec2:Vpc",
                package: "awsx",
            });
        });
    });

    describe("junit", () => {
        for (const [name, result] of Object.entries(FIXTURES)) {
            it(`${name}: is well-formed XML with a test case per policy`, () => {
                const doc = parseXml(render(result, "junit"));
                expect(doc.name).to.equal("testsuites");
                const packSuite = doc.children.find((s) => s.attrs.name === `${PROJECT}@v0.1.0`)!;
                expect(packSuite.children.map((c) => c.attrs.name)).to.deep.equal(PACK.policies.map((p) => p.name));
                for (const suite of doc.children) {
                    const cases = suite.children.filter((c) => c.name === "testcase");
                    expect(suite.attrs.tests).to.equal(String(cases.length));
                    expect(suite.attrs.failures).to.equal(String(cases.filter((c) => child(c, "failure")).length));
                    expect(suite.attrs.skipped).to.equal(String(cases.filter((c) => child(c, "skipped")).length));
                }
                const failures = doc.children.flatMap((s) => s.children).filter((c) => child(c, "failure"));
                const failingPolicies = new Set(
                    result.violations
                        .filter((v) => !v.exemption && !v.undecided && !v.known && v.enforcementLevel === "mandatory")
                        .map((v) => v.policyName),
                );
                expect(failures.map((c) => c.attrs.name)).to.have.members([...failingPolicies]);
                expect(doc.attrs.failures).to.equal(String(failingPolicies.size));
            });
        }

        it("lists every failing URN in the failure", () => {
            const doc = parseXml(render(FIXTURES.mixed, "junit"));
            const s3 = doc.children[0].children.find((c) => c.attrs.name === "s3-bucket-public-access-blocked")!;
            const failure = child(s3, "failure")!;
            expect(failure.attrs.message).to.equal("1 mandatory violation(s) of s3-bucket-public-access-blocked");
            expect(failure.text).to.include(urnOf(bucket.type, "assets"));
            // The exempted finding of the same policy is reported, not failed.
            expect(child(s3, "system-out")!.text).to.include("[exempted]").and.include(bucket.urn);
        });

        it("reports advisory findings as output, not failures", () => {
            const doc = parseXml(render(FIXTURES.advisory, "junit"));
            const logs = doc.children[0].children.find((c) => c.attrs.name === "cloudwatch-log-group-retention")!;
            expect(child(logs, "failure")).to.equal(undefined);
            expect(child(logs, "system-out")!.text).to.include(logGroup.urn);
        });

        it("skips a policy whose only findings are exempted, and a disabled one", () => {
            const doc = parseXml(render(FIXTURES.exempted, "junit"));
            const byName = (n: string) => doc.children[0].children.find((c) => c.attrs.name === n)!;
            expect(child(byName("s3-bucket-public-access-blocked"), "skipped")!.attrs.message).to.include(
                "public dataset, reviewed",
            );
            expect(child(byName("iam-no-wildcards"), "skipped")).to.not.equal(undefined);
        });

        it("names remote components in a skipped test case", () => {
            const doc = parseXml(render(FIXTURES.remote, "junit"));
            const gate = doc.children.find((s) => s.attrs.name === "secure-web-app-gate")!;
            expect(child(gate.children[0], "system-out")!.text).to.include(`${vpc.urn} (awsx:ec2:Vpc, package awsx)`);
        });

        it("puts the engine's warnings in the gate suite's output", () => {
            const doc = parseXml(render(FIXTURES.warnings, "junit"));
            const gate = doc.children.find((s) => s.attrs.name === "secure-web-app-gate")!;
            expect(child(gate, "system-out")!.text).to.equal(FIXTURES.warnings.warnings![0]);
        });

        it("escapes markup in attributes and text and shows control characters", () => {
            const xml = render(FIXTURES.nasty, "junit");
            const doc = parseXml(xml);
            const failure = child(
                doc.children[0].children.find((c) => c.attrs.name === "s3-bucket-public-access-blocked")!,
                "failure",
            )!;
            const shown = NASTY.replace("\u0001", "\\u{1}")
                .replace(/\u001b/g, "\\u{1b}")
                .replace("\u0000", "\\u{0}");
            expect(failure.text).to.include(shown);
            for (const code of [0, 1, 0x1b]) expect(xml).to.not.include(String.fromCharCode(code));
        });

        it("keeps a newline in an attribute as a character reference", () => {
            const withNewline = gateResult([
                finding("s3-bucket-public-access-blocked", bucket, {
                    exemption: { rule: "r", reason: 'line one\nline two "quoted"' },
                }),
            ]);
            const doc = parseXml(render(withNewline, "junit"));
            const s3 = doc.children[0].children.find((c) => c.attrs.name === "s3-bucket-public-access-blocked")!;
            expect(child(s3, "skipped")!.attrs.message).to.include('line one\nline two "quoted"');
        });
    });

    describe("text", () => {
        it("prints the CLI's pack header and each finding's level, severity, URN and line", () => {
            const out = render(FIXTURES.mixed, "text");
            expect(out.startsWith("Policies:\n    ❌ secure-web-app@v0.1.0 (local: policies)\n")).to.equal(true);
            expect(out).to.include(
                "        - [mandatory] [severity: high]  lambda-function-in-vpc  (aws:lambda:Function: api)\n" +
                    "          aws:lambda/function:Function 'api' violates lambda-function-in-vpc\n" +
                    `          urn: ${lambda.urn}\n` +
                    "          at: infra/api.ts:12\n",
            );
            expect(out).to.include("[advisory] [severity: low]  cloudwatch-log-group-retention");
            for (const v of FIXTURES.mixed.violations) expect(out).to.include(v.urn);
        });

        it("prints the message as the pack sent it (description, then message), then URN, line and fix on their own lines", () => {
            const pol = PACK.policies.find((p) => p.name === "lambda-function-in-vpc")!;
            const sent = `${pol.description}\nFunction 'api' has no vpcConfig.\nPut it in the private subnets.`;
            const result = gateResult([
                finding("lambda-function-in-vpc", lambda, {
                    message: "Function 'api' has no vpcConfig.\nPut it in the private subnets.",
                    rawMessage: sent,
                }),
            ]);
            const withFix = {
                ...result,
                packs: [
                    {
                        ...PACK,
                        policies: PACK.policies.map((p) =>
                            p === pol ? { ...p, remediationSteps: "Set vpcConfig\nwith private subnets." } : p,
                        ),
                    },
                ],
            };
            expect(render(withFix, "text")).to.include(
                "        - [mandatory] [severity: high]  lambda-function-in-vpc  (aws:lambda:Function: api)\n" +
                    `          ${pol.description}\n` +
                    "          Function 'api' has no vpcConfig.\n" +
                    "          Put it in the private subnets.\n" +
                    `          urn: ${lambda.urn}\n` +
                    "          at: infra/api.ts:12\n" +
                    "          fix: Set vpcConfig with private subnets.\n",
            );
        });

        it("lists undecided findings among the pack's findings as the CLI does (advisory), and counts them", () => {
            const out = render(FIXTURES.undecided, "text");
            expect(out).to.include(
                "    ⚠️ secure-web-app@v0.1.0 (local: policies)\n" +
                    "        - [advisory] [severity: high]  lambda-function-in-vpc  (aws:lambda:Function: api)\n" +
                    "          can't run policy 'lambda-function-in-vpc' during preview: vpcConfig unknown\n",
            );
            expect(out).to.include("0 mandatory, 0 advisory, 0 exempted, 1 undecided");
        });

        it("orders findings as the CLI does: level, then severity, then policy", () => {
            const out = render(FIXTURES.mixed, "text");
            const critical = out.indexOf("[mandatory] [severity: critical]");
            const high = out.indexOf("[mandatory] [severity: high]");
            const advisory = out.indexOf("[advisory]");
            expect(critical).to.be.greaterThan(0);
            expect(critical).to.be.lessThan(high);
            expect(high).to.be.lessThan(advisory);
        });

        it("marks a clean pack and a pack with only advisories as the CLI does", () => {
            expect(render(FIXTURES.compliant, "text")).to.include("    ✅ secure-web-app@v0.1.0 (local: policies)");
            expect(render(FIXTURES.advisory, "text")).to.include("    ⚠️ secure-web-app@v0.1.0 (local: policies)");
        });

        it("lists exempted findings apart with rule and reason", () => {
            const out = render(FIXTURES.exempted, "text");
            const section = out.slice(out.indexOf("Exempted:"));
            expect(section).to.include(bucket.urn);
            expect(section).to.include(
                "exempted by rule 's3-bucket-public-access-blocked': public dataset, reviewed (expires 2027-01-31)",
            );
            expect(out.slice(0, out.indexOf("Exempted:"))).to.not.include(bucket.urn);
        });

        it("names remote components and undecided counts", () => {
            expect(render(FIXTURES.remote, "text"))
                .to.include("Not analysed")
                .and.include(`${vpc.urn}  (awsx:ec2:Vpc, package awsx)`);
            expect(render(FIXTURES.undecided, "text")).to.include(`- ${PROJECT}/lambda-function-in-vpc: 1 resource`);
        });

        it("lists baseline-known findings apart, not failing", () => {
            const out = render(FIXTURES.baseline, "text");
            const known = out.slice(out.indexOf("Known (in baseline gate-baseline.json"));
            expect(known).to.include(lambda.urn).and.include("2 of its findings fixed");
            expect(out.slice(0, out.indexOf("Known ("))).to.not.include(lambda.urn);
            expect(out).to.include("1 mandatory, 0 advisory, 0 exempted, 1 known, ");
        });

        it("lists the engine's warnings", () => {
            expect(render(FIXTURES.warnings, "text")).to.include(`Warnings:\n    - ${FIXTURES.warnings.warnings![0]}`);
        });

        it("ends with the verdict", () => {
            expect(render(FIXTURES.mixed, "text")).to.include(
                `${RESOURCES.length} resources analysed (resolved, stack 'dev'): 2 mandatory, 1 advisory, ` +
                    "1 exempted, 0 undecided, 0 not analysed: FAILED",
            );
            expect(render(FIXTURES.compliant, "text")).to.include(": PASSED");
        });

        it("writes no escape sequence unless colour is asked for, and never the pack's", () => {
            const out = render(FIXTURES.nasty, "text");
            expect(out).to.not.include("\u001b").and.not.include("\u0000");
            expect(out).to.include("set \\u{1b}[31mblockPublicAcls");
            const coloured = renderReport(FIXTURES.nasty, "text", { root: ROOT, color: true });
            expect(coloured).to.include("\u001b[31m[mandatory]");
            expect(coloured).to.include("set \\u{1b}[31mblockPublicAcls");
        });

        it("prints a stack policy's finding without a resource clause", () => {
            const out = render(FIXTURES.stackPolicy, "text");
            expect(out).to.include("        - [mandatory] [severity: high]  lambda-function-in-vpc\n");
        });
    });

    it("rejects an unknown format", () => {
        expect(() => renderReport(FIXTURES.compliant, "yaml" as "json")).to.throw(/unknown report format 'yaml'/);
    });
});

// ---------------------------------------------------------------------------------------
// A checker for the subset of JSON Schema draft 2020-12 that docs/gate-report.schema.json
// uses: type, const, enum, required, properties, additionalProperties, items, allOf,
// minimum, and local $ref. A keyword it does not know fails loudly, so the schema cannot
// grow past what the test checks.

interface Schema {
    [keyword: string]: unknown;
}

const KNOWN = new Set([
    "$schema",
    "$id",
    "$defs",
    "$ref",
    "title",
    "description",
    "type",
    "const",
    "enum",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "allOf",
    "minimum",
]);

function validate(schema: Schema, value: unknown, root: Schema, at = "$"): string[] {
    for (const k of Object.keys(schema))
        if (!KNOWN.has(k)) throw new Error(`schema keyword '${k}' at ${at} not checked`);
    if (typeof schema.$ref === "string") {
        const target = schema.$ref
            .replace(/^#\//, "")
            .split("/")
            .reduce((s: any, k) => s[k], root) as Schema;
        return validate(target, value, root, at);
    }
    const errors: string[] = [];
    for (const sub of (schema.allOf as Schema[] | undefined) ?? []) errors.push(...validate(sub, value, root, at));
    const type = schema.type as string | undefined;
    const actual = Array.isArray(value)
        ? "array"
        : value === null
          ? "null"
          : typeof value === "number" && Number.isInteger(value)
            ? "integer"
            : typeof value;
    if (type && !(type === actual || (type === "number" && actual === "integer"))) {
        return [...errors, `${at}: expected ${type}`];
    }
    if ("const" in schema && value !== schema.const) errors.push(`${at}: expected ${JSON.stringify(schema.const)}`);
    if (schema.enum && !(schema.enum as unknown[]).includes(value)) errors.push(`${at}: not one of the enum`);
    if (typeof schema.minimum === "number" && (value as number) < schema.minimum) errors.push(`${at}: below minimum`);
    if (actual === "object") {
        const obj = value as Record<string, unknown>;
        for (const r of (schema.required as string[] | undefined) ?? []) {
            if (!(r in obj)) errors.push(`${at}: missing required '${r}'`);
        }
        const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
        for (const [k, v] of Object.entries(obj)) {
            if (props[k]) errors.push(...validate(props[k], v, root, `${at}.${k}`));
            else if (schema.additionalProperties === false) errors.push(`${at}: unexpected '${k}'`);
            else if (typeof schema.additionalProperties === "object") {
                errors.push(...validate(schema.additionalProperties as Schema, v, root, `${at}.${k}`));
            }
        }
    }
    if (actual === "array" && schema.items) {
        (value as unknown[]).forEach((item, i) =>
            errors.push(...validate(schema.items as Schema, item, root, `${at}[${i}]`)),
        );
    }
    return errors;
}

// ---------------------------------------------------------------------------------------
// SARIF 2.1.0: the fields the OASIS spec makes required (sarifLog.version/runs, run.tool,
// tool.driver, toolComponent.name, result.message with text, reportingDescriptor.id,
// suppression.kind) and what code scanning needs of this tool (a rule for each ruleId, a
// physical location with startLine >= 1 on every result).

function sarifProblems(log: any): string[] {
    const problems: string[] = [];
    const need = (ok: unknown, what: string): void => {
        if (!ok) problems.push(what);
    };
    need(log.$schema === "https://json.schemastore.org/sarif-2.1.0.json", "$schema");
    need(log.version === "2.1.0", "version");
    need(Array.isArray(log.runs) && log.runs.length === 1, "runs");
    for (const run of log.runs ?? []) {
        const driver = run.tool?.driver;
        need(typeof driver?.name === "string" && driver.name.length > 0, "tool.driver.name");
        const rules: any[] = driver?.rules ?? [];
        need(new Set(rules.map((r) => r.id)).size === rules.length, "rule ids unique");
        for (const r of rules) need(typeof r.id === "string" && r.id.length > 0, "rule id");
        for (const [i, res] of (run.results ?? []).entries()) {
            const where = `results[${i}]`;
            need(typeof res.message?.text === "string" && res.message.text.length > 0, `${where}.message.text`);
            need(rules[res.ruleIndex]?.id === res.ruleId, `${where}.ruleIndex names ruleId`);
            need(["error", "warning", "note", "none"].includes(res.level), `${where}.level`);
            need(res.locations?.length >= 1, `${where}.locations`);
            for (const loc of res.locations ?? []) {
                const phys = loc.physicalLocation;
                need(
                    typeof phys?.artifactLocation?.uri === "string" && phys.artifactLocation.uri !== "",
                    `${where} uri`,
                );
                need(Number.isInteger(phys?.region?.startLine) && phys.region.startLine >= 1, `${where} startLine`);
                if (phys?.artifactLocation?.uriBaseId) {
                    need(run.originalUriBaseIds?.[phys.artifactLocation.uriBaseId], `${where} uriBaseId defined`);
                }
            }
            for (const s of res.suppressions ?? [])
                need(["inSource", "external"].includes(s.kind), `${where} suppression`);
        }
    }
    return problems;
}

// ---------------------------------------------------------------------------------------
// A strict reader for the XML the JUnit report writes: a declaration, elements,
// attributes, character data and the five entities plus numeric references. It throws
// on anything malformed (an unescaped '<' or '&', a mismatched tag, a character XML 1.0
// forbids), which is what the test is for.

interface XmlElement {
    name: string;
    attrs: Record<string, string>;
    children: XmlElement[];
    text: string;
}

function child(e: XmlElement, name: string): XmlElement | undefined {
    return e.children.find((c) => c.name === name);
}

function parseXml(xml: string): XmlElement {
    let i = 0;
    const fail = (why: string): never => {
        throw new Error(`XML: ${why} at offset ${i}`);
    };
    for (const ch of xml) {
        const c = ch.codePointAt(0)!;
        if ((c < 0x20 && c !== 0x9 && c !== 0xa && c !== 0xd) || c === 0xfffe || c === 0xffff) {
            fail(`forbidden character U+${c.toString(16)}`);
        }
    }
    const isNameChar = (c: string): boolean =>
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || "-_.:".includes(c);
    const skipSpace = (): void => {
        while (" \t\r\n".includes(xml[i]) && i < xml.length) i++;
    };
    const name = (): string => {
        const start = i;
        while (i < xml.length && isNameChar(xml[i])) i++;
        return i > start ? xml.slice(start, i) : fail("expected a name");
    };
    const decode = (raw: string): string => {
        let out = "";
        for (let j = 0; j < raw.length; j++) {
            if (raw[j] === "<") fail("raw '<' in character data");
            if (raw[j] !== "&") {
                out += raw[j];
                continue;
            }
            const end = raw.indexOf(";", j);
            if (end === -1) fail("unterminated entity");
            const ent = raw.slice(j + 1, end);
            const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
            if (ent in named) out += named[ent];
            else if (ent.startsWith("#x")) out += String.fromCodePoint(parseInt(ent.slice(2), 16));
            else if (ent.startsWith("#")) out += String.fromCodePoint(parseInt(ent.slice(1), 10));
            else fail(`unknown entity &${ent};`);
            j = end;
        }
        return out;
    };
    const element = (): XmlElement => {
        if (xml[i] !== "<") fail("expected '<'");
        i++;
        const el: XmlElement = { name: name(), attrs: {}, children: [], text: "" };
        for (;;) {
            skipSpace();
            if (xml.startsWith("/>", i)) {
                i += 2;
                return el;
            }
            if (xml[i] === ">") {
                i++;
                break;
            }
            const key = name();
            if (xml[i] !== "=") fail("expected '='");
            const quote = xml[++i];
            if (quote !== '"' && quote !== "'") fail("expected a quote");
            const end = xml.indexOf(quote, i + 1);
            if (end === -1) fail("unterminated attribute");
            if (key in el.attrs) fail(`duplicate attribute ${key}`);
            // A literal whitespace character in an attribute is normalised to a space.
            el.attrs[key] = decode(xml.slice(i + 1, end).replace(/[\t\n\r]/g, " "));
            i = end + 1;
        }
        for (;;) {
            const lt = xml.indexOf("<", i);
            if (lt === -1) fail(`unclosed <${el.name}>`);
            el.text += decode(xml.slice(i, lt));
            i = lt;
            if (xml.startsWith("</", i)) {
                i += 2;
                if (name() !== el.name) fail(`mismatched </...> for <${el.name}>`);
                skipSpace();
                if (xml[i] !== ">") fail("expected '>'");
                i++;
                return el;
            }
            if (xml.startsWith("<!", i) || xml.startsWith("<?", i)) fail("unexpected markup");
            el.children.push(element());
        }
    };
    if (xml.startsWith("<?xml")) {
        i = xml.indexOf("?>") + 2;
    }
    skipSpace();
    const root = element();
    skipSpace();
    if (i !== xml.length) fail("content after the root element");
    return root;
}
