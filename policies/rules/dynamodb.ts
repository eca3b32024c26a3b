/** DynamoDB rules: point-in-time recovery and deletion protection. */
import { bool, read, UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule } from "../lib/rule";

const TABLE = "aws:dynamodb/table:Table";

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
    resourceTypes: [TABLE],
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
    resourceTypes: [TABLE],
    check(table, ctx) {
        const enabled = bool(read(table.props, "deletionProtectionEnabled"));
        if (enabled === UNKNOWN) return ctx.undecided(table, "deletionProtectionEnabled");
        if (enabled !== true) ctx.report(table, "must be protected from deletion: set deletionProtectionEnabled to true");
    },
});

export const rules: Rule[] = [dynamodbPitr, dynamodbDeletionProtection];
