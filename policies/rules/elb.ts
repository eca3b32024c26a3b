/**
 * Elastic Load Balancing: listeners encrypt in transit (HTTPS/TLS with a TLS 1.2 security
 * policy; an HTTP listener is fine only when every default action redirects to HTTPS and no
 * listener rule forwards its requests), Classic Load Balancers terminate HTTPS/SSL, and the
 * load-balancer switches FSBP names. Every type token of @pulumi/aws 7.48 is judged: aws:lb and
 * aws:alb with their elasticloadbalancingv2 / applicationloadbalancing aliases, aws:elb with its
 * elasticloadbalancing alias. Defaults from the provider's documentation
 * (node_modules/@pulumi/aws/lb/listener.d.ts): protocol HTTP for an Application Load Balancer,
 * sslPolicy ELBSecurityPolicy-2016-08 (admits TLS 1.0); loadBalancerType application.
 */
import { arr, bool, read, str, PACK_UNKNOWN, Unknown } from "../lib/props";
import { fsbp, resourceRule, Rule, stackRule, stringListOption } from "../lib/rule";
import { checkSwitch } from "../lib/stores";
import { AWS_TYPES } from "../lib/types";

const LISTENER_TYPES = [
    AWS_TYPES.lbListener,
    AWS_TYPES.lbListenerAlias,
    AWS_TYPES.albListener,
    AWS_TYPES.albListenerAlias,
];
const LISTENER_RULE_TYPES = [
    AWS_TYPES.lbListenerRule,
    AWS_TYPES.lbListenerRuleAlias,
    AWS_TYPES.albListenerRule,
    AWS_TYPES.albListenerRuleAlias,
];
const LB_TYPES = [
    AWS_TYPES.lbLoadBalancer,
    AWS_TYPES.lbLoadBalancerAlias,
    AWS_TYPES.albLoadBalancer,
    AWS_TYPES.albLoadBalancerAlias,
];

/** Whether an action list only redirects to HTTPS (true), forwards or answers (false), or is unknown. */
function onlyRedirectsToHttps(actions: unknown): boolean | Unknown {
    const list = arr(actions);
    if (list === PACK_UNKNOWN) return PACK_UNKNOWN;
    if (!list || list.length === 0) return false;
    for (const a of list) {
        const type = str(read(a, "type"));
        if (type === PACK_UNKNOWN) return PACK_UNKNOWN;
        if (type !== "redirect") return false;
        const protocol = str(read(a, "redirect", "protocol"));
        if (protocol === PACK_UNKNOWN) return PACK_UNKNOWN;
        if (typeof protocol !== "string" || protocol.toUpperCase() !== "HTTPS") return false;
    }
    return true;
}

export const listenerEncrypted = stackRule({
    name: "elb-listener-encrypted",
    description:
        "Checks that every Application Load Balancer listener encrypts client traffic: protocol HTTPS, or HTTP only when every default action redirects to HTTPS and no listener rule (aws.lb.ListenerRule) on it forwards or answers requests. Network Load Balancer TCP/UDP listeners pass bytes through (TLS may end at the targets) and are not judged. Mandatory: an HTTP listener that forwards sends requests, cookies and tokens in clear text.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    control: fsbp("ELB.1"),
    remediationSteps:
        'Serve HTTPS (`protocol: "HTTPS"`, certificateArn, sslPolicy), and make the HTTP listener\'s default action `{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }` without forwarding rules.',
    tags: ["elb", "encryption", "in-transit"],
    preview: "An unknown protocol, default action or listener-rule action leaves the listener undecided.",
    check(stack, ctx) {
        const index = stack.index;
        const rules = index.ofType(...LISTENER_RULE_TYPES);
        for (const listener of index.ofType(...LISTENER_TYPES)) {
            ctx.guard(listener, () => {
                const protocol = str(listener.props.protocol);
                if (protocol === PACK_UNKNOWN) return ctx.undecided(listener, "protocol");
                const p = (protocol ?? "HTTP").toUpperCase();
                if (p !== "HTTP") return;
                const redirects = onlyRedirectsToHttps(listener.props.defaultActions);
                if (redirects === PACK_UNKNOWN) return ctx.undecided(listener, "defaultActions");
                if (!redirects) {
                    return ctx.report(
                        listener,
                        `must not serve plain HTTP (protocol is ${protocol ?? "unset, which means HTTP"} and a default action does not redirect to HTTPS): redirect every default action to HTTPS or use protocol HTTPS`,
                    );
                }
                for (const rule of rules) {
                    const targets = index.refersTo(rule, "listenerArn", ...LISTENER_TYPES);
                    if (targets === PACK_UNKNOWN) {
                        ctx.undecided(listener, `listener of rule '${rule.name}'`);
                        continue;
                    }
                    if (!targets.some((t) => t.urn === listener.urn)) continue;
                    const ok = onlyRedirectsToHttps(rule.props.actions);
                    if (ok === PACK_UNKNOWN) ctx.undecided(listener, `actions of rule '${rule.name}'`);
                    else if (!ok)
                        ctx.report(
                            listener,
                            `must not serve plain HTTP (listener rule '${rule.name}' forwards or answers requests on this HTTP listener): move the rule to the HTTPS listener`,
                        );
                }
            });
        }
    },
});

/** TLS 1.2-minimum ELB security policies: the TLS13-1-2/1-3, TLS-1-2 and FS-1-2 families (and their FIPS/Res/Ext variants). */
const TLS12_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)(-|$)/;

export const listenerTlsPolicy = resourceRule<{ allowedSslPolicies: string[] }>({
    name: "elb-listener-tls-policy",
    description:
        "Checks that every HTTPS or TLS load-balancer listener names a security policy whose minimum is TLS 1.2 (ELBSecurityPolicy-TLS13-1-2-*, -TLS13-1-3-*, -TLS-1-2-*, -FS-1-2-*, or one the config lists); absent, the provider applies ELBSecurityPolicy-2016-08, which admits TLS 1.0. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("ELB.17"),
    remediationSteps: 'Set `sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06"`.',
    tags: ["elb", "encryption", "in-transit"],
    preview: "An unknown protocol or sslPolicy is undecided.",
    config: {
        allowedSslPolicies: stringListOption("Further ELB security policies accepted (exact names)."),
    },
    resourceTypes: LISTENER_TYPES,
    check(r, ctx) {
        const protocol = str(r.props.protocol);
        if (protocol === PACK_UNKNOWN) return ctx.undecided(r, "protocol");
        if (!protocol || !["HTTPS", "TLS"].includes(protocol.toUpperCase())) return;
        const policy = str(r.props.sslPolicy);
        if (policy === PACK_UNKNOWN) return ctx.undecided(r, "sslPolicy");
        const extra = Array.isArray(ctx.config.allowedSslPolicies) ? ctx.config.allowedSslPolicies : [];
        if (policy && (TLS12_POLICY.test(policy) || extra.includes(policy))) return;
        ctx.report(
            r,
            `must require TLS 1.2 or later (sslPolicy is ${policy ? `"${policy}"` : "unset, which means ELBSecurityPolicy-2016-08"}): set sslPolicy to "ELBSecurityPolicy-TLS13-1-2-2021-06"`,
        );
    },
});

export const classicListenerEncrypted = resourceRule({
    name: "elb-classic-listener-encrypted",
    description:
        "Checks that every Classic Load Balancer listener terminates HTTPS or SSL (listeners[].lbProtocol https or ssl): a Classic Load Balancer cannot redirect, so an HTTP or TCP listener carries clear text. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    control: fsbp("ELB.3"),
    remediationSteps:
        'Use `lbProtocol: "https"` (or "ssl") with an ACM certificate, or move to an Application Load Balancer.',
    tags: ["elb", "encryption", "in-transit"],
    preview: "Unknown listeners are undecided.",
    resourceTypes: [AWS_TYPES.elbLoadBalancer, AWS_TYPES.elbLoadBalancerAlias],
    check(r, ctx) {
        const listeners = arr(r.props.listeners);
        if (listeners === PACK_UNKNOWN) return ctx.undecided(r, "listeners");
        for (const l of listeners ?? []) {
            const p = str(read(l, "lbProtocol"));
            if (p === PACK_UNKNOWN) {
                ctx.undecided(r, "listeners lbProtocol");
                continue;
            }
            if (typeof p === "string" && !["https", "ssl"].includes(p.toLowerCase())) {
                ctx.report(
                    r,
                    `must terminate HTTPS or SSL (a listener on port ${String(read(l, "lbPort") ?? "?")} uses lbProtocol "${p}"): use lbProtocol "https" with a certificate`,
                );
            }
        }
    },
});

const isApplication = (r: { props: Record<string, unknown> }) => {
    const type = str(r.props.loadBalancerType);
    return type === PACK_UNKNOWN ? PACK_UNKNOWN : (type ?? "application") === "application";
};

export const loadBalancerDropsInvalidHeaders = resourceRule({
    name: "elb-load-balancer-drop-invalid-headers",
    description:
        "Checks that every Application Load Balancer drops HTTP headers with invalid names (dropInvalidHeaderFields; false by default), which request-smuggling attacks use. Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("ELB.4"),
    remediationSteps: "Set `dropInvalidHeaderFields: true`.",
    tags: ["elb", "network"],
    preview: "An unknown type or switch is undecided.",
    resourceTypes: LB_TYPES,
    check(r, ctx) {
        const app = isApplication(r);
        if (app === PACK_UNKNOWN) return ctx.undecided(r, "loadBalancerType");
        if (!app) return;
        checkSwitch(r, ctx, {
            path: "dropInvalidHeaderFields",
            absent: false,
            want: true,
            what: "drop invalid header fields",
            fix: "set dropInvalidHeaderFields to true",
        });
    },
});

export const loadBalancerDeletionProtection = resourceRule({
    name: "elb-load-balancer-deletion-protection",
    description:
        "Checks that every Application, Network or Gateway Load Balancer has deletion protection (enableDeletionProtection; false by default). Advisory.",
    enforcementLevel: "advisory",
    severity: "low",
    control: fsbp("ELB.6"),
    remediationSteps: "Set `enableDeletionProtection: true`.",
    tags: ["elb", "resilience"],
    preview: "An unknown switch is undecided.",
    resourceTypes: LB_TYPES,
    check(r, ctx) {
        checkSwitch(r, ctx, {
            path: "enableDeletionProtection",
            absent: false,
            want: true,
            what: "be protected from deletion",
            fix: "set enableDeletionProtection to true",
        });
    },
});

export const loadBalancerAccessLogs = resourceRule({
    name: "elb-load-balancer-access-logs",
    description:
        "Checks that every Application or Network Load Balancer writes access logs (accessLogs.enabled with a bucket). Advisory.",
    enforcementLevel: "advisory",
    severity: "low",
    control: fsbp("ELB.5"),
    remediationSteps:
        "Set `accessLogs: { bucket: logs.id, enabled: true }` (the bucket policy must admit the regional ELB account or logdelivery.elasticloadbalancing.amazonaws.com).",
    tags: ["elb", "logging"],
    preview: "An unknown switch is undecided.",
    resourceTypes: LB_TYPES,
    check(r, ctx) {
        const type = str(r.props.loadBalancerType);
        if (type === "gateway") return;
        const enabled = bool(read(r.props, "accessLogs", "enabled"));
        if (enabled === PACK_UNKNOWN) return ctx.undecided(r, "accessLogs.enabled");
        if (enabled !== true)
            ctx.report(
                r,
                "must write access logs (accessLogs.enabled is not true): set accessLogs { bucket, enabled: true }",
            );
    },
});

export const rules: Rule[] = [
    listenerEncrypted,
    listenerTlsPolicy,
    classicListenerEncrypted,
    loadBalancerDropsInvalidHeaders,
    loadBalancerDeletionProtection,
    loadBalancerAccessLogs,
];
