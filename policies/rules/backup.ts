/**
 * AWS Backup vaults: recovery points encrypted with a customer-managed key, and vault access
 * policies not open to everyone (the pack's resource-policy analysis, rules/s3.ts
 * checkResourcePolicyNotPublic). A vault without kmsKeyArn uses the AWS-managed aws/backup key;
 * a logically air-gapped vault without encryptionKeyArn an AWS-owned key.
 */
import { str, PACK_UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule } from "../lib/rule";
import { isAwsManagedKey } from "../lib/stores";
import { AWS_TYPES, typeSet } from "../lib/types";
import { checkResourcePolicyNotPublic } from "../lib/resource-policy";

const AIR_GAPPED = AWS_TYPES.backupLogicallyAirGappedVault;

export const vaultEncryptedCmk = resourceRule({
    name: "backup-vault-encrypted-cmk",
    description:
        "Checks that every AWS Backup vault (and logically air-gapped vault) encrypts the recovery points it holds with a customer-managed KMS key (kmsKeyArn / encryptionKeyArn set and not AWS-managed), so restores and copies are under a key policy you control. Advisory: the points are encrypted with an AWS-managed key otherwise; the strict config makes it mandatory.",
    enforcementLevel: "advisory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("Backup.1"),
    remediationSteps:
        "Set `kmsKeyArn` (or `encryptionKeyArn` on a logically air-gapped vault) to a customer-managed key.",
    tags: ["backup", "encryption"],
    preview: "An unknown key counts as customer-managed.",
    resourceTypes: [AWS_TYPES.backupVault, AIR_GAPPED],
    check(r, ctx) {
        const property = typeSet(AIR_GAPPED).has(r.type) ? "encryptionKeyArn" : "kmsKeyArn";
        const key = str(r.props[property]);
        if (key === PACK_UNKNOWN) return;
        if (typeof key === "string" && key !== "" && !isAwsManagedKey(key)) return;
        ctx.report(
            r,
            `must encrypt recovery points with a customer-managed KMS key (${property} is ${key ? `"${key}"` : "unset, so an AWS-managed key is used"}): set ${property}`,
        );
    },
});

export const vaultPolicyNotPublic = resourceRule({
    name: "backup-vault-policy-not-public",
    description:
        "Checks that no AWS Backup vault access policy (aws.backup.VaultPolicy) allows a `*` principal without a condition pinning the caller to fixed values, nor a service principal without a confused-deputy condition: another account could copy recovery points out or delete them. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
        'Name the accounts that copy into the vault (`Principal: { AWS: "arn:aws:iam::<account>:root" }`) or pin `*` with aws:PrincipalOrgID; add a Deny on backup:DeleteRecoveryPoint.',
    tags: ["backup", "public-access"],
    preview: "A policy built from unknown outputs is undecided at preview.",
    resourceTypes: [AWS_TYPES.backupVaultPolicy],
    check(r, ctx) {
        checkResourcePolicyNotPublic(
            r,
            ctx,
            r.props.policy,
            "policy",
            "name the accounts that use the vault or pin the caller with aws:PrincipalOrgID",
            { servicePrincipals: true },
        );
    },
});

export const rules: Rule[] = [vaultEncryptedCmk, vaultPolicyNotPublic];
