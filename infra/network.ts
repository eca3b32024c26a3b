/**
 * Tier 4, network and security: the VPC the functions run in, and the only ways out of
 * their subnets — the S3 and DynamoDB gateway endpoints and the Kinesis interface endpoint,
 * each with a policy that admits only this stack's bucket, table or stream. The NAT
 * gateway(s) exist for future internet egress; no Lambda traffic needs them, and the Lambda
 * security groups could not reach them anyway (egress only to the endpoints).
 *
 * Also here: the stack's regional log-group key (flow logs, function logs and API logs are
 * encrypted with it), because the VPC's flow logs are the first log group the stack makes.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { FlowLogAggregation, NatStrategy } from "./config";
import { assumeRolePolicy, policyDocument, PolicyStatement } from "./lib/iam";
import { createStackKey, logsKeyUser } from "./lib/kms";
import { PARTITION, StackNames } from "./lib/naming";

export interface NetworkArgs {
    /** Physical names and the account this stack deploys to. */
    names: StackNames;
    /** The VPC's IPv4 range (config `vpcCidr`). */
    vpcCidr: string;
    /** Availability zones to spread the subnets over, at least 2 (config `azCount`). */
    azCount: number;
    /** "single" NAT gateway in the first AZ, or "perAz" so egress survives an AZ outage (config `natStrategy`). */
    natStrategy: NatStrategy;
    /** Seconds over which a flow is aggregated into one flow-log record (config `flowLogAggregationSeconds`). */
    flowLogAggregationSeconds: FlowLogAggregation;
    /** Retention of the flow-log group, in days (config `logRetentionDays`). */
    logRetentionDays: number;
    /** ARN of the items table: the only table the DynamoDB endpoint admits. */
    tableArn: pulumi.Input<string>;
    /** ARN of the change stream: the only stream the Kinesis endpoint admits. */
    streamArn: pulumi.Input<string>;
    /** ARN of the processed bucket: the only bucket the S3 endpoint admits. */
    processedBucketArn: pulumi.Input<string>;
}

/** The i-th subnet of `newBits` more bits in `cidr` ("10.40.0.0/16", 4, 3 -> "10.40.48.0/20"). */
export function subnetCidr(cidr: string, newBits: number, index: number): string {
    const [address, prefixText] = cidr.split("/");
    const prefix = Number(prefixText) + newBits;
    const base = address.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    const start = base + index * 2 ** (32 - prefix);
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
    return `${octets.join(".")}/${prefix}`;
}

const HTTPS = 443;

/** a, b, c, d: the letter of the i-th AZ slot in subnet, route table and NAT names. */
const azSuffix = (i: number) => String.fromCharCode(97 + i);

/** Endpoint policies admit principals of this account only. */
const thisAccount = (names: StackNames) => ({ StringEquals: { "aws:PrincipalAccount": names.accountId } });

interface InternetAccess {
    igw: aws.ec2.InternetGateway;
    publicRouteTable: aws.ec2.RouteTable;
}

interface Subnets {
    privateCidrs: string[];
    privateSubnets: aws.ec2.Subnet[];
    publicSubnets: aws.ec2.Subnet[];
    privateRouteTables: aws.ec2.RouteTable[];
}

interface GatewayEndpoints {
    s3: aws.ec2.VpcEndpoint;
    dynamodb: aws.ec2.VpcEndpoint;
}

export class Network extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly privateSubnetIds: pulumi.Output<string>[];
    public readonly publicSubnetIds: pulumi.Output<string>[];
    public readonly privateRouteTableIds: pulumi.Output<string>[];
    /** Security group of the API function: no ingress; HTTPS to the Kinesis endpoint and DynamoDB only. */
    public readonly apiFunctionSecurityGroupId: pulumi.Output<string>;
    /** Security group of the stream processor: no ingress; HTTPS to S3 only. */
    public readonly streamProcessorSecurityGroupId: pulumi.Output<string>;
    /** Security group of the interface endpoints. */
    public readonly endpointSecurityGroupId: pulumi.Output<string>;
    /** The regional KMS key of every log group of the stack. */
    public readonly logsKeyArn: pulumi.Output<string>;
    public readonly flowLogGroupName: pulumi.Output<string>;
    public readonly natGatewayIds: pulumi.Output<string>[];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-web-app:network:Network", name, {}, opts);
        const logsKey = this.createLogsKey(name, args.names);
        const vpc = this.createVpc(name, args);
        const zones = aws.getAvailabilityZonesOutput(
            { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
            { parent: this },
        );
        const internet = this.createInternetGateway(name, args.names, vpc);
        const subnets = this.createSubnets(name, args, vpc, zones, internet);
        const natGateways = this.createNatGateways(name, args, internet, subnets);
        const endpoints = this.createGatewayEndpoints(name, args, vpc, subnets.privateRouteTables);
        const endpointSecurityGroup = this.createKinesisEndpoint(name, args, vpc, subnets);
        const functionSecurityGroups = this.createFunctionSecurityGroups(
            name,
            args.names,
            vpc,
            endpointSecurityGroup,
            endpoints,
        );
        const flowLogGroup = this.createFlowLogs(name, args, vpc, logsKey);

        this.vpcId = vpc.id;
        this.privateSubnetIds = subnets.privateSubnets.map((s) => s.id);
        this.publicSubnetIds = subnets.publicSubnets.map((s) => s.id);
        this.privateRouteTableIds = subnets.privateRouteTables.map((rt) => rt.id);
        this.apiFunctionSecurityGroupId = functionSecurityGroups.api.id;
        this.streamProcessorSecurityGroupId = functionSecurityGroups.streamProcessor.id;
        this.endpointSecurityGroupId = endpointSecurityGroup.id;
        this.logsKeyArn = logsKey.arn;
        this.flowLogGroupName = flowLogGroup.name;
        this.natGatewayIds = natGateways.map((n) => n.id);
        this.registerOutputs({
            vpcId: this.vpcId,
            privateSubnetIds: this.privateSubnetIds,
            publicSubnetIds: this.publicSubnetIds,
            apiFunctionSecurityGroupId: this.apiFunctionSecurityGroupId,
            streamProcessorSecurityGroupId: this.streamProcessorSecurityGroupId,
            logsKeyArn: this.logsKeyArn,
        });
    }

    /** The regional key of every log group of the stack: flow logs are the first the stack makes. */
    private createLogsKey(name: string, names: StackNames): aws.kms.Key {
        return createStackKey(
            `${name}-logs-key`,
            {
                names,
                alias: "logs",
                purpose: `CloudWatch Logs log groups in ${names.region}`,
                users: [logsKeyUser(names.region, names.accountId)],
            },
            { parent: this },
        );
    }

    private createVpc(name: string, args: NetworkArgs): aws.ec2.Vpc {
        const names = args.names;
        // DNS support and hostnames: the Kinesis interface endpoint's private DNS name
        // (kinesis.us-west-2.amazonaws.com resolving to the endpoint) needs both on.
        const vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: args.vpcCidr,
                enableDnsSupport: true,
                enableDnsHostnames: true,
                tags: { Name: `${names.prefix}-vpc` },
            },
            { parent: this },
        );

        // A VPC's default security group allows all traffic between its members; adopting
        // it with no rules empties it, so nothing can use it by accident.
        new aws.ec2.DefaultSecurityGroup(
            `${name}-default-sg`,
            { vpcId: vpc.id, tags: { Name: `${names.prefix}-default-unused` } },
            { parent: this },
        );
        return vpc;
    }

    /** The internet gateway and the public route table's default route through it. */
    private createInternetGateway(name: string, names: StackNames, vpc: aws.ec2.Vpc): InternetAccess {
        const igw = new aws.ec2.InternetGateway(
            `${name}-igw`,
            { vpcId: vpc.id, tags: { Name: `${names.prefix}-igw` } },
            { parent: this },
        );
        const publicRouteTable = new aws.ec2.RouteTable(
            `${name}-public-rt`,
            { vpcId: vpc.id, tags: { Name: `${names.prefix}-public` } },
            { parent: this },
        );
        new aws.ec2.Route(
            `${name}-public-default-route`,
            { routeTableId: publicRouteTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
            { parent: this },
        );
        return { igw, publicRouteTable };
    }

    /**
     * Subnet i of 16 (prefix + 4): private subnets take 0..azCount-1, public ones 8.., so
     * adding an AZ later never renumbers an existing subnet.
     */
    private createSubnets(
        name: string,
        args: NetworkArgs,
        vpc: aws.ec2.Vpc,
        zones: pulumi.Output<aws.GetAvailabilityZonesResult>,
        internet: InternetAccess,
    ): Subnets {
        const subnets: Subnets = { privateCidrs: [], privateSubnets: [], publicSubnets: [], privateRouteTables: [] };
        for (let i = 0; i < args.azCount; i++) {
            const az = zones.names.apply((n) => {
                if (n.length < args.azCount) {
                    throw new pulumi.RunError(
                        `${args.names.region} offers ${n.length} availability zones; azCount asks for ${args.azCount}`,
                    );
                }
                return n[i];
            });
            subnets.privateCidrs.push(subnetCidr(args.vpcCidr, 4, i));
            const zone = this.createZoneSubnets(name, args, vpc, internet, {
                index: i,
                az,
                privateCidr: subnets.privateCidrs[i],
            });
            subnets.publicSubnets.push(zone.publicSubnet);
            subnets.privateSubnets.push(zone.privateSubnet);
            subnets.privateRouteTables.push(zone.privateRouteTable);
        }
        return subnets;
    }

    /** One AZ's public subnet (on the public route table) and private subnet (on its own route table). */
    private createZoneSubnets(
        name: string,
        args: NetworkArgs,
        vpc: aws.ec2.Vpc,
        internet: InternetAccess,
        zone: { index: number; az: pulumi.Output<string>; privateCidr: string },
    ) {
        const names = args.names;
        const suffix = azSuffix(zone.index);
        const publicSubnet = new aws.ec2.Subnet(
            `${name}-public-${suffix}`,
            {
                vpcId: vpc.id,
                availabilityZone: zone.az,
                cidrBlock: subnetCidr(args.vpcCidr, 4, 8 + zone.index),
                // Nothing launched here needs a public address by default (NAT gateways use EIPs).
                mapPublicIpOnLaunch: false,
                tags: { Name: `${names.prefix}-public-${suffix}`, tier: "public" },
            },
            { parent: this },
        );
        new aws.ec2.RouteTableAssociation(
            `${name}-public-${suffix}-rta`,
            { subnetId: publicSubnet.id, routeTableId: internet.publicRouteTable.id },
            { parent: this },
        );
        const privateSubnet = new aws.ec2.Subnet(
            `${name}-private-${suffix}`,
            {
                vpcId: vpc.id,
                availabilityZone: zone.az,
                cidrBlock: zone.privateCidr,
                mapPublicIpOnLaunch: false,
                tags: { Name: `${names.prefix}-private-${suffix}`, tier: "private" },
            },
            { parent: this },
        );
        const privateRouteTable = new aws.ec2.RouteTable(
            `${name}-private-${suffix}-rt`,
            { vpcId: vpc.id, tags: { Name: `${names.prefix}-private-${suffix}` } },
            { parent: this },
        );
        new aws.ec2.RouteTableAssociation(
            `${name}-private-${suffix}-rta`,
            { subnetId: privateSubnet.id, routeTableId: privateRouteTable.id },
            { parent: this },
        );
        return { publicSubnet, privateSubnet, privateRouteTable };
    }

    /**
     * NAT: one in the first AZ by default (Lambda traffic goes to the endpoints, so the NAT
     * carries none of it), or one per AZ so internet egress survives an AZ outage; every
     * private route table's default route goes through one.
     */
    private createNatGateways(
        name: string,
        args: NetworkArgs,
        internet: InternetAccess,
        subnets: Subnets,
    ): aws.ec2.NatGateway[] {
        const names = args.names;
        const igw = internet.igw;
        const natCount = args.natStrategy === "perAz" ? args.azCount : 1;
        const natGateways: aws.ec2.NatGateway[] = [];
        for (let i = 0; i < natCount; i++) {
            const suffix = azSuffix(i);
            const eip = new aws.ec2.Eip(
                `${name}-nat-${suffix}-eip`,
                { domain: "vpc", tags: { Name: `${names.prefix}-nat-${suffix}` } },
                { parent: this, dependsOn: [igw] },
            );
            natGateways.push(
                new aws.ec2.NatGateway(
                    `${name}-nat-${suffix}`,
                    {
                        allocationId: eip.id,
                        subnetId: subnets.publicSubnets[i].id,
                        connectivityType: "public",
                        tags: { Name: `${names.prefix}-nat-${suffix}` },
                    },
                    // The NAT gateway's public address works only once the IGW is attached.
                    { parent: this, dependsOn: [igw] },
                ),
            );
        }
        subnets.privateRouteTables.forEach((rt, i) => {
            new aws.ec2.Route(
                `${name}-private-${azSuffix(i)}-default-route`,
                { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: natGateways[i % natCount].id },
                { parent: this },
            );
        });
        return natGateways;
    }

    /**
     * Gateway endpoints on every private route table, each admitting only this stack's
     * resources and principals of this account.
     */
    private createGatewayEndpoints(
        name: string,
        args: NetworkArgs,
        vpc: aws.ec2.Vpc,
        privateRouteTables: aws.ec2.RouteTable[],
    ): GatewayEndpoints {
        const names = args.names;
        const gateway = (service: string, sid: string, actions: string[], resource: PolicyStatement["Resource"]) =>
            new aws.ec2.VpcEndpoint(
                `${name}-${service}-endpoint`,
                {
                    vpcId: vpc.id,
                    serviceName: `com.amazonaws.${names.region}.${service}`,
                    vpcEndpointType: "Gateway",
                    routeTableIds: privateRouteTables.map((rt) => rt.id),
                    policy: policyDocument([
                        {
                            Sid: sid,
                            Effect: "Allow",
                            Principal: "*",
                            Action: actions,
                            Resource: resource,
                            Condition: thisAccount(names),
                        },
                    ]),
                    tags: { Name: `${names.prefix}-${service}` },
                },
                { parent: this },
            );
        // The stream processor only writes objects (data and errors prefixes).
        const s3 = gateway(
            "s3",
            "ProcessedBucketWritesOnly",
            ["s3:PutObject"],
            pulumi.interpolate`${args.processedBucketArn}/*`,
        );
        const dynamodb = gateway(
            "dynamodb",
            "ItemsTableOnly",
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Scan"],
            [args.tableArn, pulumi.interpolate`${args.tableArn}/index/*`],
        );
        return { s3, dynamodb };
    }

    /** The Kinesis interface endpoint and its security group (HTTPS from the private subnets only, sends nothing). */
    private createKinesisEndpoint(
        name: string,
        args: NetworkArgs,
        vpc: aws.ec2.Vpc,
        subnets: Subnets,
    ): aws.ec2.SecurityGroup {
        const names = args.names;
        const endpointSecurityGroup = new aws.ec2.SecurityGroup(
            `${name}-endpoint-sg`,
            {
                vpcId: vpc.id,
                description: "Interface VPC endpoints: HTTPS from the private subnets",
                ingress: [
                    {
                        description: "HTTPS from the private subnets",
                        protocol: "tcp",
                        fromPort: HTTPS,
                        toPort: HTTPS,
                        cidrBlocks: subnets.privateCidrs,
                    },
                ],
                egress: [],
                tags: { Name: `${names.prefix}-endpoints` },
            },
            { parent: this },
        );
        new aws.ec2.VpcEndpoint(
            `${name}-kinesis-endpoint`,
            {
                vpcId: vpc.id,
                serviceName: `com.amazonaws.${names.region}.kinesis-streams`,
                vpcEndpointType: "Interface",
                // With private DNS the SDK's default endpoint resolves to the endpoint's
                // addresses: the handler needs no endpoint URL. Requires the VPC's DNS
                // support and DNS hostnames (set in createVpc).
                privateDnsEnabled: true,
                subnetIds: subnets.privateSubnets.map((s) => s.id),
                securityGroupIds: [endpointSecurityGroup.id],
                policy: policyDocument([
                    {
                        Sid: "ChangeStreamWritesOnly",
                        Effect: "Allow",
                        Principal: "*",
                        Action: ["kinesis:PutRecord", "kinesis:PutRecords"],
                        Resource: args.streamArn,
                        Condition: thisAccount(names),
                    },
                ]),
                tags: { Name: `${names.prefix}-kinesis` },
            },
            { parent: this },
        );
        return endpointSecurityGroup;
    }

    /**
     * Lambda security groups: no ingress (API Gateway invokes the function through the
     * Lambda service, never through the VPC), egress only HTTPS to the endpoints.
     */
    private createFunctionSecurityGroups(
        name: string,
        names: StackNames,
        vpc: aws.ec2.Vpc,
        endpointSecurityGroup: aws.ec2.SecurityGroup,
        endpoints: GatewayEndpoints,
    ) {
        const egressTo = (
            description: string,
            target: { securityGroups?: pulumi.Input<string>[]; prefixListIds?: pulumi.Input<string>[] },
        ) => ({
            description,
            protocol: "tcp",
            fromPort: HTTPS,
            toPort: HTTPS,
            ...target,
        });
        const api = new aws.ec2.SecurityGroup(
            `${name}-api-fn-sg`,
            {
                vpcId: vpc.id,
                description: "API function: no ingress; HTTPS to the Kinesis endpoint and DynamoDB",
                ingress: [],
                egress: [
                    egressTo("Kinesis interface endpoint", { securityGroups: [endpointSecurityGroup.id] }),
                    egressTo("DynamoDB gateway endpoint", { prefixListIds: [endpoints.dynamodb.prefixListId] }),
                ],
                tags: { Name: `${names.prefix}-api-function` },
            },
            { parent: this },
        );
        const streamProcessor = new aws.ec2.SecurityGroup(
            `${name}-stream-processor-fn-sg`,
            {
                vpcId: vpc.id,
                description: "Stream processor: no ingress; HTTPS to S3",
                ingress: [],
                egress: [egressTo("S3 gateway endpoint", { prefixListIds: [endpoints.s3.prefixListId] })],
                tags: { Name: `${names.prefix}-stream-processor` },
            },
            { parent: this },
        );
        return { api, streamProcessor };
    }

    /** Flow logs of all traffic, to a log group encrypted with the logs key. */
    private createFlowLogs(
        name: string,
        args: NetworkArgs,
        vpc: aws.ec2.Vpc,
        logsKey: aws.kms.Key,
    ): aws.cloudwatch.LogGroup {
        const names = args.names;
        const flowLogGroup = new aws.cloudwatch.LogGroup(
            `${name}-flow-logs`,
            { name: `/${names.prefix}/vpc-flow-logs`, retentionInDays: args.logRetentionDays, kmsKeyId: logsKey.arn },
            { parent: this },
        );
        const flowLogRole = new aws.iam.Role(
            `${name}-flow-logs-role`,
            {
                description: "VPC flow logs delivery to CloudWatch Logs",
                // Confused-deputy guard: only this account's flow logs may assume it.
                assumeRolePolicy: assumeRolePolicy(["vpc-flow-logs.amazonaws.com"], {
                    StringEquals: { "aws:SourceAccount": names.accountId },
                    ArnLike: {
                        "aws:SourceArn": pulumi.interpolate`arn:${PARTITION}:ec2:${names.region}:${names.accountId}:vpc-flow-log/*`,
                    },
                }),
            },
            { parent: this },
        );
        const flowLogPolicy = new aws.iam.RolePolicy(
            `${name}-flow-logs-policy`,
            {
                role: flowLogRole.id,
                policy: policyDocument([
                    {
                        Sid: "WriteFlowLogGroup",
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                        Resource: [flowLogGroup.arn, pulumi.interpolate`${flowLogGroup.arn}:*`],
                    },
                    { Sid: "FindLogGroups", Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: "*" },
                ]),
            },
            { parent: this },
        );
        new aws.ec2.FlowLog(
            `${name}-flow-log`,
            {
                vpcId: vpc.id,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: flowLogGroup.arn,
                iamRoleArn: flowLogRole.arn,
                // 600 s (AWS's default) unless config asks for 60: up to ten times fewer records
                // to ingest for long flows, at the price of coarser timing (docs/COST.md).
                maxAggregationInterval: args.flowLogAggregationSeconds,
                tags: { Name: `${names.prefix}-flow-log` },
            },
            // Creating the flow log checks that the role can write: wait for its policy.
            { parent: this, dependsOn: [flowLogPolicy] },
        );
        return flowLogGroup;
    }
}
