/**
 * API Gateway rules: WAF on the stage, access and execution logs, X-Ray, encrypted cache, TLS 1.2
 * on custom domains, and a 5XX alarm on every REST API (lib/alarms.ts). Stage-level facts that
 * live on other resources (WebAclAssociation, MethodSettings) are stack rules over lib/stack.ts.
 */
import { requireAlarm } from "../lib/alarms";
import type { StackIndex } from "../lib/stack";
import { bool, isUnknown, read, str, PACK_UNKNOWN, Unknown } from "../lib/props";
import { fsbp, resourceRule, Rule, StackResource, stackRule } from "../lib/rule";
import { AWS_TYPES } from "../lib/types";

/** The MethodSettings resources of a stage (same restApi and stageName, or by dependency). */
function methodSettingsOf(index: StackIndex, stage: StackResource): StackResource[] | Unknown {
    const stageName = str(read(stage.props, "stageName"));
    const api = index.referenceIn(stage, "restApi", read(stage.props, "restApi"), AWS_TYPES.apigatewayRestApi);
    const out: StackResource[] = [];
    for (const ms of index.ofType(AWS_TYPES.apigatewayMethodSettings)) {
        if (index.computedFrom(ms, "stageName").includes(stage)) {
            out.push(ms);
            continue;
        }
        const name = str(read(ms.props, "stageName"));
        const msApi = index.referenceIn(ms, "restApi", read(ms.props, "restApi"), AWS_TYPES.apigatewayRestApi);
        if (name === PACK_UNKNOWN || msApi === PACK_UNKNOWN || stageName === PACK_UNKNOWN || api === PACK_UNKNOWN)
            return PACK_UNKNOWN;
        if (name === stageName && msApi === api) out.push(ms);
    }
    return out;
}

export const stageWafAssociated = stackRule({
    name: "apigateway-stage-waf-associated",
    description:
        "Checks that every REST API stage has an aws.wafv2.WebAclAssociation whose resourceArn is the stage's ARN, so " +
        "requests are filtered before they reach the integration. Mandatory: in this architecture the regional web ACL " +
        "is what keeps callers from bypassing CloudFront.",
    enforcementLevel: "mandatory",
    severity: "high",
    control: fsbp("APIGateway.4"),
    remediationSteps:
        "Add `new aws.wafv2.WebAclAssociation(name, { resourceArn: stage.arn, webAclArn: regionalAcl.arn })`.",
    tags: ["apigateway", "waf"],
    preview:
        "The association's resourceArn is unknown in a first preview; it is tied to the stage by property dependency.",
    check(stack, ctx) {
        const index = stack.index;
        const protectedStages = new Set<string>();
        let undecided = false;
        for (const assoc of index.ofType(AWS_TYPES.wafv2WebAclAssociation)) {
            const target = index.referenceIn(
                assoc,
                "resourceArn",
                read(assoc.props, "resourceArn"),
                AWS_TYPES.apigatewayStage,
            );
            if (target === PACK_UNKNOWN) undecided = true;
            else if (target && typeof target === "object") protectedStages.add(target.urn);
        }
        for (const stage of index.ofType(AWS_TYPES.apigatewayStage)) {
            if (protectedStages.has(stage.urn)) continue;
            if (undecided) ctx.undecided(stage, "resourceArn of a WebAclAssociation");
            else
                ctx.report(
                    stage,
                    "must be protected by AWS WAF: add an aws.wafv2.WebAclAssociation with resourceArn set to this stage's arn",
                );
        }
    },
});

export const stageAccessLogging = resourceRule({
    name: "apigateway-stage-access-logging",
    description:
        "Checks that every API Gateway stage (REST and HTTP/WebSocket) writes access logs (accessLogSettings with a " +
        "destinationArn and a format), the record of who called what. APIGateway.9 is the FSBP control for V2 stages; " +
        "this rule applies it to REST stages too. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "medium",
    control: fsbp("APIGateway.9"),
    remediationSteps: "Set accessLogSettings: { destinationArn: logGroup.arn, format: JSON.stringify({...}) }.",
    tags: ["apigateway", "logging"],
    resourceTypes: [AWS_TYPES.apigatewayStage, AWS_TYPES.apigatewayV2Stage],
    check(stage, ctx) {
        const settings = read(stage.props, "accessLogSettings");
        const flat = Array.isArray(settings) ? settings[0] : settings;
        const destination = str(read(flat, "destinationArn"));
        const format = str(read(flat, "format"));
        if (destination === PACK_UNKNOWN || format === PACK_UNKNOWN || isUnknown(settings))
            return ctx.undecided(stage, "accessLogSettings");
        if (!destination || !format) {
            ctx.report(
                stage,
                "must write access logs: set accessLogSettings.destinationArn (a log group) and accessLogSettings.format",
            );
        }
    },
});

const LOGGING_LEVELS = ["ERROR", "INFO"];

export const stageExecutionLogging = stackRule({
    name: "apigateway-stage-execution-logging",
    description:
        "Checks that every REST API stage has execution logging on: an aws.apigateway.MethodSettings for the stage with " +
        "settings.loggingLevel ERROR or INFO. Advisory: execution logs need the account-level CloudWatch role " +
        "(aws.apigateway.Account), which a stack may not own; access logs (mandatory) carry the audit record.",
    enforcementLevel: "advisory",
    severity: "low",
    control: fsbp("APIGateway.1"),
    remediationSteps:
        'Add `new aws.apigateway.MethodSettings(name, { restApi, stageName, methodPath: "*/*", settings: { loggingLevel: "ERROR" } })`.',
    tags: ["apigateway", "logging"],
    check(stack, ctx) {
        const index = stack.index;
        for (const stage of index.ofType(AWS_TYPES.apigatewayStage)) {
            const settings = methodSettingsOf(index, stage);
            if (settings === PACK_UNKNOWN) {
                ctx.undecided(stage, "stageName/restApi of its MethodSettings");
                continue;
            }
            const levels = settings.map((ms) =>
                str(read(ms.props, "settings", "loggingLevel") ?? read(ms.props, "settings", 0, "loggingLevel")),
            );
            if (levels.includes(PACK_UNKNOWN)) ctx.undecided(stage, "settings.loggingLevel");
            else if (!levels.some((l) => typeof l === "string" && LOGGING_LEVELS.includes(l))) {
                ctx.report(
                    stage,
                    "must log execution: add aws.apigateway.MethodSettings for this stage with settings.loggingLevel ERROR or INFO",
                );
            }
        }
    },
});

export const stageXrayTracing = resourceRule({
    name: "apigateway-stage-xray-tracing",
    description:
        "Checks that every REST API stage has xrayTracingEnabled, so requests are traced end to end with the Lambdas. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "low",
    control: fsbp("APIGateway.3"),
    remediationSteps: "Set xrayTracingEnabled: true on the aws.apigateway.Stage.",
    tags: ["apigateway", "observability"],
    resourceTypes: [AWS_TYPES.apigatewayStage],
    check(stage, ctx) {
        const enabled = bool(read(stage.props, "xrayTracingEnabled"));
        if (enabled === PACK_UNKNOWN) return ctx.undecided(stage, "xrayTracingEnabled");
        if (enabled !== true) ctx.report(stage, "must trace requests: set xrayTracingEnabled to true");
    },
});

export const stageCacheEncrypted = stackRule({
    name: "apigateway-stage-cache-encrypted",
    description:
        "Checks that a REST API stage with a cache cluster (cacheClusterEnabled) encrypts cached responses: every " +
        "MethodSettings of the stage that enables caching sets cacheDataEncrypted, and at least one does. Stages without " +
        "a cache are not judged. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("APIGateway.5"),
    remediationSteps:
        "In the stage's aws.apigateway.MethodSettings set settings.cachingEnabled and settings.cacheDataEncrypted to true.",
    tags: ["apigateway", "encryption"],
    check(stack, ctx) {
        const index = stack.index;
        for (const stage of index.ofType(AWS_TYPES.apigatewayStage)) {
            const cache = bool(read(stage.props, "cacheClusterEnabled"));
            if (cache === PACK_UNKNOWN) {
                ctx.undecided(stage, "cacheClusterEnabled");
                continue;
            }
            if (cache !== true) continue;
            const settings = methodSettingsOf(index, stage);
            if (settings === PACK_UNKNOWN) {
                ctx.undecided(stage, "stageName/restApi of its MethodSettings");
                continue;
            }
            const caching = settings.filter((ms) => bool(read(ms.props, "settings", "cachingEnabled")) !== false);
            const plain = caching.filter((ms) => bool(read(ms.props, "settings", "cacheDataEncrypted")) !== true);
            if (caching.length === 0 || plain.length > 0) {
                const names = plain.map((ms) => `'${ms.name}'`).join(", ");
                ctx.report(
                    stage,
                    `must encrypt its cache: ${names ? `MethodSettings ${names} cache without` : "no MethodSettings sets"} ` +
                        "settings.cacheDataEncrypted; set it to true where settings.cachingEnabled is true",
                );
            }
        }
    },
});

export const domainTls12 = resourceRule({
    name: "apigateway-domain-tls12",
    description:
        "Checks that an API Gateway custom domain name sets securityPolicy TLS_1_2 (or a newer SecurityPolicy_TLS13_* " +
        "policy), refusing TLS 1.0/1.1 clients. Mandatory (encryption in transit).",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    remediationSteps: 'Set securityPolicy: "TLS_1_2" on the aws.apigateway.DomainName.',
    tags: ["apigateway", "encryption", "tls"],
    resourceTypes: [AWS_TYPES.apigatewayDomainName],
    check(domain, ctx) {
        const policy = str(read(domain.props, "securityPolicy"));
        if (policy === PACK_UNKNOWN) return ctx.undecided(domain, "securityPolicy");
        if (policy !== "TLS_1_2" && !(typeof policy === "string" && /TLS1?_?3|TLS13/i.test(policy))) {
            ctx.report(
                domain,
                `must require TLS 1.2: securityPolicy is ${policy ?? "unset (TLS_1_0)"}; set it to "TLS_1_2"`,
            );
        }
    },
});

export const apiGateway5xxAlarm = stackRule({
    name: "apigateway-rest-api-5xx-alarm",
    description:
        "Checks that every REST API has a CloudWatch alarm on AWS/ApiGateway 5XXError with dimension ApiName set to " +
        "the API's name, notifying a subscribed SNS topic of the stack. Mandatory (monitoring tier).",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
        "Add an aws.cloudwatch.MetricAlarm (namespace AWS/ApiGateway, metricName 5XXError, dimensions { ApiName: api.name }, alarmActions [topic.arn]).",
    tags: ["apigateway", "monitoring", "cloudwatch"],
    check(stack, ctx) {
        const index = stack.index;
        for (const api of index.ofType(AWS_TYPES.apigatewayRestApi)) {
            ctx.guard(api, () =>
                requireAlarm(
                    index,
                    ctx,
                    api,
                    [],
                    ["AWS/ApiGateway|5XXError"],
                    [read(api.props, "name")],
                    "a 5XXError alarm",
                    "add an aws.cloudwatch.MetricAlarm on AWS/ApiGateway 5XXError with dimensions.ApiName set to the API's name",
                ),
            );
        }
    },
});

export const rules: Rule[] = [
    stageWafAssociated,
    stageAccessLogging,
    stageExecutionLogging,
    stageXrayTracing,
    stageCacheEncrypted,
    domainTls12,
    apiGateway5xxAlarm,
];
