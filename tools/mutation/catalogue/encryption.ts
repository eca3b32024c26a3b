/**
 * Mistakes against "Encryption is on" (constraint encryption-on): at rest (table, stream,
 * topic, queue, log group, function environment, bucket, key rotation) and in transit (bucket
 * TLS-only policy, CloudFront viewer and origin protocols).
 */
import type { HookContext, Mutation } from "../types";
import { C, urn } from "../types";
import { editBehaviour, editDocument, editOrigin, P, without } from "./program";
import { AWS_TYPES } from "../../../policies/lib/types";

const family = "encryption" as const;

/** The second distribution the default-certificate mutation and its control add. */
export const WWW_DISTRIBUTION = urn(C.frontend, AWS_TYPES.cloudfrontDistribution, "frontend-cdn-www");

/**
 * A second distribution for the site, a copy of the program's (same origins, behaviours, web
 * ACL) under its own hostname, as a stack with the frontend's `customDomain` set deploys it:
 * `aliases` with an ACM certificate from us-east-1, SNI, TLSv1.2_2021; its access logs go to
 * the frontend's log destination as the program's do. `viewer` replaces that viewer
 * certificate (and drops the alias, which CloudFront refuses without one).
 */
export function addWwwDistribution(ctx: HookContext, viewer?: Record<string, unknown>): void {
    const customDomain = {
        aliases: ["www.example.com"],
        viewerCertificate: {
            acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
            sslSupportMethod: "sni-only",
            minimumProtocolVersion: "TLSv1.2_2021",
        },
    };
    const props = {
        ...ctx.props("frontend-cdn"),
        ...(viewer ? { aliases: undefined, viewerCertificate: viewer } : customDomain),
    };
    const parent = ctx.resource("frontend");
    const www = new ctx.aws.cloudfront.Distribution("frontend-cdn-www", props as never, { parent });
    // CloudFront's access-log delivery is configured in us-east-1, as infra/frontend.ts does it.
    const source = new ctx.aws.cloudwatch.LogDeliverySource(
        "frontend-cdn-www-log-source",
        {
            region: "us-east-1",
            name: "secure-web-app-dev-cdn-www-access",
            logType: "ACCESS_LOGS",
            resourceArn: www.arn,
        },
        { parent },
    );
    new ctx.aws.cloudwatch.LogDelivery(
        "frontend-cdn-www-log-delivery",
        {
            region: "us-east-1",
            deliverySourceName: source.name,
            deliveryDestinationArn:
                ctx.resource<import("@pulumi/aws").cloudwatch.LogDeliveryDestination>("frontend-log-destination").arn,
        },
        { parent },
    );
}

export const mutations: Mutation[] = [
    {
        id: "dynamodb-encryption-removed",
        family,
        description: "Items table's serverSideEncryption block deleted (falls back to the AWS-owned key)",
        form: "inline",
        alternate: false,
        rule: "dynamodb-table-encrypted-cmk",
        level: "mandatory",
        resource: P.table,
        kind: "modify",
        target: { type: AWS_TYPES.dynamodbTable, name: "data-table" },
        modify: (props) => without(props, "serverSideEncryption"),
    },
    {
        id: "dynamodb-aws-managed-key",
        family,
        description: "Items table encrypted but without kmsKeyArn (the AWS-managed aws/dynamodb key, not ours)",
        form: "inline",
        alternate: false,
        rule: "dynamodb-table-encrypted-cmk",
        level: "mandatory",
        resource: P.table,
        kind: "modify",
        target: { type: AWS_TYPES.dynamodbTable, name: "data-table" },
        modify: (props) => ({ ...props, serverSideEncryption: { enabled: true } }),
    },
    {
        id: "kinesis-encryption-removed",
        family,
        description: "Change stream with encryptionType NONE and no kmsKeyId",
        form: "inline",
        alternate: false,
        rule: "kinesis-stream-encrypted",
        level: "mandatory",
        resource: P.stream,
        kind: "modify",
        target: { type: AWS_TYPES.kinesisStream, name: "streaming-stream" },
        modify: (props) => ({ ...without(props, "kmsKeyId"), encryptionType: "NONE" }),
    },
    {
        id: "sns-encryption-removed",
        family,
        description: 'Alarm topic without kmsMasterKeyId ("the e-mails stopped arriving, drop the key")',
        form: "inline",
        alternate: false,
        rule: "sns-topic-encrypted",
        level: "mandatory",
        resource: P.alertTopic,
        kind: "modify",
        target: { type: AWS_TYPES.snsTopic, name: "monitoring-alerts" },
        modify: (props) => without(props, "kmsMasterKeyId"),
    },
    {
        id: "sqs-encryption-removed",
        family,
        description: "Failure queue without kmsMasterKeyId and with sqsManagedSseEnabled: false",
        form: "inline",
        alternate: false,
        rule: "sqs-queue-encrypted",
        level: "mandatory",
        resource: P.queue,
        kind: "modify",
        target: { type: AWS_TYPES.sqsQueue, name: "streaming-failures" },
        modify: (props) => ({
            ...without(props, "kmsMasterKeyId", "kmsDataKeyReusePeriodSeconds"),
            sqsManagedSseEnabled: false,
        }),
    },
    {
        id: "log-group-encryption-removed",
        family,
        description: "API access-log group without kmsKeyId",
        form: "inline",
        alternate: false,
        rule: "cloudwatch-log-group-encrypted",
        level: "mandatory",
        resource: P.apiAccessLogs,
        kind: "modify",
        target: { type: AWS_TYPES.logGroup, name: "api-access-logs" },
        modify: (props) => without(props, "kmsKeyId"),
    },
    {
        id: "lambda-environment-key-removed",
        family,
        description: "Stream processor's kmsKeyArn deleted (environment encrypted with the default key only)",
        form: "inline",
        alternate: false,
        rule: "lambda-function-environment-encrypted",
        level: "mandatory",
        resource: P.processorFunction,
        kind: "modify",
        target: { type: AWS_TYPES.lambdaFunction, name: "streaming-processor-function" },
        modify: (props) => without(props, "kmsKeyArn"),
    },
    {
        id: "s3-processed-sse-s3",
        family,
        description: "Processed bucket's default encryption switched to AES256 (SSE-S3) instead of the streaming key",
        form: "BucketServerSideEncryptionConfiguration",
        alternate: true,
        rule: "s3-bucket-encryption-kms",
        level: "mandatory",
        resource: P.processedBucket,
        kind: "modify",
        target: { type: AWS_TYPES.bucketEncryption, name: "streaming-processed-encryption" },
        modify: (props) => ({
            ...props,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false }],
        }),
    },
    {
        id: "s3-site-policy-without-tls-deny",
        family,
        description: "Site bucket policy rewritten with the CloudFront grant only (the TLS-only Deny dropped)",
        form: "BucketPolicy",
        alternate: true,
        rule: "s3-bucket-tls-required",
        level: "mandatory",
        resource: P.siteBucket,
        kind: "modify",
        target: { type: AWS_TYPES.bucketPolicy, name: "frontend-site-policy" },
        modify: (props, ctx) => ({
            ...props,
            policy: editDocument(ctx, props.policy, (doc) => ({
                ...doc,
                Statement: doc.Statement.filter((s) => s.Sid !== "DenyInsecureTransport"),
            })),
        }),
    },
    {
        id: "cloudfront-viewer-allow-all",
        family,
        description: "Default cache behaviour with viewerProtocolPolicy allow-all (plain HTTP served)",
        form: "inline defaultCacheBehavior",
        alternate: false,
        rule: "cloudfront-distribution-https-only",
        level: "mandatory",
        resource: P.distribution,
        kind: "modify",
        target: { type: AWS_TYPES.cloudfrontDistribution, name: "frontend-cdn" },
        modify: (props) => ({
            ...props,
            defaultCacheBehavior: { ...props.defaultCacheBehavior, viewerProtocolPolicy: "allow-all" },
        }),
    },
    {
        id: "cloudfront-api-behaviour-allow-all",
        family,
        description: 'The /api/* ordered behaviour with allow-all ("a redirected POST loses its body, so allow HTTP")',
        form: "orderedCacheBehaviors",
        alternate: true,
        rule: "cloudfront-distribution-https-only",
        level: "mandatory",
        resource: P.distribution,
        kind: "modify",
        target: { type: AWS_TYPES.cloudfrontDistribution, name: "frontend-cdn" },
        modify: (props) => editBehaviour(props, "/api/*", (b) => ({ ...b, viewerProtocolPolicy: "allow-all" })),
    },
    {
        id: "cloudfront-api-origin-http",
        family,
        description:
            "API origin with originProtocolPolicy match-viewer (HTTP to API Gateway when the viewer used HTTP)",
        form: "customOriginConfig",
        alternate: false,
        rule: "cloudfront-distribution-custom-origin-https-only",
        level: "mandatory",
        resource: P.distribution,
        kind: "modify",
        target: { type: AWS_TYPES.cloudfrontDistribution, name: "frontend-cdn" },
        modify: (props) =>
            editOrigin(props, "items-api", (o) => ({
                ...o,
                customOriginConfig: { ...o.customOriginConfig, originProtocolPolicy: "match-viewer" },
            })),
    },
    {
        id: "cloudfront-api-origin-tls10",
        family,
        description: 'API origin that also offers TLSv1 to the origin ("for old clients")',
        form: "customOriginConfig",
        alternate: false,
        rule: "cloudfront-distribution-custom-origin-tls12",
        level: "mandatory",
        resource: P.distribution,
        kind: "modify",
        target: { type: AWS_TYPES.cloudfrontDistribution, name: "frontend-cdn" },
        modify: (props) =>
            editOrigin(props, "items-api", (o) => ({
                ...o,
                customOriginConfig: { ...o.customOriginConfig, originSslProtocols: ["TLSv1", "TLSv1.2"] },
            })),
    },
    {
        id: "cloudfront-viewer-tls10",
        family,
        description: 'Custom domain certificate served with minimumProtocolVersion TLSv1_2016 ("old Android clients")',
        form: "viewerCertificate",
        alternate: false,
        rule: "cloudfront-distribution-viewer-tls12",
        level: "mandatory",
        resource: P.distribution,
        kind: "modify",
        target: { type: AWS_TYPES.cloudfrontDistribution, name: "frontend-cdn" },
        modify: (props) => ({
            ...props,
            aliases: ["app.example.com"],
            viewerCertificate: {
                acmCertificateArn:
                    "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
                sslSupportMethod: "sni-only",
                minimumProtocolVersion: "TLSv1_2016",
            },
        }),
    },
    {
        id: "cloudfront-default-certificate",
        family,
        description:
            'The www distribution (the frontend\'s custom-domain form) switched back to the default *.cloudfront.net certificate ("until the certificate is issued"): viewers may negotiate TLS 1.0',
        form: "viewerCertificate",
        alternate: false,
        rule: "cloudfront-distribution-viewer-default-certificate",
        level: "advisory",
        resource: WWW_DISTRIBUTION,
        kind: "add",
        add: (ctx) => addWwwDistribution(ctx, { cloudfrontDefaultCertificate: true }),
    },
    {
        id: "apigateway-cache-unencrypted",
        family,
        description:
            "API stage with a cache cluster turned on (cacheClusterEnabled) and no cacheDataEncrypted anywhere",
        form: "Stage + MethodSettings",
        alternate: false,
        rule: "apigateway-stage-cache-encrypted",
        level: "mandatory",
        resource: P.stage,
        kind: "modify",
        target: { type: AWS_TYPES.apigatewayStage, name: "api-stage" },
        modify: (props) => ({ ...props, cacheClusterEnabled: true, cacheClusterSize: "0.5" }),
    },
    {
        id: "kms-rotation-off",
        family,
        description: "Table key with enableKeyRotation: false",
        form: "inline",
        alternate: false,
        rule: "kms-key-rotation-enabled",
        level: "mandatory",
        resource: P.tableKey,
        kind: "modify",
        target: { type: AWS_TYPES.kmsKey, name: "data-table-key" },
        modify: (props) => ({ ...props, enableKeyRotation: false }),
    },
];
