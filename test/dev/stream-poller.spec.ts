import { expect } from "chai";
import {
    interpretResponse,
    KinesisReader,
    KinesisRecord,
    MappingSettings,
    ShardPoller,
} from "../../tools/dev/stream-poller";
import { contract } from "../../infra/lib/contract";

const SHARD = "shardId-000000000000";

function records(n: number, arrival = 1_700_000_000): KinesisRecord[] {
    return Array.from({ length: n }, (_, i) => ({
        SequenceNumber: String(49_000_000_000_000_000_000n + BigInt(i) * 10n),
        ApproximateArrivalTimestamp: arrival + i / 1000,
        Data: Buffer.from(JSON.stringify({ n: i })).toString("base64"),
        PartitionKey: `item-${i}`,
    }));
}

/** An open shard holding `all`, read from an index. */
function reader(all: KinesisRecord[]): KinesisReader {
    return {
        listShards: async () => [SHARD],
        shardIterator: async (_shard, position) =>
            String(
                position.type === "AFTER_SEQUENCE_NUMBER"
                    ? all.findIndex((r) => r.SequenceNumber === position.sequenceNumber) + 1
                    : 0,
            ),
        getRecords: async (iterator, limit) => {
            const at = Number(iterator);
            const page = all.slice(at, at + limit);
            return { records: page, nextIterator: String(at + page.length) };
        },
    };
}

const settings = (over: Partial<MappingSettings> = {}): MappingSettings => ({
    ...contract.eventSourceMapping,
    maximumBatchingWindowInSeconds: 0,
    maximumRecordAgeInSeconds: -1,
    ...over,
});

interface Harness {
    shard: ShardPoller;
    /** Sequence numbers of every batch, as delivered. */
    batches: string[][];
    errors: string[];
    run(steps?: number): Promise<void>;
}

function harness(
    all: KinesisRecord[],
    s: MappingSettings,
    answer: (batch: string[], call: number) => unknown,
    opts: { now?: () => number } = {},
): Harness {
    const batches: string[][] = [];
    const errors: string[] = [];
    const shard = new ShardPoller(SHARD, {
        settings: s,
        streamArn: "arn:aws:kinesis:us-west-2:123456789012:stream/s",
        region: "us-west-2",
        roleArn: "arn:aws:iam::123456789012:role/p",
        reader: reader(all),
        log: { info: () => undefined, error: (m) => errors.push(m) },
        now: opts.now ?? (() => 1_700_000_000_000),
        invoke: async (event: any) => {
            const seqs = event.Records.map((r: any) => r.kinesis.sequenceNumber);
            batches.push(seqs);
            const result = answer(seqs, batches.length);
            return result instanceof Error
                ? { ok: false, errorType: "Exception", errorMessage: result.message, requestId: "r" }
                : { ok: true, result, requestId: "r" };
        },
    });
    return {
        shard,
        batches,
        errors,
        async run(steps = 100) {
            for (let i = 0; i < steps; i++) await shard.step();
        },
    };
}

const delivered = (h: Harness, failedIds: Set<string> = new Set()) => {
    // A record counts as processed in the batches the function did not fail it in.
    return h.batches.flat().filter((s) => !failedIds.has(s));
};

describe("dev server: the Kinesis event source mapping", () => {
    it("delivers in order, in batches of the contract's batch size", async () => {
        const all = records(250);
        const h = harness(all, settings(), () => ({ batchItemFailures: [] }));
        await h.run(10);
        expect(h.batches.map((b) => b.length)).to.deep.equal([100, 100, 50]);
        expect(h.batches.flat()).to.deep.equal(all.map((r) => r.SequenceNumber));
        expect(h.shard.discarded).to.deep.equal([]);
    });

    it("builds the Kinesis event as Lambda does", async () => {
        const all = records(1);
        let event: any;
        const shard = new ShardPoller(SHARD, {
            settings: settings(),
            streamArn: "arn:aws:kinesis:us-west-2:123456789012:stream/s",
            region: "us-west-2",
            roleArn: "arn:aws:iam::123456789012:role/p",
            reader: reader(all),
            log: { info: () => undefined, error: () => undefined },
            invoke: async (e) => {
                event = e;
                return { ok: true, result: null, requestId: "r" };
            },
        });
        await shard.step();
        const record = event.Records[0];
        expect(record.kinesis).to.deep.equal({
            kinesisSchemaVersion: "1.0",
            partitionKey: all[0]!.PartitionKey,
            sequenceNumber: all[0]!.SequenceNumber,
            data: all[0]!.Data,
            approximateArrivalTimestamp: all[0]!.ApproximateArrivalTimestamp,
        });
        expect(record.eventID).to.equal(`${SHARD}:${all[0]!.SequenceNumber}`);
        expect(record.eventSourceARN).to.equal("arn:aws:kinesis:us-west-2:123456789012:stream/s");
        expect(record.eventSource).to.equal("aws:kinesis");
        expect(record.awsRegion).to.equal("us-west-2");
    });

    it("waits for the batching window unless the batch is full", async () => {
        let now = 1_700_000_000_000;
        const h = harness(records(3), settings({ maximumBatchingWindowInSeconds: 5 }), () => null, { now: () => now });
        await h.run(3);
        expect(h.batches).to.have.length(0);
        now += 5000;
        await h.run(1);
        expect(h.batches.map((b) => b.length)).to.deep.equal([3]);
    });

    it("checkpoints before the first reported failure and retries from it", async () => {
        const all = records(5);
        const bad = all[2]!.SequenceNumber;
        const h = harness(all, settings(), (_b, call) => ({
            batchItemFailures: call === 1 ? [{ itemIdentifier: bad }] : [],
        }));
        await h.run(5);
        expect(h.batches).to.deep.equal([all.map((r) => r.SequenceNumber), all.slice(2).map((r) => r.SequenceNumber)]);
        // Records before the failure were not delivered again: each record succeeded exactly once.
        const succeeded = [...h.batches[0]!.slice(0, 2), ...h.batches[1]!];
        expect(succeeded).to.deep.equal(all.map((r) => r.SequenceNumber));
        expect(h.errors.join("\n")).to.match(/reported record .* as failed/);
    });

    it("takes the lowest of several reported failures", async () => {
        const all = records(5);
        const h = harness(all, settings(), (_b, call) => ({
            batchItemFailures:
                call === 1
                    ? [{ itemIdentifier: all[3]!.SequenceNumber }, { itemIdentifier: all[1]!.SequenceNumber }]
                    : [],
        }));
        await h.run(5);
        expect(h.batches[1]).to.deep.equal(all.slice(1).map((r) => r.SequenceNumber));
    });

    it("gives up after maximumRetryAttempts and reports the discarded records", async () => {
        const all = records(4);
        const bad = all[1]!.SequenceNumber;
        const h = harness(all, settings({ maximumRetryAttempts: 2 }), (batch) => ({
            batchItemFailures: batch.includes(bad) ? [{ itemIdentifier: bad }] : [],
        }));
        await h.run(10);
        // First try plus two retries of the failed tail, then the mapping moves on.
        expect(h.batches).to.have.length(3);
        expect(h.shard.discarded).to.have.length(1);
        expect(h.shard.discarded[0]).to.include({
            reason: "RetryAttemptsExhausted",
            shardId: SHARD,
            startSequenceNumber: bad,
            endSequenceNumber: all[3]!.SequenceNumber,
            batchSize: 3,
        });
        expect(h.errors.join("\n")).to.match(/on-failure destination: discarded 3 record/);
    });

    it("bisects a batch on a function error and retries only the failing record", async () => {
        const all = records(4);
        const bad = all[2]!.SequenceNumber;
        const h = harness(all, settings({ maximumRetryAttempts: 1 }), (batch) =>
            batch.includes(bad) ? new Error("boom") : null,
        );
        await h.run(20);
        expect(h.batches[0]).to.have.length(4);
        expect(h.batches[1]).to.deep.equal(all.slice(0, 2).map((r) => r.SequenceNumber));
        expect(h.batches[2]).to.deep.equal(all.slice(2).map((r) => r.SequenceNumber));
        const ok = delivered(h, new Set([bad])).filter((s, i, a) => a.indexOf(s) === i);
        expect(ok).to.deep.equal(all.filter((r) => r.SequenceNumber !== bad).map((r) => r.SequenceNumber));
        expect(h.shard.discarded.map((d) => [d.startSequenceNumber, d.batchSize])).to.deep.equal([[bad, 1]]);
        // Every good record succeeded exactly once.
        const successes = h.batches.filter((b) => !b.includes(bad)).flat();
        expect(successes.sort()).to.deep.equal(
            all
                .filter((r) => r.SequenceNumber !== bad)
                .map((r) => r.SequenceNumber)
                .sort(),
        );
    });

    it("fails the whole batch for an identifier not in the batch", () => {
        const batch = records(2);
        expect(
            interpretResponse(
                { ok: true, result: { batchItemFailures: [{ itemIdentifier: "" }] }, requestId: "r" },
                batch,
                true,
            ).kind,
        ).to.equal("batch-failure");
        expect(
            interpretResponse(
                { ok: true, result: { batchItemFailures: [{ itemIdentifier: "1" }] }, requestId: "r" },
                batch,
                true,
            ).kind,
        ).to.equal("batch-failure");
        expect(
            interpretResponse(
                { ok: true, result: { batchItemFailures: [{ wrongKey: batch[0]!.SequenceNumber }] }, requestId: "r" },
                batch,
                true,
            ).kind,
        ).to.equal("batch-failure");
        expect(interpretResponse({ ok: true, result: null, requestId: "r" }, batch, true).kind).to.equal("success");
        expect(interpretResponse({ ok: true, result: {}, requestId: "r" }, batch, true).kind).to.equal("success");
        expect(
            interpretResponse({ ok: true, result: { batchItemFailures: null }, requestId: "r" }, batch, true).kind,
        ).to.equal("success");
        // Without ReportBatchItemFailures the answer is not read.
        expect(
            interpretResponse(
                { ok: true, result: { batchItemFailures: [{ itemIdentifier: "" }] }, requestId: "r" },
                batch,
                false,
            ).kind,
        ).to.equal("success");
    });

    it("discards records older than maximumRecordAgeInSeconds", async () => {
        const now = 1_700_000_000_000;
        const old = records(2, now / 1000 - 7200);
        const h = harness(old, settings({ maximumRecordAgeInSeconds: 3600 }), () => null, { now: () => now });
        await h.run(2);
        expect(h.batches).to.have.length(0);
        expect(h.shard.discarded[0]).to.include({ reason: "RecordAgeExceeded", batchSize: 2 });
    });
});
