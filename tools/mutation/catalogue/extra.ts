/**
 * The rules beyond the five families: security groups, the default group, flow logs, VPC DNS,
 * monitoring (alarms that notify nobody, the wrong metric), the KMS grants that fail silently,
 * key policies, API Gateway stage settings, stream failure handling, table recovery, runtimes
 * and CloudFront security headers.
 */
import type * as aws from "@pulumi/aws";
import type { Mutation } from "../types";
import { C, urn } from "../types";
import { editBehaviour, editDocument, editStatement, P, PolicyDoc, without } from "./program";
import { AWS_TYPES } from "../../../policies/lib/types";

const family = "extra" as const;

/** The key policy without the statement whose Sid is `sid` (a `users` entry dropped in infra/lib/kms.ts). */
function dropKeyStatement(sid: string) {
    return (props: Record<string, unknown>, ctx: Parameters<typeof editDocument>[0]) => ({
        ...props,
        policy: editDocument(ctx, props.policy, (doc: PolicyDoc) => {
            const Statement = doc.Statement.filter((s) => s.Sid !== sid);
            if (Statement.length === doc.Statement.length)
                throw new Error(`key policy has no statement ${sid}: update the mutation`);
            return { ...doc, Statement };
        }),
    });
}

export const mutations: Mutation[] = [
    {
        id: "sg-inline-ingress-world",
        family,
        description:
            'API function\'s security group with inline ingress tcp/443 from 0.0.0.0/0 ("for the health check")',
        form: "inline ingress",
        alternate: false,
        rule: "ec2-security-group-no-public-ingress",
        level: "mandatory",
        resource: P.apiFunctionSg,
        kind: "modify",
        target: { type: AWS_TYPES.securityGroup, name: "network-api-fn-sg" },
        modify: (props) => ({
            ...props,
            ingress: [
                { description: "health check", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
            ],
        }),
    },
    {
        id: "sg-rule-resource-ssh-world",
        family,
        description: "An aws.ec2.SecurityGroupRule opening tcp/22 from 0.0.0.0/0 on the endpoint security group",
        form: "aws.ec2.SecurityGroupRule",
        alternate: true,
        rule: "ec2-security-group-no-public-ingress",
        level: "mandatory",
        resource: urn(C.network, AWS_TYPES.securityGroupRule, "network-endpoint-sg-ssh"),
        kind: "add",
        add: ({ aws, resource }) => {
            new aws.ec2.SecurityGroupRule(
                "network-endpoint-sg-ssh",
                {
                    type: "ingress",
                    securityGroupId: resource<aws.ec2.SecurityGroup>("network-endpoint-sg").id,
                    protocol: "tcp",
                    fromPort: 22,
                    toPort: 22,
                    cidrBlocks: ["0.0.0.0/0"],
                },
                { parent: resource("network") },
            );
        },
    },
    {
        id: "sg-vpc-ingress-rule-ipv6-world",
        family,
        description:
            "An aws.vpc.SecurityGroupIngressRule admitting all traffic from ::/0 to the stream processor's group",
        form: "aws.vpc.SecurityGroupIngressRule",
        alternate: true,
        rule: "ec2-security-group-no-public-ingress",
        level: "mandatory",
        resource: urn(C.network, AWS_TYPES.securityGroupIngressRule, "network-stream-processor-ipv6-in"),
        kind: "add",
        add: ({ aws, resource }) => {
            new aws.vpc.SecurityGroupIngressRule(
                "network-stream-processor-ipv6-in",
                {
                    securityGroupId: resource<aws.ec2.SecurityGroup>("network-stream-processor-fn-sg").id,
                    ipProtocol: "-1",
                    cidrIpv6: "::/0",
                },
                { parent: resource("network") },
            );
        },
    },
    {
        id: "default-sg-self-ingress",
        family,
        description: "The VPC's default security group given back AWS's allow-all-from-members ingress rule",
        form: "DefaultSecurityGroup",
        alternate: false,
        rule: "ec2-default-security-group-no-rules",
        level: "mandatory",
        resource: P.defaultSg,
        kind: "modify",
        target: { type: AWS_TYPES.defaultSecurityGroup, name: "network-default-sg" },
        modify: (props) => ({ ...props, ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }] }),
    },
    {
        id: "flow-log-one-subnet",
        family,
        description: "The flow log attached to private subnet a (subnetId) instead of the VPC",
        form: "aws.ec2.FlowLog",
        alternate: true,
        rule: "ec2-vpc-flow-logs-enabled",
        level: "mandatory",
        resource: P.vpc,
        kind: "modify",
        target: { type: AWS_TYPES.flowLog, name: "network-flow-log" },
        modify: (props, { resource }) => ({
            ...without(props, "vpcId"),
            subnetId: resource<aws.ec2.Subnet>("network-private-a").id,
        }),
    },
    {
        id: "vpc-dns-hostnames-off",
        family,
        description: "VPC with enableDnsHostnames: false while the Kinesis endpoint uses private DNS",
        form: "inline",
        alternate: false,
        rule: "ec2-vpc-dns-enabled-for-private-endpoints",
        level: "mandatory",
        resource: P.vpc,
        kind: "modify",
        target: { type: AWS_TYPES.vpc, name: "network-vpc" },
        modify: (props) => ({ ...props, enableDnsHostnames: false }),
    },
    {
        id: "alarm-errors-no-action",
        family,
        description: 'API function\'s Errors alarm with alarmActions: [] ("too noisy"): it fires and nobody hears',
        form: "aws.cloudwatch.MetricAlarm",
        alternate: false,
        rule: "lambda-function-errors-alarm",
        level: "mandatory",
        resource: P.apiFunction,
        kind: "modify",
        target: { type: AWS_TYPES.metricAlarm, name: "monitoring-api-errors" },
        modify: (props) => ({ ...props, alarmActions: [], okActions: [] }),
    },
    {
        id: "alarm-5xx-wrong-metric",
        family,
        description:
            'The API 5XX alarm on metric "5xxError" (CloudFront\'s spelling): it watches a metric that never exists',
        form: "aws.cloudwatch.MetricAlarm",
        alternate: false,
        rule: "apigateway-rest-api-5xx-alarm",
        level: "mandatory",
        resource: P.restApi,
        kind: "modify",
        target: { type: AWS_TYPES.metricAlarm, name: "monitoring-api-5xx" },
        modify: (props) => ({ ...props, metricName: "5xxError" }),
    },
    {
        id: "topic-key-without-cloudwatch",
        family,
        description:
            "Alarm topic's key policy without the cloudwatch.amazonaws.com statement (notifications dropped silently)",
        form: "Key policy",
        alternate: false,
        rule: "kms-key-grants-cloudwatch",
        level: "mandatory",
        resource: P.alertTopic,
        kind: "modify",
        target: { type: AWS_TYPES.kmsKey, name: "monitoring-alerts-key" },
        modify: dropKeyStatement("CloudWatchAlarmsPublishToEncryptedTopic"),
    },
    {
        id: "logs-key-without-logs-service",
        family,
        description: "Regional logs key without the logs.us-west-2.amazonaws.com statement (log-group creation fails)",
        form: "Key policy",
        alternate: false,
        rule: "kms-key-grants-logs",
        level: "mandatory",
        resource: P.flowLogGroup,
        kind: "modify",
        target: { type: AWS_TYPES.kmsKey, name: "network-logs-key" },
        modify: dropKeyStatement("CloudWatchLogsEncryptsThisAccountsLogGroups"),
    },
    {
        id: "kms-key-policy-resource-public",
        family,
        description:
            'An aws.kms.KeyPolicy on the table key letting Principal "*" decrypt ("for the reporting account")',
        form: "aws.kms.KeyPolicy",
        alternate: true,
        rule: "kms-key-policy-not-public",
        level: "mandatory",
        resource: urn(C.data, AWS_TYPES.kmsKeyPolicy, "data-table-key-policy"),
        kind: "add",
        add: ({ aws, pulumi, resource }) => {
            const key = resource<aws.kms.Key>("data-table-key");
            new aws.kms.KeyPolicy(
                "data-table-key-policy",
                {
                    keyId: key.id,
                    policy: pulumi.jsonStringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "Root",
                                Effect: "Allow",
                                Principal: { AWS: "arn:aws:iam::123456789012:root" },
                                Action: "kms:*",
                                Resource: "*",
                            },
                            {
                                Sid: "Reporting",
                                Effect: "Allow",
                                Principal: { AWS: "*" },
                                Action: ["kms:Decrypt"],
                                Resource: "*",
                            },
                        ],
                    }),
                },
                { parent: resource("data") },
            );
        },
    },
    {
        id: "site-sse-kms-without-cloudfront-grant",
        family,
        description:
            "Site bucket switched to SSE-KMS with the table key, whose policy does not grant CloudFront (every object 403s)",
        form: "BucketServerSideEncryptionConfiguration",
        alternate: true,
        rule: "kms-key-grants-cloudfront",
        level: "mandatory",
        resource: P.siteBucket,
        kind: "modify",
        target: { type: AWS_TYPES.bucketEncryption, name: "frontend-site-encryption" },
        modify: (props, { resource }) => ({
            ...props,
            rules: [
                {
                    applyServerSideEncryptionByDefault: {
                        sseAlgorithm: "aws:kms",
                        kmsMasterKeyId: resource<aws.kms.Key>("data-table-key").arn,
                    },
                    bucketKeyEnabled: true,
                },
            ],
        }),
    },
    {
        id: "kms-key-policy-role-kms-star",
        family,
        description: 'Streaming key policy giving the processor role kms:* ("it kept failing on GenerateDataKey")',
        form: "Key policy",
        alternate: false,
        rule: "kms-key-policy-no-wildcard-actions",
        level: "mandatory",
        resource: urn(C.streaming, AWS_TYPES.kmsKey, "streaming-key"),
        kind: "modify",
        target: { type: AWS_TYPES.kmsKey, name: "streaming-key" },
        modify: (props, ctx) => ({
            ...props,
            policy: editDocument(ctx, props.policy, (doc: PolicyDoc) => ({
                ...doc,
                Statement: [
                    ...doc.Statement,
                    {
                        Sid: "ProcessorUsesKey",
                        Effect: "Allow",
                        Principal: { AWS: "arn:aws:iam::123456789012:role/secure-web-app-dev-stream-processor" },
                        Action: "kms:*",
                        Resource: "*",
                    },
                ],
            })),
        }),
    },
    {
        id: "log-group-retention-unset",
        family,
        description: "Stream processor's log group without retentionInDays (logs kept forever)",
        form: "inline",
        alternate: false,
        rule: "cloudwatch-log-group-retention",
        level: "advisory",
        resource: urn(C.streaming, AWS_TYPES.logGroup, "streaming-processor-logs"),
        kind: "modify",
        target: { type: AWS_TYPES.logGroup, name: "streaming-processor-logs" },
        modify: (props) => without(props, "retentionInDays"),
    },
    {
        id: "apigateway-xray-off",
        family,
        description: "API stage with xrayTracingEnabled: false",
        form: "inline",
        alternate: false,
        rule: "apigateway-stage-xray-tracing",
        level: "mandatory",
        resource: P.stage,
        kind: "modify",
        target: { type: AWS_TYPES.apigatewayStage, name: "api-stage" },
        modify: (props) => ({ ...props, xrayTracingEnabled: false }),
    },
    {
        id: "apigateway-access-logs-removed",
        family,
        description: "API stage without accessLogSettings",
        form: "inline",
        alternate: false,
        rule: "apigateway-stage-access-logging",
        level: "mandatory",
        resource: P.stage,
        kind: "modify",
        target: { type: AWS_TYPES.apigatewayStage, name: "api-stage" },
        modify: (props) => without(props, "accessLogSettings"),
    },
    {
        id: "esm-infinite-retries",
        family,
        description:
            "Stream mapping with maximumRetryAttempts: -1 (the service default: a poison record blocks the shard)",
        form: "aws.lambda.EventSourceMapping",
        alternate: false,
        rule: "lambda-event-source-mapping-failure-handling",
        level: "mandatory",
        resource: P.mapping,
        kind: "modify",
        target: { type: AWS_TYPES.eventSourceMapping, name: "streaming-mapping" },
        modify: (props) => ({ ...props, maximumRetryAttempts: -1 }),
    },
    {
        id: "dynamodb-pitr-off",
        family,
        description: "Items table with pointInTimeRecovery disabled",
        form: "inline",
        alternate: false,
        rule: "dynamodb-table-pitr-enabled",
        level: "mandatory",
        resource: P.table,
        kind: "modify",
        target: { type: AWS_TYPES.dynamodbTable, name: "data-table" },
        modify: (props) => ({ ...props, pointInTimeRecovery: { enabled: false } }),
    },
    {
        id: "lambda-deprecated-runtime",
        family,
        description: 'API function pinned to python3.8 ("the dependency only builds there")',
        form: "inline",
        alternate: false,
        rule: "lambda-function-supported-runtime",
        level: "mandatory",
        resource: P.apiFunction,
        kind: "modify",
        target: { type: AWS_TYPES.lambdaFunction, name: "api-handler-function" },
        modify: (props) => ({ ...props, runtime: "python3.8" }),
    },
    {
        id: "cloudfront-api-no-security-headers",
        family,
        description: 'The /api/* behaviour without responseHeadersPolicyId ("JSON needs no CSP")',
        form: "orderedCacheBehaviors",
        alternate: false,
        rule: "cloudfront-distribution-security-headers",
        level: "mandatory",
        resource: P.distribution,
        kind: "modify",
        target: { type: AWS_TYPES.cloudfrontDistribution, name: "frontend-cdn" },
        modify: (props) => editBehaviour(props, "/api/*", (b) => without(b, "responseHeadersPolicyId")),
    },
    {
        id: "sns-topic-policy-unpinned",
        family,
        description:
            "Alarm topic policy's CloudWatch statement without its aws:SourceAccount/aws:SourceArn condition (\"alarms from the other region failed\"): any account's alarms may publish",
        form: "aws.sns.TopicPolicy, service principal",
        alternate: true,
        rule: "sns-topic-policy-not-public",
        level: "mandatory",
        resource: urn(C.monitoring, AWS_TYPES.snsTopicPolicy, "monitoring-alerts-policy"),
        kind: "modify",
        target: { type: AWS_TYPES.snsTopicPolicy, name: "monitoring-alerts-policy" },
        modify: (props, ctx) =>
            editStatement(ctx, props, "CloudWatchAlarmsOfThisAccountPublish", (st) => without(st, "Condition")),
    },
    {
        id: "sqs-queue-policy-public",
        family,
        description:
            'An aws.sqs.QueuePolicy on the stream\'s failure queue letting Principal "*" send messages ("so the partner can replay records")',
        form: "aws.sqs.QueuePolicy",
        alternate: true,
        rule: "sqs-queue-policy-not-public",
        level: "mandatory",
        resource: urn(C.streaming, AWS_TYPES.sqsQueuePolicy, "streaming-failures-policy"),
        kind: "add",
        add: ({ aws, pulumi, resource }) => {
            const queue = resource<aws.sqs.Queue>("streaming-failures");
            new aws.sqs.QueuePolicy(
                "streaming-failures-policy",
                {
                    queueUrl: queue.url,
                    policy: pulumi.jsonStringify({
                        Version: "2012-10-17",
                        Statement: [
                            { Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: queue.arn },
                        ],
                    }),
                },
                { parent: resource("streaming") },
            );
        },
    },
    {
        id: "secret-policy-public",
        family,
        description:
            'An aws.secretsmanager.SecretPolicy on the origin-verify secret allowing {AWS: "*"} to read it ("the partner account needs the header value")',
        form: "aws.secretsmanager.SecretPolicy",
        alternate: true,
        rule: "secretsmanager-secret-policy-not-public",
        level: "mandatory",
        resource: urn(C.api, AWS_TYPES.secretsmanagerSecretPolicy, "api-origin-verify-partner-policy"),
        kind: "add",
        add: ({ aws, resource }) => {
            const secret = resource<aws.secretsmanager.Secret>("api-origin-verify");
            new aws.secretsmanager.SecretPolicy(
                "api-origin-verify-partner-policy",
                {
                    secretArn: secret.arn,
                    policy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Principal: { AWS: "*" },
                                Action: "secretsmanager:GetSecretValue",
                                Resource: "*",
                            },
                        ],
                    }),
                },
                { parent: resource("api") },
            );
        },
    },
    {
        id: "lambda-sg-egress-all",
        family,
        description:
            'An aws.vpc.SecurityGroupEgressRule on the API function\'s group allowing all traffic to 0.0.0.0/0 ("it needs to call a partner API")',
        form: "aws.vpc.SecurityGroupEgressRule",
        alternate: true,
        rule: "ec2-lambda-security-group-egress-restricted",
        level: "mandatory",
        resource: urn(C.network, AWS_TYPES.securityGroupEgressRule, "network-api-fn-all-egress"),
        kind: "add",
        add: ({ aws, resource }) => {
            new aws.vpc.SecurityGroupEgressRule(
                "network-api-fn-all-egress",
                {
                    securityGroupId: resource<aws.ec2.SecurityGroup>("network-api-fn-sg").id,
                    ipProtocol: "-1",
                    cidrIpv4: "0.0.0.0/0",
                },
                { parent: resource("network") },
            );
        },
    },
];
