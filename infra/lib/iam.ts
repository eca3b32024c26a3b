/**
 * IAM policy document builders. Every action is spelled out (no `*` and no `service:Get*`):
 * the policy pack expands wildcards with the AWS action catalogue and rejects them, and a
 * reviewer should read what a role can do without a catalogue at hand. `Resource: "*"` is
 * used only for actions that have no resource type (X-Ray writes, ec2:Describe*).
 */
import * as pulumi from "@pulumi/pulumi";
import { PARTITION } from "./naming";

export type Principal = "*" | { Service: string | string[] } | { AWS: pulumi.Input<string> | pulumi.Input<string>[] };

export type Condition = Record<string, Record<string, pulumi.Input<string> | pulumi.Input<string>[] | boolean>>;

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Principal;
    Action: string | string[];
    Resource: pulumi.Input<string> | pulumi.Input<pulumi.Input<string>[]>;
    Condition?: Condition;
}

/** A policy document as the JSON string IAM, KMS, S3, SNS, SQS and Secrets Manager expect. */
export function policyDocument(statements: PolicyStatement[]): pulumi.Output<string> {
    return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}

/** A trust policy letting the given AWS services assume the role. */
export function assumeRolePolicy(services: string[], condition?: Condition): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: services.length === 1 ? services[0] : services },
                Action: "sts:AssumeRole",
                ...(condition ? { Condition: condition } : {}),
            },
        ],
    });
}

/** Writing to the function's own log group (Lambda creates the streams; the program creates the group). */
export function functionLogsStatement(logGroupArn: pulumi.Input<string>): PolicyStatement {
    return {
        Sid: "WriteOwnLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: pulumi.interpolate`${logGroupArn}:*`,
    };
}

/** Active tracing: the X-Ray write actions have no resource type, so `*` is the only scope IAM offers. */
export function xrayStatement(): PolicyStatement {
    return {
        Sid: "WriteTraces",
        Effect: "Allow",
        Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        Resource: "*",
    };
}

export interface VpcAccessArgs {
    region: string;
    accountId: pulumi.Input<string>;
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * The network-interface permissions Lambda uses, with the function's execution role, to
 * attach a function to a VPC (the actions of the AWSLambdaVPCAccessExecutionRole managed
 * policy). CreateNetworkInterface is scoped to the network-interface, subnet and
 * security-group resources it touches. Delete/Assign/Unassign take the form the Lambda
 * developer guide gives ("Giving Lambda functions access to resources in an Amazon VPC",
 * docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html, awsdocs/aws-lambda-developer-guide
 * doc_source/configuration-vpc.md): "If you don't specify a resource ID for
 * DeleteNetworkInterface in the execution role, your function may not be able to access the
 * VPC. Either specify a unique resource ID, or include all resource IDs, for example,
 * "Resource": "arn:aws:ec2:us-west-2:123456789012:*\/*"". Lambda's Hyperplane interfaces have
 * no id before they exist, so this account's EC2 resources in the function's region are the
 * narrowest scope it documents (terraform-provider-aws#20698 shows creation failing with
 * `network-interface/*`). The Describe actions have no resource type and take `*`.
 */
export function vpcAccessStatements(args: VpcAccessArgs): PolicyStatement[] {
    const ec2Arn = (kind: string, id: pulumi.Input<string>) =>
        pulumi.interpolate`arn:${PARTITION}:ec2:${args.region}:${args.accountId}:${kind}/${id}`;
    const networkInterfaces = ec2Arn("network-interface", "*");
    const subnets = pulumi.output(args.subnetIds).apply((ids) => pulumi.all(ids.map((id) => ec2Arn("subnet", id))));
    const groups = pulumi
        .output(args.securityGroupIds)
        .apply((ids) => pulumi.all(ids.map((id) => ec2Arn("security-group", id))));
    return [
        {
            Sid: "CreateFunctionNetworkInterfaces",
            Effect: "Allow",
            Action: ["ec2:CreateNetworkInterface"],
            Resource: pulumi.all([networkInterfaces, subnets, groups]).apply(([n, s, g]) => [n, ...s, ...g]),
        },
        {
            Sid: "ManageFunctionNetworkInterfaces",
            Effect: "Allow",
            Action: ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
            Resource: ec2Arn("*", "*"),
        },
        {
            Sid: "DescribeNetwork",
            Effect: "Allow",
            Action: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
            Resource: "*",
        },
    ];
}

/** KMS use by an identity policy, for the keys a role reads (`decrypt`) or writes with (`encrypt`). */
export function kmsUseStatement(
    sid: string,
    keyArns: pulumi.Input<string>[],
    use: { decrypt?: boolean; encrypt?: boolean },
): PolicyStatement {
    const actions = [
        ...(use.decrypt ? ["kms:Decrypt"] : []),
        ...(use.encrypt ? ["kms:GenerateDataKey"] : []),
        "kms:DescribeKey",
    ];
    return {
        Sid: sid,
        Effect: "Allow",
        Action: actions,
        Resource: keyArns,
    };
}
