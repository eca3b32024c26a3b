import { expect } from "chai";
import { doc, findings, mandatory, PackHarness, startPack, undecided } from "../support";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { AWS_TYPES } from "../../../policies/lib/types";

const TRUST = doc({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
const SCOPED = {
    Effect: "Allow",
    Action: ["dynamodb:GetItem", "dynamodb:PutItem"],
    Resource: "arn:aws:dynamodb:us-west-2:123456789012:table/items",
};
const FORMS: [string, (policy: string | typeof PACK_UNKNOWN) => Record<string, unknown>][] = [
    [AWS_TYPES.iamRole, (policy) => ({ assumeRolePolicy: TRUST, inlinePolicies: [{ name: "p", policy }] })],
    [AWS_TYPES.iamRolePolicy, (policy) => ({ role: "r", policy })],
    [AWS_TYPES.iamPolicy, (policy) => ({ policy })],
    [AWS_TYPES.iamUserPolicy, (policy) => ({ user: "u", policy })],
    [AWS_TYPES.iamGroupPolicy, (policy) => ({ group: "g", policy })],
];

describe("IAM rules", () => {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    for (const [type, props] of FORMS) {
        describe(type, () => {
            it("passes a scoped policy", async () => {
                const v = await pack.analyze([{ type, name: "x", props: props(doc(SCOPED)) }]);
                expect(mandatory(v).filter((f) => f.policyName.startsWith("iam-"))).to.deep.equal([]);
            });
            it("fails a service wildcard with the index, action and expansion count", async () => {
                const v = await pack.analyze([
                    {
                        type,
                        name: "x",
                        props: props(doc(SCOPED, { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" })),
                    },
                ]);
                const f = findings(v, "iam-policy-no-wildcard-actions");
                expect(f).to.have.length(1);
                expect(f[0].message).to.match(
                    /must not allow wildcard actions: .*policy statement\[1\] allows "s3:\*" \(expands to \d+ actions\) on arn:aws:s3:::b\/\*; list the actions the function calls/,
                );
            });
            it("fails Action * and a partial wildcard", async () => {
                const v = await pack.analyze([
                    {
                        type,
                        name: "x",
                        props: props(doc({ Effect: "Allow", Action: ["*", "s3:Get*"], Resource: "arn:aws:s3:::b/*" })),
                    },
                ]);
                const f = findings(v, "iam-policy-no-wildcard-actions");
                expect(f.map((x) => x.message)).to.satisfy(
                    (ms: string[]) =>
                        ms.some((m) => m.includes("every action of every AWS service")) &&
                        ms.some((m) => m.includes('"s3:Get*"')),
                );
            });
            it("fails Resource * for scopable actions and arn:aws:s3:::*", async () => {
                const v = await pack.analyze([
                    {
                        type,
                        name: "a",
                        props: props(doc({ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "*" })),
                    },
                    {
                        type,
                        name: "b",
                        props: props(doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::*" })),
                    },
                ]);
                expect(findings(v, "iam-policy-no-wildcard-resources").map((f) => f.resourceName)).to.deep.equal([
                    "a",
                    "b",
                ]);
            });
            it("fails NotAction / NotResource in Allow and names unknown actions", async () => {
                const v = await pack.analyze([
                    {
                        type,
                        name: "na",
                        props: props(doc({ Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::b" })),
                    },
                    {
                        type,
                        name: "typo",
                        props: props(doc({ Effect: "Allow", Action: "dynamodb:GetItems", Resource: SCOPED.Resource })),
                    },
                ]);
                expect(findings(v, "iam-policy-no-allow-not-action").map((f) => f.resourceName)).to.deep.equal(["na"]);
                expect(findings(v, "iam-policy-actions-known")[0].message).to.include('"dynamodb:GetItems"');
            });
            it("reports an unparsable document and is undecided on an unknown one", async () => {
                const v = await pack.analyze([
                    { type, name: "bad", props: props("{") },
                    { type, name: "later", props: props(PACK_UNKNOWN) },
                ]);
                expect(findings(v, "iam-policy-document-valid").map((f) => f.resourceName)).to.deep.equal(["bad"]);
                expect(undecided(v, "iam-policy-no-wildcard-actions")).to.have.length(1);
                expect(mandatory(v).filter((f) => f.resourceName === "later")).to.deep.equal([]);
            });
        });
    }

    it("reports a broken trust policy even when the role's inline policies are unknown (found by the fuzzer)", async () => {
        const v = await pack.analyze([
            {
                type: AWS_TYPES.iamRole,
                name: "half-known",
                props: { inlinePolicies: PACK_UNKNOWN, assumeRolePolicy: "{not json" },
            },
        ]);
        expect(
            findings(v, "iam-policy-document-valid")
                .map((f) => f.message)
                .join(),
        ).to.include("assumeRolePolicy");
        expect(undecided(v, "iam-policy-document-valid")).to.have.length(1);
    });

    it("accepts the ENI statement iam-data allows on * and flags CreateNetworkInterface on *", async () => {
        const v = await pack.analyze([
            {
                type: AWS_TYPES.iamRolePolicy,
                name: "describe",
                props: {
                    policy: doc({
                        Effect: "Allow",
                        Action: [
                            "ec2:DescribeNetworkInterfaces",
                            "ec2:DescribeSubnets",
                            "xray:PutTraceSegments",
                            "xray:PutTelemetryRecords",
                        ],
                        Resource: "*",
                    }),
                },
            },
            {
                type: AWS_TYPES.iamRolePolicy,
                name: "scoped",
                props: {
                    policy: doc({
                        Effect: "Allow",
                        Action: ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"],
                        Resource: [
                            "arn:aws:ec2:us-west-2:123456789012:network-interface/*",
                            "arn:aws:ec2:us-west-2:123456789012:subnet/subnet-1",
                        ],
                    }),
                },
            },
            {
                type: AWS_TYPES.iamRolePolicy,
                name: "star",
                props: { policy: doc({ Effect: "Allow", Action: ["ec2:CreateNetworkInterface"], Resource: "*" }) },
            },
        ]);
        expect(findings(v, "iam-policy-no-wildcard-resources").map((f) => f.resourceName)).to.deep.equal(["star"]);
    });

    it("allows configured action patterns and known-new actions", async () => {
        await pack.configure({
            "iam-policy-no-wildcard-actions": { allowedActions: ["ec2:Describe*"] },
            "iam-policy-actions-known": { knownActions: ["dynamodb:BrandNew"] },
        });
        try {
            const v = await pack.analyze([
                {
                    type: AWS_TYPES.iamPolicy,
                    name: "p",
                    props: {
                        policy: doc({
                            Effect: "Allow",
                            Action: ["ec2:Describe*", "dynamodb:BrandNew"],
                            Resource: "arn:aws:dynamodb:us-west-2:1:table/t",
                        }),
                    },
                },
            ]);
            expect(findings(v, "iam-policy-no-wildcard-actions")).to.deep.equal([]);
            expect(findings(v, "iam-policy-actions-known")).to.deep.equal([]);
        } finally {
            await pack.configure({});
        }
    });

    describe("iam-role-trust-policy-not-public", () => {
        const rule = "iam-role-trust-policy-not-public";
        it("fails a * principal, passes a service and a * pinned by aws:PrincipalOrgID", async () => {
            const v = await pack.analyze([
                {
                    type: AWS_TYPES.iamRole,
                    name: "open",
                    props: {
                        assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }),
                    },
                },
                { type: AWS_TYPES.iamRole, name: "svc", props: { assumeRolePolicy: TRUST } },
                {
                    type: AWS_TYPES.iamRole,
                    name: "org",
                    props: {
                        assumeRolePolicy: doc({
                            Effect: "Allow",
                            Principal: "*",
                            Action: "sts:AssumeRole",
                            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } },
                        }),
                    },
                },
            ]);
            expect(findings(v, rule).map((f) => f.resourceName)).to.deep.equal(["open"]);
        });
    });

    describe("managed policy attachments", () => {
        const attach = (type: string, name: string, policyArn: string | typeof PACK_UNKNOWN) => ({
            type,
            name,
            props: { role: "r", policyArn },
        });
        it("fails broad AWS-managed policies in every attachment form", async () => {
            const v = await pack.analyze([
                attach(AWS_TYPES.iamRolePolicyAttachment, "admin", "arn:aws:iam::aws:policy/AdministratorAccess"),
                attach(AWS_TYPES.iamPolicyAttachment, "power", "arn:aws:iam::aws:policy/PowerUserAccess"),
                attach(AWS_TYPES.iamUserPolicyAttachment, "iamfull", "arn:aws:iam::aws:policy/IAMFullAccess"),
                attach(AWS_TYPES.iamGroupPolicyAttachment, "s3full", "arn:aws:iam::aws:policy/AmazonS3FullAccess"),
                {
                    type: AWS_TYPES.iamRole,
                    name: "inline-arns",
                    props: {
                        assumeRolePolicy: TRUST,
                        managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"],
                    },
                },
            ]);
            expect(findings(v, "iam-managed-policy-not-broad").map((f) => f.resourceName)).to.deep.equal([
                "admin",
                "power",
                "iamfull",
                "s3full",
                "inline-arns",
            ]);
        });
        it("judges known Lambda managed policies by what they grant", async () => {
            const v = await pack.analyze([
                attach(
                    AWS_TYPES.iamRolePolicyAttachment,
                    "vpc",
                    "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
                ),
                attach(AWS_TYPES.iamRolePolicyAttachment, "xray", "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"),
            ]);
            const f = findings(v, "iam-managed-policy-not-broad");
            expect(f.map((x) => x.resourceName)).to.deep.equal(["vpc"]);
            expect(f[0].message).to.include("AWSLambdaVPCAccessExecutionRole");
        });
        it("asks for review of an unknown AWS-managed policy (advisory) and honours the allow-list", async () => {
            let v = await pack.analyze([
                attach(
                    AWS_TYPES.iamRolePolicyAttachment,
                    "other",
                    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
                ),
            ]);
            expect(findings(v, "iam-managed-policy-reviewed")[0].enforcementLevel).to.equal("advisory");
            await pack.configure({
                "iam-managed-policy-reviewed": { allowedManagedPolicies: ["AmazonSSMManagedInstanceCore"] },
                "iam-managed-policy-not-broad": {
                    allowedManagedPolicies: ["arn:aws:iam::aws:policy/AdministratorAccess"],
                },
            });
            try {
                v = await pack.analyze([
                    attach(
                        AWS_TYPES.iamRolePolicyAttachment,
                        "other",
                        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
                    ),
                    attach(AWS_TYPES.iamRolePolicyAttachment, "admin", "arn:aws:iam::aws:policy/AdministratorAccess"),
                ]);
                expect(findings(v, "iam-managed-policy-reviewed")).to.deep.equal([]);
                expect(findings(v, "iam-managed-policy-not-broad")).to.deep.equal([]);
            } finally {
                await pack.configure({});
            }
        });
        it("ignores customer-managed policy ARNs and is undecided on unknown ones", async () => {
            const v = await pack.analyze([
                attach(AWS_TYPES.iamRolePolicyAttachment, "own", "arn:aws:iam::123456789012:policy/mine"),
                attach(AWS_TYPES.iamRolePolicyAttachment, "later", PACK_UNKNOWN),
            ]);
            expect(findings(v, "iam-managed-policy-not-broad")).to.deep.equal([]);
            expect(undecided(v, "iam-managed-policy-not-broad")).to.have.length(1);
        });
    });
});

/**
 * iam-policy-no-wildcard-resources and the one wildcard form the Lambda developer guide
 * documents for a VPC function's network-interface actions (`arn:aws:ec2:<region>:<account>:*\/*`).
 */
const WILDCARD_RESOURCES_RULE = "iam-policy-no-wildcard-resources";
const MANAGE = ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"];
const DOCUMENTED = "arn:aws:ec2:us-west-2:123456789012:*/*";

describe("IAM rules: Lambda VPC network-interface scope", () => {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    const judge = (statement: Record<string, unknown>) =>
        pack.analyze([{ type: AWS_TYPES.iamRolePolicy, name: "x", props: { role: "r", policy: doc(statement) } }]);

    it("admits the three interface actions on the documented form", async () => {
        expect(
            findings(await judge({ Effect: "Allow", Action: MANAGE, Resource: DOCUMENTED }), WILDCARD_RESOURCES_RULE),
        ).to.deep.equal([]);
    });
    it("still fails another scopable action beside them", async () => {
        const f = findings(
            await judge({ Effect: "Allow", Action: [...MANAGE, "ec2:TerminateInstances"], Resource: DOCUMENTED }),
            WILDCARD_RESOURCES_RULE,
        );
        expect(f).to.have.length(1);
    });
    for (const resource of [
        "*",
        "arn:aws:ec2:*:123456789012:*/*",
        "arn:aws:ec2:us-west-2:*:*/*",
        "arn:aws:ec2:us-west-2:123456789012:*",
    ]) {
        it(`still fails the interface actions on ${resource}`, async () => {
            expect(
                findings(await judge({ Effect: "Allow", Action: MANAGE, Resource: resource }), WILDCARD_RESOURCES_RULE),
            ).to.have.length(1);
        });
    }
});
