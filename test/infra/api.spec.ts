/**
 * Tier 2, API (infra/api.ts): the REST API, its stage, web ACL, origin-verify secret and function.
 * Read from what the engine would see: the dev stack under the gate's recording mock monitor,
 * every output resolved (test/infra/program.ts).
 */
import { expect } from "chai";
import { Program, T, actions, byOutput, named, ofType, program, statements } from "./program";

describe("infra API (dev stack, resolved)", () => {
    let p: Program;
    before(async () => (p = await program("resolved")));

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
        const access = byOutput(
            p,
            T.logGroup,
            (stage.inputs.accessLogSettings as { destinationArn: string }).destinationArn,
        )!;
        expect(access.inputs.retentionInDays).to.equal(365);
        const apiId = ofType(p, "aws:apigateway/restApi:RestApi")[0].outputs.id;
        const execution = ofType(p, T.logGroup).find(
            (g) => g.inputs.name === `API-Gateway-Execution-Logs_${apiId}/v1`,
        )!;
        expect(execution.inputs.kmsKeyId).to.be.a("string");
        expect(stage.dependencies).to.include(execution.urn);
        const settings = ofType(p, "aws:apigateway/methodSettings:MethodSettings")[0].inputs.settings as Record<
            string,
            unknown
        >;
        expect(settings).to.include({ metricsEnabled: true, loggingLevel: "ERROR", dataTraceEnabled: false });
        expect(settings.throttlingRateLimit).to.be.a("number");
    });

    it("guards the stage with a regional web ACL whose priority-0 rule blocks requests without the origin-verify header", () => {
        const acl = ofType(p, T.webAcl).find((a) => a.inputs.scope === "REGIONAL")!;
        const rules = acl.inputs.rules as {
            priority: number;
            action: unknown;
            statement: {
                notStatement?: {
                    statement: { byteMatchStatement: { fieldToMatch: { singleHeader: { name: string } } } };
                };
            };
        }[];
        const first = rules.find((r) => r.priority === 0)!;
        expect(first.action).to.deep.equal({ block: {} });
        expect(first.statement.notStatement!.statement.byteMatchStatement.fieldToMatch.singleHeader.name).to.equal(
            "x-origin-verify",
        );
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
        const withCallers = await program("resolved", {
            "secure-web-app:internalCallerRoleArns": JSON.stringify([role]),
        });
        const policy = ofType(withCallers, "aws:secretsmanager/secretPolicy:SecretPolicy")[0];
        const [grant] = statements(policy.inputs.policy);
        expect(grant.Principal).to.deep.equal({ AWS: [role] });
        expect(actions(grant)).to.include("secretsmanager:GetSecretValue");
        const key = named(withCallers, T.key, "api-secret-key");
        const keyGrant = statements(key.inputs.policy).find(
            (s) => s.Sid === "InternalCallersDecryptThroughSecretsManager",
        )!;
        expect(keyGrant.Condition?.StringEquals?.["kms:ViaService"]).to.equal("secretsmanager.us-west-2.amazonaws.com");
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
        expect(eni.Resource).to.satisfy((r: string[]) =>
            r.every((arn) =>
                /^arn:aws:ec2:us-west-2:123456789012:(network-interface|subnet|security-group)\//.test(arn),
            ),
        );
    });
});
