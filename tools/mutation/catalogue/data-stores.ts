/**
 * Data stores the program does not use today, added by overlays: the mistakes an engineer makes
 * when the program grows a database, a file system, a cache, a search domain, a load balancer.
 * Each builder below adds a small, correctly configured store to the data tier (private subnets,
 * encrypted at rest and in transit, not public); a mutation passes the ONE field it gets wrong,
 * and the controls in controls.ts add the same stores unchanged, so the rules are shown to stay
 * quiet on a correct store and to catch each defect on the exact resource.
 */
import type * as aws from "@pulumi/aws";
import type { HookContext, Mutation } from "../types";
import { C, urn } from "../types";
import { AWS_TYPES } from "../../../policies/lib/types";

type Args = Record<string, unknown>;
const ACCOUNT = "123456789012";

const parent = (ctx: HookContext) => ({ parent: ctx.resource("data") });
const privateSubnets = (ctx: HookContext) =>
    ["a", "b"].map((az) => ctx.resource<aws.ec2.Subnet>(`network-private-${az}`).id);

/** A PostgreSQL instance in the private subnets, encrypted, TLS forced by its parameter group. */
export function addDatabase(
    ctx: HookContext,
    instance: Args = {},
    parameters?: { name: string; value: string }[],
): void {
    const { aws: a } = ctx;
    const subnets = new a.rds.SubnetGroup("data-db-subnets", { subnetIds: privateSubnets(ctx) }, parent(ctx));
    const params = new a.rds.ParameterGroup(
        "data-db-params",
        {
            name: "data-db-params",
            family: "postgres14",
            parameters: parameters ?? [{ name: "rds.force_ssl", value: "1" }],
        },
        parent(ctx),
    );
    new a.rds.Instance(
        "data-db",
        {
            engine: "postgres",
            engineVersion: "14.12",
            instanceClass: "db.t4g.micro",
            allocatedStorage: 20,
            username: "app_admin",
            manageMasterUserPassword: true,
            dbSubnetGroupName: subnets.name,
            parameterGroupName: params.name,
            storageEncrypted: true,
            publiclyAccessible: false,
            deletionProtection: true,
            backupRetentionPeriod: 7,
            iamDatabaseAuthenticationEnabled: true,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "data-db-final",
            ...instance,
        } as aws.rds.InstanceArgs,
        parent(ctx),
    );
}

/** An encrypted EFS file system whose policy names the API role and denies clear-text access. */
export function addFileSystem(ctx: HookContext, fileSystem: Args = {}, principal?: unknown): void {
    const { aws: a, pulumi: p } = ctx;
    const fs = new a.efs.FileSystem(
        "data-files",
        { encrypted: true, ...fileSystem } as aws.efs.FileSystemArgs,
        parent(ctx),
    );
    const role = ctx.resource<aws.iam.Role>("api-handler-role");
    new a.efs.FileSystemPolicy(
        "data-files-policy",
        {
            fileSystemId: fs.id,
            policy: p.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "AppMounts",
                        Effect: "Allow",
                        Principal: principal ?? { AWS: role.arn },
                        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                        Resource: fs.arn,
                    },
                    {
                        Sid: "DenyClearText",
                        Effect: "Deny",
                        Principal: { AWS: "*" },
                        Action: "*",
                        Resource: fs.arn,
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ],
            }),
        },
        parent(ctx),
    );
}

/** A Valkey replication group in the private subnets, encrypted at rest and in transit. */
export function addCache(ctx: HookContext, group: Args = {}): void {
    const { aws: a } = ctx;
    const subnets = new a.elasticache.SubnetGroup(
        "data-cache-subnets",
        { subnetIds: privateSubnets(ctx) },
        parent(ctx),
    );
    new a.elasticache.ReplicationGroup(
        "data-cache",
        {
            description: "session cache",
            engine: "valkey",
            nodeType: "cache.t4g.micro",
            numCacheClusters: 2,
            automaticFailoverEnabled: true,
            subnetGroupName: subnets.name,
            atRestEncryptionEnabled: true,
            transitEncryptionEnabled: true,
            snapshotRetentionLimit: 7,
            ...group,
        } as aws.elasticache.ReplicationGroupArgs,
        parent(ctx),
    );
}

/** An internal Application Load Balancer with an HTTPS listener and an HTTP listener that redirects. */
export function addLoadBalancer(ctx: HookContext, http: Args = {}, https: Args = {}): void {
    const { aws: a } = ctx;
    const lb = new a.lb.LoadBalancer(
        "data-lb",
        {
            internal: true,
            loadBalancerType: "application",
            subnets: privateSubnets(ctx),
            dropInvalidHeaderFields: true,
            enableDeletionProtection: true,
        },
        parent(ctx),
    );
    const target = new a.lb.TargetGroup(
        "data-lb-targets",
        { port: 443, protocol: "HTTPS", vpcId: ctx.resource<aws.ec2.Vpc>("network-vpc").id, targetType: "ip" },
        parent(ctx),
    );
    new a.lb.Listener(
        "data-lb-https",
        {
            loadBalancerArn: lb.arn,
            port: 443,
            protocol: "HTTPS",
            certificateArn: `arn:aws:acm:us-west-2:${ACCOUNT}:certificate/00000000-0000-0000-0000-000000000000`,
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            defaultActions: [{ type: "forward", targetGroupArn: target.arn }],
            ...https,
        } as aws.lb.ListenerArgs,
        parent(ctx),
    );
    new a.lb.Listener(
        "data-lb-http",
        {
            loadBalancerArn: lb.arn,
            port: 80,
            protocol: "HTTP",
            defaultActions: [
                { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
            ],
            ...http,
        } as aws.lb.ListenerArgs,
        parent(ctx),
    );
}

const family = "encryption" as const;
const at = (type: string, name: string) => urn(C.data, type, name);

/**
 * A mutation that adds one store to the data tier with its defect written in: the finding must
 * name that store, at mandatory level. `create` builds it as `name`, under the data component.
 */
function addsStore(
    mistake: Pick<Mutation, "id" | "family" | "description" | "form" | "alternate" | "rule">,
    store: { type: string; name: string },
    create: (ctx: HookContext, name: string, opts: ReturnType<typeof parent>) => unknown,
): Mutation {
    return {
        ...mistake,
        level: "mandatory",
        resource: at(store.type, store.name),
        kind: "add",
        add: (ctx) => void create(ctx, store.name, parent(ctx)),
    };
}

export const mutations: Mutation[] = [
    {
        id: "rds-instance-unencrypted",
        family,
        description:
            "A new PostgreSQL instance whose storageEncrypted line was left out (RDS then stores it unencrypted, for good)",
        form: "inline",
        alternate: false,
        rule: "rds-db-instance-encrypted",
        level: "mandatory",
        resource: at(AWS_TYPES.rdsInstance, "data-db"),
        kind: "add",
        add: (ctx) => addDatabase(ctx, { storageEncrypted: undefined }),
    },
    {
        id: "rds-parameter-group-no-force-ssl",
        family,
        description:
            "The database's parameter group written without rds.force_ssl (PostgreSQL 14 then accepts clear-text clients)",
        form: "aws.rds.ParameterGroup",
        alternate: true,
        rule: "rds-parameter-group-tls-required",
        level: "mandatory",
        resource: at(AWS_TYPES.rdsParameterGroup, "data-db-params"),
        kind: "add",
        add: (ctx) => addDatabase(ctx, {}, [{ name: "log_connections", value: "1" }]),
    },
    {
        id: "rds-instance-public",
        family: "extra",
        description: "The new database made publiclyAccessible to reach it from a laptop",
        form: "inline",
        alternate: false,
        rule: "rds-db-instance-not-public",
        level: "mandatory",
        resource: at(AWS_TYPES.rdsInstance, "data-db"),
        kind: "add",
        add: (ctx) => addDatabase(ctx, { publiclyAccessible: true }),
    },
    {
        id: "rds-snapshot-shared-all",
        family: "extra",
        description: 'A manual snapshot of the new database shared with "all" instead of the restoring account',
        form: "aws.rds.Snapshot",
        alternate: true,
        rule: "rds-snapshot-not-public",
        level: "mandatory",
        resource: at(AWS_TYPES.rdsSnapshot, "data-db-snapshot"),
        kind: "add",
        add: (ctx) => {
            addDatabase(ctx);
            new ctx.aws.rds.Snapshot(
                "data-db-snapshot",
                { dbInstanceIdentifier: "data-db", dbSnapshotIdentifier: "data-db-manual", sharedAccounts: ["all"] },
                parent(ctx),
            );
        },
    },
    addsStore(
        {
            id: "rds-aurora-cluster-unencrypted",
            family,
            description:
                "An Aurora PostgreSQL cluster written with storageEncrypted: false (copied from a dev example)",
            form: "aws.rds.Cluster",
            alternate: false,
            rule: "rds-db-cluster-encrypted",
        },
        { type: AWS_TYPES.rdsCluster, name: "data-aurora" },
        (ctx, name, opts) =>
            new ctx.aws.rds.Cluster(
                name,
                {
                    engine: "aurora-postgresql",
                    masterUsername: "app_admin",
                    manageMasterUserPassword: true,
                    storageEncrypted: false,
                    deletionProtection: true,
                },
                opts,
            ),
    ),
    {
        id: "efs-unencrypted",
        family,
        description:
            "A new EFS file system without encrypted: true (the default is unencrypted and cannot be changed later)",
        form: "inline",
        alternate: false,
        rule: "efs-file-system-encrypted",
        level: "mandatory",
        resource: at(AWS_TYPES.efsFileSystem, "data-files"),
        kind: "add",
        add: (ctx) => addFileSystem(ctx, { encrypted: undefined }),
    },
    {
        id: "efs-policy-star-principal",
        family: "extra",
        description: 'The file-system policy\'s mount grant given to Principal "*" (pinned by nothing but the network)',
        form: "aws.efs.FileSystemPolicy",
        alternate: true,
        rule: "efs-file-system-policy-not-public",
        level: "mandatory",
        resource: at(AWS_TYPES.efsFileSystemPolicy, "data-files-policy"),
        kind: "add",
        add: (ctx) => addFileSystem(ctx, {}, { AWS: "*" }),
    },
    {
        id: "cache-transit-encryption-off",
        family,
        description: "The session cache written with transitEncryptionEnabled: false (clients would need TLS)",
        form: "inline",
        alternate: false,
        rule: "elasticache-replication-group-encrypted-in-transit",
        level: "mandatory",
        resource: at(AWS_TYPES.elasticacheReplicationGroup, "data-cache"),
        kind: "add",
        add: (ctx) => addCache(ctx, { transitEncryptionEnabled: false }),
    },
    {
        id: "cache-redis-at-rest-default",
        family,
        description:
            "The session cache switched to engine redis with the at-rest line dropped (redis defaults to unencrypted, valkey to encrypted)",
        form: "inline",
        alternate: false,
        rule: "elasticache-replication-group-encrypted-at-rest",
        level: "mandatory",
        resource: at(AWS_TYPES.elasticacheReplicationGroup, "data-cache"),
        kind: "add",
        add: (ctx) => addCache(ctx, { engine: "redis", atRestEncryptionEnabled: undefined }),
    },
    addsStore(
        {
            id: "cache-standalone-redis-cluster",
            family,
            description:
                "A single-node Redis cache written as aws.elasticache.Cluster (which can encrypt neither at rest nor in transit)",
            form: "aws.elasticache.Cluster",
            alternate: true,
            rule: "elasticache-replication-group-encrypted-in-transit",
        },
        { type: AWS_TYPES.elasticacheCluster, name: "data-cache-single" },
        (ctx, name, opts) =>
            new ctx.aws.elasticache.Cluster(
                name,
                { engine: "redis", nodeType: "cache.t4g.micro", numCacheNodes: 1 },
                opts,
            ),
    ),
    {
        id: "opensearch-public-open-policy",
        family: "extra",
        description: 'A search domain without vpcOptions whose DomainPolicy allows es:* to Principal AWS "*"',
        form: "aws.opensearch.DomainPolicy",
        alternate: true,
        rule: "opensearch-domain-not-public",
        level: "mandatory",
        resource: at(AWS_TYPES.opensearchDomainPolicy, "data-search-policy"),
        kind: "add",
        add: (ctx) => {
            const domain = new ctx.aws.opensearch.Domain(
                "data-search",
                {
                    domainName: "data-search",
                    engineVersion: "OpenSearch_2.13",
                    encryptAtRest: { enabled: true },
                    nodeToNodeEncryption: { enabled: true },
                    domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
                },
                parent(ctx),
            );
            new ctx.aws.opensearch.DomainPolicy(
                "data-search-policy",
                {
                    domainName: domain.domainName,
                    accessPolicies: ctx.pulumi.jsonStringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Principal: { AWS: "*" },
                                Action: "es:*",
                                Resource: ctx.pulumi.interpolate`${domain.arn}/*`,
                            },
                        ],
                    }),
                },
                parent(ctx),
            );
        },
    },
    {
        id: "alb-http-listener-forwards",
        family,
        description: "The load balancer's HTTP listener forwarding to the targets instead of redirecting to HTTPS",
        form: "aws.lb.Listener",
        alternate: false,
        rule: "elb-listener-encrypted",
        level: "mandatory",
        resource: at(AWS_TYPES.lbListener, "data-lb-http"),
        kind: "add",
        add: (ctx) =>
            addLoadBalancer(ctx, {
                defaultActions: [
                    {
                        type: "fixed-response",
                        fixedResponse: { contentType: "text/plain", statusCode: "200", messageBody: "ok" },
                    },
                ],
            }),
    },
    {
        id: "alb-https-listener-tls10-policy",
        family,
        description:
            "The HTTPS listener's sslPolicy line dropped (the provider then applies ELBSecurityPolicy-2016-08, TLS 1.0)",
        form: "aws.lb.Listener",
        alternate: false,
        rule: "elb-listener-tls-policy",
        level: "mandatory",
        resource: at(AWS_TYPES.lbListener, "data-lb-https"),
        kind: "add",
        add: (ctx) => addLoadBalancer(ctx, {}, { sslPolicy: undefined }),
    },
    addsStore(
        {
            id: "msk-client-broker-plaintext",
            family,
            description: "A Kafka cluster allowing TLS_PLAINTEXT between clients and brokers for an old consumer",
            form: "inline",
            alternate: false,
            rule: "msk-cluster-encrypted-in-transit",
        },
        { type: AWS_TYPES.mskCluster, name: "data-kafka" },
        (ctx, name, opts) =>
            new ctx.aws.msk.Cluster(
                name,
                {
                    kafkaVersion: "3.6.0",
                    numberOfBrokerNodes: 2,
                    brokerNodeGroupInfo: {
                        instanceType: "kafka.t3.small",
                        clientSubnets: privateSubnets(ctx),
                        securityGroups: [ctx.resource<aws.ec2.SecurityGroup>("network-endpoint-sg").id],
                    },
                    clientAuthentication: { sasl: { iam: true } },
                    encryptionInfo: { encryptionInTransit: { clientBroker: "TLS_PLAINTEXT", inCluster: true } },
                },
                opts,
            ),
    ),
    addsStore(
        {
            id: "redshift-cluster-public",
            family: "extra",
            description: "A Redshift cluster made publiclyAccessible for a BI tool outside the VPC",
            form: "inline",
            alternate: false,
            rule: "redshift-cluster-not-public",
        },
        { type: AWS_TYPES.redshiftCluster, name: "data-warehouse" },
        (ctx, name, opts) =>
            new ctx.aws.redshift.Cluster(
                name,
                {
                    clusterIdentifier: "data-warehouse",
                    nodeType: "ra3.large",
                    masterUsername: "warehouse_admin",
                    manageMasterPassword: true,
                    publiclyAccessible: true,
                },
                opts,
            ),
    ),
    addsStore(
        {
            id: "ebs-volume-unencrypted",
            family,
            description: "A data volume written with encrypted: false (and no EBS default encryption in the stack)",
            form: "aws.ebs.Volume",
            alternate: false,
            rule: "ebs-volume-encrypted",
        },
        { type: AWS_TYPES.ebsVolume, name: "data-volume" },
        (ctx, name, opts) =>
            new ctx.aws.ebs.Volume(name, { availabilityZone: "us-west-2a", size: 20, encrypted: false }, opts),
    ),
    {
        id: "ecr-policy-star-pull",
        family: "extra",
        description: 'An image repository policy letting Principal "*" pull, to share images with a partner account',
        form: "aws.ecr.RepositoryPolicy",
        alternate: true,
        rule: "ecr-repository-policy-not-public",
        level: "mandatory",
        resource: at(AWS_TYPES.ecrRepositoryPolicy, "data-images-policy"),
        kind: "add",
        add: (ctx) => {
            const repo = new ctx.aws.ecr.Repository("data-images", { imageTagMutability: "IMMUTABLE" }, parent(ctx));
            new ctx.aws.ecr.RepositoryPolicy(
                "data-images-policy",
                {
                    repository: repo.name,
                    policy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "Pull",
                                Effect: "Allow",
                                Principal: "*",
                                Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                            },
                        ],
                    }),
                },
                parent(ctx),
            );
        },
    },
    addsStore(
        {
            id: "cloudtrail-without-kms",
            family,
            description: "A CloudTrail trail delivering to the access-log bucket without kmsKeyId",
            form: "inline",
            alternate: false,
            rule: "cloudtrail-trail-encrypted",
        },
        { type: AWS_TYPES.cloudtrailTrail, name: "data-trail" },
        (ctx, name, opts) =>
            new ctx.aws.cloudtrail.Trail(
                name,
                {
                    s3BucketName: ctx.resource<aws.s3.Bucket>("frontend-access-logs").bucket,
                    enableLogFileValidation: true,
                    isMultiRegionTrail: true,
                },
                opts,
            ),
    ),
    addsStore(
        {
            id: "ssm-password-plain-string",
            family,
            description: "The database password kept in an SSM parameter of type String instead of SecureString",
            form: "aws.ssm.Parameter",
            alternate: false,
            rule: "ssm-parameter-secure-string",
        },
        { type: AWS_TYPES.ssmParameter, name: "data-db-password" },
        (ctx, name, opts) =>
            new ctx.aws.ssm.Parameter(
                name,
                { name: "/secure-web-app/db/password", type: "String", value: "changeit" },
                opts,
            ),
    ),
    addsStore(
        {
            id: "docdb-cluster-unencrypted",
            family,
            description: "A DocumentDB cluster without storageEncrypted (the default is unencrypted)",
            form: "inline",
            alternate: false,
            rule: "docdb-cluster-encrypted",
        },
        { type: AWS_TYPES.docdbCluster, name: "data-docs" },
        (ctx, name, opts) =>
            new ctx.aws.docdb.Cluster(
                name,
                { masterUsername: "docs_admin", manageMasterUserPassword: true, deletionProtection: true },
                opts,
            ),
    ),
    addsStore(
        {
            id: "neptune-cluster-unencrypted",
            family,
            description: "A Neptune cluster written with storageEncrypted: false",
            form: "inline",
            alternate: false,
            rule: "neptune-cluster-encrypted",
        },
        { type: AWS_TYPES.neptuneCluster, name: "data-graph" },
        (ctx, name, opts) =>
            new ctx.aws.neptune.Cluster(
                name,
                { engine: "neptune", storageEncrypted: false, iamDatabaseAuthenticationEnabled: true },
                opts,
            ),
    ),
    {
        id: "secret-aws-managed-key",
        family,
        description:
            "The origin-verify secret's kmsKeyId line deleted (Secrets Manager falls back to the AWS-managed aws/secretsmanager key)",
        form: "inline",
        alternate: false,
        rule: "secretsmanager-secret-encrypted-cmk",
        level: "mandatory",
        resource: urn(C.api, AWS_TYPES.secretsmanagerSecret, "api-origin-verify"),
        kind: "modify",
        target: { type: AWS_TYPES.secretsmanagerSecret, name: "api-origin-verify" },
        modify: (props) => {
            const { kmsKeyId: _dropped, ...rest } = props;
            return rest;
        },
    },
    addsStore(
        {
            id: "ec2-instance-root-unencrypted",
            family,
            description: "A bastion instance in a private subnet whose rootBlockDevice says encrypted: false",
            form: "aws.ec2.Instance",
            alternate: false,
            rule: "ec2-instance-volumes-encrypted",
        },
        { type: AWS_TYPES.ec2Instance, name: "data-bastion" },
        (ctx, name, opts) =>
            new ctx.aws.ec2.Instance(
                name,
                {
                    ami: "ami-0123456789abcdef0",
                    instanceType: "t4g.micro",
                    subnetId: ctx.resource<aws.ec2.Subnet>("network-private-a").id,
                    rootBlockDevice: { encrypted: false },
                    metadataOptions: { httpTokens: "required" },
                },
                opts,
            ),
    ),
    addsStore(
        {
            id: "ec2-launch-template-ebs-unencrypted",
            family,
            description: 'A launch template whose block-device mapping sets ebs.encrypted to the string "false"',
            form: "aws.ec2.LaunchTemplate",
            alternate: true,
            rule: "ec2-instance-volumes-encrypted",
        },
        { type: AWS_TYPES.ec2LaunchTemplate, name: "data-workers" },
        (ctx, name, opts) =>
            new ctx.aws.ec2.LaunchTemplate(
                name,
                {
                    imageId: "ami-0123456789abcdef0",
                    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false", volumeSize: 20 } }],
                    metadataOptions: { httpTokens: "required" },
                },
                opts,
            ),
    ),
    {
        id: "rds-key-policy-without-account",
        family,
        description:
            "The new database encrypted with a fresh key whose policy names only an admin role (RDS cannot create its grant)",
        form: "aws.kms.Key",
        alternate: true,
        rule: "kms-key-grants-data-stores",
        level: "mandatory",
        resource: at(AWS_TYPES.rdsInstance, "data-db"),
        kind: "add",
        add: (ctx) => {
            const key = new ctx.aws.kms.Key(
                "data-db-key",
                {
                    enableKeyRotation: true,
                    policy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "Admin",
                                Effect: "Allow",
                                Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/admin` },
                                Action: ["kms:Describe*", "kms:Put*", "kms:ScheduleKeyDeletion"],
                                Resource: "*",
                            },
                        ],
                    }),
                },
                parent(ctx),
            );
            addDatabase(ctx, { kmsKeyId: key.arn });
        },
    },
];
