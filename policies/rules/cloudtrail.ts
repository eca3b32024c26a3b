/**
 * CloudTrail trails: log files encrypted with KMS (SSE-KMS; CloudTrail accepts only a
 * customer-managed key, whose policy must let cloudtrail.amazonaws.com use it), log-file
 * validation, multi-region coverage and delivery to CloudWatch Logs. Defaults from the
 * provider's documentation (node_modules/@pulumi/aws/cloudtrail/trail.d.ts): log-file
 * validation false, multi-region false; without kmsKeyId the log files get the bucket's SSE-S3.
 */
import { isSet, isUnknown } from "../lib/props";
import { fsbp, resourceRule, Rule } from "../lib/rule";
import { checkSwitch } from "../lib/stores";
import { AWS_TYPES } from "../lib/types";

export const trailEncrypted = resourceRule({
    name: "cloudtrail-trail-encrypted",
    description:
        "Checks that every CloudTrail trail encrypts its log files with KMS (kmsKeyId set; without it they get only the bucket's SSE-S3, readable by anyone who may read the bucket). Mandatory.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("CloudTrail.2"),
    remediationSteps:
        "Set `kmsKeyId` to a customer-managed key whose policy allows cloudtrail.amazonaws.com kms:GenerateDataKey* (with an aws:SourceArn condition naming the trail).",
    tags: ["cloudtrail", "encryption", "logging"],
    preview: "An unknown kmsKeyId counts as set.",
    resourceTypes: [AWS_TYPES.cloudtrailTrail],
    check(r, ctx) {
        if (isUnknown(r.props.kmsKeyId) || isSet(r.props.kmsKeyId)) return;
        ctx.report(
            r,
            "must encrypt its log files with KMS (kmsKeyId is unset): set kmsKeyId to a customer-managed key",
        );
    },
});

export const trailLogValidation = resourceRule({
    name: "cloudtrail-trail-log-validation",
    description:
        "Checks that every CloudTrail trail writes digest files (enableLogFileValidation; false by default), so a deleted or altered log file is detected. Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("CloudTrail.4"),
    remediationSteps: "Set `enableLogFileValidation: true`.",
    tags: ["cloudtrail", "integrity", "logging"],
    preview: "An unknown switch is undecided.",
    resourceTypes: [AWS_TYPES.cloudtrailTrail],
    check(r, ctx) {
        checkSwitch(r, ctx, {
            path: "enableLogFileValidation",
            absent: false,
            want: true,
            what: "validate its log files",
            fix: "set enableLogFileValidation to true",
        });
    },
});

export const trailMultiRegion = resourceRule({
    name: "cloudtrail-trail-multi-region",
    description:
        "Checks that every CloudTrail trail records every region (isMultiRegionTrail; false by default), so activity in an unused region is not invisible. Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("CloudTrail.1"),
    remediationSteps: "Set `isMultiRegionTrail: true` (and includeGlobalServiceEvents).",
    tags: ["cloudtrail", "logging"],
    preview: "An unknown switch is undecided.",
    resourceTypes: [AWS_TYPES.cloudtrailTrail],
    check(r, ctx) {
        checkSwitch(r, ctx, {
            path: "isMultiRegionTrail",
            absent: false,
            want: true,
            what: "record every region",
            fix: "set isMultiRegionTrail to true",
        });
    },
});

export const trailCloudWatchLogs = resourceRule({
    name: "cloudtrail-trail-cloudwatch-logs",
    description:
        "Checks that every CloudTrail trail also delivers to CloudWatch Logs (cloudWatchLogsGroupArn and cloudWatchLogsRoleArn), where metric filters and alarms can watch it. Advisory.",
    enforcementLevel: "advisory",
    severity: "low",
    control: fsbp("CloudTrail.5"),
    remediationSteps: "Set `cloudWatchLogsGroupArn` (`${group.arn}:*`) and `cloudWatchLogsRoleArn`.",
    tags: ["cloudtrail", "logging", "monitoring"],
    preview: "Unknown values count as set.",
    resourceTypes: [AWS_TYPES.cloudtrailTrail],
    check(r, ctx) {
        const group = r.props.cloudWatchLogsGroupArn;
        if (isUnknown(group) || isSet(group)) return;
        ctx.report(
            r,
            "must deliver to CloudWatch Logs (cloudWatchLogsGroupArn is unset): set cloudWatchLogsGroupArn and cloudWatchLogsRoleArn",
        );
    },
});

export const rules: Rule[] = [trailEncrypted, trailLogValidation, trailMultiRegion, trailCloudWatchLogs];
