/**
 * Composition root: stack config -> the five tiers (six components) -> stack outputs.
 *
 *   Network ──> Data ──> Streaming ──> Api ──> Frontend ──> Monitoring
 *
 * Two explicit AWS providers, both tagging every resource from config: the stack's region,
 * and us-east-1 for what AWS keeps there (the CloudFront-scope web ACL, Lambda@Edge,
 * CloudFront's log delivery and metrics).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Api } from "./api";
import { loadConfig } from "./config";
import { Data } from "./data";
import { Frontend } from "./frontend";
import { BUCKET_ROLES, GLOBAL_REGION, StackNames } from "./lib/naming";
import { Monitoring } from "./monitoring";
import { Network } from "./network";
import { Streaming } from "./streaming";

const config = loadConfig();
const defaultTags = {
    tags: { project: pulumi.getProject(), stack: pulumi.getStack(), "managed-by": "pulumi", ...config.tags },
};
const regional = new aws.Provider("aws-regional", { region: config.region, defaultTags });
const global = new aws.Provider("aws-us-east-1", { region: GLOBAL_REGION, defaultTags });
const inRegion = { providers: [regional] };

const names = new StackNames({
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    region: config.region,
    accountId: aws.getCallerIdentityOutput({}, { provider: regional }).accountId,
});

const network = new Network(
    "network",
    {
        names,
        vpcCidr: config.vpcCidr,
        azCount: config.azCount,
        natStrategy: config.natStrategy,
        flowLogAggregationSeconds: config.flowLogAggregationSeconds,
        logRetentionDays: config.logRetentionDays,
        tableArn: names.tableArn(),
        streamArn: names.streamArn(),
        processedBucketArn: names.bucketArn(BUCKET_ROLES.processed),
    },
    inRegion,
);

const data = new Data("data", { names, deletionProtection: config.dynamoDeletionProtection }, inRegion);

const streaming = new Streaming(
    "streaming",
    {
        names,
        capacity: config.kinesis,
        privateSubnetIds: network.privateSubnetIds,
        securityGroupId: network.streamProcessorSecurityGroupId,
        logsKeyArn: network.logsKeyArn,
        logRetentionDays: config.logRetentionDays,
        reservedConcurrency: config.reservedConcurrency.streamProcessor,
        retentionHours: config.kinesisRetentionHours,
    },
    inRegion,
);

const api = new Api(
    "api",
    {
        names,
        privateSubnetIds: network.privateSubnetIds,
        securityGroupId: network.apiFunctionSecurityGroupId,
        tableArn: data.tableArn,
        tableName: data.tableName,
        tableKeyArn: data.tableKeyArn,
        streamArn: streaming.streamArn,
        streamName: streaming.streamName,
        streamKeyArn: streaming.streamKeyArn,
        logsKeyArn: network.logsKeyArn,
        logRetentionDays: config.logRetentionDays,
        reservedConcurrency: config.reservedConcurrency.api,
        internalCallerRoleArns: config.internalCallerRoleArns,
        manageApiGatewayAccount: config.manageApiGatewayAccount,
    },
    inRegion,
);

const frontend = new Frontend(
    "frontend",
    {
        names,
        globalProvider: global,
        priceClass: config.priceClass,
        customDomain: config.customDomain,
        apiOriginDomainName: api.originDomainName,
        apiStageName: api.stageName,
        originVerifySecret: api.originVerifySecret,
        logRetentionDays: config.logRetentionDays,
    },
    inRegion,
);

const monitoring = new Monitoring(
    "monitoring",
    {
        names,
        globalProvider: global,
        globalKeyArn: frontend.globalKeyArn,
        alertEmails: config.alertEmails,
        functions: [
            { label: "api", functionName: api.functionName, timeoutSeconds: api.functionTimeoutSeconds },
            {
                label: "stream-processor",
                functionName: streaming.consumerFunctionName,
                timeoutSeconds: streaming.consumerTimeoutSeconds,
                streamConsumer: true,
            },
        ],
        restApiName: api.restApiName,
        stageName: api.stageName,
        streamName: streaming.streamName,
        failureQueueName: streaming.failureQueueName,
        tableName: data.tableName,
        distributionId: frontend.distributionId,
    },
    inRegion,
);

export const siteUrl = frontend.siteUrl;
export const apiUrl = pulumi.interpolate`${frontend.siteUrl}/api`;
export const tableName = data.tableName;
export const streamName = streaming.streamName;
export const processedBucketName = streaming.processedBucketName;
export const siteBucketName = frontend.siteBucketName;
export const accessLogBucketName = frontend.accessLogBucketName;
export const alertTopicArn = monitoring.alertTopicArn;
export const cloudFrontAlertTopicArn = monitoring.globalAlertTopicArn;
export const dashboardUrl = monitoring.dashboardUrl;
export const originVerifySecretArn = api.originVerifySecretArn;
