/**
 * KMS: key rotation, key policies (not public, no wildcard grants beyond AWS's default
 * account-root statement), and the service grants that a deployment does not check: a key
 * used by an encrypted SNS topic that alarms publish to must let CloudWatch use it, a key on a
 * log group must let CloudWatch Logs use it, a key on a CloudFront OAC origin bucket must let
 * CloudFront decrypt. In a key policy `Resource: "*"` means the key itself.
 *
 * "Used by" is resolved by the stack index (lib/stack.ts): a key id, key ARN, alias name or
 * alias ARN by value, else through the engine's property dependencies (first preview). A key
 * outside the stack is not judged (its policy is not visible); an AWS-managed key
 * (`alias/aws/...`) cannot be granted to another service, so it fails the grant rules.
 */
import { bucketEncryption, oacOriginBuckets, SseSetting } from "../lib/bucket-encryption";
import {
    grantsAction,
    identityStatementFindings,
    isParseError,
    parsePolicyDocument,
    PolicyStatement,
    principalValues,
} from "../lib/iam";
import { arr, isSet, isUnknown, str, PACK_UNKNOWN, Unknown } from "../lib/props";
import { checkResourcePolicyNotPublic } from "../lib/resource-policy";
import { fsbp, resourceRule, Rule, RuleContext, StackResource, stackRule } from "../lib/rule";
import { StackIndex } from "../lib/stack";
import { readPath } from "../lib/stores";
import { AWS_TYPES, typeSet } from "../lib/types";

const KEY_TYPES = typeSet(AWS_TYPES.kmsKey, AWS_TYPES.kmsReplicaKey);

export const keyRotationEnabled = resourceRule({
    name: "kms-key-rotation-enabled",
    description:
        "Checks that every symmetric encryption KMS key has automatic rotation on (enableKeyRotation true); asymmetric and HMAC keys cannot rotate and are not judged.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("KMS.4"),
    remediationSteps: "Set `enableKeyRotation: true` (optionally `rotationPeriodInDays`).",
    tags: ["kms", "encryption"],
    preview: "Unknown enableKeyRotation or key spec is undecided.",
    resourceTypes: [AWS_TYPES.kmsKey],
    check(r, ctx) {
        const spec = str(r.props.customerMasterKeySpec ?? r.props.keySpec);
        const usage = str(r.props.keyUsage);
        if (spec === PACK_UNKNOWN || usage === PACK_UNKNOWN) return ctx.undecided(r, "customerMasterKeySpec/keyUsage");
        if ((spec && spec !== "SYMMETRIC_DEFAULT") || (usage && usage !== "ENCRYPT_DECRYPT")) return;
        const rotation = r.props.enableKeyRotation;
        if (isUnknown(rotation)) return ctx.undecided(r, "enableKeyRotation");
        if (rotation !== true && rotation !== "true") {
            ctx.report(
                r,
                "must rotate its key material (enableKeyRotation is not true): set enableKeyRotation to true",
            );
        }
    },
});

/**
 * Unpinned service grants AWS documents as THE key-policy statement for an integration, accepted
 * as written (only for these actions). CloudWatch alarms publishing to an SNS topic encrypted
 * with this key: AWS documents `{Service: "cloudwatch.amazonaws.com"}` with kms:Decrypt and
 * kms:GenerateDataKey* and no condition (SNS Developer Guide, "Enabling compatibility between
 * event sources from AWS services and encrypted topics"; re:Post "CloudWatch alarm with an
 * encrypted SNS topic"). Why it is not public: the grant lets CloudWatch only make data keys for
 * topics encrypted with this key, on a publish that the topic's own policy must allow (judged by
 * sns-topic-policy-not-public, which requires aws:SourceArn/aws:SourceAccount there); no
 * plaintext key leaves KMS to another account. Any other action for CloudWatch is judged.
 */
const DOCUMENTED_UNPINNED_KEY_GRANTS: Readonly<Record<string, readonly string[]>> = {
    "cloudwatch.amazonaws.com": ["kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKey*"],
};

export const keyPolicyNotPublic = resourceRule({
    name: "kms-key-policy-not-public",
    description:
        "Checks that no KMS key policy (Key.policy or KeyPolicy) allows a `*` principal without a condition pinning the caller to fixed values (kms:CallerAccount is not enough on its own: use aws:PrincipalAccount, aws:PrincipalOrgID, aws:SourceArn ...), nor a service principal without a confused-deputy condition (aws:SourceArn, aws:SourceAccount, aws:SourceOrgID, aws:SourceOrgPaths; for CloudWatch Logs the documented kms:EncryptionContext:aws:logs:arn of this account). AWS's documented CloudWatch-alarms grant for encrypted SNS topics (kms:Decrypt, kms:GenerateDataKey* with no condition) is accepted as written.",
    enforcementLevel: "mandatory",
    severity: "critical",
    control: fsbp("KMS.5"),
    remediationSteps:
        "Name the principals (the account root, roles, or service principals with aws:SourceArn/aws:SourceAccount; logs.<region>.amazonaws.com with kms:EncryptionContext:aws:logs:arn set to this account's log groups).",
    tags: ["kms", "public-access"],
    rationale:
        "A service principal in a key policy without a source condition lets the service use the key for any account's resources (the cross-service confused deputy). The CloudWatch-alarms grant is the exception AWS documents: it makes data keys only for topics encrypted with this key, on publishes the topic policy admits.",
    preview: "A key policy unknown at preview is undecided.",
    resourceTypes: [AWS_TYPES.kmsKey, AWS_TYPES.kmsKeyPolicy],
    check(r, ctx) {
        checkResourcePolicyNotPublic(
            r,
            ctx,
            r.props.policy,
            "policy",
            "name the principal or pin it with aws:PrincipalAccount",
            {
                servicePrincipals: true,
                documentedServiceGrants: DOCUMENTED_UNPINNED_KEY_GRANTS,
            },
        );
    },
});

/** True when every principal of the statement is an account root (AWS's default key-policy statement). */
function isAccountRootOnly(s: PolicyStatement): boolean {
    const values = principalValues(s.principal);
    if (values === PACK_UNKNOWN) return false;
    const entries = Object.entries(values);
    if (entries.length === 0) return false;
    return entries.every(
        ([kind, vs]) =>
            kind.toLowerCase() === "aws" && vs.every((v) => /^(\d{12}|arn:[^:]+:iam::\d{12}:root)$/.test(v.trim())),
    );
}

export const keyPolicyNoWildcardActions = resourceRule({
    name: "kms-key-policy-no-wildcard-actions",
    description:
        'Checks that no KMS key-policy Allow statement grants every action (`kms:*`, `*`) or uses NotAction, except AWS\'s default statement giving the account root `kms:*` (which delegates to IAM); `Resource: "*"` in a key policy means the key itself, and suffix wildcards AWS documents for service grants (`kms:GenerateDataKey*`) are accepted.',
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Grant each principal the key operations it performs (e.g. kms:Decrypt, kms:GenerateDataKey*), leaving `kms:*` to the account root.",
    tags: ["kms", "least-privilege"],
    preview: "A key policy unknown at preview is undecided.",
    resourceTypes: [AWS_TYPES.kmsKey, AWS_TYPES.kmsKeyPolicy],
    check(r, ctx) {
        const doc = r.props.policy;
        if (doc === undefined || doc === null || doc === "") return;
        const parsed = parsePolicyDocument(doc);
        if (parsed === PACK_UNKNOWN) return ctx.undecided(r, "policy");
        if (isParseError(parsed)) return; // kms-key-policy-not-public reports an unreadable policy
        for (const s of parsed.statements) {
            if (isAccountRootOnly(s)) continue;
            for (const f of identityStatementFindings(s, { resourceMeaning: "key-policy" })) {
                // AWS documents service grants with suffix wildcards (kms:GenerateDataKey*,
                // kms:Encrypt*): only a whole-service or global wildcard is a wildcard grant here.
                const wholeService = f.kind === "action-wildcard" && /^([a-z0-9-]+:)?\*$/i.test(f.subject.trim());
                if (wholeService || f.kind === "not-action") {
                    ctx.report(
                        r,
                        `must grant named key operations: policy ${f.message.replace("list the actions the function calls", "list the key operations the principal performs")}`,
                    );
                } else if (f.kind === "undecided") {
                    ctx.undecided(r, `policy ${f.message}`);
                }
            }
        }
    },
});

type KeyRef = { keys: StackResource[] } | { awsManaged: string } | { external: string } | Unknown;

/** Resolves a key reference (key id/ARN, alias name/ARN) on `holder.property` to keys in the stack. */
function resolveKey(index: StackIndex, holder: StackResource, property: string, value: unknown): KeyRef {
    const v = str(value);
    if (typeof v === "string") {
        if (/(^|:)alias\/aws\//.test(v)) return { awsManaged: v };
        const found = index.identifiedBy(v, AWS_TYPES.kmsKey, AWS_TYPES.kmsReplicaKey, AWS_TYPES.kmsAlias);
        if (found.length > 0) return { keys: found.flatMap((f) => keysOf(index, f)) };
    }
    const deps = index.computedFrom(holder, property, AWS_TYPES.kmsKey, AWS_TYPES.kmsReplicaKey, AWS_TYPES.kmsAlias);
    if (deps.length > 0) return { keys: deps.flatMap((d) => keysOf(index, d)) };
    if (v === PACK_UNKNOWN) return PACK_UNKNOWN;
    return { external: typeof v === "string" ? v : "" };
}

function keysOf(index: StackIndex, r: StackResource): StackResource[] {
    if (KEY_TYPES.has(r.type)) return [r];
    const targets = index.refersTo(r, "targetKeyId", AWS_TYPES.kmsKey, AWS_TYPES.kmsReplicaKey);
    if (targets !== PACK_UNKNOWN && targets.length > 0) return targets;
    const byArn = index.refersTo(r, "targetKeyArn", AWS_TYPES.kmsKey, AWS_TYPES.kmsReplicaKey);
    return byArn === PACK_UNKNOWN ? [] : byArn;
}

/** The key-policy documents in force for each key: its own `policy`, or KeyPolicy resources. */
function keyPolicies(index: StackIndex): Map<string, unknown[]> {
    const out = new Map<string, unknown[]>();
    for (const key of index.ofType(AWS_TYPES.kmsKey, AWS_TYPES.kmsReplicaKey)) {
        if (isSet(key.props.policy) || isUnknown(key.props.policy)) out.set(key.urn, [key.props.policy]);
    }
    for (const kp of index.ofType(AWS_TYPES.kmsKeyPolicy)) {
        const keys = index.refersTo(kp, "keyId", AWS_TYPES.kmsKey, AWS_TYPES.kmsReplicaKey);
        if (keys === PACK_UNKNOWN) continue;
        for (const k of keys) out.set(k.urn, [...(out.get(k.urn) ?? []), kp.props.policy]);
    }
    return out;
}

/** The statements of a key's policy documents; `unknown` when any document is unknown at preview. */
function keyPolicyStatements(docs: unknown[]): { statements: PolicyStatement[]; unknown: boolean } {
    const statements: PolicyStatement[] = [];
    let unknown = false;
    for (const doc of docs) {
        const parsed = parsePolicyDocument(doc);
        if (parsed === PACK_UNKNOWN) unknown = true;
        else if (!isParseError(parsed)) statements.push(...parsed.statements);
    }
    return { statements, unknown };
}

/**
 * Whether the key's policies let a service principal (matching `service`) perform every one
 * of `actions`. A key with no policy in the stack has AWS's default policy: account root only.
 */
function keyGrantsService(docs: unknown[] | undefined, service: RegExp, actions: string[]): boolean | Unknown {
    if (!docs || docs.length === 0) return false;
    return keyAllowsEveryAction(docs, actions, (principals) =>
        Object.entries(principals)
            .filter(([k]) => k.toLowerCase() === "service")
            .some(([, vs]) => vs.some((p) => service.test(p.trim()))),
    );
}

/**
 * Whether the key policy documents have, for each of `actions`, an Allow statement granting it to
 * a principal `admits` (principal type -> values); PACK_UNKNOWN when only an unknown part could.
 */
function keyAllowsEveryAction(
    docs: unknown[],
    actions: string[],
    admits: (principals: Record<string, string[]>) => boolean,
): boolean | Unknown {
    const parsed = keyPolicyStatements(docs);
    const statements = parsed.statements;
    let unknown = parsed.unknown;
    const missing = actions.filter((action) => {
        for (const s of statements) {
            if (s.effect !== "Allow") continue;
            const principals = principalValues(s.principal);
            if (principals === PACK_UNKNOWN) {
                unknown = true;
                continue;
            }
            if (!admits(principals)) continue;
            const granted = grantsAction(s.action, action);
            if (granted === PACK_UNKNOWN) unknown = true;
            else if (granted) return false;
        }
        return true;
    });
    if (missing.length === 0) return true;
    return unknown ? PACK_UNKNOWN : false;
}

interface GrantCheck {
    service: RegExp;
    serviceText: string;
    actions: string[];
}

/** Reports when the key `holder.property` names lacks the grant; shared by the three stack rules. */
function checkKeyGrant<C>(
    ctx: RuleContext<C>,
    index: StackIndex,
    policies: Map<string, unknown[]>,
    holder: StackResource,
    property: string,
    value: unknown,
    grant: GrantCheck,
    why: string,
): void {
    const ref = resolveKey(index, holder, property, value);
    if (ref === PACK_UNKNOWN) return ctx.undecided(holder, `${property} (which key)`);
    if ("external" in ref) return; // a key outside the stack: its policy is not visible here
    if ("awsManaged" in ref) {
        return ctx.report(
            holder,
            `must use a customer-managed key that grants ${grant.serviceText} (${property} is the AWS-managed ${ref.awsManaged}, whose policy cannot be changed): ${why}`,
        );
    }
    for (const key of ref.keys) {
        const granted = keyGrantsService(policies.get(key.urn), grant.service, grant.actions);
        if (granted === PACK_UNKNOWN) {
            ctx.undecided(holder, `key policy of '${key.name}'`);
        } else if (!granted) {
            ctx.report(
                holder,
                `must use a key that grants ${grant.serviceText} ${grant.actions.join(" and ")} (${property} is key '${key.name}', whose policy does not): add a key-policy statement for ${grant.serviceText}; ${why}`,
            );
        }
    }
}

const ALARM_ACTION_PROPS = ["alarmActions", "okActions", "insufficientDataActions"];

export const keyGrantsCloudWatch = stackRule({
    name: "kms-key-grants-cloudwatch",
    description:
        "Checks that the KMS key of every encrypted SNS topic that CloudWatch alarms publish to lets cloudwatch.amazonaws.com use it (kms:Decrypt and kms:GenerateDataKey*); mandatory because the stack deploys fine and alarm notifications are then silently dropped.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        'Add to the key policy: `{ Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Resource: "*" }`.',
    tags: ["kms", "sns", "monitoring"],
    preview: "An unknown key reference or key policy leaves the topic undecided.",
    check(stack, ctx) {
        const index = stack.index;
        const topics = new Map<string, StackResource>();
        for (const alarm of index.ofType(AWS_TYPES.metricAlarm)) {
            for (const property of ALARM_ACTION_PROPS) {
                const actions = arr(alarm.props[property]);
                const byValue = Array.isArray(actions)
                    ? actions.flatMap((a) =>
                          typeof str(a) === "string" ? index.identifiedBy(str(a) as string, AWS_TYPES.snsTopic) : [],
                      )
                    : [];
                const found = byValue.length > 0 ? byValue : index.computedFrom(alarm, property, AWS_TYPES.snsTopic);
                for (const t of found) topics.set(t.urn, t);
            }
        }
        const policies = keyPolicies(index);
        for (const topic of topics.values()) {
            ctx.guard(topic, () => {
                const key = topic.props.kmsMasterKeyId;
                if (!isUnknown(key) && !isSet(key)) return; // unencrypted: sns-topic-encrypted reports it
                checkKeyGrant(
                    ctx,
                    index,
                    policies,
                    topic,
                    "kmsMasterKeyId",
                    key,
                    {
                        service: /^cloudwatch\.amazonaws\.com$/,
                        serviceText: "cloudwatch.amazonaws.com",
                        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
                    },
                    "alarms publish to this topic",
                );
            });
        }
    },
});

export const keyGrantsLogs = stackRule({
    name: "kms-key-grants-logs",
    description:
        "Checks that the KMS key of every encrypted CloudWatch log group lets the regional Logs service (logs.<region>.amazonaws.com) use it (kms:Encrypt, kms:Decrypt, kms:GenerateDataKey*); mandatory because the deployment fails otherwise, and the pack says so before it starts. Scope the statement with the kms:EncryptionContext:aws:logs:arn condition.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
        'Add to the key policy: `{ Effect: "Allow", Principal: { Service: "logs.<region>.amazonaws.com" }, Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"], Resource: "*", Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:<region>:<account>:log-group:*" } } }`.',
    tags: ["kms", "logs", "monitoring"],
    preview: "An unknown key reference or key policy leaves the log group undecided.",
    check(stack, ctx) {
        const index = stack.index;
        const policies = keyPolicies(index);
        for (const group of index.ofType(AWS_TYPES.logGroup)) {
            ctx.guard(group, () => {
                const key = group.props.kmsKeyId;
                if (!isUnknown(key) && !isSet(key)) return;
                checkKeyGrant(
                    ctx,
                    index,
                    policies,
                    group,
                    "kmsKeyId",
                    key,
                    {
                        service: /^logs(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/,
                        serviceText: "logs.<region>.amazonaws.com",
                        actions: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
                    },
                    "CloudWatch Logs encrypts the group's data with it",
                );
            });
        }
    },
});

export const keyGrantsCloudFront = stackRule({
    name: "kms-key-grants-cloudfront",
    description:
        "Checks that the KMS key encrypting a CloudFront Origin Access Control origin bucket lets cloudfront.amazonaws.com decrypt (kms:Decrypt); mandatory because the stack deploys fine and CloudFront then serves 403s for every object.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        'Add to the key policy: `{ Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "AWS:SourceArn": distribution.arn } } }`, or encrypt the origin with SSE-S3.',
    tags: ["kms", "cloudfront", "s3"],
    preview: "An unknown key reference, bucket reference or key policy leaves the bucket undecided.",
    check(stack, ctx) {
        const index = stack.index;
        const origins = oacOriginBuckets(index);
        if (origins.size === 0) return;
        const { byBucket } = bucketEncryption(index);
        const policies = keyPolicies(index);
        for (const bucketUrn of origins.keys()) {
            const bucket = index.byUrn(bucketUrn);
            if (!bucket) continue;
            ctx.guard(bucket, () => {
                for (const declared of byBucket.get(bucketUrn) ?? []) {
                    if (declared === PACK_UNKNOWN) return ctx.undecided(bucket, "default encryption");
                    for (const s of declared as SseSetting[]) {
                        if (s.algorithm === PACK_UNKNOWN) return ctx.undecided(bucket, "sseAlgorithm");
                        if (!String(s.algorithm).toLowerCase().startsWith("aws:kms")) continue;
                        if (s.kmsKeyId === undefined || s.kmsKeyId === "") {
                            return ctx.report(
                                bucket,
                                "must use a customer-managed key that grants cloudfront.amazonaws.com (SSE-KMS without kmsMasterKeyId uses the AWS-managed aws/s3 key, which CloudFront cannot use): set kmsMasterKeyId or use AES256",
                            );
                        }
                        checkKeyGrant(
                            ctx,
                            index,
                            policies,
                            bucket,
                            "serverSideEncryption kmsMasterKeyId",
                            s.kmsKeyId,
                            {
                                service: /^cloudfront\.amazonaws\.com$/,
                                serviceText: "cloudfront.amazonaws.com",
                                actions: ["kms:Decrypt"],
                            },
                            "CloudFront reads this bucket through OAC",
                        );
                    }
                }
            });
        }
    },
});

// ---- data stores: the key a store names must be usable by the store's service -----------------

/**
 * Whether the key's policies let principals of this account use the key with every one of
 * `actions` (the account root, a role or user ARN, or `*`): the services below act with the
 * caller's permissions through KMS grants or kms:ViaService, so the key policy must admit the
 * account (AWS's default statement, or a statement for the deploying role). A key with no policy
 * in the stack has AWS's default policy, which delegates to the account's IAM.
 */
function keyLetsAccountUse(docs: unknown[] | undefined, actions: string[]): boolean | Unknown {
    if (!docs || docs.length === 0) return true;
    return keyAllowsEveryAction(docs, actions, (principals) =>
        Object.keys(principals).some((k) => k.toLowerCase() === "aws"),
    );
}

/** A store and the key it names: where the key sits, and what the key policy must allow its service. */
interface KeyedStore {
    types: string[];
    property: string;
    service: string;
    actions: string[];
    principal?: RegExp;
}

/** The operations a grant-based service needs on the key when it acts with the caller's permissions. */
const GRANT_ACTIONS = ["kms:CreateGrant", "kms:DescribeKey"];

/** A store whose service uses the key through grants (RDS, EBS, EFS, ...). */
function grantBased(property: string, service: string, ...types: string[]): KeyedStore {
    return { types, property, service, actions: GRANT_ACTIONS };
}

/** The stores that name a KMS key, where the key sits, and what the key policy must allow. */
const KEYED_STORES: KeyedStore[] = [
    grantBased("kmsKeyId", "rds", AWS_TYPES.rdsInstance, AWS_TYPES.rdsCluster, AWS_TYPES.docdbCluster),
    grantBased("kmsKeyArn", "rds", AWS_TYPES.neptuneCluster),
    grantBased("kmsKeyId", "ec2", AWS_TYPES.ebsVolume),
    grantBased("kmsKeyId", "elasticfilesystem", AWS_TYPES.efsFileSystem),
    grantBased("kmsKeyId", "elasticache", AWS_TYPES.elasticacheReplicationGroup, AWS_TYPES.elasticacheServerlessCache),
    grantBased("encryptAtRest.kmsKeyId", "es", AWS_TYPES.opensearchDomain, AWS_TYPES.elasticsearchDomain),
    grantBased("kmsKeyId", "redshift", AWS_TYPES.redshiftCluster, AWS_TYPES.redshiftServerlessNamespace),
    grantBased("encryptionInfo.encryptionAtRestKmsKeyArn", "kafka", AWS_TYPES.mskCluster),
    grantBased("encryptionConfigurations.kmsKey", "ecr", AWS_TYPES.ecrRepository),
    grantBased("kmsKeyArn", "backup", AWS_TYPES.backupVault),
    grantBased("serverSideEncryption.keyArn", "firehose", AWS_TYPES.firehoseDeliveryStream),
    {
        types: [AWS_TYPES.secretsmanagerSecret],
        property: "kmsKeyId",
        service: "secretsmanager",
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
    },
    { types: [AWS_TYPES.ssmParameter], property: "keyId", service: "ssm", actions: ["kms:Encrypt", "kms:Decrypt"] },
    {
        types: [AWS_TYPES.cloudtrailTrail],
        property: "kmsKeyId",
        service: "cloudtrail",
        actions: ["kms:GenerateDataKey"],
        principal: /^cloudtrail\.amazonaws\.com$/,
    },
];

export const keyGrantsDataStores = stackRule({
    name: "kms-key-grants-data-stores",
    description:
        "Checks that the customer-managed KMS key every data store in the stack names (RDS, Aurora, DocumentDB, Neptune, EBS, EFS, ElastiCache, OpenSearch, Redshift, MSK, ECR, Backup, Firehose, Secrets Manager, SSM, CloudTrail) lets that store's service use it: for services that act with the caller's permissions, a key-policy statement admitting this account's principals to the operations the service needs (kms:CreateGrant and kms:DescribeKey for grant-based services; kms:GenerateDataKey and kms:Decrypt for Secrets Manager; kms:Encrypt and kms:Decrypt for SSM); for CloudTrail, cloudtrail.amazonaws.com kms:GenerateDataKey*. A key with no policy in the stack has AWS's default policy (the account root), which suffices; a key outside the stack or AWS-managed is not judged here. Mandatory: the store's creation fails, or worse, the service cannot decrypt later.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    remediationSteps:
        'Keep AWS\'s default statement (`{ Principal: { AWS: "arn:aws:iam::<account>:root" }, Action: "kms:*" }`) or allow the deploying role the operations with `kms:ViaService: <service>.<region>.amazonaws.com`; for CloudTrail add `{ Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "kms:GenerateDataKey*", Condition: { StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:<account>:trail/*" } } }`.',
    tags: ["kms", "encryption"],
    preview: "An unknown key reference or key policy leaves the store undecided.",
    check(stack, ctx) {
        const index = stack.index;
        const policies = keyPolicies(index);
        for (const store of KEYED_STORES) {
            for (const holder of index.ofType(...store.types)) {
                ctx.guard(holder, () => {
                    const value = readPath(holder.props, store.property);
                    if (
                        !isUnknown(value) &&
                        !isSet(value) &&
                        (holder.propertyDependencies[store.property.split(".")[0]] ?? []).length === 0
                    )
                        return;
                    const ref = resolveKey(index, holder, store.property.split(".")[0], value);
                    if (ref === PACK_UNKNOWN) return ctx.undecided(holder, `${store.property} (which key)`);
                    if (!("keys" in ref)) return;
                    for (const key of ref.keys) {
                        const docs = policies.get(key.urn);
                        const granted = store.principal
                            ? keyGrantsService(docs, store.principal, store.actions)
                            : keyLetsAccountUse(docs, store.actions);
                        if (granted === PACK_UNKNOWN) ctx.undecided(holder, `key policy of '${key.name}'`);
                        else if (!granted) {
                            ctx.report(
                                holder,
                                `must use a key its service can use (${store.property} is key '${key.name}', whose policy does not allow ${store.principal ? `${store.service}.amazonaws.com` : "this account's principals"} ${store.actions.join(" and ")}): add that statement to the key policy, or keep the account-root statement`,
                            );
                        }
                    }
                });
            }
        }
    },
});

export const rules: Rule[] = [
    keyRotationEnabled,
    keyPolicyNotPublic,
    keyPolicyNoWildcardActions,
    keyGrantsCloudWatch,
    keyGrantsLogs,
    keyGrantsCloudFront,
    keyGrantsDataStores,
];
