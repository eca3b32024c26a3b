import { expect } from "chai";
import { findings, itPassesAndFails, PackHarness, startPack, undecided } from "../support";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { AWS_TYPES } from "../../../policies/lib/types";

describe("cloudwatch rules", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    it("cloudwatch-log-group-retention: advisory outside the range, unset means forever", async () => {
        const rule = "cloudwatch-log-group-retention";
        const group = (retentionInDays?: unknown) => [
            { type: AWS_TYPES.logGroup, name: "logs", props: { retentionInDays } },
        ];
        expect(findings(await pack.analyze(group(365)), rule)).to.deep.equal([]);
        expect(findings(await pack.analyze(group()), rule)[0].message).to.include("kept forever");
        expect(findings(await pack.analyze(group(7)), rule).map((v) => v.enforcementLevel)).to.deep.equal(["advisory"]);
        expect(undecided(await pack.analyze(group(PACK_UNKNOWN)), rule)).to.have.length(1);
    });

    itPassesAndFails(
        () => pack,
        [["cloudwatch-log-group-encrypted", AWS_TYPES.logGroup, { kmsKeyId: "arn:k" }, { retentionInDays: 30 }]],
    );
});
