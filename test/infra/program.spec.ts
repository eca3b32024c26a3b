/**
 * What must hold of the deployed program, per tier, read from what the engine would see
 * (the dev stack under the gate's recording mock monitor, every output resolved).
 */
import { expect } from "chai";
import { CONTENT_SECURITY_POLICY } from "../../infra/lib/security-headers";
import {
    Program,
    T,
    actions,
    byOutput,
    named,
    ofType,
    policyDocuments,
    program,
    regionOf,
    statements,
} from "./program";

describe("infra program (dev stack, resolved)", () => {
    let p: Program;
    before(async () => {
        p = await program("resolved");
    });

    describe("composition", () => {
        it("builds the six tier components with their type tokens", () => {
            const components = p.resources.filter((r) => r.type.startsWith("secure-web-app:")).map((r) => r.type);
            expect(components).to.have.members([
                "secure-web-app:network:Network",
                "secure-web-app:data:Data",
                "secure-web-app:streaming:Streaming",
                "secure-web-app:api:Api",
                "secure-web-app:frontend:Frontend",
                "secure-web-app:monitoring:Monitoring",
            ]);
        });

        it("parents every AWS resource to a tier component", () => {
            const orphans = p.resources.filter((r) => r.type.startsWith("aws:") && !/secure-web-app:\w+:\w+\$/.test(r.urn));
            expect(orphans.map((r) => r.name)).to.deep.equal([]);
        });

        it("exports the site URL, API URL, names, topic and dashboard", () => {
            const o = p.stackOutputs;
            expect(o.siteUrl).to.match(/^https:\/\//);
            expect(o.apiUrl).to.equal(`${o.siteUrl}/api`);
            for (const key of ["tableName", "streamName", "processedBucketName", "siteBucketName", "alertTopicArn"]) {
                expect(o[key], key).to.be.a("string").and.not.equal("");
            }
            expect(o.dashboardUrl).to.match(/^https:\/\/us-west-2\.console\.aws\.amazon\.com\/cloudwatch\/.*dashboards/);
        });

        it("registers the same resources in a first preview, with outputs not yet known", async () => {
            const first = await program("first-preview");
            expect(first.resources.map((r) => r.urn).sort()).to.deep.equal(p.resources.map((r) => r.urn).sort());
        });

        it("tags every resource through both providers' default tags", () => {
            const providers = ofType(p, T.provider);
            expect(providers.map((r) => r.inputs.region)).to.have.members(["us-west-2", "us-east-1"]);
            for (const provider of providers) {
                const tags = JSON.parse(String(provider.inputs.defaultTags)).tags;
                expect(tags).to.include({ project: "secure-web-app", stack: "dev", owner: "platform-team" });
            }
        });
    });

    describe("network", () => {
        it("turns on DNS support and hostnames (private DNS of the Kinesis endpoint needs both)", () => {
            const vpc = ofType(p, "aws:ec2/vpc:Vpc")[0];
            expect(vpc.inputs).to.include({ enableDnsSupport: true, enableDnsHostnames: true });
        });

        it("puts every VPC function in private subnets: no route to the internet gateway", () => {
            const igwIds = ofType(p, T.internetGateway).map((g) => g.outputs.id);
            const vpcFunctions = ofType(p, T.function).filter((f) => f.inputs.vpcConfig);
            expect(vpcFunctions).to.have.length(2);
            for (const fn of vpcFunctions) {
                const subnetIds = (fn.inputs.vpcConfig as { subnetIds: string[] }).subnetIds;
                expect(subnetIds.length, fn.name).to.be.at.least(2);
                for (const subnetId of subnetIds) {
                    const routeTables = ofType(p, T.routeTableAssociation)
                        .filter((a) => a.inputs.subnetId === subnetId)
                        .map((a) => a.inputs.routeTableId);
                    expect(routeTables, `${fn.name} ${subnetId}`).to.have.length(1);
                    const routes = ofType(p, T.route).filter((r) => routeTables.includes(r.inputs.routeTableId));
                    expect(routes.some((r) => igwIds.includes(r.inputs.gatewayId)), `${fn.name} ${subnetId}`).to.equal(false);
                }
            }
        });

        it("spreads each VPC function over two availability zones", () => {
            for (const fn of ofType(p, T.function).filter((f) => f.inputs.vpcConfig)) {
                const zones = (fn.inputs.vpcConfig as { subnetIds: string[] }).subnetIds.map(
                    (id) => byOutput(p, T.subnet, id)!.inputs.availabilityZone,
                );
                expect(new Set(zones).size, fn.name).to.equal(2);
            }
        });

        it("attaches the S3 and DynamoDB gateway endpoints to every private route table", () => {
            const privateTables = ofType(p, T.routeTableAssociation)
                .filter((a) => /private/.test(a.name))
                .map((a) => a.inputs.routeTableId);
            for (const service of ["s3", "dynamodb"]) {
                const endpoint = ofType(p, T.vpcEndpoint).find((e) => e.inputs.serviceName === `com.amazonaws.us-west-2.${service}`)!;
                expect(endpoint.inputs.vpcEndpointType).to.equal("Gateway");
                expect(endpoint.inputs.routeTableIds).to.have.members(privateTables);
            }
        });

        it("restricts every endpoint policy to this stack's resources and account", () => {
            const outputs = p.stackOutputs;
            for (const endpoint of ofType(p, T.vpcEndpoint)) {
                for (const s of statements(endpoint.inputs.policy)) {
                    expect(s.Condition?.StringEquals?.["aws:PrincipalAccount"], endpoint.name).to.equal("123456789012");
                    const resources = ([] as string[]).concat(s.Resource ?? []);
                    expect(resources.every((r) => r.includes(String(outputs.tableName)) || r.includes(String(outputs.streamName)) || r.includes(String(outputs.processedBucketName))), endpoint.name).to.equal(true);
                }
            }
        });

        it("gives Lambda security groups no ingress and only HTTPS egress to the endpoints", () => {
            const endpointSg = named(p, T.securityGroup, "network-endpoint-sg").outputs.id;
            const prefixLists = ofType(p, T.vpcEndpoint).map((e) => e.outputs.prefixListId).filter(Boolean);
            for (const name of ["network-api-fn-sg", "network-stream-processor-fn-sg"]) {
                const sg = named(p, T.securityGroup, name);
                expect(sg.inputs.ingress ?? [], name).to.deep.equal([]);
                const egress = sg.inputs.egress as { fromPort: number; toPort: number; cidrBlocks?: string[]; securityGroups?: string[]; prefixListIds?: string[] }[];
                expect(egress.length, name).to.be.greaterThan(0);
                for (const rule of egress) {
                    expect([rule.fromPort, rule.toPort], name).to.deep.equal([443, 443]);
                    expect(rule.cidrBlocks ?? [], name).to.deep.equal([]);
                    const targets = [...(rule.securityGroups ?? []), ...(rule.prefixListIds ?? [])];
                    expect(targets.every((t) => t === endpointSg || prefixLists.includes(t)), name).to.equal(true);
                }
            }
        });

        it("empties the default security group and logs all VPC traffic to an encrypted group", () => {
            const defaultSg = ofType(p, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")[0];
            expect(defaultSg.inputs.ingress ?? []).to.deep.equal([]);
            expect(defaultSg.inputs.egress ?? []).to.deep.equal([]);
            const flowLog = ofType(p, "aws:ec2/flowLog:FlowLog")[0];
            expect(flowLog.inputs.trafficType).to.equal("ALL");
            const group = byOutput(p, T.logGroup, flowLog.inputs.logDestination)!;
            expect(group.inputs.kmsKeyId).to.be.a("string");
        });

        it("creates one NAT gateway by default and one per AZ with natStrategy perAz", async () => {
            expect(ofType(p, T.natGateway)).to.have.length(1);
            const perAz = await program("resolved", { "secure-web-app:natStrategy": "perAz", "secure-web-app:azCount": "3" });
            expect(ofType(perAz, T.natGateway)).to.have.length(3);
        });
    });

    describe("data", () => {
        it("makes the table on-demand with PITR, a customer-managed key and deletion protection", () => {
            const table = ofType(p, T.table)[0];
            expect(table.inputs.billingMode).to.equal("PAY_PER_REQUEST");
            expect(table.inputs.pointInTimeRecovery).to.deep.include({ enabled: true });
            const sse = table.inputs.serverSideEncryption as { enabled: boolean; kmsKeyArn: string };
            expect(sse.enabled).to.equal(true);
            const key = byOutput(p, T.key, sse.kmsKeyArn);
            expect(key, "table key is a key of this stack").to.not.equal(undefined);
            expect(key!.inputs.enableKeyRotation).to.equal(true);
            expect(table.inputs.deletionProtectionEnabled).to.equal(true);
        });
    });

    describe("API", () => {
        it("is a REGIONAL REST API proxying /api/{proxy+} to the function", () => {
            const api = ofType(p, "aws:apigateway/restApi:RestApi")[0];
            expect(api.inputs.endpointConfiguration).to.deep.include({ types: "REGIONAL" });
            const integration = ofType(p, "aws:apigateway/integration:Integration")[0];
            expect(integration.inputs).to.include({ type: "AWS_PROXY", integrationHttpMethod: "POST" });
            const paths = ofType(p, "aws:apigateway/resource:Resource").map((r) => r.inputs.pathPart);
            expect(paths).to.have.members(["api", "{proxy+}"]);
        });

        it("logs the stage (access + pre-created execution group), traces it and throttles it", () => {
            const stage = ofType(p, T.stage)[0];
            expect(stage.inputs.xrayTracingEnabled).to.equal(true);
            const access = byOutput(p, T.logGroup, (stage.inputs.accessLogSettings as { destinationArn: string }).destinationArn)!;
            expect(access.inputs.retentionInDays).to.equal(365);
            const apiId = ofType(p, "aws:apigateway/restApi:RestApi")[0].outputs.id;
            const execution = ofType(p, T.logGroup).find((g) => g.inputs.name === `API-Gateway-Execution-Logs_${apiId}/v1`)!;
            expect(execution.inputs.kmsKeyId).to.be.a("string");
            expect(stage.dependencies).to.include(execution.urn);
            const settings = ofType(p, "aws:apigateway/methodSettings:MethodSettings")[0].inputs.settings as Record<string, unknown>;
            expect(settings).to.include({ metricsEnabled: true, loggingLevel: "ERROR", dataTraceEnabled: false });
            expect(settings.throttlingRateLimit).to.be.a("number");
        });

        it("guards the stage with a regional web ACL whose priority-0 rule blocks requests without the origin-verify header", () => {
            const acl = ofType(p, T.webAcl).find((a) => a.inputs.scope === "REGIONAL")!;
            const rules = acl.inputs.rules as { priority: number; action: unknown; statement: { notStatement?: { statement: { byteMatchStatement: { fieldToMatch: { singleHeader: { name: string } } } } } } }[];
            const first = rules.find((r) => r.priority === 0)!;
            expect(first.action).to.deep.equal({ block: {} });
            expect(first.statement.notStatement!.statement.byteMatchStatement.fieldToMatch.singleHeader.name).to.equal("x-origin-verify");
            const association = ofType(p, "aws:wafv2/webAclAssociation:WebAclAssociation")[0];
            expect(association.inputs.resourceArn).to.equal(ofType(p, T.stage)[0].outputs.arn);
        });

        it("keeps the origin-verify value in Secrets Manager under a KMS key, as a Pulumi secret", () => {
            const secret = ofType(p, "aws:secretsmanager/secret:Secret")[0];
            expect(byOutput(p, T.key, secret.inputs.kmsKeyId)).to.not.equal(undefined);
            expect(ofType(p, "pulumi-nodejs:dynamic/secure-web-app:GeneratedSecret")).to.have.length(1);
        });

        it("grants the internal caller roles from config, and only then, read access to the secret", async () => {
            expect(ofType(p, "aws:secretsmanager/secretPolicy:SecretPolicy")).to.have.length(0);
            const role = "arn:aws:iam::210987654321:role/reporting";
            const withCallers = await program("resolved", { "secure-web-app:internalCallerRoleArns": JSON.stringify([role]) });
            const policy = ofType(withCallers, "aws:secretsmanager/secretPolicy:SecretPolicy")[0];
            const [grant] = statements(policy.inputs.policy);
            expect(grant.Principal).to.deep.equal({ AWS: [role] });
            expect(actions(grant)).to.include("secretsmanager:GetSecretValue");
            const key = named(withCallers, T.key, "api-secret-key");
            const keyGrant = statements(key.inputs.policy).find((s) => s.Sid === "InternalCallersDecryptThroughSecretsManager")!;
            expect(keyGrant.Condition?.StringEquals?.["kms:ViaService"]).to.equal("secretsmanager.us-west-2.amazonaws.com");
        });
    });

    describe("functions and roles", () => {
        it("makes every function wait for its role POLICY and its log group", () => {
            for (const fn of ofType(p, T.function)) {
                const role = byOutput(p, T.role, fn.inputs.role)!;
                const policy = ofType(p, T.rolePolicy).find((rp) => rp.inputs.role === role.outputs.id)!;
                expect(fn.dependencies, fn.name).to.include(policy.urn);
                const group = ofType(p, T.logGroup).find((g) => fn.dependencies.includes(g.urn));
                expect(group, `${fn.name} log group`).to.not.equal(undefined);
                expect(group!.inputs.retentionInDays).to.equal(365);
                expect(group!.inputs.kmsKeyId).to.be.a("string");
            }
        });

        it("names each VPC function's log group /aws/lambda/<function name>", () => {
            for (const fn of ofType(p, T.function).filter((f) => f.inputs.vpcConfig)) {
                expect(ofType(p, T.logGroup).map((g) => g.inputs.name)).to.include(`/aws/lambda/${fn.inputs.name}`);
            }
        });

        it("runs Python 3.12 with active tracing and a KMS-encrypted environment (VPC functions)", () => {
            for (const fn of ofType(p, T.function).filter((f) => f.inputs.vpcConfig)) {
                expect(fn.inputs.runtime).to.equal("python3.12");
                expect(fn.inputs.tracingConfig).to.deep.equal({ mode: "Active" });
                expect(byOutput(p, T.key, fn.inputs.kmsKeyArn), fn.name).to.not.equal(undefined);
            }
        });

        it("allows no wildcard action in any policy document of the stack", () => {
            const docs = policyDocuments(p);
            expect(docs.length).to.be.greaterThan(20);
            for (const { resource, property, statements: list } of docs) {
                for (const s of list) {
                    expect(s.NotAction, `${resource.name}.${property}`).to.equal(undefined);
                    for (const action of actions(s)) expect(action, `${resource.name}.${property}`).to.not.include("*");
                }
            }
        });

        it("uses Resource \"*\" in identity policies only for actions without resource types", () => {
            const unscopable = new Set(["xray:PutTraceSegments", "xray:PutTelemetryRecords", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "logs:DescribeLogGroups"]);
            for (const rp of ofType(p, T.rolePolicy)) {
                for (const s of statements(rp.inputs.policy)) {
                    if (([] as string[]).concat(s.Resource ?? []).includes("*")) {
                        expect(actions(s).every((a) => unscopable.has(a)), `${rp.name} ${s.Sid}`).to.equal(true);
                    }
                }
            }
        });

        it("gives the API function exact table, stream and key permissions", () => {
            const policy = named(p, T.rolePolicy, "api-handler-policy");
            const list = statements(policy.inputs.policy);
            const bySid = (sid: string) => list.find((s) => s.Sid === sid)!;
            expect(actions(bySid("ReadWriteItems"))).to.have.members([
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:Scan",
            ]);
            expect(bySid("ReadWriteItems").Resource).to.equal(ofType(p, T.table)[0].outputs.arn);
            expect(actions(bySid("PublishChanges"))).to.have.members(["kinesis:PutRecord", "kinesis:PutRecords"]);
            const eni = bySid("CreateFunctionNetworkInterfaces");
            expect(eni.Resource).to.satisfy((r: string[]) => r.every((arn) => /^arn:aws:ec2:us-west-2:123456789012:(network-interface|subnet|security-group)\//.test(arn)));
        });

        it("gives the stream processor read on the stream, writes under its prefixes and the failure queue", () => {
            const list = statements(named(p, T.rolePolicy, "streaming-processor-policy").inputs.policy);
            const read = list.find((s) => s.Sid === "ReadChangeStream")!;
            expect(actions(read)).to.have.members([
                "kinesis:GetRecords",
                "kinesis:GetShardIterator",
                "kinesis:DescribeStream",
                "kinesis:DescribeStreamSummary",
                "kinesis:ListShards",
            ]);
            const write = list.find((s) => s.Sid === "WriteProcessedObjects")!;
            expect(write.Resource).to.satisfy((r: string[]) => r.length === 2 && r.every((arn) => /\/(processed|errors)\/\*$/.test(arn)));
            expect(actions(list.find((s) => s.Sid === "SendFailureRecords")!)).to.deep.equal(["sqs:SendMessage"]);
        });

        it("trusts the edge function's role to lambda and edgelambda, publishes it in us-east-1 without environment", () => {
            const edge = ofType(p, T.function).find((f) => f.inputs.publish === true)!;
            expect(regionOf(p, edge)).to.equal("us-east-1");
            expect(edge.inputs.environment).to.equal(undefined);
            expect(edge.inputs.vpcConfig).to.equal(undefined);
            const role = byOutput(p, T.role, edge.inputs.role)!;
            const [trust] = statements(role.inputs.assumeRolePolicy);
            expect((trust.Principal as { Service: string[] }).Service).to.have.members(["lambda.amazonaws.com", "edgelambda.amazonaws.com"]);
        });
    });

    describe("streaming", () => {
        it("encrypts the stream with a stack key", () => {
            const stream = ofType(p, "aws:kinesis/stream:Stream")[0];
            expect(stream.inputs.encryptionType).to.equal("KMS");
            expect(byOutput(p, T.key, stream.inputs.kmsKeyId)).to.not.equal(undefined);
        });

        it("maps the stream with partial batch failures, bisect, bounded retries and an encrypted on-failure queue", () => {
            const esm = ofType(p, T.esm)[0];
            expect(esm.inputs.functionResponseTypes).to.deep.equal(["ReportBatchItemFailures"]);
            expect(esm.inputs.bisectBatchOnFunctionError).to.equal(true);
            expect(esm.inputs.maximumRetryAttempts).to.be.within(0, 10);
            expect(esm.inputs.maximumRecordAgeInSeconds).to.be.within(60, 86400);
            const queueArn = (esm.inputs.destinationConfig as { onFailure: { destinationArn: string } }).onFailure.destinationArn;
            const queue = byOutput(p, "aws:sqs/queue:Queue", queueArn)!;
            expect(byOutput(p, T.key, queue.inputs.kmsMasterKeyId)).to.not.equal(undefined);
            const policy = named(p, T.rolePolicy, "streaming-processor-policy");
            expect(esm.dependencies).to.include(policy.urn);
        });

        it("sizes a provisioned stream from config and keeps records for Kinesis's default day (no extended retention)", () => {
            const stream = ofType(p, "aws:kinesis/stream:Stream")[0];
            expect(stream.inputs.shardCount).to.equal(1);
            expect(stream.inputs.streamModeDetails).to.deep.equal({ streamMode: "PROVISIONED" });
            expect(stream.inputs.retentionPeriod).to.equal(24);
        });
    });

    describe("buckets", () => {
        it("blocks all four kinds of public access on every bucket", () => {
            for (const bucket of ofType(p, T.bucket)) {
                const block = ofType(p, T.publicAccessBlock).find((b) => b.inputs.bucket === bucket.outputs.id)!;
                expect(block.inputs, bucket.name).to.include({
                    blockPublicAcls: true,
                    blockPublicPolicy: true,
                    ignorePublicAcls: true,
                    restrictPublicBuckets: true,
                });
            }
        });

        it("denies plain HTTP on every bucket", () => {
            for (const bucket of ofType(p, T.bucket)) {
                const policy = ofType(p, T.bucketPolicy).find((b) => b.inputs.bucket === bucket.outputs.id)!;
                const deny = statements(policy.inputs.policy).find((s) => s.Sid === "DenyInsecureTransport")!;
                expect(deny.Effect).to.equal("Deny");
                expect(deny.Condition).to.deep.equal({ Bool: { "aws:SecureTransport": "false" } });
            }
        });

        it("lets only this distribution read the site bucket through OAC", () => {
            const site = named(p, T.bucket, "frontend-site");
            const policy = ofType(p, T.bucketPolicy).find((b) => b.inputs.bucket === site.outputs.id)!;
            const read = statements(policy.inputs.policy).find((s) => s.Sid === "CloudFrontOacReadsSite")!;
            expect(read.Principal).to.deep.equal({ Service: "cloudfront.amazonaws.com" });
            expect(read.Condition?.StringEquals?.["AWS:SourceArn"]).to.equal(ofType(p, T.distribution)[0].outputs.arn);
        });

        it("uploads every site file with its content type", () => {
            const objects = ofType(p, T.bucketObject);
            const index = objects.find((o) => o.inputs.key === "index.html");
            expect(index, "site/index.html uploaded").to.not.equal(undefined);
            expect(index!.inputs.contentType).to.equal("text/html; charset=utf-8");
            for (const o of objects) expect(o.inputs.contentType, String(o.inputs.key)).to.not.equal("application/octet-stream");
        });
    });

    describe("frontend", () => {
        it("serves over HTTPS with HTTP/2+3, a default root object and the security headers", () => {
            const d = ofType(p, T.distribution)[0].inputs as Record<string, any>;
            expect(d.httpVersion).to.equal("http2and3");
            expect(d.defaultRootObject).to.equal("index.html");
            expect(d.defaultCacheBehavior.viewerProtocolPolicy).to.equal("redirect-to-https");
            expect(d.orderedCacheBehaviors[0].viewerProtocolPolicy).to.equal("https-only");
            const headers = ofType(p, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy")[0].inputs.securityHeadersConfig as Record<string, any>;
            expect(headers.contentSecurityPolicy.contentSecurityPolicy).to.equal(CONTENT_SECURITY_POLICY);
            expect(headers.frameOptions.frameOption).to.equal("DENY");
            expect(headers.strictTransportSecurity.accessControlMaxAgeSec).to.be.at.least(31536000);
        });

        it("routes /api/* to the stage without caching, with the origin-verify header", () => {
            const d = ofType(p, T.distribution)[0].inputs as Record<string, any>;
            const api = d.orderedCacheBehaviors.find((b: any) => b.pathPattern === "/api/*");
            expect(api.cachePolicyId).to.equal("4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
            expect(api.originRequestPolicyId).to.equal("b689b0a8-53d0-40ab-baf2-68738e2966ac");
            const origin = d.origins.find((o: any) => o.originId === api.targetOriginId);
            expect(origin.originPath).to.equal("/v1");
            expect(origin.customOriginConfig.originProtocolPolicy).to.equal("https-only");
            expect(origin.customHeaders.map((h: any) => h.name)).to.deep.equal(["x-origin-verify"]);
        });

        it("attaches a CloudFront-scope web ACL made in us-east-1 with managed rules and a rate limit", () => {
            const acl = ofType(p, T.webAcl).find((a) => a.inputs.scope === "CLOUDFRONT")!;
            expect(regionOf(p, acl)).to.equal("us-east-1");
            const rules = acl.inputs.rules as any[];
            const groups = rules.map((r) => r.statement.managedRuleGroupStatement?.name).filter(Boolean);
            expect(groups).to.have.members(["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet"]);
            expect(rules.some((r) => r.statement.rateBasedStatement?.aggregateKeyType === "IP")).to.equal(true);
            expect(ofType(p, T.distribution)[0].inputs.webAclId).to.equal(acl.outputs.arn);
        });

        it("logs with standard logging v2 from us-east-1 to a bucket without ACLs", () => {
            const source = ofType(p, "aws:cloudwatch/logDeliverySource:LogDeliverySource")[0];
            expect(source.inputs).to.include({ logType: "ACCESS_LOGS", resourceArn: ofType(p, T.distribution)[0].outputs.arn });
            for (const t of ["aws:cloudwatch/logDeliverySource:LogDeliverySource", "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination", "aws:cloudwatch/logDelivery:LogDelivery"]) {
                expect(regionOf(p, ofType(p, t)[0]), t).to.equal("us-east-1");
            }
            const ownership = ofType(p, "aws:s3/bucketOwnershipControls:BucketOwnershipControls");
            expect(ownership.every((o) => (o.inputs.rule as { objectOwnership: string }).objectOwnership === "BucketOwnerEnforced")).to.equal(true);
        });

        it("requires TLS 1.2 from viewers when a custom domain and us-east-1 certificate are set", async () => {
            const custom = await program("resolved", {
                "secure-web-app:customDomain": "app.example.com",
                "secure-web-app:acmCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
            });
            const d = ofType(custom, T.distribution)[0].inputs as Record<string, any>;
            expect(d.aliases).to.deep.equal(["app.example.com"]);
            expect(d.viewerCertificate).to.include({ minimumProtocolVersion: "TLSv1.2_2021", sslSupportMethod: "sni-only" });
            expect(custom.stackOutputs.siteUrl).to.equal("https://app.example.com");
        });
    });

    describe("keys and monitoring", () => {
        const grants = (key: { inputs: Record<string, unknown> }, service: string) =>
            statements(key.inputs.policy).filter((s) => JSON.stringify(s.Principal ?? "").includes(service));

        it("lets CloudWatch Logs use every log group's key, limited by the encryption-context condition", () => {
            for (const group of ofType(p, T.logGroup)) {
                const key = byOutput(p, T.key, group.inputs.kmsKeyId)!;
                const region = regionOf(p, group);
                expect(regionOf(p, key), group.name).to.equal(region);
                const [grant] = grants(key, `logs.${region}.amazonaws.com`);
                expect(grant, `${group.name}: key grants logs.${region}`).to.not.equal(undefined);
                expect(grant.Condition?.ArnLike?.["kms:EncryptionContext:aws:logs:arn"]).to.equal(`arn:aws:logs:${region}:123456789012:log-group:*`);
            }
        });

        it("lets CloudWatch alarms publish to each encrypted topic (key grant + topic policy)", () => {
            for (const topic of ofType(p, T.topic)) {
                const key = byOutput(p, T.key, topic.inputs.kmsMasterKeyId)!;
                expect(grants(key, "cloudwatch.amazonaws.com"), topic.name).to.have.length(1);
                const policy = ofType(p, T.topicPolicy).find((tp) => tp.inputs.arn === topic.outputs.arn)!;
                const [publish] = statements(policy.inputs.policy);
                expect(publish.Principal).to.deep.equal({ Service: "cloudwatch.amazonaws.com" });
                expect(publish.Condition?.StringEquals?.["aws:SourceAccount"]).to.equal("123456789012");
                expect(String(publish.Condition?.ArnLike?.["aws:SourceArn"])).to.match(new RegExp(`^arn:aws:cloudwatch:${regionOf(p, topic)}:123456789012:alarm:`));
            }
        });

        it("grants log delivery the access-log bucket's key, limited to this account's delivery sources", () => {
            const bucket = named(p, T.bucket, "frontend-access-logs");
            const sse = ofType(p, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").find((c) => c.inputs.bucket === bucket.outputs.id)!;
            const keyArn = (sse.inputs.rules as any[])[0].applyServerSideEncryptionByDefault.kmsMasterKeyId;
            const [grant] = grants(byOutput(p, T.key, keyArn)!, "delivery.logs.amazonaws.com");
            expect(grant.Condition?.ArnLike?.["aws:SourceArn"]).to.equal("arn:aws:logs:us-east-1:123456789012:delivery-source:*");
        });

        it("rotates every key and never grants kms:* in a key policy", () => {
            for (const key of ofType(p, T.key)) {
                expect(key.inputs.enableKeyRotation, key.name).to.equal(true);
                for (const s of statements(key.inputs.policy)) expect(actions(s), key.name).to.not.include("kms:*");
            }
        });

        it("points every alarm at a topic of its own region, both on alarm and on OK", () => {
            const alarms = ofType(p, T.alarm);
            expect(alarms.length).to.be.at.least(15);
            for (const alarm of alarms) {
                const targets = alarm.inputs.alarmActions as string[];
                expect(targets, alarm.name).to.have.length.greaterThan(0);
                for (const arn of targets) {
                    const topic = byOutput(p, T.topic, arn);
                    expect(topic, `${alarm.name} -> ${arn}`).to.not.equal(undefined);
                    expect(regionOf(p, topic!), alarm.name).to.equal(regionOf(p, alarm));
                }
                expect(alarm.inputs.okActions, alarm.name).to.deep.equal(targets);
            }
        });

        it("alarms on each tier's metrics, CloudFront's in us-east-1", () => {
            const metrics = ofType(p, T.alarm).map((a) => `${a.inputs.namespace}/${a.inputs.metricName}`);
            for (const m of [
                "AWS/Lambda/Errors",
                "AWS/Lambda/Throttles",
                "AWS/Lambda/Duration",
                "AWS/Lambda/IteratorAge",
                "AWS/ApiGateway/5XXError",
                "AWS/ApiGateway/Latency",
                "AWS/Kinesis/GetRecords.IteratorAgeMilliseconds",
                "AWS/Kinesis/WriteProvisionedThroughputExceeded",
                "AWS/SQS/ApproximateNumberOfMessagesVisible",
                "AWS/DynamoDB/ReadThrottleEvents",
                "AWS/DynamoDB/WriteThrottleEvents",
            ]) {
                expect(metrics, m).to.include(m);
            }
            const cdn = ofType(p, T.alarm).find((a) => a.inputs.namespace === "AWS/CloudFront")!;
            expect(cdn.inputs.dimensions).to.deep.include({ Region: "Global" });
            expect(regionOf(p, cdn)).to.equal("us-east-1");
        });

        it("subscribes the configured addresses to both topics and draws a row per tier", () => {
            const subscriptions = ofType(p, "aws:sns/topicSubscription:TopicSubscription");
            expect(subscriptions.map((s) => s.inputs.endpoint)).to.deep.equal(["ops@example.com", "ops@example.com"]);
            const body = JSON.parse(String(ofType(p, "aws:cloudwatch/dashboard:Dashboard")[0].inputs.dashboardBody));
            const rows = body.widgets.filter((w: any) => w.type === "text").map((w: any) => w.properties.markdown);
            expect(rows).to.have.length(5);
        });
    });
});
