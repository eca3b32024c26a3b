/**
 * Table-driven rule specs for the data-store rules: each case is a small stack, the names of
 * the resources the rule must flag (none: the case is compliant), optionally the names it must
 * leave undecided, a pattern the findings must match, and a rule config. Every case runs
 * through the real pack process (test/helpers/pack.ts), Analyze and AnalyzeStack alike.
 */
import { expect } from "chai";
import { PackHarness, startPack, TestResource } from "../../helpers/pack";
import { findings, undecided } from "../support";

export interface RuleCase {
    it: string;
    given: TestResource[];
    /** Names of the resources the rule must report (decided findings); [] for a compliant stack. */
    flags: string[];
    /** Names of the resources the rule must leave undecided. */
    undecided?: string[];
    /** Every finding's message must match. */
    says?: RegExp;
    /** The rule's config for this case. */
    config?: Record<string, unknown>;
}

const nameOf = (resources: TestResource[], urn: string | undefined) =>
    resources.find((r) => (r.urn ?? `urn:pulumi:test::secure-web-app::${r.type}::${r.name}`) === urn)?.name ?? urn;

/** One describe per rule, one `it` per case. */
export function ruleCases(rule: string, cases: RuleCase[]): void {
    describe(rule, () => {
        let pack: PackHarness;
        before(async () => {
            pack = await startPack();
        });
        after(() => pack.close());
        for (const c of cases) {
            it(c.it, async () => {
                await pack.configure(c.config ? { [rule]: c.config } : {});
                const all = await pack.analyze(c.given);
                const found = findings(all, rule);
                expect(found.map((v) => nameOf(c.given, v.urn)).sort(), found.map((v) => v.message).join("\n")).to.deep.equal([...c.flags].sort());
                if (c.says) for (const v of found) expect(v.message).to.match(c.says);
                const open = undecided(all, rule);
                if (c.undecided) expect(open.length, `undecided advisories of ${rule}`).to.be.greaterThan(0);
                else expect(open.map((v) => v.message), `undecided advisories of ${rule}`).to.deep.equal([]);
                for (const name of c.undecided ?? []) expect(open.map((v) => v.message).join("\n")).to.include(`'${name}'`);
            });
        }
    });
}
