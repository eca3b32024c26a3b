import { expect } from "chai";
import { PackHarness, startPack, TestResource, urnOf } from "../helpers/pack";
import { UNKNOWN } from "../../tools/gate/types";
import type { Violation } from "../../tools/gate/types";
import { of, undecidedOf } from "./spec-helpers";
import { base, EDGE_TRUST, network, T, withProps } from "./stack-fixture";

const PRIVATE = "lambda-function-in-private-subnets";
const MULTI_AZ = "lambda-function-subnets-multi-az";
const INGRESS = "ec2-security-group-no-public-ingress";
const DEFAULT_SG = "ec2-default-security-group-no-rules";
const FLOW_LOGS = "ec2-vpc-flow-logs-enabled";
const DNS = "ec2-vpc-dns-enabled-for-private-endpoints";
const EGRESS = "ec2-lambda-security-group-egress-restricted";
const SG_EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";


describe("network rules", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());
    afterEach(async () => pack.configure({}));

    describe(PRIVATE, () => {
        it("passes the compliant stack (private subnets routed to a NAT by a separate Route)", async () => {
            const vs = await pack.analyze(network());
            expect(of(vs, PRIVATE)).to.deep.equal([]);
            expect(undecidedOf(vs, PRIVATE)).to.deep.equal([]);
        });

        it("fails a function without vpcConfig", async () => {
            const fn = base("api");
            const { vpcConfig: _, ...props } = fn.props!;
            const vs = of(await pack.analyze(network({ api: { ...fn, props } })), PRIVATE);
            expect(vs).to.have.length(1);
            expect(vs[0].enforcementLevel).to.equal("mandatory");
            expect(vs[0].message).to.match(/^aws\.lambda\.Function 'api' must run in private subnets: set vpcConfig\.subnetIds/);
        });

        it("fails a function without security groups", async () => {
            const vs = of(await pack.analyze(network({ api: withProps("api", { vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: [] } }) })), PRIVATE);
            expect(vs.map((v) => v.message)).to.satisfy((ms: string[]) => ms.some((m) => m.includes("vpcConfig.securityGroupIds")));
        });

        it("fails a subnet whose explicit route table has an inline route to the internet gateway", async () => {
            const vs = of(await pack.analyze(network({ "private-a-rta": { type: T.rta, name: "private-a-rta", props: { subnetId: "subnet-a", routeTableId: "rtb-pub" } } })), PRIVATE);
            expect(vs).to.have.length(1);
            expect(vs[0].message).to.include("subnet 'private-a', which is public");
            expect(vs[0].message).to.include("0.0.0.0/0 to an internet gateway (public-rt.routes[0]");
        });

        it("fails a private table given a separate aws.ec2.Route to the internet gateway", async () => {
            const vs = of(await pack.analyze(network({ "igw-route": { type: T.route, name: "igw-route", props: { routeTableId: "rtb-priv", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-1" } } })), PRIVATE);
            expect(vs).to.have.length(2);
            expect(vs[0].message).to.include("aws.ec2.Route 'igw-route'");
        });

        it("recognises the internet gateway by its stack resource when its id has no igw- prefix", async () => {
            const vs = of(await pack.analyze(network({
                igw: { type: T.igw, name: "igw", props: { id: "gw-mock-7", vpcId: "vpc-1" } },
                "igw-route": { type: T.route, name: "igw-route", props: { routeTableId: "rtb-priv", destinationCidrBlock: "10.9.0.0/16", gatewayId: "gw-mock-7" } },
            })), PRIVATE);
            expect(vs).to.have.length(2);
        });

        it("fails an IPv6 route (::/0) to the internet gateway, and accepts an egress-only gateway", async () => {
            const ipv6 = (target: Record<string, unknown>) => ({ type: T.route, name: "v6", props: { routeTableId: "rtb-priv", destinationIpv6CidrBlock: "::/0", ...target } });
            expect(of(await pack.analyze(network({ v6: ipv6({ gatewayId: "igw-1" }) })), PRIVATE)[0].message).to.include("::/0 to an internet gateway");
            expect(of(await pack.analyze(network({ v6: ipv6({ egressOnlyGatewayId: "eigw-1" }) })), PRIVATE)).to.deep.equal([]);
        });

        it("fails a subnet with mapPublicIpOnLaunch", async () => {
            const vs = of(await pack.analyze(network({ "private-b": withProps("private-b", { mapPublicIpOnLaunch: true }) })), PRIVATE);
            expect(vs[0].message).to.include("mapPublicIpOnLaunch is true");
        });

        it("judges an unassociated subnet by the main route table set by MainRouteTableAssociation", async () => {
            const stack = network({ "private-b-rta": undefined, main: { type: T.mrta, name: "main", props: { vpcId: "vpc-1", routeTableId: "rtb-pub" } } });
            expect(of(await pack.analyze(stack), PRIVATE)[0].message).to.include("subnet 'private-b', which is public");
            const ok = network({ "private-b-rta": undefined, main: { type: T.mrta, name: "main", props: { vpcId: "vpc-1", routeTableId: "rtb-priv" } } });
            expect(of(await pack.analyze(ok), PRIVATE)).to.deep.equal([]);
        });

        it("judges an unassociated subnet by the VPC's default route table (DefaultRouteTable routes)", async () => {
            const drt = (routes: unknown[]) => ({ type: T.drt, name: "default-rt", props: { id: "rtb-main", defaultRouteTableId: "rtb-main", vpcId: "vpc-1", routes } });
            const pub = network({ "private-b-rta": undefined, "default-rt": drt([{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }]) });
            expect(of(await pack.analyze(pub), PRIVATE)).to.have.length(1);
            const priv = network({ "private-b-rta": undefined, "default-rt": drt([{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }]) });
            expect(of(await pack.analyze(priv), PRIVATE)).to.deep.equal([]);
        });

        it("accepts an unassociated subnet of a VPC whose unmanaged main table has only the local route", async () => {
            expect(of(await pack.analyze(network({ "private-b-rta": undefined })), PRIVATE)).to.deep.equal([]);
        });

        it("fails a subnet outside the stack unless listed in trustedSubnetIds", async () => {
            const stack = network({ api: withProps("api", { vpcConfig: { subnetIds: ["subnet-a", "subnet-shared"], securityGroupIds: ["sg-1"] } }) });
            expect(of(await pack.analyze(stack), PRIVATE)[0].message).to.include("'subnet-shared', which is not in this stack");
            await pack.configure({ [PRIVATE]: { trustedSubnetIds: ["subnet-shared"] } });
            expect(of(await pack.analyze(stack), PRIVATE)).to.deep.equal([]);
        });

        it("does not judge a Lambda@Edge function deployed with a us-east-1 provider (no VPC possible)", async () => {
            const providerUrn = urnOf(T.provider, "us-east-1");
            const edge: TestResource[] = [
                { type: T.provider, name: "us-east-1", id: "prov-1", props: { region: "us-east-1" }, custom: true },
                { type: T.role, name: "edge-role", props: { arn: "arn:aws:iam::123456789012:role/edge-role", assumeRolePolicy: EDGE_TRUST } },
                { type: T.fn, name: "edge", provider: `${providerUrn}::prov-1`, props: { arn: "arn:aws:lambda:us-east-1:123456789012:function:edge", publish: true, runtime: "nodejs20.x", role: "arn:aws:iam::123456789012:role/edge-role" } },
            ];
            const vs = await pack.analyze(network(Object.fromEntries(edge.map((r) => [r.name, r]))));
            expect(of(vs, PRIVATE)).to.deep.equal([]);
            expect(of(vs, MULTI_AZ)).to.deep.equal([]);
        });

        it("does not judge an edge function that sets region: us-east-1 itself and is associated by a distribution", async () => {
            const edge: TestResource[] = [
                { type: T.fn, name: "edge", props: { arn: "arn:aws:lambda:us-east-1:123456789012:function:edge", qualifiedArn: "arn:aws:lambda:us-east-1:123456789012:function:edge:3", region: "us-east-1", publish: true, role: "arn:aws:iam::123456789012:role/x" } },
                { type: T.distribution, name: "cdn", props: { defaultCacheBehavior: { viewerProtocolPolicy: "redirect-to-https", lambdaFunctionAssociations: [{ eventType: "viewer-request", lambdaArn: "arn:aws:lambda:us-east-1:123456789012:function:edge:3" }] }, origins: [] } },
            ];
            const vs = await pack.analyze(network(Object.fromEntries(edge.map((r) => [r.name, r]))));
            expect(of(vs, PRIVATE)).to.deep.equal([]);
        });

        it("still judges a us-east-1 function that is not edge (no association, no edgelambda trust)", async () => {
            const vs = of(await pack.analyze(network({ plain: { type: T.fn, name: "plain", props: { region: "us-east-1", publish: true, role: "arn:aws:iam::123456789012:role/api-role" } } })), PRIVATE);
            expect(vs.map((v) => v.resourceName)).to.deep.equal(["plain"]);
        });

        it("reports unknown subnets as undecided, never mandatory", async () => {
            const vs = await pack.analyze(network({ api: withProps("api", { vpcConfig: { subnetIds: UNKNOWN, securityGroupIds: ["sg-1"] } }) }));
            expect(of(vs, PRIVATE)).to.deep.equal([]);
            expect(undecidedOf(vs, PRIVATE)).to.have.length(1);
            expect(undecidedOf(vs, PRIVATE)[0].enforcementLevel).to.equal("advisory");
        });

        it("decides a first preview through property dependencies (ids unknown)", async () => {
            const u = (type: string, name: string) => urnOf(type, name);
            const stack: TestResource[] = [
                { type: T.vpc, name: "vpc", props: { id: UNKNOWN } },
                { type: T.igw, name: "igw", props: { id: UNKNOWN } },
                { type: T.subnet, name: "private-a", props: { id: UNKNOWN, vpcId: UNKNOWN, availabilityZone: "us-west-2a" }, propertyDependencies: { vpcId: [u(T.vpc, "vpc")] } },
                { type: T.rt, name: "rt", props: { id: UNKNOWN, vpcId: UNKNOWN } },
                { type: T.route, name: "default", props: { routeTableId: UNKNOWN, destinationCidrBlock: "0.0.0.0/0", gatewayId: UNKNOWN }, propertyDependencies: { routeTableId: [u(T.rt, "rt")], gatewayId: [u(T.igw, "igw")] } },
                { type: T.rta, name: "rta", props: { subnetId: UNKNOWN, routeTableId: UNKNOWN }, propertyDependencies: { subnetId: [u(T.subnet, "private-a")], routeTableId: [u(T.rt, "rt")] } },
                { type: T.fn, name: "api", props: { vpcConfig: { subnetIds: [UNKNOWN], securityGroupIds: [UNKNOWN] } }, propertyDependencies: { vpcConfig: [u(T.subnet, "private-a")] } },
            ];
            const vs = of(await pack.analyze(stack), PRIVATE);
            expect(vs).to.have.length(1);
            expect(vs[0].message).to.include("to an internet gateway");
        });

        it("does not throw on hostile shapes", async () => {
            const vs = await pack.analyze(network({
                api: withProps("api", { vpcConfig: [{ subnetIds: "subnet-a", securityGroupIds: null }] }),
                "public-rt": withProps("public-rt", { routes: [null, 7, "x", { gatewayId: 5 }] }),
                junk: { type: T.route, name: "junk", props: { routeTableId: { nested: true }, gatewayId: ["igw-1"] } },
            }));
            expect(vs.filter((v) => /could not (be )?check/.test(v.message))).to.deep.equal([]);
        });
    });

    describe(MULTI_AZ, () => {
        it("passes two AZs and fails one", async () => {
            expect(of(await pack.analyze(network()), MULTI_AZ)).to.deep.equal([]);
            const one = network({ api: withProps("api", { vpcConfig: { subnetIds: ["subnet-a"], securityGroupIds: ["sg-1"] } }) });
            const vs = of(await pack.analyze(one), MULTI_AZ);
            expect(vs[0].message).to.include("at least 2 Availability Zones: vpcConfig.subnetIds spans 1 (us-west-2a)");
        });
    });

    describe(INGRESS, () => {
        const open = (vs: Violation[]) => of(vs, INGRESS).map((v) => `${v.resourceName}: ${v.message}`);
        it("passes groups without public ingress", async () => {
            expect(open(await pack.analyze(network()))).to.deep.equal([]);
        });
        it("fails inline ingress from 0.0.0.0/0 and ::/0", async () => {
            const sg = withProps("lambda-sg", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }, { protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }] });
            const vs = open(await pack.analyze(network({ "lambda-sg": sg })));
            expect(vs).to.have.length(2);
            expect(vs[0]).to.include("ingress[0].cidrBlocks opens port 22");
            expect(vs[1]).to.include("ingress[1].ipv6CidrBlocks opens all ports");
        });
        it("fails an aws.ec2.SecurityGroupRule of type ingress, not one of type egress", async () => {
            const rule = (type: string) => ({ type: T.sgRule, name: "r", props: { type, securityGroupId: "sg-1", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] } });
            expect(open(await pack.analyze(network({ r: rule("ingress") })))).to.have.length(1);
            expect(open(await pack.analyze(network({ r: rule("egress") })))).to.deep.equal([]);
        });
        it("fails an aws.vpc.SecurityGroupIngressRule with cidrIpv4 or cidrIpv6", async () => {
            const v4 = { type: T.sgIngress, name: "v4", props: { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 3389, toPort: 3389, cidrIpv4: "0.0.0.0/0" } };
            const v6 = { type: T.sgIngress, name: "v6", props: { securityGroupId: "sg-1", ipProtocol: "-1", cidrIpv6: "::/0" } };
            expect(open(await pack.analyze(network({ v4, v6 })))).to.have.length(2);
        });
        it("accepts configured allowedPorts and narrow CIDRs", async () => {
            const rule = { type: T.sgIngress, name: "https", props: { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" } };
            const narrow = { type: T.sgIngress, name: "narrow", props: { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "10.0.0.0/8" } };
            await pack.configure({ [INGRESS]: { allowedPorts: [443] } });
            expect(open(await pack.analyze(network({ https: rule, narrow })))).to.deep.equal([]);
        });
        it("reports an unknown CIDR as undecided", async () => {
            const vs = await pack.analyze(network({ u: { type: T.sgIngress, name: "u", props: { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 1, toPort: 1, cidrIpv4: UNKNOWN } } }));
            expect(of(vs, INGRESS)).to.deep.equal([]);
            expect(undecidedOf(vs, INGRESS)).to.have.length(1);
        });
    });

    describe(EGRESS, () => {
        const open = (vs: Violation[]) => of(vs, EGRESS).map((v) => `${v.resourceName}: ${v.message}`);
        const ALL_V4 = { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] };
        it("passes the Lambda group whose egress is HTTPS inside the VPC", async () => {
            const vs = await pack.analyze(network());
            expect(open(vs)).to.deep.equal([]);
            expect(undecidedOf(vs, EGRESS)).to.deep.equal([]);
        });
        it("fails inline egress of all traffic to 0.0.0.0/0 or ::/0 (protocol -1, or every port) on the Lambda's group", async () => {
            const sg = withProps("lambda-sg", {
                egress: [ALL_V4, { protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }, { protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] }],
            });
            const vs = of(await pack.analyze(network({ "lambda-sg": sg })), EGRESS);
            expect(vs).to.have.length(3);
            expect(vs.every((v) => v.enforcementLevel === "mandatory" && v.urn === urnOf(T.sg, "lambda-sg"))).to.equal(true);
            expect(vs[0].message).to.match(/^aws\.ec2\.SecurityGroup 'lambda-sg' must not allow all traffic to 0\.0\.0\.0\/0 \(egress\[0\]\.cidrBlocks\), which Lambda function 'api' uses: allow HTTPS/);
            expect(vs[1].message).to.include("::/0 (egress[1].ipv6CidrBlocks)");
            expect(vs[2].message).to.include("(egress[2].cidrBlocks)");
        });
        it("passes a port-scoped rule to the world (HTTPS through NAT) and all traffic to a narrow CIDR", async () => {
            const sg = withProps("lambda-sg", {
                egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }, { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/16"] }],
            });
            expect(open(await pack.analyze(network({ "lambda-sg": sg })))).to.deep.equal([]);
        });
        it("does not judge a group no Lambda function uses", async () => {
            const other = { type: T.sg, name: "bastion-sg", props: { id: "sg-9", vpcId: "vpc-1", ingress: [], egress: [ALL_V4] } };
            const rule = { type: T.sgRule, name: "r", props: { type: "egress", securityGroupId: "sg-9", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] } };
            expect(open(await pack.analyze(network({ "bastion-sg": other, r: rule })))).to.deep.equal([]);
        });
        it("fails an aws.ec2.SecurityGroupRule of type egress on the Lambda's group, not one of type ingress", async () => {
            const rule = (type: string) => ({ type: T.sgRule, name: "r", props: { type, securityGroupId: "sg-1", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] } });
            const vs = of(await pack.analyze(network({ r: rule("egress") })), EGRESS);
            expect(vs).to.have.length(1);
            expect(vs[0].urn).to.equal(urnOf(T.sgRule, "r"));
            expect(vs[0].message).to.include("'r' must not allow all traffic to 0.0.0.0/0 (cidrBlocks) to security group 'lambda-sg', which Lambda function 'api' uses");
            expect(open(await pack.analyze(network({ r: rule("ingress") })))).to.deep.equal([]);
        });
        it("fails an aws.vpc.SecurityGroupEgressRule with cidrIpv4 or cidrIpv6 and all protocols", async () => {
            const v4 = { type: SG_EGRESS, name: "v4", props: { securityGroupId: "sg-1", ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" } };
            const v6 = { type: SG_EGRESS, name: "v6", props: { securityGroupId: "sg-1", ipProtocol: "-1", cidrIpv6: "::/0" } };
            const https = { type: SG_EGRESS, name: "https", props: { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" } };
            const vs = of(await pack.analyze(network({ v4, v6, https })), EGRESS);
            expect(vs.map((v) => v.resourceName).sort()).to.deep.equal(["v4", "v6"]);
        });
        it("ties groups and rules through property dependencies when ids are unknown (first preview)", async () => {
            const fn = withProps("api", { vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: [UNKNOWN] } });
            const sg = withProps("lambda-sg", { id: UNKNOWN });
            const rule = {
                type: SG_EGRESS, name: "v4", props: { securityGroupId: UNKNOWN, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" },
                propertyDependencies: { securityGroupId: [urnOf(T.sg, "lambda-sg")] },
            };
            const vs = await pack.analyze(network({
                api: { ...fn, propertyDependencies: { vpcConfig: [urnOf(T.sg, "lambda-sg"), urnOf(T.subnet, "private-a"), urnOf(T.subnet, "private-b")] } },
                "lambda-sg": sg,
                v4: rule,
            }));
            expect(of(vs, EGRESS).map((v) => v.resourceName)).to.deep.equal(["v4"]);
        });
        it("is undecided, never mandatory, when groups, CIDRs or protocols are unknown", async () => {
            const fnUnknown = withProps("api", { vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: [UNKNOWN] } });
            let vs = await pack.analyze(network({ api: fnUnknown }));
            expect(of(vs, EGRESS)).to.deep.equal([]);
            expect(undecidedOf(vs, EGRESS)).to.have.length(1);
            const sg = withProps("lambda-sg", { egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: UNKNOWN }, { protocol: UNKNOWN, fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] });
            vs = await pack.analyze(network({ "lambda-sg": sg }));
            expect(of(vs, EGRESS)).to.deep.equal([]);
            expect(undecidedOf(vs, EGRESS)).to.have.length(1);
            const orphan = { type: SG_EGRESS, name: "v4", props: { securityGroupId: UNKNOWN, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" } };
            vs = await pack.analyze(network({ v4: orphan }));
            expect(of(vs, EGRESS)).to.deep.equal([]);
            expect(undecidedOf(vs, EGRESS)).to.have.length(1);
        });
        it("does not throw on hostile shapes", async () => {
            const sg = withProps("lambda-sg", { egress: [null, 42, { cidrBlocks: [null, 7] }] });
            const fn = withProps("api", { vpcConfig: [{ subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: "sg-1" }] });
            const vs = await pack.analyze(network({ "lambda-sg": sg, api: fn }));
            expect(of(vs, EGRESS)).to.deep.equal([]);
        });
    });

    describe(DEFAULT_SG, () => {
        it("passes an emptied default group, fails rules on it and a VPC without one", async () => {
            expect(of(await pack.analyze(network()), DEFAULT_SG)).to.deep.equal([]);
            const ruled = of(await pack.analyze(network({ "default-sg": withProps("default-sg", { ingress: [{ protocol: "-1", self: true, fromPort: 0, toPort: 0 }] }) })), DEFAULT_SG);
            expect(ruled[0].message).to.include("must have no rules: remove all 1 ingress rule(s)");
            const missing = of(await pack.analyze(network({ "default-sg": undefined })), DEFAULT_SG);
            expect(missing[0].message).to.match(/^aws\.ec2\.Vpc 'vpc' must restrict its default security group/);
            const added = { type: T.sgIngress, name: "back-door", props: { securityGroupId: "sg-default", ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv4: "10.0.0.0/8" } };
            expect(of(await pack.analyze(network({ added })), DEFAULT_SG)[0].message).to.include("must not add a rule to the default security group");
        });
    });

    describe(FLOW_LOGS, () => {
        it("passes a VPC with a flow log and fails one without", async () => {
            expect(of(await pack.analyze(network()), FLOW_LOGS)).to.deep.equal([]);
            expect(of(await pack.analyze(network({ "flow-log": undefined })), FLOW_LOGS)[0].message).to.include("must have flow logs");
        });
        it("ties a flow log with an unknown vpcId through its dependency", async () => {
            const log = { type: T.flowLog, name: "flow-log", props: { vpcId: UNKNOWN }, propertyDependencies: { vpcId: [urnOf(T.vpc, "vpc")] } };
            const vs = await pack.analyze(network({ "flow-log": log }));
            expect(of(vs, FLOW_LOGS)).to.deep.equal([]);
            expect(undecidedOf(vs, FLOW_LOGS)).to.deep.equal([]);
        });
    });

    describe(DNS, () => {
        it("requires DNS support and hostnames for a private-DNS interface endpoint", async () => {
            expect(of(await pack.analyze(network()), DNS)).to.deep.equal([]);
            const vs = of(await pack.analyze(network({ vpc: withProps("vpc", { enableDnsHostnames: false }) })), DNS);
            expect(vs[0].message).to.include("set enableDnsHostnames to true");
        });
    });
});
