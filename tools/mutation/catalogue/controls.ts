/**
 * Negative controls: correct-but-unusual changes. Each is a real way to write a compliant
 * program that a careless rule would flag; none may add a mandatory finding to the baseline's.
 */
import type * as aws from "@pulumi/aws";
import type { Control } from "../types";
import { addCache, addDatabase, addFileSystem, addLoadBalancer } from "./data-stores";
import { addWwwDistribution } from "./encryption";
import { editDocument, editStatement, PolicyDoc, Statement } from "./program";
import { AWS_TYPES } from "../../../policies/lib/types";

/** The statement whose Sid is `sid` (throws if none: the program changed). */
function statement(doc: PolicyDoc, sid: string): Statement {
    const found = doc.Statement.find((s) => s.Sid === sid);
    if (!found) throw new Error(`the policy has no statement ${sid}: update the control`);
    return found;
}

export const controls: Control[] = [
    {
        id: "ctl-cloudfront-custom-domain",
        description:
            "A second distribution for www.example.com (a copy of the site's) with its ACM certificate, SNI and TLSv1.2_2021",
        why: "a custom domain's certificate with the TLSv1.2_2021 policy is what the default-certificate advisory asks for",
        form: "viewerCertificate",
        alternate: false,
        kind: "add",
        add: (ctx) => addWwwDistribution(ctx),
        silent: ["cloudfront-distribution-viewer-default-certificate", "cloudfront-distribution-viewer-tls12"],
    },
    {
        id: "ctl-eni-describe-star",
        description: 'The ENI statement narrowed to a lone ec2:DescribeNetworkInterfaces (a string) on Resource "*"',
        why: 'ec2:DescribeNetworkInterfaces has no resource type: "*" is the only scope IAM offers',
        form: "RolePolicy",
        alternate: true,
        kind: "modify",
        target: { type: AWS_TYPES.iamRolePolicy, name: "api-handler-policy" },
        modify: (props, ctx) =>
            editStatement(ctx, props, "DescribeNetwork", (s) => ({
                ...s,
                Action: "ec2:DescribeNetworkInterfaces",
                Resource: "*",
            })),
    },
    {
        id: "ctl-extra-tls-deny",
        description:
            'A second Deny to Principal "*" on the processed bucket: refuse TLS older than 1.2 (s3:TlsVersion)',
        why: 'a Deny restricts; a "*" principal in a Deny is how AWS documents transport rules',
        form: "BucketPolicy",
        alternate: false,
        kind: "modify",
        target: { type: AWS_TYPES.bucketPolicy, name: "streaming-processed-policy" },
        modify: (props, ctx) => ({
            ...props,
            policy: editDocument(ctx, props.policy, (doc) => {
                const tls = statement(doc, "DenyInsecureTransport");
                const old = { ...tls, Sid: "DenyOldTls", Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } };
                return { ...doc, Statement: [...doc.Statement, old] };
            }),
        }),
    },
    {
        id: "ctl-cloudfront-list-bucket",
        description:
            "Site bucket policy also lets cloudfront.amazonaws.com s3:ListBucket, pinned by AWS:SourceArn to the distribution",
        why: "a service principal pinned to this distribution is not public (CloudFront then answers 404, not 403, for missing files)",
        form: "BucketPolicy",
        alternate: false,
        kind: "modify",
        target: { type: AWS_TYPES.bucketPolicy, name: "frontend-site-policy" },
        modify: (props, ctx) => ({
            ...props,
            policy: editDocument(ctx, props.policy, (doc) => {
                const read = statement(doc, "CloudFrontOacReadsSite");
                // The read grant's Resource is `<bucket arn>/*`; listing is on the bucket itself.
                const bucketArn = String(read.Resource).replace(/\/\*$/, "");
                const list = { ...read, Sid: "CloudFrontOacListsSite", Action: ["s3:ListBucket"], Resource: bucketArn };
                return { ...doc, Statement: [...doc.Statement, list] };
            }),
        }),
    },
    {
        id: "ctl-edge-region-input",
        description:
            'The edge function declared with region: "us-east-1" (the v7 per-resource input) and the regional provider',
        why: "@pulumi/aws v7 lets a resource name its own region; the function is still Lambda@Edge in us-east-1",
        form: "region input",
        alternate: true,
        kind: "modify",
        target: { type: AWS_TYPES.lambdaFunction, name: "frontend-edge-function" },
        modify: (props) => ({ ...props, region: "us-east-1" }),
        // The component's providers map then supplies the stack-region provider (aws-regional).
        options: (opts) => ({ ...opts, provider: undefined }),
    },
    {
        id: "ctl-nat-partner-route",
        description:
            "A separate aws.ec2.Route on each private route table sending a partner range through the NAT gateway",
        why: "a NAT gateway gives private subnets egress without making them public",
        form: "aws.ec2.Route",
        alternate: true,
        kind: "add",
        add: ({ aws, resource }) => {
            for (const az of ["a", "b"]) {
                new aws.ec2.Route(
                    `network-private-${az}-partner-route`,
                    {
                        routeTableId: resource<aws.ec2.RouteTable>(`network-private-${az}-rt`).id,
                        destinationCidrBlock: "198.51.100.0/24",
                        natGatewayId: resource<aws.ec2.NatGateway>("network-nat-a").id,
                    },
                    { parent: resource("network") },
                );
            }
        },
    },
    {
        id: "ctl-rds-postgres-private-encrypted",
        description:
            "A PostgreSQL instance added in the private subnets: encrypted, not public, rds.force_ssl in its parameter group",
        why: "a correctly configured database is the case the data-store rules must leave alone",
        form: "aws.rds.Instance + ParameterGroup",
        alternate: true,
        kind: "add",
        add: (ctx) => addDatabase(ctx),
    },
    {
        id: "ctl-efs-encrypted-role-policy",
        description:
            'An encrypted EFS file system whose policy lets the API role mount it and denies clear-text access to "*"',
        why: 'a Deny to "*" restricts, and a named role is not public',
        form: "aws.efs.FileSystemPolicy",
        alternate: true,
        kind: "add",
        add: (ctx) => addFileSystem(ctx),
    },
    {
        id: "ctl-valkey-cache-encrypted",
        description:
            "A Valkey replication group with atRestEncryptionEnabled and transitEncryptionEnabled in the private subnets",
        why: "both encryptions on is the compliant cache",
        form: "aws.elasticache.ReplicationGroup",
        alternate: false,
        kind: "add",
        add: (ctx) => addCache(ctx),
    },
    {
        id: "ctl-alb-http-redirects",
        description:
            "An internal load balancer with an HTTPS listener (TLS 1.3/1.2 policy) and an HTTP listener that only redirects to HTTPS",
        why: "an HTTP listener whose every default action redirects to HTTPS carries no data in clear text",
        form: "aws.lb.Listener",
        alternate: true,
        kind: "add",
        add: (ctx) => addLoadBalancer(ctx),
    },
];
