/**
 * Physical names of the resources other tiers (or AWS itself) refer to by name before the
 * resource exists: log groups are named after functions (`/aws/lambda/<function>`), the
 * network's endpoint policies name the table, stream and bucket ARNs, and alarms name
 * their metric dimensions. Deriving them here, once, keeps those references in step
 * without a dependency cycle between tiers.
 */
import * as pulumi from "@pulumi/pulumi";

/** The AWS partition of us-west-2 and us-east-1 (config accepts only those regions). */
export const PARTITION = "aws";
/** CloudFront, its web ACL, Lambda@Edge, ACM certificates for CloudFront and CloudFront metrics live here. */
export const GLOBAL_REGION = "us-east-1";

export interface StackNamesArgs {
    project: string;
    stack: string;
    region: string;
    accountId: pulumi.Input<string>;
}

/** Lower-case, dash-separated, and safe in every name we build (S3 allows no capitals or underscores). */
export function slug(text: string): string {
    return text
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/^-|-$/g, "");
}

export class StackNames {
    /** `<project>-<stack>`, the prefix of every physical name. */
    readonly prefix: string;
    readonly region: string;
    readonly accountId: pulumi.Output<string>;

    constructor(args: StackNamesArgs) {
        // Function names allow 64 characters and the longest suffix is "-stream-processor"
        // (17): keep the prefix to 40 so every derived name fits.
        this.prefix = slug(`${args.project}-${args.stack}`).slice(0, 40).replace(/-$/, "");
        this.region = args.region;
        this.accountId = pulumi.output(args.accountId);
    }

    get apiFunction(): string {
        return `${this.prefix}-api`;
    }
    get streamProcessorFunction(): string {
        return `${this.prefix}-stream-processor`;
    }
    get edgeFunction(): string {
        return `${this.prefix}-edge-rewrite`;
    }
    get table(): string {
        return `${this.prefix}-items`;
    }
    get stream(): string {
        return `${this.prefix}-item-changes`;
    }
    get failureQueue(): string {
        return `${this.prefix}-stream-failures`;
    }
    get restApi(): string {
        return `${this.prefix}-api`;
    }
    get dashboard(): string {
        return this.prefix;
    }
    get originVerifySecret(): string {
        return `${this.prefix}/origin-verify`;
    }

    /**
     * A globally unique bucket name: `<prefix>-<role>-<account>`. Account ids are 12 digits,
     * so with a 40-character prefix and roles up to 9 characters the name stays under 63.
     */
    bucket(role: string): pulumi.Output<string> {
        return this.accountId.apply((account) => `${this.prefix}-${slug(role)}-${account}`.slice(0, 63));
    }

    /** `/aws/lambda/<function>`: the group Lambda writes to, created by the program first. */
    static functionLogGroup(functionName: string): string {
        return `/aws/lambda/${functionName}`;
    }

    tableArn(): pulumi.Output<string> {
        return pulumi.interpolate`arn:${PARTITION}:dynamodb:${this.region}:${this.accountId}:table/${this.table}`;
    }
    streamArn(): pulumi.Output<string> {
        return pulumi.interpolate`arn:${PARTITION}:kinesis:${this.region}:${this.accountId}:stream/${this.stream}`;
    }
    bucketArn(role: string): pulumi.Output<string> {
        return pulumi.interpolate`arn:${PARTITION}:s3:::${this.bucket(role)}`;
    }
    /** Any log group of this account in `region` (the scope of the CloudWatch Logs key grant). */
    logGroupArnPattern(region: string = this.region): pulumi.Output<string> {
        return pulumi.interpolate`arn:${PARTITION}:logs:${region}:${this.accountId}:log-group:*`;
    }
    accountRootArn(): pulumi.Output<string> {
        return pulumi.interpolate`arn:${PARTITION}:iam::${this.accountId}:root`;
    }
}

/** Bucket roles, named once so the network's S3 endpoint policy and the buckets agree. */
export const BUCKET_ROLES = {
    processed: "processed",
    site: "site",
    accessLogs: "cdn-logs",
} as const;
