import { expect } from "chai";
import { PackHarness, startPack, TestResource, urnOf } from "../helpers/pack";
import { UNKNOWN } from "../../tools/gate/types";
import { network, T } from "./stack-fixture";
import { of, undecidedOf } from "./spec-helpers";

const TOPIC_ARN = "arn:aws:sns:us-west-2:1:alarms";
const alarm = (name: string, namespace: string, metricName: string, dimensions: Record<string, unknown>, extra: Partial<TestResource> = {}): TestResource =>
    ({ type: T.alarm, name, props: { namespace, metricName, dimensions, alarmActions: [TOPIC_ARN] }, ...extra });
const monitored = (over: Record<string, TestResource | undefined> = {}) => network({
    topic: { type: T.topic, name: "topic", props: { arn: TOPIC_ARN } },
    sub: { type: T.subscription, name: "sub", props: { topic: TOPIC_ARN, protocol: "email", endpoint: "ops@example.com" } },
    errors: alarm("errors", "AWS/Lambda", "Errors", { FunctionName: "api-fn" }),
    ...over,
});
const ERRORS = "lambda-function-errors-alarm";

describe("monitoring rules", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    it(`${ERRORS}: passes an Errors alarm to a subscribed topic`, async () => {
        expect(of(await pack.analyze(monitored()), ERRORS)).to.deep.equal([]);
    });
    it(`${ERRORS}: fails a missing alarm, an alarm without actions, a topic without subscription`, async () => {
        expect(of(await pack.analyze(monitored({ errors: undefined })), ERRORS)[0].message).to.include("must have an Errors alarm");
        const silent = alarm("errors", "AWS/Lambda", "Errors", { FunctionName: "api-fn" });
        silent.props!.alarmActions = [];
        expect(of(await pack.analyze(monitored({ errors: silent })), ERRORS)[0].message).to.include("must notify someone");
        expect(of(await pack.analyze(monitored({ sub: undefined })), ERRORS)).to.have.length(1);
    });
    it(`${ERRORS}: ties an unknown dimension to the function by dependency; undecided otherwise`, async () => {
        const dep = alarm("errors", "AWS/Lambda", "Errors", { FunctionName: UNKNOWN }, { propertyDependencies: { dimensions: [urnOf(T.fn, "api")] } });
        expect(of(await pack.analyze(monitored({ errors: dep })), ERRORS)).to.deep.equal([]);
        const loose = alarm("errors", "AWS/Lambda", UNKNOWN as unknown as string, { FunctionName: "x" });
        const vs = await pack.analyze(monitored({ errors: loose }));
        expect(of(vs, ERRORS)).to.deep.equal([]);
        expect(undecidedOf(vs, ERRORS)).to.have.length(1);
    });

    it("apigateway-rest-api-5xx-alarm: requires a 5XXError alarm on ApiName", async () => {
        const apiRes = { type: "aws:apigateway/restApi:RestApi", name: "rest", props: { name: "items-api" } };
        expect(of(await pack.analyze(monitored({ rest: apiRes })), "apigateway-rest-api-5xx-alarm")).to.have.length(1);
        expect(of(await pack.analyze(monitored({ rest: apiRes, fivexx: alarm("5xx", "AWS/ApiGateway", "5XXError", { ApiName: "items-api" }) })), "apigateway-rest-api-5xx-alarm")).to.deep.equal([]);
    });

    it("lambda-stream-consumer-iterator-age-alarm: Lambda IteratorAge or Kinesis GetRecords.IteratorAgeMilliseconds", async () => {
        const rule = "lambda-stream-consumer-iterator-age-alarm";
        const stream = { type: T.stream, name: "events", props: { name: "events", arn: "arn:aws:kinesis:us-west-2:1:stream/events" } };
        const esm = { type: T.esm, name: "consumer", props: { eventSourceArn: "arn:aws:kinesis:us-west-2:1:stream/events", functionName: "api-fn" } };
        expect(of(await pack.analyze(monitored({ events: stream, consumer: esm })), rule)).to.have.length(1);
        expect(of(await pack.analyze(monitored({ events: stream, consumer: esm, age: alarm("age", "AWS/Lambda", "IteratorAge", { FunctionName: "api-fn" }) })), rule)).to.deep.equal([]);
        expect(of(await pack.analyze(monitored({ events: stream, consumer: esm, age: alarm("age", "AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", { StreamName: "events" }) })), rule)).to.deep.equal([]);
    });

    it("cloudwatch-log-group-retention: advisory outside the range, unset means forever", async () => {
        const rule = "cloudwatch-log-group-retention";
        const group = (retentionInDays?: unknown) => [{ type: "aws:cloudwatch/logGroup:LogGroup", name: "logs", props: { retentionInDays } }];
        expect(of(await pack.analyze(group(365)), rule)).to.deep.equal([]);
        expect(of(await pack.analyze(group()), rule)[0].message).to.include("kept forever");
        expect(of(await pack.analyze(group(7)), rule).map((v) => v.enforcementLevel)).to.deep.equal(["advisory"]);
        expect(undecidedOf(await pack.analyze(group(UNKNOWN)), rule)).to.have.length(1);
    });
});
