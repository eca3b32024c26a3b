import { expect } from "chai";
import * as path from "path";
import { runProgram, ProgramRun, SECRET_CONFIG_PLACEHOLDER } from "../../tools/gate/engine";
import { GateError } from "../../tools/gate/errors";
import { WIRE_UNKNOWN } from "../../tools/gate/types";
import { byName, program } from "./fixtures";

describe("gate engine (program under the recording mock monitor)", function () {
    let resolved: ProgramRun;
    let preview: ProgramRun;

    before(async () => {
        [resolved, preview] = await Promise.all([
            runProgram({ programDir: program("basic"), mode: "resolved" }),
            runProgram({ programDir: program("basic"), mode: "first-preview" }),
        ]);
    });

    it("records the root Stack first, with the engine's URN", () => {
        expect(resolved.resources[0]!.type).to.equal("pulumi:pulumi:Stack");
        expect(resolved.resources[0]!.urn).to.equal(
            "urn:pulumi:dev::gate-fixture::pulumi:pulumi:Stack::gate-fixture-dev",
        );
    });

    it("records parents and qualifies child URNs with the parent's type chain", () => {
        const site = byName(resolved, "site");
        const bucket = byName(resolved, "site-bucket");
        expect(site.parent).to.equal(resolved.resources[0]!.urn);
        expect(bucket.parent).to.equal(site.urn);
        expect(bucket.urn).to.equal(
            "urn:pulumi:dev::gate-fixture::fixture:site:Site$aws:s3/bucketV2:BucketV2::site-bucket",
        );
        expect(site.custom).to.equal(false);
        expect(bucket.custom).to.equal(true);
    });

    it("records dependencies and property dependencies", () => {
        const bucket = byName(resolved, "site-bucket");
        const pab = byName(resolved, "linked");
        expect(pab.dependencies).to.include(bucket.urn);
        expect(pab.propertyDependencies.bucket).to.deep.equal([bucket.urn]);
        expect(pab.propertyDependencies.blockPublicAcls ?? []).to.deep.equal([]);
    });

    it("records the source position of the `new` in the program", () => {
        const bucket = byName(resolved, "site-bucket");
        expect(bucket.source?.file).to.equal(path.join(program("basic"), "src", "index.ts"));
        expect(bucket.source?.line).to.equal(19);
        expect(byName(resolved, "advisory-topic").source?.line).to.equal(34);
    });

    it("creates the default provider as the engine does and points resources at it", () => {
        const bucket = byName(resolved, "site-bucket");
        const def = resolved.resources.find((r) => r.type === "pulumi:providers:aws" && r.name.startsWith("default_"));
        expect(def, "default provider").to.not.equal(undefined);
        expect(def!.name).to.match(/^default_7_\d+_\d+$/);
        expect(def!.inputs.region).to.equal("us-west-2");
        expect(bucket.provider).to.equal(`${def!.urn}::${def!.id}`);
    });

    it("records an explicit provider and places its resources in its region", () => {
        const east = byName(resolved, "east");
        const topic = byName(resolved, "advisory-topic");
        expect(east.type).to.equal("pulumi:providers:aws");
        expect(east.inputs.region).to.equal("us-east-1");
        expect(topic.provider?.startsWith(`${east.urn}::`)).to.equal(true);
        expect(topic.outputs.arn).to.match(/^arn:aws:sns:us-east-1:123456789012:advisory-topic-/);
    });

    it("answers invokes with realistic values (getRegion, getCallerIdentity, getAvailabilityZones)", () => {
        expect(resolved.stackOutputs.regionName).to.equal("us-west-2");
        expect(resolved.stackOutputs.accountId).to.equal("123456789012");
        expect(resolved.stackOutputs.zoneCount).to.equal(4);
    });

    it("reads stack config, project defaults and secrets as the language host passes them", () => {
        const bucket = byName(resolved, "site-bucket");
        expect(bucket.inputs.tags).to.deep.equal({ label: "dev-label" });
        expect(bucket.inputs.acl).to.equal("private");
        const echo = byName(resolved, "echo");
        expect(echo.inputs.apiKey).to.deep.include({ value: SECRET_CONFIG_PLACEHOLDER });
    });

    it("keeps secrets as the engine's secret wrapper", () => {
        const echo = byName(resolved, "echo");
        expect(echo.inputs.secretValue).to.deep.equal({
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            value: "s3cr3t",
        });
    });

    it("resolved mode: computed outputs are known, realistic and stable", async () => {
        const bucket = byName(resolved, "site-bucket");
        expect(bucket.outputs.bucket).to.match(/^site-bucket-[0-9a-f]{7}$/);
        expect(bucket.outputs.arn).to.equal(`arn:aws:s3:::${String(bucket.outputs.bucket)}`);
        expect(byName(resolved, "linked").inputs.bucket).to.equal(bucket.outputs.id);
        const again = await runProgram({ programDir: program("basic") });
        expect(byName(again, "site-bucket").outputs.arn).to.equal(bucket.outputs.arn);
    });

    it("first-preview mode: a value derived from another resource's output is unknown", () => {
        expect(byName(preview, "linked").inputs.bucket).to.equal(WIRE_UNKNOWN);
        expect(byName(preview, "site-bucket").outputs.arn).to.equal(WIRE_UNKNOWN);
        expect(byName(preview, "echo").inputs.derived).to.equal(WIRE_UNKNOWN);
        // An input the program gave directly stays known.
        expect(byName(preview, "linked").inputs.blockPublicAcls).to.equal(true);
        expect(preview.stackOutputs.bucketName).to.equal(WIRE_UNKNOWN);
    });

    it("flags a remote component (its children are not visible)", () => {
        const vpc = byName(resolved, "remote-vpc");
        expect(vpc.remote).to.equal(true);
        expect(vpc.type).to.equal("awsx:ec2:Vpc");
    });

    it("honours --stack: another stack's config file", async () => {
        const run = await runProgram({ programDir: program("basic"), stack: "public" });
        expect(byName(run, "site-bucket").inputs.acl).to.equal("public-read");
        expect(byName(run, "site-bucket").urn).to.match(/^urn:pulumi:public::/);
    });

    it("honours config overrides", async () => {
        const run = await runProgram({ programDir: program("basic"), config: { label: "override" } });
        expect(byName(run, "site-bucket").inputs.tags).to.deep.equal({ label: "override" });
    });

    it("runs preloads before the program (a stack transformation changes args) and overlays after it", async () => {
        const overlays = path.join(program("basic"), "..", "..", "overlays");
        const run = await runProgram({
            programDir: program("basic"),
            preloads: [path.join(overlays, "public-acl-transform.ts")],
            overlays: [path.join(overlays, "add-bucket.ts")],
        });
        expect(byName(run, "site-bucket").inputs.acl).to.equal("public-read");
        const added = byName(run, "added-by-overlay");
        expect(added.inputs.bucket).to.equal(byName(run, "site-bucket").outputs.bucket);
        expect(added.parent).to.equal(run.resources[0]!.urn);
    });

    it("rejects a folder without Pulumi.yaml", async () => {
        try {
            await runProgram({ programDir: path.join(program("basic"), "src") });
            expect.fail("should have thrown");
        } catch (e) {
            expect(e).to.be.instanceOf(GateError);
            expect((e as Error).message).to.match(/Pulumi.yaml not found/);
        }
    });
});

describe("gate engine: stack traces", function () {
    this.timeout(60_000);
    const { execFileSync } = require("child_process") as typeof import("child_process");
    const fs = require("fs") as typeof import("fs");
    const os = require("os") as typeof import("os");

    /** Loads the engine's boot file (its loader and trace formatting, no run) and prints two traces. */
    function traces(env: Record<string, string>): { promise: string; error: string } {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-traces-"));
        try {
            const script = path.join(dir, "probe.js");
            const boot = path.resolve(__dirname, "../../tools/gate/engine-boot.js");
            const debuggable = require.resolve("@pulumi/pulumi/runtime/debuggable");
            fs.writeFileSync(
                script,
                `require(${JSON.stringify(boot)});\n` +
                    "const p = Promise.resolve();\n" +
                    `require(${JSON.stringify(debuggable)}).debuggablePromise(p, "probe");\n` +
                    "function inner() { return new Error('ordinary').stack; }\n" +
                    "function outer() { return inner(); }\n" +
                    "process.stdout.write(JSON.stringify({ promise: p._debugStackTrace, error: outer() }));\n",
            );
            const out = execFileSync(process.execPath, [script], { env: { ...process.env, ...env }, encoding: "utf8" });
            return JSON.parse(out);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }

    it("keeps only the first frame of the SDK's per-promise trace, which nothing reads unless leaks are debugged", () => {
        const t = traces({ PULUMI_DEBUG_PROMISE_LEAKS: "" });
        expect(t.promise).to.match(/at (Object\.)?debuggablePromise .*debuggable\.js/);
        expect(t.promise).to.include("kept with PULUMI_DEBUG_PROMISE_LEAKS=true");
        expect(t.promise).to.not.include("probe.js");
        // Every other trace is whole.
        expect(t.error).to.match(/at inner [\s\S]*at outer [\s\S]*probe\.js/);
    });

    it("keeps the SDK's per-promise trace whole when PULUMI_DEBUG_PROMISE_LEAKS asks for the leak report", () => {
        const t = traces({ PULUMI_DEBUG_PROMISE_LEAKS: "true" });
        expect(t.promise).to.match(/at (Object\.)?debuggablePromise [\s\S]*probe\.js/);
        expect(t.promise).to.not.include("kept with");
    });
});
