/**
 * The gate on programs written the way Pulumi users write them (test/fixtures/programs/*):
 * each is loaded as the Node.js language host loads it, judged by the project's pack, and its
 * verdict pinned exactly (every mandatory finding by rule and resource, nothing else); a stack
 * export built from the same run gives the same findings.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AnalyzeAhead } from "../../tools/gate/analyze-ahead";
import { ProgramRun, runProgram } from "../../tools/gate/engine";
import { GateError } from "../../tools/gate/errors";
import { gateFails, runGate } from "../../tools/gate/index";
import { renderReport } from "../../tools/gate/report";
import { readStackExport, toStackExport } from "../../tools/gate/stack-export";
import { WIRE_UNKNOWN, Violation } from "../../tools/gate/types";
import { startPack, PackHarness } from "../helpers/pack";
import { byName, pack, program, ROOT } from "./fixtures";

const findings = (vs: Violation[], pick: (v: Violation) => boolean) =>
    vs
        .filter(pick)
        .map((v) => `${v.policyName} ${v.resourceName}`)
        .sort();
const mandatory = (vs: Violation[]) => findings(vs, (v) => v.enforcementLevel === "mandatory" && !v.undecided);
const lambdaDefaults = (fn: string) => [
    `lambda-function-errors-alarm ${fn}`,
    `lambda-function-in-private-subnets ${fn}`,
];
/** The AWS-managed policies aws.lambda.CallbackFunction attaches to the role it creates. */
const callbackRolePolicies = (fn: string) =>
    ["b5aeb6b6", "d32a66fa", "74d12784", "4aaabb8e", "a1de8170", "7cd09230", "e1a3786d"].map(
        (suffix) => `iam-managed-policy-not-broad ${fn}-${suffix}`,
    );

interface ProgramCase {
    program: string;
    /** Every mandatory finding the pack must give, `<rule> <resource name>`. */
    mandatory: string[];
    /** Findings the pack cannot decide (a value it reads is unknown). */
    undecided?: string[];
    env?: Record<string, string>;
    checks?: (run: ProgramRun, violations: Violation[]) => void;
}

const CASES: ProgramCase[] = [
    {
        program: "nodenext-site",
        mandatory: [
            "s3-bucket-public-access-blocked site-bucket",
            "s3-bucket-tls-required site-bucket",
            "s3-bucket-website-disabled site-website",
        ],
        checks: (run) => {
            // The stock nodenext tsconfig loads; a bucket passed as a resource reaches the pack as its id.
            const obj = byName(run, "index");
            expect(obj.inputs.bucket).to.equal(byName(run, "site-bucket").id);
            expect(obj.inputReferences?.[0]?.ref.urn).to.equal(byName(run, "site-bucket").urn);
            expect(obj.source?.line).to.equal(26);
        },
    },
    {
        program: "esm-bucket-acl",
        mandatory: [
            "s3-bucket-acl-not-public downloads-acl",
            "s3-bucket-public-access-blocked downloads",
            "s3-bucket-tls-required downloads",
        ],
        checks: (run) => {
            // `.js` imports of TypeScript files, a `.cts` helper and top-level await all ran.
            expect(byName(run, "downloads").inputs.bucket).to.equal("downloads-123456789012");
            expect(byName(run, "downloads-acl").source).to.deep.include({
                file: path.join(program("esm-bucket-acl"), "index.ts"),
                line: 18,
            });
        },
    },
    {
        program: "plain-js",
        mandatory: [
            "s3-bucket-policy-not-public docs-policy",
            "s3-bucket-public-access-blocked docs-bucket",
            "s3-bucket-tls-required docs-bucket",
        ],
        checks: (run, violations) => {
            // Pulumi.yaml main and config; the bucket resource itself given as `bucket`.
            const bucket = byName(run, "docs-bucket");
            expect(byName(run, "docs-policy").inputs.bucket).to.equal(bucket.id);
            expect(byName(run, "docs-public-access").inputs.bucket).to.equal(bucket.id);
            // The block is linked to its bucket (a raw reference would have made the rule throw).
            const blocked = violations.find((v) => v.policyName === "s3-bucket-public-access-blocked")!;
            expect(blocked.message).to.contain("BucketPublicAccessBlock 'docs-public-access' leaves");
            expect(byName(run, "docs-policy").source?.file).to.equal(path.join(program("plain-js"), "src", "main.js"));
        },
    },
    {
        program: "type-error",
        env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
        mandatory: ["s3-bucket-public-access-blocked logs", "s3-bucket-tls-required logs"],
        checks: (run) => expect(run.typeCheck.skipped).to.equal(true),
    },
    {
        program: "lambda-route",
        mandatory: [
            "apigateway-stage-access-logging hello-stage",
            "iam-managed-policy-not-broad hello-logs",
            "lambda-permission-source-restricted hello-invoke",
            ...lambdaDefaults("hello"),
        ],
        checks: (run) => {
            // `function: fn` and `role: role` reach the pack as the function's and role's ids.
            expect(byName(run, "hello-invoke").inputs.function).to.equal(
                byName(run, "hello", "aws:lambda/function:Function").id,
            );
            expect(byName(run, "hello-logs").inputs.role).to.equal(byName(run, "hello-role").id);
        },
    },
    {
        program: "on-object-created",
        // The permission onObjectCreated creates names the bucket's ARN but not its account
        // (bucket names are global, Lambda.1).
        mandatory: [
            ...callbackRolePolicies("on-upload"),
            "s3-bucket-tls-required images",
            ...lambdaDefaults("on-upload"),
            "lambda-permission-source-restricted on-upload",
        ],
        checks: (run) => {
            // The notification the s3 mixin creates in its beforeExit hook is registered and placed.
            const notification = byName(run, "on-upload", "aws:s3/bucketNotification:BucketNotification");
            expect(notification.inputs.bucket).to.equal(byName(run, "images").id);
            expect(notification.source?.file).to.equal(path.join(program("on-object-created"), "index.ts"));
            // Resources the SDK creates inside its helpers point at the program's line.
            expect(byName(run, "on-upload", "aws:lambda/function:Function").source?.line).to.equal(18);
        },
    },
    {
        program: "callback-function",
        mandatory: [...callbackRolePolicies("nightly-report"), ...lambdaDefaults("nightly-report")],
        checks: (run) => {
            expect(byName(run, "nightly-report", "aws:lambda/function:Function").source?.line).to.equal(5);
            expect(byName(run, "nightly-target").inputs.rule).to.equal(byName(run, "nightly").outputs.name);
        },
    },
    {
        // @pulumi/awsx's classic components run in the program's process: every subnet, gateway,
        // route and rule they create is judged. SSH is open to the world on the bastion's rule.
        program: "classic-vpc",
        mandatory: [
            "ec2-default-security-group-no-rules app",
            "ec2-security-group-no-public-ingress bastion-ingress-0",
            "ec2-vpc-flow-logs-enabled app",
        ],
        checks: (run) => {
            const index = path.join(program("classic-vpc"), "index.ts");
            expect(byName(run, "app", "aws:ec2/vpc:Vpc").source).to.deep.include({ file: index, line: 6 });
            const ssh = byName(run, "bastion-ingress-0", "aws:ec2/securityGroupRule:SecurityGroupRule");
            expect(ssh.source).to.deep.include({ file: index, line: 14 });
            expect(ssh.inputs).to.deep.include({
                type: "ingress",
                fromPort: 22,
                securityGroupId: byName(run, "bastion", "aws:ec2/securityGroup:SecurityGroup").id,
            });
            // getAvailabilityZones answered; one NAT gateway; private subnets route through it.
            expect(byName(run, "app-private-1", "aws:ec2/subnet:Subnet").inputs.availabilityZone).to.equal(
                "us-west-2b",
            );
            expect(run.resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway")).to.have.length(1);
            expect(byName(run, "app-private-1-nat-1").inputs.natGatewayId).to.equal(
                byName(run, "app-0", "aws:ec2/natGateway:NatGateway").id,
            );
            expect(run.resources.filter((r) => r.type.startsWith("awsx:x:ec2:")).every((r) => !r.remote)).to.equal(
                true,
            );
            expect(run.warnings).to.deep.equal([]);
            expect(run.unmodelled).to.deep.equal({});
        },
    },
    {
        // awsx classic's default VPC: invokes answered, the VPC and two subnets read into the stack
        // (external: judged by the stack rules as the CLI's AnalyzeStack judges them, not on inputs).
        program: "classic-default-vpc",
        mandatory: [
            "ec2-default-security-group-no-rules default-vpc",
            "ec2-security-group-no-public-ingress web-ingress-0",
            "ec2-vpc-flow-logs-enabled default-vpc",
        ],
        checks: (run) => {
            const reads = run.resources.filter((r) => r.external).map((r) => `${r.type} ${r.name}`);
            expect(reads).to.deep.equal([
                "aws:ec2/vpc:Vpc default-vpc",
                "aws:ec2/subnet:Subnet default-vpc-public-0",
                "aws:ec2/subnet:Subnet default-vpc-public-1",
            ]);
            const vpc = byName(run, "default-vpc", "aws:ec2/vpc:Vpc");
            expect(vpc.id).to.match(/^vpc-[0-9a-f]{17}$/);
            expect(byName(run, "web", "aws:ec2/securityGroup:SecurityGroup").inputs.vpcId).to.equal(vpc.id);
            expect(byName(run, "default-vpc-public-1", "aws:ec2/subnet:Subnet").id).to.match(/^subnet-[0-9a-f]{17}$/);
            // Every invoke awsx classic made was modelled; each read is named in a warning.
            expect(run.warnings).to.have.length(3);
            expect(run.warnings.join("\n")).to.not.contain("not modelled");
            expect(run.warnings[0]).to.match(
                /^aws:ec2\/vpc:Vpc 'default-vpc' is read from the cloud \(Vpc\.get, id vpc-/,
            );
        },
    },
    {
        program: "default-vpc-webserver",
        // The instance's root volume is unencrypted: no rootBlockDevice.encrypted and no EBS
        // encryption by default declared in the stack.
        mandatory: [
            "ec2-instance-volumes-encrypted web-server",
            "ec2-security-group-no-public-ingress web-secgrp",
            "ec2-security-group-no-public-ingress web-secgrp",
        ],
        checks: (run) => {
            // getVpc(default), getSubnets and getAmi answered with realistic values.
            expect(byName(run, "web-secgrp").inputs.vpcId).to.match(/^vpc-[0-9a-f]{17}$/);
            expect(byName(run, "web-server").inputs.ami).to.match(/^ami-[0-9a-f]{17}$/);
            expect(byName(run, "web-server").inputs.subnetId).to.match(/^subnet-[0-9a-f]{17}$/);
            expect(run.warnings).to.deep.equal([]);
        },
    },
    {
        program: "route53-cloudfront",
        mandatory: [
            "cloudfront-distribution-logging-enabled site-cdn",
            "cloudfront-distribution-security-headers site-cdn",
            "cloudfront-distribution-viewer-tls12 site-cdn",
            "s3-bucket-public-access-blocked site-origin",
            "s3-bucket-tls-required site-origin",
        ],
        checks: (run) => {
            // The certificate ARN flows from the validation resource, not silently absent.
            const viewer = byName(run, "site-cdn").inputs.viewerCertificate as Record<string, unknown>;
            expect(viewer.acmCertificateArn).to.equal(byName(run, "site-cert").outputs.arn);
            expect(viewer.acmCertificateArn).to.match(/^arn:aws:acm:us-east-1:123456789012:certificate\//);
            expect(byName(run, "site-alias").inputs.zoneId).to.match(/^Z[0-9A-F]{20}$/);
        },
    },
    {
        program: "remote-component",
        mandatory: [],
        checks: (run) => {
            expect(byName(run, "main").remote).to.equal(true);
            // The remote component's output is unknown offline, and counted as such.
            expect(byName(run, "app-sg").inputs.vpcId).to.equal(WIRE_UNKNOWN);
            expect(run.unmodelled).to.deep.equal({ "aws:ec2/securityGroup:SecurityGroup vpcId": 1 });
        },
    },
    {
        program: "unmodelled-invoke",
        mandatory: [],
        undecided: ["ec2-security-group-no-public-ingress alb-from-cloudfront"],
        checks: (run) => {
            expect(run.warnings.join("\n")).to.match(
                /invoke aws:index\/getIpRanges:getIpRanges is not modelled by the gate: its result is unknown/,
            );
            expect(run.unmodelled).to.deep.equal({ "aws:ec2/securityGroup:SecurityGroup ingress": 1 });
        },
    },
];

describe("gate on programs it was not written for (loaded as the language host loads them)", function () {
    // A program's first type check parses @pulumi/aws's declarations (tens of seconds on a
    // loaded machine); later runs are answered from the gate's cache.
    this.timeout(20 * 60_000);
    let harness: PackHarness;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gate-programs-"));

    before(async () => {
        harness = await startPack();
    });
    after(() => {
        harness?.close();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    for (const c of CASES) {
        describe(c.program, () => {
            let run: ProgramRun;
            let violations: Violation[];
            /** Analyze sent for each resource as the engine recorded it, the pack already started. */
            let ahead: AnalyzeAhead;
            before(async () => {
                ahead = new AnalyzeAhead();
                ahead.begin(harness.client);
                run = await runProgram({ programDir: program(c.program), env: c.env, onResource: (r) => ahead.add(r) });
                ahead.close();
                violations = (await harness.client.preview(run.resources)).violations;
            });
            it("gives exactly the mandatory findings a reviewer would", () => {
                expect(mandatory(violations)).to.deep.equal([...c.mandatory].sort());
            });
            it("decides every rule it can (undecided only where a value is unknown)", () => {
                expect(findings(violations, (v) => v.undecided === true)).to.deep.equal(
                    [...(c.undecided ?? [])].sort(),
                );
            });
            if (c.checks)
                it("records what the engine would (references, positions, invokes)", () => c.checks!(run, violations));
            it("gives the same report when Analyze goes out while the program runs", async () => {
                const streamed = await harness.client.preview(run.resources, ahead);
                expect(streamed.violations).to.deep.equal(violations);
                // The pack was up before the program began: the first records were analysed ahead.
                expect(streamed.answeredAhead).to.be.greaterThan(0);
            });
            it("gives the same findings from a stack export of the same run", async () => {
                const file = path.join(tmp, `${c.program}.json`);
                fs.writeFileSync(file, JSON.stringify(toStackExport(run), null, 2));
                const exported = readStackExport(file);
                const fromExport = (await harness.client.preview(exported.resources)).violations;
                const all = (vs: Violation[]) => findings(vs, () => true);
                expect(all(fromExport)).to.deep.equal(all(violations));
            });
        });
    }
});

describe("gate on programs: type errors, remote components, failures", function () {
    this.timeout(10 * 60_000);

    it("refuses a program with type errors as the CLI does, naming file:line and the program's own fix", async () => {
        try {
            await runProgram({ programDir: program("type-error") });
            expect.fail("should have thrown");
        } catch (e) {
            expect(e).to.be.instanceOf(GateError);
            const err = e as GateError;
            expect(err.message).to.contain(
                `${path.join("test", "fixtures", "programs", "type-error", "index.ts")}:6:5 - error TS2322`,
            );
            expect(err.fix).to.contain("PULUMI_NODEJS_TRANSPILE_ONLY=true");
            expect(err.fix).to.contain("test/fixtures/programs/type-error/index.ts");
            expect(err.fix).to.not.contain("npm run typecheck");
        }
    });

    it('honours compilerOptions.noCheck; PULUMI_NODEJS_TRANSPILE_ONLY turns checking off only when "true"', async () => {
        const dir = fs.mkdtempSync(path.join(program("type-error"), "..", ".tmp-nocheck-"));
        try {
            for (const f of ["Pulumi.yaml", "package.json", "index.ts"])
                fs.copyFileSync(path.join(program("type-error"), f), path.join(dir, f));
            const tsconfig = JSON.parse(fs.readFileSync(path.join(program("type-error"), "tsconfig.json"), "utf8"));
            tsconfig.compilerOptions.noCheck = true;
            fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
            const run = await runProgram({ programDir: dir });
            expect(run.typeCheck.skipped).to.equal(true);
            // run.ts: a set variable decides (transpile only when it is "true"), else noCheck.
            const checked = runProgram({
                programDir: program("type-error"),
                env: { PULUMI_NODEJS_TRANSPILE_ONLY: "1" },
            });
            await checked.then(
                () => expect.fail("should have thrown"),
                (e) => expect((e as Error).message).to.contain("TS2322"),
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("a program that throws keeps what it registered and names its own file and line", async () => {
        try {
            await runProgram({ programDir: program("throws") });
            expect.fail("should have thrown");
        } catch (e) {
            const err = e as GateError & { partial?: ProgramRun };
            expect(err).to.be.instanceOf(GateError);
            expect(err.message).to.contain(
                `program ${program("throws")} (stack dev) failed at test/fixtures/programs/throws/index.ts:5`,
            );
            expect(err.message).to.contain("fixture program failed: bucketName is required");
            expect(err.message).to.contain("resource(s) were registered before it failed");
            expect(err.partial?.resources.map((r) => r.name)).to.include("before-the-error");
            expect(err.fix).to.contain("test/fixtures/programs/throws/index.ts:5");
            expect(err.fix).to.not.contain("npm run typecheck");
        }
    });

    it("a remote component passes with a count of components not analysed, and fails with --fail-on-not-analysed", async () => {
        const base = {
            program: program("remote-component"),
            stack: "dev",
            policyPacks: [pack("reporting")],
            policyPackConfigs: [],
            mode: "resolved" as const,
        };
        const lenient = await runGate(base);
        expect(gateFails(lenient)).to.equal(false);
        expect(lenient.notAnalysed).to.have.length(1);
        expect(lenient.notAnalysed[0]).to.deep.include({ type: "awsx:ec2:Vpc", package: "awsx" });
        expect(renderReport(lenient, "text")).to.match(
            /1 not analysed: PASSED \(no mandatory violation; 1 component not analysed\)/,
        );
        const strict = await runGate({ ...base, failOnNotAnalysed: true });
        expect(gateFails(strict)).to.equal(true);
        expect(renderReport(strict, "text")).to.contain("FAILED (1 component not analysed, --fail-on-not-analysed)");
        const json = JSON.parse(renderReport(strict, "json"));
        expect(json.summary).to.deep.include({ notAnalysed: 1, passed: false });
        expect(renderReport(strict, "junit")).to.contain('type="not-analysed"');
    });

    it("the CLI exits 1 on --fail-on-not-analysed and 2 on a type error, with the diagnostic", () => {
        const gate = (...args: string[]) =>
            spawnSync(
                process.execPath,
                ["-r", "ts-node/register/transpile-only", path.join(ROOT, "tools/gate/cli.ts"), ...args],
                { cwd: ROOT, encoding: "utf8", timeout: 300_000 },
            );
        const remote = gate(
            "--program",
            program("remote-component"),
            "--policy-pack",
            pack("reporting"),
            "--fail-on-not-analysed",
        );
        expect(remote.status, remote.stderr).to.equal(1);
        const typeError = gate("--program", program("type-error"), "--policy-pack", pack("reporting"));
        expect(typeError.status).to.equal(2);
        expect(typeError.stderr).to.match(/index\.ts:6:5 - error TS2322/);
        expect(typeError.stderr).to.match(/fix: .*PULUMI_NODEJS_TRANSPILE_ONLY=true/);
    });
});
