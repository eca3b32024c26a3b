/**
 * DynamoDB rules: encryption with a customer-managed key, point-in-time recovery and deletion protection.
 */
import { bool, isSet, isUnknown, read, str, PACK_UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule } from "../lib/rule";
import { checkSwitch } from "../lib/stores";
import { AWS_TYPES } from "../lib/types";

export const dynamodbTableEncryptedCmk = resourceRule({
    name: "dynamodb-table-encrypted-cmk",
    description:
        "Checks that every DynamoDB table is encrypted with a customer-managed KMS key (serverSideEncryption.enabled true and kmsKeyArn set), not the AWS-owned default key.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    remediationSteps: "Set `serverSideEncryption: { enabled: true, kmsKeyArn: key.arn }` with a customer-managed key.",
    tags: ["dynamodb", "encryption"],
    rationale: "Only a customer-managed key puts reads of the table's data under a key policy you control and audit.",
    preview: "Unknown `enabled` is undecided; an unknown kmsKeyArn counts as set.",
    resourceTypes: [AWS_TYPES.dynamodbTable],
    check(r, ctx) {
        const enabled = read(r.props, "serverSideEncryption", "enabled");
        if (isUnknown(enabled)) return ctx.undecided(r, "serverSideEncryption.enabled");
        const key = read(r.props, "serverSideEncryption", "kmsKeyArn");
        if (enabled !== true && enabled !== "true") {
            return ctx.report(
                r,
                "must be encrypted with a customer-managed key (serverSideEncryption.enabled is not true): set serverSideEncryption { enabled: true, kmsKeyArn }",
            );
        }
        if (!isUnknown(key) && !isSet(key)) {
            ctx.report(
                r,
                "must name its customer-managed key (serverSideEncryption.kmsKeyArn is empty, so DynamoDB uses the AWS managed key): set kmsKeyArn",
            );
        }
    },
});

export const dynamodbPitr = resourceRule({
    name: "dynamodb-table-pitr-enabled",
    description:
        "Checks that a DynamoDB table has point-in-time recovery on (pointInTimeRecovery.enabled), so a bad write or " +
        "a deleted item can be restored to any second of the last 35 days. Mandatory: the table holds the app's data.",
    enforcementLevel: "mandatory",
    severity: "medium",
    control: fsbp("DynamoDB.2"),
    remediationSteps: "Set pointInTimeRecovery: { enabled: true }.",
    tags: ["dynamodb", "backup", "resilience"],
    resourceTypes: [AWS_TYPES.dynamodbTable],
    check(table, ctx) {
        const enabled = bool(
            read(table.props, "pointInTimeRecovery", "enabled") ??
                read(table.props, "pointInTimeRecovery", 0, "enabled"),
        );
        if (enabled === PACK_UNKNOWN) return ctx.undecided(table, "pointInTimeRecovery.enabled");
        if (enabled !== true)
            ctx.report(table, "must enable point-in-time recovery: set pointInTimeRecovery.enabled to true");
    },
});

export const dynamodbDeletionProtection = resourceRule({
    name: "dynamodb-table-deletion-protection",
    description:
        "Checks that a DynamoDB table has deletionProtectionEnabled, so neither a mistaken `pulumi destroy` nor a " +
        "replacement deletes it. Advisory: the program makes it configurable (sandbox stacks turn it off); the strict " +
        "config makes it mandatory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("DynamoDB.6"),
    remediationSteps: "Set deletionProtectionEnabled: true (and protect: true on the resource).",
    tags: ["dynamodb", "resilience"],
    resourceTypes: [AWS_TYPES.dynamodbTable],
    check(table, ctx) {
        const enabled = bool(read(table.props, "deletionProtectionEnabled"));
        if (enabled === PACK_UNKNOWN) return ctx.undecided(table, "deletionProtectionEnabled");
        if (enabled !== true)
            ctx.report(table, "must be protected from deletion: set deletionProtectionEnabled to true");
    },
});

export const daxClusterEncrypted = resourceRule({
    name: "dynamodb-dax-cluster-encrypted",
    description:
        "Checks that every DynamoDB Accelerator (DAX) cluster encrypts its cache at rest (serverSideEncryption.enabled; false when absent, and fixed at creation). Mandatory: the cache holds copies of table items.",
    enforcementLevel: "mandatory",
    severity: "high",
    control: fsbp("DynamoDB.3"),
    constraint: "encryption-on",
    remediationSteps: "Set `serverSideEncryption: { enabled: true }` (a new cluster).",
    tags: ["dynamodb", "encryption"],
    preview: "An unknown switch is undecided.",
    resourceTypes: [AWS_TYPES.daxCluster],
    check(r, ctx) {
        checkSwitch(r, ctx, {
            path: "serverSideEncryption.enabled",
            absent: false,
            want: true,
            what: "encrypt its cache at rest",
            fix: "set serverSideEncryption { enabled: true }",
        });
    },
});

export const daxClusterTls = resourceRule({
    name: "dynamodb-dax-cluster-tls",
    description:
        "Checks that every DAX cluster encrypts client connections (clusterEndpointEncryptionType TLS; the default NONE serves items in clear text). Mandatory.",
    enforcementLevel: "mandatory",
    severity: "high",
    control: fsbp("DynamoDB.7"),
    constraint: "encryption-on",
    remediationSteps: 'Set `clusterEndpointEncryptionType: "TLS"` (a new cluster).',
    tags: ["dynamodb", "encryption", "in-transit"],
    preview: "An unknown value is undecided.",
    resourceTypes: [AWS_TYPES.daxCluster],
    check(r, ctx) {
        const type = str(r.props.clusterEndpointEncryptionType);
        if (type === PACK_UNKNOWN) return ctx.undecided(r, "clusterEndpointEncryptionType");
        if (type !== "TLS")
            ctx.report(
                r,
                `must encrypt client connections (clusterEndpointEncryptionType is ${type ? `"${type}"` : "unset, which means NONE"}): set it to "TLS"`,
            );
    },
});

export const rules: Rule[] = [
    dynamodbTableEncryptedCmk,
    dynamodbPitr,
    dynamodbDeletionProtection,
    daxClusterEncrypted,
    daxClusterTls,
];
