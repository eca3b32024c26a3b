import { expect } from "chai";
import { ACCOUNT, describeResourcePolicyRule, findings, itPassesAndFails, PackHarness, startPack } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

const QUEUE_ARN = `arn:aws:sqs:us-west-2:${ACCOUNT}:jobs`;

describe("sqs rules", () => {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    describeResourcePolicyRule(() => pack, {
        rule: "sqs-queue-policy-not-public",
        forms: [
            [AWS_TYPES.sqsQueuePolicy, { queueUrl: `https://sqs.us-west-2.amazonaws.com/${ACCOUNT}/jobs` }],
            [AWS_TYPES.sqsQueue, { name: "jobs" }],
        ],
        action: "sqs:SendMessage",
        resource: QUEUE_ARN,
        service: "sns.amazonaws.com",
        sourceArn: `arn:aws:sns:us-west-2:${ACCOUNT}:alerts`,
    });

    itPassesAndFails(
        () => pack,
        [
            ["sqs-queue-encrypted", AWS_TYPES.sqsQueue, { kmsMasterKeyId: "alias/k" }, { sqsManagedSseEnabled: false }],
            ["sqs-queue-encrypted", AWS_TYPES.sqsQueue, { sqsManagedSseEnabled: true }, {}],
        ],
    );
    it("sqs-queue-encrypted rejects SSE-SQS when the config says so", async () => {
        await pack.configure({ "sqs-queue-encrypted": { allowSqsManagedSse: false } });
        try {
            const v = await pack.analyze([
                { type: AWS_TYPES.sqsQueue, name: "q", props: { sqsManagedSseEnabled: true } },
            ]);
            expect(findings(v, "sqs-queue-encrypted")).to.have.length(1);
        } finally {
            await pack.configure({});
        }
    });
});
