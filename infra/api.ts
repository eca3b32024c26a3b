/**
 * Tier 2 (API half): a REGIONAL REST API whose `/api/{proxy+}` resource proxies every method
 * to the Python API function in the private subnets, and who may call it.
 *
 * Who reaches the API: the stage's regional web ACL blocks every request without the
 * origin-verify header (priority 0). CloudFront adds the header on the `/api/*` behaviour;
 * internal callers read it from Secrets Manager, where only the roles named in config (and
 * the account's administrators, who own the key) may read it.
 */
import * as crypto from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { contract } from "./lib/contract";
import { GeneratedSecret } from "./lib/generated-secret";
import { assumeRolePolicy, kmsUseStatement, policyDocument } from "./lib/iam";
import { createStackKey } from "./lib/kms";
import { PARTITION, StackNames } from "./lib/naming";
import { createVpcFunction, VpcFunction } from "./lib/vpc-function";
import { createWebAclLogging, originVerifyRule, webAclVisibility } from "./waf";

export interface ApiArgs {
    /** Physical names and the account this stack deploys to. */
    names: StackNames;
    privateSubnetIds: pulumi.Input<string>[];
    /** The API function's security group (no ingress; HTTPS to the endpoints only). */
    securityGroupId: pulumi.Input<string>;
    tableArn: pulumi.Input<string>;
    tableName: pulumi.Input<string>;
    /**
     * The table's key. DynamoDB uses it through its own grants, so the function needs only
     * Decrypt (its environment, encrypted with this key) and DescribeKey.
     */
    tableKeyArn: pulumi.Input<string>;
    streamArn: pulumi.Input<string>;
    streamName: pulumi.Input<string>;
    /** The stream's key: producers need GenerateDataKey on it. */
    streamKeyArn: pulumi.Input<string>;
    logsKeyArn: pulumi.Input<string>;
    /** Retention of the function, access and execution log groups, in days (config `logRetentionDays`). */
    logRetentionDays: number;
    /** Reserved concurrency of the API function. Defaults to none (the account's unreserved pool). */
    reservedConcurrency?: number;
    /** Roles (any account) allowed to read the origin-verify secret (config `internalCallerRoleArns`). */
    internalCallerRoleArns: string[];
    /**
     * Manage API Gateway's account-level CloudWatch role (one per account and region). Turn off
     * when another stack or tool already sets it (config `manageApiGatewayAccount`).
     */
    manageApiGatewayAccount: boolean;
    /** Stage name; CloudFront's API origin path is `/<stageName>`. Defaults to "v1". */
    stageName?: string;
    /** Steady-state requests per second across the stage. Defaults to 50. */
    throttlingRateLimit?: number;
    /** Burst of requests the stage admits. Defaults to 100. */
    throttlingBurstLimit?: number;
}

/**
 * The API function's environment. The origin-verify value is there for the handler's own check
 * (403 without it): delivered in the environment, encrypted at rest with the table key, so no
 * Secrets Manager call and no new endpoint or route from the private subnets
 * (docs/ARCHITECTURE.md says why this delivery is safe).
 */
export function apiEnvironment(
    args: Pick<ApiArgs, "tableName" | "streamName">,
    originVerifyValue: pulumi.Input<string>,
): Record<string, pulumi.Input<string>> {
    return {
        [contract.environment.api.tableName]: args.tableName,
        [contract.environment.api.streamName]: args.streamName,
        [contract.environment.api.originVerify]: originVerifyValue,
    };
}

/** The REST API's resources, method and integration: what a deployment snapshots. */
interface Routes {
    restApi: aws.apigateway.RestApi;
    apiResource: aws.apigateway.Resource;
    proxyResource: aws.apigateway.Resource;
    proxyMethod: aws.apigateway.Method;
    proxyIntegration: aws.apigateway.Integration;
}

/** What the stage serves and waits for. */
interface StageParts {
    restApi: aws.apigateway.RestApi;
    deployment: aws.apigateway.Deployment;
    stageName: string;
    accessLogGroup: aws.cloudwatch.LogGroup;
    stageDependencies: pulumi.Resource[];
}

export class Api extends pulumi.ComponentResource {
    public readonly restApiId: pulumi.Output<string>;
    public readonly restApiName: pulumi.Output<string>;
    public readonly stageName: string;
    /** `<api id>.execute-api.<region>.amazonaws.com`, CloudFront's API origin. */
    public readonly originDomainName: pulumi.Output<string>;
    /** The secret CloudFront sends in the origin-verify header. */
    public readonly originVerifySecret: pulumi.Output<string>;
    public readonly originVerifySecretArn: pulumi.Output<string>;
    public readonly functionName: pulumi.Output<string>;
    public readonly functionTimeoutSeconds: number;
    public readonly accessLogGroupName: pulumi.Output<string>;

    constructor(name: string, args: ApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-web-app:api:Api", name, {}, opts);
        const region = args.names.region;
        const stageName = args.stageName ?? "v1";
        const timeoutSeconds = 10;
        const originVerify = this.createOriginVerifySecret(name, args);
        const apiFunction = this.createFunction(name, args, originVerify.value, timeoutSeconds);
        const routes = this.createRoutes(name, args, apiFunction, stageName);
        const restApi = routes.restApi;
        const deployment = this.createDeployment(name, routes);
        const logGroups = this.createStageLogGroups(name, args, restApi, stageName);
        // Stage logging needs the account-level CloudWatch role. It is one setting per account
        // and region, so a config switch says whether this stack owns it.
        const stageDependencies: pulumi.Resource[] = [logGroups.execution, logGroups.access];
        if (args.manageApiGatewayAccount) stageDependencies.push(this.createAccountLogging(name, args));
        const accessLogGroup = logGroups.access;
        const stage = this.createStage(name, args, {
            restApi,
            deployment,
            stageName,
            accessLogGroup,
            stageDependencies,
        });
        this.createWebAcl(name, args, originVerify.value, stage);

        this.restApiId = restApi.id;
        this.restApiName = restApi.name;
        this.stageName = stageName;
        this.originDomainName = pulumi.interpolate`${restApi.id}.execute-api.${region}.amazonaws.com`;
        this.originVerifySecret = originVerify.value.value;
        this.originVerifySecretArn = originVerify.secret.arn;
        this.functionName = apiFunction.fn.name;
        this.functionTimeoutSeconds = timeoutSeconds;
        this.accessLogGroupName = accessLogGroup.name;
        this.registerOutputs({
            restApiId: this.restApiId,
            stageName: this.stageName,
            originDomainName: this.originDomainName,
            originVerifySecretArn: this.originVerifySecretArn,
            functionName: this.functionName,
        });
    }

    /** The origin-verify value, kept in Secrets Manager under its own key for internal callers. */
    private createOriginVerifySecret(name: string, args: ApiArgs) {
        const names = args.names;
        const region = names.region;
        const originVerify = new GeneratedSecret(`${name}-origin-verify-value`, { bytes: 32 }, { parent: this });
        const secretKey = createStackKey(
            `${name}-secret-key`,
            {
                names,
                alias: "origin-verify",
                purpose: "origin-verify secret",
                // Callers in other accounts need the key policy's word as well as the secret's.
                users:
                    args.internalCallerRoleArns.length === 0
                        ? []
                        : [
                              {
                                  sid: "InternalCallersDecryptThroughSecretsManager",
                                  principal: { AWS: args.internalCallerRoleArns },
                                  actions: ["kms:Decrypt"],
                                  condition: {
                                      StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` },
                                  },
                              },
                          ],
            },
            { parent: this },
        );
        const secret = new aws.secretsmanager.Secret(
            `${name}-origin-verify`,
            {
                name: names.originVerifySecret,
                description: "Value of the x-origin-verify header the API's web ACL requires",
                kmsKeyId: secretKey.arn,
                recoveryWindowInDays: 7,
            },
            { parent: this },
        );
        new aws.secretsmanager.SecretVersion(
            `${name}-origin-verify-version`,
            { secretId: secret.id, secretString: originVerify.value },
            { parent: this },
        );
        if (args.internalCallerRoleArns.length > 0) {
            new aws.secretsmanager.SecretPolicy(
                `${name}-origin-verify-policy`,
                {
                    secretArn: secret.arn,
                    blockPublicPolicy: true,
                    policy: policyDocument([
                        {
                            Sid: "InternalCallersReadOriginVerify",
                            Effect: "Allow",
                            Principal: { AWS: args.internalCallerRoleArns },
                            Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                            // In a secret's resource policy "*" means this secret (AWS's documented form).
                            Resource: "*",
                        },
                    ]),
                },
                { parent: this },
            );
        }
        return { value: originVerify, secret };
    }

    private createFunction(
        name: string,
        args: ApiArgs,
        originVerify: GeneratedSecret,
        timeoutSeconds: number,
    ): VpcFunction {
        const names = args.names;
        const region = names.region;
        return createVpcFunction(
            `${name}-handler`,
            {
                functionName: names.apiFunction,
                sourceDir: "api",
                description: "Items API behind API Gateway (Lambda proxy integration)",
                region,
                accountId: names.accountId,
                privateSubnetIds: args.privateSubnetIds,
                securityGroupIds: [args.securityGroupId],
                statements: [
                    {
                        Sid: "ReadWriteItems",
                        Effect: "Allow",
                        Action: [
                            "dynamodb:GetItem",
                            "dynamodb:PutItem",
                            "dynamodb:UpdateItem",
                            "dynamodb:DeleteItem",
                            "dynamodb:Scan",
                        ],
                        Resource: args.tableArn,
                    },
                    {
                        Sid: "PublishChanges",
                        Effect: "Allow",
                        Action: ["kinesis:PutRecord", "kinesis:PutRecords"],
                        Resource: args.streamArn,
                    },
                    // Decrypt: the environment (the origin-verify value). No GenerateDataKey: DynamoDB
                    // encrypts items with the grants it made at table creation, not the caller's rights.
                    kmsUseStatement("DecryptEnvironment", [args.tableKeyArn], { decrypt: true }),
                    kmsUseStatement("EncryptChangeRecords", [args.streamKeyArn], { encrypt: true }),
                ],
                environment: apiEnvironment(args, originVerify.value),
                environmentKeyArn: args.tableKeyArn,
                logsKeyArn: args.logsKeyArn,
                logRetentionDays: args.logRetentionDays,
                timeoutSeconds,
                memoryMb: 256,
                reservedConcurrency: args.reservedConcurrency,
            },
            this,
        );
    }

    /** The REST API's `/api/{proxy+}` resource, proxying every method to the function, and who may invoke it. */
    private createRoutes(name: string, args: ApiArgs, apiFunction: VpcFunction, stageName: string): Routes {
        const names = args.names;
        const restApi = new aws.apigateway.RestApi(
            `${name}-rest-api`,
            {
                name: names.restApi,
                description: "Items API; reachable through CloudFront (/api/*) and internal callers",
                endpointConfiguration: { types: "REGIONAL" },
            },
            { parent: this },
        );
        const basePath = contract.api.basePath.replace(/^\//, ""); // "api"
        const apiResource = new aws.apigateway.Resource(
            `${name}-api-resource`,
            { restApi: restApi.id, parentId: restApi.rootResourceId, pathPart: basePath },
            { parent: this },
        );
        const proxyResource = new aws.apigateway.Resource(
            `${name}-proxy-resource`,
            { restApi: restApi.id, parentId: apiResource.id, pathPart: "{proxy+}" },
            { parent: this },
        );
        // Authorization is the web ACL's origin-verify rule plus the handler's own validation;
        // there are no end-user identities in this app.
        const proxyMethod = new aws.apigateway.Method(
            `${name}-proxy-any`,
            { restApi: restApi.id, resourceId: proxyResource.id, httpMethod: "ANY", authorization: "NONE" },
            { parent: this },
        );
        const proxyIntegration = new aws.apigateway.Integration(
            `${name}-proxy-integration`,
            {
                restApi: restApi.id,
                resourceId: proxyResource.id,
                httpMethod: proxyMethod.httpMethod,
                type: "AWS_PROXY",
                integrationHttpMethod: "POST", // Lambda is always invoked with POST
                uri: apiFunction.fn.invokeArn,
                timeoutMilliseconds: 29000,
            },
            { parent: this },
        );
        new aws.lambda.Permission(
            `${name}-invoke-permission`,
            {
                function: apiFunction.fn.name,
                action: "lambda:InvokeFunction",
                principal: "apigateway.amazonaws.com",
                // Only this API's stage, on the proxy resource.
                sourceArn: pulumi.interpolate`${restApi.executionArn}/${stageName}/*/${basePath}/*`,
            },
            { parent: this },
        );
        return { restApi, apiResource, proxyResource, proxyMethod, proxyIntegration };
    }

    private createDeployment(name: string, routes: Routes): aws.apigateway.Deployment {
        const { restApi, apiResource, proxyResource, proxyMethod, proxyIntegration } = routes;
        return new aws.apigateway.Deployment(
            `${name}-deployment`,
            {
                restApi: restApi.id,
                description: "Managed by Pulumi",
                // A new deployment whenever the routes change (a stage serves a snapshot).
                triggers: {
                    redeployment: pulumi
                        .all([
                            apiResource.id,
                            proxyResource.id,
                            proxyMethod.id,
                            proxyIntegration.id,
                            proxyIntegration.uri,
                        ])
                        .apply((parts) => crypto.createHash("sha256").update(parts.join("|")).digest("hex")),
                },
            },
            { parent: this, dependsOn: [proxyMethod, proxyIntegration] },
        );
    }

    private createStageLogGroups(name: string, args: ApiArgs, restApi: aws.apigateway.RestApi, stageName: string) {
        const names = args.names;
        const accessLogGroup = new aws.cloudwatch.LogGroup(
            `${name}-access-logs`,
            {
                name: `/aws/apigateway/${names.restApi}/${stageName}/access`,
                retentionInDays: args.logRetentionDays,
                kmsKeyId: args.logsKeyArn,
            },
            { parent: this },
        );
        // API Gateway writes execution logs to this exact name; creating it first gives it
        // retention and encryption (API Gateway would create it with neither).
        const executionLogGroup = new aws.cloudwatch.LogGroup(
            `${name}-execution-logs`,
            {
                name: pulumi.interpolate`API-Gateway-Execution-Logs_${restApi.id}/${stageName}`,
                retentionInDays: args.logRetentionDays,
                kmsKeyId: args.logsKeyArn,
            },
            { parent: this },
        );
        return { access: accessLogGroup, execution: executionLogGroup };
    }

    /** API Gateway's account-level CloudWatch Logs role and the log group its first message goes to. */
    private createAccountLogging(name: string, args: ApiArgs): aws.apigateway.Account {
        const names = args.names;
        const region = names.region;
        const cloudwatchRole = new aws.iam.Role(
            `${name}-cloudwatch-role`,
            {
                description: "API Gateway account role: writes execution and access logs of every API in the region",
                assumeRolePolicy: assumeRolePolicy(["apigateway.amazonaws.com"]),
            },
            { parent: this },
        );
        // API Gateway writes execution logs to API-Gateway-Execution-Logs_<api id>/<stage>, the
        // welcome message to /aws/apigateway/welcome, and access logs wherever a stage points;
        // this program's access logs live under /aws/apigateway/. It never reads log events.
        const logGroupArn = (pattern: string) =>
            pulumi.interpolate`arn:${PARTITION}:logs:${region}:${names.accountId}:log-group:${pattern}`;
        const apiLogGroups = ["API-Gateway-Execution-Logs_*", "/aws/apigateway/*"].flatMap((pattern) => [
            logGroupArn(pattern),
            logGroupArn(`${pattern}:log-stream:*`),
        ]);
        const cloudwatchPolicy = new aws.iam.RolePolicy(
            `${name}-cloudwatch-policy`,
            {
                role: cloudwatchRole.id,
                // The write actions of the AmazonAPIGatewayPushToCloudWatchLogs managed policy
                // (not its GetLogEvents/FilterLogEvents: API Gateway only writes), scoped to the
                // log groups API Gateway writes in this account and region.
                policy: policyDocument([
                    {
                        Sid: "WriteApiLogs",
                        Effect: "Allow",
                        Action: [
                            "logs:CreateLogGroup",
                            "logs:CreateLogStream",
                            "logs:DescribeLogStreams",
                            "logs:PutLogEvents",
                        ],
                        Resource: apiLogGroups,
                    },
                    { Sid: "FindLogGroups", Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: "*" },
                ]),
            },
            { parent: this },
        );
        // Setting the account role makes API Gateway write a first message to this group; made
        // first, it has retention and the logs key instead of neither.
        const welcomeLogGroup = new aws.cloudwatch.LogGroup(
            `${name}-welcome-logs`,
            { name: "/aws/apigateway/welcome", retentionInDays: args.logRetentionDays, kmsKeyId: args.logsKeyArn },
            { parent: this },
        );
        return new aws.apigateway.Account(
            `${name}-account`,
            { cloudwatchRoleArn: cloudwatchRole.arn },
            { parent: this, dependsOn: [cloudwatchPolicy, welcomeLogGroup] },
        );
    }

    private createStage(name: string, args: ApiArgs, parts: StageParts): aws.apigateway.Stage {
        const { restApi, deployment, stageName, accessLogGroup, stageDependencies } = parts;
        const stage = new aws.apigateway.Stage(
            `${name}-stage`,
            {
                restApi: restApi.id,
                deployment: deployment.id,
                stageName,
                xrayTracingEnabled: true,
                cacheClusterEnabled: false,
                accessLogSettings: {
                    destinationArn: accessLogGroup.arn,
                    format: JSON.stringify({
                        requestId: "$context.requestId",
                        extendedRequestId: "$context.extendedRequestId",
                        ip: "$context.identity.sourceIp",
                        requestTime: "$context.requestTime",
                        httpMethod: "$context.httpMethod",
                        path: "$context.path",
                        status: "$context.status",
                        responseLength: "$context.responseLength",
                        integrationLatency: "$context.integrationLatency",
                        integrationStatus: "$context.integration.status",
                        wafStatus: "$context.waf.status",
                        xrayTraceId: "$context.xrayTraceId",
                    }),
                },
            },
            { parent: this, dependsOn: stageDependencies },
        );
        new aws.apigateway.MethodSettings(
            `${name}-method-settings`,
            {
                restApi: restApi.id,
                stageName: stage.stageName,
                methodPath: "*/*",
                settings: {
                    metricsEnabled: true,
                    loggingLevel: "ERROR",
                    // Full request/response logging would write item bodies to the logs.
                    dataTraceEnabled: false,
                    throttlingRateLimit: args.throttlingRateLimit ?? 50,
                    throttlingBurstLimit: args.throttlingBurstLimit ?? 100,
                    cachingEnabled: false,
                },
            },
            { parent: this },
        );
        return stage;
    }

    /** The stage's regional web ACL: only holders of the origin-verify secret get in. */
    private createWebAcl(name: string, args: ApiArgs, originVerify: GeneratedSecret, stage: aws.apigateway.Stage) {
        const names = args.names;
        const region = names.region;
        const webAcl = new aws.wafv2.WebAcl(
            `${name}-web-acl`,
            {
                name: `${names.prefix}-api-origin-verify`,
                // WAFv2 descriptions match ^[\w+=:#@/\-,\.][\w+=:#@/\-,\.\s]+[\w+=:#@/\-,\.]$ (no
                // apostrophe): the provider checks only the length, so only CreateWebACL would fail.
                description: "Blocks requests to the API stage without the origin-verify header CloudFront adds",
                scope: "REGIONAL",
                defaultAction: { allow: {} },
                rules: [originVerifyRule(originVerify.value)],
                visibilityConfig: webAclVisibility(`${names.prefix}-api-origin-verify`),
            },
            { parent: this },
        );
        new aws.wafv2.WebAclAssociation(
            `${name}-web-acl-association`,
            { resourceArn: stage.arn, webAclArn: webAcl.arn },
            { parent: this },
        );
        createWebAclLogging(
            `${name}-web-acl`,
            {
                names,
                webAclArn: webAcl.arn,
                region,
                logGroupSuffix: "api",
                logsKeyArn: args.logsKeyArn,
                logRetentionDays: args.logRetentionDays,
            },
            { parent: this },
        );
    }
}
