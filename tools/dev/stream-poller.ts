/**
 * The Kinesis event source mapping, locally: reads each shard of the stream with
 * GetShardIterator/GetRecords and invokes the stream processor with batches, using the
 * mapping's settings from the app contract (lambdas/contract.json `eventSourceMapping`,
 * the same object infra/streaming.ts passes to aws.lambda.EventSourceMapping).
 *
 * What it does as Lambda does (AWS Lambda developer guide, "Using Lambda with Kinesis"):
 * - A batch is invoked when `batchSize` records are waiting or `maximumBatchingWindowInSeconds`
 *   has passed since the first of them arrived; one batch at a time per shard, in order.
 * - With ReportBatchItemFailures, the lowest `itemIdentifier` in `batchItemFailures` is where
 *   the batch failed: the records before it are checkpointed, the batch is retried from it.
 *   An empty or missing list (or a null answer) is success; an identifier that is empty or
 *   not in the batch, or an answer of the wrong shape, fails the whole batch.
 * - A function error (an exception, a timeout) fails the whole batch; with
 *   `bisectBatchOnFunctionError` the batch is split in two and each half is tried alone
 *   (splitting does not count as a retry).
 * - A failed record is retried up to `maximumRetryAttempts` times; records older than
 *   `maximumRecordAgeInSeconds` are not delivered. Either way the records are discarded
 *   and the batch's description goes to the on-failure destination: here, the log.
 * What it does not: parallelizationFactor above 1 (one batch per shard at a time is the
 * factor-1 behaviour), resharding (shards are listed once at start), the 6 MB payload cap.
 */
import type { AppContract } from "../../infra/lib/contract";
import type { Invocation } from "./lambda-bridge";

export interface KinesisRecord {
    SequenceNumber: string;
    ApproximateArrivalTimestamp: number;
    Data: string;
    PartitionKey: string;
}

/** The Kinesis reads the mapping makes (GetShardIterator/GetRecords/ListShards). */
export interface KinesisReader {
    listShards(): Promise<string[]>;
    shardIterator(
        shardId: string,
        position: { type: "TRIM_HORIZON" | "LATEST" } | { type: "AFTER_SEQUENCE_NUMBER"; sequenceNumber: string },
    ): Promise<string>;
    getRecords(iterator: string, limit: number): Promise<{ records: KinesisRecord[]; nextIterator: string | null }>;
}

/** The mapping's settings: the contract's `eventSourceMapping`, as the program passes them to AWS. */
export type MappingSettings = AppContract["eventSourceMapping"];

export interface PollerOptions {
    settings: MappingSettings;
    streamArn: string;
    region: string;
    /** The function's execution role, as the event names it (`invokeIdentityArn`). */
    roleArn: string;
    reader: KinesisReader;
    invoke: (event: unknown) => Promise<Invocation>;
    log: { info(m: string): void; error(m: string): void };
    /** How often an idle shard is read. Lambda reads each shard once a second. */
    pollIntervalMs?: number;
    now?: () => number;
}

/** What the on-failure destination receives for a discarded batch (KinesisBatchInfo). */
export interface DiscardedBatch {
    reason: "RetryAttemptsExhausted" | "RecordAgeExceeded";
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
}

interface Buffered {
    record: KinesisRecord;
    /** Times this record was retried as the first failed record of a batch. */
    retries: number;
}

type Outcome =
    | { kind: "success" }
    | { kind: "partial"; index: number }
    | { kind: "batch-failure"; why: string; functionError: boolean };

/** Reads one answer of the processor as the mapping does. */
export function interpretResponse(
    invocation: Invocation,
    batch: KinesisRecord[],
    reportsItemFailures: boolean,
): Outcome {
    if (!invocation.ok) {
        return {
            kind: "batch-failure",
            why: `${invocation.errorType}: ${invocation.errorMessage}`,
            functionError: true,
        };
    }
    const answer = invocation.result as any;
    if (!reportsItemFailures || answer === null || answer === undefined) return { kind: "success" };
    if (typeof answer !== "object" || Array.isArray(answer)) {
        return { kind: "batch-failure", why: "the answer is not a JSON object", functionError: false };
    }
    const failures = answer.batchItemFailures;
    if (failures === undefined || failures === null || (Array.isArray(failures) && failures.length === 0))
        return { kind: "success" };
    if (!Array.isArray(failures))
        return { kind: "batch-failure", why: "batchItemFailures is not a list", functionError: false };
    let lowest = -1;
    for (const failure of failures) {
        const id = failure?.itemIdentifier;
        const index = typeof id === "string" && id ? batch.findIndex((r) => r.SequenceNumber === id) : -1;
        if (index < 0) {
            return {
                kind: "batch-failure",
                why: `itemIdentifier ${JSON.stringify(id)} is not a sequence number of the batch`,
                functionError: false,
            };
        }
        if (lowest < 0 || index < lowest) lowest = index;
    }
    return { kind: "partial", index: lowest };
}

export function kinesisEvent(
    batch: KinesisRecord[],
    shardId: string,
    o: Pick<PollerOptions, "streamArn" | "region" | "roleArn">,
): object {
    return {
        Records: batch.map((r) => ({
            kinesis: {
                kinesisSchemaVersion: "1.0",
                partitionKey: r.PartitionKey,
                sequenceNumber: r.SequenceNumber,
                data: r.Data,
                approximateArrivalTimestamp: r.ApproximateArrivalTimestamp,
            },
            eventSource: "aws:kinesis",
            eventVersion: "1.0",
            eventID: `${shardId}:${r.SequenceNumber}`,
            eventName: "aws:kinesis:record",
            invokeIdentityArn: o.roleArn,
            awsRegion: o.region,
            eventSourceARN: o.streamArn,
        })),
    };
}

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

/** One shard's reader and its in-order batch delivery. */
export class ShardPoller {
    private iterator?: string | null;
    private lastRead?: string;
    private buffer: Buffered[] = [];
    private firstWaitingAt = 0;
    /**
     * Sizes of the next batches when they are not "as many as fit": the halves of a bisected
     * batch, or the rest of a failed batch being retried. They go out without waiting for
     * the batching window.
     */
    private planned: number[] = [];
    readonly discarded: DiscardedBatch[] = [];
    invocations = 0;

    constructor(
        readonly shardId: string,
        private readonly o: PollerOptions,
    ) {}

    private get now(): number {
        return (this.o.now ?? Date.now)();
    }

    /** Reads once if there is room, then delivers at most one batch. True if a batch went out. */
    async step(): Promise<boolean> {
        await this.read();
        return this.deliver();
    }

    get closed(): boolean {
        return this.iterator === null && this.buffer.length === 0;
    }

    get waiting(): number {
        return this.buffer.length;
    }

    private async read(): Promise<void> {
        const s = this.o.settings;
        if (this.iterator === null || this.buffer.length >= s.batchSize) return;
        if (this.iterator === undefined) {
            this.iterator = await this.o.reader.shardIterator(
                this.shardId,
                this.lastRead
                    ? { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: this.lastRead }
                    : { type: s.startingPosition },
            );
        }
        let page;
        try {
            page = await this.o.reader.getRecords(this.iterator, s.batchSize - this.buffer.length);
        } catch (e) {
            // Iterators expire after five minutes; take a new one from where reading stopped.
            if (
                /ExpiredIterator/.test(String((e as Error).message ?? e)) ||
                (e as any)?.code === "ExpiredIteratorException"
            ) {
                this.iterator = undefined;
                return;
            }
            throw e;
        }
        this.iterator = page.nextIterator;
        if (page.records.length === 0) return;
        if (this.buffer.length === 0) this.firstWaitingAt = this.now;
        for (const record of page.records) this.buffer.push({ record, retries: 0 });
        this.lastRead = page.records[page.records.length - 1]!.SequenceNumber;
    }

    private async deliver(): Promise<boolean> {
        const s = this.o.settings;
        this.dropExpired();
        if (this.buffer.length === 0) return false;
        const windowOver = this.now - this.firstWaitingAt >= s.maximumBatchingWindowInSeconds * 1000;
        const full = this.buffer.length >= s.batchSize;
        if (!(full || windowOver || this.planned.length > 0 || this.iterator === null)) return false;

        const size = Math.min(this.planned.shift() ?? s.batchSize, s.batchSize, this.buffer.length);
        const batch = this.buffer.slice(0, size);
        const records = batch.map((b) => b.record);
        this.invocations++;
        const invocation = await this.o.invoke(kinesisEvent(records, this.shardId, this.o));
        const outcome = interpretResponse(
            invocation,
            records,
            s.functionResponseTypes.includes("ReportBatchItemFailures"),
        );
        const range = `${records[0]!.SequenceNumber}..${records[records.length - 1]!.SequenceNumber}`;

        if (outcome.kind === "success") {
            this.o.log.info(`batch ${this.shardId} ${range} (${size} record${size === 1 ? "" : "s"}) processed`);
            this.checkpoint(size);
            return true;
        }
        if (outcome.kind === "batch-failure" && s.bisectBatchOnFunctionError && size > 1) {
            // Bisect: both halves are tried alone, the first one next; no retry is counted.
            const first = Math.ceil(size / 2);
            this.planned.unshift(first, size - first);
            this.o.log.error(
                `batch ${this.shardId} ${range} (${size} records) failed (${outcome.why}); bisecting into ${first} + ${size - first}`,
            );
            return true;
        }
        const failedAt = outcome.kind === "partial" ? outcome.index : 0;
        if (outcome.kind === "partial") {
            this.o.log.error(
                `batch ${this.shardId} ${range}: the function reported record ${records[failedAt]!.SequenceNumber} ` +
                    `(#${failedAt + 1} of ${size}) as failed; checkpointed ${failedAt}, retrying from it`,
            );
        } else {
            this.o.log.error(`batch ${this.shardId} ${range} (${size} records) failed: ${outcome.why}`);
        }
        this.checkpoint(failedAt);
        const head = this.buffer[0]!;
        head.retries++;
        // The failed batch's records from the failed one on are retried together, as one batch.
        const rest = size - failedAt;
        if (head.retries > s.maximumRetryAttempts) {
            this.discard(rest, "RetryAttemptsExhausted");
        } else {
            this.planned.unshift(rest);
            this.o.log.info(
                `retry ${head.retries} of ${s.maximumRetryAttempts} for ${this.shardId} from ${head.record.SequenceNumber}`,
            );
        }
        return true;
    }

    /** Drops the first `count` records: done with them. The rest keep their waiting time. */
    private checkpoint(count: number): void {
        this.buffer.splice(0, count);
    }

    private dropExpired(): void {
        const maxAge = this.o.settings.maximumRecordAgeInSeconds;
        if (maxAge < 0) return; // -1: records never expire
        let expired = 0;
        while (
            expired < this.buffer.length &&
            this.now / 1000 - this.buffer[expired]!.record.ApproximateArrivalTimestamp > maxAge
        )
            expired++;
        if (expired > 0) this.discard(expired, "RecordAgeExceeded");
    }

    private discard(count: number, reason: DiscardedBatch["reason"]): void {
        const records = this.buffer.slice(0, count).map((b) => b.record);
        const first = records[0]!;
        const last = records[records.length - 1]!;
        const info: DiscardedBatch = {
            reason,
            shardId: this.shardId,
            startSequenceNumber: first.SequenceNumber,
            endSequenceNumber: last.SequenceNumber,
            approximateArrivalOfFirstRecord: iso(first.ApproximateArrivalTimestamp),
            approximateArrivalOfLastRecord: iso(last.ApproximateArrivalTimestamp),
            batchSize: records.length,
            streamArn: this.o.streamArn,
        };
        this.discarded.push(info);
        this.o.log.error(`on-failure destination: discarded ${records.length} record(s): ${JSON.stringify(info)}`);
        this.checkpoint(count);
    }
}

/** Every shard of the stream, each read and delivered in turn until stop(). */
export class StreamPoller {
    private running = false;
    private loop?: Promise<void>;
    private wake?: () => void;
    shards: ShardPoller[] = [];

    constructor(private readonly o: PollerOptions) {}

    async start(): Promise<void> {
        const ids = await this.o.reader.listShards();
        this.shards = ids.map((id) => new ShardPoller(id, this.o));
        this.running = true;
        const s = this.o.settings;
        this.o.log.info(
            `reading ${ids.length} shard(s) from ${s.startingPosition}: batch size ${s.batchSize}, window ` +
                `${s.maximumBatchingWindowInSeconds} s, ${s.maximumRetryAttempts} retries, bisect ${s.bisectBatchOnFunctionError ? "on" : "off"}, ` +
                `max record age ${s.maximumRecordAgeInSeconds} s, ${s.functionResponseTypes.join(", ") || "no partial batch responses"}`,
        );
        this.loop = this.run();
    }

    private async run(): Promise<void> {
        const interval = this.o.pollIntervalMs ?? 1000;
        while (this.running) {
            let busy = false;
            for (const shard of this.shards) {
                if (!this.running) break;
                try {
                    busy = (await shard.step()) || busy;
                } catch (e) {
                    this.o.log.error(`reading ${shard.shardId} failed: ${(e as Error).message}`);
                }
            }
            if (!busy && this.running) {
                await new Promise<void>((resolve) => {
                    const timer = setTimeout(resolve, interval);
                    this.wake = () => {
                        clearTimeout(timer);
                        resolve();
                    };
                });
            }
        }
    }

    async stop(): Promise<void> {
        this.running = false;
        this.wake?.();
        await this.loop;
    }
}
