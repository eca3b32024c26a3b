/**
 * Tier 5, monitoring (infra/monitoring.ts): topics, alarms, subscriptions and the dashboard.
 * Read from what the engine would see: the dev stack under the gate's recording mock monitor,
 * every output resolved (test/infra/program.ts).
 */
import { expect } from "chai";
import { Program, T, byOutput, keyGrants, ofType, program, regionOf, statements } from "./program";

describe("infra monitoring (dev stack, resolved)", () => {
    let p: Program;
    before(async () => (p = await program("resolved")));

    it("lets CloudWatch alarms publish to each encrypted topic (key grant + topic policy)", () => {
        for (const topic of ofType(p, T.topic)) {
            const key = byOutput(p, T.key, topic.inputs.kmsMasterKeyId)!;
            expect(keyGrants(key, "cloudwatch.amazonaws.com"), topic.name).to.have.length(1);
            const policy = ofType(p, T.topicPolicy).find((tp) => tp.inputs.arn === topic.outputs.arn)!;
            const [publish] = statements(policy.inputs.policy);
            expect(publish.Principal).to.deep.equal({ Service: "cloudwatch.amazonaws.com" });
            expect(publish.Condition?.StringEquals?.["aws:SourceAccount"]).to.equal("123456789012");
            expect(String(publish.Condition?.ArnLike?.["aws:SourceArn"])).to.match(
                new RegExp(`^arn:aws:cloudwatch:${regionOf(p, topic)}:123456789012:alarm:`),
            );
        }
    });

    it("points every alarm at a topic of its own region, both on alarm and on OK", () => {
        const alarms = ofType(p, T.alarm);
        expect(alarms.length).to.be.at.least(15);
        for (const alarm of alarms) {
            const targets = alarm.inputs.alarmActions as string[];
            expect(targets, alarm.name).to.have.length.greaterThan(0);
            for (const arn of targets) {
                const topic = byOutput(p, T.topic, arn);
                expect(topic, `${alarm.name} -> ${arn}`).to.not.equal(undefined);
                expect(regionOf(p, topic!), alarm.name).to.equal(regionOf(p, alarm));
            }
            expect(alarm.inputs.okActions, alarm.name).to.deep.equal(targets);
        }
    });

    it("alarms on each tier's metrics, CloudFront's in us-east-1", () => {
        const metrics = ofType(p, T.alarm).map((a) => `${a.inputs.namespace}/${a.inputs.metricName}`);
        for (const m of [
            "AWS/Lambda/Errors",
            "AWS/Lambda/Throttles",
            "AWS/Lambda/Duration",
            "AWS/Lambda/IteratorAge",
            "AWS/ApiGateway/5XXError",
            "AWS/ApiGateway/Latency",
            "AWS/Kinesis/GetRecords.IteratorAgeMilliseconds",
            "AWS/Kinesis/WriteProvisionedThroughputExceeded",
            "AWS/SQS/ApproximateNumberOfMessagesVisible",
            "AWS/DynamoDB/ReadThrottleEvents",
            "AWS/DynamoDB/WriteThrottleEvents",
        ]) {
            expect(metrics, m).to.include(m);
        }
        const cdn = ofType(p, T.alarm).find((a) => a.inputs.namespace === "AWS/CloudFront")!;
        expect(cdn.inputs.dimensions).to.deep.include({ Region: "Global" });
        expect(regionOf(p, cdn)).to.equal("us-east-1");
    });

    it("subscribes the configured addresses to both topics and draws a row per tier", () => {
        const subscriptions = ofType(p, "aws:sns/topicSubscription:TopicSubscription");
        expect(subscriptions.map((s) => s.inputs.endpoint)).to.deep.equal(["ops@example.com", "ops@example.com"]);
        const body = JSON.parse(String(ofType(p, "aws:cloudwatch/dashboard:Dashboard")[0].inputs.dashboardBody));
        const rows = body.widgets.filter((w: any) => w.type === "text").map((w: any) => w.properties.markdown);
        expect(rows).to.have.length(5);
    });
});
