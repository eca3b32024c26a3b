import { expect } from "chai";
import { PackHarness, startPack, urnOf } from "../helpers/pack";
import { UNKNOWN } from "../../tools/gate/types";
import { EDGE_TRUST, network, T, withProps } from "./stack-fixture";
import { of, undecidedOf } from "./spec-helpers";

const ESM = { type: T.esm, name: "consumer", props: {
    eventSourceArn: "arn:aws:kinesis:us-west-2:123456789012:stream/events", functionName: "api-fn",
    bisectBatchOnFunctionError: true, maximumRetryAttempts: 3,
    destinationConfig: { onFailure: { destinationArn: "arn:aws:sqs:us-west-2:123456789012:dlq" } },
} };

describe("lambda rules", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    it("lambda-function-supported-runtime: passes python3.12, fails python3.8, skips images", async () => {
        expect(of(await pack.analyze(network()), "lambda-function-supported-runtime")).to.deep.equal([]);
        const vs = of(await pack.analyze(network({ api: withProps("api", { runtime: "python3.8" }) })), "lambda-function-supported-runtime");
        expect(vs[0].message).to.equal("aws.lambda.Function 'api' must use a supported runtime: runtime 'python3.8' is deprecated; move to a current version");
        expect(of(await pack.analyze(network({ api: withProps("api", { runtime: undefined, packageType: "Image" }) })), "lambda-function-supported-runtime")).to.deep.equal([]);
    });

    it("lambda-function-tracing-active: advisory on PassThrough, edge function exempt", async () => {
        const vs = of(await pack.analyze(network({ api: withProps("api", { tracingConfig: { mode: "PassThrough" } }) })), "lambda-function-tracing-active");
        expect(vs.map((v) => v.enforcementLevel)).to.deep.equal(["advisory"]);
        const prov = urnOf(T.provider, "east");
        const edge = await pack.analyze(network({
            east: { type: T.provider, name: "east", id: "p1", props: { region: "us-east-1" }, custom: true },
            "edge-role": { type: T.role, name: "edge-role", props: { arn: "arn:aws:iam::1:role/edge", assumeRolePolicy: EDGE_TRUST } },
            edge: { type: T.fn, name: "edge", provider: `${prov}::p1`, props: { publish: true, role: "arn:aws:iam::1:role/edge" } },
        }));
        expect(of(edge, "lambda-function-tracing-active")).to.deep.equal([]);
        expect(of(edge, "lambda-function-reserved-concurrency")).to.deep.equal([]);
    });

    it("lambda-function-reserved-concurrency: flags an unset limit, undecided when unknown", async () => {
        expect(of(await pack.analyze(network({ api: withProps("api", { reservedConcurrentExecutions: undefined }) })), "lambda-function-reserved-concurrency")).to.have.length(1);
        expect(undecidedOf(await pack.analyze(network({ api: withProps("api", { reservedConcurrentExecutions: UNKNOWN }) })), "lambda-function-reserved-concurrency")).to.have.length(1);
    });

    describe("lambda-event-source-mapping-failure-handling", () => {
        const rule = "lambda-event-source-mapping-failure-handling";
        it("passes a Kinesis mapping with destination, bisect and bounded retries", async () => {
            expect(of(await pack.analyze(network({ consumer: ESM })), rule)).to.deep.equal([]);
        });
        it("fails each missing piece, in one message", async () => {
            const bad = { ...ESM, props: { ...ESM.props, destinationConfig: undefined, bisectBatchOnFunctionError: false, maximumRetryAttempts: -1 } };
            const vs = of(await pack.analyze(network({ consumer: bad })), rule);
            expect(vs).to.have.length(1);
            expect(vs[0].message).to.include("destinationConfig.onFailure.destinationArn").and.include("bisectBatchOnFunctionError").and.include("maximumRetryAttempts");
        });
        it("ignores SQS sources and is undecided on an unknown source", async () => {
            const sqs = { ...ESM, props: { eventSourceArn: "arn:aws:sqs:us-west-2:1:q", functionName: "api-fn" } };
            expect(of(await pack.analyze(network({ consumer: sqs })), rule)).to.deep.equal([]);
            const unknown = { ...ESM, props: { ...ESM.props, eventSourceArn: UNKNOWN } };
            const vs = await pack.analyze(network({ consumer: unknown }));
            expect(of(vs, rule)).to.deep.equal([]);
            expect(undecidedOf(vs, rule).length).to.be.greaterThan(0);
        });
    });
});
