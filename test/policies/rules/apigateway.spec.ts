import { expect } from "chai";
import { alarm, findings, monitored, PackHarness, startPack, TestResource, undecided, urnOf } from "../support";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { AWS_TYPES } from "../../../policies/lib/types";

const STAGE_ARN = "arn:aws:apigateway:us-west-2::/restapis/abc/stages/prod";

const api = (over: Record<string, TestResource | undefined> = {}): TestResource[] => {
    const base: Record<string, TestResource> = {
        api: { type: AWS_TYPES.apigatewayRestApi, name: "api", props: { id: "abc", name: "items-api" } },
        stage: {
            type: AWS_TYPES.apigatewayStage,
            name: "stage",
            props: {
                arn: STAGE_ARN,
                restApi: "abc",
                stageName: "prod",
                xrayTracingEnabled: true,
                accessLogSettings: { destinationArn: "arn:aws:logs:us-west-2:1:log-group:access", format: "{}" },
            },
        },
        waf: {
            type: AWS_TYPES.wafv2WebAclAssociation,
            name: "waf",
            props: { resourceArn: STAGE_ARN, webAclArn: "arn:aws:wafv2:acl" },
        },
        settings: {
            type: AWS_TYPES.apigatewayMethodSettings,
            name: "settings",
            props: { restApi: "abc", stageName: "prod", methodPath: "*/*", settings: { loggingLevel: "ERROR" } },
        },
        domain: {
            type: AWS_TYPES.apigatewayDomainName,
            name: "domain",
            props: { domainName: "api.example.com", securityPolicy: "TLS_1_2" },
        },
    };
    const merged = { ...base, ...over };
    return Object.values(merged).filter((r): r is TestResource => !!r);
};

const stageWith = (props: Record<string, unknown>): TestResource => {
    const s = api().find((r) => r.name === "stage")!;
    return { ...s, props: { ...s.props, ...props } };
};

describe("apigateway rules", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    it("passes the compliant API", async () => {
        const vs = (await pack.analyze(api())).filter(
            (v) => v.policyName.startsWith("apigateway-") && v.policyName !== "apigateway-rest-api-5xx-alarm",
        );
        expect(vs).to.deep.equal([]);
    });

    it("apigateway-stage-waf-associated: fails a stage without association; first preview ties it by dependency", async () => {
        const rule = "apigateway-stage-waf-associated";
        expect(findings(await pack.analyze(api({ waf: undefined })), rule)[0].message).to.include(
            "must be protected by AWS WAF",
        );
        const dep = {
            type: AWS_TYPES.wafv2WebAclAssociation,
            name: "waf",
            props: { resourceArn: PACK_UNKNOWN, webAclArn: PACK_UNKNOWN },
            propertyDependencies: { resourceArn: [urnOf(AWS_TYPES.apigatewayStage, "stage")] },
        };
        const vs = await pack.analyze(api({ waf: dep }));
        expect(findings(vs, rule)).to.deep.equal([]);
        expect(undecided(vs, rule)).to.deep.equal([]);
    });

    it("apigateway-stage-access-logging: fails without accessLogSettings", async () => {
        expect(
            findings(
                await pack.analyze(api({ stage: stageWith({ accessLogSettings: undefined }) })),
                "apigateway-stage-access-logging",
            ),
        ).to.have.length(1);
    });

    it("apigateway-stage-execution-logging: advisory when loggingLevel is OFF", async () => {
        const settings = {
            type: AWS_TYPES.apigatewayMethodSettings,
            name: "settings",
            props: { restApi: "abc", stageName: "prod", methodPath: "*/*", settings: { loggingLevel: "OFF" } },
        };
        expect(
            findings(await pack.analyze(api({ settings })), "apigateway-stage-execution-logging").map(
                (v) => v.enforcementLevel,
            ),
        ).to.deep.equal(["advisory"]);
    });

    it("apigateway-stage-xray-tracing: fails without tracing", async () => {
        expect(
            findings(
                await pack.analyze(api({ stage: stageWith({ xrayTracingEnabled: false }) })),
                "apigateway-stage-xray-tracing",
            ),
        ).to.have.length(1);
    });

    it("apigateway-stage-cache-encrypted: judged only with a cache cluster", async () => {
        const rule = "apigateway-stage-cache-encrypted";
        expect(
            findings(await pack.analyze(api({ stage: stageWith({ cacheClusterEnabled: true }) })), rule),
        ).to.have.length(1);
        const enc = {
            type: AWS_TYPES.apigatewayMethodSettings,
            name: "settings",
            props: {
                restApi: "abc",
                stageName: "prod",
                methodPath: "*/*",
                settings: { loggingLevel: "ERROR", cachingEnabled: true, cacheDataEncrypted: true },
            },
        };
        expect(
            findings(await pack.analyze(api({ stage: stageWith({ cacheClusterEnabled: true }), settings: enc })), rule),
        ).to.deep.equal([]);
    });

    it("apigateway-domain-tls12: fails TLS_1_0 and an unset policy", async () => {
        const domain = (securityPolicy?: string) => ({
            type: AWS_TYPES.apigatewayDomainName,
            name: "domain",
            props: { domainName: "api.example.com", securityPolicy },
        });
        expect(
            findings(await pack.analyze(api({ domain: domain("TLS_1_0") })), "apigateway-domain-tls12")[0].message,
        ).to.include("securityPolicy is TLS_1_0");
        expect(findings(await pack.analyze(api({ domain: domain() })), "apigateway-domain-tls12")).to.have.length(1);
    });
});

describe("apigateway alarms", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    it("apigateway-rest-api-5xx-alarm: requires a 5XXError alarm on ApiName", async () => {
        const apiRes = { type: AWS_TYPES.apigatewayRestApi, name: "rest", props: { name: "items-api" } };
        expect(
            findings(await pack.analyze(monitored({ rest: apiRes })), "apigateway-rest-api-5xx-alarm"),
        ).to.have.length(1);
        expect(
            findings(
                await pack.analyze(
                    monitored({
                        rest: apiRes,
                        fivexx: alarm("5xx", "AWS/ApiGateway", "5XXError", { ApiName: "items-api" }),
                    }),
                ),
                "apigateway-rest-api-5xx-alarm",
            ),
        ).to.deep.equal([]);
    });
});
