/**
 * The six tier components, their parents, the stack outputs, both preview modes and the providers' tags.
 * Read from what the engine would see: the dev stack under the gate's recording mock monitor,
 * every output resolved (test/infra/program.ts).
 */
import { expect } from "chai";
import { Program, T, ofType, program } from "./program";

describe("infra program: composition (dev stack, resolved)", () => {
    let p: Program;
    before(async () => (p = await program("resolved")));

    it("builds the six tier components with their type tokens", () => {
        const components = p.resources.filter((r) => r.type.startsWith("secure-web-app:")).map((r) => r.type);
        expect(components).to.have.members([
            "secure-web-app:network:Network",
            "secure-web-app:data:Data",
            "secure-web-app:streaming:Streaming",
            "secure-web-app:api:Api",
            "secure-web-app:frontend:Frontend",
            "secure-web-app:monitoring:Monitoring",
        ]);
    });

    it("parents every AWS resource to a tier component", () => {
        const orphans = p.resources.filter((r) => r.type.startsWith("aws:") && !/secure-web-app:\w+:\w+\$/.test(r.urn));
        expect(orphans.map((r) => r.name)).to.deep.equal([]);
    });

    it("exports the site URL, API URL, names, topic and dashboard", () => {
        const o = p.stackOutputs;
        expect(o.siteUrl).to.match(/^https:\/\//);
        expect(o.apiUrl).to.equal(`${o.siteUrl}/api`);
        for (const key of ["tableName", "streamName", "processedBucketName", "siteBucketName", "alertTopicArn"]) {
            expect(o[key], key).to.be.a("string").and.not.equal("");
        }
        expect(o.dashboardUrl).to.match(/^https:\/\/us-west-2\.console\.aws\.amazon\.com\/cloudwatch\/.*dashboards/);
    });

    it("registers the same resources in a first preview, with outputs not yet known", async () => {
        const first = await program("first-preview");
        expect(first.resources.map((r) => r.urn).sort()).to.deep.equal(p.resources.map((r) => r.urn).sort());
    });

    it("tags every resource through both providers' default tags", () => {
        const providers = ofType(p, T.provider);
        expect(providers.map((r) => r.inputs.region)).to.have.members(["us-west-2", "us-east-1"]);
        for (const provider of providers) {
            const tags = JSON.parse(String(provider.inputs.defaultTags)).tags;
            expect(tags).to.include({ project: "secure-web-app", stack: "dev", owner: "platform-team" });
        }
    });
});
