import { expect } from "chai";
import { doc, findings, PackHarness, startPack, undecided, urnOf } from "../support";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { AWS_TYPES, AWS_V2_ALIASES } from "../../../policies/lib/types";

const ALL_ON = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };

const kmsRule = (alg = "aws:kms") => [
    { applyServerSideEncryptionByDefault: { sseAlgorithm: alg, kmsMasterKeyId: "arn:aws:kms:us-west-2:1:key/k" } },
];

const TLS_DENY = {
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
};

describe("s3 public access", () => {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    describe("s3-bucket-public-access-blocked", () => {
        const rule = "s3-bucket-public-access-blocked";
        for (const type of [AWS_TYPES.bucket, AWS_V2_ALIASES.bucket]) {
            it(`passes a ${type} with a complete block matched by name`, async () => {
                const v = await pack.analyze([
                    { type, name: "site", props: { bucket: "site-123" } },
                    {
                        type: AWS_TYPES.bucketPublicAccessBlock,
                        name: "site-pab",
                        props: { bucket: "site-123", ...ALL_ON },
                    },
                ]);
                expect(findings(v, rule)).to.deep.equal([]);
            });
            it(`fails a ${type} without a block`, async () => {
                const v = await pack.analyze([{ type, name: "site", props: { bucket: "site-123" } }]);
                const f = findings(v, rule);
                expect(f).to.have.length(1);
                expect(f[0].enforcementLevel).to.equal("mandatory");
                expect(f[0].urn).to.equal(urnOf(type, "site"));
                expect(f[0].message).to.include("'site' must have an aws.s3.BucketPublicAccessBlock");
            });
        }
        for (const setting of Object.keys(ALL_ON)) {
            it(`fails when ${setting} is false`, async () => {
                const v = await pack.analyze([
                    { type: AWS_TYPES.bucket, name: "site", props: { bucket: "site-123" } },
                    {
                        type: AWS_TYPES.bucketPublicAccessBlock,
                        name: "site-pab",
                        props: { bucket: "site-123", ...ALL_ON, [setting]: false },
                    },
                ]);
                const f = findings(v, rule);
                expect(f).to.have.length(1);
                expect(f[0].message).to.include(`'site-pab' leaves ${setting} unset or false`);
            });
        }
        it("pairs block and bucket through property dependencies when the name is unknown (first preview)", async () => {
            const bucketUrn = urnOf(AWS_TYPES.bucket, "site");
            const v = await pack.analyze([
                { type: AWS_TYPES.bucket, name: "site", props: { bucket: PACK_UNKNOWN } },
                {
                    type: AWS_TYPES.bucketPublicAccessBlock,
                    name: "site-pab",
                    props: { bucket: PACK_UNKNOWN, ...ALL_ON },
                    propertyDependencies: { bucket: [bucketUrn] },
                },
            ]);
            expect(findings(v, rule)).to.deep.equal([]);
            expect(undecided(v, rule)).to.deep.equal([]);
        });
        it("is undecided, never mandatory, when the block's bucket or settings are unknown", async () => {
            const v = await pack.analyze([
                { type: AWS_TYPES.bucket, name: "site", props: { bucket: "site-123" } },
                {
                    type: AWS_TYPES.bucketPublicAccessBlock,
                    name: "site-pab",
                    props: { bucket: PACK_UNKNOWN, ...ALL_ON },
                },
                { type: AWS_TYPES.bucket, name: "logs", props: { bucket: "logs-1" } },
                {
                    type: AWS_TYPES.bucketPublicAccessBlock,
                    name: "logs-pab",
                    props: { bucket: "logs-1", ...ALL_ON, restrictPublicBuckets: PACK_UNKNOWN },
                },
            ]);
            expect(findings(v, rule)).to.deep.equal([]);
            expect(undecided(v, rule)).to.have.length(1);
            expect(undecided(v, rule)[0].enforcementLevel).to.equal("advisory");
        });
    });

    describe("s3-bucket-acl-not-public", () => {
        const rule = "s3-bucket-acl-not-public";
        for (const type of [AWS_TYPES.bucket, AWS_V2_ALIASES.bucket]) {
            for (const acl of ["public-read", "public-read-write", "authenticated-read"]) {
                it(`fails ${type} acl ${acl}`, async () => {
                    const v = await pack.analyze([{ type, name: "b", props: { acl } }]);
                    expect(findings(v, rule)[0].message).to.include(`public canned ACL "${acl}" (acl)`);
                });
            }
            it(`fails ${type} grants to AllUsers`, async () => {
                const v = await pack.analyze([
                    {
                        type,
                        name: "b",
                        props: {
                            grants: [
                                {
                                    type: "Group",
                                    uri: "http://acs.amazonaws.com/groups/global/AllUsers",
                                    permissions: ["READ"],
                                },
                            ],
                        },
                    },
                ]);
                expect(findings(v, rule)[0].message).to.include("(grants[0])");
            });
            it(`passes ${type} with acl private`, async () => {
                const v = await pack.analyze([{ type, name: "b", props: { acl: "private" } }]);
                expect(findings(v, rule)).to.deep.equal([]);
            });
        }
        for (const type of [AWS_TYPES.bucketAcl, AWS_V2_ALIASES.bucketAcl]) {
            it(`fails ${type} with a public canned ACL`, async () => {
                const v = await pack.analyze([{ type, name: "acl", props: { bucket: "b", acl: "public-read" } }]);
                expect(findings(v, rule)).to.have.length(1);
            });
            it(`fails ${type} granting AuthenticatedUsers in accessControlPolicy`, async () => {
                const v = await pack.analyze([
                    {
                        type,
                        name: "acl",
                        props: {
                            bucket: "b",
                            accessControlPolicy: {
                                owner: { id: "o" },
                                grants: [
                                    {
                                        permission: "READ",
                                        grantee: {
                                            type: "Group",
                                            uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
                                        },
                                    },
                                ],
                            },
                        },
                    },
                ]);
                expect(findings(v, rule)[0].message).to.include("accessControlPolicy.grants[0]");
            });
        }
        it("is undecided on an unknown acl", async () => {
            const v = await pack.analyze([{ type: AWS_TYPES.bucket, name: "b", props: { acl: PACK_UNKNOWN } }]);
            expect(findings(v, rule)).to.deep.equal([]);
            expect(undecided(v, rule)).to.have.length(1);
        });
    });

    describe("s3-bucket-policy-not-public", () => {
        const rule = "s3-bucket-policy-not-public";
        const publicRead = { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" };
        for (const [type, label] of [
            [AWS_TYPES.bucketPolicy, "BucketPolicy"],
            [AWS_TYPES.bucket, "inline policy on Bucket"],
            [AWS_V2_ALIASES.bucket, "inline policy on BucketV2"],
        ]) {
            it(`fails an Allow to * in a ${label}`, async () => {
                const v = await pack.analyze([{ type, name: "p", props: { bucket: "site", policy: doc(publicRead) } }]);
                const f = findings(v, rule);
                expect(f).to.have.length(1);
                expect(f[0].message).to.include("statement[0]");
            });
        }
        it("fails {AWS: '*'} and NotPrincipal", async () => {
            const v = await pack.analyze([
                {
                    type: AWS_TYPES.bucketPolicy,
                    name: "p1",
                    props: { policy: doc({ ...publicRead, Principal: { AWS: ["*"] } }) },
                },
                {
                    type: AWS_TYPES.bucketPolicy,
                    name: "p2",
                    props: {
                        policy: doc({
                            Effect: "Allow",
                            NotPrincipal: { AWS: "arn:aws:iam::1:root" },
                            Action: "s3:*",
                            Resource: "*",
                        }),
                    },
                },
            ]);
            expect(findings(v, rule)).to.have.length(2);
        });
        it("passes a * principal pinned by AWS:SourceArn (case-insensitive key), aws:PrincipalAccount or aws:SourceVpce", async () => {
            const v = await pack.analyze([
                {
                    type: AWS_TYPES.bucketPolicy,
                    name: "oac",
                    props: {
                        policy: doc({
                            ...publicRead,
                            Condition: {
                                StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1" },
                            },
                        }),
                    },
                },
                {
                    type: AWS_TYPES.bucketPolicy,
                    name: "acct",
                    props: {
                        policy: doc({
                            ...publicRead,
                            Condition: { StringEquals: { "aws:PrincipalAccount": "123456789012" } },
                        }),
                    },
                },
                {
                    type: AWS_TYPES.bucketPolicy,
                    name: "vpce",
                    props: {
                        policy: doc({ ...publicRead, Condition: { StringEquals: { "aws:SourceVpce": ["vpce-1"] } } }),
                    },
                },
            ]);
            expect(findings(v, rule)).to.deep.equal([]);
        });
        it("does not count IfExists, negated or wildcard-valued conditions as pinning", async () => {
            const v = await pack.analyze([
                {
                    type: AWS_TYPES.bucketPolicy,
                    name: "ifexists",
                    props: {
                        policy: doc({
                            ...publicRead,
                            Condition: { StringEqualsIfExists: { "aws:SourceAccount": "1" } },
                        }),
                    },
                },
                {
                    type: AWS_TYPES.bucketPolicy,
                    name: "not",
                    props: {
                        policy: doc({ ...publicRead, Condition: { StringNotEquals: { "aws:SourceAccount": "1" } } }),
                    },
                },
                {
                    type: AWS_TYPES.bucketPolicy,
                    name: "star",
                    props: { policy: doc({ ...publicRead, Condition: { StringLike: { "aws:SourceArn": "*" } } }) },
                },
            ]);
            expect(findings(v, rule)).to.have.length(3);
        });
        it("passes the TLS-only Deny statement to *", async () => {
            const v = await pack.analyze([
                {
                    type: AWS_TYPES.bucketPolicy,
                    name: "tls",
                    props: {
                        policy: doc({
                            Effect: "Deny",
                            Principal: "*",
                            Action: "s3:*",
                            Resource: ["arn:aws:s3:::site", "arn:aws:s3:::site/*"],
                            Condition: { Bool: { "aws:SecureTransport": "false" } },
                        }),
                    },
                },
            ]);
            expect(findings(v, rule)).to.deep.equal([]);
        });
        describe("service principals and fixed-value pins", () => {
            const BP = AWS_TYPES.bucketPolicy;
            const DIST = "arn:aws:cloudfront::123456789012:distribution/E1";
            const cfRead = {
                Sid: "CloudFrontReadsSite",
                Effect: "Allow",
                Principal: { Service: "cloudfront.amazonaws.com" },
                Action: "s3:GetObject",
                Resource: "arn:aws:s3:::site/*",
            };
            const tlsDeny = {
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: ["arn:aws:s3:::site", "arn:aws:s3:::site/*"],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            };
            const logsWrite = {
                Effect: "Allow",
                Principal: { Service: "delivery.logs.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: "arn:aws:s3:::logs/*",
                Condition: {
                    StringEquals: { "aws:SourceAccount": "123456789012" },
                    ArnLike: { "aws:SourceArn": "arn:aws:logs:us-east-1:123456789012:delivery-source:*" },
                },
            };
            for (const [type, label] of [
                [BP, "BucketPolicy"],
                [AWS_TYPES.bucket, "inline policy on Bucket"],
                [AWS_V2_ALIASES.bucket, "inline policy on BucketV2"],
            ]) {
                it(`fails a CloudFront grant without AWS:SourceArn in a ${label} (survivor s3-policy-cloudfront-unpinned)`, async () => {
                    const v = await pack.analyze([
                        { type, name: "p", props: { bucket: "site", policy: doc(tlsDeny, cfRead) } },
                    ]);
                    const f = findings(v, rule);
                    expect(f).to.have.length(1);
                    expect(f[0].enforcementLevel).to.equal("mandatory");
                    expect(f[0].urn).to.equal(urnOf(type, "p"));
                    expect(f[0].message).to.include(
                        `'p' must not allow service principal "cloudfront.amazonaws.com" without a condition pinning the source (policy statement[1] (Sid "CloudFrontReadsSite"))`,
                    );
                    expect(f[0].message).to.include("add aws:SourceArn");
                });
                it(`fails Principal * pinned only by an ARN of any account in a ${label} (survivor s3-policy-star-any-distribution)`, async () => {
                    const anyDist = {
                        ...cfRead,
                        Principal: "*",
                        Condition: { ArnLike: { "AWS:SourceArn": "arn:aws:cloudfront::*:distribution/*" } },
                    };
                    const v = await pack.analyze([
                        { type, name: "p", props: { bucket: "site", policy: doc(anyDist) } },
                    ]);
                    const f = findings(v, rule);
                    expect(f).to.have.length(1);
                    expect(f[0].message).to.include(
                        'must not allow a "*" principal without a condition pinning the caller (policy statement[0]',
                    );
                });
                it(`passes the TLS deny, a CloudFront grant pinned to this account's distribution and a pinned log-delivery grant in a ${label}`, async () => {
                    const pinned = { ...cfRead, Condition: { StringEquals: { "AWS:SourceArn": DIST } } };
                    const byAccount = {
                        ...cfRead,
                        Action: "s3:ListBucket",
                        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
                    };
                    const v = await pack.analyze([
                        {
                            type,
                            name: "p",
                            props: { bucket: "site", policy: doc(tlsDeny, pinned, byAccount, logsWrite) },
                        },
                    ]);
                    expect(findings(v, rule)).to.deep.equal([]);
                    expect(undecided(v, rule)).to.deep.equal([]);
                });
            }
            it("fails a service grant pinned by an ARN of any account, an IfExists key or a caller key only", async () => {
                const v = await pack.analyze([
                    {
                        type: BP,
                        name: "any-account",
                        props: {
                            policy: doc({
                                ...cfRead,
                                Condition: { ArnLike: { "aws:SourceArn": "arn:aws:cloudfront::*:distribution/*" } },
                            }),
                        },
                    },
                    {
                        type: BP,
                        name: "ifexists",
                        props: {
                            policy: doc({ ...cfRead, Condition: { StringEqualsIfExists: { "aws:SourceArn": DIST } } }),
                        },
                    },
                    {
                        type: BP,
                        name: "org-only",
                        props: {
                            policy: doc({
                                ...cfRead,
                                Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
                            }),
                        },
                    },
                    {
                        type: BP,
                        name: "list",
                        props: {
                            policy: doc({
                                ...cfRead,
                                Principal: { Service: ["cloudfront.amazonaws.com", "s3.amazonaws.com"] },
                            }),
                        },
                    },
                ]);
                const f = findings(v, rule);
                expect(f.map((x) => x.resourceName)).to.deep.equal(["any-account", "ifexists", "org-only", "list"]);
                expect(f[3].message).to.include('service principal "cloudfront.amazonaws.com", "s3.amazonaws.com"');
            });
            it("passes a service grant pinned by aws:SourceOrgID, and S3 log delivery pinned by a bucket ARN (no account field)", async () => {
                const v = await pack.analyze([
                    {
                        type: BP,
                        name: "org",
                        props: {
                            policy: doc({
                                ...cfRead,
                                Condition: { StringEquals: { "aws:SourceOrgID": "o-a1b2c3d4e5" } },
                            }),
                        },
                    },
                    {
                        type: BP,
                        name: "s3-logs",
                        props: {
                            policy: doc({
                                ...cfRead,
                                Principal: { Service: "logging.s3.amazonaws.com" },
                                Action: "s3:PutObject",
                                Condition: { ArnLike: { "aws:SourceArn": "arn:aws:s3:::site" } },
                            }),
                        },
                    },
                ]);
                expect(findings(v, rule)).to.deep.equal([]);
            });
            it("is undecided, never mandatory, when the pin or the principal is unknown", async () => {
                const v = await pack.analyze([
                    {
                        type: BP,
                        name: "pin",
                        props: {
                            policy: doc({ ...cfRead, Condition: { StringEquals: { "AWS:SourceArn": PACK_UNKNOWN } } }),
                        },
                    },
                    {
                        type: BP,
                        name: "who",
                        props: { policy: doc({ ...cfRead, Principal: { Service: PACK_UNKNOWN } }) },
                    },
                ]);
                expect(findings(v, rule)).to.deep.equal([]);
                expect(undecided(v, rule)).to.have.length(2);
                expect(undecided(v, rule).every((x) => x.enforcementLevel === "advisory")).to.equal(true);
            });
        });
        it("reports an unparsable policy and is undecided on an unknown one", async () => {
            const v = await pack.analyze([
                { type: AWS_TYPES.bucketPolicy, name: "bad", props: { policy: "{not json" } },
                { type: AWS_TYPES.bucketPolicy, name: "later", props: { policy: PACK_UNKNOWN } },
            ]);
            expect(findings(v, rule)[0].message).to.include("is not valid JSON");
            expect(undecided(v, rule)).to.have.length(1);
        });
    });

    describe("s3-bucket-website-disabled", () => {
        const rule = "s3-bucket-website-disabled";
        for (const type of [AWS_TYPES.bucketWebsite, AWS_V2_ALIASES.bucketWebsite]) {
            it(`fails ${type}`, async () => {
                const v = await pack.analyze([
                    { type, name: "w", props: { bucket: "b", indexDocument: { suffix: "index.html" } } },
                ]);
                expect(findings(v, rule)).to.have.length(1);
            });
        }
        it("fails an inline website on Bucket and websites on BucketV2", async () => {
            const v = await pack.analyze([
                { type: AWS_TYPES.bucket, name: "a", props: { website: { indexDocument: "index.html" } } },
                { type: AWS_V2_ALIASES.bucket, name: "b", props: { websites: [{ indexDocument: "index.html" }] } },
            ]);
            expect(
                findings(v, rule)
                    .map((f) => f.resourceName)
                    .sort(),
            ).to.deep.equal(["a", "b"]);
        });
        it("passes a bucket without website", async () => {
            const v = await pack.analyze([{ type: AWS_TYPES.bucket, name: "a", props: { bucket: "a" } }]);
            expect(findings(v, rule)).to.deep.equal([]);
        });
    });
});

describe("s3 encryption", () => {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    describe("S3 default encryption", () => {
        for (const type of [AWS_TYPES.bucketEncryption, AWS_V2_ALIASES.bucketEncryption]) {
            it(`passes AWS_TYPES.bucketEncryption-KMS declared by ${type}; fails AES256 on an ordinary bucket`, async () => {
                const v = await pack.analyze([
                    { type: AWS_TYPES.bucket, name: "data", props: { bucket: "data" } },
                    { type, name: "data-sse", props: { bucket: "data", rules: kmsRule() } },
                    { type: AWS_TYPES.bucket, name: "plain", props: { bucket: "plain" } },
                    { type, name: "plain-sse", props: { bucket: "plain", rules: kmsRule("AES256") } },
                ]);
                expect(findings(v, "s3-bucket-encryption-kms").map((f) => f.resourceName)).to.deep.equal(["plain"]);
                expect(findings(v, "s3-bucket-encryption-declared")).to.deep.equal([]);
            });
        }
        it("reads the inline forms of Bucket and BucketV2", async () => {
            const v = await pack.analyze([
                {
                    type: AWS_TYPES.bucket,
                    name: "a",
                    props: {
                        bucket: "a",
                        serverSideEncryptionConfiguration: {
                            rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
                        },
                    },
                },
                {
                    type: AWS_V2_ALIASES.bucket,
                    name: "b",
                    props: {
                        bucket: "b",
                        serverSideEncryptionConfigurations: [
                            { rules: [{ applyServerSideEncryptionByDefaults: [{ sseAlgorithm: "aws:kms" }] }] },
                        ],
                    },
                },
            ]);
            expect(findings(v, "s3-bucket-encryption-kms").map((f) => f.resourceName)).to.deep.equal(["a"]);
            expect(findings(v, "s3-bucket-encryption-declared")).to.deep.equal([]);
        });
        it("reports a bucket relying on the implicit default as advisory", async () => {
            const v = await pack.analyze([{ type: AWS_TYPES.bucket, name: "a", props: { bucket: "a" } }]);
            const f = findings(v, "s3-bucket-encryption-declared");
            expect(f).to.have.length(1);
            expect(f[0].enforcementLevel).to.equal("advisory");
        });
        it("accepts AWS_TYPES.bucketEncryption-S3 on a CloudFront OAC origin bucket and on a bucket the config lists", async () => {
            const v1 = await pack.analyze([
                {
                    type: AWS_TYPES.bucket,
                    name: "site",
                    props: { bucket: "site", bucketRegionalDomainName: "site.s3.us-west-2.amazonaws.com" },
                },
                {
                    type: AWS_TYPES.bucketEncryption,
                    name: "site-sse",
                    props: { bucket: "site", rules: kmsRule("AES256") },
                },
                {
                    type: AWS_TYPES.cloudfrontDistribution,
                    name: "cdn",
                    props: {
                        origins: [
                            {
                                originId: "s3",
                                domainName: "site.s3.us-west-2.amazonaws.com",
                                originAccessControlId: "oac-1",
                            },
                        ],
                    },
                },
            ]);
            expect(findings(v1, "s3-bucket-encryption-kms")).to.deep.equal([]);
            await pack.configure({ "s3-bucket-encryption-kms": { sseS3Buckets: ["assets-*"] } });
            try {
                const v2 = await pack.analyze([
                    { type: AWS_TYPES.bucket, name: "assets-1", props: { bucket: "assets-1" } },
                    {
                        type: AWS_TYPES.bucketEncryption,
                        name: "assets-sse",
                        props: { bucket: "assets-1", rules: kmsRule("AES256") },
                    },
                ]);
                expect(findings(v2, "s3-bucket-encryption-kms")).to.deep.equal([]);
            } finally {
                await pack.configure({});
            }
        });
        it("is undecided on an unknown algorithm", async () => {
            const v = await pack.analyze([
                { type: AWS_TYPES.bucket, name: "a", props: { bucket: "a" } },
                {
                    type: AWS_TYPES.bucketEncryption,
                    name: "a-sse",
                    props: {
                        bucket: "a",
                        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: PACK_UNKNOWN } }],
                    },
                },
            ]);
            expect(findings(v, "s3-bucket-encryption-kms")).to.deep.equal([]);
            expect(undecided(v, "s3-bucket-encryption-kms")).to.have.length(1);
        });
    });

    describe("s3-bucket-tls-required", () => {
        const rule = "s3-bucket-tls-required";
        it("passes a TLS-deny in a BucketPolicy (matched through property dependencies) or inline", async () => {
            const v = await pack.analyze([
                { type: AWS_TYPES.bucket, name: "a", props: { bucket: "a" } },
                {
                    type: AWS_TYPES.bucketPolicy,
                    name: "a-policy",
                    props: { bucket: PACK_UNKNOWN, policy: doc(TLS_DENY) },
                    propertyDependencies: { bucket: [urnOf(AWS_TYPES.bucket, "a")] },
                },
                { type: AWS_V2_ALIASES.bucket, name: "b", props: { bucket: "b", policy: doc(TLS_DENY) } },
            ]);
            expect(findings(v, rule)).to.deep.equal([]);
        });
        it("fails a bucket with no policy or a policy without the deny", async () => {
            const v = await pack.analyze([
                { type: AWS_TYPES.bucket, name: "a", props: { bucket: "a" } },
                { type: AWS_TYPES.bucket, name: "b", props: { bucket: "b" } },
                {
                    type: AWS_TYPES.bucketPolicy,
                    name: "b-policy",
                    props: {
                        bucket: "b",
                        policy: doc({
                            ...TLS_DENY,
                            Effect: "Allow",
                            Principal: { Service: "cloudfront.amazonaws.com" },
                            Condition: {},
                        }),
                    },
                },
            ]);
            expect(findings(v, rule).map((f) => f.resourceName)).to.deep.equal(["a", "b"]);
        });
        it("is undecided when the policy is unknown", async () => {
            const v = await pack.analyze([
                { type: AWS_TYPES.bucket, name: "a", props: { bucket: "a" } },
                { type: AWS_TYPES.bucketPolicy, name: "a-policy", props: { bucket: "a", policy: PACK_UNKNOWN } },
            ]);
            expect(findings(v, rule)).to.deep.equal([]);
            expect(undecided(v, rule)).to.have.length(1);
        });
    });
});
