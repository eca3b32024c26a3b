import { expect } from "chai";
import { PackHarness, startPack } from "../helpers/pack";
import { UNKNOWN } from "../../tools/gate/types";
import { BUCKET, BUCKET_V2, doc, findings, mandatory, PAB, undecided, urnOf } from "./support";

const ALL_ON = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };

describe("S3 public-access rules", () => {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    describe("s3-bucket-public-access-blocked", () => {
        const rule = "s3-bucket-public-access-blocked";
        for (const type of [BUCKET, BUCKET_V2]) {
            it(`passes a ${type} with a complete block matched by name`, async () => {
                const v = await pack.analyze([
                    { type, name: "site", props: { bucket: "site-123" } },
                    { type: PAB, name: "site-pab", props: { bucket: "site-123", ...ALL_ON } },
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
                    { type: BUCKET, name: "site", props: { bucket: "site-123" } },
                    { type: PAB, name: "site-pab", props: { bucket: "site-123", ...ALL_ON, [setting]: false } },
                ]);
                const f = findings(v, rule);
                expect(f).to.have.length(1);
                expect(f[0].message).to.include(`'site-pab' leaves ${setting} unset or false`);
            });
        }
        it("pairs block and bucket through property dependencies when the name is unknown (first preview)", async () => {
            const bucketUrn = urnOf(BUCKET, "site");
            const v = await pack.analyze([
                { type: BUCKET, name: "site", props: { bucket: UNKNOWN } },
                { type: PAB, name: "site-pab", props: { bucket: UNKNOWN, ...ALL_ON }, propertyDependencies: { bucket: [bucketUrn] } },
            ]);
            expect(findings(v, rule)).to.deep.equal([]);
            expect(undecided(v, rule)).to.deep.equal([]);
        });
        it("is undecided, never mandatory, when the block's bucket or settings are unknown", async () => {
            const v = await pack.analyze([
                { type: BUCKET, name: "site", props: { bucket: "site-123" } },
                { type: PAB, name: "site-pab", props: { bucket: UNKNOWN, ...ALL_ON } },
                { type: BUCKET, name: "logs", props: { bucket: "logs-1" } },
                { type: PAB, name: "logs-pab", props: { bucket: "logs-1", ...ALL_ON, restrictPublicBuckets: UNKNOWN } },
            ]);
            expect(findings(v, rule)).to.deep.equal([]);
            expect(undecided(v, rule)).to.have.length(1);
            expect(undecided(v, rule)[0].enforcementLevel).to.equal("advisory");
        });
    });

    describe("s3-bucket-acl-not-public", () => {
        const rule = "s3-bucket-acl-not-public";
        for (const type of [BUCKET, BUCKET_V2]) {
            for (const acl of ["public-read", "public-read-write", "authenticated-read"]) {
                it(`fails ${type} acl ${acl}`, async () => {
                    const v = await pack.analyze([{ type, name: "b", props: { acl } }]);
                    expect(findings(v, rule)[0].message).to.include(`public canned ACL "${acl}" (acl)`);
                });
            }
            it(`fails ${type} grants to AllUsers`, async () => {
                const v = await pack.analyze([
                    { type, name: "b", props: { grants: [{ type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers", permissions: ["READ"] }] } },
                ]);
                expect(findings(v, rule)[0].message).to.include("(grants[0])");
            });
            it(`passes ${type} with acl private`, async () => {
                const v = await pack.analyze([{ type, name: "b", props: { acl: "private" } }]);
                expect(findings(v, rule)).to.deep.equal([]);
            });
        }
        for (const type of ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"]) {
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
                                grants: [{ permission: "READ", grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" } }],
                            },
                        },
                    },
                ]);
                expect(findings(v, rule)[0].message).to.include("accessControlPolicy.grants[0]");
            });
        }
        it("is undecided on an unknown acl", async () => {
            const v = await pack.analyze([{ type: BUCKET, name: "b", props: { acl: UNKNOWN } }]);
            expect(findings(v, rule)).to.deep.equal([]);
            expect(undecided(v, rule)).to.have.length(1);
        });
    });

    describe("s3-bucket-policy-not-public", () => {
        const rule = "s3-bucket-policy-not-public";
        const publicRead = { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" };
        for (const [type, label] of [
            ["aws:s3/bucketPolicy:BucketPolicy", "BucketPolicy"],
            [BUCKET, "inline policy on Bucket"],
            [BUCKET_V2, "inline policy on BucketV2"],
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
                { type: "aws:s3/bucketPolicy:BucketPolicy", name: "p1", props: { policy: doc({ ...publicRead, Principal: { AWS: ["*"] } }) } },
                { type: "aws:s3/bucketPolicy:BucketPolicy", name: "p2", props: { policy: doc({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::1:root" }, Action: "s3:*", Resource: "*" }) } },
            ]);
            expect(findings(v, rule)).to.have.length(2);
        });
        it("passes a * principal pinned by AWS:SourceArn (case-insensitive key), aws:PrincipalAccount or aws:SourceVpce", async () => {
            const v = await pack.analyze([
                { type: "aws:s3/bucketPolicy:BucketPolicy", name: "oac", props: { policy: doc({ ...publicRead, Condition: { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1" } } }) } },
                { type: "aws:s3/bucketPolicy:BucketPolicy", name: "acct", props: { policy: doc({ ...publicRead, Condition: { StringEquals: { "aws:PrincipalAccount": "123456789012" } } }) } },
                { type: "aws:s3/bucketPolicy:BucketPolicy", name: "vpce", props: { policy: doc({ ...publicRead, Condition: { StringEquals: { "aws:SourceVpce": ["vpce-1"] } } }) } },
            ]);
            expect(findings(v, rule)).to.deep.equal([]);
        });
        it("does not count IfExists, negated or wildcard-valued conditions as pinning", async () => {
            const v = await pack.analyze([
                { type: "aws:s3/bucketPolicy:BucketPolicy", name: "ifexists", props: { policy: doc({ ...publicRead, Condition: { StringEqualsIfExists: { "aws:SourceAccount": "1" } } }) } },
                { type: "aws:s3/bucketPolicy:BucketPolicy", name: "not", props: { policy: doc({ ...publicRead, Condition: { StringNotEquals: { "aws:SourceAccount": "1" } } }) } },
                { type: "aws:s3/bucketPolicy:BucketPolicy", name: "star", props: { policy: doc({ ...publicRead, Condition: { StringLike: { "aws:SourceArn": "*" } } }) } },
            ]);
            expect(findings(v, rule)).to.have.length(3);
        });
        it("passes the TLS-only Deny statement to *", async () => {
            const v = await pack.analyze([
                {
                    type: "aws:s3/bucketPolicy:BucketPolicy",
                    name: "tls",
                    props: { policy: doc({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::site", "arn:aws:s3:::site/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } }) },
                },
            ]);
            expect(findings(v, rule)).to.deep.equal([]);
        });
        it("reports an unparsable policy and is undecided on an unknown one", async () => {
            const v = await pack.analyze([
                { type: "aws:s3/bucketPolicy:BucketPolicy", name: "bad", props: { policy: "{not json" } },
                { type: "aws:s3/bucketPolicy:BucketPolicy", name: "later", props: { policy: UNKNOWN } },
            ]);
            expect(findings(v, rule)[0].message).to.include("is not valid JSON");
            expect(undecided(v, rule)).to.have.length(1);
        });
    });

    describe("s3-bucket-website-disabled", () => {
        const rule = "s3-bucket-website-disabled";
        for (const type of [
            "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration",
            "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2",
        ]) {
            it(`fails ${type}`, async () => {
                const v = await pack.analyze([{ type, name: "w", props: { bucket: "b", indexDocument: { suffix: "index.html" } } }]);
                expect(findings(v, rule)).to.have.length(1);
            });
        }
        it("fails an inline website on Bucket and websites on BucketV2", async () => {
            const v = await pack.analyze([
                { type: BUCKET, name: "a", props: { website: { indexDocument: "index.html" } } },
                { type: BUCKET_V2, name: "b", props: { websites: [{ indexDocument: "index.html" }] } },
            ]);
            expect(findings(v, rule).map((f) => f.resourceName).sort()).to.deep.equal(["a", "b"]);
        });
        it("passes a bucket without website", async () => {
            const v = await pack.analyze([{ type: BUCKET, name: "a", props: { bucket: "a" } }]);
            expect(findings(v, rule)).to.deep.equal([]);
        });
    });

    describe("lambda-function-url-auth-required and lambda-permission-source-restricted", () => {
        it("fails a function URL with authorizationType NONE and passes AWS_IAM", async () => {
            const v = await pack.analyze([
                { type: "aws:lambda/functionUrl:FunctionUrl", name: "open", props: { functionName: "f", authorizationType: "NONE" } },
                { type: "aws:lambda/functionUrl:FunctionUrl", name: "iam", props: { functionName: "f", authorizationType: "AWS_IAM" } },
            ]);
            const f = findings(v, "lambda-function-url-auth-required");
            expect(f.map((x) => x.resourceName)).to.deep.equal(["open"]);
            expect(f[0].enforcementLevel).to.equal("mandatory");
        });
        it("fails a permission for * without a source, passes one with sourceArn or sourceAccount or principalOrgId", async () => {
            const base = { action: "lambda:InvokeFunction", function: "f", principal: "*" };
            const v = await pack.analyze([
                { type: "aws:lambda/permission:Permission", name: "open", props: base },
                { type: "aws:lambda/permission:Permission", name: "arn", props: { ...base, sourceArn: "arn:aws:execute-api:us-west-2:1:api/*" } },
                { type: "aws:lambda/permission:Permission", name: "acct", props: { ...base, sourceAccount: "123456789012" } },
                { type: "aws:lambda/permission:Permission", name: "org", props: { ...base, principalOrgId: "o-1" } },
                { type: "aws:lambda/permission:Permission", name: "apigw", props: { ...base, principal: "apigateway.amazonaws.com" } },
            ]);
            expect(findings(v, "lambda-permission-source-restricted").map((x) => x.resourceName)).to.deep.equal(["open"]);
        });
        it("is undecided on unknown values", async () => {
            const v = await pack.analyze([
                { type: "aws:lambda/functionUrl:FunctionUrl", name: "u", props: { authorizationType: UNKNOWN } },
                { type: "aws:lambda/permission:Permission", name: "p", props: { principal: UNKNOWN } },
            ]);
            expect(mandatory(v).filter((x) => x.policyName.startsWith("lambda-function-url") || x.policyName.startsWith("lambda-permission"))).to.deep.equal([]);
            expect(undecided(v, "lambda-function-url-auth-required")).to.have.length(1);
            expect(undecided(v, "lambda-permission-source-restricted")).to.have.length(1);
        });
    });
});
