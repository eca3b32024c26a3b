/**
 * DynamoDB rules: encryption with a customer-managed key, point-in-time recovery and deletion protection.
 */
import { bool, isSet, isUnknown, read, UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule } from "../lib/rule";
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
        const enabled = bool(read(table.props, "pointInTimeRecovery", "enabled") ?? read(table.props, "pointInTimeRecovery", 0, "enabled"));
        if (enabled === UNKNOWN) return ctx.undecided(table, "pointInTimeRecovery.enabled");
        if (enabled !== true) ctx.report(table, "must enable point-in-time recovery: set pointInTimeRecovery.enabled to true");
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
        if (enabled === UNKNOWN) return ctx.undecided(table, "deletionProtectionEnabled");
        if (enabled !== true) ctx.report(table, "must be protected from deletion: set deletionProtectionEnabled to true");
    },
});

export const rules: Rule[] = [
    dynamodbTableEncryptedCmk,
    dynamodbPitr,
    dynamodbDeletionProtection,
];
