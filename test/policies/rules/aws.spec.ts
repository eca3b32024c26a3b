import { expect } from "chai";
import { PackHarness, startPack, urnOf } from "../../helpers/pack";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { findings, undecided } from "../support";

const RULE = "aws-resource-required-tags";
const PROVIDER = "pulumi:providers:aws";

describe("tags rule", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
        await pack.configure({ [RULE]: { requiredTags: ["project", "owner"] } });
    });
    after(() => pack.close());

    it("reads tagsAll when known, else tags merged with the provider's defaultTags", async () => {
        const prov = urnOf(PROVIDER, "default");
        const stack = [
            { type: PROVIDER, name: "default", id: "p1", custom: true, props: { region: "us-west-2", defaultTags: { tags: { project: "swa" } } } },
            { type: "aws:sqs/queue:Queue", name: "all", props: { tagsAll: { project: "swa", owner: "team" } } },
            { type: "aws:sqs/queue:Queue", name: "merged", provider: `${prov}::p1`, props: { tags: { owner: "team" } } },
            { type: "aws:sqs/queue:Queue", name: "missing", provider: `${prov}::p1`, props: { tags: {} } },
            { type: "aws:ec2/route:Route", name: "untaggable", props: { routeTableId: "rtb-1" } },
        ];
        const vs = findings(await pack.analyze(stack), RULE);
        expect(vs.map((v) => v.resourceName)).to.deep.equal(["missing"]);
        expect(vs[0].message).to.include("missing owner");
        expect(vs[0].enforcementLevel).to.equal("advisory");
    });

    it("is undecided while tags are unknown", async () => {
        expect(undecided(await pack.analyze([{ type: "aws:sqs/queue:Queue", name: "q", props: { tags: PACK_UNKNOWN, tagsAll: PACK_UNKNOWN } }]), RULE)).to.have.length(1);
    });
});
