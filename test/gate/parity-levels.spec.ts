/**
 * pulumi-policy's enforcementlevel scenarios, rewritten (integration_test.go,
 * TestEnforcementLevel): every pack level x policy level, and the overrides of
 * --policy-pack-config, `all` and `remediate` included (pkg/resource/analyzer/config.go).
 */
import { expect } from "chai";
import { hasMandatoryViolation } from "../../tools/gate";
import { cliBlock, reuseProgramRuns, runParity } from "./parity-run";

const RESOURCE = "random:index:RandomString: str";
const STACK = "pulumi:pulumi:Stack: parity-enforcement-level-dev";

/** What the CLI prints for both policies at `level`. */
function expectBoth(text: string, level: string): void {
    expect(text).to.include(
        cliBlock(level, "resource-always", RESOURCE, "Reports every resource.", "resource-always fired"),
    );
    expect(text).to.include(cliBlock(level, "stack-always", STACK, "Reports the stack.", "stack-always fired"));
}

describe("parity: enforcement levels", function () {
    let restore: () => void;
    before(() => {
        restore = reuseProgramRuns();
    });
    after(() => restore());

    const levels = ["advisory", "disabled", "mandatory", undefined];
    // The level the CLI reports at for pack level x policy level: the policy's, else the pack's, else advisory.
    levels
        .flatMap((pack) => levels.map((policy) => ({ pack, policy })))
        .forEach(({ pack, policy }, i) => {
            const effective = policy ?? pack ?? "advisory";
            const label = `pack ${pack ?? "not set"}, policy ${policy ?? "not set"}`;
            it(`scenario ${i + 1}: ${label}: ${effective === "disabled" ? "nothing runs" : `reported ${effective}`}`, async () => {
                const { result, text } = await runParity("enforcement-level", { scenario: i + 1 });
                if (effective === "disabled") {
                    expect(result.violations).to.deep.equal([]);
                } else {
                    expectBoth(text, effective);
                }
                expect(hasMandatoryViolation(result)).to.equal(effective === "mandatory");
            });
        });

    it("--policy-pack-config `all` sets every policy's level", async () => {
        const { result, text } = await runParity("enforcement-level", {
            scenario: 16,
            packConfig: { all: "mandatory" },
        });
        expectBoth(text, "mandatory");
        expect(hasMandatoryViolation(result)).to.equal(true);
    });

    it("`all` applies first, then a policy's own entry", async () => {
        const { result } = await runParity("enforcement-level", {
            scenario: 11,
            packConfig: { all: "advisory", "stack-always": { enforcementLevel: "mandatory" } },
        });
        // The resource policy reports on every resource: the Stack, the default provider and the string.
        const levels = new Set(result.violations.map((v) => `${v.policyName} ${v.enforcementLevel}`));
        expect([...levels]).to.deep.equal(["resource-always advisory", "stack-always mandatory"]);
    });

    it("`all: disabled` keeps every policy from running", async () => {
        const { result } = await runParity("enforcement-level", { scenario: 16, packConfig: { all: "disabled" } });
        expect(result.violations).to.deep.equal([]);
    });

    it("`remediate` on policies with nothing to remediate: the findings that remain are mandatory", async () => {
        const { result, text } = await runParity("enforcement-level", {
            scenario: 16,
            packConfig: { all: "remediate" },
        });
        expectBoth(text, "mandatory");
        expect(hasMandatoryViolation(result)).to.equal(true);
    });
});
