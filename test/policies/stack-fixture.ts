/**
 * A compliant network-and-function stack for the network, endpoint, Lambda and monitoring specs:
 * a VPC over two AZs with public subnets (route to an internet gateway, inline) and private
 * subnets (route to a NAT gateway, separate aws.ec2.Route), S3/DynamoDB gateway endpoints on the
 * private table, a Kinesis interface endpoint, and one function whose role writes to Kinesis.
 * Specs start from it and break one field.
 */
import type { TestResource } from "../helpers/pack";
import { urnOf } from "../helpers/pack";
import { AWS_TYPES } from "../../policies/lib/types";

export const LAMBDA_TRUST = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

export const EDGE_TRUST = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] }, Action: "sts:AssumeRole" }],
});

const KINESIS_WRITE = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["kinesis:PutRecord"], Resource: "arn:aws:kinesis:us-west-2:123456789012:stream/events" }],
});

const ENDPOINT_POLICY = JSON.stringify({
    Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalAccount": "123456789012" } } }],
});

/** The compliant stack; `over` replaces resources by name (undefined removes one). */
export function network(over: Record<string, TestResource | undefined> = {}): TestResource[] {
    const base: TestResource[] = [
        { type: AWS_TYPES.vpc, name: "vpc", props: { id: "vpc-1", cidrBlock: "10.0.0.0/16", enableDnsSupport: true, enableDnsHostnames: true, mainRouteTableId: "rtb-main" } },
        { type: AWS_TYPES.internetGateway, name: "igw", props: { id: "igw-1", vpcId: "vpc-1" } },
        { type: AWS_TYPES.subnet, name: "public-a", props: { id: "subnet-pa", vpcId: "vpc-1", availabilityZone: "us-west-2a", mapPublicIpOnLaunch: true } },
        { type: AWS_TYPES.subnet, name: "private-a", props: { id: "subnet-a", vpcId: "vpc-1", availabilityZone: "us-west-2a", mapPublicIpOnLaunch: false } },
        { type: AWS_TYPES.subnet, name: "private-b", props: { id: "subnet-b", vpcId: "vpc-1", availabilityZone: "us-west-2b" } },
        { type: AWS_TYPES.routeTable, name: "public-rt", props: { id: "rtb-pub", vpcId: "vpc-1", routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }] } },
        { type: AWS_TYPES.routeTableAssociation, name: "public-a-rta", props: { subnetId: "subnet-pa", routeTableId: "rtb-pub" } },
        // A NAT gateway is a type no rule names (the type table holds the ones the pack judges).
        { type: "aws:ec2/natGateway:NatGateway", name: "nat", props: { id: "nat-1", subnetId: "subnet-pa" } },
        { type: AWS_TYPES.routeTable, name: "private-rt", props: { id: "rtb-priv", vpcId: "vpc-1" } },
        { type: AWS_TYPES.route, name: "private-default", props: { routeTableId: "rtb-priv", destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" } },
        { type: AWS_TYPES.routeTableAssociation, name: "private-a-rta", props: { subnetId: "subnet-a", routeTableId: "rtb-priv" } },
        { type: AWS_TYPES.routeTableAssociation, name: "private-b-rta", props: { subnetId: "subnet-b", routeTableId: "rtb-priv" } },
        { type: AWS_TYPES.vpcEndpoint, name: "s3", props: { id: "vpce-s3", vpcId: "vpc-1", serviceName: "com.amazonaws.us-west-2.s3", vpcEndpointType: "Gateway", routeTableIds: ["rtb-priv"], policy: ENDPOINT_POLICY } },
        { type: AWS_TYPES.vpcEndpoint, name: "dynamodb", props: { id: "vpce-ddb", vpcId: "vpc-1", serviceName: "com.amazonaws.us-west-2.dynamodb", vpcEndpointType: "Gateway", routeTableIds: ["rtb-priv"], policy: ENDPOINT_POLICY } },
        { type: AWS_TYPES.vpcEndpoint, name: "kinesis", props: { id: "vpce-kin", vpcId: "vpc-1", serviceName: "com.amazonaws.us-west-2.kinesis-streams", vpcEndpointType: "Interface", privateDnsEnabled: true, subnetIds: ["subnet-a", "subnet-b"], policy: ENDPOINT_POLICY } },
        { type: AWS_TYPES.securityGroup, name: "lambda-sg", props: { id: "sg-1", vpcId: "vpc-1", ingress: [], egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }] } },
        { type: AWS_TYPES.defaultSecurityGroup, name: "default-sg", props: { id: "sg-default", vpcId: "vpc-1", ingress: [], egress: [] } },
        { type: AWS_TYPES.flowLog, name: "flow-log", props: { id: "fl-1", vpcId: "vpc-1", trafficType: "ALL" } },
        { type: AWS_TYPES.iamRole, name: "api-role", props: { id: "api-role", name: "api-role", arn: "arn:aws:iam::123456789012:role/api-role", assumeRolePolicy: LAMBDA_TRUST } },
        { type: AWS_TYPES.iamRolePolicy, name: "api-kinesis", props: { role: "api-role", policy: KINESIS_WRITE } },
        {
            type: AWS_TYPES.lambdaFunction, name: "api",
            props: {
                id: "api-fn", name: "api-fn", arn: "arn:aws:lambda:us-west-2:123456789012:function:api-fn", runtime: "python3.12",
                role: "arn:aws:iam::123456789012:role/api-role", tracingConfig: { mode: "Active" }, reservedConcurrentExecutions: 10,
                vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-1"] },
            },
        },
    ];
    const names = new Set(base.map((r) => r.name));
    const out: TestResource[] = [];
    for (const r of base) {
        if (!(r.name in over)) out.push(r);
        else if (over[r.name]) out.push(over[r.name]!);
    }
    for (const [name, r] of Object.entries(over)) if (!names.has(name) && r) out.push(r);
    return out;
}

/** The base resource of that name, for building an override. */
export function base(name: string): TestResource {
    const r = network().find((x) => x.name === name);
    if (!r) throw new Error(`no fixture resource ${name}`);
    return r;
}

/** A copy of the named base resource with props merged in. */
export function withProps(name: string, props: Record<string, unknown>): TestResource {
    const r = base(name);
    return { ...r, props: { ...r.props, ...props } };
}

export { urnOf };

/** The topic alarms notify in `monitored`. */
export const ALARM_TOPIC_ARN = "arn:aws:sns:us-west-2:1:alarms";

/** A metric alarm notifying the alarm topic (alarm specs). */
export const alarm = (name: string, namespace: string, metricName: string, dimensions: Record<string, unknown>, extra: Partial<TestResource> = {}): TestResource =>
    ({ type: AWS_TYPES.metricAlarm, name, props: { namespace, metricName, dimensions, alarmActions: [ALARM_TOPIC_ARN] }, ...extra });

/** The network stack plus a subscribed alarm topic and the function's Errors alarm; `over` replaces or removes entries. */
export const monitored = (over: Record<string, TestResource | undefined> = {}) => network({
    topic: { type: AWS_TYPES.snsTopic, name: "topic", props: { arn: ALARM_TOPIC_ARN } },
    sub: { type: AWS_TYPES.snsTopicSubscription, name: "sub", props: { topic: ALARM_TOPIC_ARN, protocol: "email", endpoint: "ops@example.com" } },
    errors: alarm("errors", "AWS/Lambda", "Errors", { FunctionName: "api-fn" }),
    ...over,
});
