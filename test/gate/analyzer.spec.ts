import { expect } from "chai";
import { PackClient } from "../../tools/gate/analyzer";
import { GateError } from "../../tools/gate/errors";
import { ResourceRecord, SECRET_SIG, SECRET_SIG_KEY, WIRE_UNKNOWN } from "../../tools/gate/types";
import { pack } from "./fixtures";

const STACK = "urn:pulumi:t::p::pulumi:pulumi:Stack::p-t";
function record(
    type: string,
    name: string,
    props: Record<string, unknown>,
    extra: Partial<ResourceRecord> = {},
): ResourceRecord {
    return {
        urn: `urn:pulumi:t::p::${type}::${name}`,
        type,
        name,
        custom: true,
        parent: STACK,
        dependencies: [],
        propertyDependencies: {},
        inputs: props,
        outputs: props,
        options: {},
        ...extra,
    };
}

async function expectGateError(p: Promise<unknown>, pattern: RegExp): Promise<GateError> {
    try {
        await p;
    } catch (e) {
        expect(e, String(e)).to.be.instanceOf(GateError);
        expect((e as Error).message).to.match(pattern);
        return e as GateError;
    }
    expect.fail(`expected a GateError matching ${pattern}`);
}

describe("gate analyzer client (packs started as the CLI starts them)", function () {
    let client: PackClient;
    before(async () => {
        client = await PackClient.start(pack("reporting"), { stack: "t", project: "p" });
    });
    after(() => client.close());

    it("reads the pack's name, version and every policy's metadata (GetAnalyzerInfo)", () => {
        expect(client.info.name).to.equal("fixture-reporting");
        expect(client.info.version).to.equal("1.2.3");
        const p = client.info.policies.find((x) => x.name === "fixture-public-bucket")!;
        expect(p).to.deep.include({
            enforcementLevel: "mandatory",
            severity: "high",
            remediationSteps: "Remove the ACL.",
        });
        expect(p.framework?.reference).to.equal("FX.1");
        expect(p.tags).to.deep.equal(["s3"]);
        const c = client.info.policies.find((x) => x.name === "fixture-configurable")!;
        expect(c.configSchema?.properties).to.have.property("maxCount");
    });

    it("applies schema defaults, then the config, and the pack sees it (Configure)", async () => {
        await client.configure({});
        let out = await client.analyzeStack(
            [record("pulumi:pulumi:Stack", "p-t", {}, { urn: STACK, parent: undefined })],
            new Map(),
        );
        expect(out.violations.find((v) => v.policyName === "fixture-configurable")!.message).to.equal(
            'config {"maxCount":3}',
        );
        await client.configure({ "fixture-configurable": { properties: { maxCount: 7, names: ["a"] } } });
        out = await client.analyzeStack([], new Map());
        expect(out.violations.find((v) => v.policyName === "fixture-configurable")!.message).to.equal(
            'config {"maxCount":7,"names":["a"]}',
        );
    });

    it("rejects a config that breaks a policy's schema with the CLI's lines (pkg/engine/update.go), sorted", async () => {
        await expectGateError(
            client.configure({ "fixture-configurable": { properties: { maxCount: "many" } } }),
            /^validating policy config \(--policy-pack-config\):\nerror: validating policy config: fixture-reporting 1\.2\.3  fixture-configurable: maxCount: Invalid type\. Expected: integer, given: string$/,
        );
        await expectGateError(
            client.configure({ "fixture-configurable": { properties: { maxCount: 0, names: [1] } } }),
            /\nerror: validating policy config: fixture-reporting 1\.2\.3  fixture-configurable: maxCount: Must be greater than or equal to 1\nerror: validating policy config: fixture-reporting 1\.2\.3  fixture-configurable: names\.0: Invalid type/,
        );
    });

    it("a level from config changes what the policy reports at, and 'all' sets every level", async () => {
        await client.configure({ "fixture-advisory-name": { enforcementLevel: "mandatory" } });
        let out = await client.analyze(record("aws:sns/topic:Topic", "advisory-t", {}), undefined);
        expect(out.violations[0]!.enforcementLevel).to.equal("mandatory");
        await client.configure({ all: { enforcementLevel: "disabled" } });
        out = await client.analyze(record("aws:s3/bucketV2:BucketV2", "advisory-b", { acl: "public-read" }), undefined);
        expect(out.violations).to.deep.equal([]);
        await client.configure({});
    });

    it("reports a mandatory violation with the resource's URN, type and name (Analyze)", async () => {
        const r = record("aws:s3/bucketV2:BucketV2", "pub", { acl: "public-read" });
        const out = await client.analyze(r, undefined);
        const v = out.violations.find((x) => x.policyName === "fixture-public-bucket")!;
        expect(v).to.deep.include({
            enforcementLevel: "mandatory",
            severity: "high",
            urn: r.urn,
            resourceType: r.type,
            resourceName: "pub",
            message: "Bucket 'pub' must not be public-read.",
            packName: "fixture-reporting",
            packVersion: "1.2.3",
        });
    });

    it("sends unknowns and secrets as the engine does: unknown -> can't decide, secret -> its value", async () => {
        const echo = record("test:index:Echo", "echo", {
            unknownValue: WIRE_UNKNOWN,
            secretValue: { [SECRET_SIG_KEY]: SECRET_SIG, value: "s3cr3t" },
            plain: 1,
            __defaults: ["x"],
        });
        const out = await client.analyze(echo, undefined);
        const v = out.violations.find((x) => x.policyName === "fixture-echo")!;
        expect(v.message).to.equal(
            'echo {"plain":1,"secretValue":"s3cr3t","unknownValue":"<UnknownValueError>"} provider=',
        );
        const pab = record("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", { bucket: WIRE_UNKNOWN });
        const undecided = (await client.analyze(pab, undefined)).violations.find(
            (x) => x.policyName === "fixture-reads-bucket",
        )!;
        expect(undecided.undecided).to.equal(true);
        expect(undecided.enforcementLevel).to.equal("advisory");
    });

    it("passes the provider resource with Analyze and links parents and dependencies in AnalyzeStack", async () => {
        const prov = record("pulumi:providers:aws", "east", { region: "us-east-1" });
        const echo = record("test:index:Echo", "echo", {}, { provider: `${prov.urn}::abc` });
        const analyzed = await client.analyze(echo, prov);
        expect(analyzed.violations[0]!.message).to.match(/provider=urn:pulumi:t::p::pulumi:providers:aws::east$/);
        const parent = record("fixture:site:Site", "site", {}, { custom: false });
        const bucket = record("aws:s3/bucketV2:BucketV2", "b", {});
        const linked = record(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "linked",
            { bucket: "b" },
            {
                parent: parent.urn,
                dependencies: [bucket.urn],
                propertyDependencies: { bucket: [bucket.urn], blockPublicAcls: [] },
            },
        );
        const out = await client.analyzeStack([parent, bucket, linked], new Map());
        const v = out.violations.find((x) => x.policyName === "fixture-stack-graph" && x.urn === linked.urn)!;
        expect(v.message).to.equal("parent=site deps=b propdeps=bucket:b");
    });
});

describe("gate analyzer client: packs that fail", function () {
    it("a pack that fails while loading: 'failed to start' with its stderr", async () => {
        await expectGateError(
            PackClient.start(pack("start-fail")),
            /failed to start.*fixture pack cannot load: missing rule file/s,
        );
    });

    it("a folder without PulumiPolicy.yaml is not a pack", async () => {
        await expectGateError(PackClient.start(pack("")), /PulumiPolicy.yaml not found/);
    });

    it("a policy that throws: the call fails, naming the policy", async () => {
        const c = await PackClient.start(pack("crashing"));
        try {
            await c.configure({});
            await expectGateError(
                c.analyze(record("aws:s3/bucketV2:BucketV2", "b", {}), undefined),
                /failed in analyze: .*fixture-throws.*boom from fixture-throws/s,
            );
        } finally {
            c.close();
        }
    });

    it("a pack whose process dies mid-call: 'crashed', with its exit code and stderr", async () => {
        const c = await PackClient.start(pack("exits"));
        try {
            await c.configure({});
            await expectGateError(
                c.analyze(record("aws:s3/bucketV2:BucketV2", "b", {}), undefined),
                /crashed \(exit 7\): fatal: out of luck/,
            );
        } finally {
            c.close();
        }
    });

    it("a policy that never answers: the call gives up within the bound", async () => {
        const c = await PackClient.start(pack("hanging"), { timeoutMs: 1500 });
        try {
            await c.configure({});
            await expectGateError(
                c.analyze(record("aws:s3/bucketV2:BucketV2", "b", {}), undefined),
                /did not answer analyze within 1\.5 s/,
            );
        } finally {
            c.close();
        }
    });
});
