/**
 * Amazon DocumentDB clusters: storage encrypted (the provider's default storageEncrypted is
 * false), TLS left on in the cluster parameter group when the group is in the stack (DocumentDB's
 * `tls` parameter defaults to enabled), and the FSBP resilience and audit switches.
 */
import { PACK_UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule, stackRule } from "../lib/rule";
import {
    checkAuditLogExported,
    checkBackupRetentionWeek,
    checkRdsStorageEncrypted,
    checkSwitch,
    CMK_CONFIG,
    CmkConfig,
    DELETION_PROTECTION,
    parameterGroupOf,
    parameterValue,
} from "../lib/stores";
import { AWS_TYPES } from "../lib/types";

export const clusterEncrypted = resourceRule<CmkConfig>({
    name: "docdb-cluster-encrypted",
    description:
        "Checks that every DocumentDB cluster encrypts its storage (storageEncrypted true; the default is false and cannot be changed after creation). Mandatory.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    control: fsbp("DocumentDB.1"),
    remediationSteps:
        "Set `storageEncrypted: true` and `kmsKeyId` to a customer-managed key (an existing cluster: restore an encrypted snapshot copy).",
    tags: ["docdb", "encryption"],
    preview: "An unknown storageEncrypted is undecided; an unknown kmsKeyId counts as customer-managed.",
    config: CMK_CONFIG,
    resourceTypes: [AWS_TYPES.docdbCluster],
    check(r, ctx) {
        checkRdsStorageEncrypted(r, ctx, "kmsKeyId");
    },
});

export const clusterTlsRequired = stackRule({
    name: "docdb-cluster-tls-required",
    description:
        "Checks that the cluster parameter group of every DocumentDB cluster, when that group is in the stack, keeps TLS on (`tls` enabled, the default; `disabled` accepts clear-text connections). Mandatory.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    remediationSteps:
        'Remove `{ name: "tls", value: "disabled" }` from the group\'s parameters (or set it to "enabled").',
    tags: ["docdb", "encryption", "in-transit"],
    preview: "An unknown group reference or parameter leaves it undecided.",
    check(stack, ctx) {
        for (const cluster of stack.index.ofType(AWS_TYPES.docdbCluster)) {
            ctx.guard(cluster, () => {
                const group = parameterGroupOf(
                    stack.index,
                    cluster,
                    "dbClusterParameterGroupName",
                    AWS_TYPES.docdbClusterParameterGroup,
                );
                if (group === PACK_UNKNOWN) return ctx.undecided(cluster, "dbClusterParameterGroupName");
                if (!group) return;
                const value = parameterValue(group.props.parameters, "tls");
                if (value === PACK_UNKNOWN) return ctx.undecided(group, "parameters tls");
                if (value !== undefined && value.trim().toLowerCase() === "disabled") {
                    ctx.report(
                        group,
                        `must keep TLS on for '${cluster.name}' (tls is "disabled"): set tls to "enabled"`,
                    );
                }
            });
        }
    },
});

export const clusterDeletionProtection = resourceRule({
    name: "docdb-cluster-deletion-protection",
    description: "Checks that every DocumentDB cluster has deletionProtection true (the default is false). Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("DocumentDB.5"),
    remediationSteps: "Set `deletionProtection: true`.",
    tags: ["docdb", "resilience"],
    preview: "An unknown switch is undecided.",
    resourceTypes: [AWS_TYPES.docdbCluster],
    check(r, ctx) {
        checkSwitch(r, ctx, DELETION_PROTECTION);
    },
});

export const clusterBackupRetention = resourceRule({
    name: "docdb-cluster-backup-retention",
    description:
        "Checks that every DocumentDB cluster keeps automated backups at least 7 days (backupRetentionPeriod; the default is 1). Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("DocumentDB.2"),
    remediationSteps: "Set `backupRetentionPeriod` to 7 or more.",
    tags: ["docdb", "backup", "resilience"],
    preview: "An unknown period is undecided.",
    resourceTypes: [AWS_TYPES.docdbCluster],
    check(r, ctx) {
        checkBackupRetentionWeek(r, ctx);
    },
});

export const clusterAuditLogs = resourceRule({
    name: "docdb-cluster-audit-logs",
    description:
        'Checks that every DocumentDB cluster exports audit logs to CloudWatch Logs (enabledCloudwatchLogsExports contains "audit"; audit_logs must also be enabled in its parameter group). Advisory.',
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("DocumentDB.4"),
    remediationSteps: 'Add "audit" to `enabledCloudwatchLogsExports` and set the parameter audit_logs to enabled.',
    tags: ["docdb", "logging"],
    preview: "An unknown export list is undecided.",
    resourceTypes: [AWS_TYPES.docdbCluster],
    check(r, ctx) {
        checkAuditLogExported(r, ctx, "enabledCloudwatchLogsExports");
    },
});

export const rules: Rule[] = [
    clusterEncrypted,
    clusterTlsRequired,
    clusterDeletionProtection,
    clusterBackupRetention,
    clusterAuditLogs,
];
