import { expect } from "chai";
import { PackHarness, startPack } from "../helpers/pack";
import { UNKNOWN } from "../../tools/gate/types";
import { BUCKET, BUCKET_V2, doc, findings, undecided, urnOf } from "./support";

const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const SSE_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2";
const kmsRule = (alg = "aws:kms") => [{ applyServerSideEncryptionByDefault: { sseAlgorithm: alg, kmsMasterKeyId: "arn:aws:kms:us-west-2:1:key/k" } }];
const TLS_DENY = { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } };

describe("encryption rules", () => {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    describe("S3 default encryption", () => {
        for (const type of [SSE, SSE_V2]) {
            it(`passes SSE-KMS declared by ${type}; fails AES256 on an ordinary bucket`, async () => {
                const v = await pack.analyze([
                    { type: BUCKET, name: "data", props: { bucket: "data" } },
                    { type, name: "data-sse", props: { bucket: "data", rules: kmsRule() } },
                    { type: BUCKET, name: "plain", props: { bucket: "plain" } },
                    { type, name: "plain-sse", props: { bucket: "plain", rules: kmsRule("AES256") } },
                ]);
                expect(findings(v, "s3-bucket-encryption-kms").map((f) => f.resourceName)).to.deep.equal(["plain"]);
                expect(findings(v, "s3-bucket-encryption-declared")).to.deep.equal([]);
            });
        }
        it("reads the inline forms of Bucket and BucketV2", async () => {
            const v = await pack.analyze([
                { type: BUCKET, name: "a", props: { bucket: "a", serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } } } },
                { type: BUCKET_V2, name: "b", props: { bucket: "b", serverSideEncryptionConfigurations: [{ rules: [{ applyServerSideEncryptionByDefaults: [{ sseAlgorithm: "aws:kms" }] }] }] } },
            ]);
            expect(findings(v, "s3-bucket-encryption-kms").map((f) => f.resourceName)).to.deep.equal(["a"]);
            expect(findings(v, "s3-bucket-encryption-declared")).to.deep.equal([]);
        });
        it("reports a bucket relying on the implicit default as advisory", async () => {
            const v = await pack.analyze([{ type: BUCKET, name: "a", props: { bucket: "a" } }]);
            const f = findings(v, "s3-bucket-encryption-declared");
            expect(f).to.have.length(1);
            expect(f[0].enforcementLevel).to.equal("advisory");
        });
        it("accepts SSE-S3 on a CloudFront OAC origin bucket and on a bucket the config lists", async () => {
            const v1 = await pack.analyze([
                { type: BUCKET, name: "site", props: { bucket: "site", bucketRegionalDomainName: "site.s3.us-west-2.amazonaws.com" } },
                { type: SSE, name: "site-sse", props: { bucket: "site", rules: kmsRule("AES256") } },
                { type: "aws:cloudfront/distribution:Distribution", name: "cdn", props: { origins: [{ originId: "s3", domainName: "site.s3.us-west-2.amazonaws.com", originAccessControlId: "oac-1" }] } },
            ]);
            expect(findings(v1, "s3-bucket-encryption-kms")).to.deep.equal([]);
            await pack.configure({ "s3-bucket-encryption-kms": { sseS3Buckets: ["assets-*"] } });
            try {
                const v2 = await pack.analyze([
                    { type: BUCKET, name: "assets-1", props: { bucket: "assets-1" } },
                    { type: SSE, name: "assets-sse", props: { bucket: "assets-1", rules: kmsRule("AES256") } },
                ]);
                expect(findings(v2, "s3-bucket-encryption-kms")).to.deep.equal([]);
            } finally {
                await pack.configure({});
            }
        });
        it("is undecided on an unknown algorithm", async () => {
            const v = await pack.analyze([
                { type: BUCKET, name: "a", props: { bucket: "a" } },
                { type: SSE, name: "a-sse", props: { bucket: "a", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: UNKNOWN } }] } },
            ]);
            expect(findings(v, "s3-bucket-encryption-kms")).to.deep.equal([]);
            expect(undecided(v, "s3-bucket-encryption-kms")).to.have.length(1);
        });
    });

    describe("s3-bucket-tls-required", () => {
        const rule = "s3-bucket-tls-required";
        it("passes a TLS-deny in a BucketPolicy (matched through property dependencies) or inline", async () => {
            const v = await pack.analyze([
                { type: BUCKET, name: "a", props: { bucket: "a" } },
                { type: "aws:s3/bucketPolicy:BucketPolicy", name: "a-policy", props: { bucket: UNKNOWN, policy: doc(TLS_DENY) }, propertyDependencies: { bucket: [urnOf(BUCKET, "a")] } },
                { type: BUCKET_V2, name: "b", props: { bucket: "b", policy: doc(TLS_DENY) } },
            ]);
            expect(findings(v, rule)).to.deep.equal([]);
        });
        it("fails a bucket with no policy or a policy without the deny", async () => {
            const v = await pack.analyze([
                { type: BUCKET, name: "a", props: { bucket: "a" } },
                { type: BUCKET, name: "b", props: { bucket: "b" } },
                { type: "aws:s3/bucketPolicy:BucketPolicy", name: "b-policy", props: { bucket: "b", policy: doc({ ...TLS_DENY, Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Condition: {} }) } },
            ]);
            expect(findings(v, rule).map((f) => f.resourceName)).to.deep.equal(["a", "b"]);
        });
        it("is undecided when the policy is unknown", async () => {
            const v = await pack.analyze([
                { type: BUCKET, name: "a", props: { bucket: "a" } },
                { type: "aws:s3/bucketPolicy:BucketPolicy", name: "a-policy", props: { bucket: "a", policy: UNKNOWN } },
            ]);
            expect(findings(v, rule)).to.deep.equal([]);
            expect(undecided(v, rule)).to.have.length(1);
        });
    });

    describe("other services", () => {
        const cases: [string, string, Record<string, unknown>, Record<string, unknown>][] = [
            ["dynamodb-table-encrypted-cmk", "aws:dynamodb/table:Table", { serverSideEncryption: { enabled: true, kmsKeyArn: "arn:k" } }, { serverSideEncryption: { enabled: true } }],
            ["dynamodb-table-encrypted-cmk", "aws:dynamodb/table:Table", { serverSideEncryption: { enabled: true, kmsKeyArn: "arn:k" } }, {}],
            ["kinesis-stream-encrypted", "aws:kinesis/stream:Stream", { encryptionType: "KMS", kmsKeyId: "alias/k" }, { encryptionType: "NONE" }],
            ["sns-topic-encrypted", "aws:sns/topic:Topic", { kmsMasterKeyId: "alias/k" }, {}],
            ["sqs-queue-encrypted", "aws:sqs/queue:Queue", { kmsMasterKeyId: "alias/k" }, { sqsManagedSseEnabled: false }],
            ["sqs-queue-encrypted", "aws:sqs/queue:Queue", { sqsManagedSseEnabled: true }, {}],
            ["cloudwatch-log-group-encrypted", "aws:cloudwatch/logGroup:LogGroup", { kmsKeyId: "arn:k" }, { retentionInDays: 30 }],
            ["lambda-function-environment-encrypted", "aws:lambda/function:Function", { environment: { variables: { A: "1" } }, kmsKeyArn: "arn:k" }, { environment: { variables: { A: "1" } } }],
        ];
        for (const [rule, type, good, bad] of cases) {
            it(`${rule}: passes ${JSON.stringify(good)}, fails ${JSON.stringify(bad)}`, async () => {
                const v = await pack.analyze([
                    { type, name: "good", props: good },
                    { type, name: "bad", props: bad },
                ]);
                const f = findings(v, rule);
                expect(f.map((x) => x.resourceName)).to.deep.equal(["bad"]);
                expect(f[0].enforcementLevel).to.equal("mandatory");
                expect(f[0].message).to.match(/'bad' must .*: /);
            });
        }
        it("a function without environment variables needs no key; unknown key values count as set", async () => {
            const v = await pack.analyze([
                { type: "aws:lambda/function:Function", name: "edge", props: { runtime: "nodejs20.x" } },
                { type: "aws:sns/topic:Topic", name: "t", props: { kmsMasterKeyId: UNKNOWN } },
                { type: "aws:dynamodb/table:Table", name: "d", props: { serverSideEncryption: { enabled: UNKNOWN } } },
            ]);
            expect(findings(v, "lambda-function-environment-encrypted")).to.deep.equal([]);
            expect(findings(v, "sns-topic-encrypted")).to.deep.equal([]);
            expect(undecided(v, "dynamodb-table-encrypted-cmk")).to.have.length(1);
        });
        it("sqs-queue-encrypted rejects SSE-SQS when the config says so", async () => {
            await pack.configure({ "sqs-queue-encrypted": { allowSqsManagedSse: false } });
            try {
                const v = await pack.analyze([{ type: "aws:sqs/queue:Queue", name: "q", props: { sqsManagedSseEnabled: true } }]);
                expect(findings(v, "sqs-queue-encrypted")).to.have.length(1);
            } finally {
                await pack.configure({});
            }
        });
    });
});
