/** Kinesis rules: retention long enough to replay after a consumer failure (encryption: rules/encryption.ts). */
import { num, read, UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule } from "../lib/rule";

export const kinesisRetention = resourceRule<{ minimumRetentionHours: number }>({
    name: "kinesis-stream-retention-period",
    description:
        "Checks that a Kinesis data stream keeps records for at least the configured hours (default 168, as Kinesis.3 " +
        "does; the service default is 24), so a consumer that fails over a weekend can replay instead of losing data. " +
        "Advisory: longer retention costs money and the right window is a product decision.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("Kinesis.3"),
    remediationSteps: "Set retentionPeriod (hours) to at least the configured minimum, e.g. 168.",
    tags: ["kinesis", "resilience"],
    config: {
        minimumRetentionHours: { type: "integer", minimum: 24, maximum: 8760, default: 168, description: "Minimum retentionPeriod." },
    },
    resourceTypes: ["aws:kinesis/stream:Stream"],
    check(stream, ctx) {
        const hours = num(read(stream.props, "retentionPeriod"));
        const minimum = ctx.config.minimumRetentionHours ?? 168;
        if (hours === UNKNOWN) return ctx.undecided(stream, "retentionPeriod");
        const effective = hours ?? 24;
        if (effective < minimum) {
            ctx.report(stream, `must retain records for at least ${minimum} hours: retentionPeriod is ${effective}; raise it`);
        }
    },
});

export const rules: Rule[] = [kinesisRetention];
