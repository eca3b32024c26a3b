/**
 * Deploy and security findings of the review against AWS's documentation: each test failed
 * on the program before its fix (the dev stack, every output resolved).
 */
import { expect } from "chai";
import { apiEnvironment } from "../../infra/api";
import { EDGE_LOG_REGIONS } from "../../infra/edge";
import { Program, T, actions, byOutput, named, ofType, program, regionOf, statements } from "./program";

/** WAFv2's pattern for a web ACL description (botocore wafv2 model, shape EntityDescription). */
const WAF_DESCRIPTION = /^[\w+=:#@/\-,.][\w+=:#@/\-,.\s]+[\w+=:#@/\-,.]$/;
const ORIGIN_VERIFY_HEADER = "x-origin-verify";

describe("infra program: review fixes (dev stack, resolved)", () => {
    let p: Program;
    before(async () => {
        p = await program("resolved");
    });

    it("gives every web ACL a description CreateWebACL accepts (no apostrophe)", () => {
        const acls = ofType(p, T.webAcl);
        expect(acls).to.have.length(2);
        for (const acl of acls) expect(String(acl.inputs.description), acl.name).to.match(WAF_DESCRIPTION);
    });

    it("scopes the VPC functions' interface management as the Lambda guide documents (account resources in the region)", () => {
        const policies = ofType(p, T.rolePolicy).filter((r) => /handler-policy|consumer-policy|-policy$/.test(r.name));
        const manage = policies
            .flatMap((r) => statements(r.inputs.policy))
            .filter((s) => s.Sid === "ManageFunctionNetworkInterfaces");
        expect(manage).to.have.length(2);
        for (const s of manage) {
            expect(actions(s)).to.have.members([
                "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses",
            ]);
            expect(s.Resource).to.equal("arn:aws:ec2:us-west-2:123456789012:*/*");
        }
    });

    it("gives the API function the origin-verify value in its environment, encrypted with a customer key", () => {
        // The generated value is a dynamic resource's output, which the offline engine does not
        // model (it records no value and so no dependency): the environment builder is checked.
        expect(apiEnvironment({ tableName: "t", streamName: "s" }, "the-value")).to.deep.equal({
            TABLE_NAME: "t",
            STREAM_NAME: "s",
            ORIGIN_VERIFY: "the-value",
        });
        const fn = ofType(p, T.function).find((f) => String(f.inputs.name).endsWith("-api"))!;
        expect(fn.inputs.kmsKeyArn)
            .to.be.a("string")
            .and.match(/^arn:aws:kms:us-west-2:/);
    });

    it("limits the API Gateway account role to writing API Gateway's own log groups", () => {
        const policy = named(p, T.rolePolicy, "api-cloudwatch-policy");
        const all = statements(policy.inputs.policy);
        const granted = all.flatMap(actions);
        expect(granted).to.not.include.members(["logs:GetLogEvents"]);
        expect(granted).to.not.include("logs:FilterLogEvents");
        expect(granted).to.not.include("logs:GetLogEvents");
        const write = all.find((s) => s.Sid === "WriteApiLogs")!;
        const resources = ([] as string[]).concat(write.Resource ?? []);
        expect(resources).to.not.include("arn:aws:logs:us-west-2:123456789012:log-group:*");
        for (const r of resources) {
            expect(r).to.match(
                /^arn:aws:logs:us-west-2:123456789012:log-group:(API-Gateway-Execution-Logs_\*|\/aws\/apigateway\/\*)/,
            );
        }
    });

    it("gives the API function no GenerateDataKey on the table key (DynamoDB uses its own grants)", () => {
        const tableKeyArn = ofType(p, T.table)[0]!.inputs.serverSideEncryption as { kmsKeyArn: string };
        const policy = named(p, T.rolePolicy, "api-handler-policy");
        for (const s of statements(policy.inputs.policy)) {
            const resources = ([] as string[]).concat(s.Resource ?? []);
            if (resources.includes(tableKeyArn.kmsKeyArn)) {
                expect(actions(s), s.Sid).to.have.members(["kms:Decrypt", "kms:DescribeKey"]);
            }
        }
    });

    it("logs both web ACLs to encrypted aws-waf-logs- groups with retention, in each ACL's region, redacting the origin-verify header", () => {
        const configs = ofType(p, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration");
        expect(configs).to.have.length(2);
        const acls = ofType(p, T.webAcl);
        for (const acl of acls) {
            const config = configs.find((c) => c.inputs.resourceArn === acl.outputs.arn);
            expect(config, acl.name).to.not.equal(undefined);
            const destinations = config!.inputs.logDestinationConfigs as string[];
            expect(destinations).to.have.length(1);
            const group = byOutput(p, T.logGroup, destinations[0], "arn")!;
            expect(String(group.inputs.name)).to.match(/^aws-waf-logs-/);
            expect(group.inputs.retentionInDays).to.be.a("number");
            expect(group.inputs.kmsKeyId).to.be.a("string");
            const region = regionOf(p, acl);
            expect(region).to.equal(acl.inputs.scope === "CLOUDFRONT" ? "us-east-1" : "us-west-2");
            expect(regionOf(p, group), group.name).to.equal(region);
            const key = byOutput(p, T.key, group.inputs.kmsKeyId, "arn")!;
            expect(regionOf(p, key)).to.equal(region);
            expect(config!.inputs.redactedFields).to.deep.equal([{ singleHeader: { name: ORIGIN_VERIFY_HEADER } }]);
        }
    });

    it("creates /aws/apigateway/welcome with retention and a key before the account role is set", () => {
        const welcome = ofType(p, T.logGroup).find((g) => g.inputs.name === "/aws/apigateway/welcome");
        expect(welcome).to.not.equal(undefined);
        expect(welcome!.inputs.retentionInDays).to.be.a("number");
        expect(welcome!.inputs.kmsKeyId).to.be.a("string");
        const account = ofType(p, "aws:apigateway/account:Account")[0]!;
        expect(account.dependencies).to.include(welcome!.urn);
    });

    it("creates the Lambda@Edge log group in every edge log region with retention and a key of that region", () => {
        const fn = ofType(p, T.function).find((f) => f.inputs.publish === true)!;
        const groupName = `/aws/lambda/us-east-1.${fn.inputs.name}`;
        const groups = ofType(p, T.logGroup).filter((g) => g.inputs.name === groupName);
        const regionOfGroup = (g: (typeof groups)[number]) => String(g.inputs.region ?? regionOf(p, g));
        expect(groups.map(regionOfGroup)).to.have.members([...EDGE_LOG_REGIONS]);
        for (const g of groups) {
            expect(g.inputs.retentionInDays, regionOfGroup(g)).to.be.a("number");
            const key = byOutput(p, T.key, g.inputs.kmsKeyId, "arn")!;
            expect(String(key.inputs.region ?? regionOf(p, key)), regionOfGroup(g)).to.equal(regionOfGroup(g));
            expect(fn.dependencies, regionOfGroup(g)).to.include(g.urn);
        }
        const edgePolicy = ofType(p, T.rolePolicy).find((r) => String(r.inputs.policy).includes("WriteEdgeLogGroups"))!;
        expect(statements(edgePolicy.inputs.policy).flatMap(actions)).to.not.include("logs:CreateLogGroup");
    });

    it("aggregates flow logs over 600 s and puts no storage-class transition on the processed bucket", () => {
        expect(ofType(p, "aws:ec2/flowLog:FlowLog")[0]!.inputs.maxAggregationInterval).to.equal(600);
        const lifecycle = ofType(p, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find((l) =>
            String(l.name).startsWith("streaming-processed"),
        )!;
        for (const rule of lifecycle.inputs.rules as { transitions?: unknown[] }[])
            expect(rule.transitions ?? []).to.deep.equal([]);
    });

    it("turns extended Kinesis retention and 60 s flow-log aggregation back on from config", async () => {
        const prod = await program("resolved", {
            "secure-web-app:kinesisRetentionHours": "168",
            "secure-web-app:flowLogAggregationSeconds": "60",
        });
        expect(ofType(prod, "aws:kinesis/stream:Stream")[0]!.inputs.retentionPeriod).to.equal(168);
        expect(ofType(prod, "aws:ec2/flowLog:FlowLog")[0]!.inputs.maxAggregationInterval).to.equal(60);
    });
});
