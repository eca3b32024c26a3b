/**
 * Tier 4, network and security (infra/network.ts): VPC, subnets, endpoints, security groups, NAT, flow logs.
 * Read from what the engine would see: the dev stack under the gate's recording mock monitor,
 * every output resolved (test/infra/program.ts).
 */
import { expect } from "chai";
import { Program, T, byOutput, named, ofType, program, statements } from "./program";

describe("infra network (dev stack, resolved)", () => {
    let p: Program;
    before(async () => (p = await program("resolved")));

    it("turns on DNS support and hostnames (private DNS of the Kinesis endpoint needs both)", () => {
        const vpc = ofType(p, "aws:ec2/vpc:Vpc")[0];
        expect(vpc.inputs).to.include({ enableDnsSupport: true, enableDnsHostnames: true });
    });

    it("puts every VPC function in private subnets: no route to the internet gateway", () => {
        const igwIds = ofType(p, T.internetGateway).map((g) => g.outputs.id);
        const vpcFunctions = ofType(p, T.function).filter((f) => f.inputs.vpcConfig);
        expect(vpcFunctions).to.have.length(2);
        for (const fn of vpcFunctions) {
            const subnetIds = (fn.inputs.vpcConfig as { subnetIds: string[] }).subnetIds;
            expect(subnetIds.length, fn.name).to.be.at.least(2);
            for (const subnetId of subnetIds) {
                const routeTables = ofType(p, T.routeTableAssociation)
                    .filter((a) => a.inputs.subnetId === subnetId)
                    .map((a) => a.inputs.routeTableId);
                expect(routeTables, `${fn.name} ${subnetId}`).to.have.length(1);
                const routes = ofType(p, T.route).filter((r) => routeTables.includes(r.inputs.routeTableId));
                expect(
                    routes.some((r) => igwIds.includes(r.inputs.gatewayId)),
                    `${fn.name} ${subnetId}`,
                ).to.equal(false);
            }
        }
    });

    it("spreads each VPC function over two availability zones", () => {
        for (const fn of ofType(p, T.function).filter((f) => f.inputs.vpcConfig)) {
            const zones = (fn.inputs.vpcConfig as { subnetIds: string[] }).subnetIds.map(
                (id) => byOutput(p, T.subnet, id)!.inputs.availabilityZone,
            );
            expect(new Set(zones).size, fn.name).to.equal(2);
        }
    });

    it("attaches the S3 and DynamoDB gateway endpoints to every private route table", () => {
        const privateTables = ofType(p, T.routeTableAssociation)
            .filter((a) => /private/.test(a.name))
            .map((a) => a.inputs.routeTableId);
        for (const service of ["s3", "dynamodb"]) {
            const endpoint = ofType(p, T.vpcEndpoint).find(
                (e) => e.inputs.serviceName === `com.amazonaws.us-west-2.${service}`,
            )!;
            expect(endpoint.inputs.vpcEndpointType).to.equal("Gateway");
            expect(endpoint.inputs.routeTableIds).to.have.members(privateTables);
        }
    });

    it("restricts every endpoint policy to this stack's resources and account", () => {
        const outputs = p.stackOutputs;
        for (const endpoint of ofType(p, T.vpcEndpoint)) {
            for (const s of statements(endpoint.inputs.policy)) {
                expect(s.Condition?.StringEquals?.["aws:PrincipalAccount"], endpoint.name).to.equal("123456789012");
                const resources = ([] as string[]).concat(s.Resource ?? []);
                expect(
                    resources.every(
                        (r) =>
                            r.includes(String(outputs.tableName)) ||
                            r.includes(String(outputs.streamName)) ||
                            r.includes(String(outputs.processedBucketName)),
                    ),
                    endpoint.name,
                ).to.equal(true);
            }
        }
    });

    it("gives Lambda security groups no ingress and only HTTPS egress to the endpoints", () => {
        const endpointSg = named(p, T.securityGroup, "network-endpoint-sg").outputs.id;
        const prefixLists = ofType(p, T.vpcEndpoint)
            .map((e) => e.outputs.prefixListId)
            .filter(Boolean);
        for (const name of ["network-api-fn-sg", "network-stream-processor-fn-sg"]) {
            const sg = named(p, T.securityGroup, name);
            expect(sg.inputs.ingress ?? [], name).to.deep.equal([]);
            const egress = sg.inputs.egress as {
                fromPort: number;
                toPort: number;
                cidrBlocks?: string[];
                securityGroups?: string[];
                prefixListIds?: string[];
            }[];
            expect(egress.length, name).to.be.greaterThan(0);
            for (const rule of egress) {
                expect([rule.fromPort, rule.toPort], name).to.deep.equal([443, 443]);
                expect(rule.cidrBlocks ?? [], name).to.deep.equal([]);
                const targets = [...(rule.securityGroups ?? []), ...(rule.prefixListIds ?? [])];
                expect(
                    targets.every((t) => t === endpointSg || prefixLists.includes(t)),
                    name,
                ).to.equal(true);
            }
        }
    });

    it("empties the default security group and logs all VPC traffic to an encrypted group", () => {
        const defaultSg = ofType(p, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")[0];
        expect(defaultSg.inputs.ingress ?? []).to.deep.equal([]);
        expect(defaultSg.inputs.egress ?? []).to.deep.equal([]);
        const flowLog = ofType(p, "aws:ec2/flowLog:FlowLog")[0];
        expect(flowLog.inputs.trafficType).to.equal("ALL");
        const group = byOutput(p, T.logGroup, flowLog.inputs.logDestination)!;
        expect(group.inputs.kmsKeyId).to.be.a("string");
    });

    it("creates one NAT gateway by default and one per AZ with natStrategy perAz", async () => {
        expect(ofType(p, T.natGateway)).to.have.length(1);
        const perAz = await program("resolved", {
            "secure-web-app:natStrategy": "perAz",
            "secure-web-app:azCount": "3",
        });
        expect(ofType(perAz, T.natGateway)).to.have.length(3);
    });
});
