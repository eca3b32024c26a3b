/**
 * Type-token matching. The pack never imports @pulumi/aws (its start-up cost is seconds, and the
 * pack must judge stacks built with any version of it): rules name the type tokens they judge.
 *
 * @pulumi/aws v7 renamed several V2 resources back to their plain names and kept the V2 tokens
 * as aliases (`aws:s3/bucket:Bucket` and `aws:s3/bucketV2:BucketV2`, BucketAcl/BucketAclV2,
 * BucketWebsiteConfiguration/...V2, ...). A stack may hold either, so every token a rule names
 * matches its V2 twin too.
 */

/** The V2 twin of a type token: `aws:s3/bucket:Bucket` <-> `aws:s3/bucketV2:BucketV2`. */
export function v2Twin(token: string): string | undefined {
    const match = /^([^:]+):([^/]+)\/([^:]+):(.+)$/.exec(token);
    if (!match) return undefined;
    const [, pkg, mod, member, cls] = match;
    if (cls.endsWith("V2") && member.endsWith("V2")) {
        return `${pkg}:${mod}/${member.slice(0, -2)}:${cls.slice(0, -2)}`;
    }
    return `${pkg}:${mod}/${member}V2:${cls}V2`;
}

/** The set of tokens matching the given ones and their V2 twins. */
export function typeSet(...tokens: string[]): ReadonlySet<string> {
    const set = new Set<string>();
    for (const token of tokens) {
        set.add(token);
        const twin = v2Twin(token);
        if (twin) set.add(twin);
    }
    return set;
}

/** A predicate over type tokens built from `typeSet`. */
export function isType(type: unknown, ...tokens: string[]): boolean {
    return typeof type === "string" && typeSet(...tokens).has(type);
}

/**
 * How messages name a resource type: `aws:s3/bucketV2:BucketV2` -> `aws.s3.BucketV2`, as a
 * Pulumi TypeScript reader writes it. Tokens of another shape are shown as they are.
 */
export function typeLabel(type: string): string {
    const match = /^([^:]+):([^/]+)\/[^:]+:(.+)$/.exec(type);
    if (!match) return type;
    const [, pkg, mod, cls] = match;
    return mod === "index" ? `${pkg}.${cls}` : `${pkg}.${mod}.${cls}`;
}

/**
 * Every AWS type token the pack names, in one table: rules, lib/ and the graph use these keys,
 * never a token string of their own. Matching goes through `typeSet`/`isType`, so each token also
 * matches its V2 twin; the tokens that have a real V2 alias in @pulumi/aws v7 are
 * `V2_ALIASED` below (`aws:s3/bucketV2:BucketV2` and the other S3 aliases).
 */
export const AWS_TYPES = {
    // API Gateway and WAF
    apigatewayDomainName: "aws:apigateway/domainName:DomainName",
    apigatewayMethodSettings: "aws:apigateway/methodSettings:MethodSettings",
    apigatewayRestApi: "aws:apigateway/restApi:RestApi",
    apigatewayStage: "aws:apigateway/stage:Stage",
    apigatewayV2Stage: "aws:apigatewayv2/stage:Stage",
    wafv2WebAclAssociation: "aws:wafv2/webAclAssociation:WebAclAssociation",
    // CloudFront
    cloudfrontDistribution: "aws:cloudfront/distribution:Distribution",
    cloudfrontResponseHeadersPolicy: "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
    // CloudWatch
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    logDelivery: "aws:cloudwatch/logDelivery:LogDelivery",
    logDeliverySource: "aws:cloudwatch/logDeliverySource:LogDeliverySource",
    metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    // DynamoDB, Kinesis, SNS, SQS, Secrets Manager
    dynamodbTable: "aws:dynamodb/table:Table",
    kinesisStream: "aws:kinesis/stream:Stream",
    snsTopic: "aws:sns/topic:Topic",
    snsTopicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    snsTopicSubscription: "aws:sns/topicSubscription:TopicSubscription",
    sqsQueue: "aws:sqs/queue:Queue",
    sqsQueuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
    secretsmanagerSecret: "aws:secretsmanager/secret:Secret",
    secretsmanagerSecretPolicy: "aws:secretsmanager/secretPolicy:SecretPolicy",
    // EC2 / VPC
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    routeTable: "aws:ec2/routeTable:RouteTable",
    defaultRouteTable: "aws:ec2/defaultRouteTable:DefaultRouteTable",
    route: "aws:ec2/route:Route",
    routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    mainRouteTableAssociation: "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
    internetGateway: "aws:ec2/internetGateway:InternetGateway",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    vpcEndpointRouteTableAssociation: "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation",
    vpcEndpointSubnetAssociation: "aws:ec2/vpcEndpointSubnetAssociation:VpcEndpointSubnetAssociation",
    vpcEndpointPolicy: "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    securityGroupIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    securityGroupEgressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    flowLog: "aws:ec2/flowLog:FlowLog",
    // IAM
    iamRole: "aws:iam/role:Role",
    iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
    iamPolicy: "aws:iam/policy:Policy",
    iamUserPolicy: "aws:iam/userPolicy:UserPolicy",
    iamGroupPolicy: "aws:iam/groupPolicy:GroupPolicy",
    iamRolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    iamRolePoliciesExclusive: "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive",
    iamRolePolicyAttachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
    iamUserPolicyAttachmentsExclusive: "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
    iamGroupPolicyAttachmentsExclusive: "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
    iamPolicyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    iamUserPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    iamGroupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    // KMS
    kmsKey: "aws:kms/key:Key",
    kmsKeyPolicy: "aws:kms/keyPolicy:KeyPolicy",
    kmsAlias: "aws:kms/alias:Alias",
    kmsReplicaKey: "aws:kms/replicaKey:ReplicaKey",
    // Lambda
    lambdaFunction: "aws:lambda/function:Function",
    lambdaFunctionUrl: "aws:lambda/functionUrl:FunctionUrl",
    lambdaPermission: "aws:lambda/permission:Permission",
    eventSourceMapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
    // S3 (bucket, bucketAcl, bucketWebsite and bucketEncryption have V2 aliases: V2_ALIASED)
    bucket: "aws:s3/bucket:Bucket",
    bucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    bucketAcl: "aws:s3/bucketAcl:BucketAcl",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    bucketWebsite: "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration",
    bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    bucketOwnershipControls: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
} as const;

/**
 * The table's tokens that @pulumi/aws v7 also registers under a V2 alias
 * (node_modules/@pulumi/aws/s3/bucketV2.d.ts, bucketAclV2.d.ts, bucketWebsiteConfigurationV2.d.ts,
 * bucketServerSideEncryptionConfigurationV2.d.ts): a stack may hold either form.
 */
export const V2_ALIASED: readonly string[] = [
    AWS_TYPES.bucket,
    AWS_TYPES.bucketAcl,
    AWS_TYPES.bucketWebsite,
    AWS_TYPES.bucketEncryption,
];
