/**
 * Tier 3, streaming: the change stream the API publishes to, the consumer that turns each
 * batch into one compressed JSON Lines object in the processed bucket, and the encrypted
 * queue that receives what the consumer gave up on.
 *
 * One streaming key encrypts the stream, the processed bucket, the failure queue and the
 * consumer's environment; the roles that touch them are granted it in their identity
 * policies (producer: GenerateDataKey; consumer: Decrypt + GenerateDataKey).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { KinesisCapacity } from "./config";
import { contract } from "./lib/contract";
import { kmsUseStatement } from "./lib/iam";
import { createStackKey } from "./lib/kms";
import { BUCKET_ROLES, StackNames } from "./lib/naming";
import { attachBucketPolicy, createPrivateBucket, PrivateBucket } from "./lib/private-bucket";
import { createVpcFunction, VpcFunction } from "./lib/vpc-function";

export interface StreamingArgs {
    /** Physical names and the account this stack deploys to. */
    names: StackNames;
    /** Stream capacity (config `kinesisStreamMode` and `kinesisShardCount`). */
    capacity: KinesisCapacity;
    privateSubnetIds: pulumi.Input<string>[];
    /** The consumer's security group (no ingress; HTTPS to S3 only). */
    securityGroupId: pulumi.Input<string>;
    logsKeyArn: pulumi.Input<string>;
    /** Retention of the consumer's log group, in days (config `logRetentionDays`). */
    logRetentionDays: number;
    /** Reserved concurrency of the consumer. Defaults to none (the account's unreserved pool). */
    reservedConcurrency?: number;
    /** Hours the stream keeps records (config `kinesisRetentionHours`). */
    retentionHours: number;
    /** Consumer timeout in seconds; a batch of 100 small records takes well under a second. Defaults to 60. */
    timeoutSeconds?: number;
}

/** What the consumer function reads, writes and reports to. */
interface ConsumerParts {
    streamKey: aws.kms.Key;
    stream: aws.kinesis.Stream;
    processed: PrivateBucket;
    failureQueue: aws.sqs.Queue;
    timeoutSeconds: number;
}

export class Streaming extends pulumi.ComponentResource {
    public readonly streamName: pulumi.Output<string>;
    public readonly streamArn: pulumi.Output<string>;
    public readonly streamKeyArn: pulumi.Output<string>;
    public readonly processedBucketName: pulumi.Output<string>;
    public readonly failureQueueName: pulumi.Output<string>;
    public readonly failureQueueArn: pulumi.Output<string>;
    public readonly consumerFunctionName: pulumi.Output<string>;
    public readonly consumerTimeoutSeconds: number;

    constructor(name: string, args: StreamingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-web-app:streaming:Streaming", name, {}, opts);
        const timeoutSeconds = args.timeoutSeconds ?? 60;
        const streamKey = createStackKey(
            `${name}-key`,
            {
                names: args.names,
                alias: "streaming",
                purpose: "change stream, processed bucket, failure queue, consumer environment",
            },
            { parent: this },
        );
        const stream = this.createStream(name, args, streamKey);
        const processed = this.createProcessedBucket(name, args.names, streamKey);
        const failureQueue = this.createFailureQueue(name, args.names, streamKey);
        const consumer = this.createConsumer(name, args, {
            streamKey,
            stream,
            processed,
            failureQueue,
            timeoutSeconds,
        });
        this.createEventSourceMapping(name, stream, consumer, failureQueue);

        this.streamName = stream.name;
        this.streamArn = stream.arn;
        this.streamKeyArn = streamKey.arn;
        this.processedBucketName = processed.bucket.bucket;
        this.failureQueueName = failureQueue.name;
        this.failureQueueArn = failureQueue.arn;
        this.consumerFunctionName = consumer.fn.name;
        this.consumerTimeoutSeconds = timeoutSeconds;
        this.registerOutputs({
            streamName: this.streamName,
            streamArn: this.streamArn,
            processedBucketName: this.processedBucketName,
            failureQueueArn: this.failureQueueArn,
            consumerFunctionName: this.consumerFunctionName,
        });
    }

    private createStream(name: string, args: StreamingArgs, streamKey: aws.kms.Key): aws.kinesis.Stream {
        const capacity = args.capacity;
        return new aws.kinesis.Stream(
            `${name}-stream`,
            {
                name: args.names.stream,
                ...(capacity.mode === "provisioned"
                    ? { shardCount: capacity.shardCount, streamModeDetails: { streamMode: "PROVISIONED" } }
                    : { streamModeDetails: { streamMode: "ON_DEMAND" } }),
                // A failure-queue entry names a shard and sequence range to replay, which is only
                // useful while the stream still holds those records: 24 h (Kinesis's default, no
                // extended-retention charge) unless config asks for more (168 h replays a weekend).
                retentionPeriod: args.retentionHours,
                encryptionType: "KMS",
                kmsKeyId: streamKey.arn,
            },
            { parent: this },
        );
    }

    private createProcessedBucket(name: string, names: StackNames, streamKey: aws.kms.Key): PrivateBucket {
        const processed = createPrivateBucket(
            `${name}-processed`,
            {
                bucketName: names.bucket(BUCKET_ROLES.processed),
                encryption: streamKey.arn,
                // No storage-class transitions: the processor writes gzip batches of at most 100
                // events (a few KB), and S3 lifecycle transitions skip objects under 128 KB by
                // default (and IA/Glacier IR bill 128 KB minimum each), so they would move nothing.
                noncurrentVersionDays: 30,
            },
            this,
        );
        attachBucketPolicy(`${name}-processed`, processed, [], this);
        return processed;
    }

    /**
     * Where the event source mapping sends a batch it gave up on (a record reference, not the
     * data): kept 14 days, the SQS maximum, for a replay from the stream.
     */
    private createFailureQueue(name: string, names: StackNames, streamKey: aws.kms.Key): aws.sqs.Queue {
        return new aws.sqs.Queue(
            `${name}-failures`,
            {
                name: names.failureQueue,
                messageRetentionSeconds: 1209600,
                kmsMasterKeyId: streamKey.arn,
                kmsDataKeyReusePeriodSeconds: 300,
            },
            { parent: this },
        );
    }

    /** The consumer function: reads the stream, writes the processed bucket, reports failures to the queue. */
    private createConsumer(name: string, args: StreamingArgs, parts: ConsumerParts): VpcFunction {
        const { streamKey, stream, processed, failureQueue } = parts;
        const names = args.names;
        const processedPrefixes = [contract.processed.dataPrefix, contract.processed.errorsPrefix];
        return createVpcFunction(
            `${name}-processor`,
            {
                functionName: names.streamProcessorFunction,
                sourceDir: "stream_processor",
                description: "Writes each batch of item changes as one gzip JSON Lines object",
                region: names.region,
                accountId: names.accountId,
                privateSubnetIds: args.privateSubnetIds,
                securityGroupIds: [args.securityGroupId],
                statements: [
                    {
                        Sid: "ReadChangeStream",
                        Effect: "Allow",
                        Action: [
                            "kinesis:GetRecords",
                            "kinesis:GetShardIterator",
                            "kinesis:DescribeStream",
                            "kinesis:DescribeStreamSummary",
                            "kinesis:ListShards",
                        ],
                        Resource: stream.arn,
                    },
                    {
                        Sid: "WriteProcessedObjects",
                        Effect: "Allow",
                        Action: ["s3:PutObject"],
                        Resource: processedPrefixes.map(
                            (prefix) => pulumi.interpolate`${processed.bucket.arn}/${prefix}*`,
                        ),
                    },
                    {
                        // The event source mapping sends failure records with the function's role.
                        Sid: "SendFailureRecords",
                        Effect: "Allow",
                        Action: ["sqs:SendMessage"],
                        Resource: failureQueue.arn,
                    },
                    // Decrypt: stream records and the environment; GenerateDataKey: S3 objects and queue messages.
                    kmsUseStatement("UseStreamingKey", [streamKey.arn], { decrypt: true, encrypt: true }),
                ],
                environment: { [contract.environment.streamProcessor.processedBucket]: processed.bucket.bucket },
                environmentKeyArn: streamKey.arn,
                logsKeyArn: args.logsKeyArn,
                logRetentionDays: args.logRetentionDays,
                timeoutSeconds: parts.timeoutSeconds,
                memoryMb: 256,
                reservedConcurrency: args.reservedConcurrency,
            },
            this,
        );
    }

    private createEventSourceMapping(
        name: string,
        stream: aws.kinesis.Stream,
        consumer: VpcFunction,
        failureQueue: aws.sqs.Queue,
    ) {
        const esm = contract.eventSourceMapping;
        new aws.lambda.EventSourceMapping(
            `${name}-mapping`,
            {
                eventSourceArn: stream.arn,
                functionName: consumer.fn.arn,
                startingPosition: esm.startingPosition,
                batchSize: esm.batchSize,
                maximumBatchingWindowInSeconds: esm.maximumBatchingWindowInSeconds,
                parallelizationFactor: esm.parallelizationFactor,
                // Partial batch failures: the handler names the first record it could not
                // store, and only the rest of the batch is retried.
                functionResponseTypes: esm.functionResponseTypes,
                bisectBatchOnFunctionError: esm.bisectBatchOnFunctionError,
                maximumRetryAttempts: esm.maximumRetryAttempts,
                maximumRecordAgeInSeconds: esm.maximumRecordAgeInSeconds,
                destinationConfig: { onFailure: { destinationArn: failureQueue.arn } },
            },
            // Creating the mapping checks that the function's role can read the stream and
            // send to the queue: wait for the role's policy.
            { parent: this, dependsOn: [consumer.rolePolicy] },
        );
    }
}
