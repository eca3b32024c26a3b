/**
 * moto's server as the local AWS: started as a child process on 127.0.0.1, then given the
 * table, stream and bucket the program creates, under the program's names and with its key
 * schema, billing mode and stream capacity (see settings.ts for where each comes from).
 *
 * Not reproduced: KMS encryption of the table, stream and bucket (transparent to the
 * handlers), point-in-time recovery, deletion protection, lifecycle rules, bucket policies.
 */
import { ChildProcess, spawn } from "child_process";
import * as net from "net";
import { AwsEndpoint, awsJson, AwsCallError, s3Request } from "./aws-http";
import { Logger, logger, pipeLines } from "./log";
import { DevError } from "./errors";
import type { DevSettings } from "./settings";
import type { KinesisReader } from "./stream-poller";

/** moto logs one werkzeug access line per request; the stream poller alone makes one a second. */
const ACCESS_LINE = /^127\.0\.0\.1 - - \[[^\]]+\] "[A-Z]+ \S+ HTTP\/[\d.]+" \d{3} /;

/**
 * Runs `python3 -m moto.server ...` (by exec, so the process is moto itself) after asking
 * Linux to send it SIGTERM when the dev server dies, even by SIGKILL: moto, unlike the
 * function bridges, does not read stdin and would otherwise outlive it holding its port.
 * Elsewhere than Linux the request is skipped.
 */
const DIE_WITH_PARENT = [
    "import ctypes, os, signal, sys",
    "parent = int(sys.argv[1])",
    "try:\n    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG\nexcept (AttributeError, OSError):\n    pass",
    "if os.getppid() != parent: sys.exit(0)  # the parent died before the request",
    "os.execvp(sys.executable, [sys.executable, *sys.argv[2:]])",
].join("\n");

export interface MotoServer {
    child: ChildProcess;
    /** `http://127.0.0.1:<port>` */
    url: string;
    port: number;
    /** Resolves once moto accepts connections; rejects if it exits or never listens. */
    ready: Promise<void>;
}

/** Spawns moto at once (so its process can be stopped even mid-start) and watches for it to listen. */
export function startMoto(port: number, opts: { verbose?: boolean } = {}): MotoServer {
    const log = logger("moto");
    const child = spawn(
        "python3",
        ["-c", DIE_WITH_PARENT, String(process.pid), "-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)],
        {
            stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, PYTHONUNBUFFERED: "1" },
        },
    );
    let recent: string[] = [];
    const remember = (line: string) => {
        recent = [...recent.slice(-19), line];
        return opts.verbose || !ACCESS_LINE.test(line);
    };
    pipeLines(child.stdout!, log.info, remember);
    pipeLines(child.stderr!, log.info, remember);
    const exited = new Promise<never>((_, reject) => {
        child.on("error", (e) =>
            reject(
                new DevError(
                    `could not start moto (python3 -m moto.server): ${e.message}`,
                    "Install Python 3 and the test requirements: python3 -m pip install -r requirements-dev.txt.",
                ),
            ),
        );
        child.on("exit", (code, signal) =>
            reject(
                new DevError(
                    `moto exited before it was ready (code ${code}, signal ${signal}): ${recent.join(" | ").slice(-600)}`,
                    "Install moto with its server extras: python3 -m pip install -r requirements-dev.txt " +
                        "(it lists moto[server]); a port clash shows above as 'Address already in use'.",
                ),
            ),
        );
    });
    exited.catch(() => undefined);
    const url = `http://127.0.0.1:${port}`;
    const ready = Promise.race([exited, waitForPort(port, 30_000)]).then(() => {
        log.info(`listening on ${url} (pid ${child.pid})`);
    });
    return { child, url, port, ready };
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
        const attempt = () => {
            const socket = net.connect({ host: "127.0.0.1", port });
            socket.once("connect", () => {
                socket.destroy();
                resolve();
            });
            socket.once("error", () => {
                socket.destroy();
                if (Date.now() > deadline) {
                    reject(
                        new DevError(
                            `moto did not open port ${port} within ${timeoutMs / 1000} s`,
                            "Run `python3 -m moto.server -H 127.0.0.1 -p <port>` by hand to see why it does not start.",
                        ),
                    );
                } else setTimeout(attempt, 100);
            });
        };
        attempt();
    });
}

/** Creates the table, stream and bucket; waits until the stream is ACTIVE. */
export async function provision(
    endpoint: AwsEndpoint,
    settings: DevSettings,
    log: Logger = logger("moto"),
): Promise<void> {
    const key = settings.contract.table.partitionKey;
    await awsJson(endpoint, "dynamodb", "CreateTable", {
        TableName: settings.tableName,
        BillingMode: settings.contract.table.billingMode,
        KeySchema: [{ AttributeName: key.name, KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: key.name, AttributeType: key.type }],
    });
    log.info(`table ${settings.tableName} (key ${key.name}:${key.type}, ${settings.contract.table.billingMode})`);

    const capacity = settings.streamCapacity;
    await awsJson(endpoint, "kinesis", "CreateStream", {
        StreamName: settings.streamName,
        ...(capacity.mode === "provisioned"
            ? { ShardCount: capacity.shardCount, StreamModeDetails: { StreamMode: "PROVISIONED" } }
            : { StreamModeDetails: { StreamMode: "ON_DEMAND" } }),
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
        const { StreamDescriptionSummary: summary } = await awsJson(endpoint, "kinesis", "DescribeStreamSummary", {
            StreamName: settings.streamName,
        });
        if (summary.StreamStatus === "ACTIVE") {
            log.info(
                `stream ${settings.streamName} (${capacity.mode === "provisioned" ? `${capacity.shardCount} shard(s)` : "on-demand"}, ` +
                    `${summary.OpenShardCount} open)`,
            );
            break;
        }
        if (Date.now() > deadline)
            throw new DevError(`stream ${settings.streamName} is not ACTIVE after 10 s`, "Restart npm run dev.");
        await new Promise((r) => setTimeout(r, 100));
    }

    // Outside us-east-1 S3 wants the region as the bucket's location constraint.
    const configuration =
        settings.region === "us-east-1"
            ? undefined
            : `<CreateBucketConfiguration><LocationConstraint>${settings.region}</LocationConstraint></CreateBucketConfiguration>`;
    try {
        await s3Request(endpoint, "PUT", `/${settings.processedBucket}`, configuration);
    } catch (e) {
        if (!(e instanceof AwsCallError && e.code === "BucketAlreadyOwnedByYou")) throw e;
    }
    log.info(`bucket ${settings.processedBucket}`);
}

/** The event source mapping's reads of the stream, against moto. */
export function motoKinesisReader(endpoint: AwsEndpoint, streamName: string): KinesisReader {
    return {
        async listShards() {
            const shards: string[] = [];
            let token: string | undefined;
            do {
                const page = await awsJson(
                    endpoint,
                    "kinesis",
                    "ListShards",
                    token ? { NextToken: token } : { StreamName: streamName },
                );
                shards.push(...page.Shards.map((s: { ShardId: string }) => s.ShardId));
                token = page.NextToken;
            } while (token);
            return shards;
        },
        async shardIterator(shardId, position) {
            const { ShardIterator } = await awsJson(endpoint, "kinesis", "GetShardIterator", {
                StreamName: streamName,
                ShardId: shardId,
                ShardIteratorType: position.type,
                ...("sequenceNumber" in position ? { StartingSequenceNumber: position.sequenceNumber } : {}),
            });
            return ShardIterator;
        },
        async getRecords(iterator, limit) {
            const page = await awsJson(endpoint, "kinesis", "GetRecords", { ShardIterator: iterator, Limit: limit });
            return { records: page.Records, nextIterator: page.NextShardIterator ?? null };
        },
    };
}
