/**
 * Shared helpers of the pack's rule specs (test/policies/rules/): filter the harness's
 * diagnostics by rule and kind, build policy documents, and the spec shapes several rule files
 * share (a pass/fail pair per resource rule, the resource-policy-not-public cases).
 */
import { expect } from "chai";
import { PACK_UNKNOWN, SDK_UNKNOWN_STRING } from "../../policies/lib/props";
import type { Violation } from "../../tools/gate/types";
import { PackHarness, startPack, TestResource, urnOf } from "../helpers/pack";
import { AWS_TYPES } from "../../policies/lib/types";

/** Decided findings of a rule (not the "can't run during preview" advisory). */
export function findings(all: Violation[], rule: string): Violation[] {
    return all.filter((v) => v.policyName === rule && !v.undecided);
}

/** The rule's "can't run during preview" advisories. */
export function undecided(all: Violation[], rule: string): Violation[] {
    return all.filter((v) => v.policyName === rule && v.undecided);
}

/** Every mandatory finding, whatever the rule. */
export function mandatory(all: Violation[]): Violation[] {
    return all.filter((v) => v.enforcementLevel === "mandatory");
}

export const ACCOUNT = "123456789012";
export const REGION = "us-west-2";

export { urnOf };

/** A policy document as the program writes it: a JSON string (PACK_UNKNOWN inside as the engine's string). */
export function doc(...statements: object[]): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: statements }, (_key, value: unknown) =>
        value === PACK_UNKNOWN ? SDK_UNKNOWN_STRING : value);
}

/** A resource rule's pass/fail pair: rule, type token, props that pass, props that fail. */
export type PassFailCase = [rule: string, type: string, good: Record<string, unknown>, bad: Record<string, unknown>];

/** One `it` per case: a resource with the good props passes, one with the bad props fails, mandatory. */
export function itPassesAndFails(pack: () => PackHarness, cases: PassFailCase[]): void {
    for (const [rule, type, good, bad] of cases) {
        it(`${rule}: passes ${JSON.stringify(good)}, fails ${JSON.stringify(bad)}`, async () => {
            const v = await pack().analyze([
                { type, name: "good", props: good },
                { type, name: "bad", props: bad },
            ]);
            const f = findings(v, rule);
            expect(f.map((x) => x.resourceName)).to.deep.equal(["bad"]);
            expect(f[0].enforcementLevel).to.equal("mandatory");
            expect(f[0].message).to.match(/'bad' must .*: /);
        });
    }
}

/** A "<resource> policy not public" rule and the two forms its document takes. */
export interface ResourcePolicyCase {
    rule: string;
    /** [type, props]: the separate policy resource first, then the resource with an inline `policy`. */
    forms: readonly (readonly [string, Record<string, unknown>])[];
    action: string;
    resource: string;
    /** A service that legitimately calls the resource, and the source ARN that pins it. */
    service: string;
    sourceArn: string;
}

/**
 * The specs of a resource-policy rule (lib/resource-policy.ts), in both resource forms: each way
 * to break it (a `*` principal, a wildcard-valued pin, an unpinned service principal) and the
 * negative controls the project relies on (a service pinned to this account, Deny to `*`).
 */
export function describeResourcePolicyRule(pack: () => PackHarness, c: ResourcePolicyCase): void {
    describe(c.rule, () => {
        const allow = (extra: object) => ({ Effect: "Allow", Action: c.action, Resource: c.resource, ...extra });
        const star = allow({ Sid: "Everyone", Principal: "*" });
        const pinnedService = allow({
            Principal: { Service: c.service },
            Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": c.sourceArn } },
        });
        const tlsDeny = { Effect: "Deny", Principal: "*", Action: "*", Resource: c.resource, Condition: { Bool: { "aws:SecureTransport": "false" } } };
        for (const [type, props] of c.forms) {
            const at = (name: string, ...statements: object[]) => ({ type, name, props: { ...props, policy: doc(...statements) } });
            it(`fails an Allow to * without a pin in ${type}`, async () => {
                const v = await pack().analyze([at("p", star)]);
                const f = findings(v, c.rule);
                expect(f).to.have.length(1);
                expect(f[0].enforcementLevel).to.equal("mandatory");
                expect(f[0].urn).to.equal(urnOf(type, "p"));
                expect(f[0].message).to.include(`'p' must not allow a "*" principal without a condition pinning the caller (policy statement[0] (Sid "Everyone"))`);
            });
            it(`fails {AWS: "*"}, NotPrincipal, and * pinned only by wildcard values in ${type}`, async () => {
                const v = await pack().analyze([
                    at("aws-star", allow({ Principal: { AWS: "*" } })),
                    at("not-principal", allow({ NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })),
                    at("any-arn", allow({ Principal: "*", Condition: { ArnLike: { "aws:SourceArn": c.sourceArn.replace(ACCOUNT, "*") } } })),
                    at("any-account", allow({ Principal: "*", Condition: { StringLike: { "aws:SourceAccount": "*" } } })),
                    at("any-org", allow({ Principal: "*", Condition: { StringLike: { "aws:PrincipalOrgID": "o-*" } } })),
                ]);
                expect(findings(v, c.rule).map((x) => x.resourceName)).to.deep.equal(["aws-star", "not-principal", "any-arn", "any-account", "any-org"]);
            });
            it(`fails a service principal without a confused-deputy condition in ${type}`, async () => {
                const v = await pack().analyze([
                    at("unpinned", allow({ Principal: { Service: c.service } })),
                    at("caller-key-only", allow({ Principal: { Service: c.service }, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } })),
                ]);
                const f = findings(v, c.rule);
                expect(f.map((x) => x.resourceName)).to.deep.equal(["unpinned", "caller-key-only"]);
                expect(f[0].message).to.include(`must not allow service principal "${c.service}" without a condition pinning the source (policy statement[0])`);
            });
            it(`passes a pinned service grant, * pinned to this account or organisation, a named account and a Deny to * in ${type}`, async () => {
                const v = await pack().analyze([
                    at(
                        "ok",
                        tlsDeny,
                        pinnedService,
                        allow({ Principal: "*", Condition: { StringEquals: { "aws:PrincipalAccount": ACCOUNT } } }),
                        allow({ Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }),
                        allow({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }),
                        allow({ Principal: { Service: c.service }, Condition: { StringEquals: { "aws:SourceOwner": ACCOUNT } } }),
                    ),
                ]);
                expect(findings(v, c.rule)).to.deep.equal([]);
                expect(undecided(v, c.rule)).to.deep.equal([]);
            });
        }
        it("passes a topic or queue without a policy and ignores other resource types", async () => {
            const v = await pack().analyze([
                { type: c.forms[1][0], name: "plain", props: { ...c.forms[1][1] } },
                { type: AWS_TYPES.bucketPolicy, name: "other", props: { policy: doc(star) } },
            ]);
            expect(findings(v, c.rule)).to.deep.equal([]);
        });
        it("reports an unparsable policy; is undecided, never mandatory, on unknown values", async () => {
            const [type, props] = c.forms[0];
            const v = await pack().analyze([
                { type, name: "bad", props: { ...props, policy: "{not json" } },
                { type, name: "later", props: { ...props, policy: PACK_UNKNOWN } },
                { type, name: "pin", props: { ...props, policy: doc(allow({ Principal: { Service: c.service }, Condition: { StringEquals: { "aws:SourceArn": PACK_UNKNOWN } } })) } },
                { type, name: "who", props: { ...props, policy: doc(allow({ Principal: PACK_UNKNOWN })) } },
            ]);
            const f = findings(v, c.rule);
            expect(f.map((x) => x.resourceName)).to.deep.equal(["bad"]);
            expect(f[0].message).to.include("is not valid JSON");
            expect(undecided(v, c.rule)).to.have.length(3);
            expect(undecided(v, c.rule).every((x) => x.enforcementLevel === "advisory")).to.equal(true);
        });
    });
}

/**
 * A table-driven rule spec (the data-store rules use it): each case is a small stack, the names
 * of the resources the rule must flag (none: the case is compliant), optionally the names it
 * must leave undecided, a pattern every finding must match, and a rule config. Every case runs
 * through the real pack process, Analyze and AnalyzeStack alike; an undecided advisory the case
 * does not expect fails it.
 */
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
                const names = found.map((v) => c.given.find((r) => (r.urn ?? urnOf(r.type, r.name)) === v.urn)?.name ?? v.urn);
                expect(names.sort(), found.map((v) => v.message).join("\n")).to.deep.equal([...c.flags].sort());
                if (c.says) for (const v of found) expect(v.message).to.match(c.says);
                const open = undecided(all, rule).map((v) => v.message);
                if (c.undecided) expect(open.length, `undecided advisories of ${rule}`).to.be.greaterThan(0);
                else expect(open, `undecided advisories of ${rule}`).to.deep.equal([]);
                for (const name of c.undecided ?? []) expect(open.join("\n")).to.include(`'${name}'`);
            });
        }
    });
}
