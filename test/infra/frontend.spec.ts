/**
 * Tier 1, frontend (infra/frontend.ts, infra/edge.ts): distribution, web ACL, site bucket, edge function, access logs.
 * Read from what the engine would see: the dev stack under the gate's recording mock monitor,
 * every output resolved (test/infra/program.ts).
 */
import { expect } from "chai";
import { CONTENT_SECURITY_POLICY } from "../../infra/lib/security-headers";
import { Program, T, byOutput, keyGrants, named, ofType, program, regionOf, statements } from "./program";

describe("infra frontend (dev stack, resolved)", () => {
    let p: Program;
    before(async () => (p = await program("resolved")));

    it("serves over HTTPS with HTTP/2+3, a default root object and the security headers", () => {
        const d = ofType(p, T.distribution)[0].inputs as Record<string, any>;
        expect(d.httpVersion).to.equal("http2and3");
        expect(d.defaultRootObject).to.equal("index.html");
        expect(d.defaultCacheBehavior.viewerProtocolPolicy).to.equal("redirect-to-https");
        expect(d.orderedCacheBehaviors[0].viewerProtocolPolicy).to.equal("https-only");
        const headers = ofType(p, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy")[0].inputs
            .securityHeadersConfig as Record<string, any>;
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
        expect(groups).to.have.members([
            "AWSManagedRulesCommonRuleSet",
            "AWSManagedRulesKnownBadInputsRuleSet",
            "AWSManagedRulesSQLiRuleSet",
        ]);
        expect(rules.some((r) => r.statement.rateBasedStatement?.aggregateKeyType === "IP")).to.equal(true);
        expect(ofType(p, T.distribution)[0].inputs.webAclId).to.equal(acl.outputs.arn);
    });

    it("logs with standard logging v2 from us-east-1 to a bucket without ACLs", () => {
        const source = ofType(p, "aws:cloudwatch/logDeliverySource:LogDeliverySource")[0];
        expect(source.inputs).to.include({
            logType: "ACCESS_LOGS",
            resourceArn: ofType(p, T.distribution)[0].outputs.arn,
        });
        for (const t of [
            "aws:cloudwatch/logDeliverySource:LogDeliverySource",
            "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
            "aws:cloudwatch/logDelivery:LogDelivery",
        ]) {
            expect(regionOf(p, ofType(p, t)[0]), t).to.equal("us-east-1");
        }
        const ownership = ofType(p, "aws:s3/bucketOwnershipControls:BucketOwnershipControls");
        expect(
            ownership.every(
                (o) => (o.inputs.rule as { objectOwnership: string }).objectOwnership === "BucketOwnerEnforced",
            ),
        ).to.equal(true);
    });

    it("requires TLS 1.2 from viewers when a custom domain and us-east-1 certificate are set", async () => {
        const custom = await program("resolved", {
            "secure-web-app:customDomain": "app.example.com",
            "secure-web-app:acmCertificateArn":
                "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
        });
        const d = ofType(custom, T.distribution)[0].inputs as Record<string, any>;
        expect(d.aliases).to.deep.equal(["app.example.com"]);
        expect(d.viewerCertificate).to.include({
            minimumProtocolVersion: "TLSv1.2_2021",
            sslSupportMethod: "sni-only",
        });
        expect(custom.stackOutputs.siteUrl).to.equal("https://app.example.com");
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
        for (const o of objects)
            expect(o.inputs.contentType, String(o.inputs.key)).to.not.equal("application/octet-stream");
    });

    it("trusts the edge function's role to lambda and edgelambda, publishes it in us-east-1 without environment", () => {
        const edge = ofType(p, T.function).find((f) => f.inputs.publish === true)!;
        expect(regionOf(p, edge)).to.equal("us-east-1");
        expect(edge.inputs.environment).to.equal(undefined);
        expect(edge.inputs.vpcConfig).to.equal(undefined);
        const role = byOutput(p, T.role, edge.inputs.role)!;
        const [trust] = statements(role.inputs.assumeRolePolicy);
        expect((trust.Principal as { Service: string[] }).Service).to.have.members([
            "lambda.amazonaws.com",
            "edgelambda.amazonaws.com",
        ]);
    });

    it("grants log delivery the access-log bucket's key, limited to this account's delivery sources", () => {
        const bucket = named(p, T.bucket, "frontend-access-logs");
        const sse = ofType(
            p,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        ).find((c) => c.inputs.bucket === bucket.outputs.id)!;
        const keyArn = (sse.inputs.rules as any[])[0].applyServerSideEncryptionByDefault.kmsMasterKeyId;
        const [grant] = keyGrants(byOutput(p, T.key, keyArn)!, "delivery.logs.amazonaws.com");
        expect(grant.Condition?.ArnLike?.["aws:SourceArn"]).to.equal(
            "arn:aws:logs:us-east-1:123456789012:delivery-source:*",
        );
    });
});
