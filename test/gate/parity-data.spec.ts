/**
 * pulumi-policy's runtime_data, resource_options, parent_dependencies, provider, deserialize
 * and unknown_values scenarios, rewritten. Their packs assert on what they receive and throw
 * when it differs from what the CLI sends, so a quiet run is the proof.
 */
import { expect } from "chai";
import { hasMandatoryViolation } from "../../tools/gate";
import { PackClient } from "../../tools/gate";
import type { ResourceRecord } from "../../tools/gate/types";
import { parity } from "./fixtures";
import { cliBlock, runParity } from "./parity-run";

describe("parity: what a pack receives", function () {
    for (const mode of ["resolved", "first-preview"] as const) {
        it(`runtime data (${mode}): the pack's project, stack, organization, dry-run flag and config are the program's`, async () => {
            const { result } = await runParity("runtime-data", { mode });
            expect(result.violations).to.deep.equal([]);
        });
    }

    it("resource options: protect, ignoreChanges, deleteBeforeReplace (unset, true, false), aliases, timeouts, secret outputs, parent", async () => {
        const { result } = await runParity("resource-options");
        expect(result.violations).to.deep.equal([]);
        expect(result.resources.map((r) => r.name)).to.include.members([
            "dbr-false",
            "aliased",
            "timeout-delete",
            "child",
        ]);
    });

    it("parents, dependencies and property dependencies; none for the Stack and default providers (first preview)", async () => {
        const { result } = await runParity("parent-dependencies", { mode: "first-preview" });
        expect(result.violations).to.deep.equal([]);
    });

    it("providers: default providers by package and version, the dynamic provider's config, an explicit provider's version", async () => {
        const { result } = await runParity("provider", { scenario: 1 });
        expect(result.violations).to.deep.equal([]);
    });

    it("secrets, assets and archives reach a policy as the SDK's values", async () => {
        const { result } = await runParity("deserialize");
        expect(result.violations).to.deep.equal([]);
    });

    it("PulumiPolicy.yaml's version wins over the pack's (analyzer_plugin.go)", async () => {
        const { result } = await runParity("deserialize");
        expect(result.packs.map((p) => `${p.name}@${p.version}`)).to.deep.equal(["parity-deserialize@2.0.0"]);
    });

    it('unknown values (first preview): advisory "can\'t run policy ... during preview" lines, the run passes', async () => {
        const { result, text } = await runParity("unknown-values", { mode: "first-preview" });
        expect(hasMandatoryViolation(result)).to.equal(false);
        const pack = "'parity-unknown-values@v0.0.1'";
        expect(text).to.include("parity-unknown-values@v0.0.1");
        expect(text).to.include(
            cliBlock(
                "advisory",
                "pet-prefix-resource",
                "random:index:RandomPet: pet",
                `can't run policy 'pet-prefix-resource' from policy pack ${pack} during preview: string value at .prefix can't be known during preview`,
            ),
        );
        expect(text).to.include(
            cliBlock(
                "advisory",
                "pet-prefix-stack",
                "pulumi:pulumi:Stack: parity-unknown-values-dev",
                `can't run policy 'pet-prefix-stack' from policy pack ${pack} during preview: string value at .prefix can't be known during preview`,
            ),
        );
        expect(result.undecided).to.deep.equal({
            "parity-unknown-values/pet-prefix-resource": 1,
            "parity-unknown-values/pet-prefix-stack": 1,
        });
    });

    it("stack tags reach args.stackTags through ConfigureStack; a local stack (the gate's) has none", async () => {
        const stack: ResourceRecord = {
            urn: "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev",
            type: "pulumi:pulumi:Stack",
            name: "p-dev",
            custom: false,
            dependencies: [],
            propertyDependencies: {},
            inputs: {},
            outputs: {},
            options: {},
        };
        const seen = async (tags?: Record<string, string>) => {
            const client = await PackClient.start(parity("stack-tags").pack, { project: "p", stack: "dev", tags });
            try {
                await client.configure({});
                return (await client.preview([stack])).violations.map((v) => `${v.policyName}: ${v.message}`);
            } finally {
                client.close();
            }
        };
        expect(await seen({ team: "core", env: "prod" })).to.deep.equal([
            "tags-resource: env=prod,team=core",
            "tags-stack: env=prod,team=core",
        ]);
        expect(await seen()).to.deep.equal(["tags-resource: none", "tags-stack: none"]);
    });
});
