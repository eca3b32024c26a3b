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
import { contract } from "./lib/contract";
import { policyDocument } from "./lib/iam";
import { PARTITION, StackNames } from "./lib/naming";

/** The header CloudFront adds to requests for the API origin; its value is a generated secret. */
export const ORIGIN_VERIFY_HEADER = contract.api.originVerifyHeader;

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

export interface WebAclLoggingArgs {
    names: StackNames;
    webAclArn: pulumi.Input<string>;
    /** The ACL's region (us-east-1 for the CLOUDFRONT scope); the options' provider must deploy there. */
    region: string;
    /** The log group is `aws-waf-logs-<prefix>-<logGroupSuffix>`. */
    logGroupSuffix: string;
    /** A key in the ACL's region whose policy grants that region's CloudWatch Logs (logsKeyUser). */
    logsKeyArn: pulumi.Input<string>;
    logRetentionDays: number;
}

/**
 * Logging of a web ACL's decisions into a CloudWatch Logs group in the ACL's region (the
 * resource options carry the provider: us-east-1 for the CLOUDFRONT scope). WAF requires the
 * destination's name to start with `aws-waf-logs-` (WAF API reference, LoggingConfiguration).
 * The group is encrypted by CloudWatch Logs itself with the given key, whose policy already
 * grants `logs.<region>.amazonaws.com` for this account's log groups (infra/lib/kms.ts
 * logsKeyUser); WAF's log delivery writes through the group's resource policy, made here for
 * this one group rather than the account-wide AWSWAF-LOGS policy WAF would otherwise edit
 * (the provider's WebAclLoggingConfiguration documentation warns that one outgrows its size
 * limit). The origin-verify header is redacted: its value is the API's shared secret.
 */
export function createWebAclLogging(name: string, args: WebAclLoggingArgs, opts: pulumi.CustomResourceOptions): void {
    const names = args.names;
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-logs`,
        {
            name: `aws-waf-logs-${names.prefix}-${args.logGroupSuffix}`,
            retentionInDays: args.logRetentionDays,
            kmsKeyId: args.logsKeyArn,
        },
        opts,
    );
    const deliveryPolicy = new aws.cloudwatch.LogResourcePolicy(
        `${name}-log-delivery`,
        {
            policyName: `${names.prefix}-waf-${args.logGroupSuffix}`,
            policyDocument: policyDocument([
                {
                    Sid: "WafLogDeliveryWritesThisGroup",
                    Effect: "Allow",
                    Principal: { Service: "delivery.logs.amazonaws.com" },
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: pulumi.interpolate`${logGroup.arn}:*`,
                    Condition: {
                        StringEquals: { "aws:SourceAccount": names.accountId },
                        ArnLike: {
                            "aws:SourceArn": pulumi.interpolate`arn:${PARTITION}:logs:${args.region}:${names.accountId}:*`,
                        },
                    },
                },
            ]),
        },
        opts,
    );
    new aws.wafv2.WebAclLoggingConfiguration(
        `${name}-logging`,
        {
            resourceArn: args.webAclArn,
            logDestinationConfigs: [logGroup.arn],
            redactedFields: [{ singleHeader: { name: ORIGIN_VERIFY_HEADER } }],
        },
        { ...opts, dependsOn: [deliveryPolicy] },
    );
}
