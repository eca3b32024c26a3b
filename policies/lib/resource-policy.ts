/**
 * Resource-policy analysis shared by every "policy not public" rule (S3 bucket policies, KMS key
 * policies, SNS topic and SQS queue policies, Secrets Manager secret policies, IAM trust
 * policies): which Allow statements are open to everyone, or to a service for any account.
 * Document parsing is lib/iam.ts.
 */
import {
    describeStatement,
    isOpenPrincipal,
    isParseError,
    parsePolicyDocument,
    pinningConditionKeys,
    PolicyStatement,
    unpinnedServicePrincipals,
} from "./iam";
import { PACK_UNKNOWN, Unknown } from "./props";
import { RuleContext, RuleResource } from "./rule";

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
    if (s.action === PACK_UNKNOWN) return PACK_UNKNOWN;
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
        if (s.effect === PACK_UNKNOWN) {
            undecided.push(s);
            continue;
        }
        if (s.effect !== "Allow") continue;
        const everyone = s.notPrincipal !== undefined ? true : isOpenPrincipal(s.principal);
        if (everyone === PACK_UNKNOWN) {
            undecided.push(s);
            continue;
        }
        if (everyone) {
            const pins = pinningConditionKeys(s.condition);
            if (pins === PACK_UNKNOWN) undecided.push(s);
            else if (pins.length === 0) open.push({ statement: s, kind: "everyone", services: [] });
            continue;
        }
        if (!options.servicePrincipals) continue;
        const unpinned = unpinnedServicePrincipals(s);
        if (unpinned === PACK_UNKNOWN) {
            undecided.push(s);
            continue;
        }
        const services: string[] = [];
        let unknown = false;
        for (const service of unpinned) {
            const documented = documentedGrant(s, service, options);
            if (documented === PACK_UNKNOWN) unknown = true;
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
    if (parsed === PACK_UNKNOWN) return ctx.undecided(r, property);
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
