import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { ruleCases } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

const CMK = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const c = (name: string, props: Record<string, unknown> = {}) => ({
    type: AWS_TYPES.neptuneCluster,
    name,
    props: {
        storageEncrypted: true,
        kmsKeyArn: CMK,
        deletionProtection: true,
        iamDatabaseAuthenticationEnabled: true,
        enableCloudwatchLogsExports: ["audit"],
        backupRetentionPeriod: 7,
        ...props,
    },
});

describe("Neptune rules", () => {
    ruleCases("neptune-cluster-encrypted", [
        { it: "passes an encrypted cluster", given: [c("n")], flags: [] },
        {
            it: "fails storageEncrypted false or missing",
            given: [c("n", { storageEncrypted: false }), c("m", { storageEncrypted: undefined })],
            flags: ["n", "m"],
        },
        {
            it: "is undecided on unknown",
            given: [c("n", { storageEncrypted: PACK_UNKNOWN })],
            flags: [],
            undecided: ["n"],
        },
        {
            it: "fails a missing key when a customer-managed one is required",
            given: [c("n", { kmsKeyArn: undefined })],
            flags: ["n"],
            config: { requireCustomerManagedKey: true },
        },
    ]);
    ruleCases("neptune-cluster-deletion-protection", [
        { it: "passes it on", given: [c("n")], flags: [] },
        { it: "fails it off", given: [c("n", { deletionProtection: false })], flags: ["n"] },
    ]);
    ruleCases("neptune-cluster-iam-auth", [
        { it: "passes it on", given: [c("n")], flags: [] },
        { it: "fails it missing", given: [c("n", { iamDatabaseAuthenticationEnabled: undefined })], flags: ["n"] },
    ]);
    ruleCases("neptune-cluster-audit-logs", [
        { it: "passes audit exports", given: [c("n")], flags: [] },
        { it: "fails without", given: [c("n", { enableCloudwatchLogsExports: [] })], flags: ["n"] },
    ]);
    ruleCases("neptune-cluster-backup-retention", [
        { it: "passes 7 days", given: [c("n")], flags: [] },
        { it: "fails the default 1", given: [c("n", { backupRetentionPeriod: undefined })], flags: ["n"] },
    ]);
});
