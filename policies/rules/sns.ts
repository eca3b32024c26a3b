/**
 * SNS rules: topics encrypted at rest, and no topic policy open to everyone. The topic policy is
 * the topic's inline `policy` or a separate aws.sns.TopicPolicy; both are judged, each on the
 * resource that holds the document (where the fix goes). "Open" is read as for bucket policies
 * (lib/resource-policy.ts): an Allow to `*` (or NotPrincipal) without a condition pinning the
 * caller, or an Allow to a service principal without aws:SourceArn/aws:SourceAccount/
 * aws:SourceOrgID/aws:SourceOrgPaths, which lets the service publish for every account.
 */
import { isSet, isUnknown } from "../lib/props";
import { checkResourcePolicyNotPublic } from "../lib/resource-policy";
import { fsbp, resourceRule, Rule } from "../lib/rule";
import { AWS_TYPES } from "../lib/types";

export const snsTopicEncrypted = resourceRule({
    name: "sns-topic-encrypted",
    description: "Checks that every SNS topic is encrypted at rest with KMS (kmsMasterKeyId set).",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("SNS.1"),
    remediationSteps:
        "Set `kmsMasterKeyId` to a customer-managed key whose policy lets the publishers (e.g. cloudwatch.amazonaws.com) use it.",
    tags: ["sns", "encryption"],
    preview: "An unknown kmsMasterKeyId counts as set.",
    resourceTypes: [AWS_TYPES.snsTopic],
    check(r, ctx) {
        if (!isUnknown(r.props.kmsMasterKeyId) && !isSet(r.props.kmsMasterKeyId)) {
            ctx.report(
                r,
                "must be encrypted with KMS (kmsMasterKeyId is unset): set kmsMasterKeyId to a customer-managed key",
            );
        }
    },
});

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
        'Name the publisher, e.g. `Principal: { Service: "cloudwatch.amazonaws.com" }` with `Condition: { StringEquals: ' +
        '{ "aws:SourceAccount": accountId }, ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${region}:${accountId}:alarm:*` } }`, ' +
        "or the account root/roles that publish; never `*` without aws:SourceAccount or aws:PrincipalOrgID.",
    tags: ["sns", "public-access"],
    rationale:
        "AWS Config's sns-topic-no-public-access (behind SNS.4) counts a policy as non-public only when it grants to fixed values; a condition whose ARN or account is a wildcard pins nothing.",
    preview: "A policy built from unknown outputs (the usual JSON string) is undecided at preview.",
    resourceTypes: [AWS_TYPES.snsTopic, AWS_TYPES.snsTopicPolicy],
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

export const rules: Rule[] = [snsTopicEncrypted, snsTopicPolicyNotPublic];
