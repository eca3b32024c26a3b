/**
 * Web ACL rules, as data. Two ACLs guard the API:
 *
 * - the CloudFront-scope ACL (created in us-east-1, where WAF keeps CLOUDFRONT scope) on the
 *   distribution, where the viewer's address is known: AWS managed rule groups (common,
 *   known bad inputs, SQL injection) and a rate limit per viewer IP;
 * - the REGIONAL ACL on the API stage, whose only rule (priority 0) blocks any request that
 *   lacks the origin-verify header CloudFront adds, so the execute-api endpoint answers only
 *   CloudFront and internal callers holding the secret.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The header CloudFront adds to requests for the API origin; its value is a generated secret. */
export const ORIGIN_VERIFY_HEADER = "x-origin-verify";

type Rule = aws.types.input.wafv2.WebAclRule;

const visibility = (metricName: string) => ({
    cloudwatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName,
});

/** An AWS managed rule group in blocking mode; `countOnly` names rules of it that only count. */
function managedRuleGroup(name: string, priority: number, countOnly: string[] = []): Rule {
    return {
        name,
        priority,
        overrideAction: { none: {} },
        statement: {
            managedRuleGroupStatement: {
                vendorName: "AWS",
                name,
                ruleActionOverrides: countOnly.length
                    ? countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } }))
                    : undefined,
            },
        },
        visibilityConfig: visibility(name),
    };
}

/** Rules of the CloudFront-scope ACL: managed groups first, then the per-IP rate limit. */
export function edgeRules(ratePer5Minutes: number): Rule[] {
    return [
        // SizeRestrictions_BODY blocks bodies over 8 KB; the API accepts up to
        // contract.api.maxBodyBytes and answers larger ones itself with a 400 and a message,
        // so that one rule only counts.
        managedRuleGroup("AWSManagedRulesCommonRuleSet", 10, ["SizeRestrictions_BODY"]),
        managedRuleGroup("AWSManagedRulesKnownBadInputsRuleSet", 20),
        managedRuleGroup("AWSManagedRulesSQLiRuleSet", 30),
        {
            name: "rate-limit-per-ip",
            priority: 40,
            action: { block: {} },
            statement: { rateBasedStatement: { limit: ratePer5Minutes, aggregateKeyType: "IP" } },
            visibilityConfig: visibility("rate-limit-per-ip"),
        },
    ];
}

/** Priority 0 of the regional ACL: block unless the origin-verify header holds the secret exactly. */
export function originVerifyRule(secret: pulumi.Input<string>): Rule {
    return {
        name: "require-origin-verify-header",
        priority: 0,
        action: { block: {} },
        statement: {
            notStatement: {
                statement: {
                    byteMatchStatement: {
                        fieldToMatch: { singleHeader: { name: ORIGIN_VERIFY_HEADER } },
                        positionalConstraint: "EXACTLY",
                        searchString: secret,
                        textTransformations: [{ priority: 0, type: "NONE" }],
                    },
                },
            },
        },
        visibilityConfig: visibility("require-origin-verify-header"),
    };
}

export { visibility as webAclVisibility };
