import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { applyBaseline, loadBaseline } from "../../tools/gate/baseline";
import { main } from "../../tools/gate/cli";
import { GateError } from "../../tools/gate/errors";
import type { GateResult, Violation } from "../../tools/gate/types";
import { exportFile, pack, tempDir, tempFile } from "./fixtures";

const write = (content: unknown): string => tempFile("baseline.json", content);
const violation = (policyName: string, urn: string, extra: Partial<Violation> = {}): Violation => ({
    packName: "p",
    packVersion: "1",
    policyName,
    description: "",
    enforcementLevel: "mandatory",
    severity: "high",
    message: "m",
    urn,
    resourceType: "t",
    resourceName: "n",
    ...extra,
});

describe("gate --baseline", () => {
    it("marks findings the baseline holds (same pack, policy, URN) as known, and counts fixed ones", () => {
        const base = loadBaseline(
            write({
                schemaVersion: "1.0",
                violations: [
                    { packName: "p", policyName: "a", urn: "u1", message: "old wording" },
                    { packName: "p", policyName: "a", urn: "gone" },
                ],
            }),
        );
        const result = { violations: [violation("a", "u1"), violation("a", "u2"), violation("b", "u1")] } as GateResult;
        expect(applyBaseline(result, base)).to.deep.equal({ known: 1, fixed: 1 });
        expect(result.violations.map((v) => !!v.known)).to.deep.equal([true, false, false]);
    });

    const bad: [string, unknown, RegExp][] = [
        ["not JSON", "{", /is not JSON/],
        ["not a report", { violations: [] }, /not a gate JSON report/],
        ["another schema major", { schemaVersion: "2.0", violations: [] }, /has report schema 2\.0/],
        [
            "an entry without a URN",
            { schemaVersion: "1.0", violations: [{ packName: "p", policyName: "a" }] },
            /violations\[0\] lacks/,
        ],
    ];
    for (const [what, content, pattern] of bad) {
        it(`rejects a baseline that is ${what}`, () =>
            expect(() => loadBaseline(write(content))).to.throw(GateError, pattern));
    }
    it("rejects a missing baseline file", () =>
        expect(() => loadBaseline("/nonexistent/b.json")).to.throw(GateError, /baseline file not found/));

    it("end to end: a run's own JSON report as baseline turns exit 1 into 0; a new finding still fails", async function () {
        const dir = tempDir();
        const report = path.join(dir, "first.json");
        const args = ["--stack-export", exportFile("basic.json"), "--policy-pack", pack("reporting")];
        expect(await main([...args, "--format", "json", "--output", report])).to.equal(1);
        const out = path.join(dir, "second.json");
        expect(await main([...args, "--baseline", report, "--format", "json", "--output", out])).to.equal(0);
        const second = JSON.parse(fs.readFileSync(out, "utf8"));
        const known = second.violations.filter((v: { known?: boolean }) => v.known);
        expect(known.map((v: { policyName: string }) => v.policyName)).to.include("fixture-public-bucket");
        // A baseline without that finding: it is new, so the gate fails again.
        const empty = write({ schemaVersion: "1.0", violations: [] });
        expect(
            await main([...args, "--baseline", empty, "--format", "json", "--output", path.join(dir, "third.json")]),
        ).to.equal(1);
    });
});
