import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { ruleCases, urnOf } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

const LB_ARN = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/web/1";
const toHttps = [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }];
const forward = [
    { type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/web/1" },
];
const https = (name: string, props: Record<string, unknown> = {}, type: string = AWS_TYPES.lbListener) => ({
    type,
    name,
    props: {
        loadBalancerArn: LB_ARN,
        port: 443,
        protocol: "HTTPS",
        certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/1",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        defaultActions: forward,
        ...props,
    },
});
const http = (
    name: string,
    defaultActions: object[],
    type: string = AWS_TYPES.lbListener,
    props: Record<string, unknown> = {},
) => ({
    type,
    name,
    props: { loadBalancerArn: LB_ARN, port: 80, protocol: "HTTP", defaultActions, arn: `${LB_ARN}/${name}`, ...props },
});
const lb = (name: string, props: Record<string, unknown> = {}, type: string = AWS_TYPES.lbLoadBalancer) => ({
    type,
    name,
    props: {
        name,
        loadBalancerType: "application",
        dropInvalidHeaderFields: true,
        enableDeletionProtection: true,
        accessLogs: { bucket: "logs", enabled: true },
        ...props,
    },
});

describe("ELB rules", () => {
    ruleCases("elb-listener-encrypted", [
        {
            it: "passes an HTTPS listener and an HTTP listener that redirects",
            given: [https("tls"), http("web", toHttps)],
            flags: [],
        },
        {
            it: "fails an HTTP listener that forwards",
            given: [http("web", forward)],
            flags: ["web"],
            says: /must not serve plain HTTP/,
        },
        {
            it: "fails a missing protocol (HTTP by default) on the alb alias type",
            given: [
                {
                    type: AWS_TYPES.albListenerAlias,
                    name: "web",
                    props: { loadBalancerArn: LB_ARN, port: 80, defaultActions: forward },
                },
            ],
            flags: ["web"],
            says: /unset, which means HTTP/,
        },
        {
            it: "fails a redirect that keeps HTTP",
            given: [
                http(
                    "web",
                    [{ type: "redirect", redirect: { port: "8080", statusCode: "HTTP_302" } }],
                    AWS_TYPES.albListener,
                ),
            ],
            flags: ["web"],
        },
        {
            it: "fails a redirect followed by a forward on the elasticloadbalancingv2 alias",
            given: [http("web", [...toHttps, ...forward], AWS_TYPES.lbListenerAlias)],
            flags: ["web"],
        },
        {
            it: "fails a redirecting HTTP listener whose listener rule forwards (separate resource)",
            given: [
                http("web", toHttps),
                {
                    type: AWS_TYPES.lbListenerRule,
                    name: "api",
                    props: {
                        listenerArn: `${LB_ARN}/web`,
                        actions: forward,
                        conditions: [{ pathPattern: { values: ["/api/*"] } }],
                    },
                },
            ],
            flags: ["web"],
            says: /listener rule 'api'/,
        },
        {
            it: "passes a listener rule that redirects too",
            given: [
                http("web", toHttps),
                {
                    type: AWS_TYPES.lbListenerRule,
                    name: "r",
                    props: { listenerArn: `${LB_ARN}/web`, actions: toHttps },
                },
            ],
            flags: [],
        },
        {
            it: "pairs a listener rule by dependency at first preview",
            given: [
                http("web", toHttps),
                {
                    type: AWS_TYPES.lbListenerRule,
                    name: "api",
                    props: { listenerArn: PACK_UNKNOWN, actions: forward },
                    propertyDependencies: { listenerArn: [urnOf(AWS_TYPES.lbListener, "web")] },
                },
            ],
            flags: ["web"],
        },
        {
            it: "leaves an NLB TCP listener alone",
            given: [
                {
                    type: AWS_TYPES.lbListener,
                    name: "tcp",
                    props: { loadBalancerArn: LB_ARN, port: 5432, protocol: "TCP", defaultActions: forward },
                },
            ],
            flags: [],
        },
        {
            it: "is undecided on unknown default actions",
            given: [http("web", PACK_UNKNOWN as unknown as object[])],
            flags: [],
            undecided: ["web"],
        },
    ]);
    ruleCases("elb-listener-tls-policy", [
        {
            it: "passes a TLS 1.3/1.2 policy and an FS-1-2 policy",
            given: [
                https("a"),
                https("b", { sslPolicy: "ELBSecurityPolicy-FS-1-2-Res-2020-10" }, AWS_TYPES.albListener),
            ],
            flags: [],
        },
        {
            it: "fails the provider default (ELBSecurityPolicy-2016-08)",
            given: [https("a", { sslPolicy: undefined })],
            flags: ["a"],
            says: /ELBSecurityPolicy-2016-08/,
        },
        {
            it: "fails a TLS 1.0 policy on a TLS listener (NLB)",
            given: [
                https(
                    "n",
                    { protocol: "TLS", sslPolicy: "ELBSecurityPolicy-TLS13-1-0-2021-06" },
                    AWS_TYPES.lbListenerAlias,
                ),
            ],
            flags: ["n"],
        },
        {
            it: "accepts a policy the config lists",
            given: [https("a", { sslPolicy: "ELBSecurityPolicy-TLS-1-1-2017-01" })],
            flags: [],
            config: { allowedSslPolicies: ["ELBSecurityPolicy-TLS-1-1-2017-01"] },
        },
        { it: "leaves HTTP listeners to elb-listener-encrypted", given: [http("web", forward)], flags: [] },
    ]);
    ruleCases("elb-classic-listener-encrypted", [
        {
            it: "passes an HTTPS classic listener",
            given: [
                {
                    type: AWS_TYPES.elbLoadBalancer,
                    name: "c",
                    props: {
                        listeners: [
                            {
                                lbPort: 443,
                                lbProtocol: "https",
                                instancePort: 80,
                                instanceProtocol: "http",
                                sslCertificateId: "arn",
                            },
                        ],
                    },
                },
            ],
            flags: [],
        },
        {
            it: "fails an HTTP listener, also on the alias type",
            given: [
                {
                    type: AWS_TYPES.elbLoadBalancer,
                    name: "c",
                    props: {
                        listeners: [{ lbPort: 80, lbProtocol: "http", instancePort: 80, instanceProtocol: "http" }],
                    },
                },
                {
                    type: AWS_TYPES.elbLoadBalancerAlias,
                    name: "d",
                    props: {
                        listeners: [{ lbPort: 5432, lbProtocol: "tcp", instancePort: 5432, instanceProtocol: "tcp" }],
                    },
                },
            ],
            flags: ["c", "d"],
        },
    ]);
    ruleCases("elb-load-balancer-drop-invalid-headers", [
        {
            it: "passes it on and leaves NLBs alone",
            given: [lb("a"), lb("n", { loadBalancerType: "network", dropInvalidHeaderFields: undefined })],
            flags: [],
        },
        {
            it: "fails it missing on an ALB (type absent: application), also the alias type",
            given: [
                lb("a", { loadBalancerType: undefined, dropInvalidHeaderFields: undefined }),
                lb("b", { dropInvalidHeaderFields: false }, AWS_TYPES.albLoadBalancerAlias),
            ],
            flags: ["a", "b"],
        },
    ]);
    ruleCases("elb-load-balancer-deletion-protection", [
        { it: "passes it on", given: [lb("a")], flags: [] },
        { it: "fails it missing", given: [lb("a", { enableDeletionProtection: undefined })], flags: ["a"] },
    ]);
    ruleCases("elb-load-balancer-access-logs", [
        { it: "passes access logs", given: [lb("a")], flags: [] },
        {
            it: "fails them missing or off",
            given: [lb("a", { accessLogs: undefined }), lb("b", { accessLogs: { bucket: "logs", enabled: false } })],
            flags: ["a", "b"],
        },
    ]);
});
