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
 * Every AWS type token the pack names, in one table: rules, lib/, the pack specs and the mutation
 * suite use these keys, never a token string of their own. Matching goes through
 * `typeSet`/`isType`, so each token also matches its V2 twin; the tokens that have a real V2
 * alias in @pulumi/aws v7 are `V2_ALIASED` below (`aws:s3/bucketV2:BucketV2` and the other S3
 * aliases), spelled out in `AWS_V2_ALIASES`.
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
    // Data stores (@pulumi/aws 7.48). ELB tokens with an alias registration list the alias too
    // (node_modules/@pulumi/aws/lb/listener.js, alb/listener.js, elb/loadBalancer.js ...: `aliases`).
    athenaWorkgroup: "aws:athena/workgroup:Workgroup",
    backupVault: "aws:backup/vault:Vault",
    backupLogicallyAirGappedVault: "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault",
    backupVaultPolicy: "aws:backup/vaultPolicy:VaultPolicy",
    cloudtrailTrail: "aws:cloudtrail/trail:Trail",
    daxCluster: "aws:dax/cluster:Cluster",
    docdbCluster: "aws:docdb/cluster:Cluster",
    docdbClusterParameterGroup: "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
    ebsVolume: "aws:ebs/volume:Volume",
    ebsSnapshot: "aws:ebs/snapshot:Snapshot",
    ebsSnapshotCopy: "aws:ebs/snapshotCopy:SnapshotCopy",
    ebsEncryptionByDefault: "aws:ebs/encryptionByDefault:EncryptionByDefault",
    ec2Instance: "aws:ec2/instance:Instance",
    ec2SpotInstanceRequest: "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
    ec2LaunchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    ec2LaunchConfiguration: "aws:ec2/launchConfiguration:LaunchConfiguration",
    ecrRepository: "aws:ecr/repository:Repository",
    ecrRepositoryPolicy: "aws:ecr/repositoryPolicy:RepositoryPolicy",
    ecrLifecyclePolicy: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    ecrRegistryScanningConfiguration: "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
    efsFileSystem: "aws:efs/fileSystem:FileSystem",
    efsFileSystemPolicy: "aws:efs/fileSystemPolicy:FileSystemPolicy",
    efsAccessPoint: "aws:efs/accessPoint:AccessPoint",
    elasticacheReplicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    elasticacheServerlessCache: "aws:elasticache/serverlessCache:ServerlessCache",
    elasticacheCluster: "aws:elasticache/cluster:Cluster",
    elasticsearchDomain: "aws:elasticsearch/domain:Domain",
    elasticsearchDomainPolicy: "aws:elasticsearch/domainPolicy:DomainPolicy",
    albListener: "aws:alb/listener:Listener",
    albListenerAlias: "aws:applicationloadbalancing/listener:Listener",
    albListenerRule: "aws:alb/listenerRule:ListenerRule",
    albListenerRuleAlias: "aws:applicationloadbalancing/listenerRule:ListenerRule",
    albLoadBalancer: "aws:alb/loadBalancer:LoadBalancer",
    albLoadBalancerAlias: "aws:applicationloadbalancing/loadBalancer:LoadBalancer",
    lbListener: "aws:lb/listener:Listener",
    lbListenerAlias: "aws:elasticloadbalancingv2/listener:Listener",
    lbListenerRule: "aws:lb/listenerRule:ListenerRule",
    lbListenerRuleAlias: "aws:elasticloadbalancingv2/listenerRule:ListenerRule",
    lbLoadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    lbLoadBalancerAlias: "aws:elasticloadbalancingv2/loadBalancer:LoadBalancer",
    elbLoadBalancer: "aws:elb/loadBalancer:LoadBalancer",
    elbLoadBalancerAlias: "aws:elasticloadbalancing/loadBalancer:LoadBalancer",
    firehoseDeliveryStream: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    mskCluster: "aws:msk/cluster:Cluster",
    neptuneCluster: "aws:neptune/cluster:Cluster",
    opensearchDomain: "aws:opensearch/domain:Domain",
    opensearchDomainPolicy: "aws:opensearch/domainPolicy:DomainPolicy",
    rdsInstance: "aws:rds/instance:Instance",
    rdsCluster: "aws:rds/cluster:Cluster",
    rdsClusterInstance: "aws:rds/clusterInstance:ClusterInstance",
    rdsGlobalCluster: "aws:rds/globalCluster:GlobalCluster",
    rdsSnapshot: "aws:rds/snapshot:Snapshot",
    rdsClusterSnapshot: "aws:rds/clusterSnapshot:ClusterSnapshot",
    rdsSnapshotCopy: "aws:rds/snapshotCopy:SnapshotCopy",
    rdsClusterSnapshotCopy: "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy",
    rdsParameterGroup: "aws:rds/parameterGroup:ParameterGroup",
    rdsClusterParameterGroup: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    redshiftCluster: "aws:redshift/cluster:Cluster",
    redshiftParameterGroup: "aws:redshift/parameterGroup:ParameterGroup",
    redshiftServerlessNamespace: "aws:redshiftserverless/namespace:Namespace",
    redshiftServerlessWorkgroup: "aws:redshiftserverless/workgroup:Workgroup",
    ssmParameter: "aws:ssm/parameter:Parameter",
    ssmDocument: "aws:ssm/document:Document",
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

/**
 * Those V2 aliases by the key of their token, for whoever must write the alias form itself (a
 * test of the alias handling, a mutation that declares the V2 resource): `v2Twin` of the token.
 */
export const AWS_V2_ALIASES = {
    bucket: "aws:s3/bucketV2:BucketV2",
    bucketAcl: "aws:s3/bucketAclV2:BucketAclV2",
    bucketWebsite: "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2",
    bucketEncryption: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
} as const;
