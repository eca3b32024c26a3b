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
import type { NatStrategy } from "./config";
import { assumeRolePolicy, policyDocument } from "./lib/iam";
import { createStackKey, logsKeyUser } from "./lib/kms";
import { PARTITION, StackNames } from "./lib/naming";

export interface NetworkArgs {
    /** Physical names and the account this stack deploys to. */
    names: StackNames;
    /** The VPC's IPv4 range. Defaults to "10.40.0.0/16". */
    vpcCidr?: string;
    /** Availability zones to spread the subnets over (at least 2). Defaults to 2. */
    azCount?: number;
    /** "single" NAT gateway in the first AZ, or "perAz" so egress survives an AZ outage. Defaults to "single". */
    natStrategy?: NatStrategy;
    /** Seconds over which a flow is aggregated into one flow-log record: 60 or 600. Defaults to 600. */
    flowLogAggregationSeconds?: 60 | 600;
    /** Retention of the flow-log group, in days. Defaults to 365. */
    logRetentionDays?: number;
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
        const names = args.names;
        const region = names.region;
        const vpcCidr = args.vpcCidr ?? "10.40.0.0/16";
        const azCount = args.azCount ?? 2;
        const natStrategy = args.natStrategy ?? "single";
        const logRetentionDays = args.logRetentionDays ?? 365;

        const logsKey = createStackKey(
            `${name}-logs-key`,
            {
                names,
                alias: "logs",
                purpose: `CloudWatch Logs log groups in ${region}`,
                users: [logsKeyUser(region, names.accountId)],
            },
            { parent: this },
        );

        // DNS support and hostnames: the Kinesis interface endpoint's private DNS name
        // (kinesis.us-west-2.amazonaws.com resolving to the endpoint) needs both on.
        const vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: vpcCidr,
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

        const zones = aws.getAvailabilityZonesOutput(
            { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
            { parent: this },
        );

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

        // Subnet i of 16 (prefix + 4): private subnets take 0..azCount-1, public ones 8.., so
        // adding an AZ later never renumbers an existing subnet.
        const privateCidrs: string[] = [];
        const privateSubnets: aws.ec2.Subnet[] = [];
        const publicSubnets: aws.ec2.Subnet[] = [];
        const privateRouteTables: aws.ec2.RouteTable[] = [];
        for (let i = 0; i < azCount; i++) {
            const az = zones.names.apply((n) => {
                if (n.length < azCount) {
                    throw new pulumi.RunError(`${region} offers ${n.length} availability zones; azCount asks for ${azCount}`);
                }
                return n[i];
            });
            const suffix = String.fromCharCode(97 + i); // a, b, c, d: the subnet's AZ slot
            privateCidrs.push(subnetCidr(vpcCidr, 4, i));
            const publicSubnet = new aws.ec2.Subnet(
                `${name}-public-${suffix}`,
                {
                    vpcId: vpc.id,
                    availabilityZone: az,
                    cidrBlock: subnetCidr(vpcCidr, 4, 8 + i),
                    // Nothing launched here needs a public address by default (NAT gateways use EIPs).
                    mapPublicIpOnLaunch: false,
                    tags: { Name: `${names.prefix}-public-${suffix}`, tier: "public" },
                },
                { parent: this },
            );
            new aws.ec2.RouteTableAssociation(
                `${name}-public-${suffix}-rta`,
                { subnetId: publicSubnet.id, routeTableId: publicRouteTable.id },
                { parent: this },
            );
            const privateSubnet = new aws.ec2.Subnet(
                `${name}-private-${suffix}`,
                {
                    vpcId: vpc.id,
                    availabilityZone: az,
                    cidrBlock: privateCidrs[i],
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
            publicSubnets.push(publicSubnet);
            privateSubnets.push(privateSubnet);
            privateRouteTables.push(privateRouteTable);
        }

        // NAT: one in the first AZ by default (Lambda traffic goes to the endpoints, so the
        // NAT carries none of it), or one per AZ so internet egress survives an AZ outage.
        const natCount = natStrategy === "perAz" ? azCount : 1;
        const natGateways: aws.ec2.NatGateway[] = [];
        for (let i = 0; i < natCount; i++) {
            const suffix = String.fromCharCode(97 + i);
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
                        subnetId: publicSubnets[i].id,
                        connectivityType: "public",
                        tags: { Name: `${names.prefix}-nat-${suffix}` },
                    },
                    // The NAT gateway's public address works only once the IGW is attached.
                    { parent: this, dependsOn: [igw] },
                ),
            );
        }
        privateRouteTables.forEach((rt, i) => {
            const suffix = String.fromCharCode(97 + i);
            new aws.ec2.Route(
                `${name}-private-${suffix}-default-route`,
                { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: natGateways[i % natCount].id },
                { parent: this },
            );
        });

        // Gateway endpoints on every private route table, each admitting only this stack's
        // resources and principals of this account.
        const privateRouteTableIds = privateRouteTables.map((rt) => rt.id);
        const thisAccount = { StringEquals: { "aws:PrincipalAccount": names.accountId } };
        const s3Endpoint = new aws.ec2.VpcEndpoint(
            `${name}-s3-endpoint`,
            {
                vpcId: vpc.id,
                serviceName: `com.amazonaws.${region}.s3`,
                vpcEndpointType: "Gateway",
                routeTableIds: privateRouteTableIds,
                policy: policyDocument([
                    {
                        // The stream processor only writes objects (data and errors prefixes).
                        Sid: "ProcessedBucketWritesOnly",
                        Effect: "Allow",
                        Principal: "*",
                        Action: ["s3:PutObject"],
                        Resource: pulumi.interpolate`${args.processedBucketArn}/*`,
                        Condition: thisAccount,
                    },
                ]),
                tags: { Name: `${names.prefix}-s3` },
            },
            { parent: this },
        );
        const dynamodbEndpoint = new aws.ec2.VpcEndpoint(
            `${name}-dynamodb-endpoint`,
            {
                vpcId: vpc.id,
                serviceName: `com.amazonaws.${region}.dynamodb`,
                vpcEndpointType: "Gateway",
                routeTableIds: privateRouteTableIds,
                policy: policyDocument([
                    {
                        Sid: "ItemsTableOnly",
                        Effect: "Allow",
                        Principal: "*",
                        Action: [
                            "dynamodb:GetItem",
                            "dynamodb:PutItem",
                            "dynamodb:UpdateItem",
                            "dynamodb:DeleteItem",
                            "dynamodb:Scan",
                        ],
                        Resource: [args.tableArn, pulumi.interpolate`${args.tableArn}/index/*`],
                        Condition: thisAccount,
                    },
                ]),
                tags: { Name: `${names.prefix}-dynamodb` },
            },
            { parent: this },
        );

        // Interface endpoints accept HTTPS from the private subnets only, and send nothing.
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
                        cidrBlocks: privateCidrs,
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
                serviceName: `com.amazonaws.${region}.kinesis-streams`,
                vpcEndpointType: "Interface",
                // With private DNS the SDK's default endpoint resolves to the endpoint's
                // addresses: the handler needs no endpoint URL. Requires the VPC's DNS
                // support and DNS hostnames (set above).
                privateDnsEnabled: true,
                subnetIds: privateSubnets.map((s) => s.id),
                securityGroupIds: [endpointSecurityGroup.id],
                policy: policyDocument([
                    {
                        Sid: "ChangeStreamWritesOnly",
                        Effect: "Allow",
                        Principal: "*",
                        Action: ["kinesis:PutRecord", "kinesis:PutRecords"],
                        Resource: args.streamArn,
                        Condition: thisAccount,
                    },
                ]),
                tags: { Name: `${names.prefix}-kinesis` },
            },
            { parent: this },
        );

        // Lambda security groups: no ingress (API Gateway invokes the function through the
        // Lambda service, never through the VPC), egress only HTTPS to the endpoints.
        const egressTo = (description: string, target: { securityGroups?: pulumi.Input<string>[]; prefixListIds?: pulumi.Input<string>[] }) => ({
            description,
            protocol: "tcp",
            fromPort: HTTPS,
            toPort: HTTPS,
            ...target,
        });
        const apiFunctionSecurityGroup = new aws.ec2.SecurityGroup(
            `${name}-api-fn-sg`,
            {
                vpcId: vpc.id,
                description: "API function: no ingress; HTTPS to the Kinesis endpoint and DynamoDB",
                ingress: [],
                egress: [
                    egressTo("Kinesis interface endpoint", { securityGroups: [endpointSecurityGroup.id] }),
                    egressTo("DynamoDB gateway endpoint", { prefixListIds: [dynamodbEndpoint.prefixListId] }),
                ],
                tags: { Name: `${names.prefix}-api-function` },
            },
            { parent: this },
        );
        const streamProcessorSecurityGroup = new aws.ec2.SecurityGroup(
            `${name}-stream-processor-fn-sg`,
            {
                vpcId: vpc.id,
                description: "Stream processor: no ingress; HTTPS to S3",
                ingress: [],
                egress: [egressTo("S3 gateway endpoint", { prefixListIds: [s3Endpoint.prefixListId] })],
                tags: { Name: `${names.prefix}-stream-processor` },
            },
            { parent: this },
        );

        // Flow logs of all traffic, to a log group encrypted with the logs key.
        const flowLogGroup = new aws.cloudwatch.LogGroup(
            `${name}-flow-logs`,
            { name: `/${names.prefix}/vpc-flow-logs`, retentionInDays: logRetentionDays, kmsKeyId: logsKey.arn },
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
                        "aws:SourceArn": pulumi.interpolate`arn:${PARTITION}:ec2:${region}:${names.accountId}:vpc-flow-log/*`,
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
                    {
                        Sid: "FindLogGroups",
                        Effect: "Allow",
                        Action: ["logs:DescribeLogGroups"],
                        Resource: "*",
                    },
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
                maxAggregationInterval: args.flowLogAggregationSeconds ?? 600,
                tags: { Name: `${names.prefix}-flow-log` },
            },
            // Creating the flow log checks that the role can write: wait for its policy.
            { parent: this, dependsOn: [flowLogPolicy] },
        );

        this.vpcId = vpc.id;
        this.privateSubnetIds = privateSubnets.map((s) => s.id);
        this.publicSubnetIds = publicSubnets.map((s) => s.id);
        this.privateRouteTableIds = privateRouteTableIds;
        this.apiFunctionSecurityGroupId = apiFunctionSecurityGroup.id;
        this.streamProcessorSecurityGroupId = streamProcessorSecurityGroup.id;
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
}
