/**
 * Encryption is on (issue 5, family 2): at rest for S3, DynamoDB, Kinesis, SNS, SQS, CloudWatch
 * Logs and Lambda environments; in transit for S3 (TLS-only bucket policies). KMS key rotation
 * and key grants live in kms.ts; CloudFront and API Gateway TLS in their own files.
 */
import { isParseError, parsePolicyDocument, PolicyStatement } from "../lib/iam";
import { arr, isSet, isUnknown, read, str, UNKNOWN, Unknown, unwrapSecret } from "../lib/props";
import { fsbp, resourceRule, Rule, stackRule, StackResource } from "../lib/rule";
import { StackIndex } from "../lib/stack";
import { T, typeSet } from "../lib/types";
import { patternMatches } from "../lib/exemptions";

// ---- S3 default encryption ------------------------------------------------------------------

export interface SseSetting {
    /** `AES256`, `aws:kms`, `aws:kms:dsse`, or UNKNOWN. */
    algorithm: string | Unknown;
    kmsKeyId?: string | Unknown;
    /** Where it was declared, for messages. */
    source: string;
}

/**
 * Every `sseAlgorithm` under a value, with the sibling `kmsMasterKeyId`: the inline forms differ
 * between Bucket (`serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault`),
 * BucketV2 (`serverSideEncryptionConfigurations[].rules[].applyServerSideEncryptionByDefaults[]`)
 * and the separate resource (`rules[].applyServerSideEncryptionByDefault`), so walk them alike.
 */
export function sseSettings(value: unknown, source: string, depth = 0): SseSetting[] | Unknown {
    const v = unwrapSecret(value);
    if (isUnknown(v)) return UNKNOWN;
    if (depth > 8 || v === null || typeof v !== "object") return [];
    if (Array.isArray(v)) {
        const out: SseSetting[] = [];
        for (const item of v) {
            const found = sseSettings(item, source, depth + 1);
            if (found === UNKNOWN) return UNKNOWN;
            out.push(...found);
        }
        return out;
    }
    const record = v as Record<string, unknown>;
    if ("sseAlgorithm" in record) {
        const algorithm = str(record.sseAlgorithm);
        const kms = str(record.kmsMasterKeyId);
        return [
            {
                algorithm: algorithm === UNKNOWN ? UNKNOWN : (algorithm ?? ""),
                ...(kms !== undefined ? { kmsKeyId: kms } : {}),
                source,
            },
        ];
    }
    const out: SseSetting[] = [];
    for (const child of Object.values(record)) {
        const found = sseSettings(child, source, depth + 1);
        if (found === UNKNOWN) return UNKNOWN;
        out.push(...found);
    }
    return out;
}

/** Declared default encryption per bucket URN (inline and separate resources); UNKNOWN entries kept. */
export function bucketEncryption(index: StackIndex): {
    byBucket: Map<string, (SseSetting[] | Unknown)[]>;
    unresolved: StackResource[];
} {
    const byBucket = new Map<string, (SseSetting[] | Unknown)[]>();
    const add = (urn: string, s: SseSetting[] | Unknown) => byBucket.set(urn, [...(byBucket.get(urn) ?? []), s]);
    for (const bucket of index.ofType(T.bucket)) {
        for (const property of ["serverSideEncryptionConfiguration", "serverSideEncryptionConfigurations"]) {
            const value = bucket.props[property];
            if (value === undefined || value === null) continue;
            const found = sseSettings(value, `${property}`);
            if (found === UNKNOWN || found.length > 0) add(bucket.urn, found);
        }
    }
    const unresolved: StackResource[] = [];
    for (const config of index.ofType(T.bucketEncryption)) {
        const buckets = index.refersTo(config, "bucket", T.bucket);
        if (buckets === UNKNOWN || buckets.length === 0) {
            unresolved.push(config);
            continue;
        }
        const found = sseSettings(config.props.rules, `BucketServerSideEncryptionConfiguration '${config.name}'`);
        for (const b of buckets) add(b.urn, found);
    }
    return { byBucket, unresolved };
}

const DISTRIBUTION_TYPES = typeSet(T.cloudfrontDistribution);

/**
 * Buckets that are the S3 origin of a CloudFront distribution reading them through Origin
 * Access Control. An origin matches a bucket by its domain name (the bucket's regional or
 * global domain name, or `<bucket>.s3.*`); when the domain is unknown, by the distribution's
 * `origins` property dependencies on the bucket.
 */
export function oacOriginBuckets(index: StackIndex): Map<string, StackResource[]> {
    const result = new Map<string, StackResource[]>(); // bucket URN -> distributions
    const buckets = index.ofType(T.bucket);
    const byDomain = new Map<string, StackResource>();
    for (const b of buckets) {
        for (const key of ["bucketRegionalDomainName", "bucketDomainName"]) {
            const d = str(b.props[key]);
            if (typeof d === "string" && d !== "") byDomain.set(d.toLowerCase(), b);
        }
        const name = str(b.props.bucket);
        if (typeof name === "string" && name !== "") byDomain.set(`${name.toLowerCase()}.s3`, b);
    }
    const mark = (b: StackResource, d: StackResource) => result.set(b.urn, [...(result.get(b.urn) ?? []), d]);
    for (const d of index.resources) {
        if (!DISTRIBUTION_TYPES.has(d.type)) continue;
        const origins = arr(d.props.origins);
        if (!Array.isArray(origins)) continue;
        let unmatchedOac = false;
        for (const origin of origins) {
            const oac = read(origin, "originAccessControlId");
            if (!isUnknown(oac) && !isSet(oac)) continue;
            const domain = str(read(origin, "domainName"));
            if (typeof domain === "string") {
                const lower = domain.toLowerCase();
                const bucket = byDomain.get(lower) ?? byDomain.get(lower.split(".s3")[0] + ".s3");
                if (bucket) {
                    mark(bucket, d);
                    continue;
                }
            }
            unmatchedOac = true;
        }
        if (unmatchedOac) for (const b of index.dependenciesOf(d, "origins", T.bucket)) mark(b, d);
    }
    return result;
}

const KMS_ALGORITHMS = new Set(["aws:kms", "aws:kms:dsse"]);

export const bucketEncryptionDeclared = stackRule({
    name: "s3-bucket-encryption-declared",
    description:
        "Checks that every S3 bucket declares its default encryption (inline or BucketServerSideEncryptionConfiguration) rather than relying on S3's implicit SSE-S3 default; advisory because the implicit default still encrypts.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("S3.17"),
    remediationSteps:
        "Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket with `sseAlgorithm: \"aws:kms\"` and a customer-managed key (or AES256 for a CloudFront OAC origin).",
    tags: ["s3", "encryption"],
    rationale: "A declared setting is reviewable and survives a change of S3's defaults; an implicit one is neither.",
    preview: "A configuration whose bucket reference is unknown leaves undeclared buckets undecided.",
    check(stack, ctx) {
        const { byBucket, unresolved } = bucketEncryption(stack.index);
        for (const bucket of stack.index.ofType(T.bucket)) {
            if (byBucket.has(bucket.urn)) continue;
            if (unresolved.length > 0) {
                ctx.undecided(bucket, `default encryption (bucket of '${unresolved[0].name}' unknown)`);
                continue;
            }
            ctx.report(
                bucket,
                "must declare default encryption: add a BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms and a customer-managed key",
            );
        }
    },
});

export const bucketEncryptionKms = stackRule<{ sseS3Buckets: string[] }>({
    name: "s3-bucket-encryption-kms",
    description:
        "Checks that every declared S3 default encryption uses SSE-KMS (aws:kms or aws:kms:dsse), except a bucket that is a CloudFront Origin Access Control origin or that the config lists, which may use SSE-S3 (AES256).",
    enforcementLevel: "mandatory",
    severity: "high",
    control: fsbp("S3.17"),
    remediationSteps:
        "Set `sseAlgorithm: \"aws:kms\"` with `kmsMasterKeyId` set to a customer-managed key (and `bucketKeyEnabled: true`); for an OAC origin AES256 is accepted, or list the bucket in `sseS3Buckets`.",
    tags: ["s3", "encryption"],
    rationale:
        "SSE-KMS puts reads under a key policy and CloudTrail. An OAC origin may use SSE-S3 so CloudFront needs no key grant (a missing grant fails silently: see kms-key-grants-cloudfront).",
    preview: "An unknown algorithm, or an unknown bucket reference on a configuration, leaves the bucket undecided.",
    config: {
        sseS3Buckets: {
            type: "array",
            items: { type: "string" },
            default: [],
            description: "Bucket resource names or globs allowed to use SSE-S3 (AES256).",
        },
    },
    check(stack, ctx) {
        const { byBucket, unresolved } = bucketEncryption(stack.index);
        const oac = oacOriginBuckets(stack.index);
        const listed = Array.isArray(ctx.config.sseS3Buckets) ? ctx.config.sseS3Buckets.filter((p) => typeof p === "string") : [];
        for (const bucket of stack.index.ofType(T.bucket)) {
            ctx.guard(bucket, () => {
                const declared = byBucket.get(bucket.urn);
                if (!declared) return; // s3-bucket-encryption-declared reports it
                if (declared.some((d) => d === UNKNOWN)) return ctx.undecided(bucket, "default encryption");
                const settings = declared.flat() as SseSetting[];
                if (settings.some((s) => s.algorithm === UNKNOWN)) return ctx.undecided(bucket, "sseAlgorithm");
                const weak = settings.filter((s) => !KMS_ALGORITHMS.has(String(s.algorithm).toLowerCase()));
                if (weak.length === 0) return;
                const sseS3Allowed =
                    oac.has(bucket.urn) || listed.some((p) => patternMatches(p, bucket.urn, bucket.name));
                if (sseS3Allowed && weak.every((s) => String(s.algorithm).toUpperCase() === "AES256")) return;
                if (unresolved.length > 0 && !sseS3Allowed) {
                    // Another configuration (bucket unknown) may be the one that applies.
                    return ctx.undecided(bucket, `default encryption (bucket of '${unresolved[0].name}' unknown)`);
                }
                ctx.report(
                    bucket,
                    `must encrypt with SSE-KMS (${weak[0].source} uses sseAlgorithm "${String(weak[0].algorithm)}"): set sseAlgorithm to aws:kms with a customer-managed key`,
                );
            });
        }
    },
});

// ---- S3 in transit --------------------------------------------------------------------------

function conditionValue(condition: unknown, operatorPattern: RegExp, key: string): unknown[] | Unknown {
    const c = unwrapSecret(condition);
    if (isUnknown(c)) return UNKNOWN;
    if (!c || typeof c !== "object") return [];
    const out: unknown[] = [];
    for (const [op, block] of Object.entries(c as Record<string, unknown>)) {
        if (!operatorPattern.test(op)) continue;
        const b = unwrapSecret(block);
        if (isUnknown(b)) return UNKNOWN;
        if (!b || typeof b !== "object") continue;
        for (const [k, v] of Object.entries(b as Record<string, unknown>)) {
            if (k.toLowerCase() === key.toLowerCase()) out.push(...(Array.isArray(v) ? v : [v]));
        }
    }
    return out;
}

/** True when the statement denies requests not made over TLS (SecureTransport false, or TLS < 1.2). */
export function deniesInsecureTransport(s: PolicyStatement): boolean | Unknown {
    if (s.effect === UNKNOWN) return UNKNOWN;
    if (s.effect !== "Deny") return false;
    const secure = conditionValue(s.condition, /^bool$/i, "aws:SecureTransport");
    const tls = conditionValue(s.condition, /^numericlessthan$/i, "s3:TlsVersion");
    if (secure === UNKNOWN || tls === UNKNOWN) return UNKNOWN;
    return secure.some((v) => String(v).toLowerCase() === "false") || tls.length > 0;
}

export const bucketTlsRequired = stackRule({
    name: "s3-bucket-tls-required",
    description:
        "Checks that every S3 bucket has a bucket policy (inline or BucketPolicy) with a Deny statement for requests where aws:SecureTransport is false.",
    enforcementLevel: "mandatory",
    severity: "medium",
    control: fsbp("S3.5"),
    remediationSteps:
        "Add to the bucket policy: `{ Effect: \"Deny\", Principal: \"*\", Action: \"s3:*\", Resource: [bucket.arn, `${bucket.arn}/*`], Condition: { Bool: { \"aws:SecureTransport\": \"false\" } } }`.",
    tags: ["s3", "encryption", "in-transit"],
    preview: "A policy document that is unknown at preview leaves its bucket undecided.",
    check(stack, ctx) {
        const index = stack.index;
        const policies = new Map<string, { doc: unknown; source: string }[]>();
        const unresolved: StackResource[] = [];
        for (const p of index.ofType(T.bucketPolicy)) {
            const buckets = index.refersTo(p, "bucket", T.bucket);
            if (buckets === UNKNOWN || buckets.length === 0) {
                unresolved.push(p);
                continue;
            }
            for (const b of buckets) {
                policies.set(b.urn, [...(policies.get(b.urn) ?? []), { doc: p.props.policy, source: `BucketPolicy '${p.name}'` }]);
            }
        }
        for (const bucket of index.ofType(T.bucket)) {
            ctx.guard(bucket, () => {
                const docs = [...(policies.get(bucket.urn) ?? [])];
                if (isSet(bucket.props.policy) || isUnknown(bucket.props.policy)) {
                    docs.push({ doc: bucket.props.policy, source: "policy" });
                }
                let undecided = docs.length === 0 && unresolved.length > 0;
                for (const { doc } of docs) {
                    const parsed = parsePolicyDocument(doc);
                    if (parsed === UNKNOWN) {
                        undecided = true;
                        continue;
                    }
                    if (isParseError(parsed)) continue; // s3-bucket-policy-not-public reports it
                    for (const s of parsed.statements) {
                        const denies = deniesInsecureTransport(s);
                        if (denies === true) return;
                        if (denies === UNKNOWN) undecided = true;
                    }
                }
                if (undecided) return ctx.undecided(bucket, "bucket policy");
                ctx.report(
                    bucket,
                    `must deny requests without TLS (${docs.length === 0 ? "no bucket policy" : "no Deny on aws:SecureTransport false"}): add a Deny statement with Condition Bool aws:SecureTransport "false"`,
                );
            });
        }
    },
});

// ---- other services at rest -----------------------------------------------------------------

export const dynamodbTableEncryptedCmk = resourceRule({
    name: "dynamodb-table-encrypted-cmk",
    description:
        "Checks that every DynamoDB table is encrypted with a customer-managed KMS key (serverSideEncryption.enabled true and kmsKeyArn set), not the AWS-owned default key.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set `serverSideEncryption: { enabled: true, kmsKeyArn: key.arn }` with a customer-managed key.",
    tags: ["dynamodb", "encryption"],
    rationale: "Only a customer-managed key puts reads of the table's data under a key policy you control and audit.",
    preview: "Unknown `enabled` is undecided; an unknown kmsKeyArn counts as set.",
    resourceTypes: [T.dynamodbTable],
    check(r, ctx) {
        const enabled = read(r.props, "serverSideEncryption", "enabled");
        if (isUnknown(enabled)) return ctx.undecided(r, "serverSideEncryption.enabled");
        const key = read(r.props, "serverSideEncryption", "kmsKeyArn");
        if (enabled !== true && enabled !== "true") {
            return ctx.report(
                r,
                "must be encrypted with a customer-managed key (serverSideEncryption.enabled is not true): set serverSideEncryption { enabled: true, kmsKeyArn }",
            );
        }
        if (!isUnknown(key) && !isSet(key)) {
            ctx.report(
                r,
                "must name its customer-managed key (serverSideEncryption.kmsKeyArn is empty, so DynamoDB uses the AWS managed key): set kmsKeyArn",
            );
        }
    },
});

export const kinesisStreamEncrypted = resourceRule({
    name: "kinesis-stream-encrypted",
    description: "Checks that every Kinesis data stream uses server-side encryption with KMS (encryptionType KMS and kmsKeyId set).",
    enforcementLevel: "mandatory",
    severity: "medium",
    control: fsbp("Kinesis.1"),
    remediationSteps: "Set `encryptionType: \"KMS\"` and `kmsKeyId` to a customer-managed key (or alias/aws/kinesis).",
    tags: ["kinesis", "encryption"],
    preview: "Unknown encryptionType is undecided.",
    resourceTypes: [T.kinesisStream],
    check(r, ctx) {
        const type = str(r.props.encryptionType);
        if (type === UNKNOWN) return ctx.undecided(r, "encryptionType");
        if (typeof type !== "string" || type.toUpperCase() !== "KMS") {
            return ctx.report(r, `must be encrypted with KMS (encryptionType is ${type ?? "unset"}): set encryptionType "KMS" and kmsKeyId`);
        }
        if (!isUnknown(r.props.kmsKeyId) && !isSet(r.props.kmsKeyId)) {
            ctx.report(r, "must name its KMS key (kmsKeyId is empty): set kmsKeyId to a customer-managed key");
        }
    },
});

export const snsTopicEncrypted = resourceRule({
    name: "sns-topic-encrypted",
    description: "Checks that every SNS topic is encrypted at rest with KMS (kmsMasterKeyId set).",
    enforcementLevel: "mandatory",
    severity: "medium",
    control: fsbp("SNS.1"),
    remediationSteps:
        "Set `kmsMasterKeyId` to a customer-managed key whose policy lets the publishers (e.g. cloudwatch.amazonaws.com) use it.",
    tags: ["sns", "encryption"],
    preview: "An unknown kmsMasterKeyId counts as set.",
    resourceTypes: [T.snsTopic],
    check(r, ctx) {
        if (!isUnknown(r.props.kmsMasterKeyId) && !isSet(r.props.kmsMasterKeyId)) {
            ctx.report(r, "must be encrypted with KMS (kmsMasterKeyId is unset): set kmsMasterKeyId to a customer-managed key");
        }
    },
});

export const sqsQueueEncrypted = resourceRule<{ allowSqsManagedSse: boolean }>({
    name: "sqs-queue-encrypted",
    description:
        "Checks that every SQS queue declares encryption at rest: kmsMasterKeyId set, or sqsManagedSseEnabled true when the config allows SSE-SQS (it does by default).",
    enforcementLevel: "mandatory",
    severity: "medium",
    control: fsbp("SQS.1"),
    remediationSteps: "Set `kmsMasterKeyId` to a customer-managed key (or `sqsManagedSseEnabled: true` where SSE-SQS is allowed).",
    tags: ["sqs", "encryption"],
    preview: "Unknown values count as set.",
    config: {
        allowSqsManagedSse: {
            type: "boolean",
            default: true,
            description: "Accept SQS-managed encryption (SSE-SQS) instead of a KMS key.",
        },
    },
    resourceTypes: [T.sqsQueue],
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

export const logGroupEncrypted = resourceRule({
    name: "cloudwatch-log-group-encrypted",
    description:
        "Checks that every CloudWatch log group is encrypted with a customer-managed KMS key (kmsKeyId set); set the level per stack in the policy-pack config.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
        "Set `kmsKeyId` to a customer-managed key whose policy grants `logs.<region>.amazonaws.com` (see kms-key-grants-logs).",
    tags: ["cloudwatch", "logs", "encryption"],
    rationale: "Logs carry request data; a customer-managed key lets you restrict and audit who reads them.",
    preview: "An unknown kmsKeyId counts as set.",
    resourceTypes: [T.logGroup],
    check(r, ctx) {
        if (!isUnknown(r.props.kmsKeyId) && !isSet(r.props.kmsKeyId)) {
            ctx.report(r, "must be encrypted with a customer-managed key (kmsKeyId is unset): set kmsKeyId");
        }
    },
});

export const lambdaEnvironmentEncrypted = resourceRule({
    name: "lambda-function-environment-encrypted",
    description:
        "Checks that every Lambda function with environment variables encrypts them with a customer-managed KMS key (kmsKeyArn set).",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set `kmsKeyArn` to a customer-managed key the function's role may decrypt with.",
    tags: ["lambda", "encryption"],
    rationale: "Lambda@Edge functions cannot have environment variables, so this rule never applies to them.",
    preview: "Unknown variables are undecided; an unknown kmsKeyArn counts as set.",
    resourceTypes: [T.lambdaFunction],
    check(r, ctx) {
        const variables = read(r.props, "environment", "variables");
        if (isUnknown(variables)) return ctx.undecided(r, "environment.variables");
        if (!variables || typeof variables !== "object" || Object.keys(variables).length === 0) return;
        if (!isUnknown(r.props.kmsKeyArn) && !isSet(r.props.kmsKeyArn)) {
            ctx.report(
                r,
                "must encrypt its environment variables with a customer-managed key (environment.variables set, kmsKeyArn unset): set kmsKeyArn",
            );
        }
    },
});

export const rules: Rule[] = [
    bucketEncryptionDeclared,
    bucketEncryptionKms,
    bucketTlsRequired,
    dynamodbTableEncryptedCmk,
    kinesisStreamEncrypted,
    snsTopicEncrypted,
    sqsQueueEncrypted,
    logGroupEncrypted,
    lambdaEnvironmentEncrypted,
];
