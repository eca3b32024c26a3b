/**
 * CloudFront rules: default root object, HTTPS to viewers and origins, Origin Access Control
 * for S3 origins, modern TLS, logging (legacy or v2 standard logging), WAF and security headers.
 * Behaviours are the default one plus every ordered one: a rule judges each.
 */
import { isUnknown, list, read, rec, str, strings, PACK_UNKNOWN, Unknown } from "../lib/props";
import { fsbp, resourceRule, Rule, RuleContext, RuleResource, stackRule, stringListOption } from "../lib/rule";
import { AWS_TYPES } from "../lib/types";

/** The AWS managed "Managed-SecurityHeadersPolicy" response headers policy. */
export const MANAGED_SECURITY_HEADERS_POLICY_ID = "67f7725c-6f97-4210-82d7-5512b31e9d03";

/** Each behaviour with its property path; PACK_UNKNOWN when the ordered list is unknown. */
function behaviours(dist: RuleResource): { path: string; behaviour: Record<string, unknown> | Unknown }[] {
    const out: { path: string; behaviour: Record<string, unknown> | Unknown }[] = [];
    const dflt = rec(read(dist.props, "defaultCacheBehavior"));
    if (dflt !== undefined) out.push({ path: "defaultCacheBehavior", behaviour: dflt });
    const ordered = list(read(dist.props, "orderedCacheBehaviors"));
    if (ordered === PACK_UNKNOWN) out.push({ path: "orderedCacheBehaviors", behaviour: PACK_UNKNOWN });
    else
        ordered.forEach((b, i) => {
            const r = rec(b);
            if (r !== undefined) out.push({ path: `orderedCacheBehaviors[${i}]`, behaviour: r });
        });
    return out;
}

/** Each origin with its path; PACK_UNKNOWN when the origin list is unknown. */
function origins(dist: RuleResource): { path: string; origin: Record<string, unknown> }[] | Unknown {
    const items = list(read(dist.props, "origins"));
    if (items === PACK_UNKNOWN) return PACK_UNKNOWN;
    const out: { path: string; origin: Record<string, unknown> }[] = [];
    items.forEach((o, i) => {
        const r = rec(o);
        if (r && r !== PACK_UNKNOWN) out.push({ path: `origins[${i}]`, origin: r });
    });
    return out;
}

/** S3 REST endpoint (`bucket.s3.region.amazonaws.com`), website endpoint, or neither. */
export function s3OriginKind(domain: string): "s3" | "s3-website" | undefined {
    const d = domain.toLowerCase();
    if (/\.s3-website[.-][a-z0-9-.]*amazonaws\.com(\.cn)?$/.test(d)) return "s3-website";
    if (/\.s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/.test(d)) return "s3";
    return undefined;
}

function originFindings(
    dist: RuleResource,
    ctx: RuleContext<unknown>,
    judge: (o: Record<string, unknown>, path: string) => void,
): void {
    const all = origins(dist);
    if (all === PACK_UNKNOWN) return ctx.undecided(dist, "origins");
    for (const { path, origin } of all) judge(origin, path);
}

/** Runs `judge` on each origin's customOriginConfig (S3 origins have none). */
function eachCustomOrigin(
    dist: RuleResource,
    ctx: RuleContext<unknown>,
    judge: (custom: Record<string, unknown>, path: string) => void,
): void {
    originFindings(dist, ctx, (origin, path) => {
        const custom = rec(origin.customOriginConfig);
        if (custom === PACK_UNKNOWN) return ctx.undecided(dist, `${path}.customOriginConfig`);
        if (custom) judge(custom, path);
    });
}

export const distributionDefaultRootObject = resourceRule({
    name: "cloudfront-distribution-default-root-object",
    description:
        "Checks that a distribution with an S3 origin sets defaultRootObject, so a request for `/` returns the index " +
        "page rather than an error or a bucket listing. Distributions with only custom origins are not judged (as " +
        "CloudFront.1). Mandatory.",
    enforcementLevel: "mandatory",
    severity: "medium",
    control: fsbp("CloudFront.1"),
    remediationSteps: 'Set defaultRootObject: "index.html".',
    tags: ["cloudfront", "s3"],
    resourceTypes: [AWS_TYPES.cloudfrontDistribution],
    check(dist, ctx) {
        const all = origins(dist);
        if (all === PACK_UNKNOWN) return ctx.undecided(dist, "origins");
        const domains = all.map(({ origin }) => str(origin.domainName));
        if (domains.includes(PACK_UNKNOWN)) return ctx.undecided(dist, "origins[].domainName");
        const hasS3 = all.some(
            ({ origin }, i) =>
                rec(origin.s3OriginConfig) !== undefined || s3OriginKind(String(domains[i] ?? "")) !== undefined,
        );
        if (!hasS3) return;
        const root = str(read(dist.props, "defaultRootObject"));
        if (root === PACK_UNKNOWN) return ctx.undecided(dist, "defaultRootObject");
        if (!root) ctx.report(dist, 'must set a default root object: set defaultRootObject (e.g. "index.html")');
    },
});

const HTTPS_VIEWER = ["redirect-to-https", "https-only"];

export const distributionHttpsViewers = resourceRule({
    name: "cloudfront-distribution-https-only",
    description:
        "Checks that every cache behaviour (default and ordered) has viewerProtocolPolicy redirect-to-https or " +
        "https-only, so viewers never exchange content in clear text. Mandatory (encryption in transit).",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    control: fsbp("CloudFront.3"),
    remediationSteps:
        'Set viewerProtocolPolicy: "redirect-to-https" on defaultCacheBehavior and every orderedCacheBehaviors entry.',
    tags: ["cloudfront", "encryption", "tls"],
    resourceTypes: [AWS_TYPES.cloudfrontDistribution],
    check(dist, ctx) {
        for (const { path, behaviour } of behaviours(dist)) {
            if (behaviour === PACK_UNKNOWN) {
                ctx.undecided(dist, path);
                continue;
            }
            const policy = str(behaviour.viewerProtocolPolicy);
            if (policy === PACK_UNKNOWN) ctx.undecided(dist, `${path}.viewerProtocolPolicy`);
            else if (!policy || !HTTPS_VIEWER.includes(policy)) {
                ctx.report(
                    dist,
                    `must require HTTPS: ${path}.viewerProtocolPolicy is ${policy ?? "unset"}; set it to "redirect-to-https"`,
                );
            }
        }
    },
});

export const distributionS3OriginAccessControl = resourceRule({
    name: "cloudfront-distribution-s3-origin-access-control",
    description:
        "Checks that every S3 origin reaches its bucket through Origin Access Control (originAccessControlId), not a " +
        "legacy origin access identity (s3OriginConfig.originAccessIdentity) and not an S3 website endpoint " +
        "(*.s3-website*: that endpoint serves only public buckets and speaks HTTP only). Mandatory (S3 has no public access).",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "s3-never-public",
    control: fsbp("CloudFront.13"),
    remediationSteps:
        "Create an aws.cloudfront.OriginAccessControl (s3, sigv4, always), set the origin's domainName to the bucket's " +
        "bucketRegionalDomainName and originAccessControlId to it, and allow cloudfront.amazonaws.com in the bucket " +
        "policy with an AWS:SourceArn condition.",
    tags: ["cloudfront", "s3"],
    resourceTypes: [AWS_TYPES.cloudfrontDistribution],
    check(dist, ctx) {
        originFindings(dist, ctx, (origin, path) => {
            const domain = str(origin.domainName);
            if (domain === PACK_UNKNOWN) return ctx.undecided(dist, `${path}.domainName`);
            const kind = typeof domain === "string" ? s3OriginKind(domain) : undefined;
            if (kind === "s3-website") {
                return ctx.report(
                    dist,
                    `must not use an S3 website endpoint: ${path}.domainName is ${domain} (public bucket, HTTP only); use the bucket's REST endpoint with Origin Access Control`,
                );
            }
            const s3Config = rec(origin.s3OriginConfig);
            if (kind !== "s3" && s3Config === undefined) return;
            const oai = s3Config && s3Config !== PACK_UNKNOWN ? str(s3Config.originAccessIdentity) : undefined;
            if (typeof oai === "string" && oai !== "") {
                return ctx.report(
                    dist,
                    `must use Origin Access Control, not an origin access identity: ${path}.s3OriginConfig.originAccessIdentity is set; set originAccessControlId and remove the OAI`,
                );
            }
            const oac = str(origin.originAccessControlId);
            if (oac === PACK_UNKNOWN) return ctx.undecided(dist, `${path}.originAccessControlId`);
            if (!oac)
                ctx.report(
                    dist,
                    `must read its S3 origin through Origin Access Control: set ${path}.originAccessControlId`,
                );
        });
    },
});

export const distributionCustomOriginHttps = resourceRule({
    name: "cloudfront-distribution-custom-origin-https-only",
    description:
        "Checks that every custom origin (customOriginConfig) has originProtocolPolicy https-only, so CloudFront never " +
        "forwards viewer traffic to the origin in clear text. Mandatory (encryption in transit).",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    control: fsbp("CloudFront.9"),
    remediationSteps: 'Set customOriginConfig.originProtocolPolicy: "https-only".',
    tags: ["cloudfront", "encryption", "tls"],
    resourceTypes: [AWS_TYPES.cloudfrontDistribution],
    check(dist, ctx) {
        eachCustomOrigin(dist, ctx, (custom, path) => {
            const policy = str(custom.originProtocolPolicy);
            if (policy === PACK_UNKNOWN) return ctx.undecided(dist, `${path}.customOriginConfig.originProtocolPolicy`);
            if (policy !== "https-only") {
                ctx.report(
                    dist,
                    `must reach custom origins over HTTPS: ${path}.customOriginConfig.originProtocolPolicy is ${policy ?? "unset"}; set it to "https-only"`,
                );
            }
        });
    },
});

export const distributionCustomOriginTls12 = resourceRule({
    name: "cloudfront-distribution-custom-origin-tls12",
    description:
        "Checks that every custom origin's originSslProtocols lists only TLSv1.2 (no SSLv3, TLSv1, TLSv1.1), so the " +
        "connection to the origin cannot be downgraded. Mandatory (encryption in transit).",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("CloudFront.10"),
    remediationSteps: 'Set customOriginConfig.originSslProtocols: ["TLSv1.2"].',
    tags: ["cloudfront", "encryption", "tls"],
    resourceTypes: [AWS_TYPES.cloudfrontDistribution],
    check(dist, ctx) {
        eachCustomOrigin(dist, ctx, (custom, path) => {
            const protocols = strings(custom.originSslProtocols);
            if (protocols === PACK_UNKNOWN) return ctx.undecided(dist, `${path}.customOriginConfig.originSslProtocols`);
            const weak = protocols.filter((p) => p !== "TLSv1.2" && p !== "TLSv1.3");
            if (weak.length > 0 || protocols.length === 0) {
                ctx.report(
                    dist,
                    `must use only TLSv1.2 to custom origins: ${path}.customOriginConfig.originSslProtocols is [${protocols.join(", ")}]; set it to ["TLSv1.2"]`,
                );
            }
        });
    },
});

/** Viewer security policies at least as strict as TLSv1.2_2021. */
export const MODERN_VIEWER_POLICIES = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

/** A distribution's viewerCertificate and whether it is a custom one (ACM or IAM), or PACK_UNKNOWN. */
function viewerCertificate(dist: RuleResource): { props: unknown; custom: boolean } | Unknown {
    const props = read(dist.props, "viewerCertificate");
    if (isUnknown(props)) return PACK_UNKNOWN;
    const acm = str(read(props, "acmCertificateArn"));
    const iam = str(read(props, "iamCertificateId"));
    if (acm === PACK_UNKNOWN || iam === PACK_UNKNOWN) return PACK_UNKNOWN;
    return { props, custom: Boolean(acm || iam) };
}

export const distributionViewerTls12 = resourceRule({
    name: "cloudfront-distribution-viewer-tls12",
    description:
        "Checks that a distribution serving a custom certificate (acmCertificateArn or iamCertificateId) sets " +
        "viewerCertificate.minimumProtocolVersion to TLSv1.2_2021 or newer and uses SNI (sslSupportMethod sni-only). " +
        "With the default *.cloudfront.net certificate CloudFront fixes the policy itself, so it is not judged. " +
        "Mandatory (encryption in transit). Control Tower: CT.CLOUDFRONT.PR.9; FSBP CloudFront.8 covers SNI.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("CloudFront.8"),
    remediationSteps: 'Set viewerCertificate.minimumProtocolVersion: "TLSv1.2_2021" and sslSupportMethod: "sni-only".',
    tags: ["cloudfront", "encryption", "tls"],
    config: {
        allowedMinimumProtocolVersions: stringListOption("Viewer security policies accepted.", MODERN_VIEWER_POLICIES),
    },
    resourceTypes: [AWS_TYPES.cloudfrontDistribution],
    check(dist, ctx) {
        const cert = viewerCertificate(dist);
        if (cert === PACK_UNKNOWN) return ctx.undecided(dist, "viewerCertificate");
        if (!cert.custom) return;
        const allowed =
            (ctx.config as { allowedMinimumProtocolVersions?: string[] }).allowedMinimumProtocolVersions ??
            MODERN_VIEWER_POLICIES;
        const version = str(read(cert.props, "minimumProtocolVersion"));
        if (version === PACK_UNKNOWN) return ctx.undecided(dist, "viewerCertificate.minimumProtocolVersion");
        if (!version || !allowed.includes(version)) {
            ctx.report(
                dist,
                `must require TLS 1.2 from viewers: viewerCertificate.minimumProtocolVersion is ${version ?? "unset (TLSv1)"}; set it to "TLSv1.2_2021"`,
            );
        }
        const sni = str(read(cert.props, "sslSupportMethod"));
        if (sni === "vip")
            ctx.report(
                dist,
                'must serve HTTPS with SNI: viewerCertificate.sslSupportMethod is "vip"; set it to "sni-only"',
            );
    },
});

export const distributionViewerDefaultCertificate = resourceRule({
    name: "cloudfront-distribution-viewer-default-certificate",
    description:
        "Checks that a distribution does not serve viewers with the default *.cloudfront.net certificate: CloudFront then " +
        "fixes the viewer security policy itself, and viewers can negotiate TLS 1.0 and 1.1. An alternate domain " +
        "name with an ACM certificate and minimumProtocolVersion TLSv1.2_2021 (SNI) fixes it. Advisory: the default " +
        "domain is fine for development and needs no certificate.",
    enforcementLevel: "advisory",
    severity: "low",
    constraint: "encryption-on",
    remediationSteps:
        'Set aliases and viewerCertificate { acmCertificateArn (us-east-1), minimumProtocolVersion: "TLSv1.2_2021", sslSupportMethod: "sni-only" }.',
    tags: ["cloudfront", "encryption", "tls"],
    resourceTypes: [AWS_TYPES.cloudfrontDistribution],
    check(dist, ctx) {
        const cert = viewerCertificate(dist);
        if (cert === PACK_UNKNOWN) return ctx.undecided(dist, "viewerCertificate");
        if (cert.custom) return;
        ctx.report(
            dist,
            'serves viewers with the default *.cloudfront.net certificate, which lets them negotiate TLS 1.0 and 1.1: use a custom domain with an ACM certificate and minimumProtocolVersion "TLSv1.2_2021"',
        );
    },
});

export const distributionLogging = stackRule({
    name: "cloudfront-distribution-logging-enabled",
    description:
        "Checks that every distribution logs requests: legacy standard logging (loggingConfig.bucket) or standard " +
        "logging v2 (an aws.cloudwatch.LogDeliverySource with logType ACCESS_LOGS and resourceArn the distribution's " +
        "ARN, delivered by an aws.cloudwatch.LogDelivery). Mandatory: the edge is where attacks are seen first.",
    enforcementLevel: "mandatory",
    severity: "medium",
    control: fsbp("CloudFront.5"),
    remediationSteps:
        "Set loggingConfig: { bucket: logBucket.bucketDomainName } or add LogDeliverySource (ACCESS_LOGS, resourceArn: " +
        "distribution.arn) + LogDeliveryDestination + LogDelivery (in us-east-1).",
    tags: ["cloudfront", "logging"],
    check(stack, ctx) {
        const index = stack.index;
        const delivered = new Set<string>();
        for (const d of index.ofType(AWS_TYPES.logDelivery)) {
            const name = str(read(d.props, "deliverySourceName"));
            if (typeof name === "string") delivered.add(name);
            for (const src of index.computedFrom(d, "deliverySourceName", AWS_TYPES.logDeliverySource)) {
                const n = str(read(src.props, "name"));
                if (typeof n === "string") delivered.add(n);
                delivered.add(src.urn);
            }
        }
        const v2 = new Set<string>();
        let undecided = false;
        for (const src of index.ofType(AWS_TYPES.logDeliverySource)) {
            if (str(read(src.props, "logType")) !== "ACCESS_LOGS") continue;
            const name = str(read(src.props, "name"));
            if (!delivered.has(src.urn) && !(typeof name === "string" && delivered.has(name))) continue;
            const target = index.referenceIn(
                src,
                "resourceArn",
                read(src.props, "resourceArn"),
                AWS_TYPES.cloudfrontDistribution,
            );
            if (target === PACK_UNKNOWN) undecided = true;
            else if (target && typeof target === "object") v2.add(target.urn);
        }
        for (const dist of index.ofType(AWS_TYPES.cloudfrontDistribution)) {
            if (v2.has(dist.urn)) continue;
            const bucket = str(read(dist.props, "loggingConfig", "bucket"));
            if (bucket === PACK_UNKNOWN) ctx.undecided(dist, "loggingConfig.bucket");
            else if (typeof bucket === "string" && bucket !== "") continue;
            else if (undecided) ctx.undecided(dist, "resourceArn of a LogDeliverySource");
            else
                ctx.report(
                    dist,
                    "must log requests: set loggingConfig.bucket or add a LogDeliverySource (ACCESS_LOGS) with a LogDelivery for it",
                );
        }
    },
});

export const distributionWaf = resourceRule({
    name: "cloudfront-distribution-waf-enabled",
    description:
        "Checks that a distribution has a web ACL (webAclId), where managed rule groups and rate limits see the " +
        "viewer's address. Advisory: a static site without forms may reasonably run without one.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("CloudFront.6"),
    remediationSteps: "Create a CLOUDFRONT-scope aws.wafv2.WebAcl (in us-east-1) and set webAclId to its arn.",
    tags: ["cloudfront", "waf"],
    resourceTypes: [AWS_TYPES.cloudfrontDistribution],
    check(dist, ctx) {
        const acl = str(read(dist.props, "webAclId"));
        if (acl === PACK_UNKNOWN) return ctx.undecided(dist, "webAclId");
        if (!acl) ctx.report(dist, "must be protected by AWS WAF: set webAclId to a CLOUDFRONT-scope web ACL's arn");
    },
});

/** The security headers a policy must set (securityHeadersConfig members). */
export const REQUIRED_SECURITY_HEADERS = ["strictTransportSecurity", "contentTypeOptions", "frameOptions"];

export const distributionSecurityHeaders = stackRule({
    name: "cloudfront-distribution-security-headers",
    description:
        "Checks that every cache behaviour (default and ordered) attaches a response headers policy that sets security " +
        "headers: an aws.cloudfront.ResponseHeadersPolicy in the stack whose securityHeadersConfig sets " +
        "strictTransportSecurity, contentTypeOptions and frameOptions, or AWS's managed SecurityHeadersPolicy. Mandatory: " +
        "HSTS and anti-framing protect every response the browser renders, API responses included.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps:
        "Create an aws.cloudfront.ResponseHeadersPolicy with securityHeadersConfig (strictTransportSecurity, " +
        "contentTypeOptions, frameOptions, referrerPolicy, contentSecurityPolicy) and set responseHeadersPolicyId on each behaviour.",
    tags: ["cloudfront", "headers"],
    check(stack, ctx) {
        const index = stack.index;
        for (const dist of index.ofType(AWS_TYPES.cloudfrontDistribution)) {
            ctx.guard(dist, () => {
                for (const { path, behaviour } of behaviours(dist)) {
                    if (behaviour === PACK_UNKNOWN) {
                        ctx.undecided(dist, path);
                        continue;
                    }
                    const id = str(behaviour.responseHeadersPolicyId);
                    if (id === MANAGED_SECURITY_HEADERS_POLICY_ID) continue;
                    let policy =
                        typeof id === "string" && id !== ""
                            ? index.named(id, AWS_TYPES.cloudfrontResponseHeadersPolicy)
                            : undefined;
                    if (id === PACK_UNKNOWN) {
                        const prop = path.startsWith("default") ? "defaultCacheBehavior" : "orderedCacheBehaviors";
                        const deps = index.computedFrom(dist, prop, AWS_TYPES.cloudfrontResponseHeadersPolicy);
                        if (deps.length !== 1) {
                            ctx.undecided(dist, `${path}.responseHeadersPolicyId`);
                            continue;
                        }
                        policy = deps[0];
                    }
                    if (!id) {
                        ctx.report(
                            dist,
                            `must send security headers: ${path}.responseHeadersPolicyId is unset; attach a response headers policy with securityHeadersConfig`,
                        );
                        continue;
                    }
                    if (!policy) continue; // a policy outside the stack cannot be read: not judged
                    const config = read(policy.props, "securityHeadersConfig");
                    if (isUnknown(config)) {
                        ctx.undecided(dist, `securityHeadersConfig of '${policy.name}'`);
                        continue;
                    }
                    const missing = REQUIRED_SECURITY_HEADERS.filter((h) => rec(read(config, h)) === undefined);
                    if (missing.length) {
                        ctx.report(
                            dist,
                            `must send security headers: ${path} uses response headers policy '${policy.name}', whose securityHeadersConfig lacks ${missing.join(", ")}; add them`,
                        );
                    }
                }
            });
        }
    },
});

export const rules: Rule[] = [
    distributionDefaultRootObject,
    distributionHttpsViewers,
    distributionS3OriginAccessControl,
    distributionCustomOriginHttps,
    distributionCustomOriginTls12,
    distributionViewerTls12,
    distributionViewerDefaultCertificate,
    distributionLogging,
    distributionWaf,
    distributionSecurityHeaders,
];
