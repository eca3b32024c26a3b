import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { ruleCases } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

const CMK = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const c = (name: string, props: Record<string, unknown> = {}) => ({
    type: AWS_TYPES.docdbCluster,
    name,
    props: {
        clusterIdentifier: name,
        storageEncrypted: true,
        kmsKeyId: CMK,
        deletionProtection: true,
        backupRetentionPeriod: 7,
        enabledCloudwatchLogsExports: ["audit"],
        ...props,
    },
});

describe("DocumentDB rules", () => {
    ruleCases("docdb-cluster-encrypted", [
        { it: "passes an encrypted cluster", given: [c("d")], flags: [] },
        {
            it: "fails storageEncrypted false or missing",
            given: [c("d", { storageEncrypted: false }), c("e", { storageEncrypted: undefined })],
            flags: ["d", "e"],
        },
        {
            it: "is undecided on unknown",
            given: [c("d", { storageEncrypted: PACK_UNKNOWN })],
            flags: [],
            undecided: ["d"],
        },
        {
            it: "fails the AWS-managed key when a customer-managed one is required",
            given: [c("d", { kmsKeyId: undefined })],
            flags: ["d"],
            config: { requireCustomerManagedKey: true },
        },
    ]);
    ruleCases("docdb-cluster-tls-required", [
        {
            it: "passes tls enabled and a group without the parameter (default enabled)",
            given: [
                c("d", { dbClusterParameterGroupName: "g" }),
                {
                    type: AWS_TYPES.docdbClusterParameterGroup,
                    name: "g",
                    props: { name: "g", family: "docdb5.0", parameters: [{ name: "tls", value: "enabled" }] },
                },
            ],
            flags: [],
        },
        {
            it: "fails tls disabled",
            given: [
                c("d", { dbClusterParameterGroupName: "g" }),
                {
                    type: AWS_TYPES.docdbClusterParameterGroup,
                    name: "g",
                    props: { name: "g", family: "docdb5.0", parameters: [{ name: "tls", value: "disabled" }] },
                },
            ],
            flags: ["g"],
            says: /must keep TLS on for 'd'/,
        },
    ]);
    ruleCases("docdb-cluster-deletion-protection", [
        { it: "passes it on", given: [c("d")], flags: [] },
        { it: "fails it missing", given: [c("d", { deletionProtection: undefined })], flags: ["d"] },
    ]);
    ruleCases("docdb-cluster-backup-retention", [
        { it: "passes 7 days", given: [c("d")], flags: [] },
        {
            it: "fails 1 day and the default",
            given: [c("d", { backupRetentionPeriod: 1 }), c("e", { backupRetentionPeriod: undefined })],
            flags: ["d", "e"],
        },
    ]);
    ruleCases("docdb-cluster-audit-logs", [
        { it: "passes audit exports", given: [c("d")], flags: [] },
        {
            it: "fails without audit",
            given: [
                c("d", { enabledCloudwatchLogsExports: ["profiler"] }),
                c("e", { enabledCloudwatchLogsExports: undefined }),
            ],
            flags: ["d", "e"],
        },
    ]);
});
