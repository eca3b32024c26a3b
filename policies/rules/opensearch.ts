/**
 * OpenSearch Service domains (aws.opensearch.Domain and the legacy aws.elasticsearch.Domain,
 * judged alike): encryption at rest, node-to-node encryption, HTTPS with a TLS 1.2 policy, no
 * domain outside a VPC whose access policy admits everyone (inline `accessPolicies` or a
 * separate DomainPolicy, read by the pack's resource-policy analysis), fine-grained access
 * control and audit logs. Defaults from the provider's documentation: encryptAtRest and
 * nodeToNodeEncryption false when the block is absent, enforceHttps true; the TLS policy AWS
 * applies when none is given admits TLS 1.0.
 */
import { arr, bool, read, str, PACK_UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule, StackResource, stackRule, stringListOption } from "../lib/rule";
import { checkEncryptedAtRest, checkSwitch, CMK_CONFIG, CmkConfig, readPath } from "../lib/stores";
import { AWS_TYPES } from "../lib/types";
import { checkResourcePolicyNotPublic } from "../lib/resource-policy";

const DOMAINS = [AWS_TYPES.opensearchDomain, AWS_TYPES.elasticsearchDomain];

export const domainEncryptedAtRest = resourceRule<CmkConfig>({
    name: "opensearch-domain-encrypted-at-rest",
    description:
        "Checks that every OpenSearch (or Elasticsearch) domain encrypts its indices, logs, swap and snapshots at rest (encryptAtRest.enabled; false when the block is absent). Mandatory.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    control: fsbp("Opensearch.1"),
    relatedControls: [fsbp("ES.1")],
    remediationSteps: "Set `encryptAtRest: { enabled: true, kmsKeyId: key.arn }`.",
    tags: ["opensearch", "encryption"],
    preview: "An unknown switch is undecided; an unknown kmsKeyId counts as customer-managed.",
    config: CMK_CONFIG,
    resourceTypes: DOMAINS,
    check(r, ctx) {
        checkEncryptedAtRest(
            r,
            ctx,
            {
                path: "encryptAtRest.enabled",
                absent: false,
                want: true,
                what: "encrypt its data at rest",
                fix: "set encryptAtRest { enabled: true, kmsKeyId }",
            },
            "encryptAtRest.kmsKeyId",
            "alias/aws/es",
        );
    },
});

export const domainNodeToNode = resourceRule({
    name: "opensearch-domain-node-to-node-encryption",
    description:
        "Checks that every OpenSearch (or Elasticsearch) domain encrypts traffic between its nodes (nodeToNodeEncryption.enabled; false when the block is absent). Mandatory.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("Opensearch.3"),
    relatedControls: [fsbp("ES.3")],
    remediationSteps: "Set `nodeToNodeEncryption: { enabled: true }`.",
    tags: ["opensearch", "encryption", "in-transit"],
    preview: "An unknown switch is undecided.",
    resourceTypes: DOMAINS,
    check(r, ctx) {
        checkSwitch(r, ctx, {
            path: "nodeToNodeEncryption.enabled",
            absent: false,
            want: true,
            what: "encrypt traffic between its nodes",
            fix: "set nodeToNodeEncryption { enabled: true }",
        });
    },
});

const TLS12_POLICIES = ["Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10"];

export const domainHttpsRequired = resourceRule<{ allowedTlsPolicies: string[] }>({
    name: "opensearch-domain-https-required",
    description:
        "Checks that every OpenSearch (or Elasticsearch) domain refuses plain HTTP (domainEndpointOptions.enforceHttps, true when absent) and names a TLS 1.2 security policy (tlsSecurityPolicy in the config's list; when absent AWS applies a policy that admits TLS 1.0). Mandatory.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("Opensearch.8"),
    relatedControls: [fsbp("ES.8")],
    remediationSteps:
        'Set `domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" }`.',
    tags: ["opensearch", "encryption", "in-transit"],
    preview: "An unknown enforceHttps or tlsSecurityPolicy is undecided.",
    config: {
        allowedTlsPolicies: stringListOption("TLS security policies accepted.", TLS12_POLICIES),
    },
    resourceTypes: DOMAINS,
    check(r, ctx) {
        if (
            checkSwitch(r, ctx, {
                path: "domainEndpointOptions.enforceHttps",
                absent: true,
                want: true,
                what: "refuse plain HTTP",
                fix: "set domainEndpointOptions.enforceHttps to true",
            })
        )
            return;
        const policy = str(readPath(r.props, "domainEndpointOptions.tlsSecurityPolicy"));
        if (policy === PACK_UNKNOWN) return ctx.undecided(r, "domainEndpointOptions.tlsSecurityPolicy");
        const allowed = Array.isArray(ctx.config.allowedTlsPolicies) ? ctx.config.allowedTlsPolicies : TLS12_POLICIES;
        if (typeof policy === "string" && allowed.includes(policy)) return;
        ctx.report(
            r,
            `must require TLS 1.2 or later (domainEndpointOptions.tlsSecurityPolicy is ${policy ? `"${policy}"` : "unset, so AWS's default admits TLS 1.0"}): set tlsSecurityPolicy to "Policy-Min-TLS-1-2-PFS-2023-10"`,
        );
    },
});

/** True when the domain is placed in a VPC (vpcOptions with subnets); PACK_UNKNOWN when that is unknown. */
function inVpc(domain: StackResource): boolean | typeof PACK_UNKNOWN {
    const subnets = arr(readPath(domain.props, "vpcOptions.subnetIds"));
    if (subnets === PACK_UNKNOWN) return PACK_UNKNOWN;
    return Array.isArray(subnets) && subnets.length > 0;
}

export const domainNotPublic = stackRule({
    name: "opensearch-domain-not-public",
    description:
        "Checks that no OpenSearch (or Elasticsearch) domain outside a VPC (no vpcOptions.subnetIds: a public endpoint) has an access policy (inline accessPolicies or a DomainPolicy) that allows a `*` principal without a condition pinning the caller to fixed values (aws:PrincipalAccount, aws:SourceIp is not one), nor a service principal without a confused-deputy condition: such a domain answers anyone on the internet. A domain in a VPC is reachable only through its security groups and is not judged here. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "critical",
    control: fsbp("Opensearch.2"),
    relatedControls: [fsbp("ES.2")],
    remediationSteps:
        "Place the domain in a VPC (`vpcOptions: { subnetIds, securityGroupIds }`), or name the roles in the access policy (`Principal: { AWS: [roleArn] }`) instead of `*`.",
    tags: ["opensearch", "public-access"],
    rationale:
        "Fine-grained access control still authenticates requests, but an open policy on a public endpoint exposes the domain to credential guessing and every unauthenticated API AWS adds.",
    preview: "An unknown vpcOptions, access policy or DomainPolicy domain reference leaves the domain undecided.",
    check(stack, ctx) {
        const index = stack.index;
        const domainPolicies = index.ofType(AWS_TYPES.opensearchDomainPolicy, AWS_TYPES.elasticsearchDomainPolicy);
        for (const domain of index.ofType(...DOMAINS)) {
            ctx.guard(domain, () => {
                const vpc = inVpc(domain);
                if (vpc === PACK_UNKNOWN) return ctx.undecided(domain, "vpcOptions.subnetIds");
                if (vpc) return;
                const fix = "place the domain in a VPC or name the principals instead of *";
                checkResourcePolicyNotPublic(domain, ctx, domain.props.accessPolicies, "accessPolicies", fix, {
                    servicePrincipals: true,
                });
                const name = str(domain.props.domainName);
                for (const p of domainPolicies) {
                    const target = str(p.props.domainName);
                    const mine =
                        (typeof name === "string" && target === name) ||
                        (p.propertyDependencies.domainName ?? []).includes(domain.urn);
                    if (!mine) continue;
                    checkResourcePolicyNotPublic(
                        p,
                        ctx,
                        p.props.accessPolicies,
                        `accessPolicies of '${domain.name}' (outside a VPC)`,
                        fix,
                        { servicePrincipals: true },
                    );
                }
            });
        }
    },
});

export const domainFineGrainedAccess = resourceRule({
    name: "opensearch-domain-fine-grained-access",
    description:
        "Checks that every OpenSearch (or Elasticsearch) domain has fine-grained access control on (advancedSecurityOptions.enabled), so index- and document-level permissions apply to every request. Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("Opensearch.7"),
    remediationSteps:
        "Set `advancedSecurityOptions: { enabled: true, masterUserOptions: { masterUserArn } }` (requires encryption at rest, node-to-node encryption and HTTPS).",
    tags: ["opensearch", "least-privilege"],
    preview: "An unknown switch is undecided.",
    resourceTypes: DOMAINS,
    check(r, ctx) {
        checkSwitch(r, ctx, {
            path: "advancedSecurityOptions.enabled",
            absent: false,
            want: true,
            what: "enable fine-grained access control",
            fix: "set advancedSecurityOptions { enabled: true }",
        });
    },
});

export const domainAuditLogging = resourceRule({
    name: "opensearch-domain-audit-logging",
    description:
        "Checks that every OpenSearch (or Elasticsearch) domain publishes audit logs to CloudWatch Logs (a logPublishingOptions entry with logType AUDIT_LOGS, not disabled). Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("Opensearch.5"),
    remediationSteps:
        'Add `logPublishingOptions: [{ logType: "AUDIT_LOGS", cloudwatchLogGroupArn: group.arn }]` (and enable audit logs in fine-grained access control).',
    tags: ["opensearch", "logging"],
    preview: "Unknown logPublishingOptions are undecided.",
    resourceTypes: DOMAINS,
    check(r, ctx) {
        const options = arr(r.props.logPublishingOptions);
        if (options === PACK_UNKNOWN) return ctx.undecided(r, "logPublishingOptions");
        let unknown = false;
        for (const o of options ?? []) {
            const type = str(read(o, "logType"));
            const enabled = bool(read(o, "enabled"));
            if (type === PACK_UNKNOWN || enabled === PACK_UNKNOWN) unknown = true;
            else if (type === "AUDIT_LOGS" && enabled !== false) return;
        }
        if (unknown) return ctx.undecided(r, "logPublishingOptions");
        ctx.report(
            r,
            "must publish audit logs (no logPublishingOptions entry with logType AUDIT_LOGS): add one with a CloudWatch log group",
        );
    },
});

export const rules: Rule[] = [
    domainEncryptedAtRest,
    domainNodeToNode,
    domainHttpsRequired,
    domainNotPublic,
    domainFineGrainedAccess,
    domainAuditLogging,
];
