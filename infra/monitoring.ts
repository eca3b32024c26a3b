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
    /** Addresses subscribed to both topics, each confirming by e-mail (config `alertEmails`). */
    alertEmails: string[];
    functions: WatchedFunction[];
    restApiName: pulumi.Input<string>;
    stageName: string;
    streamName: pulumi.Input<string>;
    failureQueueName: pulumi.Input<string>;
    tableName: pulumi.Input<string>;
    distributionId: pulumi.Input<string>;
    /** API p99 latency, in ms, above which the latency alarm fires. Defaults to 2000. */
    apiLatencyP99Ms?: number;
    /** Age, in ms, of the oldest unread record above which the iterator-age alarms fire. Defaults to one minute. */
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
const DEFAULT_ITERATOR_AGE_MS = 60000;

/** Alarms as (id, spec) pairs: the id names the alarm resource and, prefixed, the alarm. */
type Alarms = [string, AlarmSpec][];

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
        const emails = args.alertEmails;
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
        const globalTopic = alertTopic(
            `${name}-global-alerts`,
            GLOBAL_REGION,
            names.accountId,
            args.globalKeyArn,
            emails,
            globalOpts,
        );

        const regionalAlarms: Alarms = [
            ...args.functions.flatMap((fn) => functionAlarms(fn, args.iteratorAgeMs ?? DEFAULT_ITERATOR_AGE_MS)),
            ...apiAlarms(args),
            ...streamAlarms(args),
            ...tableAlarms(args),
        ];
        for (const [id, spec] of regionalAlarms) metricAlarm(name, names, id, spec, topic.arn, { parent: this });
        // CloudFront: its metrics exist only in us-east-1, so this alarm and its topic live there.
        metricAlarm(name, names, "cdn-5xx-rate", cdnAlarm(args), globalTopic.arn, globalOpts);

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
        this.alarmCount = regionalAlarms.length + 1;
        this.registerOutputs({
            alertTopicArn: this.alertTopicArn,
            globalAlertTopicArn: this.globalAlertTopicArn,
            dashboardUrl: this.dashboardUrl,
        });
    }
}

/** One alarm over 5-minute periods, notifying `topicArn` when it fires and when it clears. */
function metricAlarm(
    component: string,
    names: StackNames,
    id: string,
    spec: AlarmSpec,
    topicArn: pulumi.Input<string>,
    opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.MetricAlarm {
    return new aws.cloudwatch.MetricAlarm(
        `${component}-${id}`,
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
        opts,
    );
}

/** A function's errors, throttles, duration near the timeout (and iterator age for a stream consumer). */
function functionAlarms(fn: WatchedFunction, iteratorAgeMs: number): Alarms {
    const dims = { FunctionName: fn.functionName };
    const alarms: Alarms = [
        [
            `${fn.label}-errors`,
            {
                description: `${fn.label} function: invocations ended in an error`,
                namespace: "AWS/Lambda",
                metricName: "Errors",
                dimensions: dims,
                statistic: "Sum",
                threshold: 1,
            },
        ],
        [
            `${fn.label}-throttles`,
            {
                description: `${fn.label} function: invocations throttled (concurrency exhausted)`,
                namespace: "AWS/Lambda",
                metricName: "Throttles",
                dimensions: dims,
                statistic: "Sum",
                threshold: 1,
            },
        ],
        [
            `${fn.label}-duration`,
            {
                description: `${fn.label} function: an invocation ran past 80% of its ${fn.timeoutSeconds} s timeout`,
                namespace: "AWS/Lambda",
                metricName: "Duration",
                dimensions: dims,
                statistic: "Maximum",
                threshold: Math.round(fn.timeoutSeconds * 1000 * 0.8),
            },
        ],
    ];
    if (fn.streamConsumer) {
        alarms.push([
            `${fn.label}-iterator-age`,
            {
                description: `${fn.label} function: falling behind the stream`,
                namespace: "AWS/Lambda",
                metricName: "IteratorAge",
                dimensions: dims,
                statistic: "Maximum",
                threshold: iteratorAgeMs,
                evaluationPeriods: 3,
            },
        ]);
    }
    return alarms;
}

/** The API's server errors (as a rate) and tail latency. */
function apiAlarms(args: MonitoringArgs): Alarms {
    const apiDims = { ApiName: args.restApiName, Stage: args.stageName };
    return [
        [
            "api-5xx",
            {
                description: "REST API: more than 5% of requests answered 5XX",
                namespace: "AWS/ApiGateway",
                metricName: "5XXError",
                dimensions: apiDims,
                statistic: "Average",
                threshold: 0.05,
                comparisonOperator: "GreaterThanThreshold",
            },
        ],
        [
            "api-latency-p99",
            {
                description: "REST API: p99 latency high for 15 minutes",
                namespace: "AWS/ApiGateway",
                metricName: "Latency",
                dimensions: apiDims,
                extendedStatistic: "p99",
                threshold: args.apiLatencyP99Ms ?? 2000,
                evaluationPeriods: 3,
            },
        ],
    ];
}

/** The stream: the consumer falling behind, producers being throttled, batches given up. */
function streamAlarms(args: MonitoringArgs): Alarms {
    const streamDims = { StreamName: args.streamName };
    return [
        [
            "stream-iterator-age",
            {
                description: "Kinesis: the oldest unread record is getting old",
                namespace: "AWS/Kinesis",
                metricName: "GetRecords.IteratorAgeMilliseconds",
                dimensions: streamDims,
                statistic: "Maximum",
                threshold: args.iteratorAgeMs ?? DEFAULT_ITERATOR_AGE_MS,
                evaluationPeriods: 3,
            },
        ],
        [
            "stream-write-throttles",
            {
                description: "Kinesis: writes rejected for exceeding the stream's throughput",
                namespace: "AWS/Kinesis",
                metricName: "WriteProvisionedThroughputExceeded",
                dimensions: streamDims,
                statistic: "Sum",
                threshold: 1,
            },
        ],
        [
            "stream-failures-dlq",
            {
                description: "Stream processor: batches given up and sent to the failure queue",
                namespace: "AWS/SQS",
                metricName: "ApproximateNumberOfMessagesVisible",
                dimensions: { QueueName: args.failureQueueName },
                statistic: "Maximum",
                threshold: 1,
            },
        ],
    ];
}

/** The table's throttled reads or writes (on-demand tables throttle past their peak or account limits). */
function tableAlarms(args: MonitoringArgs): Alarms {
    return (["Read", "Write"] as const).map((kind) => [
        `table-${kind.toLowerCase()}-throttles`,
        {
            description: `DynamoDB: ${kind.toLowerCase()} requests throttled`,
            namespace: "AWS/DynamoDB",
            metricName: `${kind}ThrottleEvents`,
            dimensions: { TableName: args.tableName },
            statistic: "Sum",
            threshold: 1,
        },
    ]);
}

/** CloudFront's 5xx rate (its metrics exist only in us-east-1). */
function cdnAlarm(args: MonitoringArgs): AlarmSpec {
    return {
        description: "CloudFront: more than 5% of viewer requests answered 5xx",
        namespace: "AWS/CloudFront",
        metricName: "5xxErrorRate",
        dimensions: { DistributionId: args.distributionId, Region: "Global" },
        statistic: "Average",
        threshold: 5,
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 2,
    };
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
                        ArnLike: {
                            "aws:SourceArn": pulumi.interpolate`arn:${PARTITION}:cloudwatch:${region}:${accountId}:alarm:*`,
                        },
                    },
                },
            ]),
        },
        opts,
    );
    emails.forEach((email, i) => {
        new aws.sns.TopicSubscription(
            `${id}-email-${i}`,
            { topic: topic.arn, protocol: "email", endpoint: email },
            opts,
        );
    });
    return topic;
}

/** One chart of a dashboard row: its metrics, in the stack's region with Sum unless it says otherwise. */
interface Chart {
    title: string;
    metrics: unknown[][];
    region?: string;
    stat?: string;
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
        .apply(([apiName, streamName, queueName, tableName, distributionId, functionNames]) =>
            JSON.stringify({
                widgets: dashboardWidgets(args.region, [
                    ["Frontend (CloudFront, us-east-1)", frontendCharts(distributionId)],
                    [
                        "Backend API (API Gateway, Lambda)",
                        apiCharts(["ApiName", apiName, "Stage", args.stageName], functionNames),
                    ],
                    ["Data (DynamoDB)", dataCharts(tableName)],
                    ["Streaming (Kinesis, consumer, failure queue)", streamingCharts(streamName, queueName)],
                    ["Network (Lambda concurrency in the VPC)", networkCharts(functionNames)],
                ]),
            }),
        );
}

/** Rows laid out top to bottom: a title line, then the row's charts side by side over the full width. */
function dashboardWidgets(region: string, rows: [string, Chart[]][]): object[] {
    let y = 0;
    const widgets: object[] = [];
    for (const [title, charts] of rows) {
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
                    region: c.region ?? region,
                    stat: c.stat ?? "Sum",
                    period: FIVE_MINUTES,
                    view: "timeSeries",
                    metrics: c.metrics,
                },
            });
        });
        y += 6;
    }
    return widgets;
}

function frontendCharts(distributionId: string): Chart[] {
    const distribution = ["DistributionId", distributionId, "Region", "Global"];
    return [
        { title: "Requests", region: GLOBAL_REGION, metrics: [["AWS/CloudFront", "Requests", ...distribution]] },
        {
            title: "Error rates (%)",
            region: GLOBAL_REGION,
            stat: "Average",
            metrics: [
                ["AWS/CloudFront", "4xxErrorRate", ...distribution],
                ["AWS/CloudFront", "5xxErrorRate", ...distribution],
            ],
        },
    ];
}

function apiCharts(api: string[], functionNames: string[]): Chart[] {
    return [
        {
            title: "Requests and errors",
            metrics: [
                ["AWS/ApiGateway", "Count", ...api],
                ["AWS/ApiGateway", "4XXError", ...api],
                ["AWS/ApiGateway", "5XXError", ...api],
            ],
        },
        {
            title: "Latency p99 (ms)",
            stat: "p99",
            metrics: [
                ["AWS/ApiGateway", "Latency", ...api],
                ["AWS/ApiGateway", "IntegrationLatency", ...api],
            ],
        },
        {
            title: "Function errors and throttles",
            metrics: functionNames.flatMap((f) => [
                ["AWS/Lambda", "Errors", "FunctionName", f],
                ["AWS/Lambda", "Throttles", "FunctionName", f],
            ]),
        },
    ];
}

function dataCharts(tableName: string): Chart[] {
    const table = (metric: string) => ["AWS/DynamoDB", metric, "TableName", tableName];
    return [
        {
            title: "Consumed capacity",
            metrics: [table("ConsumedReadCapacityUnits"), table("ConsumedWriteCapacityUnits")],
        },
        { title: "Throttles", metrics: [table("ReadThrottleEvents"), table("WriteThrottleEvents")] },
    ];
}

function streamingCharts(streamName: string, queueName: string): Chart[] {
    const stream = (metric: string) => ["AWS/Kinesis", metric, "StreamName", streamName];
    return [
        {
            title: "Records in and write throttles",
            metrics: [stream("IncomingRecords"), stream("WriteProvisionedThroughputExceeded")],
        },
        { title: "Iterator age (ms)", stat: "Maximum", metrics: [stream("GetRecords.IteratorAgeMilliseconds")] },
        {
            title: "Failure queue depth",
            stat: "Maximum",
            metrics: [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queueName]],
        },
    ];
}

function networkCharts(functionNames: string[]): Chart[] {
    const perFunction = (metric: string) => functionNames.map((f) => ["AWS/Lambda", metric, "FunctionName", f]);
    return [
        { title: "Concurrent executions", stat: "Maximum", metrics: perFunction("ConcurrentExecutions") },
        { title: "Duration p99 (ms)", stat: "p99", metrics: perFunction("Duration") },
    ];
}
