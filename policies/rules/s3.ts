/**
 * S3 rules. S3 is never public: the bucket-level public-access block, ACLs, bucket policies and
 * website hosting. Encryption is on: declared default encryption (SSE-KMS, or SSE-S3 for a
 * CloudFront Origin Access Control origin) and TLS-only bucket policies. CloudFront OAC vs OAI is
 * judged in cloudfront.ts; the Lambda front doors (function URLs, permissions) in lambda.ts.
 */
import { bucketEncryption, oacOriginBuckets, SseSetting } from "../lib/bucket-encryption";
import { patternMatches } from "../lib/exemptions";
import { isParseError, parsePolicyDocument, PolicyStatement } from "../lib/iam";
import { arr, bool, isSet, isUnknown, read, rec, str, PACK_UNKNOWN, Unknown, unwrapSecret } from "../lib/props";
import { checkResourcePolicyNotPublic } from "../lib/resource-policy";
import { fsbp, resourceRule, Rule, stackRule, stringListOption } from "../lib/rule";
import { AWS_TYPES, isType } from "../lib/types";

const PAB_SETTINGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

export const bucketPublicAccessBlocked = stackRule({
    name: "s3-bucket-public-access-blocked",
    description:
        "Checks that every S3 bucket (Bucket or BucketV2) has a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "s3-never-public",
    control: fsbp("S3.8"),
    relatedControls: [fsbp("S3.1")],
    remediationSteps:
        "Add `new aws.s3.BucketPublicAccessBlock(name, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true })` for the bucket.",
    tags: ["s3", "public-access"],
    rationale:
        "The block is the one switch that overrides every ACL and policy mistake; it is a separate resource, so the rule pairs blocks and buckets across the stack.",
    preview:
        "Pairs a block with its bucket by the bucket name/id or, when that is unknown, by the engine's property dependencies; a block whose bucket cannot be resolved leaves uncovered buckets undecided, and an unknown setting leaves its bucket undecided.",
    check(stack, ctx) {
        const index = stack.index;
        const { byTarget: blocksByBucket, unresolved } = index.groupedByReference(
            AWS_TYPES.bucketPublicAccessBlock,
            "bucket",
            AWS_TYPES.bucket,
        );
        for (const bucket of index.ofType(AWS_TYPES.bucket)) {
            ctx.guard(bucket, () => {
                const blocks = blocksByBucket.get(bucket.urn) ?? [];
                if (blocks.length === 0) {
                    if (unresolved.length > 0) {
                        return ctx.undecided(bucket, `public-access block (bucket of '${unresolved[0].name}' unknown)`);
                    }
                    return ctx.report(
                        bucket,
                        "must have an aws.s3.BucketPublicAccessBlock: add one for this bucket with all four settings true",
                    );
                }
                let undecided = false;
                const gaps: string[] = [];
                for (const block of blocks) {
                    const off = PAB_SETTINGS.filter((s) => {
                        const v = bool(block.props[s]);
                        if (v === PACK_UNKNOWN) undecided = true;
                        return v === false || v === undefined;
                    });
                    if (off.length === 0) return; // one complete block covers the bucket
                    gaps.push(`'${block.name}' leaves ${off.join(", ")} unset or false`);
                }
                if (undecided) return ctx.undecided(bucket, "public-access block settings");
                ctx.report(
                    bucket,
                    `must block all public access: BucketPublicAccessBlock ${gaps.join("; ")}: set all four settings to true`,
                );
            });
        }
    },
});

const PUBLIC_CANNED_ACLS = new Set(["public-read", "public-read-write", "authenticated-read"]);

const PUBLIC_GROUPS = [
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

function isPublicGroup(uri: unknown): boolean {
    return typeof uri === "string" && PUBLIC_GROUPS.some((g) => uri.trim().toLowerCase() === g.toLowerCase());
}

/** Grants to the public groups, as `path` strings; PACK_UNKNOWN when a grantee cannot be read. */
function publicGrants(grants: unknown, basePath: string, granteeOf: (g: unknown) => unknown): string[] | Unknown {
    const list = arr(grants);
    if (list === PACK_UNKNOWN) return PACK_UNKNOWN;
    if (!list) return [];
    const out: string[] = [];
    let unknown = false;
    list.forEach((g, i) => {
        const uri = str(read(granteeOf(g), "uri"));
        if (uri === PACK_UNKNOWN) unknown = true;
        else if (isPublicGroup(uri)) out.push(`${basePath}[${i}]`);
    });
    return out.length === 0 && unknown ? PACK_UNKNOWN : out;
}

export const bucketAclNotPublic = resourceRule({
    name: "s3-bucket-acl-not-public",
    description:
        "Checks that no S3 bucket or BucketAcl uses a public canned ACL (public-read, public-read-write, authenticated-read) or grants to the AllUsers or AuthenticatedUsers groups.",
    enforcementLevel: "mandatory",
    severity: "critical",
    constraint: "s3-never-public",
    control: fsbp("S3.2"),
    relatedControls: [fsbp("S3.3"), fsbp("S3.12")],
    remediationSteps:
        "Remove the `acl`/`grants` (prefer BucketOwnershipControls with BucketOwnerEnforced, which disables ACLs), or use the `private` canned ACL.",
    tags: ["s3", "public-access"],
    preview: "An unknown `acl` or grantee leaves the resource undecided.",
    resourceTypes: [AWS_TYPES.bucket, AWS_TYPES.bucketAcl],
    check(r, ctx) {
        const acl = str(r.props.acl);
        if (acl === PACK_UNKNOWN) ctx.undecided(r, "acl");
        else if (typeof acl === "string" && PUBLIC_CANNED_ACLS.has(acl.trim().toLowerCase())) {
            ctx.report(r, `must not use the public canned ACL "${acl}" (acl): use "private" or remove the ACL`);
        }
        const grants = r.type.includes("bucketAcl")
            ? publicGrants(read(r.props, "accessControlPolicy", "grants"), "accessControlPolicy.grants", (g) =>
                  read(g, "grantee"),
              )
            : publicGrants(r.props.grants, "grants", (g) => g);
        if (grants === PACK_UNKNOWN) return ctx.undecided(r, "grants");
        for (const path of grants) {
            ctx.report(r, `must not grant to AllUsers or AuthenticatedUsers (${path}): remove the grant`);
        }
    },
});

export const bucketPolicyNotPublic = resourceRule({
    name: "s3-bucket-policy-not-public",
    description:
        "Checks that no S3 bucket policy (BucketPolicy or the bucket's inline `policy`) allows a `*` principal unless a condition pins the caller (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, aws:SourceVpce, aws:SourceVpc, aws:PrincipalAccount ...) to fixed values, nor a service principal (cloudfront.amazonaws.com, delivery.logs.amazonaws.com ...) unless a confused-deputy condition (aws:SourceArn, aws:SourceAccount, aws:SourceOrgID, aws:SourceOrgPaths) pins the source; Deny statements to `*` are fine.",
    enforcementLevel: "mandatory",
    severity: "critical",
    constraint: "s3-never-public",
    control: fsbp("S3.2"),
    relatedControls: [fsbp("S3.3"), fsbp("S3.6")],
    remediationSteps:
        'Name the principal (e.g. `{ Service: "cloudfront.amazonaws.com" }`) and add a condition such as `StringEquals: { "AWS:SourceArn": distribution.arn }`.',
    tags: ["s3", "public-access", "iam"],
    rationale:
        "A pinning condition only counts with a positive operator and a fixed value (as AWS Config's public-access rules count them): `...IfExists`, negated operators, `Null` and `ForAllValues:` pass when the key is absent, and an ARN whose account is a wildcard (`arn:aws:cloudfront::*:distribution/*`) names every account's resources, so they pin nothing. A service principal without aws:SourceArn/aws:SourceAccount is the cross-service confused deputy: any distribution in any account whose OAC points at the bucket could read it.",
    preview: "A policy built from unknown outputs (the usual case for a JSON string) is undecided at preview.",
    resourceTypes: [AWS_TYPES.bucket, AWS_TYPES.bucketPolicy],
    check(r, ctx) {
        checkResourcePolicyNotPublic(
            r,
            ctx,
            r.props.policy,
            "policy",
            "name the principal and add a condition such as aws:SourceArn",
            { servicePrincipals: true },
        );
    },
});

export const bucketWebsiteDisabled = resourceRule({
    name: "s3-bucket-website-disabled",
    description:
        "Checks that no S3 bucket hosts a static website (BucketWebsiteConfiguration, its V2 alias, or the bucket's inline `website`/`websites`): website endpoints are HTTP-only and require a public bucket.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "s3-never-public",
    remediationSteps:
        "Remove the website configuration; serve the bucket through CloudFront with Origin Access Control (a private REST origin) and a default root object.",
    tags: ["s3", "public-access"],
    preview: "An unknown inline `website` value leaves the bucket undecided.",
    resourceTypes: [AWS_TYPES.bucket, AWS_TYPES.bucketWebsite],
    check(r, ctx) {
        if (!isType(r.type, AWS_TYPES.bucket)) {
            return ctx.report(
                r,
                "must not configure website hosting: remove it and serve the bucket through CloudFront with OAC",
            );
        }
        for (const property of ["website", "websites"]) {
            const value = r.props[property];
            if (isUnknown(value)) return ctx.undecided(r, property);
            const items = arr(value) ?? (rec(value) ? [value] : []);
            if (
                items !== PACK_UNKNOWN &&
                items.some((w) => isSet(w) && !(rec(w) && Object.keys(rec(w) as object).length === 0))
            ) {
                return ctx.report(
                    r,
                    `must not configure website hosting (${property}): remove it and serve the bucket through CloudFront with OAC`,
                );
            }
        }
    },
});

const KMS_ALGORITHMS = new Set(["aws:kms", "aws:kms:dsse"]);

export const bucketEncryptionDeclared = stackRule({
    name: "s3-bucket-encryption-declared",
    description:
        "Checks that every S3 bucket declares its default encryption (inline or BucketServerSideEncryptionConfiguration) rather than relying on S3's implicit SSE-S3 default; advisory because the implicit default still encrypts.",
    enforcementLevel: "advisory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("S3.17"),
    remediationSteps:
        'Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket with `sseAlgorithm: "aws:kms"` and a customer-managed key (or AES256 for a CloudFront OAC origin).',
    tags: ["s3", "encryption"],
    rationale: "A declared setting is reviewable and survives a change of S3's defaults; an implicit one is neither.",
    preview: "A configuration whose bucket reference is unknown leaves undeclared buckets undecided.",
    check(stack, ctx) {
        const { byBucket, unresolved } = bucketEncryption(stack.index);
        for (const bucket of stack.index.ofType(AWS_TYPES.bucket)) {
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
    constraint: "encryption-on",
    control: fsbp("S3.17"),
    remediationSteps:
        'Set `sseAlgorithm: "aws:kms"` with `kmsMasterKeyId` set to a customer-managed key (and `bucketKeyEnabled: true`); for an OAC origin AES256 is accepted, or list the bucket in `sseS3Buckets`.',
    tags: ["s3", "encryption"],
    rationale:
        "SSE-KMS puts reads under a key policy and CloudTrail. An OAC origin may use SSE-S3 so CloudFront needs no key grant (a missing grant fails silently: see kms-key-grants-cloudfront).",
    preview: "An unknown algorithm, or an unknown bucket reference on a configuration, leaves the bucket undecided.",
    config: {
        sseS3Buckets: stringListOption("Bucket resource names or globs allowed to use SSE-S3 (AES256)."),
    },
    check(stack, ctx) {
        const { byBucket, unresolved } = bucketEncryption(stack.index);
        const oac = oacOriginBuckets(stack.index);
        const listed = Array.isArray(ctx.config.sseS3Buckets)
            ? ctx.config.sseS3Buckets.filter((p) => typeof p === "string")
            : [];
        for (const bucket of stack.index.ofType(AWS_TYPES.bucket)) {
            ctx.guard(bucket, () => {
                const declared = byBucket.get(bucket.urn);
                if (!declared) return; // s3-bucket-encryption-declared reports it
                if (declared.some((d) => d === PACK_UNKNOWN)) return ctx.undecided(bucket, "default encryption");
                const settings = declared.flat() as SseSetting[];
                if (settings.some((s) => s.algorithm === PACK_UNKNOWN)) return ctx.undecided(bucket, "sseAlgorithm");
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

function conditionValue(condition: unknown, operatorPattern: RegExp, key: string): unknown[] | Unknown {
    const c = unwrapSecret(condition);
    if (isUnknown(c)) return PACK_UNKNOWN;
    if (!c || typeof c !== "object") return [];
    const out: unknown[] = [];
    for (const [op, block] of Object.entries(c as Record<string, unknown>)) {
        if (!operatorPattern.test(op)) continue;
        const b = unwrapSecret(block);
        if (isUnknown(b)) return PACK_UNKNOWN;
        if (!b || typeof b !== "object") continue;
        for (const [k, v] of Object.entries(b as Record<string, unknown>)) {
            if (k.toLowerCase() === key.toLowerCase()) out.push(...(Array.isArray(v) ? v : [v]));
        }
    }
    return out;
}

/** True when the statement denies requests not made over TLS (SecureTransport false, or TLS < 1.2). */
export function deniesInsecureTransport(s: PolicyStatement): boolean | Unknown {
    if (s.effect === PACK_UNKNOWN) return PACK_UNKNOWN;
    if (s.effect !== "Deny") return false;
    const secure = conditionValue(s.condition, /^bool$/i, "aws:SecureTransport");
    const tls = conditionValue(s.condition, /^numericlessthan$/i, "s3:TlsVersion");
    if (secure === PACK_UNKNOWN || tls === PACK_UNKNOWN) return PACK_UNKNOWN;
    return secure.some((v) => String(v).toLowerCase() === "false") || tls.length > 0;
}

export const bucketTlsRequired = stackRule({
    name: "s3-bucket-tls-required",
    description:
        "Checks that every S3 bucket has a bucket policy (inline or BucketPolicy) with a Deny statement for requests where aws:SecureTransport is false.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("S3.5"),
    remediationSteps:
        'Add to the bucket policy: `{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket.arn, `${bucket.arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }`.',
    tags: ["s3", "encryption", "in-transit"],
    preview: "A policy document that is unknown at preview leaves its bucket undecided.",
    check(stack, ctx) {
        const index = stack.index;
        const policies = index.groupedByReference(AWS_TYPES.bucketPolicy, "bucket", AWS_TYPES.bucket);
        const unresolved = policies.unresolved;
        for (const bucket of index.ofType(AWS_TYPES.bucket)) {
            ctx.guard(bucket, () => {
                const docs = (policies.byTarget.get(bucket.urn) ?? []).map((p) => ({
                    doc: p.props.policy,
                    source: `BucketPolicy '${p.name}'`,
                }));
                if (isSet(bucket.props.policy) || isUnknown(bucket.props.policy)) {
                    docs.push({ doc: bucket.props.policy, source: "policy" });
                }
                let undecided = docs.length === 0 && unresolved.length > 0;
                for (const { doc } of docs) {
                    const parsed = parsePolicyDocument(doc);
                    if (parsed === PACK_UNKNOWN) {
                        undecided = true;
                        continue;
                    }
                    if (isParseError(parsed)) continue; // s3-bucket-policy-not-public reports it
                    for (const s of parsed.statements) {
                        const denies = deniesInsecureTransport(s);
                        if (denies === true) return;
                        if (denies === PACK_UNKNOWN) undecided = true;
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

export const rules: Rule[] = [
    bucketPublicAccessBlocked,
    bucketAclNotPublic,
    bucketPolicyNotPublic,
    bucketWebsiteDisabled,
    bucketEncryptionDeclared,
    bucketEncryptionKms,
    bucketTlsRequired,
];
