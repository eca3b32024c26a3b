import { expect } from "chai";
import { PackHarness, startPack } from "../helpers/pack";
import { UNKNOWN } from "../../tools/gate/types";
import { of, undecidedOf } from "./spec-helpers";
import { base, network, T, withProps } from "./stack-fixture";

const GATEWAY = "ec2-vpc-gateway-endpoints-for-lambda-subnets";
const INTERFACE = "ec2-vpc-interface-endpoints-for-lambda-services";
const POLICY = "ec2-vpc-endpoint-policy-restricted";

describe("VPC endpoint rules", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    describe(GATEWAY, () => {
        it("passes S3 and DynamoDB gateway endpoints on the private route table", async () => {
            const vs = await pack.analyze(network());
            expect(of(vs, GATEWAY)).to.deep.equal([]);
            expect(undecidedOf(vs, GATEWAY)).to.deep.equal([]);
        });
        it("fails a missing DynamoDB endpoint", async () => {
            const vs = of(await pack.analyze(network({ dynamodb: undefined })), GATEWAY);
            expect(vs).to.have.length(1);
            expect(vs[0].enforcementLevel).to.equal("mandatory");
            expect(vs[0].message).to.include("missing dynamodb (subnet 'private-a', route table 'private-rt')");
        });
        it("fails an endpoint attached to another table, and accepts a VpcEndpointRouteTableAssociation", async () => {
            const elsewhere = withProps("s3", { routeTableIds: ["rtb-pub"] });
            expect(of(await pack.analyze(network({ s3: elsewhere })), GATEWAY)[0].message).to.include("missing s3");
            const assoc = { type: T.endpointRta, name: "s3-priv", props: { vpcEndpointId: "vpce-s3", routeTableId: "rtb-priv" } };
            expect(of(await pack.analyze(network({ s3: withProps("s3", { routeTableIds: [] }), assoc })), GATEWAY)).to.deep.equal([]);
        });
        it("fails an Interface endpoint where a Gateway one is required", async () => {
            const vs = of(await pack.analyze(network({ s3: withProps("s3", { vpcEndpointType: "Interface" }) })), GATEWAY);
            expect(vs[0].message).to.include("missing s3");
        });
        it("reports an unknown endpoint route table list as undecided", async () => {
            const vs = await pack.analyze(network({ s3: withProps("s3", { routeTableIds: UNKNOWN }) }));
            expect(of(vs, GATEWAY)).to.deep.equal([]);
            expect(undecidedOf(vs, GATEWAY)).to.have.length(1);
        });
    });

    describe(INTERFACE, () => {
        it("passes a Kinesis interface endpoint with private DNS in the function's subnets", async () => {
            expect(of(await pack.analyze(network()), INTERFACE)).to.deep.equal([]);
        });
        it("fails when the role can call Kinesis and no endpoint exists", async () => {
            const vs = of(await pack.analyze(network({ kinesis: undefined })), INTERFACE);
            expect(vs[0].message).to.include("must reach kinesis-streams through an Interface VPC endpoint (its role 'api-role' can call kinesis:*): no kinesis-streams Interface endpoint in its VPC");
        });
        it("fails an endpoint without private DNS or without an interface in a function AZ", async () => {
            expect(of(await pack.analyze(network({ kinesis: withProps("kinesis", { privateDnsEnabled: false }) })), INTERFACE)[0].message).to.include("privateDnsEnabled: true");
            expect(of(await pack.analyze(network({ kinesis: withProps("kinesis", { subnetIds: ["subnet-a"] }) })), INTERFACE)[0].message).to.include("'private-b'");
        });
        it("accepts a VpcEndpointSubnetAssociation", async () => {
            const assoc = { type: T.endpointSubnet, name: "kin-b", props: { vpcEndpointId: "vpce-kin", subnetId: "subnet-b" } };
            expect(of(await pack.analyze(network({ kinesis: withProps("kinesis", { subnetIds: ["subnet-a"] }), assoc })), INTERFACE)).to.deep.equal([]);
        });
        it("does not require the endpoint when the role cannot call Kinesis", async () => {
            const policy = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:us-west-2:1:table/t" }] });
            const vs = of(await pack.analyze(network({ kinesis: undefined, "api-kinesis": { ...base("api-kinesis"), props: { role: "api-role", policy } } })), INTERFACE);
            expect(vs).to.deep.equal([]);
        });
    });

    describe(POLICY, () => {
        it("accepts Principal * pinned by aws:PrincipalAccount (negative control)", async () => {
            const vs = await pack.analyze(network());
            expect(vs.filter((v) => v.policyName === POLICY)).to.deep.equal([]);
        });
        it("flags a missing or wide-open policy as advisory", async () => {
            const open = JSON.stringify({ Statement: { Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" } });
            const vs = of(await pack.analyze(network({ s3: withProps("s3", { policy: open }), dynamodb: withProps("dynamodb", { policy: undefined }) })), POLICY);
            expect(vs.map((v) => v.enforcementLevel)).to.deep.equal(["advisory", "advisory"]);
            expect(vs[0].message).to.include("statement[0]");
            expect(vs[1].message).to.include("must have an endpoint policy");
        });
        it("accepts Principal * limited to named resources", async () => {
            const scoped = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" }] });
            expect(of(await pack.analyze(network({ s3: withProps("s3", { policy: scoped }) })), POLICY)).to.deep.equal([]);
        });
    });
});
