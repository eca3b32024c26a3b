/**
 * What the catalogue knows of the program: type tokens, the URNs of the resources mutations
 * are judged on, and small edit helpers for policy documents. Names come from infra/ (each
 * tier's `${name}-<role>` children); a renamed resource makes its mutation an ERROR row (the
 * hooks refuse a transformation that matched nothing), never a silent pass.
 */
import type { HookContext, Props } from "../types";
import { C, urn } from "../types";

/** Type tokens (@pulumi/aws v7 and the V2 aliases it keeps). */
export const TY = {
    bucket: "aws:s3/bucket:Bucket",
    bucketV2: "aws:s3/bucketV2:BucketV2",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    bucketAcl: "aws:s3/bucketAcl:BucketAcl",
    bucketAclV2: "aws:s3/bucketAclV2:BucketAclV2",
    bucketPab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    bucketWebsite: "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration",
    bucketWebsiteV2: "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2",
    bucketSse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    distribution: "aws:cloudfront/distribution:Distribution",
    table: "aws:dynamodb/table:Table",
    stream: "aws:kinesis/stream:Stream",
    topic: "aws:sns/topic:Topic",
    queue: "aws:sqs/queue:Queue",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    key: "aws:kms/key:Key",
    keyPolicy: "aws:kms/keyPolicy:KeyPolicy",
    fn: "aws:lambda/function:Function",
    functionUrl: "aws:lambda/functionUrl:FunctionUrl",
    permission: "aws:lambda/permission:Permission",
    eventSourceMapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    policy: "aws:iam/policy:Policy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    route: "aws:ec2/route:Route",
    routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    vpcIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    stage: "aws:apigateway/stage:Stage",
} as const;

/** URNs of the program's resources that findings are judged on. */
export const P = {
    siteBucket: urn(C.frontend, TY.bucket, "frontend-site"),
    siteBucketPolicy: urn(C.frontend, TY.bucketPolicy, "frontend-site-policy"),
    accessLogBucket: urn(C.frontend, TY.bucket, "frontend-access-logs"),
    processedBucket: urn(C.streaming, TY.bucket, "streaming-processed"),
    distribution: urn(C.frontend, TY.distribution, "frontend-cdn"),
    table: urn(C.data, TY.table, "data-table"),
    tableKey: urn(C.data, TY.key, "data-table-key"),
    stream: urn(C.streaming, TY.stream, "streaming-stream"),
    queue: urn(C.streaming, TY.queue, "streaming-failures"),
    alertTopic: urn(C.monitoring, TY.topic, "monitoring-alerts"),
    alertsKey: urn(C.monitoring, TY.key, "monitoring-alerts-key"),
    apiAccessLogs: urn(C.api, TY.logGroup, "api-access-logs"),
    flowLogGroup: urn(C.network, TY.logGroup, "network-flow-logs"),
    apiFunction: urn(C.api, TY.fn, "api-handler-function"),
    processorFunction: urn(C.streaming, TY.fn, "streaming-processor-function"),
    apiRole: urn(C.api, TY.role, "api-handler-role"),
    flowLogsRole: urn(C.network, TY.role, "network-flow-logs-role"),
    apiRolePolicy: urn(C.api, TY.rolePolicy, "api-handler-policy"),
    processorRolePolicy: urn(C.streaming, TY.rolePolicy, "streaming-processor-policy"),
    edgeRolePolicy: urn(C.frontend, TY.rolePolicy, "frontend-edge-policy"),
    vpc: urn(C.network, TY.vpc, "network-vpc"),
    apiFunctionSg: urn(C.network, TY.securityGroup, "network-api-fn-sg"),
    defaultSg: urn(C.network, TY.defaultSecurityGroup, "network-default-sg"),
    s3Endpoint: urn(C.network, TY.vpcEndpoint, "network-s3-endpoint"),
    stage: urn(C.api, TY.stage, "api-stage"),
    restApi: urn(C.api, "aws:apigateway/restApi:RestApi", "api-rest-api"),
    mapping: urn(C.streaming, TY.eventSourceMapping, "streaming-mapping"),
} as const;

/** A policy statement as the program writes it (infra/lib/iam.ts). */
export type Statement = Record<string, unknown>;
export interface PolicyDoc {
    Version?: string;
    Statement: Statement[];
}

/**
 * The same document with `edit` applied: policy args are `pulumi.jsonStringify` outputs in the
 * program, so the edit runs inside `apply` and the result is a JSON string again.
 */
export function editDocument(ctx: HookContext, document: unknown, edit: (doc: PolicyDoc) => PolicyDoc) {
    return ctx.pulumi.output(document as string).apply((text) => JSON.stringify(edit(JSON.parse(text) as PolicyDoc)));
}

/** Edits the statement whose Sid is `sid` (throws if none: the program changed). */
export function editStatement(ctx: HookContext, props: Props, sid: string, edit: (s: Statement) => Statement, key = "policy"): Props {
    return {
        ...props,
        [key]: editDocument(ctx, props[key], (doc) => {
            const i = doc.Statement.findIndex((s) => s.Sid === sid);
            if (i < 0) throw new Error(`no statement with Sid ${sid} in the document: update the mutation`);
            const Statement = [...doc.Statement];
            Statement[i] = edit(Statement[i]!);
            return { ...doc, Statement };
        }),
    };
}

/** The distribution args with the origin whose originId is `originId` edited (throws if none). */
export function editOrigin(props: Props, originId: string, edit: (o: Props) => Props): Props {
    return { ...props, origins: editWhere(props.origins, (o) => o.originId === originId, edit, `origin ${originId}`) };
}

/** The distribution args with the ordered cache behaviour for `pathPattern` edited (throws if none). */
export function editBehaviour(props: Props, pathPattern: string, edit: (b: Props) => Props): Props {
    return {
        ...props,
        orderedCacheBehaviors: editWhere(props.orderedCacheBehaviors, (b) => b.pathPattern === pathPattern, edit, `behaviour ${pathPattern}`),
    };
}

function editWhere(list: unknown, match: (x: Props) => boolean, edit: (x: Props) => Props, what: string): Props[] {
    const items = list as Props[];
    if (!items.some(match)) throw new Error(`the distribution has no ${what}: update the mutation`);
    return items.map((x) => (match(x) ? edit(x) : x));
}

/** A copy of `o` without the listed keys (how "the line was deleted" reads in a transformation). */
export function without<T extends Record<string, unknown>>(o: T, ...keys: string[]): T {
    const out = { ...o };
    for (const k of keys) delete out[k];
    return out;
}
