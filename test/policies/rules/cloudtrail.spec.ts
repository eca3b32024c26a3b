import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { ruleCases } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

const CMK = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const t = (name: string, props: Record<string, unknown> = {}) => ({
    type: AWS_TYPES.cloudtrailTrail,
    name,
    props: {
        s3BucketName: "trail-logs",
        kmsKeyId: CMK,
        enableLogFileValidation: true,
        isMultiRegionTrail: true,
        cloudWatchLogsGroupArn: "arn:aws:logs:us-west-2:123456789012:log-group:trail:*",
        ...props,
    },
});

describe("CloudTrail rules", () => {
    ruleCases("cloudtrail-trail-encrypted", [
        { it: "passes a KMS-encrypted trail", given: [t("t"), t("u", { kmsKeyId: PACK_UNKNOWN })], flags: [] },
        {
            it: "fails a trail without kmsKeyId",
            given: [t("t", { kmsKeyId: undefined }), t("u", { kmsKeyId: "" })],
            flags: ["t", "u"],
        },
    ]);
    ruleCases("cloudtrail-trail-log-validation", [
        { it: "passes validation on", given: [t("t")], flags: [] },
        {
            it: "fails it false or missing",
            given: [t("t", { enableLogFileValidation: false }), t("u", { enableLogFileValidation: undefined })],
            flags: ["t", "u"],
        },
    ]);
    ruleCases("cloudtrail-trail-multi-region", [
        { it: "passes multi-region", given: [t("t")], flags: [] },
        { it: "fails a single-region trail", given: [t("t", { isMultiRegionTrail: undefined })], flags: ["t"] },
    ]);
    ruleCases("cloudtrail-trail-cloudwatch-logs", [
        { it: "passes delivery to a log group", given: [t("t")], flags: [] },
        { it: "fails without", given: [t("t", { cloudWatchLogsGroupArn: undefined })], flags: ["t"] },
    ]);
});
