/**
 * pulumi-policy's validate_resource and validate_stack scenarios, rewritten: what the CLI
 * prints for each (integration_test.go, TestValidateResource / TestValidateStack) and whether
 * the run fails.
 */
import { expect } from "chai";
import { hasMandatoryViolation } from "../../tools/gate";
import { cliBlock, runParity } from "./parity-run";

const DYN = "pulumi-nodejs:dynamic:Resource";

describe("parity: resource policies (validate_resource)", function () {
    const quiet: [number, string][] = [
        [1, "no resources"],
        [2, "a resource no policy objects to"],
        [8, "a RandomUuid with keepers"],
        [10, "isType and asType of a RandomPassword"],
        [11, "a 5 MB string property arrives whole"],
    ];
    for (const [scenario, what] of quiet) {
        it(`scenario ${scenario}: ${what}: passes`, async () => {
            const { result } = await runParity("validate-resource", { scenario });
            expect(result.violations).to.deep.equal([]);
            expect(hasMandatoryViolation(result)).to.equal(false);
        });
    }

    const failing: [number, string, string, string, string, string][] = [
        [
            3,
            "state-not-1",
            `${DYN}: one`,
            "Dynamic resources must not have state 1.",
            "state is 1, which is forbidden.",
            "first policy",
        ],
        [
            4,
            "state-not-2",
            `${DYN}: two`,
            "Dynamic resources must not have state 2.",
            "state is 2, which is forbidden.",
            "second policy",
        ],
        [
            5,
            "state-not-3-or-4",
            `${DYN}: three`,
            "Dynamic resources must not have state 3 or 4.",
            "state is 3, which is forbidden.",
            "first callback of a policy",
        ],
        [
            6,
            "state-not-3-or-4",
            `${DYN}: four`,
            "Dynamic resources must not have state 3 or 4.",
            "state is 4, which is forbidden.",
            "second callback of a policy",
        ],
        [
            7,
            "uuid-has-keepers",
            "random:index:RandomUuid: no-keepers",
            "A RandomUuid needs keepers.",
            "keepers are empty.",
            "typed helper",
        ],
    ];
    for (const [scenario, policy, resource, description, message, what] of failing) {
        it(`scenario ${scenario}: ${what} reports, mandatory, as the CLI prints it`, async () => {
            const { result, text } = await runParity("validate-resource", { scenario });
            expect(hasMandatoryViolation(result)).to.equal(true);
            expect(result.violations.map((v) => v.policyName)).to.deep.equal([policy]);
            expect(text).to.include(cliBlock("mandatory", policy, resource, description, message));
        });
    }

    it("scenario 9: a URN named in a resource diagnostic is ignored; the finding is the analysed resource's", async () => {
        const { result, text } = await runParity("validate-resource", { scenario: 9 });
        const [v] = result.violations;
        expect(v?.urn).to.equal("urn:pulumi:dev::parity-validate-resource::pulumi-nodejs:dynamic:Resource::five");
        expect(v?.resourceName).to.equal("five");
        expect(text).to.include(
            cliBlock(
                "mandatory",
                "state-not-5",
                `${DYN}: five`,
                "Dynamic resources must not have state 5.",
                "state is 5, which is forbidden.",
            ),
        );
        expect(text).not.to.include("elsewhere");
    });

    it("scenario 12: a policy that calls notApplicable() reports nothing", async () => {
        const { result } = await runParity("validate-resource", { scenario: 12 });
        expect(result.violations).to.deep.equal([]);
    });
});

describe("parity: stack policies (validate_stack)", function () {
    for (const [scenario, what] of [
        [1, "no resources"],
        [2, "a resource no policy objects to"],
        [8, "typed view of a RandomPassword"],
        [9, "a typed stack policy sees only its type"],
    ] as [number, string][]) {
        it(`scenario ${scenario}: ${what}: passes`, async () => {
            const { result } = await runParity("validate-stack", { scenario });
            expect(result.violations).to.deep.equal([]);
        });
    }

    const STACK = "pulumi:pulumi:Stack: parity-validate-stack-dev";
    const failing: [number, string, string, string, string][] = [
        [3, "no-state-1", STACK, "No dynamic resource has state 1.", "a resource has state 1."],
        [4, "no-state-2", STACK, "No dynamic resource has state 2.", "a resource has state 2."],
        [
            5,
            "no-state-3",
            `${DYN}: three`,
            "No dynamic resource has state 3 (reported on the resource).",
            "this resource has state 3.",
        ],
        [6, "uuids-have-keepers", STACK, "Every RandomUuid has keepers.", "a RandomUuid has no keepers."],
        [7, "no-random-strings", STACK, "RandomString is not allowed.", "the stack has a RandomString."],
        // A stack policy at level remediate cannot be remediated: the engine reports it as mandatory.
        [10, "no-red", STACK, "No dynamic resource is red.", "a resource is red."],
    ];
    for (const [scenario, policy, resource, description, message] of failing) {
        it(`scenario ${scenario}: ${policy} reports, mandatory, filed under ${resource.startsWith("pulumi:pulumi:Stack") ? "the root Stack" : "the resource it names"}`, async () => {
            const { result, text } = await runParity("validate-stack", { scenario });
            expect(hasMandatoryViolation(result)).to.equal(true);
            expect(result.violations.map((v) => [v.policyName, v.resourceName])).to.deep.equal([
                [policy, resource.split(": ")[1]],
            ]);
            expect(text).to.include(cliBlock("mandatory", policy, resource, description, message));
        });
    }
});
