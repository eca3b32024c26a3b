/**
 * S3 has no public access (issue 5, family 1): the bucket-level public-access block, ACLs,
 * bucket policies, website hosting, and the two Lambda front doors that bypass the API's
 * controls (function URLs without auth, resource policies open to `*`). CloudFront OAC vs OAI
 * is judged in cloudfront.ts; TLS-only bucket policies and encryption in encryption.ts.
 */
import {
    arnPinsAccount,
    describeStatement,
    isOpenPrincipal,
    isParseError,
    parsePolicyDocument,
    pinningConditionKeys,
    PolicyStatement,
    unpinnedServicePrincipals,
} from "../lib/iam";
import { arr, bool, isSet, isUnknown, read, rec, str, UNKNOWN, Unknown } from "../lib/props";
import { fsbp, resourceRule, Rule, RuleContext, RuleResource, stackRule, StackResource } from "../lib/rule";
import { T } from "../lib/types";

const PAB_SETTINGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

export const bucketPublicAccessBlocked = stackRule({
    name: "s3-bucket-public-access-blocked",
    description:
        "Checks that every S3 bucket (Bucket or BucketV2) has a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
    enforcementLevel: "mandatory",
    severity: "high",
    control: fsbp("S3.8"),
    relatedControls: [fsbp("S3.1")],
    remediationSteps:
        "Add `new aws.s3.BucketPublicAccessBlock(name, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true })` for the bucket.",
    tags: ["s3", "public-access"],
    rationale:
        "The block is the one switch that overrides every ACL and policy mistake; it is a separate resource, so the rule pairs blocks and buckets across the stack.",
    preview:
        "Pairs a block with its bucket by the bucket name/id or, when that is unknown, by the engine's property dependencies; a block whose bucket cannot be resolved leaves uncovered buckets undecided, and an unknown setting leaves its bucket undecided.",
    check(stack, ctx) {
        const index = stack.index;
        const blocksByBucket = new Map<string, StackResource[]>();
        const unresolved: StackResource[] = [];
        for (const block of index.ofType(T.bucketPublicAccessBlock)) {
            const buckets = index.refersTo(block, "bucket", T.bucket);
            if (buckets === UNKNOWN || buckets.length === 0) {
                unresolved.push(block);
                continue;
            }
            for (const bucket of buckets) {
                const list = blocksByBucket.get(bucket.urn) ?? [];
                list.push(block);
                blocksByBucket.set(bucket.urn, list);
            }
        }
        for (const bucket of index.ofType(T.bucket)) {
            ctx.guard(bucket, () => {
                const blocks = blocksByBucket.get(bucket.urn) ?? [];
                if (blocks.length === 0) {
                    if (unresolved.length > 0) {
                        return ctx.undecided(bucket, `public-access block (bucket of '${unresolved[0].name}' unknown)`);
                    }
                    return ctx.report(
                        bucket,
                        "must have an aws.s3.BucketPublicAccessBlock: add one for this bucket with all four settings true",
                    );
                }
                let undecided = false;
                const gaps: string[] = [];
                for (const block of blocks) {
                    const off = PAB_SETTINGS.filter((s) => {
                        const v = bool(block.props[s]);
                        if (v === UNKNOWN) undecided = true;
                        return v === false || v === undefined;
                    });
                    if (off.length === 0) return; // one complete block covers the bucket
                    gaps.push(`'${block.name}' leaves ${off.join(", ")} unset or false`);
                }
                if (undecided) return ctx.undecided(bucket, "public-access block settings");
                ctx.report(
                    bucket,
                    `must block all public access: BucketPublicAccessBlock ${gaps.join("; ")}: set all four settings to true`,
                );
            });
        }
    },
});

const PUBLIC_CANNED_ACLS = new Set(["public-read", "public-read-write", "authenticated-read"]);
const PUBLIC_GROUPS = ["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"];

function isPublicGroup(uri: unknown): boolean {
    return typeof uri === "string" && PUBLIC_GROUPS.some((g) => uri.trim().toLowerCase() === g.toLowerCase());
}

/** Grants to the public groups, as `path` strings; UNKNOWN when a grantee cannot be read. */
function publicGrants(grants: unknown, basePath: string, granteeOf: (g: unknown) => unknown): string[] | Unknown {
    const list = arr(grants);
    if (list === UNKNOWN) return UNKNOWN;
    if (!list) return [];
    const out: string[] = [];
    let unknown = false;
    list.forEach((g, i) => {
        const uri = str(read(granteeOf(g), "uri"));
        if (uri === UNKNOWN) unknown = true;
        else if (isPublicGroup(uri)) out.push(`${basePath}[${i}]`);
    });
    return out.length === 0 && unknown ? UNKNOWN : out;
}

export const bucketAclNotPublic = resourceRule({
    name: "s3-bucket-acl-not-public",
    description:
        "Checks that no S3 bucket or BucketAcl uses a public canned ACL (public-read, public-read-write, authenticated-read) or grants to the AllUsers or AuthenticatedUsers groups.",
    enforcementLevel: "mandatory",
    severity: "critical",
    control: fsbp("S3.2"),
    relatedControls: [fsbp("S3.3"), fsbp("S3.12")],
    remediationSteps:
        "Remove the `acl`/`grants` (prefer BucketOwnershipControls with BucketOwnerEnforced, which disables ACLs), or use the `private` canned ACL.",
    tags: ["s3", "public-access"],
    preview: "An unknown `acl` or grantee leaves the resource undecided.",
    resourceTypes: [T.bucket, T.bucketAcl],
    check(r, ctx) {
        const acl = str(r.props.acl);
        if (acl === UNKNOWN) ctx.undecided(r, "acl");
        else if (typeof acl === "string" && PUBLIC_CANNED_ACLS.has(acl.trim().toLowerCase())) {
            ctx.report(r, `must not use the public canned ACL "${acl}" (acl): use "private" or remove the ACL`);
        }
        const grants =
            r.type.includes("bucketAcl")
                ? publicGrants(read(r.props, "accessControlPolicy", "grants"), "accessControlPolicy.grants", (g) => read(g, "grantee"))
                : publicGrants(r.props.grants, "grants", (g) => g);
        if (grants === UNKNOWN) return ctx.undecided(r, "grants");
        for (const path of grants) {
            ctx.report(r, `must not grant to AllUsers or AuthenticatedUsers (${path}): remove the grant`);
        }
    },
});

/** How a resource-policy check reads service principals. */
export interface ResourcePolicyOptions {
    /**
     * Judge Allow statements to SERVICE principals too: without a confused-deputy condition
     * (aws:SourceArn, aws:SourceAccount, aws:SourceOrgID, aws:SourceOrgPaths) the service acts on
     * the resource for every account that uses it. Off for trust policies, where a service
     * principal (lambda.amazonaws.com) assumes the role only when this account hands it the role.
     */
    servicePrincipals?: boolean;
    /**
     * Unpinned service grants AWS documents as the required form (service principal, lower case
     * -> the only actions it may be granted that way); a statement granting more is judged.
     */
    documentedServiceGrants?: Readonly<Record<string, readonly string[]>>;
}

/** An Allow that is open: to everyone (`*`), or to a service for any account. */
export interface OpenStatement {
    statement: PolicyStatement;
    /** "everyone": a `*`/wildcard principal or NotPrincipal; "service": the services listed. */
    kind: "everyone" | "service";
    services: string[];
}

/** True when a documented unpinned grant covers every action of the statement. */
function documentedGrant(s: PolicyStatement, service: string, options: ResourcePolicyOptions): boolean | Unknown {
    const allowed = options.documentedServiceGrants?.[service.trim().toLowerCase()];
    if (!allowed || s.notAction !== undefined) return false;
    if (s.action === UNKNOWN) return UNKNOWN;
    const actions = s.action ?? [];
    const lower = allowed.map((a) => a.toLowerCase());
    return actions.length > 0 && actions.every((a) => lower.includes(a.trim().toLowerCase()));
}

/**
 * Statements of a resource policy that allow everyone: an Allow to an open principal (or with
 * NotPrincipal, which is everyone but the listed ones) without a caller-pinning condition, and,
 * with `options.servicePrincipals`, an Allow to a service principal without a confused-deputy
 * condition. A Deny to `*` restricts (e.g. the TLS-only statement) and is fine.
 */
export function publicAllowStatements(
    statements: readonly PolicyStatement[],
    options: ResourcePolicyOptions = {},
): { open: OpenStatement[]; undecided: PolicyStatement[] } {
    const open: OpenStatement[] = [];
    const undecided: PolicyStatement[] = [];
    for (const s of statements) {
        if (s.effect === UNKNOWN) {
            undecided.push(s);
            continue;
        }
        if (s.effect !== "Allow") continue;
        const everyone = s.notPrincipal !== undefined ? true : isOpenPrincipal(s.principal);
        if (everyone === UNKNOWN) {
            undecided.push(s);
            continue;
        }
        if (everyone) {
            const pins = pinningConditionKeys(s.condition);
            if (pins === UNKNOWN) undecided.push(s);
            else if (pins.length === 0) open.push({ statement: s, kind: "everyone", services: [] });
            continue;
        }
        if (!options.servicePrincipals) continue;
        const unpinned = unpinnedServicePrincipals(s);
        if (unpinned === UNKNOWN) {
            undecided.push(s);
            continue;
        }
        const services: string[] = [];
        let unknown = false;
        for (const service of unpinned) {
            const documented = documentedGrant(s, service, options);
            if (documented === UNKNOWN) unknown = true;
            else if (!documented) services.push(service);
        }
        if (services.length > 0) open.push({ statement: s, kind: "service", services });
        else if (unknown) undecided.push(s);
    }
    return { open, undecided };
}

/**
 * Judges a resource-policy document for public Allow statements; shared by the S3, KMS, SNS,
 * SQS, Secrets Manager and IAM trust-policy rules. `property` is the path shown in messages.
 */
export function checkResourcePolicyNotPublic<C>(
    r: RuleResource,
    ctx: RuleContext<C>,
    document: unknown,
    property: string,
    fix: string,
    options: ResourcePolicyOptions = {},
): void {
    if (document === undefined || document === null || document === "") return;
    const parsed = parsePolicyDocument(document);
    if (parsed === UNKNOWN) return ctx.undecided(r, property);
    if (isParseError(parsed)) {
        return ctx.report(r, `must have a valid policy document (${property} ${parsed.error}): fix the JSON`);
    }
    const { open, undecided } = publicAllowStatements(parsed.statements, options);
    for (const { statement: s, kind, services } of open) {
        if (kind === "everyone") {
            ctx.report(
                r,
                `must not allow a "*" principal without a condition pinning the caller (${property} ${describeStatement(s)}): ${fix}`,
            );
        } else {
            ctx.report(
                r,
                `must not allow service principal ${services.map((x) => `"${x}"`).join(", ")} without a condition pinning ` +
                    `the source (${property} ${describeStatement(s)}), or the service acts for every AWS account: add ` +
                    "aws:SourceArn (the calling resource's ARN) or aws:SourceAccount (this account) with StringEquals/ArnLike",
            );
        }
    }
    if (open.length === 0 && undecided.length > 0) ctx.undecided(r, `${property} ${describeStatement(undecided[0])}`);
}

export const bucketPolicyNotPublic = resourceRule({
    name: "s3-bucket-policy-not-public",
    description:
        "Checks that no S3 bucket policy (BucketPolicy or the bucket's inline `policy`) allows a `*` principal unless a condition pins the caller (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, aws:SourceVpce, aws:SourceVpc, aws:PrincipalAccount ...) to fixed values, nor a service principal (cloudfront.amazonaws.com, delivery.logs.amazonaws.com ...) unless a confused-deputy condition (aws:SourceArn, aws:SourceAccount, aws:SourceOrgID, aws:SourceOrgPaths) pins the source; Deny statements to `*` are fine.",
    enforcementLevel: "mandatory",
    severity: "critical",
    control: fsbp("S3.2"),
    relatedControls: [fsbp("S3.3"), fsbp("S3.6")],
    remediationSteps:
        "Name the principal (e.g. `{ Service: \"cloudfront.amazonaws.com\" }`) and add a condition such as `StringEquals: { \"AWS:SourceArn\": distribution.arn }`.",
    tags: ["s3", "public-access", "iam"],
    rationale:
        "A pinning condition only counts with a positive operator and a fixed value (as AWS Config's public-access rules count them): `...IfExists`, negated operators, `Null` and `ForAllValues:` pass when the key is absent, and an ARN whose account is a wildcard (`arn:aws:cloudfront::*:distribution/*`) names every account's resources, so they pin nothing. A service principal without aws:SourceArn/aws:SourceAccount is the cross-service confused deputy: any distribution in any account whose OAC points at the bucket could read it.",
    preview: "A policy built from unknown outputs (the usual case for a JSON string) is undecided at preview.",
    resourceTypes: [T.bucket, T.bucketPolicy],
    check(r, ctx) {
        checkResourcePolicyNotPublic(
            r,
            ctx,
            r.props.policy,
            "policy",
            "name the principal and add a condition such as aws:SourceArn",
            { servicePrincipals: true },
        );
    },
});

export const bucketWebsiteDisabled = resourceRule({
    name: "s3-bucket-website-disabled",
    description:
        "Checks that no S3 bucket hosts a static website (BucketWebsiteConfiguration, its V2 alias, or the bucket's inline `website`/`websites`): website endpoints are HTTP-only and require a public bucket.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Remove the website configuration; serve the bucket through CloudFront with Origin Access Control (a private REST origin) and a default root object.",
    tags: ["s3", "public-access"],
    preview: "An unknown inline `website` value leaves the bucket undecided.",
    resourceTypes: [T.bucket, T.bucketWebsite],
    check(r, ctx) {
        if (r.type !== T.bucket && r.type !== "aws:s3/bucketV2:BucketV2") {
            return ctx.report(r, "must not configure website hosting: remove it and serve the bucket through CloudFront with OAC");
        }
        for (const property of ["website", "websites"]) {
            const value = r.props[property];
            if (isUnknown(value)) return ctx.undecided(r, property);
            const items = arr(value) ?? (rec(value) ? [value] : []);
            if (items !== UNKNOWN && items.some((w) => isSet(w) && !(rec(w) && Object.keys(rec(w) as object).length === 0))) {
                return ctx.report(
                    r,
                    `must not configure website hosting (${property}): remove it and serve the bucket through CloudFront with OAC`,
                );
            }
        }
    },
});

export const lambdaFunctionUrlAuthRequired = resourceRule({
    name: "lambda-function-url-auth-required",
    description:
        "Checks that no Lambda function URL uses `authorizationType: NONE`, which exposes the function to the internet beside the API's WAF, throttling and authorisation.",
    enforcementLevel: "mandatory",
    severity: "critical",
    control: fsbp("Lambda.1"),
    remediationSteps:
        "Set `authorizationType: \"AWS_IAM\"`, or remove the function URL and reach the function through API Gateway.",
    tags: ["lambda", "public-access"],
    preview: "An unknown authorizationType is undecided.",
    resourceTypes: [T.lambdaFunctionUrl],
    check(r, ctx) {
        const auth = str(r.props.authorizationType);
        if (auth === UNKNOWN) return ctx.undecided(r, "authorizationType");
        if (typeof auth === "string" && auth.trim().toUpperCase() === "NONE") {
            ctx.report(r, "must require IAM authorisation (authorizationType is NONE): set authorizationType to AWS_IAM");
        }
    },
});

/** True for an AWS service principal (`s3.amazonaws.com`, `logs.us-west-2.amazonaws.com`, China's `.com.cn`). */
export function isServicePrincipal(principal: string): boolean {
    return /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/i.test(principal.trim());
}

export const lambdaPermissionSourceRestricted = resourceRule({
    name: "lambda-permission-source-restricted",
    description:
        "Checks that no lambda.Permission lets principal `*`, or a service principal (s3.amazonaws.com, sns.amazonaws.com ...), invoke the function without sourceArn, sourceAccount or principalOrgId, and that a known sourceArn names one account's resources (not `arn:aws:s3:::*` or an ARN whose account is a wildcard): a public resource policy bypasses the API's controls, and a service principal without a source lets any account's bucket or topic invoke the function.",
    enforcementLevel: "mandatory",
    severity: "critical",
    control: fsbp("Lambda.1"),
    remediationSteps:
        "Name the calling service as principal (e.g. `apigateway.amazonaws.com`) and set `sourceArn` to the caller (e.g. `${api.executionArn}/*/*`, the bucket's ARN) and, for S3, `sourceAccount` to this account.",
    tags: ["lambda", "public-access"],
    rationale:
        "AWS Config's lambda-function-public-access-prohibited (behind Lambda.1) fails a function invoked by Amazon S3 whose policy has no condition such as AWS:SourceAccount: bucket notifications of any account could invoke it (the cross-service confused deputy).",
    preview:
        "An unknown principal is undecided; unknown source fields count as set (they will hold the caller's ARN or account, an output of the stack).",
    resourceTypes: [T.lambdaPermission],
    check(r, ctx) {
        const principal = str(r.props.principal);
        if (principal === UNKNOWN) return ctx.undecided(r, "principal");
        if (typeof principal !== "string") return;
        const open = principal.includes("*");
        if (!open && !isServicePrincipal(principal)) return; // an account or role: named, not public
        const sourceArn = str(r.props.sourceArn);
        const pinned = ["sourceArn", "sourceAccount", "principalOrgId"].some(
            (k) => isUnknown(r.props[k]) || isSet(r.props[k]),
        );
        const who = open ? `principal "${principal}"` : `service principal "${principal}"`;
        if (!pinned) {
            return ctx.report(
                r,
                `must not allow ${who} without a source condition (sourceArn, sourceAccount or principalOrgId): set sourceArn to the calling resource's ARN` +
                    (open ? " and name the calling service" : " (and sourceAccount to this account)"),
            );
        }
        // A sourceArn of any account pins nothing unless another field does.
        const otherPin = ["sourceAccount", "principalOrgId"].some((k) => isUnknown(r.props[k]) || isSet(r.props[k]));
        if (typeof sourceArn === "string" && sourceArn !== "" && !otherPin && !arnPinsAccount(sourceArn)) {
            ctx.report(
                r,
                `must not allow ${who} from a sourceArn of any account (sourceArn "${sourceArn}"): name the calling resource's ARN with this account's id, or set sourceAccount`,
            );
        }
    },
});

export const rules: Rule[] = [
    bucketPublicAccessBlocked,
    bucketAclNotPublic,
    bucketPolicyNotPublic,
    bucketWebsiteDisabled,
    lambdaFunctionUrlAuthRequired,
    lambdaPermissionSourceRestricted,
];
