/**
 * Tier 5, monitoring: encrypted SNS topics with e-mail subscriptions, alarms on the metrics
 * that matter per tier, and one dashboard with a row per tier.
 *
 * Two topics, because an alarm can only notify a topic in its own region and CloudFront
 * publishes its metrics only in us-east-1: the regional topic takes every alarm of the stack's
 * region, the us-east-1 topic the CloudFront alarm. Each topic's key grants
 * cloudwatch.amazonaws.com (alarms publish through SNS, which asks KMS for a data key on
 * their behalf), and each topic policy lets only this account's alarms publish.
 *
 * Log groups are not made here: each is created beside what writes to it (function, API
 * stage, VPC), before it, with retention and the stack's log key (infra/lib/vpc-function.ts).
 * Kinesis has no logs of its own; its metrics and the consumer's logs stand in.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "./lib/iam";
import { alarmsKeyUser, createStackKey } from "./lib/kms";
import { GLOBAL_REGION, PARTITION, StackNames } from "./lib/naming";

export interface WatchedFunction {
    /** Short label for alarm and widget names ("api", "stream-processor"). */
    label: string;
    functionName: pulumi.Input<string>;
    timeoutSeconds: number;
    /** True for a Kinesis consumer: also alarm on its iterator age. */
    streamConsumer?: boolean;
}

export interface MonitoringArgs {
    /** Physical names and the account this stack deploys to. */
    names: StackNames;
    /** The us-east-1 provider (CloudFront alarm and its topic). */
    globalProvider: aws.Provider;
    /** The us-east-1 key whose policy grants cloudwatch.amazonaws.com. */
    globalKeyArn: pulumi.Input<string>;
    /** Addresses subscribed to both topics (each must confirm by e-mail). Defaults to none. */
    alertEmails?: string[];
    functions: WatchedFunction[];
    restApiName: pulumi.Input<string>;
    stageName: string;
    streamName: pulumi.Input<string>;
    failureQueueName: pulumi.Input<string>;
    tableName: pulumi.Input<string>;
    distributionId: pulumi.Input<string>;
    /** API p99 latency, in ms, above which the latency alarm fires. Defaults to 2000. */
    apiLatencyP99Ms?: number;
    /** Age, in ms, of the oldest unread record above which the iterator-age alarms fire. Defaults to 60000. */
    iteratorAgeMs?: number;
}

interface AlarmSpec {
    description: string;
    namespace: string;
    metricName: string;
    dimensions: Record<string, pulumi.Input<string>>;
    statistic?: string;
    extendedStatistic?: string;
    threshold: number;
    comparisonOperator?: string;
    /** Periods of 5 minutes that must breach. Defaults to 1. */
    evaluationPeriods?: number;
}

const FIVE_MINUTES = 300;

export class Monitoring extends pulumi.ComponentResource {
    public readonly alertTopicArn: pulumi.Output<string>;
    public readonly globalAlertTopicArn: pulumi.Output<string>;
    public readonly dashboardName: pulumi.Output<string>;
    public readonly dashboardUrl: pulumi.Output<string>;
    public readonly alarmCount: number;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-web-app:monitoring:Monitoring", name, {}, opts);
        const names = args.names;
        const region = names.region;
        const emails = args.alertEmails ?? [];
        const globalOpts = { parent: this, provider: args.globalProvider };

        const alertsKey = createStackKey(
            `${name}-alerts-key`,
            {
                names,
                alias: "alerts",
                purpose: `alarm topic in ${region}`,
                users: [alarmsKeyUser()],
            },
            { parent: this },
        );

        const topic = alertTopic(`${name}-alerts`, region, names.accountId, alertsKey.arn, emails, { parent: this });
        const globalTopic = alertTopic(`${name}-global-alerts`, GLOBAL_REGION, names.accountId, args.globalKeyArn, emails, globalOpts);

        let alarmCount = 0;
        const alarm = (id: string, spec: AlarmSpec, topicArn: pulumi.Input<string>, resourceOpts: pulumi.CustomResourceOptions) => {
            alarmCount++;
            return new aws.cloudwatch.MetricAlarm(
                `${name}-${id}`,
                {
                    name: `${names.prefix}-${id}`,
                    alarmDescription: spec.description,
                    namespace: spec.namespace,
                    metricName: spec.metricName,
                    dimensions: spec.dimensions,
                    statistic: spec.statistic,
                    extendedStatistic: spec.extendedStatistic,
                    period: FIVE_MINUTES,
                    evaluationPeriods: spec.evaluationPeriods ?? 1,
                    threshold: spec.threshold,
                    comparisonOperator: spec.comparisonOperator ?? "GreaterThanOrEqualToThreshold",
                    // No data means no traffic, not a failure.
                    treatMissingData: "notBreaching",
                    alarmActions: [topicArn],
                    okActions: [topicArn],
                },
                resourceOpts,
            );
        };
        const regional = (id: string, spec: AlarmSpec) => alarm(id, spec, topic.arn, { parent: this });

        // Functions: errors, throttles, duration near the timeout (and iterator age for consumers).
        for (const fn of args.functions) {
            const dims = { FunctionName: fn.functionName };
            regional(`${fn.label}-errors`, {
                description: `${fn.label} function: invocations ended in an error`,
                namespace: "AWS/Lambda",
                metricName: "Errors",
                dimensions: dims,
                statistic: "Sum",
                threshold: 1,
            });
            regional(`${fn.label}-throttles`, {
                description: `${fn.label} function: invocations throttled (concurrency exhausted)`,
                namespace: "AWS/Lambda",
                metricName: "Throttles",
                dimensions: dims,
                statistic: "Sum",
                threshold: 1,
            });
            regional(`${fn.label}-duration`, {
                description: `${fn.label} function: an invocation ran past 80% of its ${fn.timeoutSeconds} s timeout`,
                namespace: "AWS/Lambda",
                metricName: "Duration",
                dimensions: dims,
                statistic: "Maximum",
                threshold: Math.round(fn.timeoutSeconds * 1000 * 0.8),
            });
            if (fn.streamConsumer) {
                regional(`${fn.label}-iterator-age`, {
                    description: `${fn.label} function: falling behind the stream`,
                    namespace: "AWS/Lambda",
                    metricName: "IteratorAge",
                    dimensions: dims,
                    statistic: "Maximum",
                    threshold: args.iteratorAgeMs ?? 60000,
                    evaluationPeriods: 3,
                });
            }
        }

        // API: server errors (as a rate) and tail latency.
        const apiDims = { ApiName: args.restApiName, Stage: args.stageName };
        regional("api-5xx", {
            description: "REST API: more than 5% of requests answered 5XX",
            namespace: "AWS/ApiGateway",
            metricName: "5XXError",
            dimensions: apiDims,
            statistic: "Average",
            threshold: 0.05,
            comparisonOperator: "GreaterThanThreshold",
        });
        regional("api-latency-p99", {
            description: "REST API: p99 latency high for 15 minutes",
            namespace: "AWS/ApiGateway",
            metricName: "Latency",
            dimensions: apiDims,
            extendedStatistic: "p99",
            threshold: args.apiLatencyP99Ms ?? 2000,
            evaluationPeriods: 3,
        });

        // Stream: the consumer falling behind, producers being throttled.
        const streamDims = { StreamName: args.streamName };
        regional("stream-iterator-age", {
            description: "Kinesis: the oldest unread record is getting old",
            namespace: "AWS/Kinesis",
            metricName: "GetRecords.IteratorAgeMilliseconds",
            dimensions: streamDims,
            statistic: "Maximum",
            threshold: args.iteratorAgeMs ?? 60000,
            evaluationPeriods: 3,
        });
        regional("stream-write-throttles", {
            description: "Kinesis: writes rejected for exceeding the stream's throughput",
            namespace: "AWS/Kinesis",
            metricName: "WriteProvisionedThroughputExceeded",
            dimensions: streamDims,
            statistic: "Sum",
            threshold: 1,
        });
        regional("stream-failures-dlq", {
            description: "Stream processor: batches given up and sent to the failure queue",
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: args.failureQueueName },
            statistic: "Maximum",
            threshold: 1,
        });

        // Table: throttled reads or writes (on-demand tables throttle past their peak or account limits).
        for (const kind of ["Read", "Write"] as const) {
            regional(`table-${kind.toLowerCase()}-throttles`, {
                description: `DynamoDB: ${kind.toLowerCase()} requests throttled`,
                namespace: "AWS/DynamoDB",
                metricName: `${kind}ThrottleEvents`,
                dimensions: { TableName: args.tableName },
                statistic: "Sum",
                threshold: 1,
            });
        }

        // CloudFront: its metrics exist only in us-east-1, so this alarm and its topic live there.
        alarm(
            "cdn-5xx-rate",
            {
                description: "CloudFront: more than 5% of viewer requests answered 5xx",
                namespace: "AWS/CloudFront",
                metricName: "5xxErrorRate",
                dimensions: { DistributionId: args.distributionId, Region: "Global" },
                statistic: "Average",
                threshold: 5,
                comparisonOperator: "GreaterThanThreshold",
                evaluationPeriods: 2,
            },
            globalTopic.arn,
            globalOpts,
        );

        const dashboard = new aws.cloudwatch.Dashboard(
            `${name}-dashboard`,
            {
                dashboardName: names.dashboard,
                dashboardBody: dashboardBody({ ...args, region }),
            },
            { parent: this },
        );

        this.alertTopicArn = topic.arn;
        this.globalAlertTopicArn = globalTopic.arn;
        this.dashboardName = dashboard.dashboardName;
        this.dashboardUrl = pulumi.interpolate`https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${dashboard.dashboardName}`;
        this.alarmCount = alarmCount;
        this.registerOutputs({
            alertTopicArn: this.alertTopicArn,
            globalAlertTopicArn: this.globalAlertTopicArn,
            dashboardUrl: this.dashboardUrl,
        });
    }
}

/** An encrypted topic that only this account's CloudWatch alarms (in `region`) may publish to. */
function alertTopic(
    id: string,
    region: string,
    accountId: pulumi.Input<string>,
    keyArn: pulumi.Input<string>,
    emails: string[],
    opts: pulumi.CustomResourceOptions,
): aws.sns.Topic {
    const topic = new aws.sns.Topic(id, { kmsMasterKeyId: keyArn }, opts);
    new aws.sns.TopicPolicy(
        `${id}-policy`,
        {
            arn: topic.arn,
            policy: policyDocument([
                {
                    Sid: "CloudWatchAlarmsOfThisAccountPublish",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: ["sns:Publish"],
                    Resource: topic.arn,
                    Condition: {
                        StringEquals: { "aws:SourceAccount": accountId },
                        ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${PARTITION}:cloudwatch:${region}:${accountId}:alarm:*` },
                    },
                },
            ]),
        },
        opts,
    );
    emails.forEach((email, i) => {
        new aws.sns.TopicSubscription(`${id}-email-${i}`, { topic: topic.arn, protocol: "email", endpoint: email }, opts);
    });
    return topic;
}

/** The dashboard: one row per tier (frontend, API, data, streaming, network). */
function dashboardBody(args: MonitoringArgs & { region: string }): pulumi.Output<string> {
    const fns = args.functions;
    return pulumi
        .all([
            args.restApiName,
            args.streamName,
            args.failureQueueName,
            args.tableName,
            args.distributionId,
            pulumi.all(fns.map((f) => pulumi.output(f.functionName))),
        ])
        .apply(([apiName, streamName, queueName, tableName, distributionId, functionNames]) => {
            let y = 0;
            const widgets: object[] = [];
            const row = (title: string, charts: { title: string; metrics: unknown[][]; region?: string; stat?: string }[]) => {
                widgets.push({ type: "text", x: 0, y, width: 24, height: 1, properties: { markdown: `## ${title}` } });
                y += 1;
                const width = Math.floor(24 / charts.length);
                charts.forEach((c, i) => {
                    widgets.push({
                        type: "metric",
                        x: i * width,
                        y,
                        width,
                        height: 6,
                        properties: {
                            title: c.title,
                            region: c.region ?? args.region,
                            stat: c.stat ?? "Sum",
                            period: FIVE_MINUTES,
                            view: "timeSeries",
                            metrics: c.metrics,
                        },
                    });
                });
                y += 6;
            };
            row("Frontend (CloudFront, us-east-1)", [
                {
                    title: "Requests",
                    region: GLOBAL_REGION,
                    metrics: [["AWS/CloudFront", "Requests", "DistributionId", distributionId, "Region", "Global"]],
                },
                {
                    title: "Error rates (%)",
                    region: GLOBAL_REGION,
                    stat: "Average",
                    metrics: [
                        ["AWS/CloudFront", "4xxErrorRate", "DistributionId", distributionId, "Region", "Global"],
                        ["AWS/CloudFront", "5xxErrorRate", "DistributionId", distributionId, "Region", "Global"],
                    ],
                },
            ]);
            const api = ["ApiName", apiName, "Stage", args.stageName];
            row("Backend API (API Gateway, Lambda)", [
                { title: "Requests and errors", metrics: [["AWS/ApiGateway", "Count", ...api], ["AWS/ApiGateway", "4XXError", ...api], ["AWS/ApiGateway", "5XXError", ...api]] },
                { title: "Latency p99 (ms)", stat: "p99", metrics: [["AWS/ApiGateway", "Latency", ...api], ["AWS/ApiGateway", "IntegrationLatency", ...api]] },
                {
                    title: "Function errors and throttles",
                    metrics: functionNames.flatMap((f) => [
                        ["AWS/Lambda", "Errors", "FunctionName", f],
                        ["AWS/Lambda", "Throttles", "FunctionName", f],
                    ]),
                },
            ]);
            row("Data (DynamoDB)", [
                {
                    title: "Consumed capacity",
                    metrics: [
                        ["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", tableName],
                        ["AWS/DynamoDB", "ConsumedWriteCapacityUnits", "TableName", tableName],
                    ],
                },
                {
                    title: "Throttles",
                    metrics: [
                        ["AWS/DynamoDB", "ReadThrottleEvents", "TableName", tableName],
                        ["AWS/DynamoDB", "WriteThrottleEvents", "TableName", tableName],
                    ],
                },
            ]);
            row("Streaming (Kinesis, consumer, failure queue)", [
                {
                    title: "Records in and write throttles",
                    metrics: [
                        ["AWS/Kinesis", "IncomingRecords", "StreamName", streamName],
                        ["AWS/Kinesis", "WriteProvisionedThroughputExceeded", "StreamName", streamName],
                    ],
                },
                {
                    title: "Iterator age (ms)",
                    stat: "Maximum",
                    metrics: [["AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", "StreamName", streamName]],
                },
                {
                    title: "Failure queue depth",
                    stat: "Maximum",
                    metrics: [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queueName]],
                },
            ]);
            row("Network (Lambda concurrency in the VPC)", [
                {
                    title: "Concurrent executions",
                    stat: "Maximum",
                    metrics: functionNames.map((f) => ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", f]),
                },
                {
                    title: "Duration p99 (ms)",
                    stat: "p99",
                    metrics: functionNames.map((f) => ["AWS/Lambda", "Duration", "FunctionName", f]),
                },
            ]);
            return JSON.stringify({ widgets });
        });
}
