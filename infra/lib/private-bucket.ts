/**
 * A private S3 bucket with the settings every bucket of this stack shares: all four
 * public-access blocks, owner-enforced object ownership (ACLs disabled), versioning,
 * default encryption, and a bucket policy that denies any request not made over TLS.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement, policyDocument } from "./iam";

export interface PrivateBucketArgs {
    bucketName: pulumi.Input<string>;
    /** A KMS key ARN for SSE-KMS (with an S3 bucket key), or "AES256" for SSE-S3. */
    encryption: pulumi.Input<string> | "AES256";
    /** Lifecycle rules; noncurrent versions and incomplete uploads are always cleaned up. */
    transitions?: { days: number; storageClass: string }[];
    /** Days a replaced or deleted version is kept. */
    noncurrentVersionDays: number;
    /** Days after which current objects expire (logs); undefined keeps them. */
    expirationDays?: number;
}

export interface PrivateBucket {
    bucket: aws.s3.Bucket;
    publicAccessBlock: aws.s3.BucketPublicAccessBlock;
}

export function createPrivateBucket(name: string, args: PrivateBucketArgs, parent: pulumi.Resource): PrivateBucket {
    const bucket = new aws.s3.Bucket(name, { bucket: args.bucketName }, { parent });
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
        `${name}-public-access-block`,
        {
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        },
        { parent },
    );
    new aws.s3.BucketOwnershipControls(
        `${name}-ownership`,
        { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
        { parent },
    );
    const versioning = new aws.s3.BucketVersioning(
        `${name}-versioning`,
        { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
        { parent },
    );
    const kms = args.encryption !== "AES256";
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-encryption`,
        {
            bucket: bucket.id,
            rules: [
                {
                    applyServerSideEncryptionByDefault: kms
                        ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.encryption }
                        : { sseAlgorithm: "AES256" },
                    // A bucket key cuts KMS requests (and their cost) by caching a data key per bucket.
                    bucketKeyEnabled: kms,
                },
            ],
        },
        { parent },
    );
    new aws.s3.BucketLifecycleConfiguration(
        `${name}-lifecycle`,
        {
            bucket: bucket.id,
            rules: [
                {
                    id: "tiering-and-cleanup",
                    status: "Enabled",
                    filter: { prefix: "" },
                    transitions: args.transitions?.map((t) => ({ days: t.days, storageClass: t.storageClass })),
                    expiration: args.expirationDays === undefined ? undefined : { days: args.expirationDays },
                    noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays },
                    abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                },
            ],
        },
        // Lifecycle rules on noncurrent versions need versioning in place first.
        { parent, dependsOn: [versioning] },
    );
    return { bucket, publicAccessBlock };
}

/**
 * The S3 actions refused over plain HTTP. AWS's usual statement says `s3:*`; the pack admits
 * no wildcard action, even in a Deny, so the data and policy actions are listed instead.
 */
export const TLS_ONLY_ACTIONS = [
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:GetObjectAttributes",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:RestoreObject",
    "s3:ListBucket",
    "s3:ListBucketVersions",
    "s3:ListMultipartUploadParts",
    "s3:AbortMultipartUpload",
    "s3:GetBucketLocation",
    "s3:GetBucketPolicy",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
];

/** Denies every listed request to the bucket or its objects that is not made over TLS. */
export function tlsOnlyStatement(bucketArn: pulumi.Input<string>): PolicyStatement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: TLS_ONLY_ACTIONS,
        Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

/** The bucket policy: TLS only, plus the grants the caller names. */
export function attachBucketPolicy(
    name: string,
    target: PrivateBucket,
    grants: PolicyStatement[],
    parent: pulumi.Resource,
): aws.s3.BucketPolicy {
    return new aws.s3.BucketPolicy(
        `${name}-policy`,
        { bucket: target.bucket.id, policy: policyDocument([tlsOnlyStatement(target.bucket.arn), ...grants]) },
        // S3 rejects concurrent changes to a bucket's access settings; the public-access
        // block goes first so the policy is judged against it.
        { parent, dependsOn: [target.publicAccessBlock] },
    );
}
