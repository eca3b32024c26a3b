/**
 * What the data-store rules share (RDS, EFS, ElastiCache, OpenSearch, Redshift, DocumentDB,
 * Neptune, MSK, ECR, Backup, CloudTrail, Firehose, Athena ...): reading a switch with the
 * default AWS or the provider applies when it is absent, the switches several engines name alike
 * (deletion protection, public accessibility), the at-rest check (switch, then the
 * customer-managed-key requirement every at-rest rule offers as config), the backup-retention and
 * audit-export checks of the RDS-family clusters, and parameter-group lookups for TLS settings.
 *
 * The gate runs no provider Check step, so an absent property reaches the pack without the
 * provider's default (README, differences from the CLI): each rule states the default it
 * assumes, from the provider's documentation (node_modules/@pulumi/aws/<module>/<resource>.d.ts)
 * or the service's API reference where the provider leaves it to AWS.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { arr, bool, isSet, isUnknown, num, read, show, str, PACK_UNKNOWN, Unknown } from "./props";
import type { RuleContext, RuleResource, StackResource } from "./rule";
import type { StackIndex } from "./stack";
import { AWS_TYPES } from "./types";

/**
 * Reads a dotted path (`encryptAtRest.enabled`). A nested block is an object in the inputs and
 * may be a one-element list in older state, so each step also tries the list's first element.
 */
export function readPath(props: unknown, path: string): unknown {
    let current: unknown = props;
    for (const step of path.split(".")) {
        if (isUnknown(current)) return PACK_UNKNOWN;
        const direct = read(current, step);
        current = direct !== undefined ? direct : read(current, 0, step);
    }
    return current;
}

export interface SwitchSpec {
    /** Dotted property path, e.g. `nodeToNodeEncryption.enabled`. */
    path: string;
    /** The value AWS or the provider uses when the property is absent. */
    absent: boolean;
    /** The value the rule requires. */
    want: boolean;
    /** "must <what>", e.g. "be encrypted at rest". */
    what: string;
    /** The fix, e.g. "set storageEncrypted to true". */
    fix: string;
}

/**
 * Judges one boolean switch (also given as the strings "true"/"false", as some provider
 * properties are). Unknown: undecided. Returns true when it reported or left the resource
 * undecided, so a caller can stop there.
 */
export function checkSwitch<C>(r: RuleResource, ctx: RuleContext<C>, spec: SwitchSpec): boolean {
    const raw = readPath(r.props, spec.path);
    const value = bool(raw);
    if (value === PACK_UNKNOWN) {
        ctx.undecided(r, spec.path);
        return true;
    }
    const effective = value ?? spec.absent;
    if (effective === spec.want) return false;
    const shown = value === undefined ? `unset, which means ${String(spec.absent)}` : `${show(raw)}`;
    ctx.report(r, `must ${spec.what} (${spec.path} is ${shown}): ${spec.fix}`);
    return true;
}

/** deletionProtection on: every engine that has the switch defaults it to off. */
export const DELETION_PROTECTION: SwitchSpec = {
    path: "deletionProtection",
    absent: false,
    want: true,
    what: "be protected from deletion",
    fix: "set deletionProtection to true",
};

/** publiclyAccessible off (the provider's default): no public DNS name for a database endpoint. */
export const NOT_PUBLICLY_ACCESSIBLE: SwitchSpec = {
    path: "publiclyAccessible",
    absent: false,
    want: false,
    what: "not be publicly accessible",
    fix: "set publiclyAccessible to false",
};

/**
 * Automated backups kept 7 days or more (backupRetentionPeriod; AWS keeps them 1 day when it is
 * absent), for the cluster engines that judge the period rather than only its being on.
 */
export function checkBackupRetentionWeek<C>(r: RuleResource, ctx: RuleContext<C>): void {
    const days = num(r.props.backupRetentionPeriod);
    if (days === PACK_UNKNOWN) return ctx.undecided(r, "backupRetentionPeriod");
    if ((days ?? 1) < 7)
        ctx.report(
            r,
            `must keep backups 7 days or more (backupRetentionPeriod is ${days ?? "unset, which means 1"}): set it to 7 or more`,
        );
}

/**
 * The audit log among a cluster's CloudWatch Logs exports; `exportsKey` is the engine's spelling
 * of the list (DocumentDB enabledCloudwatchLogsExports, Neptune enableCloudwatchLogsExports).
 */
export function checkAuditLogExported<C>(r: RuleResource, ctx: RuleContext<C>, exportsKey: string): void {
    const exports = arr(r.props[exportsKey]);
    if (exports === PACK_UNKNOWN) return ctx.undecided(r, exportsKey);
    if (!(exports ?? []).some((e) => str(e) === "audit"))
        ctx.report(r, `must export audit logs (${exportsKey} lacks "audit"): add "audit"`);
}

/**
 * The at-rest check of the engines RDS runs (RDS instances and clusters, DocumentDB, Neptune):
 * `storageEncrypted` must be on (it defaults to off and cannot be turned on later), and, when the
 * config asks for it, the key in `keyPath` must be customer-managed (the AWS-managed key is alias/aws/rds).
 */
export function checkRdsStorageEncrypted<C extends Partial<CmkConfig>>(
    r: RuleResource,
    ctx: RuleContext<C>,
    keyPath: string,
): void {
    checkEncryptedAtRest(
        r,
        ctx,
        {
            path: "storageEncrypted",
            absent: false,
            want: true,
            what: "encrypt its storage",
            fix: `set storageEncrypted to true (with ${keyPath})`,
        },
        keyPath,
        "alias/aws/rds",
    );
}

/**
 * The at-rest check most stores share: the encryption switch `atRest` must hold, and once it
 * does, the key in `keyPath` must be customer-managed when the config asks for it (`awsManaged`
 * names the key the service uses otherwise). A reported or undecided switch ends the check.
 */
export function checkEncryptedAtRest<C extends Partial<CmkConfig>>(
    r: RuleResource,
    ctx: RuleContext<C>,
    atRest: SwitchSpec,
    keyPath: string,
    awsManaged: string,
): void {
    if (!checkSwitch(r, ctx, atRest)) checkCustomerManagedKey(r, ctx, keyPath, awsManaged);
}

/** The config property every at-rest rule offers: require a customer-managed KMS key. */
export interface CmkConfig {
    requireCustomerManagedKey: boolean;
}

export const CMK_CONFIG: Record<string, PolicyConfigJSONSchema> = {
    requireCustomerManagedKey: {
        type: "boolean",
        default: false,
        description:
            "Also require a customer-managed KMS key: a missing key id (the service then uses its AWS-managed key) or an `alias/aws/...` key is a finding.",
    },
};

/** True for an AWS-managed key reference: `alias/aws/rds`, or an alias ARN ending so. */
export function isAwsManagedKey(value: string): boolean {
    return /(^|:)alias\/aws\//.test(value);
}

/**
 * When the config requires a customer-managed key (or `required` says so): reports a store whose
 * key property is unset (the service's AWS-managed key `awsManaged` is used) or names an
 * AWS-managed alias. An unknown key id counts as customer-managed (kms-key-grants-data-stores
 * resolves it in the stack).
 */
export function checkCustomerManagedKey<C extends Partial<CmkConfig>>(
    r: RuleResource,
    ctx: RuleContext<C>,
    keyPath: string,
    awsManaged: string,
    required: boolean = ctx.config.requireCustomerManagedKey === true,
): void {
    if (!required) return;
    const key = str(readPath(r.props, keyPath));
    if (key === PACK_UNKNOWN) return;
    if (key === undefined || key === "") {
        return ctx.report(
            r,
            `must use a customer-managed KMS key (${keyPath} is unset, so the AWS-managed key ${awsManaged} is used): set ${keyPath} to a customer-managed key`,
        );
    }
    if (isAwsManagedKey(key)) {
        ctx.report(
            r,
            `must use a customer-managed KMS key (${keyPath} is the AWS-managed ${key}, whose policy cannot be changed): set ${keyPath} to a customer-managed key`,
        );
    }
}

/** A `name`/`value` parameter list (RDS, Redshift, DocumentDB parameter groups; workgroup configParameters). */
export function parameterValue(
    parameters: unknown,
    name: string,
    nameKey = "name",
    valueKey = "value",
): string | Unknown | undefined {
    const list = read(parameters);
    if (isUnknown(list)) return PACK_UNKNOWN;
    if (!Array.isArray(list)) return undefined;
    let found: string | Unknown | undefined;
    for (const p of list) {
        const n = str(read(p, nameKey));
        if (n === PACK_UNKNOWN) return PACK_UNKNOWN;
        if (typeof n !== "string" || n.toLowerCase() !== name.toLowerCase()) continue;
        const v = read(p, valueKey);
        found = isUnknown(v) ? PACK_UNKNOWN : v === undefined || v === null ? undefined : String(v);
    }
    return found;
}

/**
 * The parameter group a database names (by the group's name or id, or through the engine's
 * property dependencies), among `tokens`; undefined when it names none in the stack (a default
 * or external group, not judged), PACK_UNKNOWN when the reference is unknown and nothing matches.
 */
export function parameterGroupOf(
    index: StackIndex,
    db: StackResource,
    property: string,
    ...tokens: string[]
): StackResource | Unknown | undefined {
    const refs = index.refersTo(db, property, ...tokens);
    return refs === PACK_UNKNOWN ? PACK_UNKNOWN : refs[0];
}

/** True when the value is set (not absent, not empty); unknown counts as set. */
export function setOrUnknown(value: unknown): boolean {
    return isUnknown(value) || isSet(value);
}

/**
 * Whether the stack turns on EBS encryption by default for its account and region
 * (aws.ebs.EncryptionByDefault, `enabled` true when absent): then every new volume is encrypted
 * whatever the volume, instance or launch template says. PACK_UNKNOWN when a declaration's switch is.
 */
export function ebsEncryptedByDefault(index: StackIndex): boolean | Unknown {
    let unknown = false;
    for (const d of index.ofType(AWS_TYPES.ebsEncryptionByDefault)) {
        const enabled = bool(d.props.enabled);
        if (enabled === PACK_UNKNOWN) unknown = true;
        else if (enabled !== false) return true;
    }
    return unknown ? PACK_UNKNOWN : false;
}
