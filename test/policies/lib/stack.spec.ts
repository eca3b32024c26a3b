import { expect } from "chai";
import type { StackValidationArgs } from "@pulumi/policy";
import { callStackView } from "../../../policies/lib/rule";
import { AWS_TYPES } from "../../../policies/lib/types";

type SdkResources = StackValidationArgs["resources"];

/**
 * What @pulumi/policy hands one stack policy: fresh resource objects per policy, whose
 * `opts.aliases` is the array of the request message (the same for every policy of a call).
 */
function sdkResources(
    urns: string[],
    aliases: unknown[][],
    props: (i: number) => Record<string, unknown> = () => ({}),
): SdkResources {
    return urns.map((urn, i) => ({
        urn,
        type: AWS_TYPES.vpc,
        name: urn.split("::").pop()!,
        props: props(i),
        opts: { protect: false, ignoreChanges: [], aliases: aliases[i], additionalSecretOutputs: [] },
        dependencies: [],
        propertyDependencies: {},
    })) as unknown as SdkResources;
}

describe("stack view shared by the stack rules of one AnalyzeStack call", () => {
    const urns = ["urn:a::vpc-a", "urn:a::vpc-b"];

    it("is built once per call: same message arrays and URNs give the same view", () => {
        const message = [[], []];
        const first = callStackView(sdkResources(urns, message, () => ({ id: "vpc-1" })));
        const second = callStackView(sdkResources(urns, message, () => ({ id: "vpc-1" })));
        expect(second).to.equal(first);
        expect(second.index).to.equal(first.index);
    });

    it("is rebuilt for the next call (a new message), even with the same URNs", () => {
        const before = callStackView(sdkResources(urns, [[], []], () => ({ cidrBlock: "10.0.0.0/16" })));
        const after = callStackView(sdkResources(urns, [[], []], () => ({ cidrBlock: "0.0.0.0/0" })));
        expect(after).to.not.equal(before);
        expect(after.resources[0]!.props.cidrBlock).to.equal("0.0.0.0/0");
    });

    it("is rebuilt when the URNs differ", () => {
        const message = [[], [], []];
        const two = callStackView(sdkResources(urns, message));
        const three = callStackView(sdkResources([...urns, "urn:a::vpc-c"], message));
        expect(three).to.not.equal(two);
        expect(three.resources).to.have.length(3);
    });

    it("is never shared when the key array does not belong to one message (shared between resources)", () => {
        const shared: unknown[] = [];
        const first = callStackView(sdkResources(urns, [shared, shared]));
        const second = callStackView(sdkResources(urns, [shared, shared]));
        expect(second).to.not.equal(first);
    });
});
