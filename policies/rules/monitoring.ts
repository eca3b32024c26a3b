/**
 * Monitoring rules (stack): every function has an Errors alarm, the REST API a 5XX alarm, every
 * Kinesis consumer an iterator-age alarm — each notifying an SNS topic that has a subscriber —
 * and log groups keep logs for a configured range of days. Alarms are indexed once per call by
 * (namespace, metric, dimension value), from plain metrics and from metric-math queries.
 */
import { edgeFunctions } from "../lib/edge";
import { graphOf, NT, StackGraph, StackResource } from "../lib/graph";
import { isUnknown, list, num, read, rec, str, UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule, RuleContext, stackRule } from "../lib/rule";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "aws:sns/topic:Topic";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const REST_API = "aws:apigateway/restApi:RestApi";
const STREAM = "aws:kinesis/stream:Stream";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

interface AlarmIndex {
    /** `namespace|metric|dimensionValue` -> alarms. */
    byMetric: Map<string, StackResource[]>;
    /** URN of a resource an alarm's dimensions were computed from -> alarms (first preview). */
    byDependency: Map<string, StackResource[]>;
    /** Alarms whose metric or dimensions are unknown and not tied to a resource. */
    undecided: StackResource[];
}

const alarmCache = new WeakMap<StackGraph, AlarmIndex>();
function alarms(g: StackGraph): AlarmIndex {
    const cached = alarmCache.get(g);
    if (cached) return cached;
    const index: AlarmIndex = { byMetric: new Map(), byDependency: new Map(), undecided: [] };
    const add = <K>(map: Map<K, StackResource[]>, key: K, alarm: StackResource) => map.set(key, [...(map.get(key) ?? []), alarm]);
    for (const alarm of g.ofType(ALARM)) {
        const metrics: { namespace: unknown; name: unknown; dimensions: unknown }[] = [
            { namespace: read(alarm.props, "namespace"), name: read(alarm.props, "metricName"), dimensions: read(alarm.props, "dimensions") },
        ];
        const queries = list(read(alarm.props, "metricQueries"));
        if (queries !== UNKNOWN) {
            for (const q of queries) {
                const m = read(q, "metric");
                if (rec(m)) metrics.push({ namespace: read(m, "namespace"), name: read(m, "metricName"), dimensions: read(m, "dimensions") });
            }
        }
        let tied = false;
        for (const m of metrics) {
            const ns = str(m.namespace);
            const name = str(m.name);
            const dims = rec(m.dimensions);
            if (ns === UNKNOWN || name === UNKNOWN || dims === UNKNOWN) {
                index.undecided.push(alarm);
                continue;
            }
            if (!ns || !name || !dims) continue;
            for (const value of Object.values(dims)) {
                const v = str(value);
                if (typeof v === "string") add(index.byMetric, `${ns}|${name}|${v}`, alarm);
                else if (v === UNKNOWN && !tied) {
                    for (const dep of g.dependenciesOf(alarm, "dimensions").concat(g.dependenciesOf(alarm, "metricQueries"))) {
                        add(index.byDependency, `${ns}|${name}|${dep.urn}`, alarm);
                    }
                    tied = true;
                }
            }
        }
    }
    alarmCache.set(g, index);
    return index;
}

/** Whether an alarm notifies an SNS topic of the stack that has a subscription. */
function notifiesSubscribedTopic(g: StackGraph, alarm: StackResource): boolean | typeof UNKNOWN {
    const actions = g.refs(alarm, "alarmActions", read(alarm.props, "alarmActions"), TOPIC);
    if (actions === UNKNOWN) return UNKNOWN;
    if (actions.resources.length === 0) return false;
    const subscribed = subscribedTopics(g);
    return actions.resources.some((t) => subscribed.has(t.urn)) ? true : subscribed.has("?") ? UNKNOWN : false;
}

const subscriptionCache = new WeakMap<StackGraph, Set<string>>();
function subscribedTopics(g: StackGraph): Set<string> {
    let set = subscriptionCache.get(g);
    if (set) return set;
    set = new Set();
    for (const sub of g.ofType(SUBSCRIPTION)) {
        const topic = g.ref(sub, "topic", read(sub.props, "topic"), TOPIC);
        if (topic === UNKNOWN) set.add("?");
        else if (topic && typeof topic === "object") set.add(topic.urn);
    }
    subscriptionCache.set(g, set);
    return set;
}

/**
 * Judges that `subject` has an alarm on one of `metrics` (namespace|metric) for one of `values`
 * (dimension values: name, ARN) or, at preview, computed from `subject` (or `related`); and that the
 * alarm notifies a subscribed topic.
 */
function requireAlarm(
    g: StackGraph,
    ctx: RuleContext<unknown>,
    subject: StackResource,
    related: StackResource[],
    metrics: string[],
    values: unknown[],
    what: string,
    fix: string,
): void {
    const index = alarms(g);
    const known = values.filter((v): v is string => typeof v === "string" && v !== "");
    const found = new Set<StackResource>();
    for (const m of metrics) {
        for (const v of known) for (const a of index.byMetric.get(`${m}|${v}`) ?? []) found.add(a);
        for (const r of [subject, ...related]) for (const a of index.byDependency.get(`${m}|${r.urn}`) ?? []) found.add(a);
    }
    if (found.size === 0) {
        if (index.undecided.length > 0 || values.some(isUnknown)) return ctx.undecided(subject, `metric or dimensions of alarm '${index.undecided[0]?.name ?? "?"}'`);
        return ctx.report(subject, `must have ${what}: ${fix}`);
    }
    const notified = [...found].map((a) => notifiesSubscribedTopic(g, a));
    if (notified.includes(true)) return;
    if (notified.includes(UNKNOWN)) return ctx.undecided(subject, `alarmActions of alarm '${[...found][0].name}'`);
    ctx.report(
        subject,
        `must notify someone when ${what.replace(/^an? /, "its ")} fires: alarm '${[...found][0].name}' has no alarmActions ` +
            "entry naming an SNS topic of this stack with an aws.sns.TopicSubscription; add the topic's arn to alarmActions",
    );
}

export const lambdaErrorsAlarm = stackRule({
    name: "lambda-function-errors-alarm",
    description:
        "Checks that every Lambda function has a CloudWatch alarm on AWS/Lambda Errors with dimension FunctionName set " +
        "to it, whose alarmActions include an SNS topic of the stack that has a subscription (an alarm nobody receives " +
        "is not monitoring). Lambda@Edge functions are not judged: their metrics and logs are in the regions where they " +
        "ran, not the stack's. Mandatory (monitoring tier).",
    enforcementLevel: "mandatory",
    severity: "medium",
    control: fsbp("CloudWatch.15"),
    remediationSteps:
        "Add an aws.cloudwatch.MetricAlarm (namespace AWS/Lambda, metricName Errors, dimensions { FunctionName: fn.name }, " +
        "alarmActions [topic.arn]) and an aws.sns.TopicSubscription on the topic.",
    tags: ["lambda", "monitoring", "cloudwatch"],
    preview: "Alarm dimensions unknown at preview are tied to the function through property dependencies.",
    check(stack, ctx) {
        const g = graphOf(stack);
        const edge = edgeFunctions(g);
        for (const fn of g.ofType(NT.lambdaFunction)) {
            if (edge.has(fn.urn)) continue; // Lambda@Edge: metrics live in the edge regions
            ctx.guard(fn, () =>
                requireAlarm(g, ctx, fn, [], ["AWS/Lambda|Errors"], [read(fn.props, "name"), read(fn.props, "functionName")],
                    "an Errors alarm", "add an aws.cloudwatch.MetricAlarm on AWS/Lambda Errors with dimensions.FunctionName set to the function's name"),
            );
        }
    },
});

export const apiGateway5xxAlarm = stackRule({
    name: "apigateway-rest-api-5xx-alarm",
    description:
        "Checks that every REST API has a CloudWatch alarm on AWS/ApiGateway 5XXError with dimension ApiName set to " +
        "the API's name, notifying a subscribed SNS topic of the stack. Mandatory (monitoring tier).",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
        "Add an aws.cloudwatch.MetricAlarm (namespace AWS/ApiGateway, metricName 5XXError, dimensions { ApiName: api.name }, alarmActions [topic.arn]).",
    tags: ["apigateway", "monitoring", "cloudwatch"],
    check(stack, ctx) {
        const g = graphOf(stack);
        for (const api of g.ofType(REST_API)) {
            ctx.guard(api, () =>
                requireAlarm(g, ctx, api, [], ["AWS/ApiGateway|5XXError"], [read(api.props, "name")],
                    "a 5XXError alarm", "add an aws.cloudwatch.MetricAlarm on AWS/ApiGateway 5XXError with dimensions.ApiName set to the API's name"),
            );
        }
    },
});

export const streamConsumerIteratorAgeAlarm = stackRule({
    name: "lambda-stream-consumer-iterator-age-alarm",
    description:
        "Checks that every event source mapping reading a Kinesis stream has an iterator-age alarm — AWS/Lambda " +
        "IteratorAge for the consuming function, or AWS/Kinesis GetRecords.IteratorAgeMilliseconds for the stream — " +
        "notifying a subscribed SNS topic, so a consumer falling behind is seen before records expire. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
        "Add an aws.cloudwatch.MetricAlarm on AWS/Lambda IteratorAge (dimensions { FunctionName }) with a threshold well " +
        "below the stream's retention, alarmActions [topic.arn].",
    tags: ["lambda", "kinesis", "monitoring"],
    check(stack, ctx) {
        const g = graphOf(stack);
        for (const mapping of g.ofType(NT.eventSourceMapping)) {
            ctx.guard(mapping, () => {
                const source = g.ref(mapping, "eventSourceArn", read(mapping.props, "eventSourceArn"), STREAM);
                if (source === UNKNOWN) return ctx.undecided(mapping, "eventSourceArn");
                const isKinesis = (source && typeof source === "object") || (typeof source === "string" && /^arn:[^:]+:kinesis:/.test(source));
                if (!isKinesis) return;
                const fn = g.ref(mapping, "functionName", read(mapping.props, "functionName"), NT.lambdaFunction);
                const fnValues = fn && typeof fn === "object" ? [read(fn.props, "name"), read(fn.props, "arn")] : [fn];
                const streamValues = source && typeof source === "object" ? [read(source.props, "name")] : [];
                const subject = fn && typeof fn === "object" ? fn : mapping;
                const deps = source && typeof source === "object" ? [source] : [];
                requireAlarm(g, ctx, subject, deps,
                    ["AWS/Lambda|IteratorAge", "AWS/Kinesis|GetRecords.IteratorAgeMilliseconds"],
                    [...fnValues, ...streamValues],
                    "an iterator-age alarm",
                    "add an aws.cloudwatch.MetricAlarm on AWS/Lambda IteratorAge (FunctionName) or AWS/Kinesis GetRecords.IteratorAgeMilliseconds (StreamName)");
            });
        }
    },
});

interface RetentionConfig {
    minimumDays: number;
    maximumDays: number;
}

export const logGroupRetention = resourceRule<RetentionConfig>({
    name: "cloudwatch-log-group-retention",
    description:
        "Checks that every CloudWatch log group sets retentionInDays within a configured range (default 365 to 3653 " +
        "days; CloudWatch.16 asks for at least a year). An unset retention keeps logs forever (cost, and personal data " +
        "kept without end). Advisory: the window is a policy decision; the strict config makes it mandatory.",
    enforcementLevel: "advisory",
    severity: "low",
    control: fsbp("CloudWatch.16"),
    remediationSteps: "Set retentionInDays to a value CloudWatch accepts within the range (e.g. 365).",
    tags: ["cloudwatch", "logging"],
    config: {
        minimumDays: { type: "integer", minimum: 1, default: 365, description: "Shortest retention accepted." },
        maximumDays: { type: "integer", minimum: 1, default: 3653, description: "Longest retention accepted." },
    },
    resourceTypes: [LOG_GROUP],
    check(group, ctx) {
        const days = num(read(group.props, "retentionInDays"));
        const min = ctx.config.minimumDays ?? 365;
        const max = ctx.config.maximumDays ?? 3653;
        if (days === UNKNOWN) return ctx.undecided(group, "retentionInDays");
        if (days === undefined || days === 0) {
            return ctx.report(group, `must expire logs: retentionInDays is unset (kept forever); set it between ${min} and ${max}`);
        }
        if (days < min || days > max) ctx.report(group, `must keep logs between ${min} and ${max} days: retentionInDays is ${days}`);
    },
});

export const rules: Rule[] = [lambdaErrorsAlarm, apiGateway5xxAlarm, streamConsumerIteratorAgeAlarm, logGroupRetention];
