import { expect } from "chai";
import {
    actionInfo,
    describeActionPattern,
    expandActionPattern,
    identityStatementFindings,
    isOpenPrincipal,
    isParseError,
    isWildcardResource,
    parsePolicyDocument,
    ParsedPolicy,
    arnPinsAccount,
    isConcretePinValue,
    pinningConditionKeys,
    scopableActions,
    unpinnedServicePrincipals,
} from "../../../policies/lib/iam";
import { PACK_UNKNOWN, SDK_UNKNOWN_STRING } from "../../../policies/lib/props";

/** The engine's string on purpose: documents are parsed from what the SDK hands the pack. */
const SENTINEL = SDK_UNKNOWN_STRING;

function parsed(doc: unknown): ParsedPolicy {
    const p = parsePolicyDocument(doc);
    if (p === PACK_UNKNOWN || isParseError(p)) throw new Error(`not parsed: ${JSON.stringify(p)}`);
    return p;
}

describe("lib/iam", () => {
    describe("parsePolicyDocument", () => {
        it("reads a JSON string or an object, Statement object or array, strings or arrays", () => {
            const a = parsed(
                JSON.stringify({
                    Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
                }),
            );
            expect(a.statements[0].action).to.deep.equal(["s3:GetObject"]);
            const b = parsed({ Statement: [{ Effect: "Deny", Action: ["s3:*"], Resource: ["*"] }] });
            expect(b.statements[0].effect).to.equal("Deny");
        });
        it("returns PACK_UNKNOWN for an unknown document and errors for junk", () => {
            expect(parsePolicyDocument(SENTINEL)).to.equal(PACK_UNKNOWN);
            for (const junk of [
                "{",
                "42",
                "null",
                JSON.stringify({}),
                JSON.stringify({ Statement: [1] }),
                JSON.stringify({ Statement: { Effect: "Permit", Action: "s3:*" } }),
                JSON.stringify({ Statement: { Effect: "Allow", Action: 3 } }),
                JSON.stringify({ Statement: { Effect: "Allow", Resource: "*" } }),
            ]) {
                expect(isParseError(parsePolicyDocument(junk)), junk).to.equal(true);
            }
            for (const junk of [null, undefined, 7, [], true])
                expect(isParseError(parsePolicyDocument(junk))).to.equal(true);
        });
        it("keeps an unknown Action as PACK_UNKNOWN", () => {
            expect(
                parsed({ Statement: { Effect: "Allow", Action: SENTINEL, Resource: "*" } }).statements[0].action,
            ).to.equal(PACK_UNKNOWN);
        });
    });

    describe("the action catalogue", () => {
        it("matches action names case-insensitively", () => {
            expect(actionInfo("S3:getobject")?.name).to.equal("s3:GetObject");
            expect(actionInfo("s3:GetObjekt")).to.equal(undefined);
            expect(actionInfo("nosuchservice:Get")).to.equal(undefined);
        });
        it("expands wildcards and counts them", () => {
            const all = expandActionPattern("s3:*");
            expect(all.everything).to.equal(false);
            const count = all.everything ? 0 : all.actions.length;
            expect(count).to.be.greaterThan(100);
            expect(describeActionPattern("s3:*")).to.equal(`expands to ${count} actions`);
            const gets = expandActionPattern("s3:Get*");
            expect(!gets.everything && gets.actions.every((a) => a.name.startsWith("s3:Get"))).to.equal(true);
            expect(expandActionPattern("*").everything).to.equal(true);
            expect(describeActionPattern("nosuch:*")).to.include("unknown service");
        });
        it("knows which actions have resource types (the ENI statement, decided by iam-data)", () => {
            expect(
                scopableActions(["ec2:DescribeNetworkInterfaces", "xray:PutTraceSegments", "ec2:DescribeSubnets"]),
            ).to.deep.equal([]);
            expect(scopableActions(["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"])).to.deep.equal([
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
            ]);
        });
    });

    describe("isWildcardResource", () => {
        it("treats *, and wildcards in service, region, account or resource type as *", () => {
            for (const r of [
                "*",
                "arn:aws:s3:::*",
                "arn:*:*",
                "arn:aws:dynamodb:*:123456789012:table/t",
                "arn:aws:kinesis:us-west-2:*:stream/s",
                "arn:aws:s3:::*/x",
            ]) {
                expect(isWildcardResource(r), r).to.equal(true);
            }
        });
        it("accepts a wildcard only in the resource id", () => {
            for (const r of [
                "arn:aws:s3:::bucket/prefix/*",
                "arn:aws:ec2:us-west-2:123456789012:network-interface/*",
                "arn:aws:s3:::site-*",
                "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/f:*",
            ]) {
                expect(isWildcardResource(r), r).to.equal(false);
            }
        });
    });

    describe("principals and conditions", () => {
        it("recognises open principals", () => {
            expect(isOpenPrincipal("*")).to.equal(true);
            expect(isOpenPrincipal({ AWS: "*" })).to.equal(true);
            expect(isOpenPrincipal({ AWS: ["arn:aws:iam::*:root"] })).to.equal(true);
            expect(isOpenPrincipal({ Service: "lambda.amazonaws.com" })).to.equal(false);
            expect(isOpenPrincipal({ AWS: "arn:aws:iam::123456789012:root" })).to.equal(false);
            expect(isOpenPrincipal(SENTINEL)).to.equal(PACK_UNKNOWN);
            expect(isOpenPrincipal(42)).to.equal(false);
        });
        it("finds pinning conditions case-insensitively, ignoring IfExists, negations and wildcards", () => {
            expect(
                pinningConditionKeys({
                    StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1" },
                }),
            ).to.deep.equal(["AWS:SourceArn"]);
            expect(
                pinningConditionKeys({
                    ArnLike: { "aws:sourcearn": "arn:aws:cloudfront::123456789012:distribution/*" },
                }),
            ).to.have.length(1);
            expect(pinningConditionKeys({ StringEquals: { "aws:PrincipalOrgID": "o-1" } })).to.have.length(1);
            expect(pinningConditionKeys({ StringEqualsIfExists: { "aws:SourceAccount": "1" } })).to.deep.equal([]);
            expect(pinningConditionKeys({ StringNotEquals: { "aws:SourceAccount": "1" } })).to.deep.equal([]);
            expect(pinningConditionKeys({ StringLike: { "aws:SourceVpce": "*" } })).to.deep.equal([]);
            expect(pinningConditionKeys({ StringEquals: { "aws:SourceVpce": SENTINEL } })).to.equal(PACK_UNKNOWN);
            expect(pinningConditionKeys("junk")).to.deep.equal([]);
        });
        it("counts only fixed values as pins: an ARN of any account, a wildcard account or org, a variable pin nothing", () => {
            // survivor s3-policy-star-any-distribution: every distribution of every account
            expect(
                pinningConditionKeys({ ArnLike: { "AWS:SourceArn": "arn:aws:cloudfront::*:distribution/*" } }),
            ).to.deep.equal([]);
            expect(
                pinningConditionKeys({
                    ArnLike: { "aws:SourceArn": "arn:aws:cloudfront::12345678901?:distribution/*" },
                }),
            ).to.deep.equal([]);
            expect(pinningConditionKeys({ ArnLike: { "aws:SourceArn": "arn:x" } })).to.deep.equal([]);
            expect(
                pinningConditionKeys({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/admin" } }),
            ).to.deep.equal([]);
            expect(
                pinningConditionKeys({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/*" } }),
            ).to.have.length(1);
            expect(pinningConditionKeys({ StringLike: { "aws:SourceAccount": "1234*" } })).to.deep.equal([]);
            expect(pinningConditionKeys({ StringLike: { "aws:PrincipalAccount": "?23456789012" } })).to.deep.equal([]);
            expect(pinningConditionKeys({ StringLike: { "aws:PrincipalOrgID": "o-*" } })).to.deep.equal([]);
            expect(pinningConditionKeys({ StringLike: { "aws:SourceOrgID": "*" } })).to.deep.equal([]);
            expect(
                pinningConditionKeys({ StringEquals: { "aws:SourceAccount": "${aws:PrincipalAccount}" } }),
            ).to.deep.equal([]);
            // one concrete value among wildcards does not pin: every value must
            expect(
                pinningConditionKeys({ StringEquals: { "aws:SourceAccount": ["123456789012", "*"] } }),
            ).to.deep.equal([]);
            expect(
                pinningConditionKeys({
                    StringLike: { "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*" },
                }),
            ).to.have.length(1);
            expect(pinningConditionKeys({ StringLike: { "aws:PrincipalOrgPaths": "*/r-ab12/*" } })).to.deep.equal([]);
            expect(pinningConditionKeys({ StringLike: { "aws:userid": "AROAEXAMPLEID:*" } })).to.have.length(1);
            expect(pinningConditionKeys({ StringLike: { "aws:userid": "*:alice" } })).to.deep.equal([]);
        });
        it("arnPinsAccount: a 12-digit account, or an S3 ARN (no account field) with a fixed bucket name", () => {
            expect(arnPinsAccount("arn:aws:cloudfront::123456789012:distribution/E1")).to.equal(true);
            expect(arnPinsAccount("arn:aws:cloudwatch:*:123456789012:alarm:*")).to.equal(true);
            expect(arnPinsAccount("arn:aws:cloudfront::*:distribution/*")).to.equal(false);
            expect(arnPinsAccount("arn:aws:cloudfront:::distribution/*")).to.equal(false); // CloudFront ARNs carry an account
            expect(arnPinsAccount("arn:aws:s3:::site-bucket")).to.equal(true);
            expect(arnPinsAccount("arn:aws:s3:::site-bucket/*")).to.equal(true);
            expect(arnPinsAccount("arn:aws:s3:::*")).to.equal(false);
            expect(arnPinsAccount("arn:aws:s3:::site-*")).to.equal(false); // bucket names are global: anyone's
            expect(arnPinsAccount("arn:aws:execute-api:us-west-2:123456789012:")).to.equal(false);
            expect(arnPinsAccount("*")).to.equal(false);
        });
        it("isConcretePinValue judges account-valued keys by wildcard, not by shape", () => {
            expect(isConcretePinValue("aws:ResourceAccount", "123456789012")).to.equal(true);
            expect(isConcretePinValue("aws:ResourceAccount", "*")).to.equal(false);
            expect(isConcretePinValue("aws:SourceVpce", "vpce-1a2b3c4d")).to.equal(true);
            expect(isConcretePinValue("aws:SourceVpce", "vpce-*")).to.equal(false);
        });
        it("unpinnedServicePrincipals: a service grant needs a confused-deputy condition of one account", () => {
            const stmt = (principal: unknown, condition?: unknown) =>
                parsed({
                    Statement: {
                        Effect: "Allow",
                        Principal: principal,
                        Action: "s3:GetObject",
                        Resource: "*",
                        ...(condition ? { Condition: condition } : {}),
                    },
                }).statements[0];
            const cf = { Service: "cloudfront.amazonaws.com" };
            // survivor s3-policy-cloudfront-unpinned
            expect(unpinnedServicePrincipals(stmt(cf))).to.deep.equal(["cloudfront.amazonaws.com"]);
            expect(
                unpinnedServicePrincipals(
                    stmt(cf, { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1" } }),
                ),
            ).to.deep.equal([]);
            expect(
                unpinnedServicePrincipals(stmt(cf, { StringEquals: { "aws:sourceaccount": "123456789012" } })),
            ).to.deep.equal([]);
            expect(
                unpinnedServicePrincipals(stmt(cf, { StringEquals: { "aws:SourceOrgID": "o-a1b2c3d4e5" } })),
            ).to.deep.equal([]);
            expect(
                unpinnedServicePrincipals(
                    stmt(cf, { "ForAnyValue:StringLike": { "aws:SourceOrgPaths": "o-a1b2c3d4e5/*" } }),
                ),
            ).to.deep.equal([]);
            expect(
                unpinnedServicePrincipals(
                    stmt(cf, { ArnLike: { "AWS:SourceArn": "arn:aws:cloudfront::*:distribution/*" } }),
                ),
            ).to.deep.equal(["cloudfront.amazonaws.com"]);
            // caller keys do not pin a service principal (it is in no account or organisation)
            expect(
                unpinnedServicePrincipals(stmt(cf, { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } })),
            ).to.deep.equal(["cloudfront.amazonaws.com"]);
            expect(
                unpinnedServicePrincipals(stmt(cf, { StringEqualsIfExists: { "aws:SourceAccount": "123456789012" } })),
            ).to.deep.equal(["cloudfront.amazonaws.com"]);
            // the logs service's documented pin, only for the logs service and only of one account
            const logs = { Service: "logs.us-west-2.amazonaws.com" };
            const ctxOf = (arn: string) => ({ ArnLike: { "kms:EncryptionContext:aws:logs:arn": arn } });
            expect(
                unpinnedServicePrincipals(stmt(logs, ctxOf("arn:aws:logs:us-west-2:123456789012:log-group:*"))),
            ).to.deep.equal([]);
            expect(unpinnedServicePrincipals(stmt(logs, ctxOf("arn:aws:logs:us-west-2:*:log-group:*")))).to.deep.equal([
                "logs.us-west-2.amazonaws.com",
            ]);
            expect(
                unpinnedServicePrincipals(stmt(cf, ctxOf("arn:aws:logs:us-west-2:123456789012:log-group:*"))),
            ).to.deep.equal(["cloudfront.amazonaws.com"]);
            expect(unpinnedServicePrincipals(stmt(logs))).to.deep.equal(["logs.us-west-2.amazonaws.com"]);
            // AWS and * principals are not service principals; unknowns are undecided
            expect(unpinnedServicePrincipals(stmt({ AWS: "arn:aws:iam::123456789012:root" }))).to.deep.equal([]);
            expect(unpinnedServicePrincipals(stmt(cf, { StringEquals: { "aws:SourceArn": SENTINEL } }))).to.equal(
                PACK_UNKNOWN,
            );
            expect(unpinnedServicePrincipals(stmt(SENTINEL))).to.equal(PACK_UNKNOWN);
        });
    });

    describe("identityStatementFindings", () => {
        const stmt = (s: object) => parsed({ Statement: s }).statements[0];
        it("names the statement index, the action and the expansion count", () => {
            const p = parsed({
                Statement: [
                    { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
                    { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b" },
                ],
            });
            const f = identityStatementFindings(p.statements[1]);
            expect(f).to.have.length(1);
            expect(f[0].message).to.match(
                /^statement\[1\] allows "s3:\*" \(expands to \d+ actions\) on arn:aws:s3:::b; list the actions the function calls$/,
            );
        });
        it("flags Resource * only for scopable actions", () => {
            expect(
                identityStatementFindings(
                    stmt({
                        Effect: "Allow",
                        Action: ["ec2:DescribeNetworkInterfaces", "xray:PutTraceSegments"],
                        Resource: "*",
                    }),
                ),
            ).to.deep.equal([]);
            const f = identityStatementFindings(
                stmt({
                    Effect: "Allow",
                    Action: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces"],
                    Resource: "*",
                }),
            );
            expect(f.map((x) => x.kind)).to.deep.equal(["resource-wildcard"]);
            expect(f[0].message).to.include('"ec2:CreateNetworkInterface"');
        });
        it("flags NotAction/NotResource in Allow, unknown actions, and ignores Deny", () => {
            expect(
                identityStatementFindings(
                    stmt({ Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::b" }),
                ).map((x) => x.kind),
            ).to.include("not-action");
            expect(
                identityStatementFindings(
                    stmt({ Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::b" }),
                ).map((x) => x.kind),
            ).to.include("not-resource");
            expect(
                identityStatementFindings(
                    stmt({ Effect: "Allow", Action: "s3:GetObjekt", Resource: "arn:aws:s3:::b/*" }),
                )[0].kind,
            ).to.equal("unknown-action");
            expect(identityStatementFindings(stmt({ Effect: "Deny", Action: "*", Resource: "*" }))).to.deep.equal([]);
        });
        it("reads a key policy's Resource * as the key itself", () => {
            expect(
                identityStatementFindings(stmt({ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }), {
                    resourceMeaning: "key-policy",
                }),
            ).to.deep.equal([]);
        });
        it("is undecided on unknown Action or Resource", () => {
            expect(
                identityStatementFindings(stmt({ Effect: "Allow", Action: "s3:GetObject", Resource: SENTINEL })).map(
                    (x) => x.kind,
                ),
            ).to.deep.equal(["undecided"]);
        });
    });
});
