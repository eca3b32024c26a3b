/**
 * Mistakes against "IAM has no wildcards" (constraint no-iam-wildcards): wildcard actions and
 * resources, NotAction, unknown actions, open trust policies and broad AWS-managed attachments
 * — in the program's RolePolicy documents, in a role's inline policies, in a customer-managed
 * Policy, and as attachments.
 */
import type * as aws from "@pulumi/aws";
import type { Mutation } from "../types";
import { C, urn } from "../types";
import { editDocument, editStatement, P, without } from "./program";
import { AWS_TYPES } from "../../../policies/lib/types";

const family = "iam" as const;

/**
 * A mutation that attaches the AWS-managed policy `policyArn` to the program's role `role` by a
 * RolePolicyAttachment `name` (under `tier`): iam-managed-policy-not-broad must name that
 * attachment, at mandatory level.
 */
function attachesManagedPolicy(
    mistake: Pick<Mutation, "id" | "description">,
    at: { tier: "api" | "streaming"; role: string; name: string },
    policyArn: string,
): Mutation {
    return {
        id: mistake.id,
        family,
        description: mistake.description,
        form: "RolePolicyAttachment",
        alternate: true,
        rule: "iam-managed-policy-not-broad",
        level: "mandatory",
        resource: urn(C[at.tier], AWS_TYPES.iamRolePolicyAttachment, at.name),
        kind: "add",
        add: ({ aws, resource }) => {
            new aws.iam.RolePolicyAttachment(
                at.name,
                { role: resource<aws.iam.Role>(at.role).name, policyArn },
                { parent: resource(at.tier) },
            );
        },
    };
}

export const mutations: Mutation[] = [
    {
        id: "iam-dynamodb-star",
        family,
        description: 'API role\'s table statement widened to dynamodb:* ("it needs BatchWriteItem now")',
        form: "RolePolicy",
        alternate: true,
        rule: "iam-policy-no-wildcard-actions",
        level: "mandatory",
        resource: P.apiRolePolicy,
        kind: "modify",
        target: { type: AWS_TYPES.iamRolePolicy, name: "api-handler-policy" },
        modify: (props, ctx) => editStatement(ctx, props, "ReadWriteItems", (s) => ({ ...s, Action: "dynamodb:*" })),
    },
    {
        id: "iam-s3-put-star",
        family,
        description: 'Stream processor\'s write statement as s3:Put* ("PutObjectTagging too")',
        form: "RolePolicy",
        alternate: true,
        rule: "iam-policy-no-wildcard-actions",
        level: "mandatory",
        resource: P.processorRolePolicy,
        kind: "modify",
        target: { type: AWS_TYPES.iamRolePolicy, name: "streaming-processor-policy" },
        modify: (props, ctx) =>
            editStatement(ctx, props, "WriteProcessedObjects", (s) => ({ ...s, Action: ["s3:Put*"] })),
    },
    {
        id: "iam-putobject-resource-star",
        family,
        description: 's3:PutObject granted on Resource "*" instead of the processed bucket\'s prefixes',
        form: "RolePolicy",
        alternate: true,
        rule: "iam-policy-no-wildcard-resources",
        level: "mandatory",
        resource: P.processorRolePolicy,
        kind: "modify",
        target: { type: AWS_TYPES.iamRolePolicy, name: "streaming-processor-policy" },
        modify: (props, ctx) => editStatement(ctx, props, "WriteProcessedObjects", (s) => ({ ...s, Resource: "*" })),
    },
    {
        id: "iam-resource-wildcard-account-arn",
        family,
        description:
            "API role's Kinesis statement scoped to arn:aws:kinesis:*:*:stream/* (wildcard region and account)",
        form: "RolePolicy",
        alternate: true,
        rule: "iam-policy-no-wildcard-resources",
        level: "mandatory",
        resource: P.apiRolePolicy,
        kind: "modify",
        target: { type: AWS_TYPES.iamRolePolicy, name: "api-handler-policy" },
        modify: (props, ctx) =>
            editStatement(ctx, props, "PublishChanges", (s) => ({ ...s, Resource: "arn:aws:kinesis:*:*:stream/*" })),
    },
    {
        id: "iam-not-action",
        family,
        description:
            'API role\'s table statement written as Allow NotAction [dynamodb:DeleteTable] ("everything but delete")',
        form: "RolePolicy",
        alternate: true,
        rule: "iam-policy-no-allow-not-action",
        level: "mandatory",
        resource: P.apiRolePolicy,
        kind: "modify",
        target: { type: AWS_TYPES.iamRolePolicy, name: "api-handler-policy" },
        modify: (props, ctx) =>
            editStatement(ctx, props, "ReadWriteItems", (s) => ({
                ...without(s, "Action"),
                NotAction: ["dynamodb:DeleteTable"],
            })),
    },
    {
        id: "iam-unknown-action",
        family,
        description: "A misspelt action, dynamodb:GetItems, in the API role (grants nothing, hides intent)",
        form: "RolePolicy",
        alternate: true,
        rule: "iam-policy-actions-known",
        level: "mandatory",
        resource: P.apiRolePolicy,
        kind: "modify",
        target: { type: AWS_TYPES.iamRolePolicy, name: "api-handler-policy" },
        modify: (props, ctx) =>
            editStatement(ctx, props, "ReadWriteItems", (s) => ({
                ...s,
                Action: (s.Action as string[]).map((a) => (a === "dynamodb:GetItem" ? "dynamodb:GetItems" : a)),
            })),
    },
    {
        id: "iam-trust-star",
        family,
        description:
            'API role\'s trust policy with Principal {AWS: "*"} and no condition ("so the test harness can assume it")',
        form: "Role assumeRolePolicy",
        alternate: false,
        rule: "iam-role-trust-policy-not-public",
        level: "mandatory",
        resource: P.apiRole,
        kind: "modify",
        target: { type: AWS_TYPES.iamRole, name: "api-handler-role" },
        modify: (props, ctx) => ({
            ...props,
            assumeRolePolicy: editDocument(ctx, props.assumeRolePolicy, (doc) => ({
                ...doc,
                Statement: [...doc.Statement, { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
            })),
        }),
    },
    {
        id: "iam-role-inline-logs-star",
        family,
        description: "Flow-logs role given an inline policy (Role.inlinePolicies) allowing logs:* on *",
        form: "Role inlinePolicies",
        alternate: true,
        rule: "iam-policy-no-wildcard-actions",
        level: "mandatory",
        resource: P.flowLogsRole,
        kind: "modify",
        target: { type: AWS_TYPES.iamRole, name: "network-flow-logs-role" },
        modify: (props) => ({
            ...props,
            inlinePolicies: [
                {
                    name: "logs",
                    policy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Action: "logs:*", Resource: "*" }],
                    }),
                },
            ],
        }),
    },
    {
        id: "iam-customer-policy-kinesis-star",
        family,
        description: "A customer-managed aws.iam.Policy with kinesis:* attached to the stream processor's role",
        form: "aws.iam.Policy + RolePolicyAttachment",
        alternate: true,
        rule: "iam-policy-no-wildcard-actions",
        level: "mandatory",
        resource: urn(C.streaming, AWS_TYPES.iamPolicy, "streaming-processor-kinesis"),
        kind: "add",
        add: ({ aws, pulumi, resource }) => {
            const parent = resource("streaming");
            const stream = resource<aws.kinesis.Stream>("streaming-stream");
            const policy = new aws.iam.Policy(
                "streaming-processor-kinesis",
                {
                    policy: pulumi.jsonStringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Action: "kinesis:*", Resource: stream.arn }],
                    }),
                },
                { parent },
            );
            new aws.iam.RolePolicyAttachment(
                "streaming-processor-kinesis-attachment",
                { role: resource<aws.iam.Role>("streaming-processor-role").name, policyArn: policy.arn },
                { parent },
            );
        },
    },
    attachesManagedPolicy(
        {
            id: "iam-administrator-access",
            description: 'AdministratorAccess attached to the API function\'s role ("to debug a permissions error")',
        },
        { tier: "api", role: "api-handler-role", name: "api-handler-admin" },
        "arn:aws:iam::aws:policy/AdministratorAccess",
    ),
    attachesManagedPolicy(
        {
            id: "iam-vpc-access-managed-policy",
            description:
                "AWSLambdaVPCAccessExecutionRole attached to the processor role (the tutorial way: ENI actions on *)",
        },
        { tier: "streaming", role: "streaming-processor-role", name: "streaming-processor-vpc-access" },
        "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
    ),
    {
        id: "iam-role-managed-policy-arns-admin",
        family,
        description: "AdministratorAccess listed in the flow-logs role's own managedPolicyArns",
        form: "Role managedPolicyArns",
        alternate: true,
        rule: "iam-managed-policy-not-broad",
        level: "mandatory",
        resource: P.flowLogsRole,
        kind: "modify",
        target: { type: AWS_TYPES.iamRole, name: "network-flow-logs-role" },
        modify: (props) => ({ ...props, managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }),
    },
    {
        id: "iam-power-user-policy-attachment",
        family,
        description: "PowerUserAccess given to the API CloudWatch role through an aws.iam.PolicyAttachment",
        form: "PolicyAttachment",
        alternate: true,
        rule: "iam-managed-policy-not-broad",
        level: "mandatory",
        resource: urn(C.api, AWS_TYPES.iamPolicyAttachment, "api-cloudwatch-power-user"),
        kind: "add",
        add: ({ aws, resource }) => {
            new aws.iam.PolicyAttachment(
                "api-cloudwatch-power-user",
                {
                    roles: [resource<aws.iam.Role>("api-cloudwatch-role").name],
                    policyArn: "arn:aws:iam::aws:policy/PowerUserAccess",
                },
                { parent: resource("api") },
            );
        },
    },
];
