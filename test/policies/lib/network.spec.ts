/** Unit tests of lib/network.ts, lib/stack.ts and lib/edge.ts on plain resources (the rule specs use the pack). */
import { expect } from "chai";
import { functionPlacement, networkOf, VPC_MAIN_UNMANAGED } from "../../../policies/lib/network";
import { AWS_TYPES } from "../../../policies/lib/types";
import { edgeFunctions, trustsService } from "../../../policies/lib/edge";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import type { StackResource } from "../../../policies/lib/rule";
import { StackIndex } from "../../../policies/lib/stack";
import { EDGE_TRUST, network, urnOf } from "../support";

function stackIndex(
    resources: {
        type: string;
        name: string;
        props?: Record<string, unknown>;
        propertyDependencies?: Record<string, string[]>;
    }[],
): StackIndex {
    const rs: StackResource[] = resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: urnOf(r.type, r.name),
        props: r.props ?? {},
        dependencies: [],
        propertyDependencies: r.propertyDependencies ?? {},
    }));
    return new StackIndex(rs);
}
const subnet = (index: StackIndex, name: string) => index.ofType(AWS_TYPES.subnet).find((s) => s.name === name)!;

describe("stack index and network facts", () => {
    it("groups companion resources by the resource they name, in stack order, and keeps the ones it cannot tie", () => {
        const index = stackIndex([
            { type: AWS_TYPES.bucket, name: "site", props: { bucket: "site-bkt" } },
            { type: AWS_TYPES.bucket, name: "logs", props: { bucket: "logs-bkt" } },
            { type: AWS_TYPES.bucketPolicy, name: "site-policy", props: { bucket: "site-bkt" } },
            {
                type: AWS_TYPES.bucketPolicy,
                name: "by-dependency",
                props: { bucket: PACK_UNKNOWN },
                propertyDependencies: { bucket: [urnOf(AWS_TYPES.bucket, "site")] },
            },
            { type: AWS_TYPES.bucketPolicy, name: "unknown", props: { bucket: PACK_UNKNOWN } },
            { type: AWS_TYPES.bucketPolicy, name: "elsewhere", props: { bucket: "other-account-bkt" } },
        ]);
        const { byTarget, unresolved } = index.groupedByReference(AWS_TYPES.bucketPolicy, "bucket", AWS_TYPES.bucket);
        expect([...byTarget.keys()]).to.deep.equal([urnOf(AWS_TYPES.bucket, "site")]);
        expect(byTarget.get(urnOf(AWS_TYPES.bucket, "site"))!.map((p) => p.name)).to.deep.equal([
            "site-policy",
            "by-dependency",
        ]);
        expect(unresolved.map((p) => p.name)).to.deep.equal(["unknown", "elsewhere"]);
    });

    it("resolves the effective route table: explicit association, else the VPC's main table", () => {
        const index = stackIndex(network({ "private-b-rta": undefined }));
        expect(networkOf(index).effectiveRouteTable(subnet(index, "private-a"))).to.equal(
            urnOf(AWS_TYPES.routeTable, "private-rt"),
        );
        expect(networkOf(index).effectiveRouteTable(subnet(index, "private-b"))).to.equal("rtb-main");
        const unmanaged = stackIndex(
            network({ "private-b-rta": undefined, vpc: { type: AWS_TYPES.vpc, name: "vpc", props: { id: "vpc-1" } } }),
        );
        expect(networkOf(unmanaged).effectiveRouteTable(subnet(unmanaged, "private-b"))).to.equal(VPC_MAIN_UNMANAGED);
    });

    it("classifies inline and separate routes by target", () => {
        const index = stackIndex(network());
        expect(networkOf(index).subnetPrivacy(subnet(index, "public-a"))).to.deep.include({ status: "public" });
        expect(networkOf(index).subnetPrivacy(subnet(index, "private-a")).status).to.equal("private");
    });

    it("returns undecided, not public, for an unknown gateway on an unplaced route", () => {
        const index = stackIndex(
            network({
                u: { type: AWS_TYPES.route, name: "u", props: { routeTableId: PACK_UNKNOWN, gatewayId: PACK_UNKNOWN } },
            }),
        );
        expect(networkOf(index).subnetPrivacy(subnet(index, "private-a")).status).to.equal("undecided");
    });

    it("reports a subnet of a VPC outside the stack as external", () => {
        const index = stackIndex([
            { type: AWS_TYPES.subnet, name: "s", props: { id: "subnet-x", vpcId: "vpc-elsewhere" } },
        ]);
        expect(networkOf(index).subnetPrivacy(subnet(index, "s")).status).to.equal("external");
    });

    it("places a function by vpcConfig (object or one-element list) and by dependencies when unknown", () => {
        const index = stackIndex(network());
        const fn = index.ofType(AWS_TYPES.lambdaFunction)[0];
        const placement = functionPlacement(index, fn);
        expect(placement.kind === "vpc" && placement.subnets.map((s) => s.name)).to.deep.equal([
            "private-a",
            "private-b",
        ]);
        const listForm = stackIndex([
            ...network(),
            {
                type: AWS_TYPES.lambdaFunction,
                name: "f2",
                props: { vpcConfig: [{ subnetIds: ["subnet-a"], securityGroupIds: ["sg-1"] }] },
            },
        ]);
        const p2 = functionPlacement(
            listForm,
            listForm.ofType(AWS_TYPES.lambdaFunction).find((f) => f.name === "f2")!,
        );
        expect(p2.kind).to.equal("vpc");
        const dep = stackIndex([
            ...network(),
            {
                type: AWS_TYPES.lambdaFunction,
                name: "f3",
                props: { vpcConfig: { subnetIds: PACK_UNKNOWN } },
                propertyDependencies: { vpcConfig: [urnOf(AWS_TYPES.subnet, "private-b")] },
            },
        ]);
        const p3 = functionPlacement(
            dep,
            dep.ofType(AWS_TYPES.lambdaFunction).find((f) => f.name === "f3")!,
        );
        expect(p3.kind === "vpc" && p3.subnets.map((s) => s.name)).to.deep.equal(["private-b"]);
    });

    it("derives the network facts once per index, so the rules of one call share them", () => {
        const index = stackIndex(network());
        expect(networkOf(index)).to.equal(networkOf(index));
        expect(networkOf(stackIndex(network()))).to.not.equal(networkOf(index));
    });

    it("resolves a qualified Lambda ARN to its function", () => {
        const index = stackIndex(network());
        expect(
            index.named("arn:aws:lambda:us-west-2:123456789012:function:api-fn:7", AWS_TYPES.lambdaFunction)?.name,
        ).to.equal("api");
    });
});

describe("Lambda@Edge recognition", () => {
    it("needs an association, or us-east-1 + published + edgelambda trust", () => {
        const index = stackIndex([
            {
                type: AWS_TYPES.iamRole,
                name: "edge-role",
                props: { arn: "arn:role/edge", assumeRolePolicy: EDGE_TRUST },
            },
            {
                type: AWS_TYPES.lambdaFunction,
                name: "edge",
                props: { region: "us-east-1", publish: true, role: "arn:role/edge" },
            },
            {
                type: AWS_TYPES.lambdaFunction,
                name: "east-plain",
                props: { region: "us-east-1", publish: true, role: "arn:role/other" },
            },
        ]);
        const edge = edgeFunctions(index);
        expect([...edge.keys()]).to.deep.equal([urnOf(AWS_TYPES.lambdaFunction, "edge")]);
        expect(edge.get(urnOf(AWS_TYPES.lambdaFunction, "edge"))).to.include(
            "its role trusts edgelambda.amazonaws.com",
        );
    });

    it("reads trust policies as strings or objects and never throws on junk", () => {
        expect(trustsService(EDGE_TRUST, "edgelambda.amazonaws.com")).to.equal(true);
        expect(trustsService(JSON.parse(EDGE_TRUST), "edgelambda.amazonaws.com")).to.equal(true);
        for (const junk of [
            null,
            7,
            "{",
            { Statement: "x" },
            { Statement: [null, { Effect: "Allow", Principal: 5 }] },
        ]) {
            expect(trustsService(junk, "edgelambda.amazonaws.com")).to.equal(false);
        }
    });
});
