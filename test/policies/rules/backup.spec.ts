import { doc, ruleCases } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

const CMK = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ARN = "arn:aws:backup:us-west-2:123456789012:backup-vault:v";

describe("AWS Backup rules", () => {
    ruleCases("backup-vault-encrypted-cmk", [
        {
            it: "passes a customer-managed key",
            given: [
                { type: AWS_TYPES.backupVault, name: "v", props: { kmsKeyArn: CMK } },
                {
                    type: AWS_TYPES.backupLogicallyAirGappedVault,
                    name: "g",
                    props: { encryptionKeyArn: CMK, minRetentionDays: 7, maxRetentionDays: 35 },
                },
            ],
            flags: [],
        },
        {
            it: "fails the AWS-managed default on both vault types",
            given: [
                { type: AWS_TYPES.backupVault, name: "v", props: {} },
                {
                    type: AWS_TYPES.backupLogicallyAirGappedVault,
                    name: "g",
                    props: { minRetentionDays: 7, maxRetentionDays: 35 },
                },
            ],
            flags: ["v", "g"],
        },
        {
            it: "fails an aws/backup alias",
            given: [
                {
                    type: AWS_TYPES.backupVault,
                    name: "v",
                    props: { kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:alias/aws/backup" },
                },
            ],
            flags: ["v"],
        },
    ]);
    ruleCases("backup-vault-policy-not-public", [
        {
            it: "passes a policy naming an account",
            given: [
                {
                    type: AWS_TYPES.backupVaultPolicy,
                    name: "p",
                    props: {
                        backupVaultName: "v",
                        policy: doc({
                            Effect: "Allow",
                            Principal: { AWS: "arn:aws:iam::210987654321:root" },
                            Action: "backup:CopyIntoBackupVault",
                            Resource: ARN,
                        }),
                    },
                },
            ],
            flags: [],
        },
        {
            it: "fails an unpinned *",
            given: [
                {
                    type: AWS_TYPES.backupVaultPolicy,
                    name: "p",
                    props: {
                        backupVaultName: "v",
                        policy: doc({
                            Effect: "Allow",
                            Principal: "*",
                            Action: "backup:CopyIntoBackupVault",
                            Resource: ARN,
                        }),
                    },
                },
            ],
            flags: ["p"],
        },
        {
            it: "passes a Deny to *",
            given: [
                {
                    type: AWS_TYPES.backupVaultPolicy,
                    name: "p",
                    props: {
                        backupVaultName: "v",
                        policy: doc({
                            Effect: "Deny",
                            Principal: "*",
                            Action: "backup:DeleteRecoveryPoint",
                            Resource: ARN,
                        }),
                    },
                },
            ],
            flags: [],
        },
    ]);
});
