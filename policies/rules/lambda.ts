/**
 * Lambda rules: the two front doors that bypass the API's controls (function URLs without auth,
 * permissions open to `*` or to a service without a source), encrypted environments, placement in
 * private subnets over two AZs (network facts from lib/network.ts), supported runtimes, active
 * tracing, reserved concurrency, failure handling for stream event sources, and the Errors and
 * iterator-age alarms (lib/alarms.ts). Rules that cannot apply to Lambda@Edge run on the stack and
 * judge only regional functions (lib/edge.ts), recognising edge functions by reason.
 */
import { requireAlarm } from "../lib/alarms";
import { regionalFunctions } from "../lib/edge";
import { functionPlacement, idOf, networkOf } from "../lib/network";
import type { StackIndex } from "../lib/stack";
import { arnPinsAccount } from "../lib/iam";
import { bool, isSet, isUnknown, num, read, str, PACK_UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule, RuleContext, StackResource, stackRule, stringListOption } from "../lib/rule";
import { AWS_TYPES } from "../lib/types";

export const lambdaFunctionUrlAuthRequired = resourceRule({
    name: "lambda-function-url-auth-required",
    description:
        "Checks that no Lambda function URL uses `authorizationType: NONE`, which exposes the function to the internet beside the API's WAF, throttling and authorisation.",
    enforcementLevel: "mandatory",
    severity: "critical",
    constraint: "s3-never-public",
    control: fsbp("Lambda.1"),
    remediationSteps:
        'Set `authorizationType: "AWS_IAM"`, or remove the function URL and reach the function through API Gateway.',
    tags: ["lambda", "public-access"],
    preview: "An unknown authorizationType is undecided.",
    resourceTypes: [AWS_TYPES.lambdaFunctionUrl],
    check(r, ctx) {
        const auth = str(r.props.authorizationType);
        if (auth === PACK_UNKNOWN) return ctx.undecided(r, "authorizationType");
        if (typeof auth === "string" && auth.trim().toUpperCase() === "NONE") {
            ctx.report(
                r,
                "must require IAM authorisation (authorizationType is NONE): set authorizationType to AWS_IAM",
            );
        }
    },
});

/** True for an AWS service principal (`s3.amazonaws.com`, `logs.us-west-2.amazonaws.com`, China's `.com.cn`). */
export function isServicePrincipal(principal: string): boolean {
    return /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/i.test(principal.trim());
}

export const lambdaPermissionSourceRestricted = resourceRule({
    name: "lambda-permission-source-restricted",
    description:
        "Checks that no lambda.Permission lets principal `*`, or a service principal (s3.amazonaws.com, sns.amazonaws.com ...), invoke the function without sourceArn, sourceAccount or principalOrgId, and that a known sourceArn names one account's resources (not `arn:aws:s3:::*` or an ARN whose account is a wildcard): a public resource policy bypasses the API's controls, and a service principal without a source lets any account's bucket or topic invoke the function.",
    enforcementLevel: "mandatory",
    severity: "critical",
    constraint: "s3-never-public",
    control: fsbp("Lambda.1"),
    remediationSteps:
        "Name the calling service as principal (e.g. `apigateway.amazonaws.com`) and set `sourceArn` to the caller (e.g. `${api.executionArn}/*/*`, the bucket's ARN) and, for S3, `sourceAccount` to this account.",
    tags: ["lambda", "public-access"],
    rationale:
        "AWS Config's lambda-function-public-access-prohibited (behind Lambda.1) fails a function invoked by Amazon S3 whose policy has no condition such as AWS:SourceAccount: bucket notifications of any account could invoke it (the cross-service confused deputy).",
    preview:
        "An unknown principal is undecided; unknown source fields count as set (they will hold the caller's ARN or account, an output of the stack).",
    resourceTypes: [AWS_TYPES.lambdaPermission],
    check(r, ctx) {
        const principal = str(r.props.principal);
        if (principal === PACK_UNKNOWN) return ctx.undecided(r, "principal");
        if (typeof principal !== "string") return;
        const open = principal.includes("*");
        if (!open && !isServicePrincipal(principal)) return; // an account or role: named, not public
        const sourceArn = str(r.props.sourceArn);
        const pinned = ["sourceArn", "sourceAccount", "principalOrgId"].some(
            (k) => isUnknown(r.props[k]) || isSet(r.props[k]),
        );
        const who = open ? `principal "${principal}"` : `service principal "${principal}"`;
        if (!pinned) {
            return ctx.report(
                r,
                `must not allow ${who} without a source condition (sourceArn, sourceAccount or principalOrgId): set sourceArn to the calling resource's ARN` +
                    (open ? " and name the calling service" : " (and sourceAccount to this account)"),
            );
        }
        // A sourceArn of any account pins nothing unless another field does.
        const otherPin = ["sourceAccount", "principalOrgId"].some((k) => isUnknown(r.props[k]) || isSet(r.props[k]));
        if (typeof sourceArn === "string" && sourceArn !== "" && !otherPin && !arnPinsAccount(sourceArn)) {
            ctx.report(
                r,
                `must not allow ${who} from a sourceArn of any account (sourceArn "${sourceArn}"): name the calling resource's ARN with this account's id, or set sourceAccount`,
            );
            return;
        }
        // S3 ARNs carry no account and bucket names are global: a deleted bucket's name can be
        // taken by another account, whose notifications would then match sourceArn. Lambda.1's
        // Config rule asks for AWS:SourceAccount on S3 sources for that reason.
        if (
            principal === "s3.amazonaws.com" &&
            !["sourceAccount", "principalOrgId"].some((k) => isUnknown(r.props[k]) || isSet(r.props[k]))
        ) {
            ctx.report(
                r,
                `must name the bucket's account for service principal "s3.amazonaws.com" (sourceAccount unset): bucket names are global, so sourceArn alone can match another account's bucket; set sourceAccount to this account`,
            );
        }
    },
});

export const lambdaEnvironmentEncrypted = resourceRule({
    name: "lambda-function-environment-encrypted",
    description:
        "Checks that every Lambda function with environment variables encrypts them with a customer-managed KMS key (kmsKeyArn set).",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    remediationSteps: "Set `kmsKeyArn` to a customer-managed key the function's role may decrypt with.",
    tags: ["lambda", "encryption"],
    rationale: "Lambda@Edge functions cannot have environment variables, so this rule never applies to them.",
    preview: "Unknown variables are undecided; an unknown kmsKeyArn counts as set.",
    resourceTypes: [AWS_TYPES.lambdaFunction],
    check(r, ctx) {
        const variables = read(r.props, "environment", "variables");
        if (isUnknown(variables)) return ctx.undecided(r, "environment.variables");
        if (!variables || typeof variables !== "object" || Object.keys(variables).length === 0) return;
        if (!isUnknown(r.props.kmsKeyArn) && !isSet(r.props.kmsKeyArn)) {
            ctx.report(
                r,
                "must encrypt its environment variables with a customer-managed key (environment.variables set, kmsKeyArn unset): set kmsKeyArn",
            );
        }
    },
});

interface PrivateSubnetsConfig {
    trustedSubnetIds: string[];
}

export const lambdaInPrivateSubnets = stackRule<PrivateSubnetsConfig>({
    name: "lambda-function-in-private-subnets",
    description:
        "Checks that every Lambda function runs in a VPC (vpcConfig with subnets and security groups) and that every " +
        "one of its subnets is private: no public IP on launch and no route to an internet (or carrier) gateway in its " +
        "effective route table — the explicitly associated table, else the VPC's main table — counting inline routes, " +
        "aws.ec2.Route resources, IPv4 and IPv6. An egress-only internet gateway (IPv6, outbound only) and NAT " +
        "gateways are fine. Lambda@Edge functions are not judged: they cannot be attached to a VPC. Mandatory: a " +
        "function in a public subnet has no internet path at all (Lambda ENIs get no public IP) and signals a broken " +
        "network design.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "lambdas-in-private-subnets",
    control: fsbp("Lambda.3"),
    remediationSteps:
        "Set vpcConfig.subnetIds to private subnets (route table without a 0.0.0.0/0 or ::/0 route to an igw-) and " +
        "vpcConfig.securityGroupIds; reach AWS services through VPC endpoints and the internet through a NAT gateway.",
    tags: ["lambda", "network"],
    rationale:
        "Functions in private subnets reach data stores through endpoints only and are invisible from the internet.",
    preview:
        "Decides at preview through property dependencies when ids are unknown; a function whose subnets or routes " +
        "cannot be tied to resources is reported undecided. A subnet outside the stack cannot be verified: list it in " +
        "trustedSubnetIds (or exempt the function with a reason).",
    config: {
        trustedSubnetIds: stringListOption(
            "Subnet ids outside this stack that were reviewed as private (e.g. a shared network stack's).",
        ),
    },
    check(stack, ctx) {
        const index = stack.index;
        // Lambda@Edge functions are skipped: they cannot be attached to a VPC
        for (const fn of regionalFunctions(index)) {
            ctx.guard(fn, () => checkPrivateSubnets(index, fn, ctx));
        }
    },
});

function checkPrivateSubnets(index: StackIndex, fn: StackResource, ctx: RuleContext<PrivateSubnetsConfig>): void {
    const placement = functionPlacement(index, fn);
    if (placement.kind === "unknown") return ctx.undecided(fn, placement.what);
    if (placement.kind === "none") {
        return ctx.report(
            fn,
            "must run in private subnets: set vpcConfig.subnetIds (private subnets in at least two AZs) and vpcConfig.securityGroupIds",
        );
    }
    if (placement.securityGroups === PACK_UNKNOWN) ctx.undecided(fn, "vpcConfig.securityGroupIds");
    else if (placement.securityGroups.length === 0) {
        ctx.report(fn, "must have security groups: set vpcConfig.securityGroupIds to groups without public ingress");
    }
    const trusted = new Set(ctx.config.trustedSubnetIds ?? []);
    for (const id of placement.external) {
        if (trusted.has(id)) continue;
        ctx.report(
            fn,
            `must run in subnets whose routes can be verified: vpcConfig.subnetIds names '${id}', which is not in this ` +
                "stack; add it to this rule's trustedSubnetIds once reviewed as private, or use the stack's private subnets",
        );
    }
    for (const subnet of placement.subnets) {
        const privacy = networkOf(index).subnetPrivacy(subnet);
        if (privacy.status === "undecided") ctx.undecided(fn, privacy.reason);
        else if (privacy.status === "public") {
            ctx.report(
                fn,
                `must run in private subnets: vpcConfig.subnetIds includes subnet '${subnet.name}', which is public ` +
                    `(${privacy.reasons.join("; ")}); use a subnet whose route table sends 0.0.0.0/0 to a NAT gateway or nowhere`,
            );
        } else if (privacy.status === "external") {
            const id = idOf(subnet);
            if (typeof id === "string" && trusted.has(id)) continue;
            ctx.report(
                fn,
                `must run in subnets whose routes can be verified: ${privacy.reason}; associate the subnet with a route ` +
                    "table in the stack (aws.ec2.RouteTableAssociation) or list it in trustedSubnetIds",
            );
        }
    }
}

interface MultiAzConfig {
    minimumAvailabilityZones: number;
}

export const lambdaMultiAz = stackRule<MultiAzConfig>({
    name: "lambda-function-subnets-multi-az",
    description:
        "Checks that every VPC-attached Lambda function has subnets in at least two Availability Zones (configurable), " +
        "so one AZ's outage does not stop it. Lambda@Edge functions are not judged (no VPC). Mandatory: part of the " +
        "'Lambdas sit in private subnets' constraint.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "lambdas-in-private-subnets",
    control: fsbp("Lambda.5"),
    remediationSteps: "Add a private subnet in another Availability Zone to vpcConfig.subnetIds.",
    tags: ["lambda", "network", "resilience"],
    preview: "Undecided while a subnet's availabilityZone is unknown (it is an input, so usually known).",
    config: {
        minimumAvailabilityZones: { type: "integer", minimum: 1, default: 2, description: "Distinct AZs required." },
    },
    check(stack, ctx) {
        const index = stack.index;
        const minimum = ctx.config.minimumAvailabilityZones ?? 2;
        for (const fn of regionalFunctions(index)) {
            ctx.guard(fn, () => {
                const placement = functionPlacement(index, fn);
                if (placement.kind === "unknown") return ctx.undecided(fn, placement.what);
                if (placement.kind === "none") return; // lambda-function-in-private-subnets reports it
                const zones = new Set<string>();
                for (const subnet of placement.subnets) {
                    const az =
                        str(read(subnet.props, "availabilityZone")) ?? str(read(subnet.props, "availabilityZoneId"));
                    if (az === PACK_UNKNOWN) return ctx.undecided(fn, `availabilityZone of subnet '${subnet.name}'`);
                    if (typeof az === "string") zones.add(az);
                }
                if (zones.size + placement.external.length < minimum) {
                    ctx.report(
                        fn,
                        `must have subnets in at least ${minimum} Availability Zones: vpcConfig.subnetIds spans ` +
                            `${zones.size} (${[...zones].join(", ") || "none known"}); add a private subnet in another AZ`,
                    );
                }
            });
        }
    },
});

/** Runtimes AWS has deprecated (no security patches); the config may extend the list. */
export const DEPRECATED_RUNTIMES = [
    "python2.7",
    "python3.6",
    "python3.7",
    "python3.8",
    "nodejs",
    "nodejs4.3",
    "nodejs4.3-edge",
    "nodejs6.10",
    "nodejs8.10",
    "nodejs10.x",
    "nodejs12.x",
    "nodejs14.x",
    "nodejs16.x",
    "java8",
    "dotnetcore1.0",
    "dotnetcore2.0",
    "dotnetcore2.1",
    "dotnetcore3.1",
    "dotnet5.0",
    "dotnet6",
    "ruby2.5",
    "ruby2.7",
    "go1.x",
    "provided",
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
        deprecatedRuntimes: stringListOption("Runtime identifiers treated as unsupported.", DEPRECATED_RUNTIMES),
    },
    resourceTypes: [AWS_TYPES.lambdaFunction],
    check(fn, ctx) {
        if (str(read(fn.props, "packageType")) === "Image") return;
        const runtime = str(read(fn.props, "runtime"));
        if (runtime === PACK_UNKNOWN) return ctx.undecided(fn, "runtime");
        if (runtime === undefined) return;
        if ((ctx.config.deprecatedRuntimes ?? DEPRECATED_RUNTIMES).includes(runtime)) {
            ctx.report(
                fn,
                `must use a supported runtime: runtime '${runtime}' is deprecated; move to a current version`,
            );
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
    remediationSteps: 'Set tracingConfig: { mode: "Active" } and allow xray:PutTraceSegments in the role.',
    tags: ["lambda", "observability"],
    check(stack, ctx) {
        const index = stack.index;
        // Lambda@Edge functions are skipped: X-Ray active tracing is not supported
        for (const fn of regionalFunctions(index)) {
            const mode =
                str(read(fn.props, "tracingConfig", "mode")) ?? str(read(fn.props, "tracingConfig", 0, "mode"));
            if (mode === PACK_UNKNOWN) ctx.undecided(fn, "tracingConfig.mode");
            else if (mode !== "Active") ctx.report(fn, 'must trace invocations: set tracingConfig.mode to "Active"');
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
    remediationSteps:
        "Set reservedConcurrentExecutions to the function's expected peak (the API's throttling limit bounds it).",
    tags: ["lambda", "availability", "cost"],
    check(stack, ctx) {
        const index = stack.index;
        // Lambda@Edge functions are skipped: reserved concurrency is not supported
        for (const fn of regionalFunctions(index)) {
            const reserved = num(read(fn.props, "reservedConcurrentExecutions"));
            if (reserved === PACK_UNKNOWN) ctx.undecided(fn, "reservedConcurrentExecutions");
            else if (reserved === undefined || reserved < 0) {
                ctx.report(
                    fn,
                    "must reserve concurrency: set reservedConcurrentExecutions to the function's expected peak",
                );
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
        maximumRetryAttempts: {
            type: "integer",
            minimum: 0,
            maximum: 10000,
            default: 10,
            description: "Largest retry count accepted.",
        },
    },
    resourceTypes: [AWS_TYPES.eventSourceMapping],
    check(mapping, ctx) {
        const source = str(read(mapping.props, "eventSourceArn"));
        if (source === PACK_UNKNOWN) return ctx.undecided(mapping, "eventSourceArn");
        if (typeof source !== "string" || !isStreamSource(source)) return;
        const problems: string[] = [];
        const destination =
            read(mapping.props, "destinationConfig", "onFailure", "destinationArn") ??
            read(mapping.props, "destinationConfig", 0, "onFailure", 0, "destinationArn");
        if (isUnknown(destination)) ctx.undecided(mapping, "destinationConfig.onFailure.destinationArn");
        else if (typeof destination !== "string" || destination === "") {
            problems.push("set destinationConfig.onFailure.destinationArn to an SQS queue or SNS topic");
        }
        const bisect = bool(read(mapping.props, "bisectBatchOnFunctionError"));
        if (bisect === PACK_UNKNOWN) ctx.undecided(mapping, "bisectBatchOnFunctionError");
        else if (bisect !== true) problems.push("set bisectBatchOnFunctionError: true");
        const retries = num(read(mapping.props, "maximumRetryAttempts"));
        const max = ctx.config.maximumRetryAttempts ?? 10;
        if (retries === PACK_UNKNOWN) ctx.undecided(mapping, "maximumRetryAttempts");
        else if (retries === undefined || retries < 0 || retries > max) {
            problems.push(`set maximumRetryAttempts between 0 and ${max} (it is ${retries ?? "unset, i.e. infinite"})`);
        }
        if (problems.length) ctx.report(mapping, `must handle failed stream batches: ${problems.join("; ")}`);
    },
});

export const lambdaErrorsAlarm = stackRule({
    name: "lambda-function-errors-alarm",
    description:
        "Checks that every Lambda function has a CloudWatch alarm on AWS/Lambda Errors with dimension FunctionName set " +
        "to it, whose alarmActions include an SNS topic of the stack that has a subscription (an alarm nobody receives " +
        "is not monitoring). Lambda@Edge functions are not judged: their metrics and logs are in the regions where they " +
        "ran, not the stack's. Mandatory (monitoring tier).",
    enforcementLevel: "mandatory",
    severity: "medium",
    control: fsbp("CloudWatch.15"),
    remediationSteps:
        "Add an aws.cloudwatch.MetricAlarm (namespace AWS/Lambda, metricName Errors, dimensions { FunctionName: fn.name }, " +
        "alarmActions [topic.arn]) and an aws.sns.TopicSubscription on the topic.",
    tags: ["lambda", "monitoring", "cloudwatch"],
    preview: "Alarm dimensions unknown at preview are tied to the function through property dependencies.",
    check(stack, ctx) {
        const index = stack.index;
        // Lambda@Edge functions are skipped: metrics live in the edge regions
        for (const fn of regionalFunctions(index)) {
            ctx.guard(fn, () =>
                requireAlarm(
                    index,
                    ctx,
                    fn,
                    [],
                    ["AWS/Lambda|Errors"],
                    [read(fn.props, "name"), read(fn.props, "functionName")],
                    "an Errors alarm",
                    "add an aws.cloudwatch.MetricAlarm on AWS/Lambda Errors with dimensions.FunctionName set to the function's name",
                ),
            );
        }
    },
});

export const streamConsumerIteratorAgeAlarm = stackRule({
    name: "lambda-stream-consumer-iterator-age-alarm",
    description:
        "Checks that every event source mapping reading a Kinesis stream has an iterator-age alarm — AWS/Lambda " +
        "IteratorAge for the consuming function, or AWS/Kinesis GetRecords.IteratorAgeMilliseconds for the stream — " +
        "notifying a subscribed SNS topic, so a consumer falling behind is seen before records expire. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
        "Add an aws.cloudwatch.MetricAlarm on AWS/Lambda IteratorAge (dimensions { FunctionName }) with a threshold well " +
        "below the stream's retention, alarmActions [topic.arn].",
    tags: ["lambda", "kinesis", "monitoring"],
    check(stack, ctx) {
        const index = stack.index;
        for (const mapping of index.ofType(AWS_TYPES.eventSourceMapping)) {
            ctx.guard(mapping, () => {
                const source = index.referenceIn(
                    mapping,
                    "eventSourceArn",
                    read(mapping.props, "eventSourceArn"),
                    AWS_TYPES.kinesisStream,
                );
                if (source === PACK_UNKNOWN) return ctx.undecided(mapping, "eventSourceArn");
                const isKinesis =
                    (source && typeof source === "object") ||
                    (typeof source === "string" && /^arn:[^:]+:kinesis:/.test(source));
                if (!isKinesis) return;
                const fn = index.referenceIn(
                    mapping,
                    "functionName",
                    read(mapping.props, "functionName"),
                    AWS_TYPES.lambdaFunction,
                );
                const fnValues = fn && typeof fn === "object" ? [read(fn.props, "name"), read(fn.props, "arn")] : [fn];
                const streamValues = source && typeof source === "object" ? [read(source.props, "name")] : [];
                const subject = fn && typeof fn === "object" ? fn : mapping;
                const deps = source && typeof source === "object" ? [source] : [];
                requireAlarm(
                    index,
                    ctx,
                    subject,
                    deps,
                    ["AWS/Lambda|IteratorAge", "AWS/Kinesis|GetRecords.IteratorAgeMilliseconds"],
                    [...fnValues, ...streamValues],
                    "an iterator-age alarm",
                    "add an aws.cloudwatch.MetricAlarm on AWS/Lambda IteratorAge (FunctionName) or AWS/Kinesis GetRecords.IteratorAgeMilliseconds (StreamName)",
                );
            });
        }
    },
});

export const rules: Rule[] = [
    lambdaFunctionUrlAuthRequired,
    lambdaPermissionSourceRestricted,
    lambdaEnvironmentEncrypted,
    lambdaInPrivateSubnets,
    lambdaMultiAz,
    lambdaSupportedRuntime,
    lambdaTracingActive,
    lambdaReservedConcurrency,
    eventSourceFailureHandling,
    lambdaErrorsAlarm,
    streamConsumerIteratorAgeAlarm,
];
