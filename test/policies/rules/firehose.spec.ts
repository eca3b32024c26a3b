import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { ruleCases } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

const CMK = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const fh = (name: string, props: Record<string, unknown> = {}) => ({
    type: AWS_TYPES.firehoseDeliveryStream,
    name,
    props: {
        destination: "extended_s3",
        serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: CMK },
        ...props,
    },
});

describe("Firehose rules", () => {
    ruleCases("firehose-delivery-stream-encrypted", [
        { it: "passes an encrypted Direct PUT stream", given: [fh("f")], flags: [] },
        {
            it: "fails SSE off or missing",
            given: [
                fh("f", { serverSideEncryption: { enabled: false } }),
                fh("g", { serverSideEncryption: undefined }),
            ],
            flags: ["f", "g"],
        },
        {
            it: "leaves a Kinesis-sourced stream to its source",
            given: [
                fh("f", {
                    serverSideEncryption: undefined,
                    kinesisSourceConfiguration: { kinesisStreamArn: "arn", roleArn: "arn" },
                }),
            ],
            flags: [],
        },
        {
            it: "fails the AWS-owned key when a customer-managed one is required",
            given: [fh("f", { serverSideEncryption: { enabled: true } })],
            flags: ["f"],
            config: { requireCustomerManagedKey: true },
        },
        {
            it: "is undecided on unknown",
            given: [fh("f", { serverSideEncryption: { enabled: PACK_UNKNOWN } })],
            flags: [],
            undecided: ["f"],
        },
    ]);
});
