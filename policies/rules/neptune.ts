/**
 * Amazon Neptune clusters: storage encrypted (the provider's default storageEncrypted is false),
 * IAM database authentication, and the FSBP resilience and audit switches.
 */
import { fsbp, resourceRule, Rule } from "../lib/rule";
import {
    checkAuditLogExported,
    checkBackupRetentionWeek,
    checkRdsStorageEncrypted,
    checkSwitch,
    CMK_CONFIG,
    CmkConfig,
    DELETION_PROTECTION,
} from "../lib/stores";
import { AWS_TYPES } from "../lib/types";

export const clusterEncrypted = resourceRule<CmkConfig>({
    name: "neptune-cluster-encrypted",
    description:
        "Checks that every Neptune cluster encrypts its storage (storageEncrypted true; the default is false and cannot be changed after creation). Mandatory.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    control: fsbp("Neptune.1"),
    remediationSteps: "Set `storageEncrypted: true` and `kmsKeyArn` to a customer-managed key.",
    tags: ["neptune", "encryption"],
    preview: "An unknown storageEncrypted is undecided; an unknown kmsKeyArn counts as customer-managed.",
    config: CMK_CONFIG,
    resourceTypes: [AWS_TYPES.neptuneCluster],
    check(r, ctx) {
        checkRdsStorageEncrypted(r, ctx, "kmsKeyArn");
    },
});

export const clusterDeletionProtection = resourceRule({
    name: "neptune-cluster-deletion-protection",
    description: "Checks that every Neptune cluster has deletionProtection true (the default is false). Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("Neptune.4"),
    remediationSteps: "Set `deletionProtection: true`.",
    tags: ["neptune", "resilience"],
    preview: "An unknown switch is undecided.",
    resourceTypes: [AWS_TYPES.neptuneCluster],
    check(r, ctx) {
        checkSwitch(r, ctx, DELETION_PROTECTION);
    },
});

export const clusterIamAuth = resourceRule({
    name: "neptune-cluster-iam-auth",
    description:
        "Checks that every Neptune cluster requires IAM database authentication (iamDatabaseAuthenticationEnabled; otherwise any client that reaches the endpoint may query the graph). Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("Neptune.7"),
    remediationSteps:
        "Set `iamDatabaseAuthenticationEnabled: true` and grant `neptune-db:*` actions to the roles that query.",
    tags: ["neptune", "identity"],
    preview: "An unknown switch is undecided.",
    resourceTypes: [AWS_TYPES.neptuneCluster],
    check(r, ctx) {
        checkSwitch(r, ctx, {
            path: "iamDatabaseAuthenticationEnabled",
            absent: false,
            want: true,
            what: "require IAM database authentication",
            fix: "set iamDatabaseAuthenticationEnabled to true",
        });
    },
});

export const clusterAuditLogs = resourceRule({
    name: "neptune-cluster-audit-logs",
    description:
        'Checks that every Neptune cluster exports audit logs to CloudWatch Logs (enableCloudwatchLogsExports contains "audit"). Advisory.',
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("Neptune.2"),
    remediationSteps:
        'Add "audit" to `enableCloudwatchLogsExports` (and set neptune_enable_audit_log to 1 in the cluster parameter group).',
    tags: ["neptune", "logging"],
    preview: "An unknown export list is undecided.",
    resourceTypes: [AWS_TYPES.neptuneCluster],
    check(r, ctx) {
        checkAuditLogExported(r, ctx, "enableCloudwatchLogsExports");
    },
});

export const clusterBackupRetention = resourceRule({
    name: "neptune-cluster-backup-retention",
    description:
        "Checks that every Neptune cluster keeps automated backups at least 7 days (backupRetentionPeriod; the default is 1). Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("Neptune.5"),
    remediationSteps: "Set `backupRetentionPeriod` to 7 or more.",
    tags: ["neptune", "backup", "resilience"],
    preview: "An unknown period is undecided.",
    resourceTypes: [AWS_TYPES.neptuneCluster],
    check(r, ctx) {
        checkBackupRetentionWeek(r, ctx);
    },
});

export const rules: Rule[] = [
    clusterEncrypted,
    clusterDeletionProtection,
    clusterIamAuth,
    clusterAuditLogs,
    clusterBackupRetention,
];
