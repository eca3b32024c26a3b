import { expect } from "chai";
import { ACCOUNT, describeResourcePolicyRule, findings, itPassesAndFails, PackHarness, startPack } from "../support";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { AWS_TYPES } from "../../../policies/lib/types";

const TOPIC_ARN = `arn:aws:sns:us-west-2:${ACCOUNT}:alerts`;

describe("sns rules", () => {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    describeResourcePolicyRule(() => pack, {
        rule: "sns-topic-policy-not-public",
        forms: [
            [AWS_TYPES.snsTopicPolicy, { arn: TOPIC_ARN }],
            [AWS_TYPES.snsTopic, { name: "alerts" }],
        ],
        action: "sns:Publish",
        resource: TOPIC_ARN,
        service: "cloudwatch.amazonaws.com",
        sourceArn: `arn:aws:cloudwatch:us-west-2:${ACCOUNT}:alarm:*`,
    });

    itPassesAndFails(() => pack, [["sns-topic-encrypted", AWS_TYPES.snsTopic, { kmsMasterKeyId: "alias/k" }, {}]]);
    it("sns-topic-encrypted: an unknown key counts as set", async () => {
        const v = await pack.analyze([
            { type: AWS_TYPES.snsTopic, name: "t", props: { kmsMasterKeyId: PACK_UNKNOWN } },
        ]);
        expect(findings(v, "sns-topic-encrypted")).to.deep.equal([]);
    });
});
