/**
 * Secrets Manager: no secret whose resource policy is open to everyone. The policy is either the
 * secret's inline `policy` or a separate aws.secretsmanager.SecretPolicy; both are judged, each on
 * the resource that holds the document. "Open" is read as for bucket policies
 * (lib/resource-policy.ts, checkResourcePolicyNotPublic), service principals included.
 */
import { checkResourcePolicyNotPublic } from "../lib/resource-policy";
import { resourceRule, Rule } from "../lib/rule";
import { checkCustomerManagedKey } from "../lib/stores";
import { AWS_TYPES } from "../lib/types";

export const secretPolicyNotPublic = resourceRule({
    name: "secretsmanager-secret-policy-not-public",
    description:
        "Checks that no Secrets Manager secret policy (aws.secretsmanager.SecretPolicy or the secret's inline `policy`) " +
        "allows a `*` principal without a condition pinning the caller to fixed values (aws:PrincipalAccount, " +
        "aws:PrincipalOrgID, aws:PrincipalArn of one account ...), nor a service principal without a confused-deputy " +
        "condition (aws:SourceArn, aws:SourceAccount, aws:SourceOrgID, aws:SourceOrgPaths): a public secret policy " +
        "lets any AWS account read the secret. Mandatory. FSBP has no control for it (SecretsManager.1-4 judge " +
        "rotation and use); Secrets Manager's own guard is blockPublicPolicy on the SecretPolicy.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
        'Name the reading roles (`Principal: { AWS: [roleArn] }`), or pin `*` with `StringEquals: { "aws:PrincipalAccount": accountId }`; ' +
        "set blockPublicPolicy: true on the aws.secretsmanager.SecretPolicy so Secrets Manager refuses a public policy too.",
    tags: ["secretsmanager", "public-access"],
    rationale:
        "A secret's value is the credential itself: once a policy admits another account it can be read without trace in this account's IAM. blockPublicPolicy makes the deployment fail instead, which this rule reports before it runs.",
    preview: "A policy built from unknown outputs (the usual JSON string) is undecided at preview.",
    resourceTypes: [AWS_TYPES.secretsmanagerSecret, AWS_TYPES.secretsmanagerSecretPolicy],
    check(r, ctx) {
        checkResourcePolicyNotPublic(
            r,
            ctx,
            r.props.policy,
            "policy",
            "name the roles that read the secret or pin the caller with aws:PrincipalAccount",
            { servicePrincipals: true },
        );
    },
});

export const secretEncryptedCmk = resourceRule({
    name: "secretsmanager-secret-encrypted-cmk",
    description:
        "Checks that every Secrets Manager secret is encrypted with a customer-managed KMS key (kmsKeyId set and not alias/aws/secretsmanager): on the AWS-managed key any principal of the account with secretsmanager:GetSecretValue reads it, and no key policy can narrow that or grant another account. Mandatory, as for the project's own secret.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    remediationSteps:
        "Set `kmsKeyId` to a customer-managed key whose policy lets the reading roles kms:Decrypt (with kms:ViaService secretsmanager.<region>.amazonaws.com).",
    tags: ["secretsmanager", "encryption"],
    preview: "An unknown kmsKeyId counts as customer-managed.",
    resourceTypes: [AWS_TYPES.secretsmanagerSecret],
    check(r, ctx) {
        checkCustomerManagedKey(r, ctx, "kmsKeyId", "alias/aws/secretsmanager", true);
    },
});

export const rules: Rule[] = [secretPolicyNotPublic, secretEncryptedCmk];
