/**
 * What the catalogue knows of the program: type tokens, the URNs of the resources mutations
 * are judged on, and small edit helpers for policy documents. Names come from infra/ (each
 * tier's `${name}-<role>` children); a renamed resource makes its mutation an ERROR row (the
 * hooks refuse a transformation that matched nothing), never a silent pass.
 */
import type { HookContext, Props } from "../types";
import { C, urn } from "../types";
import { AWS_TYPES } from "../../../policies/lib/types";

/** URNs of the program's resources that findings are judged on. */
export const P = {
    siteBucket: urn(C.frontend, AWS_TYPES.bucket, "frontend-site"),
    siteBucketPolicy: urn(C.frontend, AWS_TYPES.bucketPolicy, "frontend-site-policy"),
    accessLogBucket: urn(C.frontend, AWS_TYPES.bucket, "frontend-access-logs"),
    processedBucket: urn(C.streaming, AWS_TYPES.bucket, "streaming-processed"),
    distribution: urn(C.frontend, AWS_TYPES.cloudfrontDistribution, "frontend-cdn"),
    table: urn(C.data, AWS_TYPES.dynamodbTable, "data-table"),
    tableKey: urn(C.data, AWS_TYPES.kmsKey, "data-table-key"),
    stream: urn(C.streaming, AWS_TYPES.kinesisStream, "streaming-stream"),
    queue: urn(C.streaming, AWS_TYPES.sqsQueue, "streaming-failures"),
    alertTopic: urn(C.monitoring, AWS_TYPES.snsTopic, "monitoring-alerts"),
    alertsKey: urn(C.monitoring, AWS_TYPES.kmsKey, "monitoring-alerts-key"),
    apiAccessLogs: urn(C.api, AWS_TYPES.logGroup, "api-access-logs"),
    flowLogGroup: urn(C.network, AWS_TYPES.logGroup, "network-flow-logs"),
    apiFunction: urn(C.api, AWS_TYPES.lambdaFunction, "api-handler-function"),
    processorFunction: urn(C.streaming, AWS_TYPES.lambdaFunction, "streaming-processor-function"),
    apiRole: urn(C.api, AWS_TYPES.iamRole, "api-handler-role"),
    flowLogsRole: urn(C.network, AWS_TYPES.iamRole, "network-flow-logs-role"),
    apiRolePolicy: urn(C.api, AWS_TYPES.iamRolePolicy, "api-handler-policy"),
    processorRolePolicy: urn(C.streaming, AWS_TYPES.iamRolePolicy, "streaming-processor-policy"),
    edgeRolePolicy: urn(C.frontend, AWS_TYPES.iamRolePolicy, "frontend-edge-policy"),
    vpc: urn(C.network, AWS_TYPES.vpc, "network-vpc"),
    apiFunctionSg: urn(C.network, AWS_TYPES.securityGroup, "network-api-fn-sg"),
    defaultSg: urn(C.network, AWS_TYPES.defaultSecurityGroup, "network-default-sg"),
    s3Endpoint: urn(C.network, AWS_TYPES.vpcEndpoint, "network-s3-endpoint"),
    stage: urn(C.api, AWS_TYPES.apigatewayStage, "api-stage"),
    restApi: urn(C.api, AWS_TYPES.apigatewayRestApi, "api-rest-api"),
    mapping: urn(C.streaming, AWS_TYPES.eventSourceMapping, "streaming-mapping"),
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
export function editStatement(
    ctx: HookContext,
    props: Props,
    sid: string,
    edit: (s: Statement) => Statement,
    key = "policy",
): Props {
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
        orderedCacheBehaviors: editWhere(
            props.orderedCacheBehaviors,
            (b) => b.pathPattern === pathPattern,
            edit,
            `behaviour ${pathPattern}`,
        ),
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
