/**
 * KMS key policies. Each key gets the account-root statement (so IAM policies can grant
 * use of the key, and the key can never become unmanageable) plus one statement per AWS
 * service that uses the key on its own behalf — the grants IAM cannot give, because the
 * caller is a service principal, not a role of ours.
 *
 * The root statement lists actions instead of `kms:*` (the pack forbids wildcard actions).
 * `Resource: "*"` inside a key policy means "this key" (AWS KMS key policy semantics).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Condition, PolicyStatement, Principal, policyDocument } from "./iam";
import { PARTITION, StackNames } from "./naming";

/** Administration and use of a symmetric encryption key, delegated to the account's IAM policies. */
export const KEY_ACCOUNT_ACTIONS = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
];

/** What a service needs to encrypt and decrypt with a key it holds no grant for. */
const SERVICE_USE_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"];

export interface KeyUser {
    sid: string;
    principal: Principal;
    actions?: string[];
    condition?: Condition;
}

export function keyPolicy(accountId: pulumi.Input<string>, users: KeyUser[]): pulumi.Output<string> {
    const statements: PolicyStatement[] = [
        {
            Sid: "AccountAdministersAndDelegatesKey",
            Effect: "Allow",
            Principal: { AWS: pulumi.interpolate`arn:${PARTITION}:iam::${accountId}:root` },
            Action: KEY_ACCOUNT_ACTIONS,
            Resource: "*",
        },
        ...users.map((u): PolicyStatement => ({
            Sid: u.sid,
            Effect: "Allow",
            Principal: u.principal,
            Action: u.actions ?? SERVICE_USE_ACTIONS,
            Resource: "*",
            ...(u.condition ? { Condition: u.condition } : {}),
        })),
    ];
    return policyDocument(statements);
}

/**
 * CloudWatch Logs encrypting a log group: the regional service principal, limited by the
 * `kms:EncryptionContext:aws:logs:arn` condition to this account's log groups in that region
 * (AWS CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS KMS").
 */
export function logsKeyUser(region: string, accountId: pulumi.Input<string>): KeyUser {
    return {
        sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
        principal: { Service: `logs.${region}.amazonaws.com` },
        actions: [
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncryptFrom",
            "kms:ReEncryptTo",
            "kms:GenerateDataKey",
            "kms:GenerateDataKeyWithoutPlaintext",
            "kms:DescribeKey",
        ],
        condition: {
            ArnLike: {
                "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${PARTITION}:logs:${region}:${accountId}:log-group:*`,
            },
        },
    };
}

/**
 * CloudWatch alarms publishing to an SNS topic encrypted with this key: SNS asks KMS for a
 * data key on the publisher's behalf, so cloudwatch.amazonaws.com needs Decrypt and
 * GenerateDataKey (AWS SNS Developer Guide, "Enabling compatibility between event sources
 * from AWS services and encrypted topics"). AWS documents this statement without a
 * condition; which alarms may publish is decided by the topic policy (SourceAccount/SourceArn).
 */
export function alarmsKeyUser(): KeyUser {
    return {
        sid: "CloudWatchAlarmsPublishToEncryptedTopic",
        principal: { Service: "cloudwatch.amazonaws.com" },
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
    };
}

export interface StackKeyArgs {
    /** Stack names: the alias is `alias/<prefix>/<alias>`. */
    names: StackNames;
    alias: string;
    /** What the key encrypts, for the key's description. */
    purpose: string;
    /** Services that use the key on their own behalf. Defaults to none. */
    users?: KeyUser[];
    /** Region of the key and alias when it is not the provider's (provider v7 `region`). Defaults to the provider's. */
    region?: string;
}

/** A symmetric key with yearly rotation, a 30-day deletion window, its policy and an alias. */
export function createStackKey(name: string, args: StackKeyArgs, opts: pulumi.CustomResourceOptions): aws.kms.Key {
    const key = new aws.kms.Key(
        name,
        {
            description: `${args.names.prefix}: ${args.purpose}`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: keyPolicy(args.names.accountId, args.users ?? []),
            region: args.region,
        },
        opts,
    );
    new aws.kms.Alias(
        `${name}-alias`,
        { name: `alias/${args.names.prefix}/${args.alias}`, targetKeyId: key.keyId, region: args.region },
        opts,
    );
    return key;
}
