import { expect } from "chai";
import { doc, findings, PackHarness, ruleCases, startPack, undecided, urnOf } from "../support";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { AWS_TYPES } from "../../../policies/lib/types";

const ROOT = {
    Sid: "Root",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::123456789012:root" },
    Action: "kms:*",
    Resource: "*",
};
const CLOUDWATCH = {
    Effect: "Allow",
    Principal: { Service: "cloudwatch.amazonaws.com" },
    Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
    Resource: "*",
};
const LOGS = {
    Effect: "Allow",
    Principal: { Service: "logs.us-west-2.amazonaws.com" },
    Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
    Resource: "*",
    Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-west-2:123456789012:log-group:*" } },
};
const CLOUDFRONT = {
    Effect: "Allow",
    Principal: { Service: "cloudfront.amazonaws.com" },
    Action: "kms:Decrypt",
    Resource: "*",
    Condition: { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1" } },
};
const key = (name: string, ...statements: object[]) => ({
    type: AWS_TYPES.kmsKey,
    name,
    props: {
        arn: `arn:aws:kms:us-west-2:123456789012:key/${name}`,
        keyId: name,
        enableKeyRotation: true,
        ...(statements.length ? { policy: doc(...statements) } : {}),
    },
});

describe("KMS rules", () => {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    it("kms-key-rotation-enabled fails a symmetric key without rotation, skips asymmetric keys", async () => {
        const v = await pack.analyze([
            { type: AWS_TYPES.kmsKey, name: "off", props: {} },
            { type: AWS_TYPES.kmsKey, name: "on", props: { enableKeyRotation: true } },
            {
                type: AWS_TYPES.kmsKey,
                name: "rsa",
                props: { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" },
            },
            { type: AWS_TYPES.kmsKey, name: "later", props: { enableKeyRotation: PACK_UNKNOWN } },
        ]);
        expect(findings(v, "kms-key-rotation-enabled").map((f) => f.resourceName)).to.deep.equal(["off"]);
        expect(undecided(v, "kms-key-rotation-enabled")).to.have.length(1);
    });

    it("key policies: the account-root kms:* statement and Resource * are AWS's default, not wildcard grants", async () => {
        const v = await pack.analyze([key("k", ROOT, CLOUDWATCH)]);
        expect(findings(v, "kms-key-policy-no-wildcard-actions")).to.deep.equal([]);
        expect(findings(v, "kms-key-policy-not-public")).to.deep.equal([]);
    });

    it("key policies: kms:* to a role and a * principal fail, in Key.policy and KeyPolicy", async () => {
        const v = await pack.analyze([
            key("k", ROOT, {
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::123456789012:role/app" },
                Action: "kms:*",
                Resource: "*",
            }),
            {
                type: AWS_TYPES.kmsKeyPolicy,
                name: "kp",
                props: {
                    keyId: "k",
                    policy: doc({ Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }),
                },
            },
        ]);
        expect(findings(v, "kms-key-policy-no-wildcard-actions").map((f) => f.resourceName)).to.deep.equal(["k"]);
        expect(findings(v, "kms-key-policy-not-public").map((f) => f.resourceName)).to.deep.equal(["kp"]);
    });

    it("a * principal pinned by aws:PrincipalAccount is not public", async () => {
        const v = await pack.analyze([
            key("k", {
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: "kms:Decrypt",
                Resource: "*",
                Condition: { StringEquals: { "aws:PrincipalAccount": "123456789012" } },
            }),
        ]);
        expect(findings(v, "kms-key-policy-not-public")).to.deep.equal([]);
    });

    describe("kms-key-policy-not-public: service principals", () => {
        const rule = "kms-key-policy-not-public";
        const KP = AWS_TYPES.kmsKeyPolicy;
        const DELIVERY = {
            Effect: "Allow",
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Action: ["kms:Encrypt", "kms:GenerateDataKey"],
            Resource: "*",
            Condition: {
                StringEquals: { "aws:SourceAccount": "123456789012" },
                ArnLike: { "aws:SourceArn": "arn:aws:logs:us-east-1:123456789012:delivery-source:*" },
            },
        };
        const keyPolicy = (name: string, ...statements: object[]) => ({
            type: KP,
            name,
            props: { keyId: "k", policy: doc(ROOT, ...statements) },
        });
        it("passes AWS's documented service grants: logs pinned by its encryption context, CloudWatch alarms, pinned log delivery and CloudFront", async () => {
            const v = await pack.analyze([
                key("k", ROOT, LOGS, CLOUDWATCH, DELIVERY, CLOUDFRONT),
                keyPolicy("kp", LOGS, CLOUDWATCH, DELIVERY, CLOUDFRONT),
            ]);
            expect(findings(v, rule)).to.deep.equal([]);
            expect(undecided(v, rule)).to.deep.equal([]);
        });
        it("passes the project's exact CloudWatch grant (kms:Decrypt, kms:GenerateDataKey)", async () => {
            const v = await pack.analyze([
                key("k", ROOT, { ...CLOUDWATCH, Action: ["kms:Decrypt", "kms:GenerateDataKey"] }),
            ]);
            expect(findings(v, rule)).to.deep.equal([]);
        });
        for (const [form, make] of [
            ["Key.policy", (name: string, s: object) => key(name, ROOT, s)],
            ["KeyPolicy", (name: string, s: object) => keyPolicy(name, s)],
        ] as const) {
            it(`fails in ${form}: a service grant without a source, CloudWatch granted more than the documented operations, logs pinned to any account`, async () => {
                const v = await pack.analyze([
                    make("cf", { ...CLOUDFRONT, Condition: undefined }),
                    make("cw", { ...CLOUDWATCH, Action: ["kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"] }),
                    make("logs", {
                        ...LOGS,
                        Condition: {
                            ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-west-2:*:log-group:*" },
                        },
                    }),
                    make("logs-none", { ...LOGS, Condition: undefined }),
                    make("delivery", {
                        ...DELIVERY,
                        Condition: { ArnLike: { "aws:SourceArn": "arn:aws:logs:us-east-1:*:delivery-source:*" } },
                    }),
                ]);
                const f = findings(v, rule);
                expect(f.map((x) => x.resourceName)).to.deep.equal(["cf", "cw", "logs", "logs-none", "delivery"]);
                expect(f.every((x) => x.enforcementLevel === "mandatory")).to.equal(true);
                expect(f[0].message).to.include(
                    'must not allow service principal "cloudfront.amazonaws.com" without a condition pinning the source (policy statement[1])',
                );
            });
        }
        it("is undecided when a service grant's condition or actions are unknown", async () => {
            const v = await pack.analyze([
                key("a", ROOT, { ...CLOUDFRONT, Condition: { StringEquals: { "AWS:SourceArn": PACK_UNKNOWN } } }),
                key("b", ROOT, { ...CLOUDWATCH, Action: PACK_UNKNOWN }),
            ]);
            expect(findings(v, rule)).to.deep.equal([]);
            expect(undecided(v, rule)).to.have.length(2);
        });
    });

    describe("kms-key-grants-cloudwatch", () => {
        const rule = "kms-key-grants-cloudwatch";
        const topic = (keyRef: unknown) => ({
            type: AWS_TYPES.snsTopic,
            name: "alarms",
            props: { arn: "arn:aws:sns:us-west-2:123456789012:alarms", kmsMasterKeyId: keyRef },
        });
        const alarm = {
            type: AWS_TYPES.metricAlarm,
            name: "errors",
            props: { alarmActions: ["arn:aws:sns:us-west-2:123456789012:alarms"] },
        };
        it("passes when the key grants CloudWatch (by key ARN, by alias)", async () => {
            const v = await pack.analyze([
                key("k", ROOT, CLOUDWATCH),
                topic("arn:aws:kms:us-west-2:123456789012:key/k"),
                alarm,
            ]);
            expect(findings(v, rule)).to.deep.equal([]);
            const w = await pack.analyze([
                key("k", ROOT, CLOUDWATCH),
                { type: AWS_TYPES.kmsAlias, name: "a", props: { name: "alias/alarms", targetKeyId: "k" } },
                topic("alias/alarms"),
                alarm,
            ]);
            expect(findings(w, rule)).to.deep.equal([]);
        });
        it("fails when the key has only the default policy, or is the AWS-managed alias/aws/sns", async () => {
            const v = await pack.analyze([key("k"), topic("k"), alarm]);
            expect(findings(v, rule)[0].message).to.include("cloudwatch.amazonaws.com");
            const w = await pack.analyze([topic("alias/aws/sns"), alarm]);
            expect(findings(w, rule)[0].message).to.include("AWS-managed alias/aws/sns");
        });
        it("ignores topics no alarm publishes to; resolves keys through dependencies when unknown", async () => {
            const v = await pack.analyze([key("k"), topic("k")]);
            expect(findings(v, rule)).to.deep.equal([]);
            const w = await pack.analyze([
                key("k", ROOT, CLOUDWATCH),
                { ...topic(PACK_UNKNOWN), propertyDependencies: { kmsMasterKeyId: [urnOf(AWS_TYPES.kmsKey, "k")] } },
                alarm,
            ]);
            expect(findings(w, rule)).to.deep.equal([]);
            expect(undecided(w, rule)).to.deep.equal([]);
        });
    });

    describe("kms-key-grants-logs", () => {
        const rule = "kms-key-grants-logs";
        it("passes a key granting logs.<region>, fails one that does not", async () => {
            const v = await pack.analyze([
                key("good", ROOT, LOGS),
                key("bad", ROOT),
                {
                    type: AWS_TYPES.logGroup,
                    name: "g1",
                    props: { kmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/good" },
                },
                {
                    type: AWS_TYPES.logGroup,
                    name: "g2",
                    props: { kmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/bad" },
                },
            ]);
            expect(findings(v, rule).map((f) => f.resourceName)).to.deep.equal(["g2"]);
        });
        it("is undecided when the key policy is unknown", async () => {
            const v = await pack.analyze([
                { type: AWS_TYPES.kmsKey, name: "k", props: { arn: "arn:k", policy: PACK_UNKNOWN } },
                { type: AWS_TYPES.logGroup, name: "g", props: { kmsKeyId: "arn:k" } },
            ]);
            expect(findings(v, rule)).to.deep.equal([]);
            expect(undecided(v, rule)).to.have.length(1);
        });
    });

    describe("kms-key-grants-cloudfront", () => {
        const rule = "kms-key-grants-cloudfront";
        const stack = (k: ReturnType<typeof key>) => [
            k,
            {
                type: AWS_TYPES.bucket,
                name: "site",
                props: { bucket: "site", bucketRegionalDomainName: "site.s3.us-west-2.amazonaws.com" },
            },
            {
                type: AWS_TYPES.bucketEncryption,
                name: "sse",
                props: {
                    bucket: "site",
                    rules: [
                        {
                            applyServerSideEncryptionByDefault: {
                                sseAlgorithm: "aws:kms",
                                kmsMasterKeyId: k.props.arn,
                            },
                        },
                    ],
                },
            },
            {
                type: AWS_TYPES.cloudfrontDistribution,
                name: "cdn",
                props: {
                    origins: [
                        { domainName: "site.s3.us-west-2.amazonaws.com", originId: "s3", originAccessControlId: "oac" },
                    ],
                },
            },
        ];
        it("passes when the origin bucket's key grants CloudFront, fails when not", async () => {
            expect(findings(await pack.analyze(stack(key("k", ROOT, CLOUDFRONT))), rule)).to.deep.equal([]);
            const f = findings(await pack.analyze(stack(key("k", ROOT))), rule);
            expect(f.map((x) => x.resourceName)).to.deep.equal(["site"]);
            expect(f[0].message).to.include("cloudfront.amazonaws.com");
        });
    });
});

const ADMIN_ONLY = {
    Sid: "Admin",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::123456789012:role/admin" },
    Action: ["kms:Describe*", "kms:Put*", "kms:ScheduleKeyDeletion"],
    Resource: "*",
};
const TRAIL = {
    Sid: "Trail",
    Effect: "Allow",
    Principal: { Service: "cloudtrail.amazonaws.com" },
    Action: "kms:GenerateDataKey*",
    Resource: "*",
    Condition: {
        StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:123456789012:trail/*" },
    },
};
const KEY_ARN = "arn:aws:kms:us-west-2:123456789012:key/k1";
const storeKey = (statements: object[] | undefined) => ({
    type: AWS_TYPES.kmsKey,
    name: "k",
    props: {
        arn: KEY_ARN,
        keyId: "k1",
        enableKeyRotation: true,
        ...(statements ? { policy: doc(...statements) } : {}),
    },
});

describe("kms-key-grants-data-stores", () => {
    ruleCases("kms-key-grants-data-stores", [
        {
            it: "passes a database on a key with the account-root statement",
            given: [
                storeKey([ROOT]),
                { type: AWS_TYPES.rdsInstance, name: "db", props: { storageEncrypted: true, kmsKeyId: KEY_ARN } },
            ],
            flags: [],
        },
        {
            it: "passes a store on a key with no policy in the stack (AWS's default)",
            given: [
                storeKey(undefined),
                { type: AWS_TYPES.efsFileSystem, name: "fs", props: { encrypted: true, kmsKeyId: KEY_ARN } },
            ],
            flags: [],
        },
        {
            it: "fails a database and a file system on a key whose policy admits no grant",
            given: [
                storeKey([ADMIN_ONLY]),
                { type: AWS_TYPES.rdsInstance, name: "db", props: { kmsKeyId: KEY_ARN } },
                { type: AWS_TYPES.efsFileSystem, name: "fs", props: { kmsKeyId: KEY_ARN } },
            ],
            flags: ["db", "fs"],
            says: /kms:CreateGrant/,
        },
        {
            it: "judges the key's separate KeyPolicy and a nested key property (OpenSearch)",
            given: [
                storeKey(undefined),
                { type: AWS_TYPES.kmsKeyPolicy, name: "kp", props: { keyId: "k1", policy: doc(ADMIN_ONLY) } },
                {
                    type: AWS_TYPES.opensearchDomain,
                    name: "search",
                    props: { encryptAtRest: { enabled: true, kmsKeyId: KEY_ARN } },
                },
            ],
            flags: ["search"],
        },
        {
            it: "fails a trail whose key does not grant cloudtrail.amazonaws.com",
            given: [
                storeKey([ROOT]),
                { type: AWS_TYPES.cloudtrailTrail, name: "trail", props: { s3BucketName: "b", kmsKeyId: KEY_ARN } },
            ],
            flags: ["trail"],
            says: /cloudtrail\.amazonaws\.com/,
        },
        {
            it: "passes a trail whose key grants CloudTrail",
            given: [
                storeKey([ROOT, TRAIL]),
                { type: AWS_TYPES.cloudtrailTrail, name: "trail", props: { s3BucketName: "b", kmsKeyId: KEY_ARN } },
            ],
            flags: [],
        },
        {
            it: "resolves the key by dependency at first preview",
            given: [
                storeKey([ADMIN_ONLY]),
                {
                    type: AWS_TYPES.secretsmanagerSecret,
                    name: "s",
                    props: { kmsKeyId: PACK_UNKNOWN },
                    propertyDependencies: { kmsKeyId: [urnOf(AWS_TYPES.kmsKey, "k")] },
                },
            ],
            flags: ["s"],
        },
        {
            it: "leaves AWS-managed and outside keys alone",
            given: [
                { type: AWS_TYPES.rdsInstance, name: "db", props: { kmsKeyId: "alias/aws/rds" } },
                {
                    type: AWS_TYPES.ebsVolume,
                    name: "v",
                    props: { kmsKeyId: "arn:aws:kms:us-west-2:210987654321:key/x" },
                },
            ],
            flags: [],
        },
    ]);
});
