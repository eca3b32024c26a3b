/**
 * CloudWatch rules: log groups encrypted with a customer-managed key and keeping logs for a
 * configured range of days. The alarm rules live with what they watch (lambda.ts, apigateway.ts)
 * and share lib/alarms.ts.
 */
import { isSet, isUnknown, num, read, PACK_UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule } from "../lib/rule";
import { AWS_TYPES } from "../lib/types";

export const logGroupEncrypted = resourceRule({
    name: "cloudwatch-log-group-encrypted",
    description:
        "Checks that every CloudWatch log group is encrypted with a customer-managed KMS key (kmsKeyId set); set the level per stack in the policy-pack config.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    remediationSteps:
        "Set `kmsKeyId` to a customer-managed key whose policy grants `logs.<region>.amazonaws.com` (see kms-key-grants-logs).",
    tags: ["cloudwatch", "logs", "encryption"],
    rationale: "Logs carry request data; a customer-managed key lets you restrict and audit who reads them.",
    preview: "An unknown kmsKeyId counts as set.",
    resourceTypes: [AWS_TYPES.logGroup],
    check(r, ctx) {
        if (!isUnknown(r.props.kmsKeyId) && !isSet(r.props.kmsKeyId)) {
            ctx.report(r, "must be encrypted with a customer-managed key (kmsKeyId is unset): set kmsKeyId");
        }
    },
});

interface RetentionConfig {
    minimumDays: number;
    maximumDays: number;
}

export const logGroupRetention = resourceRule<RetentionConfig>({
    name: "cloudwatch-log-group-retention",
    description:
        "Checks that every CloudWatch log group sets retentionInDays within a configured range (default 365 to 3653 " +
        "days; CloudWatch.16 asks for at least a year). An unset retention keeps logs forever (cost, and personal data " +
        "kept without end). Advisory: the window is a policy decision; the strict config makes it mandatory.",
    enforcementLevel: "advisory",
    severity: "low",
    control: fsbp("CloudWatch.16"),
    remediationSteps: "Set retentionInDays to a value CloudWatch accepts within the range (e.g. 365).",
    tags: ["cloudwatch", "logging"],
    config: {
        minimumDays: { type: "integer", minimum: 1, default: 365, description: "Shortest retention accepted." },
        maximumDays: { type: "integer", minimum: 1, default: 3653, description: "Longest retention accepted." },
    },
    resourceTypes: [AWS_TYPES.logGroup],
    check(group, ctx) {
        const days = num(read(group.props, "retentionInDays"));
        const min = ctx.config.minimumDays ?? 365;
        const max = ctx.config.maximumDays ?? 3653;
        if (days === PACK_UNKNOWN) return ctx.undecided(group, "retentionInDays");
        if (days === undefined || days === 0) {
            return ctx.report(
                group,
                `must expire logs: retentionInDays is unset (kept forever); set it between ${min} and ${max}`,
            );
        }
        if (days < min || days > max)
            ctx.report(group, `must keep logs between ${min} and ${max} days: retentionInDays is ${days}`);
    },
});

export const rules: Rule[] = [logGroupEncrypted, logGroupRetention];
