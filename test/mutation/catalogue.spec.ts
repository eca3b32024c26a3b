/**
 * The mutation catalogue's own invariants and the verdict logic. Fast: nothing here runs the
 * program or the pack (`npm run mutation` does that); it pins what the suite promises — the
 * mistakes the suite was asked to make, every family, a third in alternate forms, rules that exist at the
 * stated level, URNs of this stack — and that a survivor or an error can never pass.
 */
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import type { ResourceRecord, Violation } from "../../tools/gate/types";
import { controls, mutations } from "../../tools/mutation/catalogue";
import { judgeControl, judgeMutation } from "../../tools/mutation/judge";
import { catalogueMarkdown } from "../../tools/mutation/report";
import { C, FAMILY_TITLES, Mutation } from "../../tools/mutation/types";
import { AWS_TYPES } from "../../policies/lib/types";

const ROOT = path.resolve(__dirname, "..", "..");

/** The mistakes the suite must make, each with the catalogue id that makes it. */
const REQUIRED: Record<string, string> = {
    "a bucket's public-access block off": "s3-pab-policy-off",
    "a public ACL (BucketAcl)": "s3-bucket-acl-public-read",
    "a website configuration": "s3-website-configuration",
    "a * bucket-policy principal": "s3-policy-star-principal",
    "encryption removed from the table": "dynamodb-encryption-removed",
    "encryption removed from the stream": "kinesis-encryption-removed",
    "encryption removed from the topic": "sns-encryption-removed",
    "encryption removed from the queue": "sqs-encryption-removed",
    "a non-HTTPS viewer policy": "cloudfront-viewer-allow-all",
    "an OAI instead of OAC": "cloudfront-oai-not-oac",
    "a function without VPC config": "lambda-without-vpc",
    "a function in a public subnet (a new Route to the internet gateway)": "lambda-subnet-route-to-igw",
    "a missing gateway endpoint": "gateway-endpoint-missing",
    "an endpoint not attached to the function's route table": "gateway-endpoint-one-route-table",
    "dynamodb:*": "iam-dynamodb-star",
    "s3:Put*": "iam-s3-put-star",
    "Resource * on s3:PutObject": "iam-putobject-resource-star",
    NotAction: "iam-not-action",
    "an AdministratorAccess attachment": "iam-administrator-access",
    "a * trust principal": "iam-trust-star",
    "a function URL with no auth": "lambda-function-url-no-auth",
    "a public lambda.Permission": "lambda-permission-public",
    "0.0.0.0/0 ingress inline": "sg-inline-ingress-world",
    "0.0.0.0/0 ingress as a rule resource": "sg-rule-resource-ssh-world",
    "an alarm with no action": "alarm-errors-no-action",
    "a topic key that does not grant CloudWatch": "topic-key-without-cloudwatch",
    "a distribution back on the default certificate (advisory)": "cloudfront-default-certificate",
    "an S3 permission without sourceAccount": "lambda-permission-s3-arn-no-account",
};

/** Controls the suite must hold: the quiet side of an advisory rule's mutation. */
const REQUIRED_CONTROLS: Record<string, string> = {
    "a custom domain with TLSv1.2_2021, silent under the default-certificate rule": "ctl-cloudfront-custom-domain",
};

/** Rule name -> level, from the generated catalogue (docs/POLICIES.md). */
function catalogueLevels(): Map<string, string> {
    const text = fs.readFileSync(path.join(ROOT, "docs", "POLICIES.md"), "utf8");
    const levels = new Map<string, string>();
    for (const m of text.matchAll(/^\| \[`([a-z0-9-]+)`\]\([^)]*\) \| (mandatory|advisory|remediate|disabled) \|/gm)) {
        levels.set(m[1]!, m[2]!);
    }
    return levels;
}

describe("mutation catalogue", () => {
    it("holds at least 40 single-defect mutations with unique kebab-case ids", () => {
        expect(mutations.length).to.be.at.least(40);
        const ids = [...mutations, ...controls].map((x) => x.id);
        expect(new Set(ids).size, "duplicate id").to.equal(ids.length);
        for (const id of ids) expect(id).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    });

    it("makes every required mistake", () => {
        const byId = new Map(mutations.map((m) => [m.id, m]));
        for (const [mistake, id] of Object.entries(REQUIRED)) expect(byId.has(id), `${mistake}: ${id}`).to.equal(true);
        const silent = new Map(controls.map((c) => [c.id, c.silent ?? []]));
        for (const [change, id] of Object.entries(REQUIRED_CONTROLS))
            expect(silent.has(id), `${change}: ${id}`).to.equal(true);
        expect(silent.get("ctl-cloudfront-custom-domain")).to.include(byId.get("cloudfront-default-certificate")!.rule);
    });

    it("covers all five families and the extra rules", () => {
        for (const family of Object.keys(FAMILY_TITLES)) {
            expect(
                mutations.some((m) => m.family === family),
                family,
            ).to.equal(true);
        }
    });

    it("uses an alternate resource form in at least a third of the mutations", () => {
        expect(mutations.filter((m) => m.alternate).length * 3).to.be.at.least(mutations.length);
    });

    it("expects rules the pack holds, at the level the catalogue gives them", () => {
        const levels = catalogueLevels();
        expect(levels.size).to.be.greaterThan(40);
        for (const m of mutations) expect(levels.get(m.rule), `${m.id}: ${m.rule}`).to.equal(m.level);
    });

    it("names exact URNs of this stack", () => {
        const tiers = new Set<string>(Object.values(C));
        for (const m of mutations) {
            const match =
                /^urn:pulumi:dev::secure-web-app::(?:([^$]+)\$)?aws:[a-zA-Z0-9]+\/[a-zA-Z0-9]+:[A-Za-z0-9]+::[a-z0-9.-]+$/.exec(
                    m.resource,
                );
            expect(match, `${m.id}: ${m.resource}`).to.not.equal(null);
            if (match![1] !== undefined) expect(tiers.has(match![1]), `${m.id}: parent ${match![1]}`).to.equal(true);
        }
    });

    it("is the catalogue docs/MUTATION.md shows", () => {
        const doc = fs.readFileSync(path.join(ROOT, "docs", "MUTATION.md"), "utf8");
        const between = /<!-- catalogue:start -->\n([\s\S]*?)\n<!-- catalogue:end -->/.exec(doc);
        expect(between, "docs/MUTATION.md lacks the catalogue markers").to.not.equal(null);
        expect(between![1]!.trim(), "regenerate with `npm run mutation -- --catalogue-md`").to.equal(
            catalogueMarkdown(mutations, controls).trim(),
        );
    });
});

// ---------------------------------------------------------------------------------------------

const TARGET = "urn:pulumi:dev::secure-web-app::secure-web-app:data:Data$aws:dynamodb/table:Table::data-table";
const m: Mutation = {
    id: "t",
    family: "encryption",
    description: "d",
    form: "inline",
    alternate: false,
    rule: "dynamodb-table-encrypted-cmk",
    level: "mandatory",
    resource: TARGET,
    kind: "modify",
    target: { type: AWS_TYPES.dynamodbTable, name: "data-table" },
    modify: (p) => p,
};
const resources = [{ urn: TARGET }] as ResourceRecord[];
function finding(over: Partial<Violation>): Violation {
    return {
        packName: "p",
        packVersion: "1",
        policyName: m.rule,
        description: "",
        enforcementLevel: "mandatory",
        severity: "high",
        message: "must use a customer-managed key",
        urn: TARGET,
        resourceType: AWS_TYPES.dynamodbTable,
        resourceName: "data-table",
        ...over,
    };
}

describe("mutation verdicts", () => {
    it("catches a mandatory finding of the expected rule on the expected URN", () => {
        const v = judgeMutation(m, [], { resources, violations: [finding({})] });
        expect(v.result).to.equal("caught");
    });

    it("lets nothing else count: another rule, another resource, an undecided or exempted finding", () => {
        for (const wrong of [
            finding({ policyName: "kinesis-stream-encrypted" }),
            finding({ urn: TARGET.replace("data-table", "other") }),
            finding({ undecided: true, enforcementLevel: "advisory" }),
            finding({ exemption: { rule: m.rule, reason: "r" } }),
            finding({ enforcementLevel: "advisory" }),
        ]) {
            expect(judgeMutation(m, [], { resources, violations: [wrong] }).result, JSON.stringify(wrong)).to.equal(
                "SURVIVED",
            );
        }
    });

    it("accepts an advisory finding only where the rule is advisory", () => {
        const advisory = { ...m, level: "advisory" as const };
        expect(
            judgeMutation(advisory, [], { resources, violations: [finding({ enforcementLevel: "advisory" })] }).result,
        ).to.equal("caught");
    });

    it("never passes a failed run, a missing resource, or a finding the baseline already had", () => {
        expect(judgeMutation(m, [], { error: "the program threw" }).result).to.equal("ERROR");
        expect(judgeMutation(m, [], { resources: [], violations: [finding({})] }).result).to.equal("ERROR");
        expect(judgeMutation(m, [finding({})], { resources, violations: [finding({})] }).result).to.equal("ERROR");
    });

    it("calls a control quiet only when it adds no blocking finding", () => {
        const c = controls[0]!;
        const base = [finding({ enforcementLevel: "advisory" })];
        expect(judgeControl(c, base, { resources, violations: base }).result).to.equal("quiet");
        expect(
            judgeControl(c, base, {
                resources,
                violations: [...base, finding({ enforcementLevel: "advisory", message: "x" })],
            }).result,
        ).to.equal("quiet");
        expect(judgeControl(c, base, { resources, violations: [...base, finding({ message: "y" })] }).result).to.equal(
            "FLAGGED",
        );
        expect(judgeControl(c, base, { error: "boom" }).result).to.equal("ERROR");
    });

    it("calls a control FLAGGED when a rule it must leave silent says anything, advisory or undecided", () => {
        const c = { ...controls[0]!, silent: [m.rule] };
        const base: Violation[] = [];
        expect(
            judgeControl(c, base, {
                resources,
                violations: [finding({ policyName: "other", enforcementLevel: "advisory" })],
            }).result,
        ).to.equal("quiet");
        for (const said of [
            finding({ enforcementLevel: "advisory" }),
            finding({ enforcementLevel: "advisory", undecided: true }),
        ]) {
            expect(judgeControl(c, base, { resources, violations: [said] }).result, JSON.stringify(said)).to.equal(
                "FLAGGED",
            );
        }
    });
});
