/**
 * Lambda rules beyond the network: supported runtimes, active tracing, reserved concurrency, and
 * failure handling for stream event sources. Rules that cannot apply to Lambda@Edge (tracing,
 * reserved concurrency) run on the stack so they can recognise edge functions by reason.
 */
import { edgeFunctions } from "../lib/edge";
import { graphOf, NT } from "../lib/graph";
import { bool, isUnknown, num, read, str, UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule, stackRule } from "../lib/rule";

/** Runtimes AWS has deprecated (no security patches); the config may extend the list. */
export const DEPRECATED_RUNTIMES = [
    "python2.7", "python3.6", "python3.7", "python3.8",
    "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x",
    "java8", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet5.0", "dotnet6",
    "ruby2.5", "ruby2.7", "go1.x", "provided",
];

export const lambdaSupportedRuntime = resourceRule<{ deprecatedRuntimes: string[] }>({
    name: "lambda-function-supported-runtime",
    description:
        "Checks that a Lambda function (zip package) does not use a deprecated runtime (configurable list), which no " +
        "longer receives security patches. Container-image functions carry their own runtime and are not judged. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "medium",
    control: fsbp("Lambda.2"),
    remediationSteps: "Set runtime to a supported version (e.g. python3.12, nodejs20.x) and test the handler on it.",
    tags: ["lambda", "patching"],
    preview: "Judges inputs; undecided only when runtime is computed from an unknown value.",
    config: {
        deprecatedRuntimes: {
            type: "array",
            items: { type: "string" },
            default: DEPRECATED_RUNTIMES,
            description: "Runtime identifiers treated as unsupported.",
        },
    },
    resourceTypes: [NT.lambdaFunction],
    check(fn, ctx) {
        if (str(read(fn.props, "packageType")) === "Image") return;
        const runtime = str(read(fn.props, "runtime"));
        if (runtime === UNKNOWN) return ctx.undecided(fn, "runtime");
        if (runtime === undefined) return;
        if ((ctx.config.deprecatedRuntimes ?? DEPRECATED_RUNTIMES).includes(runtime)) {
            ctx.report(fn, `must use a supported runtime: runtime '${runtime}' is deprecated; move to a current version`);
        }
    },
});

export const lambdaTracingActive = stackRule({
    name: "lambda-function-tracing-active",
    description:
        "Checks that every Lambda function has tracingConfig.mode 'Active', so X-Ray samples its invocations and the " +
        "calls it makes. Lambda@Edge functions are not judged: they do not support X-Ray active tracing. Advisory: " +
        "tracing is observability, not a control on access.",
    enforcementLevel: "advisory",
    severity: "low",
    control: fsbp("Lambda.7"),
    remediationSteps: "Set tracingConfig: { mode: \"Active\" } and allow xray:PutTraceSegments in the role.",
    tags: ["lambda", "observability"],
    check(stack, ctx) {
        const g = graphOf(stack);
        const edge = edgeFunctions(g);
        for (const fn of g.ofType(NT.lambdaFunction)) {
            if (edge.has(fn.urn)) continue; // Lambda@Edge: X-Ray active tracing is not supported
            const mode = str(read(fn.props, "tracingConfig", "mode")) ?? str(read(fn.props, "tracingConfig", 0, "mode"));
            if (mode === UNKNOWN) ctx.undecided(fn, "tracingConfig.mode");
            else if (mode !== "Active") ctx.report(fn, "must trace invocations: set tracingConfig.mode to \"Active\"");
        }
    },
});

export const lambdaReservedConcurrency = stackRule({
    name: "lambda-function-reserved-concurrency",
    description:
        "Checks that every Lambda function sets reservedConcurrentExecutions (0 or more), so a flood on one function " +
        "cannot exhaust the account's concurrency for the others, and one function's cost is bounded. Lambda@Edge " +
        "functions are not judged: they support neither reserved nor provisioned concurrency. Advisory: the right " +
        "number depends on load.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps: "Set reservedConcurrentExecutions to the function's expected peak (the API's throttling limit bounds it).",
    tags: ["lambda", "availability", "cost"],
    check(stack, ctx) {
        const g = graphOf(stack);
        const edge = edgeFunctions(g);
        for (const fn of g.ofType(NT.lambdaFunction)) {
            if (edge.has(fn.urn)) continue; // Lambda@Edge: reserved concurrency is not supported
            const reserved = num(read(fn.props, "reservedConcurrentExecutions"));
            if (reserved === UNKNOWN) ctx.undecided(fn, "reservedConcurrentExecutions");
            else if (reserved === undefined || reserved < 0) {
                ctx.report(fn, "must reserve concurrency: set reservedConcurrentExecutions to the function's expected peak");
            }
        }
    },
});

/** True for the ARN of a Kinesis stream or a DynamoDB stream (the sources with shards and retries). */
export function isStreamSource(arn: string): boolean {
    return /^arn:[^:]+:kinesis:/.test(arn) || /^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/[^/]+\/stream\//.test(arn);
}

export const eventSourceFailureHandling = resourceRule<{ maximumRetryAttempts: number }>({
    name: "lambda-event-source-mapping-failure-handling",
    description:
        "Checks that an event source mapping reading a Kinesis or DynamoDB stream sends failed batches to an on-failure " +
        "destination (destinationConfig.onFailure.destinationArn), bisects failing batches, and bounds retries " +
        "(maximumRetryAttempts set, not -1, at most the configured maximum): otherwise one poison record blocks its " +
        "shard until the record expires and is then lost silently. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
        "Set destinationConfig: { onFailure: { destinationArn: queueOrTopicArn } }, bisectBatchOnFunctionError: true " +
        "and maximumRetryAttempts (e.g. 3).",
    tags: ["lambda", "kinesis", "dynamodb", "resilience"],
    preview: "Undecided while eventSourceArn is unknown (the stream is new): whether it is a stream cannot be told.",
    config: {
        maximumRetryAttempts: { type: "integer", minimum: 0, maximum: 10000, default: 10, description: "Largest retry count accepted." },
    },
    resourceTypes: [NT.eventSourceMapping],
    check(mapping, ctx) {
        const source = str(read(mapping.props, "eventSourceArn"));
        if (source === UNKNOWN) return ctx.undecided(mapping, "eventSourceArn");
        if (typeof source !== "string" || !isStreamSource(source)) return;
        const problems: string[] = [];
        const destination = read(mapping.props, "destinationConfig", "onFailure", "destinationArn") ??
            read(mapping.props, "destinationConfig", 0, "onFailure", 0, "destinationArn");
        if (isUnknown(destination)) ctx.undecided(mapping, "destinationConfig.onFailure.destinationArn");
        else if (typeof destination !== "string" || destination === "") {
            problems.push("set destinationConfig.onFailure.destinationArn to an SQS queue or SNS topic");
        }
        const bisect = bool(read(mapping.props, "bisectBatchOnFunctionError"));
        if (bisect === UNKNOWN) ctx.undecided(mapping, "bisectBatchOnFunctionError");
        else if (bisect !== true) problems.push("set bisectBatchOnFunctionError: true");
        const retries = num(read(mapping.props, "maximumRetryAttempts"));
        const max = ctx.config.maximumRetryAttempts ?? 10;
        if (retries === UNKNOWN) ctx.undecided(mapping, "maximumRetryAttempts");
        else if (retries === undefined || retries < 0 || retries > max) {
            problems.push(`set maximumRetryAttempts between 0 and ${max} (it is ${retries ?? "unset, i.e. infinite"})`);
        }
        if (problems.length) ctx.report(mapping, `must handle failed stream batches: ${problems.join("; ")}`);
    },
});

export const rules: Rule[] = [lambdaSupportedRuntime, lambdaTracingActive, lambdaReservedConcurrency, eventSourceFailureHandling];
