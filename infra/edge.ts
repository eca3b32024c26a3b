/**
 * The Lambda@Edge function of the site's default behaviour: SPA route rewriting on the
 * origin-request event (lambdas/edge). Everything here is created with the us-east-1
 * provider: CloudFront accepts edge functions only from us-east-1, as a numbered version
 * (`publish: true`, referenced by `qualifiedArn`), never $LATEST or an alias.
 *
 * What Lambda@Edge does not allow, and so this function does not have: environment
 * variables, a VPC, layers, reserved or provisioned concurrency, X-Ray active tracing.
 *
 * Logs: an edge function writes to `/aws/lambda/us-east-1.<name>` in the region nearest
 * each edge location that ran it. The program creates that group first in every region of
 * EDGE_LOG_REGIONS, with retention and a key in that region (us-east-1: the frontend's key;
 * elsewhere one key per region, since a log group's key must be in its region), so Lambda
 * never creates one without either; the role may write to those groups and create none.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HANDLER, PYTHON_RUNTIME } from "./lib/contract";
import { createStackKey, logsKeyUser } from "./lib/kms";
import { assumeRolePolicy, policyDocument } from "./lib/iam";
import { functionCode } from "./lib/lambda-package";
import { GLOBAL_REGION, PARTITION, StackNames } from "./lib/naming";

/**
 * Regions an edge function may log in: the commercial regions enabled in every account
 * (CloudFront's regional edge caches, where origin-request functions run, are in these).
 * Opt-in regions are left out; a replica there could not write its logs.
 */
export const EDGE_LOG_REGIONS = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
] as const;

export interface EdgeFunctionArgs {
    names: StackNames;
    /** The us-east-1 provider. */
    globalProvider: aws.Provider;
    /** us-east-1 key for the edge log group (grants logs.us-east-1.amazonaws.com). */
    globalLogsKeyArn: pulumi.Input<string>;
    logRetentionDays: number;
}

export interface EdgeFunction {
    fn: aws.lambda.Function;
    /** `<function arn>:<version>`, what the distribution's behaviour references. */
    qualifiedArn: pulumi.Output<string>;
}

export function createEdgeFunction(name: string, args: EdgeFunctionArgs, parent: pulumi.Resource): EdgeFunction {
    const names = args.names;
    const opts = { parent, provider: args.globalProvider };
    const functionName = names.edgeFunction;
    const edgeLogGroupName = `/aws/lambda/${GLOBAL_REGION}.${functionName}`;

    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-logs`,
        { name: edgeLogGroupName, retentionInDays: args.logRetentionDays, kmsKeyId: args.globalLogsKeyArn },
        opts,
    );
    const regionalLogGroups = EDGE_LOG_REGIONS.filter((r) => r !== GLOBAL_REGION).map((region) => {
        const key = createStackKey(
            `${name}-logs-key-${region}`,
            {
                names,
                alias: "edge-logs",
                purpose: `Lambda@Edge log group in ${region}`,
                users: [logsKeyUser(region, names.accountId)],
                region,
            },
            opts,
        );
        return new aws.cloudwatch.LogGroup(
            `${name}-logs-${region}`,
            { name: edgeLogGroupName, retentionInDays: args.logRetentionDays, kmsKeyId: key.arn, region },
            opts,
        );
    });
    const role = new aws.iam.Role(
        `${name}-role`,
        {
            description: `Execution role of the Lambda@Edge function ${functionName}`,
            // Lambda runs the function in us-east-1; edgelambda runs its replicas at the edge.
            assumeRolePolicy: assumeRolePolicy(["lambda.amazonaws.com", "edgelambda.amazonaws.com"]),
        },
        opts,
    );
    // One ARN per region rather than `logs:*:`: IAM reviewers (and the pack) refuse a wildcard region.
    const edgeLogGroups = EDGE_LOG_REGIONS.map(
        (r) => pulumi.interpolate`arn:${PARTITION}:logs:${r}:${names.accountId}:log-group:${edgeLogGroupName}`,
    );
    const rolePolicy = new aws.iam.RolePolicy(
        `${name}-policy`,
        {
            role: role.id,
            policy: policyDocument([
                {
                    // Replicas log in the region of the edge location, to this one group name; the
                    // groups exist already (above), so the role creates none.
                    Sid: "WriteEdgeLogGroups",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: edgeLogGroups.flatMap((arn) => [arn, pulumi.interpolate`${arn}:*`]),
                },
            ]),
        },
        opts,
    );
    const fn = new aws.lambda.Function(
        `${name}-function`,
        {
            name: functionName,
            description: "SPA route rewriting for the site bucket origin (origin-request)",
            runtime: PYTHON_RUNTIME,
            handler: HANDLER,
            code: functionCode("edge", false),
            role: role.arn,
            publish: true,
            // Origin-request functions may run 30 s; a URI rewrite needs milliseconds.
            timeout: 5,
            memorySize: 128,
        },
        { ...opts, dependsOn: [rolePolicy, logGroup, ...regionalLogGroups] },
    );
    return { fn, qualifiedArn: fn.qualifiedArn };
}
