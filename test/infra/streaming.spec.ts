/**
 * Tier 3, streaming (infra/streaming.ts): the stream, its mapping and consumer.
 * Read from what the engine would see: the dev stack under the gate's recording mock monitor,
 * every output resolved (test/infra/program.ts).
 */
import { expect } from "chai";
import { Program, T, actions, byOutput, named, ofType, program, statements } from "./program";

describe("infra streaming (dev stack, resolved)", () => {
    let p: Program;
    before(async () => (p = await program("resolved")));

    it("encrypts the stream with a stack key", () => {
        const stream = ofType(p, "aws:kinesis/stream:Stream")[0];
        expect(stream.inputs.encryptionType).to.equal("KMS");
        expect(byOutput(p, T.key, stream.inputs.kmsKeyId)).to.not.equal(undefined);
    });

    it("maps the stream with partial batch failures, bisect, bounded retries and an encrypted on-failure queue", () => {
        const esm = ofType(p, T.esm)[0];
        expect(esm.inputs.functionResponseTypes).to.deep.equal(["ReportBatchItemFailures"]);
        expect(esm.inputs.bisectBatchOnFunctionError).to.equal(true);
        expect(esm.inputs.maximumRetryAttempts).to.be.within(0, 10);
        expect(esm.inputs.maximumRecordAgeInSeconds).to.be.within(60, 86400);
        const queueArn = (esm.inputs.destinationConfig as { onFailure: { destinationArn: string } }).onFailure
            .destinationArn;
        const queue = byOutput(p, "aws:sqs/queue:Queue", queueArn)!;
        expect(byOutput(p, T.key, queue.inputs.kmsMasterKeyId)).to.not.equal(undefined);
        const policy = named(p, T.rolePolicy, "streaming-processor-policy");
        expect(esm.dependencies).to.include(policy.urn);
    });

    it("sizes a provisioned stream from config and keeps records for Kinesis's default day (no extended retention)", () => {
        const stream = ofType(p, "aws:kinesis/stream:Stream")[0];
        expect(stream.inputs.shardCount).to.equal(1);
        expect(stream.inputs.streamModeDetails).to.deep.equal({ streamMode: "PROVISIONED" });
        expect(stream.inputs.retentionPeriod).to.equal(24);
    });

    it("gives the stream processor read on the stream, writes under its prefixes and the failure queue", () => {
        const list = statements(named(p, T.rolePolicy, "streaming-processor-policy").inputs.policy);
        const read = list.find((s) => s.Sid === "ReadChangeStream")!;
        expect(actions(read)).to.have.members([
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:DescribeStream",
            "kinesis:DescribeStreamSummary",
            "kinesis:ListShards",
        ]);
        const write = list.find((s) => s.Sid === "WriteProcessedObjects")!;
        expect(write.Resource).to.satisfy(
            (r: string[]) => r.length === 2 && r.every((arn) => /\/(processed|errors)\/\*$/.test(arn)),
        );
        expect(actions(list.find((s) => s.Sid === "SendFailureRecords")!)).to.deep.equal(["sqs:SendMessage"]);
    });
});
