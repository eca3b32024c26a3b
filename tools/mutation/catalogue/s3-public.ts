/**
 * Mistakes against "S3 is never public" (constraint s3-never-public): the public-access block,
 * ACLs, bucket policies, website hosting, CloudFront's way into the bucket, and the two Lambda
 * front doors beside the API.
 */
import type * as aws from "@pulumi/aws";
import type { HookContext, Mutation } from "../types";
import { C, urn } from "../types";
import { editOrigin, editStatement, P, without } from "./program";
import { AWS_TYPES, AWS_V2_ALIASES } from "../../../policies/lib/types";

const family = "s3-public" as const;

/**
 * A mutation that adds a lambda.Permission `name` (under `tier`) letting the grant's principal
 * invoke the program's function `fn`: lambda-permission-source-restricted must name that
 * permission, at mandatory level.
 */
function invokePermission(
    mistake: Pick<Mutation, "id" | "description" | "form">,
    at: { tier: "api" | "streaming"; fn: string; name: string },
    grant: (resource: HookContext["resource"]) => Omit<aws.lambda.PermissionArgs, "function" | "action">,
): Mutation {
    return {
        id: mistake.id,
        family,
        description: mistake.description,
        form: mistake.form,
        alternate: false,
        rule: "lambda-permission-source-restricted",
        level: "mandatory",
        resource: urn(C[at.tier], AWS_TYPES.lambdaPermission, at.name),
        kind: "add",
        add: ({ aws, resource }) => {
            const fn = resource<aws.lambda.Function>(at.fn);
            new aws.lambda.Permission(
                at.name,
                { function: fn.name, action: "lambda:InvokeFunction", ...grant(resource) },
                { parent: resource(at.tier) },
            );
        },
    };
}

export const mutations: Mutation[] = [
    {
        id: "s3-pab-policy-off",
        family,
        description:
            'Site bucket\'s public-access block with blockPublicPolicy: false ("the policy change was refused")',
        form: "BucketPublicAccessBlock",
        alternate: false,
        rule: "s3-bucket-public-access-blocked",
        level: "mandatory",
        resource: P.siteBucket,
        kind: "modify",
        target: { type: AWS_TYPES.bucketPublicAccessBlock, name: "frontend-site-public-access-block" },
        modify: (props) => ({ ...props, blockPublicPolicy: false }),
    },
    {
        id: "s3-bucketv2-without-pab",
        family,
        description:
            "A new export bucket made with aws.s3.BucketV2 directly, not the private-bucket helper (no public-access block)",
        form: "BucketV2 alias",
        alternate: true,
        rule: "s3-bucket-public-access-blocked",
        level: "mandatory",
        resource: urn(C.streaming, AWS_V2_ALIASES.bucket, "streaming-exports"),
        kind: "add",
        add: ({ aws, resource }) => {
            new aws.s3.BucketV2("streaming-exports", {}, { parent: resource("streaming") });
        },
    },
    {
        id: "s3-bucket-acl-public-read",
        family,
        description:
            'A BucketAcl with the canned ACL public-read on the processed bucket ("let the analysts download")',
        form: "BucketAcl",
        alternate: true,
        rule: "s3-bucket-acl-not-public",
        level: "mandatory",
        resource: urn(C.streaming, AWS_TYPES.bucketAcl, "streaming-processed-acl"),
        kind: "add",
        add: ({ aws, resource }) => {
            const bucket = resource<aws.s3.Bucket>("streaming-processed");
            new aws.s3.BucketAcl(
                "streaming-processed-acl",
                { bucket: bucket.id, acl: "public-read" },
                { parent: resource("streaming") },
            );
        },
    },
    {
        id: "s3-bucket-aclv2-allusers-grant",
        family,
        description: "A BucketAclV2 granting READ to the AllUsers group on the access-log bucket",
        form: "BucketAclV2 alias, grant",
        alternate: true,
        rule: "s3-bucket-acl-not-public",
        level: "mandatory",
        resource: urn(C.frontend, AWS_V2_ALIASES.bucketAcl, "frontend-access-logs-acl"),
        kind: "add",
        add: ({ aws, resource }) => {
            const bucket = resource<aws.s3.Bucket>("frontend-access-logs");
            new aws.s3.BucketAclV2(
                "frontend-access-logs-acl",
                {
                    bucket: bucket.id,
                    accessControlPolicy: {
                        owner: { id: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" },
                        grants: [
                            {
                                permission: "READ",
                                grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" },
                            },
                        ],
                    },
                },
                { parent: resource("frontend") },
            );
        },
    },
    {
        id: "s3-bucket-inline-acl",
        family,
        description: 'The site bucket declared with the inline acl: "public-read" (the pre-v6 tutorial form)',
        form: "inline acl",
        alternate: false,
        rule: "s3-bucket-acl-not-public",
        level: "mandatory",
        resource: P.siteBucket,
        kind: "modify",
        target: { type: AWS_TYPES.bucket, name: "frontend-site" },
        modify: (props) => ({ ...props, acl: "public-read" }),
    },
    {
        id: "s3-website-configuration",
        family,
        description: 'A BucketWebsiteConfiguration on the site bucket ("S3 static website hosting")',
        form: "BucketWebsiteConfiguration",
        alternate: true,
        rule: "s3-bucket-website-disabled",
        level: "mandatory",
        resource: urn(C.frontend, AWS_TYPES.bucketWebsite, "frontend-site-website"),
        kind: "add",
        add: ({ aws, resource }) => {
            const bucket = resource<aws.s3.Bucket>("frontend-site");
            new aws.s3.BucketWebsiteConfiguration(
                "frontend-site-website",
                { bucket: bucket.id, indexDocument: { suffix: "index.html" }, errorDocument: { key: "index.html" } },
                { parent: resource("frontend") },
            );
        },
    },
    {
        id: "s3-website-configuration-v2",
        family,
        description: "The same website hosting through the BucketWebsiteConfigurationV2 alias",
        form: "BucketWebsiteConfigurationV2 alias",
        alternate: true,
        rule: "s3-bucket-website-disabled",
        level: "mandatory",
        resource: urn(C.frontend, AWS_V2_ALIASES.bucketWebsite, "frontend-site-website-v2"),
        kind: "add",
        add: ({ aws, resource }) => {
            const bucket = resource<aws.s3.Bucket>("frontend-site");
            new aws.s3.BucketWebsiteConfigurationV2(
                "frontend-site-website-v2",
                { bucket: bucket.id, indexDocument: { suffix: "index.html" } },
                { parent: resource("frontend") },
            );
        },
    },
    {
        id: "s3-policy-star-principal",
        family,
        description:
            'Site bucket policy\'s CloudFront grant rewritten as Principal "*" without the AWS:SourceArn condition',
        form: "BucketPolicy",
        alternate: false,
        rule: "s3-bucket-policy-not-public",
        level: "mandatory",
        resource: P.siteBucketPolicy,
        kind: "modify",
        target: { type: AWS_TYPES.bucketPolicy, name: "frontend-site-policy" },
        modify: (props, ctx) =>
            editStatement(ctx, props, "CloudFrontOacReadsSite", (s) => ({
                ...without(s, "Condition"),
                Principal: "*",
            })),
    },
    {
        id: "s3-policy-cloudfront-unpinned",
        family,
        description:
            "Site bucket policy's CloudFront grant kept but its AWS:SourceArn condition dropped (any account's distribution may read)",
        form: "BucketPolicy, service principal",
        alternate: false,
        rule: "s3-bucket-policy-not-public",
        level: "mandatory",
        resource: P.siteBucketPolicy,
        kind: "modify",
        target: { type: AWS_TYPES.bucketPolicy, name: "frontend-site-policy" },
        modify: (props, ctx) => editStatement(ctx, props, "CloudFrontOacReadsSite", (s) => without(s, "Condition")),
    },
    {
        id: "s3-policy-star-any-distribution",
        family,
        description:
            'Principal "*" pinned only by ArnLike AWS:SourceArn arn:aws:cloudfront::*:distribution/* (every distribution of every account)',
        form: "BucketPolicy, wildcard condition",
        alternate: false,
        rule: "s3-bucket-policy-not-public",
        level: "mandatory",
        resource: P.siteBucketPolicy,
        kind: "modify",
        target: { type: AWS_TYPES.bucketPolicy, name: "frontend-site-policy" },
        modify: (props, ctx) =>
            editStatement(ctx, props, "CloudFrontOacReadsSite", (s) => ({
                ...s,
                Principal: "*",
                Condition: { ArnLike: { "AWS:SourceArn": "arn:aws:cloudfront::*:distribution/*" } },
            })),
    },
    {
        id: "cloudfront-oai-not-oac",
        family,
        description: "Site origin reads the bucket through a legacy origin access identity instead of OAC",
        form: "OriginAccessIdentity + s3OriginConfig",
        alternate: false,
        rule: "cloudfront-distribution-s3-origin-access-control",
        level: "mandatory",
        resource: P.distribution,
        kind: "modify",
        target: { type: AWS_TYPES.cloudfrontDistribution, name: "frontend-cdn" },
        setup: (ctx) => {
            // Created before the program, in the preload: the edit below refers to it.
            oai = new ctx.aws.cloudfront.OriginAccessIdentity("frontend-oai", { comment: "site bucket" });
        },
        modify: (props, ctx) =>
            editOrigin(props, "site-bucket", (o) => ({
                ...without(o, "originAccessControlId"),
                // = oai.cloudfrontAccessIdentityPath (the gate's mock does not compute that output)
                s3OriginConfig: {
                    originAccessIdentity: ctx.pulumi.interpolate`origin-access-identity/cloudfront/${oai!.id}`,
                },
            })),
    },
    {
        id: "cloudfront-s3-website-origin",
        family,
        description: "Site origin pointed at the bucket's S3 website endpoint (public, HTTP only)",
        form: "inline origin",
        alternate: false,
        rule: "cloudfront-distribution-s3-origin-access-control",
        level: "mandatory",
        resource: P.distribution,
        kind: "modify",
        target: { type: AWS_TYPES.cloudfrontDistribution, name: "frontend-cdn" },
        modify: (props, ctx) =>
            editOrigin(props, "site-bucket", (o) => ({
                ...without(o, "originAccessControlId"),
                domainName: ctx.pulumi
                    .interpolate`${ctx.resource<aws.s3.Bucket>("frontend-site").bucket}.s3-website-us-west-2.amazonaws.com`,
                customOriginConfig: {
                    httpPort: 80,
                    httpsPort: 443,
                    originProtocolPolicy: "http-only",
                    originSslProtocols: ["TLSv1.2"],
                },
            })),
    },
    {
        id: "lambda-function-url-no-auth",
        family,
        description: 'A function URL with authorizationType NONE on the API function ("quick test endpoint")',
        form: "FunctionUrl",
        alternate: false,
        rule: "lambda-function-url-auth-required",
        level: "mandatory",
        resource: urn(C.api, AWS_TYPES.lambdaFunctionUrl, "api-handler-url"),
        kind: "add",
        add: ({ aws, resource }) => {
            const fn = resource<aws.lambda.Function>("api-handler-function");
            new aws.lambda.FunctionUrl(
                "api-handler-url",
                { functionName: fn.name, authorizationType: "NONE" },
                { parent: resource("api") },
            );
        },
    },
    invokePermission(
        {
            id: "lambda-permission-public",
            description: 'A lambda.Permission letting principal "*" invoke the API function with no source condition',
            form: "lambda.Permission",
        },
        { tier: "api", fn: "api-handler-function", name: "api-public-invoke" },
        () => ({ principal: "*" }),
    ),
    invokePermission(
        {
            id: "lambda-permission-s3-no-source",
            description:
                "A lambda.Permission for principal s3.amazonaws.com with no sourceArn or sourceAccount (any account's bucket may invoke)",
            form: "lambda.Permission, service principal",
        },
        { tier: "streaming", fn: "streaming-processor-function", name: "streaming-processor-s3-invoke" },
        () => ({ principal: "s3.amazonaws.com" }),
    ),
    invokePermission(
        {
            id: "lambda-permission-s3-arn-no-account",
            description:
                "A lambda.Permission for s3.amazonaws.com pinned by the bucket's sourceArn only (bucket names are global: another account can take the name)",
            form: "lambda.Permission, service principal with sourceArn",
        },
        { tier: "streaming", fn: "streaming-processor-function", name: "streaming-processor-s3-arn-invoke" },
        (resource) => ({
            principal: "s3.amazonaws.com",
            sourceArn: resource<aws.s3.Bucket>("streaming-processed").arn,
        }),
    ),
];

/** The OAI the oai-not-oac mutation's preload creates (one mutation per process). */
let oai: aws.cloudfront.OriginAccessIdentity | undefined;
