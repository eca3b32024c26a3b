import { expect } from "chai";
import { doc, findings, PackHarness, ruleCases, startPack, undecided, urnOf } from "../support";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { AWS_TYPES } from "../../../policies/lib/types";

/**
 * secretsmanager-secret-policy-not-public, in both resource forms (aws.secretsmanager.SecretPolicy
 * and the secret's inline `policy`), with the project's own statement (named caller roles,
 * Resource "*") as the negative control.
 */
const RULE = "secretsmanager-secret-policy-not-public";
const ACCOUNT = "123456789012";
const FORMS = [
    [
        AWS_TYPES.secretsmanagerSecretPolicy,
        {
            secretArn: `arn:aws:secretsmanager:us-west-2:${ACCOUNT}:secret:origin-verify-AbCdEf`,
            blockPublicPolicy: true,
        },
    ],
    [AWS_TYPES.secretsmanagerSecret, { name: "origin-verify" }],
] as const;
const read = (extra: object) => ({
    Effect: "Allow",
    Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
    Resource: "*",
    ...extra,
});

describe("Secrets Manager resource policies", () => {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    for (const [type, props] of FORMS) {
        const at = (name: string, ...statements: object[]) => ({
            type,
            name,
            props: { ...props, policy: doc(...statements) },
        });
        it(`passes the project's statement (named caller roles) and * pinned to this account in ${type}`, async () => {
            const v = await pack.analyze([
                at(
                    "ok",
                    read({
                        Sid: "InternalCallersReadOriginVerify",
                        Principal: {
                            AWS: [`arn:aws:iam::${ACCOUNT}:role/caller`, "arn:aws:iam::210987654321:role/reporting"],
                        },
                    }),
                    read({ Principal: "*", Condition: { StringEquals: { "aws:PrincipalAccount": ACCOUNT } } }),
                    read({
                        Principal: "*",
                        Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/app-*` } },
                    }),
                    {
                        Effect: "Deny",
                        Principal: "*",
                        Action: "secretsmanager:*",
                        Resource: "*",
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ),
            ]);
            expect(findings(v, RULE)).to.deep.equal([]);
            expect(undecided(v, RULE)).to.deep.equal([]);
        });
        it(`fails * without a pin, a wildcard account in the principal or the pin, and an unpinned service in ${type}`, async () => {
            const v = await pack.analyze([
                at("star", read({ Principal: "*" })),
                at("any-root", read({ Principal: { AWS: "arn:aws:iam::*:root" } })),
                at(
                    "any-role",
                    read({ Principal: "*", Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/app" } } }),
                ),
                at("service", read({ Principal: { Service: "lambda.amazonaws.com" } })),
            ]);
            const f = findings(v, RULE);
            expect(f.map((x) => x.resourceName)).to.deep.equal(["star", "any-root", "any-role", "service"]);
            expect(f.every((x) => x.enforcementLevel === "mandatory")).to.equal(true);
            expect(f[0].urn).to.equal(urnOf(type, "star"));
            expect(f[0].message).to.include(
                `'star' must not allow a "*" principal without a condition pinning the caller (policy statement[0]): name the roles`,
            );
            expect(f[3].message).to.include('must not allow service principal "lambda.amazonaws.com"');
        });
    }
    it("passes a secret without a policy; undecided, never mandatory, on an unknown policy", async () => {
        const v = await pack.analyze([
            { type: FORMS[1][0], name: "plain", props: { name: "plain" } },
            { type: FORMS[0][0], name: "later", props: { ...FORMS[0][1], policy: PACK_UNKNOWN } },
        ]);
        expect(findings(v, RULE)).to.deep.equal([]);
        expect(undecided(v, RULE)).to.have.length(1);
    });
});

ruleCases("secretsmanager-secret-encrypted-cmk", [
    {
        it: "passes a secret on a customer-managed key",
        given: [
            {
                type: AWS_TYPES.secretsmanagerSecret,
                name: "s",
                props: { kmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/k1" },
            },
        ],
        flags: [],
    },
    {
        it: "fails a secret without kmsKeyId (the AWS-managed key)",
        given: [{ type: AWS_TYPES.secretsmanagerSecret, name: "s", props: { name: "s" } }],
        flags: ["s"],
        says: /alias\/aws\/secretsmanager/,
    },
    {
        it: "fails an explicit aws/secretsmanager alias",
        given: [{ type: AWS_TYPES.secretsmanagerSecret, name: "s", props: { kmsKeyId: "alias/aws/secretsmanager" } }],
        flags: ["s"],
    },
    {
        it: "counts an unknown key as customer-managed",
        given: [{ type: AWS_TYPES.secretsmanagerSecret, name: "s", props: { kmsKeyId: PACK_UNKNOWN } }],
        flags: [],
    },
]);
