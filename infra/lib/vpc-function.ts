/**
 * One Python function in the private subnets, with what it needs to be created and to run:
 * its own role (trusted by Lambda only), its inline policy, and its log group made before
 * it (retention and KMS from the start; Lambda would otherwise create an unencrypted group
 * that never expires). The resources become children of the tier component that calls this,
 * so each role sits beside its function.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HANDLER, PYTHON_RUNTIME } from "./contract";
import {
    PolicyStatement,
    assumeRolePolicy,
    functionLogsStatement,
    policyDocument,
    vpcAccessStatements,
    xrayStatement,
} from "./iam";
import { functionCode } from "./lambda-package";
import { StackNames } from "./naming";

export interface VpcFunctionArgs {
    /** Physical function name (the log group is `/aws/lambda/<functionName>`). */
    functionName: string;
    /** Folder under lambdas/. */
    sourceDir: string;
    description: string;
    region: string;
    accountId: pulumi.Input<string>;
    privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The function's own permissions, beyond logs, traces and network interfaces. */
    statements: PolicyStatement[];
    environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Key encrypting the environment variables at rest. */
    environmentKeyArn: pulumi.Input<string>;
    logsKeyArn: pulumi.Input<string>;
    logRetentionDays: number;
    timeoutSeconds: number;
    memoryMb: number;
    /** Reserved concurrency; undefined leaves the function on the account's unreserved pool. */
    reservedConcurrency?: number;
}

export interface VpcFunction {
    role: aws.iam.Role;
    rolePolicy: aws.iam.RolePolicy;
    logGroup: aws.cloudwatch.LogGroup;
    fn: aws.lambda.Function;
}

export function createVpcFunction(name: string, args: VpcFunctionArgs, parent: pulumi.Resource): VpcFunction {
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-logs`,
        {
            name: StackNames.functionLogGroup(args.functionName),
            retentionInDays: args.logRetentionDays,
            kmsKeyId: args.logsKeyArn,
        },
        { parent },
    );
    const role = new aws.iam.Role(
        `${name}-role`,
        {
            description: `Execution role of ${args.functionName}`,
            assumeRolePolicy: assumeRolePolicy(["lambda.amazonaws.com"]),
        },
        { parent },
    );
    const rolePolicy = new aws.iam.RolePolicy(
        `${name}-policy`,
        {
            role: role.id,
            policy: policyDocument([
                functionLogsStatement(logGroup.arn),
                xrayStatement(),
                ...vpcAccessStatements({
                    region: args.region,
                    accountId: args.accountId,
                    subnetIds: args.privateSubnetIds,
                    securityGroupIds: args.securityGroupIds,
                }),
                ...args.statements,
            ]),
        },
        { parent },
    );
    const fn = new aws.lambda.Function(
        `${name}-function`,
        {
            name: args.functionName,
            description: args.description,
            runtime: PYTHON_RUNTIME,
            handler: HANDLER,
            code: functionCode(args.sourceDir, true),
            role: role.arn,
            timeout: args.timeoutSeconds,
            memorySize: args.memoryMb,
            reservedConcurrentExecutions: args.reservedConcurrency,
            vpcConfig: { subnetIds: args.privateSubnetIds, securityGroupIds: args.securityGroupIds },
            tracingConfig: { mode: "Active" },
            environment: { variables: args.environment },
            kmsKeyArn: args.environmentKeyArn,
            // The handlers write their own JSON lines; Lambda passes text through unchanged.
            loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        },
        // Lambda creates the function's network interfaces at create time with the role's
        // permissions, and validates them then: the function must wait for the POLICY, not
        // just the role. The log group first, so the first invocation finds it encrypted.
        { parent, dependsOn: [rolePolicy, logGroup] },
    );
    return { role, rolePolicy, logGroup, fn };
}
