/**
 * SQS rules: queues encrypted at rest, and no queue policy open to everyone. The queue policy is
 * the queue's inline `policy` or a separate aws.sqs.QueuePolicy; both are judged, each on the
 * resource that holds the document. "Open" is read as for bucket policies (lib/resource-policy.ts),
 * service principals included.
 */
import { isSet, isUnknown } from "../lib/props";
import { checkResourcePolicyNotPublic } from "../lib/resource-policy";
import { fsbp, resourceRule, Rule } from "../lib/rule";
import { AWS_TYPES } from "../lib/types";

export const sqsQueueEncrypted = resourceRule<{ allowSqsManagedSse: boolean }>({
    name: "sqs-queue-encrypted",
    description:
        "Checks that every SQS queue declares encryption at rest: kmsMasterKeyId set, or sqsManagedSseEnabled true when the config allows SSE-SQS (it does by default).",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("SQS.1"),
    remediationSteps:
        "Set `kmsMasterKeyId` to a customer-managed key (or `sqsManagedSseEnabled: true` where SSE-SQS is allowed).",
    tags: ["sqs", "encryption"],
    preview: "Unknown values count as set.",
    config: {
        allowSqsManagedSse: {
            type: "boolean",
            default: true,
            description: "Accept SQS-managed encryption (SSE-SQS) instead of a KMS key.",
        },
    },
    resourceTypes: [AWS_TYPES.sqsQueue],
    check(r, ctx) {
        const kms = r.props.kmsMasterKeyId;
        if (isUnknown(kms) || isSet(kms)) return;
        const managed = r.props.sqsManagedSseEnabled;
        if (isUnknown(managed)) return ctx.undecided(r, "sqsManagedSseEnabled");
        const managedOn = managed === true || managed === "true";
        if (managedOn && ctx.config.allowSqsManagedSse !== false) return;
        ctx.report(
            r,
            managedOn
                ? "must be encrypted with a KMS key (SSE-SQS is not allowed by this config): set kmsMasterKeyId"
                : "must declare encryption at rest (neither kmsMasterKeyId nor sqsManagedSseEnabled is set): set kmsMasterKeyId to a customer-managed key",
        );
    },
});

export const sqsQueuePolicyNotPublic = resourceRule({
    name: "sqs-queue-policy-not-public",
    description:
        "Checks that no SQS queue policy (aws.sqs.QueuePolicy or the queue's inline `policy`) allows a `*` principal " +
        "without a condition pinning the caller to fixed values (aws:SourceArn of one account, aws:SourceAccount, " +
        "aws:PrincipalOrgID ...), nor a service principal (sns.amazonaws.com, events.amazonaws.com, s3.amazonaws.com ...) " +
        "without a confused-deputy condition (aws:SourceArn, aws:SourceAccount, aws:SourceOrgID, aws:SourceOrgPaths). " +
        "A public queue lets anyone send, receive or delete its messages. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "critical",
    control: fsbp("SQS.3"),
    remediationSteps:
        'Name the sender, e.g. `Principal: { Service: "sns.amazonaws.com" }` with `Condition: { ArnEquals: ' +
        '{ "aws:SourceArn": topic.arn } }`, or the account\'s roles; never `*` without aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID.',
    tags: ["sqs", "public-access"],
    rationale:
        "AWS Config's sqs-queue-no-public-access (behind SQS.3) counts a policy as non-public only when it grants to fixed values; a condition whose ARN or account is a wildcard pins nothing.",
    preview: "A policy built from unknown outputs (the usual JSON string) is undecided at preview.",
    resourceTypes: [AWS_TYPES.sqsQueue, AWS_TYPES.sqsQueuePolicy],
    check(r, ctx) {
        checkResourcePolicyNotPublic(
            r,
            ctx,
            r.props.policy,
            "policy",
            "name the sending service or account and pin it with aws:SourceArn or aws:SourceAccount",
            { servicePrincipals: true },
        );
    },
});

export const rules: Rule[] = [sqsQueueEncrypted, sqsQueuePolicyNotPublic];
