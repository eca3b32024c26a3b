/**
 * What holds of every function, policy, bucket and key of the stack, whichever tier made it.
 * Read from what the engine would see: the dev stack under the gate's recording mock monitor,
 * every output resolved (test/infra/program.ts).
 */
import { expect } from "chai";
import {
    Program,
    T,
    actions,
    byOutput,
    keyGrants,
    ofType,
    policyDocuments,
    program,
    regionOf,
    statements,
} from "./program";

describe("infra program: across the tiers (dev stack, resolved)", () => {
    let p: Program;
    before(async () => (p = await program("resolved")));

    it("makes every function wait for its role POLICY and its log group", () => {
        for (const fn of ofType(p, T.function)) {
            const role = byOutput(p, T.role, fn.inputs.role)!;
            const policy = ofType(p, T.rolePolicy).find((rp) => rp.inputs.role === role.outputs.id)!;
            expect(fn.dependencies, fn.name).to.include(policy.urn);
            const group = ofType(p, T.logGroup).find((g) => fn.dependencies.includes(g.urn));
            expect(group, `${fn.name} log group`).to.not.equal(undefined);
            expect(group!.inputs.retentionInDays).to.equal(365);
            expect(group!.inputs.kmsKeyId).to.be.a("string");
        }
    });

    it("names each VPC function's log group /aws/lambda/<function name>", () => {
        for (const fn of ofType(p, T.function).filter((f) => f.inputs.vpcConfig)) {
            expect(ofType(p, T.logGroup).map((g) => g.inputs.name)).to.include(`/aws/lambda/${fn.inputs.name}`);
        }
    });

    it("runs Python 3.12 with active tracing and a KMS-encrypted environment (VPC functions)", () => {
        for (const fn of ofType(p, T.function).filter((f) => f.inputs.vpcConfig)) {
            expect(fn.inputs.runtime).to.equal("python3.12");
            expect(fn.inputs.tracingConfig).to.deep.equal({ mode: "Active" });
            expect(byOutput(p, T.key, fn.inputs.kmsKeyArn), fn.name).to.not.equal(undefined);
        }
    });

    it("allows no wildcard action in any policy document of the stack", () => {
        const docs = policyDocuments(p);
        expect(docs.length).to.be.greaterThan(20);
        for (const { resource, property, statements: list } of docs) {
            for (const s of list) {
                expect(s.NotAction, `${resource.name}.${property}`).to.equal(undefined);
                for (const action of actions(s)) expect(action, `${resource.name}.${property}`).to.not.include("*");
            }
        }
    });

    it('uses Resource "*" in identity policies only for actions without resource types', () => {
        const unscopable = new Set([
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
            "logs:DescribeLogGroups",
        ]);
        for (const rp of ofType(p, T.rolePolicy)) {
            for (const s of statements(rp.inputs.policy)) {
                if (([] as string[]).concat(s.Resource ?? []).includes("*")) {
                    expect(
                        actions(s).every((a) => unscopable.has(a)),
                        `${rp.name} ${s.Sid}`,
                    ).to.equal(true);
                }
            }
        }
    });

    it("blocks all four kinds of public access on every bucket", () => {
        for (const bucket of ofType(p, T.bucket)) {
            const block = ofType(p, T.publicAccessBlock).find((b) => b.inputs.bucket === bucket.outputs.id)!;
            expect(block.inputs, bucket.name).to.include({
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            });
        }
    });

    it("denies plain HTTP on every bucket", () => {
        for (const bucket of ofType(p, T.bucket)) {
            const policy = ofType(p, T.bucketPolicy).find((b) => b.inputs.bucket === bucket.outputs.id)!;
            const deny = statements(policy.inputs.policy).find((s) => s.Sid === "DenyInsecureTransport")!;
            expect(deny.Effect).to.equal("Deny");
            expect(deny.Condition).to.deep.equal({ Bool: { "aws:SecureTransport": "false" } });
        }
    });

    it("lets CloudWatch Logs use every log group's key, limited by the encryption-context condition", () => {
        for (const group of ofType(p, T.logGroup)) {
            const key = byOutput(p, T.key, group.inputs.kmsKeyId)!;
            const region = regionOf(p, group);
            expect(regionOf(p, key), group.name).to.equal(region);
            const [grant] = keyGrants(key, `logs.${region}.amazonaws.com`);
            expect(grant, `${group.name}: key grants logs.${region}`).to.not.equal(undefined);
            expect(grant.Condition?.ArnLike?.["kms:EncryptionContext:aws:logs:arn"]).to.equal(
                `arn:aws:logs:${region}:123456789012:log-group:*`,
            );
        }
    });

    it("rotates every key and never grants kms:* in a key policy", () => {
        for (const key of ofType(p, T.key)) {
            expect(key.inputs.enableKeyRotation, key.name).to.equal(true);
            for (const s of statements(key.inputs.policy)) expect(actions(s), key.name).to.not.include("kms:*");
        }
    });
});
