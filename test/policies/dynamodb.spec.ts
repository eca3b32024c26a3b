import { expect } from "chai";
import { PackHarness, startPack } from "../helpers/pack";
import { UNKNOWN } from "../../tools/gate/types";
import { of, undecidedOf } from "./spec-helpers";

const table = (props: Record<string, unknown>) => [{ type: "aws:dynamodb/table:Table", name: "items", props: { pointInTimeRecovery: { enabled: true }, deletionProtectionEnabled: true, ...props } }];

describe("dynamodb rules", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    it("dynamodb-table-pitr-enabled: mandatory when off or unset, undecided when unknown", async () => {
        const rule = "dynamodb-table-pitr-enabled";
        expect(of(await pack.analyze(table({})), rule)).to.deep.equal([]);
        const vs = of(await pack.analyze(table({ pointInTimeRecovery: { enabled: false } })), rule);
        expect(vs[0].enforcementLevel).to.equal("mandatory");
        expect(vs[0].message).to.equal("aws.dynamodb.Table 'items' must enable point-in-time recovery: set pointInTimeRecovery.enabled to true");
        expect(of(await pack.analyze(table({ pointInTimeRecovery: undefined })), rule)).to.have.length(1);
        expect(undecidedOf(await pack.analyze(table({ pointInTimeRecovery: { enabled: UNKNOWN } })), rule)).to.have.length(1);
        expect(of(await pack.analyze(table({ pointInTimeRecovery: "junk" })), rule)).to.have.length(1);
    });

    it("dynamodb-table-deletion-protection: advisory", async () => {
        const vs = of(await pack.analyze(table({ deletionProtectionEnabled: false })), "dynamodb-table-deletion-protection");
        expect(vs.map((v) => v.enforcementLevel)).to.deep.equal(["advisory"]);
    });
});
