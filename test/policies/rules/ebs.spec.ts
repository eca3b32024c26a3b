import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { ruleCases } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

const CMK = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const vol = (name: string, props: Record<string, unknown> = {}) => ({
    type: AWS_TYPES.ebsVolume,
    name,
    props: { id: `vol-${name}`, availabilityZone: "us-west-2a", size: 8, encrypted: true, kmsKeyId: CMK, ...props },
});

describe("EBS rules", () => {
    ruleCases("ebs-volume-encrypted", [
        { it: "passes an encrypted volume", given: [vol("v")], flags: [] },
        {
            it: "fails encrypted false and missing",
            given: [vol("v", { encrypted: false }), vol("w", { encrypted: undefined })],
            flags: ["v", "w"],
            says: /must be encrypted at rest/,
        },
        {
            it: "passes an unencrypted volume when the stack enables encryption by default (separate resource)",
            given: [
                vol("v", { encrypted: undefined }),
                { type: AWS_TYPES.ebsEncryptionByDefault, name: "ebs-default", props: {} },
            ],
            flags: [],
        },
        {
            it: "fails when the stack's default encryption is disabled",
            given: [
                vol("v", { encrypted: undefined }),
                { type: AWS_TYPES.ebsEncryptionByDefault, name: "ebs-default", props: { enabled: false } },
            ],
            flags: ["v"],
        },
        {
            it: "leaves a volume restored from a snapshot to the snapshot",
            given: [vol("v", { encrypted: undefined, snapshotId: "snap-1" })],
            flags: [],
        },
        { it: "is undecided on unknown", given: [vol("v", { encrypted: PACK_UNKNOWN })], flags: [], undecided: ["v"] },
        {
            it: "fails the AWS-managed key when a customer-managed one is required",
            given: [vol("v", { kmsKeyId: undefined })],
            flags: ["v"],
            config: { requireCustomerManagedKey: true },
        },
    ]);
    ruleCases("ebs-snapshot-copy-encrypted", [
        {
            it: "passes an encrypted copy",
            given: [
                {
                    type: AWS_TYPES.ebsSnapshotCopy,
                    name: "c",
                    props: { sourceSnapshotId: "snap-1", sourceRegion: "us-west-2", encrypted: true, kmsKeyId: CMK },
                },
            ],
            flags: [],
        },
        {
            it: "fails a copy of a snapshot of an unencrypted volume",
            given: [
                vol("v", { encrypted: false }),
                { type: AWS_TYPES.ebsSnapshot, name: "s", props: { id: "snap-1", volumeId: "vol-v" } },
                {
                    type: AWS_TYPES.ebsSnapshotCopy,
                    name: "c",
                    props: { sourceSnapshotId: "snap-1", sourceRegion: "us-west-2" },
                },
            ],
            flags: ["c"],
        },
        {
            it: "passes that copy when the stack enables encryption by default",
            given: [
                vol("v", { encrypted: false }),
                { type: AWS_TYPES.ebsSnapshot, name: "s", props: { id: "snap-1", volumeId: "vol-v" } },
                {
                    type: AWS_TYPES.ebsSnapshotCopy,
                    name: "c",
                    props: { sourceSnapshotId: "snap-1", sourceRegion: "us-west-2" },
                },
                { type: AWS_TYPES.ebsEncryptionByDefault, name: "d", props: { enabled: true } },
            ],
            flags: [],
        },
        {
            it: "leaves a copy of an outside snapshot alone",
            given: [
                {
                    type: AWS_TYPES.ebsSnapshotCopy,
                    name: "c",
                    props: { sourceSnapshotId: "snap-external", sourceRegion: "us-east-1" },
                },
            ],
            flags: [],
        },
    ]);
});
