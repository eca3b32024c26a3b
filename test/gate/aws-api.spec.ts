/**
 * The AWS API contract (tools/gate/aws-api.ts): the committed constraint table matches the
 * botocore models on this machine, the program passes it in both modes for every shipped stack
 * config with every string/number input mapped, seeded breaks are caught with the member, the
 * value, the rule and the AWS page, and `npm run gate -- --check-aws-api` reports them.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { AWS_API_POLICY, awsApiListing, awsApiSummary, checkAwsApi, loadAwsApiTables } from "../../tools/gate/aws-api";
import type { ResourceRecord } from "../../tools/gate/types";
import { program } from "../infra/program";
import { gate, pack, ROOT } from "./fixtures";

const FIXTURE = path.join(ROOT, "test/fixtures/aws-api/old-description");
const OLD_DESCRIPTION = "Blocks requests to the API stage that lack CloudFront's origin-verify header";
const STACKS = fs
    .readdirSync(ROOT)
    .filter((f) => /^Pulumi\.[\w-]+\.yaml$/.test(f))
    .map((f) => f.split(".")[1]!);

describe("AWS API contract", () => {
    it("has a constraint table that matches the botocore models on this machine (not stale)", function () {
        this.timeout(60_000);
        const r = spawnSync("python3", [path.join(ROOT, "tools/gate/aws-api/generate.py"), "--check"], {
            encoding: "utf8",
        });
        expect(r.status, r.stderr).to.equal(0);
        expect(loadAwsApiTables().botocoreVersion).to.match(/^\d+\.\d+\.\d+$/);
    });

    it("cites a page and quotes it for every documented constraint, on a mapped member", () => {
        const t = loadAwsApiTables();
        for (const d of t.documented) {
            expect(d.source, d.member).to.match(/^https:\/\/docs\.aws\.amazon\.com\//);
            expect(d.quote, d.member).to.not.equal("");
            expect(t.members[d.member], d.member).to.not.equal(undefined);
        }
    });

    for (const stack of STACKS) {
        for (const mode of ["resolved", "first-preview"] as const) {
            it(`passes the program (stack ${stack}, ${mode}) with every string and number input mapped`, async () => {
                const p = await program(mode, {}, stack);
                const check = checkAwsApi(p.resources);
                console.log(`      ${awsApiSummary(check, `${mode}, stack '${stack}'`)}`);
                expect(check.unmapped, "add these to tools/gate/aws-api/mapping.json").to.deep.equal([]);
                expect(awsApiListing(check).filter((l) => l.startsWith("VIOLATION"))).to.deep.equal([]);
                expect(check.checked.length).to.be.greaterThan(300);
            });
        }
    }

    describe("seeded breaks on the resolved program", () => {
        let resources: ResourceRecord[];
        before(async () => {
            resources = (await program("resolved")).resources;
        });
        const seeded = (edit: (r: ResourceRecord) => boolean) =>
            checkAwsApi(
                resources.map((r) => {
                    const copy = JSON.parse(JSON.stringify(r)) as ResourceRecord;
                    return edit(copy) ? copy : r;
                }),
            );

        it("catches the old web ACL description (apostrophe) with the member, value, pattern and page", () => {
            const check = seeded((r) => r.name === "api-web-acl" && Boolean((r.inputs.description = OLD_DESCRIPTION)));
            expect(check.violations).to.have.length(1);
            expect(check.violations[0]).to.deep.include({
                member: "wafv2:CreateWebACL:Description",
                shown: OLD_DESCRIPTION,
                rule: "does not match pattern ^[\\w+=:#@/\\-,\\.][\\w+=:#@/\\-,\\.\\s]+[\\w+=:#@/\\-,\\.]$",
                page: "https://docs.aws.amazon.com/goto/WebAPI/wafv2-2019-07-29/CreateWebACL",
            });
        });

        it("catches a function name over 64 characters (documented outside the model)", () => {
            const long = "f".repeat(65);
            const check = seeded((r) => r.name === "api-handler-function" && Boolean((r.inputs.name = long)));
            expect(check.violations.map((v) => [v.member, v.rule, v.page])).to.deep.equal([
                [
                    "lambda:CreateFunction:FunctionName",
                    "length 65 > max 64",
                    "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
                ],
            ]);
        });

        it("catches a runtime outside the model's enum", () => {
            const check = seeded(
                (r) => r.name === "api-handler-function" && Boolean((r.inputs.runtime = "python3.99")),
            );
            expect(check.violations).to.have.length(1);
            expect(check.violations[0]!.member).to.equal("lambda:CreateFunction:Runtime");
            expect(check.violations[0]!.rule).to.match(/^is not one of .*python3\.12/);
        });

        it("catches a log retention CloudWatch Logs does not accept", () => {
            const check = seeded((r) => r.name === "api-access-logs" && Boolean((r.inputs.retentionInDays = 10)));
            expect(check.violations).to.have.length(1);
            expect(check.violations[0]).to.deep.include({
                member: "logs:PutRetentionPolicy:retentionInDays",
                shown: "10",
            });
            expect(check.violations[0]!.rule).to.match(/^10 is not one of 1, 3, 5, 7, 14, 30/);
            expect(check.violations[0]!.page).to.equal(
                "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
            );
        });

        it("never prints a secret value", () => {
            const check = seeded((r) => {
                if (r.name !== "api-web-acl") return false;
                r.inputs.description = {
                    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                    value: "it's secret",
                };
                return true;
            });
            expect(check.violations).to.have.length(1);
            expect(check.violations[0]!.shown).to.equal("[secret]");
            expect(JSON.stringify(check)).to.not.contain("it's secret");
        });
    });

    describe("npm run gate -- --check-aws-api", () => {
        it("reports the old description as an advisory finding (exit unchanged) with member, value and pattern", () => {
            const r = gate(
                "--check-aws-api",
                "--program",
                FIXTURE,
                "--policy-pack",
                pack("reporting"),
                "--format",
                "json",
            );
            expect(r.code, r.stderr).to.equal(0);
            expect(r.stderr).to.match(/AWS API contract \(resolved, stack 'dev'\): \d+ inputs checked .* 1 violation/);
            const report = JSON.parse(r.stdout);
            const text = JSON.stringify(report);
            expect(text)
                .to.contain(AWS_API_POLICY)
                .and.contain("wafv2 CreateWebACL Description")
                .and.contain("CloudFront's origin-verify");
            expect(text).to.contain("does not match pattern ^[\\\\w+=:#@/");
        });

        it("fails on it with --fail-on-aws-api", () => {
            const r = gate("--fail-on-aws-api", "--program", FIXTURE, "--policy-pack", pack("reporting"));
            expect(r.code, r.stderr).to.equal(1);
            expect(r.stdout).to.contain("[mandatory]").and.contain("aws-api-contract");
        });
    });
});
