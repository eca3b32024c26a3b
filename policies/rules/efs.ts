/**
 * EFS: file systems encrypted at rest, file-system policies not open to everyone (judged by the
 * pack's resource-policy analysis, lib via rules/s3.ts checkResourcePolicyNotPublic), and access
 * points that pin the root directory and the POSIX identity. EFS encryption can only be chosen
 * at creation; the provider's default for `encrypted` is false (the CreateFileSystem default).
 */
import { isSet, isUnknown, read, str, PACK_UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule } from "../lib/rule";
import { checkEncryptedAtRest, CMK_CONFIG, CmkConfig } from "../lib/stores";
import { AWS_TYPES } from "../lib/types";
import { checkResourcePolicyNotPublic } from "../lib/resource-policy";

export const fileSystemEncrypted = resourceRule<CmkConfig>({
    name: "efs-file-system-encrypted",
    description:
        "Checks that every EFS file system is encrypted at rest with KMS (encrypted true; the default is false and cannot be changed after creation). Mandatory.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    control: fsbp("EFS.1"),
    relatedControls: [fsbp("EFS.8")],
    remediationSteps:
        "Set `encrypted: true` and `kmsKeyId` to a customer-managed key; move the data to a new encrypted file system (AWS DataSync) for an existing one.",
    tags: ["efs", "encryption"],
    preview: "An unknown `encrypted` is undecided; an unknown kmsKeyId counts as customer-managed.",
    config: CMK_CONFIG,
    resourceTypes: [AWS_TYPES.efsFileSystem],
    check(r, ctx) {
        checkEncryptedAtRest(
            r,
            ctx,
            {
                path: "encrypted",
                absent: false,
                want: true,
                what: "be encrypted at rest",
                fix: "set encrypted to true (with kmsKeyId)",
            },
            "kmsKeyId",
            "alias/aws/elasticfilesystem",
        );
    },
});

export const fileSystemPolicyNotPublic = resourceRule({
    name: "efs-file-system-policy-not-public",
    description:
        "Checks that no EFS file-system policy (aws.efs.FileSystemPolicy) allows a `*` principal without a condition pinning the caller to fixed values (aws:PrincipalAccount, aws:PrincipalOrgID, aws:SourceVpc ...), nor a service principal without a confused-deputy condition. `elasticfilesystem:AccessedViaMountTarget` alone is not a pin: it admits any account's principal that reaches a mount target. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
        'Name the roles that mount the file system (`Principal: { AWS: [roleArn] }`), or pin `*` with `StringEquals: { "aws:PrincipalAccount": accountId }`; keep a Deny on aws:SecureTransport false.',
    tags: ["efs", "public-access"],
    rationale:
        "IAM authorization for NFS clients evaluates this policy; an open Allow makes the network path (security groups) the only guard.",
    preview: "A policy built from unknown outputs (the usual JSON string) is undecided at preview.",
    resourceTypes: [AWS_TYPES.efsFileSystemPolicy],
    check(r, ctx) {
        checkResourcePolicyNotPublic(
            r,
            ctx,
            r.props.policy,
            "policy",
            "name the roles that mount the file system or pin the caller with aws:PrincipalAccount",
            {
                servicePrincipals: true,
            },
        );
    },
});

export const accessPointRootDirectory = resourceRule({
    name: "efs-access-point-root-directory",
    description:
        "Checks that every EFS access point sets a root directory other than `/` (rootDirectory.path), so clients that mount through it see only their subtree. Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("EFS.3"),
    remediationSteps:
        'Set `rootDirectory: { path: "/app", creationInfo: { ownerUid, ownerGid, permissions: "750" } }`.',
    tags: ["efs", "least-privilege"],
    preview: "An unknown path is undecided.",
    resourceTypes: [AWS_TYPES.efsAccessPoint],
    check(r, ctx) {
        const path = str(read(r.props, "rootDirectory", "path"));
        if (path === PACK_UNKNOWN) return ctx.undecided(r, "rootDirectory.path");
        if (typeof path !== "string" || path === "" || path === "/") {
            ctx.report(
                r,
                `must confine clients to a directory (rootDirectory.path is ${path ? `"${path}"` : "unset, which means /"}): set rootDirectory.path`,
            );
        }
    },
});

export const accessPointUserIdentity = resourceRule({
    name: "efs-access-point-user-identity",
    description:
        "Checks that every EFS access point enforces a POSIX user identity (posixUser set), so every NFS request through it runs as that user. Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("EFS.4"),
    remediationSteps: "Set `posixUser: { uid: 1000, gid: 1000 }`.",
    tags: ["efs", "least-privilege"],
    preview: "An unknown posixUser counts as set.",
    resourceTypes: [AWS_TYPES.efsAccessPoint],
    check(r, ctx) {
        const user = r.props.posixUser;
        if (isUnknown(user) || isSet(user)) return;
        ctx.report(
            r,
            "must enforce a user identity (posixUser is unset, so clients choose their own uid): set posixUser { uid, gid }",
        );
    },
});

export const rules: Rule[] = [
    fileSystemEncrypted,
    fileSystemPolicyNotPublic,
    accessPointRootDirectory,
    accessPointUserIdentity,
];
