/**
 * SNS and SQS resource policies: no topic or queue open to everyone. Encryption of topics and
 * queues is judged in encryption.ts. The topic or queue policy is either the resource's inline
 * `policy` or a separate aws.sns.TopicPolicy / aws.sqs.QueuePolicy; both are judged, each on the
 * resource that holds the document (where the fix goes).
 *
 * "Open" is read as for bucket policies (s3.ts, checkResourcePolicyNotPublic): an Allow to `*`
 * (or NotPrincipal) without a condition pinning the caller to fixed values, or an Allow to a
 * service principal (cloudwatch.amazonaws.com, s3.amazonaws.com, events.amazonaws.com ...)
 * without aws:SourceArn/aws:SourceAccount/aws:SourceOrgID/aws:SourceOrgPaths, which lets the
 * service publish or send for every account that uses it.
 */
import { fsbp, resourceRule, Rule } from "../lib/rule";
import { T } from "../lib/types";
import { checkResourcePolicyNotPublic } from "./s3";

export const snsTopicPolicyNotPublic = resourceRule({
    name: "sns-topic-policy-not-public",
    description:
        "Checks that no SNS topic policy (aws.sns.TopicPolicy or the topic's inline `policy`) allows a `*` principal " +
        "without a condition pinning the caller to fixed values (aws:SourceArn of one account, aws:SourceAccount, " +
        "aws:PrincipalOrgID ...), nor a service principal without a confused-deputy condition (aws:SourceArn, " +
        "aws:SourceAccount, aws:SourceOrgID, aws:SourceOrgPaths). A public topic lets anyone subscribe to what it " +
        "carries (alarms, events) or publish to every subscriber. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "critical",
    control: fsbp("SNS.4"),
    remediationSteps:
        "Name the publisher, e.g. `Principal: { Service: \"cloudwatch.amazonaws.com\" }` with `Condition: { StringEquals: " +
        "{ \"aws:SourceAccount\": accountId }, ArnLike: { \"aws:SourceArn\": `arn:aws:cloudwatch:${region}:${accountId}:alarm:*` } }`, " +
        "or the account root/roles that publish; never `*` without aws:SourceAccount or aws:PrincipalOrgID.",
    tags: ["sns", "public-access"],
    rationale:
        "AWS Config's sns-topic-no-public-access (behind SNS.4) counts a policy as non-public only when it grants to fixed values; a condition whose ARN or account is a wildcard pins nothing.",
    preview: "A policy built from unknown outputs (the usual JSON string) is undecided at preview.",
    resourceTypes: [T.snsTopic, T.snsTopicPolicy],
    check(r, ctx) {
        checkResourcePolicyNotPublic(
            r,
            ctx,
            r.props.policy,
            "policy",
            "name the publishing service or account and pin it with aws:SourceArn or aws:SourceAccount",
            { servicePrincipals: true },
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
        "Name the sender, e.g. `Principal: { Service: \"sns.amazonaws.com\" }` with `Condition: { ArnEquals: " +
        "{ \"aws:SourceArn\": topic.arn } }`, or the account's roles; never `*` without aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID.",
    tags: ["sqs", "public-access"],
    rationale:
        "AWS Config's sqs-queue-no-public-access (behind SQS.3) counts a policy as non-public only when it grants to fixed values; a condition whose ARN or account is a wildcard pins nothing.",
    preview: "A policy built from unknown outputs (the usual JSON string) is undecided at preview.",
    resourceTypes: [T.sqsQueue, T.sqsQueuePolicy],
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

export const rules: Rule[] = [snsTopicPolicyNotPublic, sqsQueuePolicyNotPublic];
