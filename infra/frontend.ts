/**
 * Tier 1, frontend: the private site bucket behind a CloudFront distribution that reads it
 * through Origin Access Control, and routes `/api/*` to the REST API's stage.
 *
 * S3 website endpoints cannot be used with OAC and need a public bucket; a private REST
 * origin + OAC + the Lambda@Edge SPA rewrite gives the same behaviour with no public access.
 *
 * Regions: the distribution, its policies and OAC are global (CloudFront's API lives in
 * us-east-1; the provider region does not matter for them). The CloudFront-scope web ACL,
 * the Lambda@Edge function and the standard-logging v2 delivery objects must be created in
 * us-east-1 and use the us-east-1 provider. The access-log bucket and the site bucket stay
 * in the stack's region.
 */
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CustomDomain, PriceClass } from "./config";
import { createEdgeFunction, EdgeFunction } from "./edge";
import { alarmsKeyUser, createStackKey, logsKeyUser } from "./lib/kms";
import { BUCKET_ROLES, GLOBAL_REGION, PARTITION, StackNames } from "./lib/naming";
import { attachBucketPolicy, createPrivateBucket, PrivateBucket } from "./lib/private-bucket";
import { CONTENT_SECURITY_POLICY, FRAME_OPTIONS, HSTS_MAX_AGE_SECONDS, REFERRER_POLICY } from "./lib/security-headers";
import { cacheControl, contentType, SITE_DIR, siteFiles } from "./lib/site-files";
import { ORIGIN_VERIFY_HEADER, createWebAclLogging, edgeRules, webAclVisibility } from "./waf";

/** AWS managed CloudFront policies, by id (the same in every account). */
export const MANAGED_POLICY_IDS = {
    /** Managed-CachingOptimized: long TTLs, gzip/brotli, no headers, cookies or query strings in the key. */
    cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
    /** Managed-CachingDisabled: TTL 0, every request goes to the origin. */
    cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    /** Managed-AllViewerExceptHostHeader: all viewer headers, cookies and query strings but Host (API Gateway needs its own Host). */
    allViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
} as const;

export interface FrontendArgs {
    /** Physical names and the account this stack deploys to. */
    names: StackNames;
    /** The us-east-1 provider (web ACL, Lambda@Edge, log delivery, their key). */
    globalProvider: aws.Provider;
    /** CloudFront price class (config `priceClass`). */
    priceClass: PriceClass;
    /** Alternate domain name and its us-east-1 certificate. Defaults to the *.cloudfront.net name. */
    customDomain?: CustomDomain;
    /** The API origin, `<id>.execute-api.<region>.amazonaws.com`. */
    apiOriginDomainName: pulumi.Input<string>;
    /** The API stage; the origin path is `/<stage>`. */
    apiStageName: string;
    /** The value CloudFront sends in the origin-verify header. */
    originVerifySecret: pulumi.Input<string>;
    /** Requests per 5 minutes one viewer IP may make before the web ACL blocks it. Defaults to 1000. */
    rateLimitPer5Minutes?: number;
    /** Retention of the edge function's log group and of the access logs, in days (config `logRetentionDays`). */
    logRetentionDays: number;
    /** Folder whose files are uploaded to the site bucket. Defaults to the repository's site/. */
    siteDir?: string;
}

const SITE_ORIGIN_ID = "site-bucket";
const API_ORIGIN_ID = "items-api";

/** The private site bucket (read through OAC) and the API stage (sent the origin-verify header). */
function distributionOrigins(args: FrontendArgs, site: PrivateBucket, oac: aws.cloudfront.OriginAccessControl) {
    return [
        {
            originId: SITE_ORIGIN_ID,
            domainName: site.bucket.bucketRegionalDomainName,
            originAccessControlId: oac.id,
        },
        {
            originId: API_ORIGIN_ID,
            domainName: args.apiOriginDomainName,
            // The stage is the first path segment API Gateway expects: /v1/api/items.
            originPath: `/${args.apiStageName}`,
            customOriginConfig: {
                httpPort: 80,
                httpsPort: 443,
                originProtocolPolicy: "https-only",
                originSslProtocols: ["TLSv1.2"],
            },
            customHeaders: [{ name: ORIGIN_VERIFY_HEADER, value: args.originVerifySecret }],
        },
    ];
}

/** The site's behaviour (cached, SPA rewrite at the edge) and the API's (`/api/*`, never cached). */
function cacheBehaviours(responseHeaders: aws.cloudfront.ResponseHeadersPolicy, edge: EdgeFunction) {
    return {
        defaultCacheBehavior: {
            targetOriginId: SITE_ORIGIN_ID,
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ["GET", "HEAD", "OPTIONS"],
            cachedMethods: ["GET", "HEAD"],
            compress: true,
            cachePolicyId: MANAGED_POLICY_IDS.cachingOptimized,
            responseHeadersPolicyId: responseHeaders.id,
            lambdaFunctionAssociations: [
                { eventType: "origin-request", lambdaArn: edge.qualifiedArn, includeBody: false },
            ],
        },
        orderedCacheBehaviors: [
            {
                pathPattern: "/api/*",
                targetOriginId: API_ORIGIN_ID,
                // No redirect for the API: a redirected POST would lose its body.
                viewerProtocolPolicy: "https-only",
                allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
                cachedMethods: ["GET", "HEAD"],
                compress: true,
                cachePolicyId: MANAGED_POLICY_IDS.cachingDisabled,
                originRequestPolicyId: MANAGED_POLICY_IDS.allViewerExceptHostHeader,
                responseHeadersPolicyId: responseHeaders.id,
            },
        ],
    };
}

/** What the distribution puts together. */
interface DistributionParts {
    site: PrivateBucket;
    oac: aws.cloudfront.OriginAccessControl;
    responseHeaders: aws.cloudfront.ResponseHeadersPolicy;
    webAcl: aws.wafv2.WebAcl;
    edge: EdgeFunction;
}

/** What the access-log delivery connects. */
interface AccessLogParts {
    distribution: aws.cloudfront.Distribution;
    accessLogs: PrivateBucket;
    deliverySources: pulumi.Output<string>;
}

export class Frontend extends pulumi.ComponentResource {
    public readonly distributionId: pulumi.Output<string>;
    public readonly distributionDomainName: pulumi.Output<string>;
    /** `https://<custom domain or cloudfront name>` */
    public readonly siteUrl: pulumi.Output<string>;
    public readonly siteBucketName: pulumi.Output<string>;
    public readonly accessLogBucketName: pulumi.Output<string>;
    /** us-east-1 key granting CloudWatch alarms and Logs (for the us-east-1 alarm topic). */
    public readonly globalKeyArn: pulumi.Output<string>;
    public readonly edgeFunctionName: pulumi.Output<string>;
    public readonly siteObjectCount: number;

    constructor(name: string, args: FrontendArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-web-app:frontend:Frontend", name, {}, opts);
        const globalKey = this.createGlobalKey(name, args);
        const { site, oac } = this.createSiteBucket(name, args.names);
        const { accessLogs, deliverySources } = this.createAccessLogBucket(name, args);
        const responseHeaders = this.createSecurityHeaders(name, args.names);
        const webAcl = this.createWebAcl(name, args, globalKey);
        const edge = createEdgeFunction(
            `${name}-edge`,
            {
                names: args.names,
                globalProvider: args.globalProvider,
                globalLogsKeyArn: globalKey.arn,
                logRetentionDays: args.logRetentionDays,
            },
            this,
        );
        const distribution = this.createDistribution(name, args, { site, oac, responseHeaders, webAcl, edge });
        this.grantSiteRead(name, site, distribution);
        this.deliverAccessLogs(name, args, { distribution, accessLogs, deliverySources });
        const fileCount = this.uploadSiteFiles(name, args.siteDir ?? SITE_DIR, site);

        this.distributionId = distribution.id;
        this.distributionDomainName = distribution.domainName;
        this.siteUrl = args.customDomain
            ? pulumi.output(`https://${args.customDomain.domainName}`)
            : pulumi.interpolate`https://${distribution.domainName}`;
        this.siteBucketName = site.bucket.bucket;
        this.accessLogBucketName = accessLogs.bucket.bucket;
        this.globalKeyArn = globalKey.arn;
        this.edgeFunctionName = edge.fn.name;
        this.siteObjectCount = fileCount;
        this.registerOutputs({
            distributionId: this.distributionId,
            siteUrl: this.siteUrl,
            siteBucketName: this.siteBucketName,
            accessLogBucketName: this.accessLogBucketName,
        });
    }

    /** One us-east-1 key for the edge log group and the us-east-1 alarm topic. */
    private createGlobalKey(name: string, args: FrontendArgs): aws.kms.Key {
        const names = args.names;
        return createStackKey(
            `${name}-global-key`,
            {
                names,
                alias: "global",
                purpose: "us-east-1 edge log group and CloudFront alarm topic",
                users: [logsKeyUser(GLOBAL_REGION, names.accountId), alarmsKeyUser()],
            },
            { parent: this, provider: args.globalProvider },
        );
    }

    /** The site bucket (SSE-S3: OAC reads it with no key grant) and the origin access control CloudFront reads it with. */
    private createSiteBucket(name: string, names: StackNames) {
        const site = createPrivateBucket(
            `${name}-site`,
            { bucketName: names.bucket(BUCKET_ROLES.site), encryption: "AES256", noncurrentVersionDays: 30 },
            this,
        );
        const oac = new aws.cloudfront.OriginAccessControl(
            `${name}-oac`,
            {
                name: `${names.prefix}-site`,
                description: "CloudFront reads the site bucket with SigV4",
                originAccessControlOriginType: "s3",
                signingBehavior: "always",
                signingProtocol: "sigv4",
            },
            { parent: this },
        );

        return { site, oac };
    }

    /** The access-log bucket for standard logging v2 (no ACLs), under its own key. */
    private createAccessLogBucket(name: string, args: FrontendArgs) {
        const names = args.names;
        // Its own key, in the bucket's region: the log delivery service encrypts the objects
        // it writes, so the key grants delivery.logs.amazonaws.com, limited to this account's
        // us-east-1 delivery sources (CloudWatch Logs User Guide, "Logs sent to Amazon S3").
        const deliverySources = pulumi.interpolate`arn:${PARTITION}:logs:${GLOBAL_REGION}:${names.accountId}:delivery-source:*`;
        const accessLogsKey = createStackKey(
            `${name}-access-logs-key`,
            {
                names,
                alias: "cdn-access-logs",
                purpose: "CloudFront access-log bucket",
                users: [
                    {
                        sid: "LogDeliveryEncryptsAccessLogs",
                        principal: { Service: "delivery.logs.amazonaws.com" },
                        actions: [
                            "kms:Encrypt",
                            "kms:Decrypt",
                            "kms:ReEncryptFrom",
                            "kms:ReEncryptTo",
                            "kms:GenerateDataKey",
                            "kms:DescribeKey",
                        ],
                        condition: {
                            StringEquals: { "aws:SourceAccount": names.accountId },
                            ArnLike: { "aws:SourceArn": deliverySources },
                        },
                    },
                ],
            },
            { parent: this },
        );
        const accessLogs = createPrivateBucket(
            `${name}-access-logs`,
            {
                bucketName: names.bucket(BUCKET_ROLES.accessLogs),
                encryption: accessLogsKey.arn,
                noncurrentVersionDays: 30,
                transitions: [{ days: 30, storageClass: "STANDARD_IA" }],
                expirationDays: args.logRetentionDays,
            },
            this,
        );

        return { accessLogs, deliverySources };
    }

    private createSecurityHeaders(name: string, names: StackNames): aws.cloudfront.ResponseHeadersPolicy {
        return new aws.cloudfront.ResponseHeadersPolicy(
            `${name}-security-headers`,
            {
                name: `${names.prefix}-security-headers`,
                comment: "Security headers of every response (infra/lib/security-headers.ts)",
                securityHeadersConfig: {
                    strictTransportSecurity: {
                        accessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS,
                        includeSubdomains: true,
                        preload: true,
                        override: true,
                    },
                    contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
                    contentTypeOptions: { override: true },
                    frameOptions: { frameOption: FRAME_OPTIONS, override: true },
                    referrerPolicy: { referrerPolicy: REFERRER_POLICY, override: true },
                },
            },
            { parent: this },
        );
    }

    /** The CloudFront-scope web ACL: AWS managed rule groups and a per-IP rate limit. */
    private createWebAcl(name: string, args: FrontendArgs, globalKey: aws.kms.Key): aws.wafv2.WebAcl {
        const names = args.names;
        const globalOpts = { parent: this, provider: args.globalProvider };
        const webAcl = new aws.wafv2.WebAcl(
            `${name}-web-acl`,
            {
                name: `${names.prefix}-edge`,
                description: "AWS managed rule groups and a per-IP rate limit in front of the site and the API",
                scope: "CLOUDFRONT", // CLOUDFRONT-scope ACLs exist only in us-east-1
                defaultAction: { allow: {} },
                rules: edgeRules(args.rateLimitPer5Minutes ?? 1000),
                visibilityConfig: webAclVisibility(`${names.prefix}-edge`),
            },
            globalOpts,
        );
        // Logged in us-east-1, the ACL's region, with the us-east-1 key.
        createWebAclLogging(
            `${name}-web-acl`,
            {
                names,
                webAclArn: webAcl.arn,
                region: GLOBAL_REGION,
                logGroupSuffix: "edge",
                logsKeyArn: globalKey.arn,
                logRetentionDays: args.logRetentionDays,
            },
            globalOpts,
        );

        return webAcl;
    }

    private createDistribution(
        name: string,
        args: FrontendArgs,
        parts: DistributionParts,
    ): aws.cloudfront.Distribution {
        const names = args.names;
        return new aws.cloudfront.Distribution(
            `${name}-cdn`,
            {
                enabled: true,
                comment: `${names.prefix} site and API`,
                aliases: args.customDomain ? [args.customDomain.domainName] : undefined,
                defaultRootObject: "index.html",
                httpVersion: "http2and3",
                isIpv6Enabled: true,
                priceClass: args.priceClass,
                webAclId: parts.webAcl.arn,
                origins: distributionOrigins(args, parts.site, parts.oac),
                ...cacheBehaviours(parts.responseHeaders, parts.edge),
                restrictions: { geoRestriction: { restrictionType: "none" } },
                // With the default *.cloudfront.net certificate CloudFront fixes the TLS policy
                // itself (TLSv1); a custom domain gets TLS 1.2 at least, with SNI.
                viewerCertificate: args.customDomain
                    ? {
                          acmCertificateArn: args.customDomain.acmCertificateArn,
                          sslSupportMethod: "sni-only",
                          minimumProtocolVersion: "TLSv1.2_2021",
                      }
                    : { cloudfrontDefaultCertificate: true },
            },
            { parent: this },
        );
    }

    /** Only this distribution may read the site, only over TLS. */
    private grantSiteRead(name: string, site: PrivateBucket, distribution: aws.cloudfront.Distribution) {
        attachBucketPolicy(
            `${name}-site`,
            site,
            [
                {
                    Sid: "CloudFrontOacReadsSite",
                    Effect: "Allow",
                    Principal: { Service: "cloudfront.amazonaws.com" },
                    Action: ["s3:GetObject"],
                    Resource: pulumi.interpolate`${site.bucket.arn}/*`,
                    Condition: { StringEquals: { "AWS:SourceArn": distribution.arn } },
                },
            ],
            this,
        );
    }

    /** Standard logging v2 of the distribution into the access-log bucket. */
    private deliverAccessLogs(name: string, args: FrontendArgs, parts: AccessLogParts) {
        const { distribution, accessLogs, deliverySources } = parts;
        const names = args.names;
        const globalOpts = { parent: this, provider: args.globalProvider };
        // Standard logging v2: CloudWatch Logs' delivery service writes to the bucket with
        // the bucket-owner-full-control ACL header, which BucketOwnerEnforced accepts; its
        // source ARNs are us-east-1 delivery sources of this account.
        const logBucketPolicy = attachBucketPolicy(
            `${name}-access-logs`,
            accessLogs,
            [
                {
                    Sid: "AWSLogDeliveryWrite",
                    Effect: "Allow",
                    Principal: { Service: "delivery.logs.amazonaws.com" },
                    Action: ["s3:PutObject"],
                    Resource: pulumi.interpolate`${accessLogs.bucket.arn}/AWSLogs/${names.accountId}/*`,
                    Condition: {
                        StringEquals: {
                            "aws:SourceAccount": names.accountId,
                            "s3:x-amz-acl": "bucket-owner-full-control",
                        },
                        ArnLike: { "aws:SourceArn": deliverySources },
                    },
                },
                {
                    Sid: "AWSLogDeliveryAclCheck",
                    Effect: "Allow",
                    Principal: { Service: "delivery.logs.amazonaws.com" },
                    Action: ["s3:GetBucketAcl"],
                    Resource: accessLogs.bucket.arn,
                    Condition: {
                        StringEquals: { "aws:SourceAccount": names.accountId },
                        ArnLike: { "aws:SourceArn": deliverySources },
                    },
                },
            ],
            this,
        );
        const logSource = new aws.cloudwatch.LogDeliverySource(
            `${name}-log-source`,
            { name: `${names.prefix}-cdn-access`, logType: "ACCESS_LOGS", resourceArn: distribution.arn },
            globalOpts,
        );
        const logDestination = new aws.cloudwatch.LogDeliveryDestination(
            `${name}-log-destination`,
            {
                name: `${names.prefix}-cdn-access-s3`,
                outputFormat: "json",
                deliveryDestinationConfiguration: { destinationResourceArn: accessLogs.bucket.arn },
            },
            globalOpts,
        );
        new aws.cloudwatch.LogDelivery(
            `${name}-log-delivery`,
            { deliverySourceName: logSource.name, deliveryDestinationArn: logDestination.arn },
            { ...globalOpts, dependsOn: [logBucketPolicy] },
        );
    }

    /** Every file of the site folder as an object of the site bucket; returns how many. */
    private uploadSiteFiles(name: string, siteDir: string, site: PrivateBucket): number {
        const files = siteFiles(siteDir);
        for (const file of files) {
            new aws.s3.BucketObjectv2(
                `${name}-site-file-${file}`,
                {
                    bucket: site.bucket.id,
                    key: file,
                    source: new pulumi.asset.FileAsset(path.join(siteDir, file)),
                    contentType: contentType(file),
                    cacheControl: cacheControl(file),
                },
                { parent: this },
            );
        }
        return files.length;
    }
}
