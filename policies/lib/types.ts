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

/** The S3 and other type tokens rules share, each matched with its V2 twin by `typeSet`. */
export const T = {
    bucket: "aws:s3/bucket:Bucket",
    bucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    bucketAcl: "aws:s3/bucketAcl:BucketAcl",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    bucketWebsite: "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration",
    bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    bucketOwnershipControls: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    lambdaFunction: "aws:lambda/function:Function",
    lambdaFunctionUrl: "aws:lambda/functionUrl:FunctionUrl",
    lambdaPermission: "aws:lambda/permission:Permission",
    iamRole: "aws:iam/role:Role",
    iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
    iamPolicy: "aws:iam/policy:Policy",
    iamUserPolicy: "aws:iam/userPolicy:UserPolicy",
    iamGroupPolicy: "aws:iam/groupPolicy:GroupPolicy",
    iamRolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    iamRolePoliciesExclusive: "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive",
    iamPolicyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    iamUserPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    iamGroupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    kmsKey: "aws:kms/key:Key",
    kmsKeyPolicy: "aws:kms/keyPolicy:KeyPolicy",
    kmsAlias: "aws:kms/alias:Alias",
    kmsReplicaKey: "aws:kms/replicaKey:ReplicaKey",
    dynamodbTable: "aws:dynamodb/table:Table",
    kinesisStream: "aws:kinesis/stream:Stream",
    snsTopic: "aws:sns/topic:Topic",
    snsTopicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    sqsQueue: "aws:sqs/queue:Queue",
    sqsQueuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
    secretsmanagerSecret: "aws:secretsmanager/secret:Secret",
    secretsmanagerSecretPolicy: "aws:secretsmanager/secretPolicy:SecretPolicy",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    cloudfrontDistribution: "aws:cloudfront/distribution:Distribution",
    // Data stores (tokens as @pulumi/aws 7.48 registers them; ELB tokens' aliases listed beside).
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
    ebsVolume: "aws:ebs/volume:Volume",
    ebsSnapshotCopy: "aws:ebs/snapshotCopy:SnapshotCopy",
    ebsEncryptionByDefault: "aws:ebs/encryptionByDefault:EncryptionByDefault",
    ec2SnapshotCreateVolumePermission: "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission",
    efsFileSystem: "aws:efs/fileSystem:FileSystem",
    efsFileSystemPolicy: "aws:efs/fileSystemPolicy:FileSystemPolicy",
    efsAccessPoint: "aws:efs/accessPoint:AccessPoint",
    elasticacheReplicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    elasticacheServerlessCache: "aws:elasticache/serverlessCache:ServerlessCache",
    elasticacheCluster: "aws:elasticache/cluster:Cluster",
    opensearchDomain: "aws:opensearch/domain:Domain",
    opensearchDomainPolicy: "aws:opensearch/domainPolicy:DomainPolicy",
    elasticsearchDomain: "aws:elasticsearch/domain:Domain",
    elasticsearchDomainPolicy: "aws:elasticsearch/domainPolicy:DomainPolicy",
    redshiftCluster: "aws:redshift/cluster:Cluster",
    redshiftParameterGroup: "aws:redshift/parameterGroup:ParameterGroup",
    redshiftServerlessNamespace: "aws:redshiftserverless/namespace:Namespace",
    redshiftServerlessWorkgroup: "aws:redshiftserverless/workgroup:Workgroup",
    docdbCluster: "aws:docdb/cluster:Cluster",
    docdbClusterParameterGroup: "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
    neptuneCluster: "aws:neptune/cluster:Cluster",
    mskCluster: "aws:msk/cluster:Cluster",
    ecrRepository: "aws:ecr/repository:Repository",
    ecrRepositoryPolicy: "aws:ecr/repositoryPolicy:RepositoryPolicy",
    ecrLifecyclePolicy: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    backupVault: "aws:backup/vault:Vault",
    backupVaultPolicy: "aws:backup/vaultPolicy:VaultPolicy",
    cloudtrailTrail: "aws:cloudtrail/trail:Trail",
    lbListener: "aws:lb/listener:Listener",
    lbListenerAlias: "aws:elasticloadbalancingv2/listener:Listener",
    albListener: "aws:alb/listener:Listener",
    albListenerAlias: "aws:applicationloadbalancing/listener:Listener",
    lbLoadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    lbLoadBalancerAlias: "aws:elasticloadbalancingv2/loadBalancer:LoadBalancer",
    albLoadBalancer: "aws:alb/loadBalancer:LoadBalancer",
    albLoadBalancerAlias: "aws:applicationloadbalancing/loadBalancer:LoadBalancer",
    elbLoadBalancer: "aws:elb/loadBalancer:LoadBalancer",
    elbLoadBalancerAlias: "aws:elasticloadbalancing/loadBalancer:LoadBalancer",
    ssmParameter: "aws:ssm/parameter:Parameter",
    ssmDocument: "aws:ssm/document:Document",
    firehoseDeliveryStream: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    athenaWorkgroup: "aws:athena/workgroup:Workgroup",
} as const;
