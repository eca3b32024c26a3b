/**
 * Tier 2, data (infra/data.ts): the items table.
 * Read from what the engine would see: the dev stack under the gate's recording mock monitor,
 * every output resolved (test/infra/program.ts).
 */
import { expect } from "chai";
import { Program, T, byOutput, ofType, program } from "./program";

describe("infra data (dev stack, resolved)", () => {
    let p: Program;
    before(async () => (p = await program("resolved")));

    it("makes the table on-demand with PITR, a customer-managed key and deletion protection", () => {
        const table = ofType(p, T.table)[0];
        expect(table.inputs.billingMode).to.equal("PAY_PER_REQUEST");
        expect(table.inputs.pointInTimeRecovery).to.deep.include({ enabled: true });
        const sse = table.inputs.serverSideEncryption as { enabled: boolean; kmsKeyArn: string };
        expect(sse.enabled).to.equal(true);
        const key = byOutput(p, T.key, sse.kmsKeyArn);
        expect(key, "table key is a key of this stack").to.not.equal(undefined);
        expect(key!.inputs.enableKeyRotation).to.equal(true);
        expect(table.inputs.deletionProtectionEnabled).to.equal(true);
    });
});
