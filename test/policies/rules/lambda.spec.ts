import { expect } from "chai";
import {
    alarm,
    AWS_PROVIDER_TYPE,
    base,
    EDGE_TRUST,
    findings,
    itPassesAndFails,
    mandatory,
    monitored,
    network,
    PackHarness,
    startPack,
    TestResource,
    undecided,
    urnOf,
    withProps,
} from "../support";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { AWS_TYPES } from "../../../policies/lib/types";

const ESM = {
    type: AWS_TYPES.eventSourceMapping,
    name: "consumer",
    props: {
        eventSourceArn: "arn:aws:kinesis:us-west-2:123456789012:stream/events",
        functionName: "api-fn",
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 3,
        destinationConfig: { onFailure: { destinationArn: "arn:aws:sqs:us-west-2:123456789012:dlq" } },
    },
};

const PRIVATE = "lambda-function-in-private-subnets";

const MULTI_AZ = "lambda-function-subnets-multi-az";

const ERRORS = "lambda-function-errors-alarm";

describe("lambda rules", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    it("lambda-function-supported-runtime: passes python3.12, fails python3.8, skips images", async () => {
        expect(findings(await pack.analyze(network()), "lambda-function-supported-runtime")).to.deep.equal([]);
        const vs = findings(
            await pack.analyze(network({ api: withProps("api", { runtime: "python3.8" }) })),
            "lambda-function-supported-runtime",
        );
        expect(vs[0].message).to.equal(
            "aws.lambda.Function 'api' must use a supported runtime: runtime 'python3.8' is deprecated; move to a current version",
        );
        expect(
            findings(
                await pack.analyze(network({ api: withProps("api", { runtime: undefined, packageType: "Image" }) })),
                "lambda-function-supported-runtime",
            ),
        ).to.deep.equal([]);
    });

    it("lambda-function-tracing-active: advisory on PassThrough, edge function exempt", async () => {
        const vs = findings(
            await pack.analyze(network({ api: withProps("api", { tracingConfig: { mode: "PassThrough" } }) })),
            "lambda-function-tracing-active",
        );
        expect(vs.map((v) => v.enforcementLevel)).to.deep.equal(["advisory"]);
        const prov = urnOf(AWS_PROVIDER_TYPE, "east");
        const edge = await pack.analyze(
            network({
                east: { type: AWS_PROVIDER_TYPE, name: "east", id: "p1", props: { region: "us-east-1" }, custom: true },
                "edge-role": {
                    type: AWS_TYPES.iamRole,
                    name: "edge-role",
                    props: { arn: "arn:aws:iam::1:role/edge", assumeRolePolicy: EDGE_TRUST },
                },
                edge: {
                    type: AWS_TYPES.lambdaFunction,
                    name: "edge",
                    provider: `${prov}::p1`,
                    props: { publish: true, role: "arn:aws:iam::1:role/edge" },
                },
            }),
        );
        expect(findings(edge, "lambda-function-tracing-active")).to.deep.equal([]);
        expect(findings(edge, "lambda-function-reserved-concurrency")).to.deep.equal([]);
    });

    it("lambda-function-reserved-concurrency: flags an unset limit, undecided when unknown", async () => {
        expect(
            findings(
                await pack.analyze(network({ api: withProps("api", { reservedConcurrentExecutions: undefined }) })),
                "lambda-function-reserved-concurrency",
            ),
        ).to.have.length(1);
        expect(
            undecided(
                await pack.analyze(network({ api: withProps("api", { reservedConcurrentExecutions: PACK_UNKNOWN }) })),
                "lambda-function-reserved-concurrency",
            ),
        ).to.have.length(1);
    });

    describe("lambda-event-source-mapping-failure-handling", () => {
        const rule = "lambda-event-source-mapping-failure-handling";
        it("passes a Kinesis mapping with destination, bisect and bounded retries", async () => {
            expect(findings(await pack.analyze(network({ consumer: ESM })), rule)).to.deep.equal([]);
        });
        it("fails each missing piece, in one message", async () => {
            const bad = {
                ...ESM,
                props: {
                    ...ESM.props,
                    destinationConfig: undefined,
                    bisectBatchOnFunctionError: false,
                    maximumRetryAttempts: -1,
                },
            };
            const vs = findings(await pack.analyze(network({ consumer: bad })), rule);
            expect(vs).to.have.length(1);
            expect(vs[0].message)
                .to.include("destinationConfig.onFailure.destinationArn")
                .and.include("bisectBatchOnFunctionError")
                .and.include("maximumRetryAttempts");
        });
        it("ignores SQS sources and is undecided on an unknown source", async () => {
            const sqs = { ...ESM, props: { eventSourceArn: "arn:aws:sqs:us-west-2:1:q", functionName: "api-fn" } };
            expect(findings(await pack.analyze(network({ consumer: sqs })), rule)).to.deep.equal([]);
            const unknown = { ...ESM, props: { ...ESM.props, eventSourceArn: PACK_UNKNOWN } };
            const vs = await pack.analyze(network({ consumer: unknown }));
            expect(findings(vs, rule)).to.deep.equal([]);
            expect(undecided(vs, rule).length).to.be.greaterThan(0);
        });
    });
});

describe("lambda placement in private subnets", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());
    afterEach(async () => pack.configure({}));

    describe(PRIVATE, () => {
        /** The rule's findings on the compliant network, with resources replaced, added or (undefined) removed by name. */
        const placementFindings = async (over: Record<string, TestResource | undefined> = {}) =>
            findings(await pack.analyze(network(over)), PRIVATE);

        it("passes the compliant stack (private subnets routed to a NAT by a separate Route)", async () => {
            const vs = await pack.analyze(network());
            expect(findings(vs, PRIVATE)).to.deep.equal([]);
            expect(undecided(vs, PRIVATE)).to.deep.equal([]);
        });

        it("fails a function without vpcConfig", async () => {
            const fn = base("api");
            const { vpcConfig: _, ...props } = fn.props!;
            const vs = await placementFindings({ api: { ...fn, props } });
            expect(vs).to.have.length(1);
            expect(vs[0].enforcementLevel).to.equal("mandatory");
            expect(vs[0].message).to.match(
                /^aws\.lambda\.Function 'api' must run in private subnets: set vpcConfig\.subnetIds/,
            );
        });

        it("fails a function without security groups", async () => {
            const vs = await placementFindings({
                api: withProps("api", {
                    vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: [] },
                }),
            });
            expect(vs.map((v) => v.message)).to.satisfy((ms: string[]) =>
                ms.some((m) => m.includes("vpcConfig.securityGroupIds")),
            );
        });

        it("fails a subnet whose explicit route table has an inline route to the internet gateway", async () => {
            const vs = await placementFindings({
                "private-a-rta": {
                    type: AWS_TYPES.routeTableAssociation,
                    name: "private-a-rta",
                    props: { subnetId: "subnet-a", routeTableId: "rtb-pub" },
                },
            });
            expect(vs).to.have.length(1);
            expect(vs[0].message).to.include("subnet 'private-a', which is public");
            expect(vs[0].message).to.include("0.0.0.0/0 to an internet gateway (public-rt.routes[0]");
        });

        it("fails a private table given a separate aws.ec2.Route to the internet gateway", async () => {
            const vs = await placementFindings({
                "igw-route": {
                    type: AWS_TYPES.route,
                    name: "igw-route",
                    props: { routeTableId: "rtb-priv", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-1" },
                },
            });
            expect(vs).to.have.length(2);
            expect(vs[0].message).to.include("aws.ec2.Route 'igw-route'");
        });

        it("recognises the internet gateway by its stack resource when its id has no igw- prefix", async () => {
            const vs = await placementFindings({
                igw: {
                    type: AWS_TYPES.internetGateway,
                    name: "igw",
                    props: { id: "gw-mock-7", vpcId: "vpc-1" },
                },
                "igw-route": {
                    type: AWS_TYPES.route,
                    name: "igw-route",
                    props: {
                        routeTableId: "rtb-priv",
                        destinationCidrBlock: "10.9.0.0/16",
                        gatewayId: "gw-mock-7",
                    },
                },
            });
            expect(vs).to.have.length(2);
        });

        it("fails an IPv6 route (::/0) to the internet gateway, and accepts an egress-only gateway", async () => {
            const ipv6 = (target: Record<string, unknown>) => ({
                type: AWS_TYPES.route,
                name: "v6",
                props: { routeTableId: "rtb-priv", destinationIpv6CidrBlock: "::/0", ...target },
            });
            expect((await placementFindings({ v6: ipv6({ gatewayId: "igw-1" }) }))[0].message).to.include(
                "::/0 to an internet gateway",
            );
            expect(await placementFindings({ v6: ipv6({ egressOnlyGatewayId: "eigw-1" }) })).to.deep.equal([]);
        });

        it("fails a subnet with mapPublicIpOnLaunch", async () => {
            const vs = await placementFindings({ "private-b": withProps("private-b", { mapPublicIpOnLaunch: true }) });
            expect(vs[0].message).to.include("mapPublicIpOnLaunch is true");
        });

        it("judges an unassociated subnet by the main route table set by MainRouteTableAssociation", async () => {
            // private-b loses its own association, so the VPC's main route table decides for it.
            const mainTable = (routeTableId: string) => ({
                "private-b-rta": undefined,
                main: {
                    type: AWS_TYPES.mainRouteTableAssociation,
                    name: "main",
                    props: { vpcId: "vpc-1", routeTableId },
                },
            });
            expect((await placementFindings(mainTable("rtb-pub")))[0].message).to.include(
                "subnet 'private-b', which is public",
            );
            expect(await placementFindings(mainTable("rtb-priv"))).to.deep.equal([]);
        });

        it("judges an unassociated subnet by the VPC's default route table (DefaultRouteTable routes)", async () => {
            const drt = (routes: unknown[]) => ({
                type: AWS_TYPES.defaultRouteTable,
                name: "default-rt",
                props: { id: "rtb-main", defaultRouteTableId: "rtb-main", vpcId: "vpc-1", routes },
            });
            const pub = drt([{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }]);
            expect(await placementFindings({ "private-b-rta": undefined, "default-rt": pub })).to.have.length(1);
            const priv = drt([{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }]);
            expect(await placementFindings({ "private-b-rta": undefined, "default-rt": priv })).to.deep.equal([]);
        });

        it("accepts an unassociated subnet of a VPC whose unmanaged main table has only the local route", async () => {
            expect(await placementFindings({ "private-b-rta": undefined })).to.deep.equal([]);
        });

        it("fails a subnet outside the stack unless listed in trustedSubnetIds", async () => {
            const stack = network({
                api: withProps("api", {
                    vpcConfig: { subnetIds: ["subnet-a", "subnet-shared"], securityGroupIds: ["sg-1"] },
                }),
            });
            expect(findings(await pack.analyze(stack), PRIVATE)[0].message).to.include(
                "'subnet-shared', which is not in this stack",
            );
            await pack.configure({ [PRIVATE]: { trustedSubnetIds: ["subnet-shared"] } });
            expect(findings(await pack.analyze(stack), PRIVATE)).to.deep.equal([]);
        });

        it("does not judge a Lambda@Edge function deployed with a us-east-1 provider (no VPC possible)", async () => {
            const providerUrn = urnOf(AWS_PROVIDER_TYPE, "us-east-1");
            const edge: TestResource[] = [
                {
                    type: AWS_PROVIDER_TYPE,
                    name: "us-east-1",
                    id: "prov-1",
                    props: { region: "us-east-1" },
                    custom: true,
                },
                {
                    type: AWS_TYPES.iamRole,
                    name: "edge-role",
                    props: { arn: "arn:aws:iam::123456789012:role/edge-role", assumeRolePolicy: EDGE_TRUST },
                },
                {
                    type: AWS_TYPES.lambdaFunction,
                    name: "edge",
                    provider: `${providerUrn}::prov-1`,
                    props: {
                        arn: "arn:aws:lambda:us-east-1:123456789012:function:edge",
                        publish: true,
                        runtime: "nodejs20.x",
                        role: "arn:aws:iam::123456789012:role/edge-role",
                    },
                },
            ];
            const vs = await pack.analyze(network(Object.fromEntries(edge.map((r) => [r.name, r]))));
            expect(findings(vs, PRIVATE)).to.deep.equal([]);
            expect(findings(vs, MULTI_AZ)).to.deep.equal([]);
        });

        it("does not judge an edge function that sets region: us-east-1 itself and is associated by a distribution", async () => {
            const edge: TestResource[] = [
                {
                    type: AWS_TYPES.lambdaFunction,
                    name: "edge",
                    props: {
                        arn: "arn:aws:lambda:us-east-1:123456789012:function:edge",
                        qualifiedArn: "arn:aws:lambda:us-east-1:123456789012:function:edge:3",
                        region: "us-east-1",
                        publish: true,
                        role: "arn:aws:iam::123456789012:role/x",
                    },
                },
                {
                    type: AWS_TYPES.cloudfrontDistribution,
                    name: "cdn",
                    props: {
                        defaultCacheBehavior: {
                            viewerProtocolPolicy: "redirect-to-https",
                            lambdaFunctionAssociations: [
                                {
                                    eventType: "viewer-request",
                                    lambdaArn: "arn:aws:lambda:us-east-1:123456789012:function:edge:3",
                                },
                            ],
                        },
                        origins: [],
                    },
                },
            ];
            const vs = await pack.analyze(network(Object.fromEntries(edge.map((r) => [r.name, r]))));
            expect(findings(vs, PRIVATE)).to.deep.equal([]);
        });

        it("still judges a us-east-1 function that is not edge (no association, no edgelambda trust)", async () => {
            const vs = await placementFindings({
                plain: {
                    type: AWS_TYPES.lambdaFunction,
                    name: "plain",
                    props: {
                        region: "us-east-1",
                        publish: true,
                        role: "arn:aws:iam::123456789012:role/api-role",
                    },
                },
            });
            expect(vs.map((v) => v.resourceName)).to.deep.equal(["plain"]);
        });

        it("reports unknown subnets as undecided, never mandatory", async () => {
            const vs = await pack.analyze(
                network({
                    api: withProps("api", { vpcConfig: { subnetIds: PACK_UNKNOWN, securityGroupIds: ["sg-1"] } }),
                }),
            );
            expect(findings(vs, PRIVATE)).to.deep.equal([]);
            expect(undecided(vs, PRIVATE)).to.have.length(1);
            expect(undecided(vs, PRIVATE)[0].enforcementLevel).to.equal("advisory");
        });

        it("decides a first preview through property dependencies (ids unknown)", async () => {
            const u = (type: string, name: string) => urnOf(type, name);
            const stack: TestResource[] = [
                { type: AWS_TYPES.vpc, name: "vpc", props: { id: PACK_UNKNOWN } },
                { type: AWS_TYPES.internetGateway, name: "igw", props: { id: PACK_UNKNOWN } },
                {
                    type: AWS_TYPES.subnet,
                    name: "private-a",
                    props: { id: PACK_UNKNOWN, vpcId: PACK_UNKNOWN, availabilityZone: "us-west-2a" },
                    propertyDependencies: { vpcId: [u(AWS_TYPES.vpc, "vpc")] },
                },
                { type: AWS_TYPES.routeTable, name: "rt", props: { id: PACK_UNKNOWN, vpcId: PACK_UNKNOWN } },
                {
                    type: AWS_TYPES.route,
                    name: "default",
                    props: { routeTableId: PACK_UNKNOWN, destinationCidrBlock: "0.0.0.0/0", gatewayId: PACK_UNKNOWN },
                    propertyDependencies: {
                        routeTableId: [u(AWS_TYPES.routeTable, "rt")],
                        gatewayId: [u(AWS_TYPES.internetGateway, "igw")],
                    },
                },
                {
                    type: AWS_TYPES.routeTableAssociation,
                    name: "rta",
                    props: { subnetId: PACK_UNKNOWN, routeTableId: PACK_UNKNOWN },
                    propertyDependencies: {
                        subnetId: [u(AWS_TYPES.subnet, "private-a")],
                        routeTableId: [u(AWS_TYPES.routeTable, "rt")],
                    },
                },
                {
                    type: AWS_TYPES.lambdaFunction,
                    name: "api",
                    props: { vpcConfig: { subnetIds: [PACK_UNKNOWN], securityGroupIds: [PACK_UNKNOWN] } },
                    propertyDependencies: { vpcConfig: [u(AWS_TYPES.subnet, "private-a")] },
                },
            ];
            const vs = findings(await pack.analyze(stack), PRIVATE);
            expect(vs).to.have.length(1);
            expect(vs[0].message).to.include("to an internet gateway");
        });

        it("does not throw on hostile shapes", async () => {
            const vs = await pack.analyze(
                network({
                    api: withProps("api", { vpcConfig: [{ subnetIds: "subnet-a", securityGroupIds: null }] }),
                    "public-rt": withProps("public-rt", { routes: [null, 7, "x", { gatewayId: 5 }] }),
                    junk: {
                        type: AWS_TYPES.route,
                        name: "junk",
                        props: { routeTableId: { nested: true }, gatewayId: ["igw-1"] },
                    },
                }),
            );
            expect(vs.filter((v) => /could not (be )?check/.test(v.message))).to.deep.equal([]);
        });
    });

    describe(MULTI_AZ, () => {
        it("passes two AZs and fails one", async () => {
            expect(findings(await pack.analyze(network()), MULTI_AZ)).to.deep.equal([]);
            const one = network({
                api: withProps("api", { vpcConfig: { subnetIds: ["subnet-a"], securityGroupIds: ["sg-1"] } }),
            });
            const vs = findings(await pack.analyze(one), MULTI_AZ);
            expect(vs[0].message).to.include("at least 2 Availability Zones: vpcConfig.subnetIds spans 1 (us-west-2a)");
        });
    });
});

describe("lambda front doors", () => {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    /** A permission to invoke function "f", granted as `grant` says (principal and source conditions). */
    const permission = (name: string, grant: Record<string, unknown>): TestResource => ({
        type: AWS_TYPES.lambdaPermission,
        name,
        props: { action: "lambda:InvokeFunction", function: "f", ...grant },
    });
    const ACCOUNT = "123456789012";

    describe("lambda-function-url-auth-required and lambda-permission-source-restricted", () => {
        it("fails a function URL with authorizationType NONE and passes AWS_IAM", async () => {
            const v = await pack.analyze([
                {
                    type: AWS_TYPES.lambdaFunctionUrl,
                    name: "open",
                    props: { functionName: "f", authorizationType: "NONE" },
                },
                {
                    type: AWS_TYPES.lambdaFunctionUrl,
                    name: "iam",
                    props: { functionName: "f", authorizationType: "AWS_IAM" },
                },
            ]);
            const f = findings(v, "lambda-function-url-auth-required");
            expect(f.map((x) => x.resourceName)).to.deep.equal(["open"]);
            expect(f[0].enforcementLevel).to.equal("mandatory");
        });
        it("fails a permission for * without a source, passes one with sourceArn or sourceAccount or principalOrgId", async () => {
            const v = await pack.analyze([
                permission("open", { principal: "*" }),
                permission("arn", { principal: "*", sourceArn: `arn:aws:execute-api:us-west-2:${ACCOUNT}:api/*` }),
                permission("acct", { principal: "*", sourceAccount: ACCOUNT }),
                permission("org", { principal: "*", principalOrgId: "o-1" }),
                permission("apigw", {
                    principal: "apigateway.amazonaws.com",
                    sourceArn: `arn:aws:execute-api:us-west-2:${ACCOUNT}:abc123/prod/*/items/*`,
                }),
                permission("account", { principal: ACCOUNT }),
                permission("role", { principal: `arn:aws:iam::${ACCOUNT}:role/caller` }),
            ]);
            expect(findings(v, "lambda-permission-source-restricted").map((x) => x.resourceName)).to.deep.equal([
                "open",
            ]);
        });
        it("fails a service principal without a source (survivor lambda-permission-s3-no-source), passes it with one", async () => {
            const s3 = "s3.amazonaws.com";
            const v = await pack.analyze([
                permission("s3-open", { principal: s3 }),
                permission("sns-open", { principal: "sns.amazonaws.com" }),
                permission("apigw-open", { principal: "apigateway.amazonaws.com" }),
                permission("s3-arn", { principal: s3, sourceArn: "arn:aws:s3:::uploads" }),
                permission("s3-account", { principal: s3, sourceAccount: ACCOUNT }),
                permission("sns-arn", {
                    principal: "sns.amazonaws.com",
                    sourceArn: `arn:aws:sns:us-west-2:${ACCOUNT}:topic`,
                }),
                permission("s3-arn-account", {
                    principal: s3,
                    sourceArn: "arn:aws:s3:::uploads",
                    sourceAccount: ACCOUNT,
                }),
            ]);
            const f = findings(v, "lambda-permission-source-restricted");
            // S3 with sourceArn only fails too: bucket names are global (Lambda.1 asks for AWS:SourceAccount).
            expect(f.map((x) => x.resourceName)).to.deep.equal(["s3-open", "sns-open", "apigw-open", "s3-arn"]);
            expect(f[3].message)
                .to.include('service principal "s3.amazonaws.com" (sourceAccount unset)')
                .and.include("set sourceAccount to this account");
            expect(f.every((x) => x.enforcementLevel === "mandatory")).to.equal(true);
            expect(f[0].message).to.equal(
                "aws.lambda.Permission 's3-open' must not allow service principal \"s3.amazonaws.com\" without a source condition (sourceArn, sourceAccount or principalOrgId): set sourceArn to the calling resource's ARN (and sourceAccount to this account)",
            );
        });
        it("fails a sourceArn of any account or any bucket unless sourceAccount pins it", async () => {
            const v = await pack.analyze([
                permission("any-bucket", { principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::*" }),
                permission("any-account", { principal: "*", sourceArn: "arn:aws:execute-api:us-west-2:*:api/*" }),
                permission("with-account", {
                    principal: "s3.amazonaws.com",
                    sourceArn: "arn:aws:s3:::*",
                    sourceAccount: ACCOUNT,
                }),
            ]);
            const f = findings(v, "lambda-permission-source-restricted");
            expect(f.map((x) => x.resourceName)).to.deep.equal(["any-bucket", "any-account"]);
            expect(f[0].message).to.include('from a sourceArn of any account (sourceArn "arn:aws:s3:::*")');
        });
        it("counts unknown source fields as set (the caller's ARN, an output) and decides nothing mandatory on them", async () => {
            const v = await pack.analyze([
                permission("p", { principal: "apigateway.amazonaws.com", sourceArn: PACK_UNKNOWN }),
            ]);
            expect(findings(v, "lambda-permission-source-restricted")).to.deep.equal([]);
        });
        it("is undecided on unknown values", async () => {
            const v = await pack.analyze([
                { type: AWS_TYPES.lambdaFunctionUrl, name: "u", props: { authorizationType: PACK_UNKNOWN } },
                { type: AWS_TYPES.lambdaPermission, name: "p", props: { principal: PACK_UNKNOWN } },
            ]);
            expect(
                mandatory(v).filter(
                    (x) =>
                        x.policyName.startsWith("lambda-function-url") || x.policyName.startsWith("lambda-permission"),
                ),
            ).to.deep.equal([]);
            expect(undecided(v, "lambda-function-url-auth-required")).to.have.length(1);
            expect(undecided(v, "lambda-permission-source-restricted")).to.have.length(1);
        });
    });
});

describe("lambda alarms", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    it(`${ERRORS}: passes an Errors alarm to a subscribed topic`, async () => {
        expect(findings(await pack.analyze(monitored()), ERRORS)).to.deep.equal([]);
    });

    it(`${ERRORS}: fails a missing alarm, an alarm without actions, a topic without subscription`, async () => {
        expect(findings(await pack.analyze(monitored({ errors: undefined })), ERRORS)[0].message).to.include(
            "must have an Errors alarm",
        );
        const silent = alarm("errors", "AWS/Lambda", "Errors", { FunctionName: "api-fn" });
        silent.props!.alarmActions = [];
        expect(findings(await pack.analyze(monitored({ errors: silent })), ERRORS)[0].message).to.include(
            "must notify someone",
        );
        expect(findings(await pack.analyze(monitored({ sub: undefined })), ERRORS)).to.have.length(1);
    });

    it(`${ERRORS}: ties an unknown dimension to the function by dependency; undecided otherwise`, async () => {
        const dep = alarm(
            "errors",
            "AWS/Lambda",
            "Errors",
            { FunctionName: PACK_UNKNOWN },
            { propertyDependencies: { dimensions: [urnOf(AWS_TYPES.lambdaFunction, "api")] } },
        );
        expect(findings(await pack.analyze(monitored({ errors: dep })), ERRORS)).to.deep.equal([]);
        const loose = alarm("errors", "AWS/Lambda", PACK_UNKNOWN as unknown as string, { FunctionName: "x" });
        const vs = await pack.analyze(monitored({ errors: loose }));
        expect(findings(vs, ERRORS)).to.deep.equal([]);
        expect(undecided(vs, ERRORS)).to.have.length(1);
    });

    it("lambda-stream-consumer-iterator-age-alarm: Lambda IteratorAge or Kinesis GetRecords.IteratorAgeMilliseconds", async () => {
        const rule = "lambda-stream-consumer-iterator-age-alarm";
        const stream = {
            type: AWS_TYPES.kinesisStream,
            name: "events",
            props: { name: "events", arn: "arn:aws:kinesis:us-west-2:1:stream/events" },
        };
        const esm = {
            type: AWS_TYPES.eventSourceMapping,
            name: "consumer",
            props: { eventSourceArn: "arn:aws:kinesis:us-west-2:1:stream/events", functionName: "api-fn" },
        };
        // The stream consumer's findings, with `age` as its iterator-age alarm (none when undefined).
        const consumerFindings = async (age?: TestResource) =>
            findings(await pack.analyze(monitored({ events: stream, consumer: esm, age })), rule);
        expect(await consumerFindings()).to.have.length(1);
        expect(
            await consumerFindings(alarm("age", "AWS/Lambda", "IteratorAge", { FunctionName: "api-fn" })),
        ).to.deep.equal([]);
        expect(
            await consumerFindings(
                alarm("age", "AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", { StreamName: "events" }),
            ),
        ).to.deep.equal([]);
    });

    itPassesAndFails(
        () => pack,
        [
            [
                "lambda-function-environment-encrypted",
                AWS_TYPES.lambdaFunction,
                { environment: { variables: { A: "1" } }, kmsKeyArn: "arn:k" },
                { environment: { variables: { A: "1" } } },
            ],
        ],
    );
    it("lambda-function-environment-encrypted: a function without environment variables needs no key", async () => {
        const v = await pack.analyze([
            { type: AWS_TYPES.lambdaFunction, name: "edge", props: { runtime: "nodejs20.x" } },
        ]);
        expect(findings(v, "lambda-function-environment-encrypted")).to.deep.equal([]);
    });
});
