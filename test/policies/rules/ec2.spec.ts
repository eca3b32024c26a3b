import { expect } from "chai";
import {
    base,
    diagnosticsOf,
    findings,
    network,
    PackHarness,
    ruleCases,
    startPack,
    undecided,
    urnOf,
    withProps,
} from "../support";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import type { Violation } from "../../../tools/gate/types";
import { AWS_TYPES } from "../../../policies/lib/types";

const INGRESS = "ec2-security-group-no-public-ingress";

const DEFAULT_SG = "ec2-default-security-group-no-rules";

const FLOW_LOGS = "ec2-vpc-flow-logs-enabled";

const DNS = "ec2-vpc-dns-enabled-for-private-endpoints";

const EGRESS = "ec2-lambda-security-group-egress-restricted";

const GATEWAY = "ec2-vpc-gateway-endpoints-for-lambda-subnets";

const INTERFACE = "ec2-vpc-interface-endpoints-for-lambda-services";

const POLICY = "ec2-vpc-endpoint-policy-restricted";

describe("ec2 security groups, flow logs and VPC DNS", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());
    afterEach(async () => pack.configure({}));

    describe(INGRESS, () => {
        const open = (vs: Violation[]) => findings(vs, INGRESS).map((v) => `${v.resourceName}: ${v.message}`);
        it("passes groups without public ingress", async () => {
            expect(open(await pack.analyze(network()))).to.deep.equal([]);
        });
        it("fails inline ingress from 0.0.0.0/0 and ::/0", async () => {
            const sg = withProps("lambda-sg", {
                ingress: [
                    { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] },
                    { protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] },
                ],
            });
            const vs = open(await pack.analyze(network({ "lambda-sg": sg })));
            expect(vs).to.have.length(2);
            expect(vs[0]).to.include("ingress[0].cidrBlocks opens port 22");
            expect(vs[1]).to.include("ingress[1].ipv6CidrBlocks opens all ports");
        });
        it("fails an aws.ec2.SecurityGroupRule of type ingress, not one of type egress", async () => {
            const rule = (type: string) => ({
                type: AWS_TYPES.securityGroupRule,
                name: "r",
                props: {
                    type,
                    securityGroupId: "sg-1",
                    protocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    cidrBlocks: ["0.0.0.0/0"],
                },
            });
            expect(open(await pack.analyze(network({ r: rule("ingress") })))).to.have.length(1);
            expect(open(await pack.analyze(network({ r: rule("egress") })))).to.deep.equal([]);
        });
        it("fails an aws.vpc.SecurityGroupIngressRule with cidrIpv4 or cidrIpv6", async () => {
            const v4 = {
                type: AWS_TYPES.securityGroupIngressRule,
                name: "v4",
                props: {
                    securityGroupId: "sg-1",
                    ipProtocol: "tcp",
                    fromPort: 3389,
                    toPort: 3389,
                    cidrIpv4: "0.0.0.0/0",
                },
            };
            const v6 = {
                type: AWS_TYPES.securityGroupIngressRule,
                name: "v6",
                props: { securityGroupId: "sg-1", ipProtocol: "-1", cidrIpv6: "::/0" },
            };
            expect(open(await pack.analyze(network({ v4, v6 })))).to.have.length(2);
        });
        it("accepts configured allowedPorts and narrow CIDRs", async () => {
            const rule = {
                type: AWS_TYPES.securityGroupIngressRule,
                name: "https",
                props: {
                    securityGroupId: "sg-1",
                    ipProtocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    cidrIpv4: "0.0.0.0/0",
                },
            };
            const narrow = {
                type: AWS_TYPES.securityGroupIngressRule,
                name: "narrow",
                props: { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "10.0.0.0/8" },
            };
            await pack.configure({ [INGRESS]: { allowedPorts: [443] } });
            expect(open(await pack.analyze(network({ https: rule, narrow })))).to.deep.equal([]);
        });
        it("reports an unknown CIDR as undecided", async () => {
            const vs = await pack.analyze(
                network({
                    u: {
                        type: AWS_TYPES.securityGroupIngressRule,
                        name: "u",
                        props: {
                            securityGroupId: "sg-1",
                            ipProtocol: "tcp",
                            fromPort: 1,
                            toPort: 1,
                            cidrIpv4: PACK_UNKNOWN,
                        },
                    },
                }),
            );
            expect(findings(vs, INGRESS)).to.deep.equal([]);
            expect(undecided(vs, INGRESS)).to.have.length(1);
        });
    });

    describe(EGRESS, () => {
        const open = (vs: Violation[]) => findings(vs, EGRESS).map((v) => `${v.resourceName}: ${v.message}`);
        const ALL_V4 = { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] };
        it("passes the Lambda group whose egress is HTTPS inside the VPC", async () => {
            const vs = await pack.analyze(network());
            expect(open(vs)).to.deep.equal([]);
            expect(undecided(vs, EGRESS)).to.deep.equal([]);
        });
        it("fails inline egress of all traffic to 0.0.0.0/0 or ::/0 (protocol -1, or every port) on the Lambda's group", async () => {
            const sg = withProps("lambda-sg", {
                egress: [
                    ALL_V4,
                    { protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] },
                    { protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] },
                ],
            });
            const vs = findings(await pack.analyze(network({ "lambda-sg": sg })), EGRESS);
            expect(vs).to.have.length(3);
            expect(
                vs.every(
                    (v) => v.enforcementLevel === "mandatory" && v.urn === urnOf(AWS_TYPES.securityGroup, "lambda-sg"),
                ),
            ).to.equal(true);
            expect(vs[0].message).to.match(
                /^aws\.ec2\.SecurityGroup 'lambda-sg' must not allow all traffic to 0\.0\.0\.0\/0 \(egress\[0\]\.cidrBlocks\), which Lambda function 'api' uses: allow HTTPS/,
            );
            expect(vs[1].message).to.include("::/0 (egress[1].ipv6CidrBlocks)");
            expect(vs[2].message).to.include("(egress[2].cidrBlocks)");
        });
        it("passes a port-scoped rule to the world (HTTPS through NAT) and all traffic to a narrow CIDR", async () => {
            const sg = withProps("lambda-sg", {
                egress: [
                    { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
                    { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/16"] },
                ],
            });
            expect(open(await pack.analyze(network({ "lambda-sg": sg })))).to.deep.equal([]);
        });
        it("does not judge a group no Lambda function uses", async () => {
            const other = {
                type: AWS_TYPES.securityGroup,
                name: "bastion-sg",
                props: { id: "sg-9", vpcId: "vpc-1", ingress: [], egress: [ALL_V4] },
            };
            const rule = {
                type: AWS_TYPES.securityGroupRule,
                name: "r",
                props: {
                    type: "egress",
                    securityGroupId: "sg-9",
                    protocol: "-1",
                    fromPort: 0,
                    toPort: 0,
                    cidrBlocks: ["0.0.0.0/0"],
                },
            };
            expect(open(await pack.analyze(network({ "bastion-sg": other, r: rule })))).to.deep.equal([]);
        });
        it("fails an aws.ec2.SecurityGroupRule of type egress on the Lambda's group, not one of type ingress", async () => {
            const rule = (type: string) => ({
                type: AWS_TYPES.securityGroupRule,
                name: "r",
                props: {
                    type,
                    securityGroupId: "sg-1",
                    protocol: "-1",
                    fromPort: 0,
                    toPort: 0,
                    cidrBlocks: ["0.0.0.0/0"],
                },
            });
            const vs = findings(await pack.analyze(network({ r: rule("egress") })), EGRESS);
            expect(vs).to.have.length(1);
            expect(vs[0].urn).to.equal(urnOf(AWS_TYPES.securityGroupRule, "r"));
            expect(vs[0].message).to.include(
                "'r' must not allow all traffic to 0.0.0.0/0 (cidrBlocks) to security group 'lambda-sg', which Lambda function 'api' uses",
            );
            expect(open(await pack.analyze(network({ r: rule("ingress") })))).to.deep.equal([]);
        });
        it("fails an aws.vpc.SecurityGroupEgressRule with cidrIpv4 or cidrIpv6 and all protocols", async () => {
            const v4 = {
                type: AWS_TYPES.securityGroupEgressRule,
                name: "v4",
                props: { securityGroupId: "sg-1", ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" },
            };
            const v6 = {
                type: AWS_TYPES.securityGroupEgressRule,
                name: "v6",
                props: { securityGroupId: "sg-1", ipProtocol: "-1", cidrIpv6: "::/0" },
            };
            const https = {
                type: AWS_TYPES.securityGroupEgressRule,
                name: "https",
                props: {
                    securityGroupId: "sg-1",
                    ipProtocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    cidrIpv4: "0.0.0.0/0",
                },
            };
            const vs = findings(await pack.analyze(network({ v4, v6, https })), EGRESS);
            expect(vs.map((v) => v.resourceName).sort()).to.deep.equal(["v4", "v6"]);
        });
        it("ties groups and rules through property dependencies when ids are unknown (first preview)", async () => {
            const fn = withProps("api", {
                vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: [PACK_UNKNOWN] },
            });
            const sg = withProps("lambda-sg", { id: PACK_UNKNOWN });
            const rule = {
                type: AWS_TYPES.securityGroupEgressRule,
                name: "v4",
                props: { securityGroupId: PACK_UNKNOWN, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" },
                propertyDependencies: { securityGroupId: [urnOf(AWS_TYPES.securityGroup, "lambda-sg")] },
            };
            const vs = await pack.analyze(
                network({
                    api: {
                        ...fn,
                        propertyDependencies: {
                            vpcConfig: [
                                urnOf(AWS_TYPES.securityGroup, "lambda-sg"),
                                urnOf(AWS_TYPES.subnet, "private-a"),
                                urnOf(AWS_TYPES.subnet, "private-b"),
                            ],
                        },
                    },
                    "lambda-sg": sg,
                    v4: rule,
                }),
            );
            expect(findings(vs, EGRESS).map((v) => v.resourceName)).to.deep.equal(["v4"]);
        });
        it("is undecided, never mandatory, when groups, CIDRs or protocols are unknown", async () => {
            const fnUnknown = withProps("api", {
                vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: [PACK_UNKNOWN] },
            });
            let vs = await pack.analyze(network({ api: fnUnknown }));
            expect(findings(vs, EGRESS)).to.deep.equal([]);
            expect(undecided(vs, EGRESS)).to.have.length(1);
            const sg = withProps("lambda-sg", {
                egress: [
                    { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: PACK_UNKNOWN },
                    { protocol: PACK_UNKNOWN, fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] },
                ],
            });
            vs = await pack.analyze(network({ "lambda-sg": sg }));
            expect(findings(vs, EGRESS)).to.deep.equal([]);
            expect(undecided(vs, EGRESS)).to.have.length(1);
            const orphan = {
                type: AWS_TYPES.securityGroupEgressRule,
                name: "v4",
                props: { securityGroupId: PACK_UNKNOWN, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" },
            };
            vs = await pack.analyze(network({ v4: orphan }));
            expect(findings(vs, EGRESS)).to.deep.equal([]);
            expect(undecided(vs, EGRESS)).to.have.length(1);
        });
        it("does not throw on hostile shapes", async () => {
            const sg = withProps("lambda-sg", { egress: [null, 42, { cidrBlocks: [null, 7] }] });
            const fn = withProps("api", {
                vpcConfig: [{ subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: "sg-1" }],
            });
            const vs = await pack.analyze(network({ "lambda-sg": sg, api: fn }));
            expect(findings(vs, EGRESS)).to.deep.equal([]);
        });
    });

    describe(DEFAULT_SG, () => {
        it("passes an emptied default group, fails rules on it and a VPC without one", async () => {
            expect(findings(await pack.analyze(network()), DEFAULT_SG)).to.deep.equal([]);
            const ruled = findings(
                await pack.analyze(
                    network({
                        "default-sg": withProps("default-sg", {
                            ingress: [{ protocol: "-1", self: true, fromPort: 0, toPort: 0 }],
                        }),
                    }),
                ),
                DEFAULT_SG,
            );
            expect(ruled[0].message).to.include("must have no rules: remove all 1 ingress rule(s)");
            const missing = findings(await pack.analyze(network({ "default-sg": undefined })), DEFAULT_SG);
            expect(missing[0].message).to.match(/^aws\.ec2\.Vpc 'vpc' must restrict its default security group/);
            const added = {
                type: AWS_TYPES.securityGroupIngressRule,
                name: "back-door",
                props: {
                    securityGroupId: "sg-default",
                    ipProtocol: "tcp",
                    fromPort: 80,
                    toPort: 80,
                    cidrIpv4: "10.0.0.0/8",
                },
            };
            expect(findings(await pack.analyze(network({ added })), DEFAULT_SG)[0].message).to.include(
                "must not add a rule to the default security group",
            );
        });
    });

    describe(FLOW_LOGS, () => {
        it("passes a VPC with a flow log and fails one without", async () => {
            expect(findings(await pack.analyze(network()), FLOW_LOGS)).to.deep.equal([]);
            expect(findings(await pack.analyze(network({ "flow-log": undefined })), FLOW_LOGS)[0].message).to.include(
                "must have flow logs",
            );
        });
        it("ties a flow log with an unknown vpcId through its dependency", async () => {
            const log = {
                type: AWS_TYPES.flowLog,
                name: "flow-log",
                props: { vpcId: PACK_UNKNOWN },
                propertyDependencies: { vpcId: [urnOf(AWS_TYPES.vpc, "vpc")] },
            };
            const vs = await pack.analyze(network({ "flow-log": log }));
            expect(findings(vs, FLOW_LOGS)).to.deep.equal([]);
            expect(undecided(vs, FLOW_LOGS)).to.deep.equal([]);
        });
    });

    describe(DNS, () => {
        it("requires DNS support and hostnames for a private-DNS interface endpoint", async () => {
            expect(findings(await pack.analyze(network()), DNS)).to.deep.equal([]);
            const vs = findings(
                await pack.analyze(network({ vpc: withProps("vpc", { enableDnsHostnames: false }) })),
                DNS,
            );
            expect(vs[0].message).to.include("set enableDnsHostnames to true");
        });
    });
});

describe("ec2 VPC endpoints", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    describe(GATEWAY, () => {
        it("passes S3 and DynamoDB gateway endpoints on the private route table", async () => {
            const vs = await pack.analyze(network());
            expect(findings(vs, GATEWAY)).to.deep.equal([]);
            expect(undecided(vs, GATEWAY)).to.deep.equal([]);
        });
        it("fails a missing DynamoDB endpoint", async () => {
            const vs = findings(await pack.analyze(network({ dynamodb: undefined })), GATEWAY);
            expect(vs).to.have.length(1);
            expect(vs[0].enforcementLevel).to.equal("mandatory");
            expect(vs[0].message).to.include("missing dynamodb (subnet 'private-a', route table 'private-rt')");
        });
        it("fails an endpoint attached to another table, and accepts a VpcEndpointRouteTableAssociation", async () => {
            const elsewhere = withProps("s3", { routeTableIds: ["rtb-pub"] });
            expect(findings(await pack.analyze(network({ s3: elsewhere })), GATEWAY)[0].message).to.include(
                "missing s3",
            );
            const assoc = {
                type: AWS_TYPES.vpcEndpointRouteTableAssociation,
                name: "s3-priv",
                props: { vpcEndpointId: "vpce-s3", routeTableId: "rtb-priv" },
            };
            expect(
                findings(await pack.analyze(network({ s3: withProps("s3", { routeTableIds: [] }), assoc })), GATEWAY),
            ).to.deep.equal([]);
        });
        it("fails an Interface endpoint where a Gateway one is required", async () => {
            const vs = findings(
                await pack.analyze(network({ s3: withProps("s3", { vpcEndpointType: "Interface" }) })),
                GATEWAY,
            );
            expect(vs[0].message).to.include("missing s3");
        });
        it("reports an unknown endpoint route table list as undecided", async () => {
            const vs = await pack.analyze(network({ s3: withProps("s3", { routeTableIds: PACK_UNKNOWN }) }));
            expect(findings(vs, GATEWAY)).to.deep.equal([]);
            expect(undecided(vs, GATEWAY)).to.have.length(1);
        });
    });

    describe(INTERFACE, () => {
        it("passes a Kinesis interface endpoint with private DNS in the function's subnets", async () => {
            expect(findings(await pack.analyze(network()), INTERFACE)).to.deep.equal([]);
        });
        it("fails when the role can call Kinesis and no endpoint exists", async () => {
            const vs = findings(await pack.analyze(network({ kinesis: undefined })), INTERFACE);
            expect(vs[0].message).to.include(
                "must reach kinesis-streams through an Interface VPC endpoint (its role 'api-role' can call kinesis:*): no kinesis-streams Interface endpoint in its VPC",
            );
        });
        it("fails an endpoint without private DNS or without an interface in a function AZ", async () => {
            expect(
                findings(
                    await pack.analyze(network({ kinesis: withProps("kinesis", { privateDnsEnabled: false }) })),
                    INTERFACE,
                )[0].message,
            ).to.include("privateDnsEnabled: true");
            expect(
                findings(
                    await pack.analyze(network({ kinesis: withProps("kinesis", { subnetIds: ["subnet-a"] }) })),
                    INTERFACE,
                )[0].message,
            ).to.include("'private-b'");
        });
        it("accepts a VpcEndpointSubnetAssociation", async () => {
            const assoc = {
                type: AWS_TYPES.vpcEndpointSubnetAssociation,
                name: "kin-b",
                props: { vpcEndpointId: "vpce-kin", subnetId: "subnet-b" },
            };
            expect(
                findings(
                    await pack.analyze(network({ kinesis: withProps("kinesis", { subnetIds: ["subnet-a"] }), assoc })),
                    INTERFACE,
                ),
            ).to.deep.equal([]);
        });
        it("does not require the endpoint when the role cannot call Kinesis", async () => {
            const policy = JSON.stringify({
                Statement: [
                    { Effect: "Allow", Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:us-west-2:1:table/t" },
                ],
            });
            const vs = findings(
                await pack.analyze(
                    network({
                        kinesis: undefined,
                        "api-kinesis": { ...base("api-kinesis"), props: { role: "api-role", policy } },
                    }),
                ),
                INTERFACE,
            );
            expect(vs).to.deep.equal([]);
        });
    });

    describe(POLICY, () => {
        it("accepts Principal * pinned by aws:PrincipalAccount (negative control)", async () => {
            const vs = await pack.analyze(network());
            expect(diagnosticsOf(vs, POLICY)).to.deep.equal([]);
        });
        it("flags a missing or wide-open policy as advisory", async () => {
            const open = JSON.stringify({
                Statement: { Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" },
            });
            const vs = findings(
                await pack.analyze(
                    network({
                        s3: withProps("s3", { policy: open }),
                        dynamodb: withProps("dynamodb", { policy: undefined }),
                    }),
                ),
                POLICY,
            );
            expect(vs.map((v) => v.enforcementLevel)).to.deep.equal(["advisory", "advisory"]);
            expect(vs[0].message).to.include("statement[0]");
            expect(vs[1].message).to.include("must have an endpoint policy");
        });
        it("accepts Principal * limited to named resources", async () => {
            const scoped = JSON.stringify({
                Statement: [
                    { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" },
                ],
            });
            expect(
                findings(await pack.analyze(network({ s3: withProps("s3", { policy: scoped }) })), POLICY),
            ).to.deep.equal([]);
        });
    });
});

const vm = (name: string, props: Record<string, unknown> = {}, type: string = AWS_TYPES.ec2Instance) => ({
    type,
    name,
    props: {
        ami: "ami-0123456789abcdef0",
        instanceType: "t4g.micro",
        rootBlockDevice: { encrypted: true },
        metadataOptions: { httpTokens: "required" },
        ...props,
    },
});
const lt = (name: string, props: Record<string, unknown> = {}) => ({
    type: AWS_TYPES.ec2LaunchTemplate,
    name,
    props: {
        imageId: "ami-0123456789abcdef0",
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 20 } }],
        metadataOptions: { httpTokens: "required" },
        ...props,
    },
});

describe("EC2 volume and metadata rules", () => {
    ruleCases("ec2-instance-volumes-encrypted", [
        {
            it: "passes encrypted root and EBS devices",
            given: [vm("i", { ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }] }), lt("t")],
            flags: [],
        },
        {
            it: "fails an unencrypted root volume and a missing flag (follows the AMI)",
            given: [vm("i", { rootBlockDevice: { encrypted: false } }), vm("j", { rootBlockDevice: undefined })],
            flags: ["i", "j"],
            says: /must encrypt its volumes/,
        },
        {
            it: "fails an unencrypted EBS device",
            given: [vm("i", { ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: false }] })],
            flags: ["i"],
            says: /ebsBlockDevices\[0\]/,
        },
        {
            it: 'fails a launch template whose mapping says "false" (a string in the provider) or nothing',
            given: [
                lt("t", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] }),
                lt("u", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 20 } }] }),
            ],
            flags: ["t", "u"],
        },
        {
            it: "fails a spot instance request and a launch configuration (alternate types)",
            given: [
                vm("s", { rootBlockDevice: { encrypted: false } }, AWS_TYPES.ec2SpotInstanceRequest),
                {
                    type: AWS_TYPES.ec2LaunchConfiguration,
                    name: "c",
                    props: { imageId: "ami-1", instanceType: "t3.micro", rootBlockDevice: { encrypted: false } },
                },
            ],
            flags: ["s", "c"],
        },
        {
            it: "passes everything when the stack enables EBS encryption by default (separate resource)",
            given: [
                vm("i", { rootBlockDevice: { encrypted: false } }),
                lt("u", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: {} }] }),
                { type: AWS_TYPES.ebsEncryptionByDefault, name: "d", props: {} },
            ],
            flags: [],
        },
        {
            it: "leaves a device restored from its own snapshot and instance-store mappings alone",
            given: [
                vm("i", { ebsBlockDevices: [{ deviceName: "/dev/sdf", snapshotId: "snap-1" }] }),
                lt("t", {
                    blockDeviceMappings: [
                        { deviceName: "/dev/xvda", ebs: { encrypted: "true" } },
                        { deviceName: "/dev/sdb", virtualName: "ephemeral0" },
                    ],
                }),
            ],
            flags: [],
        },
        {
            it: "is undecided on an unknown flag",
            given: [vm("i", { rootBlockDevice: { encrypted: PACK_UNKNOWN } })],
            flags: [],
            undecided: ["i"],
        },
    ]);
    ruleCases("ec2-ebs-encryption-by-default", [
        {
            it: "passes enabled true and absent",
            given: [
                { type: AWS_TYPES.ebsEncryptionByDefault, name: "d", props: { enabled: true } },
                { type: AWS_TYPES.ebsEncryptionByDefault, name: "e", props: {} },
            ],
            flags: [],
        },
        {
            it: "fails enabled false",
            given: [{ type: AWS_TYPES.ebsEncryptionByDefault, name: "d", props: { enabled: false } }],
            flags: ["d"],
        },
    ]);
    ruleCases("ec2-instance-imdsv2-required", [
        {
            it: "passes httpTokens required and a disabled endpoint",
            given: [vm("i"), vm("j", { metadataOptions: { httpEndpoint: "disabled" } }), lt("t")],
            flags: [],
        },
        {
            it: "fails optional and the default on instances and launch templates",
            given: [
                vm("i", { metadataOptions: { httpTokens: "optional" } }),
                vm("j", { metadataOptions: undefined }),
                lt("t", { metadataOptions: undefined }),
            ],
            flags: ["i", "j", "t"],
        },
    ]);
});
