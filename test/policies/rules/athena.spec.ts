import { ruleCases } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

const CMK = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const wg = (name: string, configuration: Record<string, unknown>) => ({
    type: AWS_TYPES.athenaWorkgroup,
    name,
    props: { name, configuration },
});

describe("Athena rules", () => {
    ruleCases("athena-workgroup-encrypted", [
        {
            it: "passes SSE_KMS enforced",
            given: [
                wg("w", {
                    enforceWorkgroupConfiguration: true,
                    resultConfiguration: { encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: CMK } },
                }),
            ],
            flags: [],
        },
        {
            it: "fails results without encryption settings",
            given: [
                wg("w", { resultConfiguration: { outputLocation: "s3://results/" } }),
                { type: AWS_TYPES.athenaWorkgroup, name: "bare", props: { name: "bare" } },
            ],
            flags: ["w", "bare"],
        },
        {
            it: "fails SSE_S3",
            given: [wg("w", { resultConfiguration: { encryptionConfiguration: { encryptionOption: "SSE_S3" } } })],
            flags: ["w"],
        },
        {
            it: "fails a workgroup that lets clients override it",
            given: [
                wg("w", {
                    enforceWorkgroupConfiguration: false,
                    resultConfiguration: { encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: CMK } },
                }),
            ],
            flags: ["w"],
            says: /enforceWorkgroupConfiguration/,
        },
    ]);
});
