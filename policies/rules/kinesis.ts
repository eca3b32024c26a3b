/**
 * Kinesis rules: server-side encryption with KMS, and retention long enough to replay after a consumer failure.
 */
import { isSet, isUnknown, num, read, str, PACK_UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule } from "../lib/rule";
import { AWS_TYPES } from "../lib/types";

export const kinesisStreamEncrypted = resourceRule({
    name: "kinesis-stream-encrypted",
    description:
        "Checks that every Kinesis data stream uses server-side encryption with KMS (encryptionType KMS and kmsKeyId set).",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("Kinesis.1"),
    remediationSteps: 'Set `encryptionType: "KMS"` and `kmsKeyId` to a customer-managed key (or alias/aws/kinesis).',
    tags: ["kinesis", "encryption"],
    preview: "Unknown encryptionType is undecided.",
    resourceTypes: [AWS_TYPES.kinesisStream],
    check(r, ctx) {
        const type = str(r.props.encryptionType);
        if (type === PACK_UNKNOWN) return ctx.undecided(r, "encryptionType");
        if (typeof type !== "string" || type.toUpperCase() !== "KMS") {
            return ctx.report(
                r,
                `must be encrypted with KMS (encryptionType is ${type ?? "unset"}): set encryptionType "KMS" and kmsKeyId`,
            );
        }
        if (!isUnknown(r.props.kmsKeyId) && !isSet(r.props.kmsKeyId)) {
            ctx.report(r, "must name its KMS key (kmsKeyId is empty): set kmsKeyId to a customer-managed key");
        }
    },
});

export const kinesisRetention = resourceRule<{ minimumRetentionHours: number }>({
    name: "kinesis-stream-retention-period",
    description:
        "Checks that a Kinesis data stream keeps records for at least the configured hours (default 168, as Kinesis.3 " +
        "does; the service default is 24), so a consumer that fails over a weekend can replay instead of losing data. " +
        "Advisory: longer retention costs money and the right window is a product decision.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("Kinesis.3"),
    remediationSteps: "Set retentionPeriod (hours) to at least the configured minimum, e.g. 168.",
    tags: ["kinesis", "resilience"],
    config: {
        minimumRetentionHours: {
            type: "integer",
            minimum: 24,
            maximum: 8760,
            default: 168,
            description: "Minimum retentionPeriod.",
        },
    },
    resourceTypes: [AWS_TYPES.kinesisStream],
    check(stream, ctx) {
        const hours = num(read(stream.props, "retentionPeriod"));
        const minimum = ctx.config.minimumRetentionHours ?? 168;
        if (hours === PACK_UNKNOWN) return ctx.undecided(stream, "retentionPeriod");
        const effective = hours ?? 24;
        if (effective < minimum) {
            ctx.report(
                stream,
                `must retain records for at least ${minimum} hours: retentionPeriod is ${effective}; raise it`,
            );
        }
    },
});

export const rules: Rule[] = [kinesisStreamEncrypted, kinesisRetention];
