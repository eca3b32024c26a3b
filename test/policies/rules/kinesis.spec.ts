import { expect } from "chai";
import { findings, itPassesAndFails, PackHarness, startPack, undecided } from "../support";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { AWS_TYPES } from "../../../policies/lib/types";

const RULE = "kinesis-stream-retention-period";

const stream = (props: Record<string, unknown>) => [{ type: AWS_TYPES.kinesisStream, name: "events", props }];

describe("kinesis rules", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    it("passes 168 hours, flags the 24-hour default, honours the configured minimum", async () => {
        expect(findings(await pack.analyze(stream({ retentionPeriod: 168 })), RULE)).to.deep.equal([]);
        const vs = findings(await pack.analyze(stream({})), RULE);
        expect(vs[0].message).to.equal(
            "aws.kinesis.Stream 'events' must retain records for at least 168 hours: retentionPeriod is 24; raise it",
        );
        expect(vs[0].enforcementLevel).to.equal("advisory");
        await pack.configure({ [RULE]: { minimumRetentionHours: 48 } });
        expect(findings(await pack.analyze(stream({ retentionPeriod: 48 })), RULE)).to.deep.equal([]);
        await pack.configure({});
        expect(undecided(await pack.analyze(stream({ retentionPeriod: PACK_UNKNOWN })), RULE)).to.have.length(1);
    });

    itPassesAndFails(
        () => pack,
        [
            [
                "kinesis-stream-encrypted",
                AWS_TYPES.kinesisStream,
                { encryptionType: "KMS", kmsKeyId: "alias/k" },
                { encryptionType: "NONE" },
            ],
        ],
    );
});
