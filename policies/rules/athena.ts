/**
 * Athena workgroups: query results encrypted with KMS and the workgroup's settings enforced on
 * every client. Results land in S3, which encrypts new objects with SSE-S3 since January 2023,
 * so the rule asks for KMS (a key policy and CloudTrail over who reads results), and is advisory.
 */
import { bool, str, PACK_UNKNOWN } from "../lib/props";
import { resourceRule, Rule } from "../lib/rule";
import { readPath } from "../lib/stores";
import { AWS_TYPES } from "../lib/types";

export const workgroupEncrypted = resourceRule({
    name: "athena-workgroup-encrypted",
    description:
        "Checks that every Athena workgroup encrypts query results with KMS (configuration.resultConfiguration.encryptionConfiguration.encryptionOption SSE_KMS or CSE_KMS) and enforces its configuration (enforceWorkgroupConfiguration, true by default; false lets each query choose its own result settings, unencrypted included). Advisory: S3's default SSE-S3 still encrypts results.",
    enforcementLevel: "advisory",
    severity: "medium",
    constraint: "encryption-on",
    remediationSteps:
        'Set `configuration: { enforceWorkgroupConfiguration: true, resultConfiguration: { encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: key.arn } } }`.',
    tags: ["athena", "encryption"],
    preview: "Unknown settings are undecided.",
    resourceTypes: [AWS_TYPES.athenaWorkgroup],
    check(r, ctx) {
        const enforce = bool(readPath(r.props, "configuration.enforceWorkgroupConfiguration"));
        const option = str(
            readPath(r.props, "configuration.resultConfiguration.encryptionConfiguration.encryptionOption"),
        );
        if (enforce === PACK_UNKNOWN || option === PACK_UNKNOWN) return ctx.undecided(r, "configuration");
        if (enforce === false)
            ctx.report(
                r,
                "must enforce its result encryption on every query (configuration.enforceWorkgroupConfiguration is false): set it to true",
            );
        if (option !== "SSE_KMS" && option !== "CSE_KMS") {
            ctx.report(
                r,
                `must encrypt query results with KMS (encryptionOption is ${option ?? "unset"}): set resultConfiguration.encryptionConfiguration { encryptionOption: "SSE_KMS", kmsKeyArn }`,
            );
        }
    },
});

export const rules: Rule[] = [workgroupEncrypted];
