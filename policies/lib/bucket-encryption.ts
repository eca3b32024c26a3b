/**
 * S3 default-encryption lookup shared by the S3 encryption rules and the KMS grant rules: the
 * encryption settings a bucket declares (inline or a BucketServerSideEncryptionConfiguration),
 * and the buckets that are CloudFront Origin Access Control origins.
 */
import { arr, isSet, isUnknown, read, str, PACK_UNKNOWN, Unknown, unwrapSecret } from "./props";
import { StackResource } from "./rule";
import { StackIndex } from "./stack";
import { AWS_TYPES, typeSet } from "./types";

export interface SseSetting {
    /** `AES256`, `aws:kms`, `aws:kms:dsse`, or PACK_UNKNOWN. */
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
    if (isUnknown(v)) return PACK_UNKNOWN;
    if (depth > 8 || v === null || typeof v !== "object") return [];
    if (Array.isArray(v)) {
        const out: SseSetting[] = [];
        for (const item of v) {
            const found = sseSettings(item, source, depth + 1);
            if (found === PACK_UNKNOWN) return PACK_UNKNOWN;
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
                algorithm: algorithm === PACK_UNKNOWN ? PACK_UNKNOWN : (algorithm ?? ""),
                ...(kms !== undefined ? { kmsKeyId: kms } : {}),
                source,
            },
        ];
    }
    const out: SseSetting[] = [];
    for (const child of Object.values(record)) {
        const found = sseSettings(child, source, depth + 1);
        if (found === PACK_UNKNOWN) return PACK_UNKNOWN;
        out.push(...found);
    }
    return out;
}

/** Declared default encryption per bucket URN (inline and separate resources); PACK_UNKNOWN entries kept. */
export function bucketEncryption(index: StackIndex): {
    byBucket: Map<string, (SseSetting[] | Unknown)[]>;
    unresolved: StackResource[];
} {
    const byBucket = new Map<string, (SseSetting[] | Unknown)[]>();
    const add = (urn: string, s: SseSetting[] | Unknown) => byBucket.set(urn, [...(byBucket.get(urn) ?? []), s]);
    for (const bucket of index.ofType(AWS_TYPES.bucket)) {
        for (const property of ["serverSideEncryptionConfiguration", "serverSideEncryptionConfigurations"]) {
            const value = bucket.props[property];
            if (value === undefined || value === null) continue;
            const found = sseSettings(value, `${property}`);
            if (found === PACK_UNKNOWN || found.length > 0) add(bucket.urn, found);
        }
    }
    const configs = index.groupedByReference(AWS_TYPES.bucketEncryption, "bucket", AWS_TYPES.bucket);
    for (const [urn, list] of configs.byTarget) {
        for (const config of list) {
            add(urn, sseSettings(config.props.rules, `BucketServerSideEncryptionConfiguration '${config.name}'`));
        }
    }
    return { byBucket, unresolved: configs.unresolved };
}

const DISTRIBUTION_TYPES = typeSet(AWS_TYPES.cloudfrontDistribution);

/**
 * Buckets that are the S3 origin of a CloudFront distribution reading them through Origin
 * Access Control. An origin matches a bucket by its domain name (the bucket's regional or
 * global domain name, or `<bucket>.s3.*`); when the domain is unknown, by the distribution's
 * `origins` property dependencies on the bucket.
 */
export function oacOriginBuckets(index: StackIndex): Map<string, StackResource[]> {
    const result = new Map<string, StackResource[]>(); // bucket URN -> distributions
    const buckets = index.ofType(AWS_TYPES.bucket);
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
        if (unmatchedOac) for (const b of index.computedFrom(d, "origins", AWS_TYPES.bucket)) mark(b, d);
    }
    return result;
}
