import { expect } from "chai";
import { AWS_PROVIDER_TYPE, findings, PackHarness, startPack, undecided, urnOf } from "../support";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { AWS_TYPES } from "../../../policies/lib/types";

const RULE = "aws-resource-required-tags";

describe("tags rule", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
        await pack.configure({ [RULE]: { requiredTags: ["project", "owner"] } });
    });
    after(() => pack.close());

    it("reads tagsAll when known, else tags merged with the provider's defaultTags", async () => {
        const prov = urnOf(AWS_PROVIDER_TYPE, "default");
        const stack = [
            {
                type: AWS_PROVIDER_TYPE,
                name: "default",
                id: "p1",
                custom: true,
                props: { region: "us-west-2", defaultTags: { tags: { project: "swa" } } },
            },
            { type: AWS_TYPES.sqsQueue, name: "all", props: { tagsAll: { project: "swa", owner: "team" } } },
            { type: AWS_TYPES.sqsQueue, name: "merged", provider: `${prov}::p1`, props: { tags: { owner: "team" } } },
            { type: AWS_TYPES.sqsQueue, name: "missing", provider: `${prov}::p1`, props: { tags: {} } },
            { type: AWS_TYPES.route, name: "untaggable", props: { routeTableId: "rtb-1" } },
        ];
        const vs = findings(await pack.analyze(stack), RULE);
        expect(vs.map((v) => v.resourceName)).to.deep.equal(["missing"]);
        expect(vs[0].message).to.include("missing owner");
        expect(vs[0].enforcementLevel).to.equal("advisory");
    });

    it("is undecided while tags are unknown", async () => {
        expect(
            undecided(
                await pack.analyze([
                    { type: AWS_TYPES.sqsQueue, name: "q", props: { tags: PACK_UNKNOWN, tagsAll: PACK_UNKNOWN } },
                ]),
                RULE,
            ),
        ).to.have.length(1);
    });
});
