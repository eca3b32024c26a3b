/**
 * CloudWatch alarm lookup shared by the alarm rules (a Lambda function's Errors alarm, a REST
 * API's 5XX alarm, a stream consumer's iterator-age alarm): alarms are indexed once per call by
 * (namespace, metric, dimension value), from plain metrics and from metric-math queries, and an
 * alarm counts only when it notifies an SNS topic that has a subscriber.
 */
import { perIndex, StackIndex } from "./stack";
import { isUnknown, list, read, rec, str, PACK_UNKNOWN } from "./props";
import { RuleContext, StackResource } from "./rule";
import { AWS_TYPES } from "./types";

export interface AlarmIndex {
    /** `namespace|metric|dimensionValue` -> alarms. */
    byMetric: Map<string, StackResource[]>;
    /** URN of a resource an alarm's dimensions were computed from -> alarms (first preview). */
    byDependency: Map<string, StackResource[]>;
    /** Alarms whose metric or dimensions are unknown and not tied to a resource. */
    undecided: StackResource[];
}

/** The alarms of a stack, indexed once per stack index. */
export const alarms = perIndex(indexAlarms);

function indexAlarms(stack: StackIndex): AlarmIndex {
    const index: AlarmIndex = { byMetric: new Map(), byDependency: new Map(), undecided: [] };
    const add = <K>(map: Map<K, StackResource[]>, key: K, alarm: StackResource) =>
        map.set(key, [...(map.get(key) ?? []), alarm]);
    for (const alarm of stack.ofType(AWS_TYPES.metricAlarm)) {
        const metrics: { namespace: unknown; name: unknown; dimensions: unknown }[] = [
            {
                namespace: read(alarm.props, "namespace"),
                name: read(alarm.props, "metricName"),
                dimensions: read(alarm.props, "dimensions"),
            },
        ];
        const queries = list(read(alarm.props, "metricQueries"));
        if (queries !== PACK_UNKNOWN) {
            for (const q of queries) {
                const m = read(q, "metric");
                if (rec(m))
                    metrics.push({
                        namespace: read(m, "namespace"),
                        name: read(m, "metricName"),
                        dimensions: read(m, "dimensions"),
                    });
            }
        }
        let tied = false;
        for (const m of metrics) {
            const ns = str(m.namespace);
            const name = str(m.name);
            const dims = rec(m.dimensions);
            if (ns === PACK_UNKNOWN || name === PACK_UNKNOWN || dims === PACK_UNKNOWN) {
                index.undecided.push(alarm);
                continue;
            }
            if (!ns || !name || !dims) continue;
            for (const value of Object.values(dims)) {
                const v = str(value);
                if (typeof v === "string") add(index.byMetric, `${ns}|${name}|${v}`, alarm);
                else if (v === PACK_UNKNOWN && !tied) {
                    for (const dep of stack
                        .computedFrom(alarm, "dimensions")
                        .concat(stack.computedFrom(alarm, "metricQueries"))) {
                        add(index.byDependency, `${ns}|${name}|${dep.urn}`, alarm);
                    }
                    tied = true;
                }
            }
        }
    }
    return index;
}

/** Whether an alarm notifies an SNS topic of the stack that has a subscription. */
function notifiesSubscribedTopic(stack: StackIndex, alarm: StackResource): boolean | typeof PACK_UNKNOWN {
    const actions = stack.referencesIn(alarm, "alarmActions", read(alarm.props, "alarmActions"), AWS_TYPES.snsTopic);
    if (actions === PACK_UNKNOWN) return PACK_UNKNOWN;
    if (actions.resources.length === 0) return false;
    const subscribed = subscribedTopics(stack);
    return actions.resources.some((t) => subscribed.has(t.urn)) ? true : subscribed.has("?") ? PACK_UNKNOWN : false;
}

const subscribedTopics = perIndex((stack: StackIndex): Set<string> => {
    const set = new Set<string>();
    for (const sub of stack.ofType(AWS_TYPES.snsTopicSubscription)) {
        const topic = stack.referenceIn(sub, "topic", read(sub.props, "topic"), AWS_TYPES.snsTopic);
        if (topic === PACK_UNKNOWN) set.add("?");
        else if (topic && typeof topic === "object") set.add(topic.urn);
    }
    return set;
});

/**
 * Judges that `subject` has an alarm on one of `metrics` (namespace|metric) for one of `values`
 * (dimension values: name, ARN) or, at preview, computed from `subject` (or `related`); and that the
 * alarm notifies a subscribed topic.
 */
export function requireAlarm(
    stack: StackIndex,
    ctx: RuleContext<unknown>,
    subject: StackResource,
    related: StackResource[],
    metrics: string[],
    values: unknown[],
    what: string,
    fix: string,
): void {
    const index = alarms(stack);
    const known = values.filter((v): v is string => typeof v === "string" && v !== "");
    const found = new Set<StackResource>();
    for (const m of metrics) {
        for (const v of known) for (const a of index.byMetric.get(`${m}|${v}`) ?? []) found.add(a);
        for (const r of [subject, ...related])
            for (const a of index.byDependency.get(`${m}|${r.urn}`) ?? []) found.add(a);
    }
    if (found.size === 0) {
        if (index.undecided.length > 0 || values.some(isUnknown))
            return ctx.undecided(subject, `metric or dimensions of alarm '${index.undecided[0]?.name ?? "?"}'`);
        return ctx.report(subject, `must have ${what}: ${fix}`);
    }
    const notified = [...found].map((a) => notifiesSubscribedTopic(stack, a));
    if (notified.includes(true)) return;
    if (notified.includes(PACK_UNKNOWN)) return ctx.undecided(subject, `alarmActions of alarm '${[...found][0].name}'`);
    ctx.report(
        subject,
        `must notify someone when ${what.replace(/^an? /, "its ")} fires: alarm '${[...found][0].name}' has no alarmActions ` +
            "entry naming an SNS topic of this stack with an aws.sns.TopicSubscription; add the topic's arn to alarmActions",
    );
}
