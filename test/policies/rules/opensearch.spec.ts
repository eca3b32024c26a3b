import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { doc, ruleCases, urnOf } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

const CMK = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ARN = "arn:aws:es:us-west-2:123456789012:domain/search/*";
const good = {
    domainName: "search",
    encryptAtRest: { enabled: true, kmsKeyId: CMK },
    nodeToNodeEncryption: { enabled: true },
    domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
    advancedSecurityOptions: { enabled: true },
    logPublishingOptions: [
        { logType: "AUDIT_LOGS", cloudwatchLogGroupArn: "arn:aws:logs:us-west-2:123456789012:log-group:audit" },
    ],
    vpcOptions: { subnetIds: ["subnet-1"] },
};
const dom = (name: string, over: Record<string, unknown> = {}, type: string = AWS_TYPES.opensearchDomain) => ({
    type,
    name,
    props: { ...good, ...over },
});
const open = doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "es:*", Resource: ARN });
const roleOnly = doc({
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::123456789012:role/app" },
    Action: "es:ESHttpGet",
    Resource: ARN,
});

describe("OpenSearch rules", () => {
    ruleCases("opensearch-domain-encrypted-at-rest", [
        { it: "passes an encrypted domain", given: [dom("d")], flags: [] },
        { it: "fails enabled false", given: [dom("d", { encryptAtRest: { enabled: false } })], flags: ["d"] },
        {
            it: "fails a missing block (default false)",
            given: [dom("d", { encryptAtRest: undefined })],
            flags: ["d"],
            says: /unset, which means false/,
        },
        {
            it: "fails the legacy Elasticsearch domain (alternate type)",
            given: [dom("es", { encryptAtRest: undefined }, AWS_TYPES.elasticsearchDomain)],
            flags: ["es"],
        },
        {
            it: "is undecided on an unknown switch",
            given: [dom("d", { encryptAtRest: { enabled: PACK_UNKNOWN } })],
            flags: [],
            undecided: ["d"],
        },
        {
            it: "fails aws/es when a customer-managed key is required",
            given: [dom("d", { encryptAtRest: { enabled: true } })],
            flags: ["d"],
            config: { requireCustomerManagedKey: true },
        },
    ]);
    ruleCases("opensearch-domain-node-to-node-encryption", [
        { it: "passes node-to-node encryption", given: [dom("d")], flags: [] },
        {
            it: "fails it false or missing",
            given: [
                dom("d", { nodeToNodeEncryption: { enabled: false } }),
                dom("e", { nodeToNodeEncryption: undefined }, AWS_TYPES.elasticsearchDomain),
            ],
            flags: ["d", "e"],
        },
    ]);
    ruleCases("opensearch-domain-https-required", [
        { it: "passes HTTPS with a TLS 1.2 policy", given: [dom("d")], flags: [] },
        {
            it: "fails enforceHttps false",
            given: [
                dom("d", {
                    domainEndpointOptions: { enforceHttps: false, tlsSecurityPolicy: "Policy-Min-TLS-1-2-2019-07" },
                }),
            ],
            flags: ["d"],
            says: /refuse plain HTTP/,
        },
        {
            it: "fails a TLS 1.0 policy",
            given: [dom("d", { domainEndpointOptions: { tlsSecurityPolicy: "Policy-Min-TLS-1-0-2019-07" } })],
            flags: ["d"],
            says: /TLS 1.2/,
        },
        {
            it: "fails a missing endpoint block (AWS's default admits TLS 1.0)",
            given: [dom("d", { domainEndpointOptions: undefined })],
            flags: ["d"],
            says: /unset/,
        },
        {
            it: "accepts a policy the config lists",
            given: [dom("d", { domainEndpointOptions: { tlsSecurityPolicy: "Policy-Min-TLS-1-0-2019-07" } })],
            flags: [],
            config: { allowedTlsPolicies: ["Policy-Min-TLS-1-0-2019-07"] },
        },
    ]);
    ruleCases("opensearch-domain-not-public", [
        { it: "passes a VPC domain with an open policy", given: [dom("d", { accessPolicies: open })], flags: [] },
        {
            it: "passes a public-endpoint domain whose policy names a role",
            given: [dom("d", { vpcOptions: undefined, accessPolicies: roleOnly })],
            flags: [],
        },
        {
            it: "fails a public-endpoint domain with an open inline policy",
            given: [dom("d", { vpcOptions: undefined, accessPolicies: open })],
            flags: ["d"],
            says: /"\*" principal/,
        },
        {
            it: "fails an open DomainPolicy on a public-endpoint domain (separate-resource form)",
            given: [
                dom("d", { vpcOptions: undefined }),
                {
                    type: AWS_TYPES.opensearchDomainPolicy,
                    name: "p",
                    props: { domainName: "search", accessPolicies: open },
                },
            ],
            flags: ["p"],
        },
        {
            it: "pairs a DomainPolicy by dependency when the name is unknown",
            given: [
                dom("d", { vpcOptions: undefined }),
                {
                    type: AWS_TYPES.opensearchDomainPolicy,
                    name: "p",
                    props: { domainName: PACK_UNKNOWN, accessPolicies: open },
                    propertyDependencies: { domainName: [urnOf(AWS_TYPES.opensearchDomain, "d")] },
                },
            ],
            flags: ["p"],
        },
        {
            it: "fails the legacy Elasticsearch domain",
            given: [dom("es", { vpcOptions: undefined, accessPolicies: open }, AWS_TYPES.elasticsearchDomain)],
            flags: ["es"],
        },
        {
            it: "is undecided on unknown vpcOptions",
            given: [dom("d", { vpcOptions: { subnetIds: PACK_UNKNOWN }, accessPolicies: open })],
            flags: [],
            undecided: ["d"],
        },
    ]);
    ruleCases("opensearch-domain-fine-grained-access", [
        { it: "passes FGAC on", given: [dom("d")], flags: [] },
        { it: "fails it missing", given: [dom("d", { advancedSecurityOptions: undefined })], flags: ["d"] },
    ]);
    ruleCases("opensearch-domain-audit-logging", [
        { it: "passes audit logs", given: [dom("d")], flags: [] },
        {
            it: "fails only slow logs, or the audit entry disabled",
            given: [
                dom("d", { logPublishingOptions: [{ logType: "INDEX_SLOW_LOGS", cloudwatchLogGroupArn: "x" }] }),
                dom("e", {
                    logPublishingOptions: [{ logType: "AUDIT_LOGS", cloudwatchLogGroupArn: "x", enabled: false }],
                }),
            ],
            flags: ["d", "e"],
        },
    ]);
});
