import { expect } from "chai";
import { mandatory, PackHarness, startPack } from "../support";
import {
    bool,
    hasUnknown,
    list,
    num,
    PACK_UNKNOWN,
    read,
    SDK_UNKNOWN_STRING,
    str,
    strings,
} from "../../../policies/lib/props";
import { AWS_TYPES, AWS_V2_ALIASES, isType, typeLabel, typeSet, V2_ALIASED, v2Twin } from "../../../policies/lib/types";
import { expiryInstant, exemptionProblem, globMatches, patternMatches } from "../../../policies/lib/exemptions";

describe("pack framework", () => {
    describe("type tokens", () => {
        it("matches v7 names and V2 aliases both ways", () => {
            // Tokens spelled out on purpose: this is the alias handling the type table relies on.
            expect(v2Twin("aws:s3/bucket:Bucket")).to.equal("aws:s3/bucketV2:BucketV2");
            expect(v2Twin("aws:s3/bucketAclV2:BucketAclV2")).to.equal("aws:s3/bucketAcl:BucketAcl");
            expect([...typeSet("aws:s3/bucket:Bucket")]).to.deep.equal([
                "aws:s3/bucket:Bucket",
                "aws:s3/bucketV2:BucketV2",
            ]);
            expect(isType("aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket")).to.equal(true);
            expect(isType(42, "aws:s3/bucket:Bucket")).to.equal(false);
            expect(typeLabel("aws:s3/bucketV2:BucketV2")).to.equal("aws.s3.BucketV2");
        });
    });

    describe("the type table", () => {
        it("spells each V2 alias as the twin of its token, for exactly the aliased tokens", () => {
            const aliased = Object.keys(AWS_V2_ALIASES) as (keyof typeof AWS_V2_ALIASES)[];
            expect(aliased.map((k) => AWS_V2_ALIASES[k])).to.deep.equal(aliased.map((k) => v2Twin(AWS_TYPES[k])));
            expect(aliased.map((k) => AWS_TYPES[k])).to.deep.equal([...V2_ALIASED]);
        });

        it("names each token once", () => {
            const tokens = Object.values(AWS_TYPES);
            expect(tokens.filter((t, i) => tokens.indexOf(t) !== i)).to.deep.equal([]);
        });
    });

    describe("safe readers", () => {
        it("never throw and mark unknowns", () => {
            // The engine's string on purpose: the readers turn the wire form into the pack's marker.
            expect(read({ a: [{ b: 1 }] }, "a", 0, "b")).to.equal(1);
            expect(read(null, "a", "b")).to.equal(undefined);
            expect(read({ a: 5 }, "a", "b")).to.equal(undefined);
            expect(read({ a: SDK_UNKNOWN_STRING }, "a", "b")).to.equal(PACK_UNKNOWN);
            expect(read({ a: PACK_UNKNOWN }, "a")).to.equal(PACK_UNKNOWN);
            expect(str(5)).to.equal(undefined);
            expect(bool("true")).to.equal(true);
            expect(num("12")).to.equal(12);
            expect(list("x")).to.deep.equal(["x"]);
            expect(strings(["a", 3, null, "b"])).to.deep.equal(["a", "b"]);
            expect(strings(["a", SDK_UNKNOWN_STRING])).to.equal(PACK_UNKNOWN);
            expect(hasUnknown({ a: [{ b: SDK_UNKNOWN_STRING }] })).to.equal(true);
            expect(
                read(
                    {
                        s: {
                            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                            value: { k: "v" },
                        },
                    },
                    "s",
                    "k",
                ),
            ).to.equal("v");
        });
    });

    describe("exemption matching and dates", () => {
        it("globs: `*` any run, `?` one character, everything else literal", () => {
            const cases: [string, string, boolean][] = [
                ["*", "", true],
                ["*", "anything", true],
                ["", "", true],
                ["", "x", false],
                ["a*b", "ab", true],
                ["a*b", "axxb", true],
                ["a*b", "axxbc", false],
                ["a?c", "abc", true],
                ["a?c", "ac", false],
                ["*.*", "a.b", true],
                ["[ab]", "[ab]", true],
                ["[ab]", "a", false],
                ["**a", "xa", true],
                ["a*", "b", false],
                ["*b*b", "abcb", true],
            ];
            for (const [pattern, text, want] of cases)
                expect(globMatches(pattern, text), `${pattern} ~ ${text}`).to.equal(want);
            // The pattern the fuzzer found: a backtracking regex takes seconds on it; this answers.
            expect(globMatches("urn:" + "*a".repeat(12) + "*b", "urn:" + "a".repeat(28))).to.equal(false);
            expect(globMatches("urn:" + "*a".repeat(12) + "*b", "urn:" + "a".repeat(28) + "b")).to.equal(true);
        });

        it("matches names, URNs and globs; reads dates", () => {
            expect(patternMatches("site-*", "urn:pulumi:s::p::aws:s3/bucket:Bucket::site-1")).to.equal(true);
            expect(
                patternMatches("urn:pulumi:s::p::aws:s3/bucket:Bucket::*", "urn:pulumi:s::p::aws:s3/bucket:Bucket::x"),
            ).to.equal(true);
            expect(patternMatches("site", "urn:pulumi:s::p::aws:s3/bucket:Bucket::site-1")).to.equal(false);
            expect(patternMatches("a.b", "urn:x::axb")).to.equal(false);
            expect(patternMatches("s?te-*", "urn:x::site-9")).to.equal(true);
            expect(expiryInstant("2026-01-31")?.toISOString()).to.equal("2026-02-01T00:00:00.000Z");
            expect(expiryInstant("soon")).to.equal(undefined);
            const now = new Date("2026-03-01T00:00:00Z");
            expect(exemptionProblem({ resource: "a", reason: "r" }, now)).to.equal(undefined);
            expect(exemptionProblem({ resource: "a" }, now)).to.equal("no-reason");
            expect(exemptionProblem({ resource: "a", reason: "  " }, now)).to.equal("no-reason");
            expect(exemptionProblem({ reason: "r" }, now)).to.equal("no-resource");
            expect(exemptionProblem({ resource: "a", reason: "r", expires: "2026-02-28" }, now)).to.equal("expired");
            expect(exemptionProblem("junk", now)).to.equal("no-resource");
        });
    });

    describe("hostile shapes through the pack", () => {
        let pack: PackHarness;
        before(async () => {
            pack = await startPack();
        });
        after(() => pack.close());

        const junk: unknown[] = [null, 42, "str", [], [null, 1, "x"], { deep: { deeper: [{}] } }, true];
        const types = [
            AWS_TYPES.bucket,
            AWS_V2_ALIASES.bucket,
            AWS_TYPES.bucketPublicAccessBlock,
            AWS_TYPES.bucketAcl,
            AWS_TYPES.bucketPolicy,
            AWS_TYPES.bucketWebsite,
            AWS_TYPES.bucketEncryption,
            AWS_TYPES.lambdaFunctionUrl,
            AWS_TYPES.lambdaPermission,
            AWS_TYPES.lambdaFunction,
            AWS_TYPES.iamRole,
            AWS_TYPES.iamRolePolicy,
            AWS_TYPES.iamPolicy,
            AWS_TYPES.iamRolePolicyAttachment,
            AWS_TYPES.kmsKey,
            AWS_TYPES.kmsKeyPolicy,
            AWS_TYPES.kmsAlias,
            AWS_TYPES.dynamodbTable,
            AWS_TYPES.kinesisStream,
            AWS_TYPES.snsTopic,
            AWS_TYPES.sqsQueue,
            AWS_TYPES.logGroup,
            AWS_TYPES.metricAlarm,
            AWS_TYPES.cloudfrontDistribution,
        ];
        const props = [
            "bucket",
            "acl",
            "grants",
            "policy",
            "website",
            "websites",
            "serverSideEncryptionConfiguration",
            "serverSideEncryptionConfigurations",
            "rules",
            "authorizationType",
            "principal",
            "environment",
            "kmsKeyArn",
            "inlinePolicies",
            "assumeRolePolicy",
            "managedPolicyArns",
            "policyArn",
            "enableKeyRotation",
            "keyId",
            "targetKeyId",
            "serverSideEncryption",
            "encryptionType",
            "kmsMasterKeyId",
            "kmsKeyId",
            "alarmActions",
            "origins",
            "accessControlPolicy",
            "blockPublicAcls",
        ];

        for (const [i, value] of junk.entries()) {
            it(`does not crash on junk #${i} (${JSON.stringify(value)}) in every property my rules read`, async () => {
                const resources = types.map((type, n) => ({
                    type,
                    name: `r${n}`,
                    props: Object.fromEntries(props.map((p) => [p, value])),
                }));
                const v = await pack.analyze(resources);
                const crashes = v.filter((x) => /could not (be )?check/.test(x.message));
                expect(crashes.map((c) => c.message)).to.deep.equal([]);
            });
        }

        it("an all-unknown stack yields no mandatory finding from the S3, IAM, encryption and KMS rules", async () => {
            const resources = types.map((type, n) => ({
                type,
                name: `r${n}`,
                props: Object.fromEntries(props.map((p) => [p, PACK_UNKNOWN])),
            }));
            const v = await pack.analyze(resources);
            const mine =
                /^(s3-|iam-|kms-|lambda-function-url|lambda-permission|lambda-function-environment|dynamodb-table-encrypted|kinesis-stream-encrypted|sns-|sqs-|cloudwatch-log-group-encrypted)/;
            // A BucketWebsiteConfiguration is a violation by its mere existence, known at preview.
            const decidable = (x: { policyName: string }) => x.policyName === "s3-bucket-website-disabled";
            expect(
                mandatory(v)
                    .filter((x) => mine.test(x.policyName) && !decidable(x))
                    .map((x) => x.message),
            ).to.deep.equal([]);
        });
    });
});
