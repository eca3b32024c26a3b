/**
 * EBS volumes and snapshot copies encrypted at rest. A volume is encrypted when it says so
 * (`encrypted`, false by default), when it is created from an encrypted snapshot, or when the
 * stack turns on EBS encryption by default (aws.ebs.EncryptionByDefault; ec2 rules judge that
 * declaration and the volumes of instances and launch templates). Account-level default
 * encryption set outside the stack is not visible to the pack: such a stack declares it, or
 * sets `encrypted`, to pass.
 */
import { isSet, isUnknown, PACK_UNKNOWN } from "../lib/props";
import { fsbp, Rule, stackRule } from "../lib/rule";
import {
    checkCustomerManagedKey,
    checkEncryptedAtRest,
    CMK_CONFIG,
    CmkConfig,
    ebsEncryptedByDefault,
} from "../lib/stores";
import { AWS_TYPES } from "../lib/types";

export const volumeEncrypted = stackRule<CmkConfig>({
    name: "ebs-volume-encrypted",
    description:
        "Checks that every EBS volume is encrypted at rest: `encrypted` true (false by default), or the stack enables EBS encryption by default (aws.ebs.EncryptionByDefault). A volume restored from a snapshot (snapshotId) inherits the snapshot's encryption and is not judged. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    control: fsbp("EC2.3"),
    remediationSteps:
        'Set `encrypted: true` and `kmsKeyId` to a customer-managed key, or declare `new aws.ebs.EncryptionByDefault("ebs", { enabled: true })`.',
    tags: ["ebs", "encryption"],
    preview:
        "An unknown `encrypted`, snapshotId or default-encryption switch is undecided; an unknown kmsKeyId counts as customer-managed.",
    config: CMK_CONFIG,
    check(stack, ctx) {
        const byDefault = ebsEncryptedByDefault(stack.index);
        for (const v of stack.index.ofType(AWS_TYPES.ebsVolume)) {
            ctx.guard(v, () => {
                if (isUnknown(v.props.snapshotId) || isSet(v.props.snapshotId)) return;
                if (v.props.encrypted !== true && v.props.encrypted !== "true") {
                    if (byDefault === true) return checkCustomerManagedKey(v, ctx, "kmsKeyId", "alias/aws/ebs");
                    if (byDefault === PACK_UNKNOWN) return ctx.undecided(v, "EncryptionByDefault enabled");
                }
                checkEncryptedAtRest(
                    v,
                    ctx,
                    {
                        path: "encrypted",
                        absent: false,
                        want: true,
                        what: "be encrypted at rest",
                        fix: "set encrypted to true (with kmsKeyId) or enable aws.ebs.EncryptionByDefault",
                    },
                    "kmsKeyId",
                    "alias/aws/ebs",
                );
            });
        }
    },
});

export const snapshotCopyEncrypted = stackRule({
    name: "ebs-snapshot-copy-encrypted",
    description:
        "Checks that every EBS snapshot copy is encrypted: `encrypted` true or kmsKeyId set, or the stack enables EBS encryption by default, or its source snapshot in the stack (aws.ebs.Snapshot) is of an encrypted volume. A copy of a source outside the stack without `encrypted` is not judged (the source is not visible). Mandatory.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    remediationSteps: "Set `encrypted: true` and `kmsKeyId` to a customer-managed key on the aws.ebs.SnapshotCopy.",
    tags: ["ebs", "encryption"],
    preview: "An unknown `encrypted`, source reference or source volume is undecided.",
    check(stack, ctx) {
        const index = stack.index;
        const byDefault = ebsEncryptedByDefault(index);
        for (const copy of index.ofType(AWS_TYPES.ebsSnapshotCopy)) {
            ctx.guard(copy, () => {
                const enc = copy.props.encrypted;
                if (isUnknown(enc) || enc === true || enc === "true") return;
                if (isUnknown(copy.props.kmsKeyId) || isSet(copy.props.kmsKeyId)) return;
                if (byDefault === true) return;
                if (byDefault === PACK_UNKNOWN) return ctx.undecided(copy, "EncryptionByDefault enabled");
                const sources = index.refersTo(copy, "sourceSnapshotId", AWS_TYPES.ebsSnapshot);
                if (sources === PACK_UNKNOWN) return ctx.undecided(copy, "sourceSnapshotId");
                if (sources.length === 0) return;
                const snapshot = sources[0];
                if (snapshot.props.encrypted === true) return;
                const volumes = index.refersTo(snapshot, "volumeId", AWS_TYPES.ebsVolume);
                if (volumes === PACK_UNKNOWN) return ctx.undecided(copy, "volume of the source snapshot");
                const volume = volumes[0];
                if (!volume && snapshot.props.encrypted === undefined) return;
                if (volume && (isUnknown(volume.props.encrypted) || volume.props.encrypted === true)) return;
                ctx.report(
                    copy,
                    `must be encrypted (its source snapshot '${snapshot.name}' is unencrypted and encrypted is not true): set encrypted to true with kmsKeyId`,
                );
            });
        }
    },
});

export const rules: Rule[] = [volumeEncrypted, snapshotCopyEncrypted];
