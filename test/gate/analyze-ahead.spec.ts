/**
 * Analyze sent while the program runs (tools/gate/analyze-ahead.ts): an answer is taken only
 * for the very request the preview would send; anything recorded differently is asked again,
 * nothing is sent before the pack is configured or after the preview has begun.
 */
import { expect } from "chai";
import { AnalyzeAhead } from "../../tools/gate/analyze-ahead";
import type { AnalyzeOutcome, PackClient } from "../../tools/gate/analyzer";
import type { ResourceRecord } from "../../tools/gate/types";

const STACK = "urn:pulumi:dev::demo";

function record(name: string, inputs: Record<string, unknown>, extra: Partial<ResourceRecord> = {}): ResourceRecord {
    return {
        urn: `${STACK}::aws:s3/bucketV2:BucketV2::${name}`,
        type: "aws:s3/bucketV2:BucketV2",
        name,
        custom: true,
        dependencies: [],
        propertyDependencies: {},
        inputs,
        outputs: inputs,
        options: {},
        ...extra,
    };
}

/** A pack that answers every Analyze at once, recording what it was asked. */
function fakePack(): { pack: PackClient; asked: string[] } {
    const asked: string[] = [];
    const pack = {
        analyze: async (r: ResourceRecord, provider: ResourceRecord | undefined): Promise<AnalyzeOutcome> => {
            asked.push(`${r.name}${provider ? ` via ${provider.name}` : ""}`);
            return { violations: [], notApplicable: [] };
        },
    } as unknown as PackClient;
    return { pack, asked };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("Analyze ahead of the run's end", () => {
    it("holds what is recorded until the pack is configured, then sends it in registration order", async () => {
        const ahead = new AnalyzeAhead();
        const { pack, asked } = fakePack();
        ahead.add(record("a", { x: 1 }));
        ahead.add(record("b", { x: 2 }));
        await settle();
        expect(asked).to.deep.equal([]);
        ahead.begin(pack);
        ahead.add(record("c", { x: 3 }));
        await settle();
        expect(asked).to.deep.equal(["a", "b", "c"]);
    });

    it("gives an answer only for the same request: changed inputs or provider are asked again", async () => {
        const ahead = new AnalyzeAhead();
        const { pack } = fakePack();
        ahead.begin(pack);
        const provider = record(
            "east",
            { region: "us-east-1" },
            {
                urn: `${STACK}::pulumi:providers:aws::east`,
                type: "pulumi:providers:aws",
            },
        );
        const viaProvider = record("p", { x: 1 }, { provider: `${provider.urn}::id` });
        ahead.add(provider);
        ahead.add(viaProvider);
        ahead.add(record("a", { x: 1 }));
        await settle();
        expect(ahead.answerFor(record("a", { x: 1 }), undefined)).to.not.equal(undefined);
        expect(ahead.answerFor(record("a", { x: 2 }), undefined)).to.equal(undefined);
        expect(ahead.answerFor(record("a", { x: 1 }, { parent: `${STACK}::other` }), undefined)).to.equal(undefined);
        expect(ahead.answerFor(viaProvider, provider)).to.not.equal(undefined);
        expect(ahead.answerFor(viaProvider, { ...provider, inputs: { region: "us-west-2" } })).to.equal(undefined);
        expect(ahead.answerFor(record("never-recorded", {}), undefined)).to.equal(undefined);
    });

    it("does not analyse reads on inputs, and sends nothing once closed", async () => {
        const ahead = new AnalyzeAhead();
        const { pack, asked } = fakePack();
        ahead.add(record("read", {}, { external: true }));
        ahead.add(record("late", {}));
        ahead.close();
        ahead.begin(pack);
        ahead.add(record("later", {}));
        await settle();
        expect(asked).to.deep.equal([]);
    });
});
