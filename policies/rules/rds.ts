/**
 * RDS (instances, Aurora and Multi-AZ clusters, global clusters, snapshots and their copies):
 * encryption at rest, no public endpoint, no snapshot shared with every account, TLS enforced
 * through the parameter group when the group is in the stack, and the resilience switches FSBP
 * names. Absent properties take the provider's documented default
 * (node_modules/@pulumi/aws/rds/*.d.ts): storageEncrypted false, publiclyAccessible false,
 * deletionProtection false; backupRetentionPeriod is left to AWS, whose API default is 1 day.
 */
import { arr, isSet, isUnknown, num, str, PACK_UNKNOWN, Unknown } from "../lib/props";
import { fsbp, resourceRule, Rule, stackRule, StackResource } from "../lib/rule";
import { StackIndex } from "../lib/stack";
import {
    checkRdsStorageEncrypted,
    checkSwitch,
    CMK_CONFIG,
    CmkConfig,
    DELETION_PROTECTION,
    NOT_PUBLICLY_ACCESSIBLE,
    parameterGroupOf,
    parameterValue,
} from "../lib/stores";
import { AWS_TYPES, typeSet } from "../lib/types";

export const dbInstanceEncrypted = resourceRule<CmkConfig>({
    name: "rds-db-instance-encrypted",
    description:
        "Checks that every RDS DB instance encrypts its storage (storageEncrypted true; the provider's default is false), which also encrypts its automated backups, read replicas and snapshots; a read replica (replicateSourceDb) or an instance restored from a snapshot (snapshotIdentifier) inherits its source's encryption and is judged through the source. Mandatory: an unencrypted database cannot be encrypted in place.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    control: fsbp("RDS.3"),
    remediationSteps:
        "Set `storageEncrypted: true` and `kmsKeyId` to a customer-managed key; an existing instance must be restored from an encrypted snapshot copy.",
    tags: ["rds", "encryption"],
    preview: "An unknown storageEncrypted is undecided; an unknown kmsKeyId counts as customer-managed.",
    config: CMK_CONFIG,
    resourceTypes: [AWS_TYPES.rdsInstance],
    check(r, ctx) {
        // A read replica follows its source, a restored instance its snapshot (rds-snapshot-encrypted judges those in the stack).
        for (const source of ["replicateSourceDb", "snapshotIdentifier"]) {
            if (isUnknown(r.props[source]) || isSet(r.props[source])) return;
        }
        checkRdsStorageEncrypted(r, ctx, "kmsKeyId");
    },
});

export const dbClusterEncrypted = resourceRule<CmkConfig>({
    name: "rds-db-cluster-encrypted",
    description:
        "Checks that every RDS DB cluster (Aurora or Multi-AZ) and global cluster encrypts its storage (storageEncrypted true; the provider's default is false, except Aurora Serverless v1, engineMode serverless, which is always encrypted); a global cluster created from an existing cluster (sourceDbClusterIdentifier) and a cluster restored from a snapshot (snapshotIdentifier) inherit their source's encryption. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    control: fsbp("RDS.27"),
    remediationSteps:
        "Set `storageEncrypted: true` and `kmsKeyId` to a customer-managed key; an existing cluster must be restored from an encrypted snapshot.",
    tags: ["rds", "encryption"],
    preview: "An unknown storageEncrypted or engineMode is undecided; an unknown kmsKeyId counts as customer-managed.",
    config: CMK_CONFIG,
    resourceTypes: [AWS_TYPES.rdsCluster, AWS_TYPES.rdsGlobalCluster],
    check(r, ctx) {
        if (typeSet(AWS_TYPES.rdsGlobalCluster).has(r.type)) {
            const source = r.props.sourceDbClusterIdentifier;
            if (isUnknown(source) || isSet(source)) return;
            checkSwitch(r, ctx, {
                path: "storageEncrypted",
                absent: false,
                want: true,
                what: "encrypt its storage",
                fix: "set storageEncrypted to true",
            });
            return;
        }
        const mode = str(r.props.engineMode);
        if (mode === PACK_UNKNOWN) return ctx.undecided(r, "engineMode");
        if (mode === "serverless") return;
        if (isUnknown(r.props.snapshotIdentifier) || isSet(r.props.snapshotIdentifier)) return; // follows its snapshot
        checkRdsStorageEncrypted(r, ctx, "kmsKeyId");
    },
});

export const dbInstanceNotPublic = resourceRule({
    name: "rds-db-instance-not-public",
    description:
        "Checks that no RDS DB instance or Aurora cluster instance is publicly accessible (publiclyAccessible true gives it a public DNS name that resolves to a public address when its subnets route to an internet gateway). Mandatory: a database reachable from the internet is exposed to password guessing and engine exploits.",
    enforcementLevel: "mandatory",
    severity: "critical",
    control: fsbp("RDS.2"),
    remediationSteps:
        "Remove `publiclyAccessible: true` (the default is false); reach the database from inside the VPC (a bastion, SSM port forwarding, or RDS Proxy).",
    tags: ["rds", "public-access"],
    preview: "An unknown publiclyAccessible is undecided.",
    resourceTypes: [AWS_TYPES.rdsInstance, AWS_TYPES.rdsClusterInstance],
    check(r, ctx) {
        checkSwitch(r, ctx, NOT_PUBLICLY_ACCESSIBLE);
    },
});

export const snapshotNotPublic = resourceRule({
    name: "rds-snapshot-not-public",
    description:
        'Checks that no RDS DB snapshot, cluster snapshot or snapshot copy is shared with every AWS account (sharedAccounts containing "all"): anyone can then restore the database from it. Mandatory.',
    enforcementLevel: "mandatory",
    severity: "critical",
    control: fsbp("RDS.1"),
    remediationSteps: 'Remove "all" from `sharedAccounts`; share with the account ids that restore it.',
    tags: ["rds", "public-access"],
    preview: "An unknown sharedAccounts list (or element) is undecided.",
    resourceTypes: [
        AWS_TYPES.rdsSnapshot,
        AWS_TYPES.rdsClusterSnapshot,
        AWS_TYPES.rdsSnapshotCopy,
        AWS_TYPES.rdsClusterSnapshotCopy,
    ],
    check(r, ctx) {
        const shared = arr(r.props.sharedAccounts);
        if (shared === PACK_UNKNOWN) return ctx.undecided(r, "sharedAccounts");
        if (!shared) return;
        if (shared.some((a) => isUnknown(a))) return ctx.undecided(r, "sharedAccounts");
        if (shared.some((a) => typeof a === "string" && a.trim().toLowerCase() === "all")) {
            ctx.report(
                r,
                'must not be shared with every AWS account (sharedAccounts contains "all"): list the account ids that may restore it',
            );
        }
    },
});

const SNAPSHOT_TYPES = [
    AWS_TYPES.rdsSnapshot,
    AWS_TYPES.rdsClusterSnapshot,
    AWS_TYPES.rdsSnapshotCopy,
    AWS_TYPES.rdsClusterSnapshotCopy,
];

/** Whether a snapshot (or copy) is encrypted: its own output, its key, or its source in the stack. */
function snapshotEncrypted(index: StackIndex, s: StackResource, seen: Set<string>): boolean | Unknown | undefined {
    if (seen.has(s.urn)) return undefined;
    seen.add(s.urn);
    const own = s.props.encrypted ?? s.props.storageEncrypted;
    if (isUnknown(own)) return PACK_UNKNOWN;
    if (own === true || own === "true") return true;
    if (own === false || own === "false") return false;
    const key = s.props.kmsKeyId;
    if (isUnknown(key) || isSet(key)) return true; // a copy with a key is encrypted with it
    const sourceProperty = [
        "sourceDbSnapshotIdentifier",
        "sourceDbClusterSnapshotIdentifier",
        "dbInstanceIdentifier",
        "dbClusterIdentifier",
    ].find((p) => p in s.props);
    if (!sourceProperty) return undefined;
    const sources = index.refersTo(s, sourceProperty, ...SNAPSHOT_TYPES, AWS_TYPES.rdsInstance, AWS_TYPES.rdsCluster);
    const byIdentifier =
        sources === PACK_UNKNOWN || sources.length > 0 ? [] : identifierMatches(index, s.props[sourceProperty]);
    const found = sources === PACK_UNKNOWN ? [] : [...sources, ...byIdentifier];
    if (found.length === 0) return sources === PACK_UNKNOWN ? PACK_UNKNOWN : undefined;
    const source = found[0];
    if (typeSet(AWS_TYPES.rdsInstance, AWS_TYPES.rdsCluster).has(source.type)) {
        const enc = source.props.storageEncrypted;
        if (isUnknown(enc)) return PACK_UNKNOWN;
        if (str(source.props.engineMode) === "serverless") return true;
        return enc === true || enc === "true";
    }
    return snapshotEncrypted(index, source, seen);
}

/** Databases and snapshots whose identifier (the name AWS knows them by) equals the value. */
function identifierMatches(index: StackIndex, value: unknown): StackResource[] {
    const v = str(value);
    if (typeof v !== "string" || v === "") return [];
    return index
        .ofType(...SNAPSHOT_TYPES, AWS_TYPES.rdsInstance, AWS_TYPES.rdsCluster)
        .filter((r) =>
            [
                "identifier",
                "clusterIdentifier",
                "dbSnapshotIdentifier",
                "dbClusterSnapshotIdentifier",
                "targetDbSnapshotIdentifier",
                "targetDbClusterSnapshotIdentifier",
                "dbSnapshotArn",
                "dbClusterSnapshotArn",
            ].some((k) => str(r.props[k]) === v),
        );
}

export const snapshotEncryptedRule = stackRule({
    name: "rds-snapshot-encrypted",
    description:
        "Checks that every RDS snapshot, cluster snapshot and snapshot copy in the stack is encrypted: a snapshot of an unencrypted database is unencrypted, and a copy is encrypted only when its source is or when it names kmsKeyId. Decided from the snapshot's own `encrypted`/`storageEncrypted` output, its key, or its source database or snapshot in the stack; a source outside the stack is not judged. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    control: fsbp("RDS.4"),
    remediationSteps:
        "Copy the snapshot with `kmsKeyId` set to a customer-managed key (aws.rds.SnapshotCopy / ClusterSnapshotCopy), and encrypt the source database.",
    tags: ["rds", "encryption"],
    preview: "An unknown source reference or source encryption leaves the snapshot undecided.",
    check(stack, ctx) {
        for (const s of stack.index.ofType(...SNAPSHOT_TYPES)) {
            ctx.guard(s, () => {
                const enc = snapshotEncrypted(stack.index, s, new Set());
                if (enc === PACK_UNKNOWN) return ctx.undecided(s, "encryption of its source");
                if (enc === false) {
                    ctx.report(
                        s,
                        "must be encrypted (its source database or snapshot is unencrypted and it names no kmsKeyId): copy it with kmsKeyId set to a customer-managed key",
                    );
                }
            });
        }
    },
});

/** The TLS parameter of an RDS parameter-group family, and the values that enforce TLS. */
function tlsParameter(family: string): { name: string; values: string[]; absentOk: boolean } | undefined {
    const f = family.toLowerCase();
    if (/^(aurora-)?postgres/.test(f)) {
        // RDS for PostgreSQL 15 and later default rds.force_ssl to 1 (RDS User Guide, "Using SSL with a PostgreSQL DB instance").
        const major = Number(/^postgres(\d+)/.exec(f)?.[1] ?? "0");
        return { name: "rds.force_ssl", values: ["1", "true", "on"], absentOk: major >= 15 };
    }
    if (/^(aurora-mysql|aurora5|aurora$|mysql|mariadb)/.test(f))
        return { name: "require_secure_transport", values: ["1", "on", "true"], absentOk: false };
    if (/^sqlserver/.test(f)) return { name: "rds.force_ssl", values: ["1", "true"], absentOk: false };
    return undefined; // Oracle enforces TLS through an option group (SSL option), not a parameter
}

export const parameterGroupTlsRequired = stackRule({
    name: "rds-parameter-group-tls-required",
    description:
        "Checks that the parameter group of every RDS DB instance and cluster, when that group is in the stack, makes the engine refuse unencrypted connections: rds.force_ssl 1 (PostgreSQL, Aurora PostgreSQL, SQL Server; PostgreSQL 15 and later default to 1) or require_secure_transport ON/1 (MySQL, MariaDB, Aurora MySQL). A database on a default or external group is not judged (its parameters are not in the stack); Oracle uses an option group. Mandatory: without it clients may send credentials and data in clear text.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    remediationSteps:
        'Add `{ name: "rds.force_ssl", value: "1" }` (PostgreSQL, SQL Server) or `{ name: "require_secure_transport", value: "1" }` (MySQL, MariaDB) to the group\'s `parameters`.',
    tags: ["rds", "encryption", "in-transit"],
    preview: "An unknown parameter-group reference, family or parameter leaves the group undecided.",
    check(stack, ctx) {
        const index = stack.index;
        const uses: [StackResource, string, string[]][] = [
            ...index
                .ofType(AWS_TYPES.rdsInstance)
                .map((db): [StackResource, string, string[]] => [
                    db,
                    "parameterGroupName",
                    [AWS_TYPES.rdsParameterGroup],
                ]),
            ...index
                .ofType(AWS_TYPES.rdsCluster)
                .map((db): [StackResource, string, string[]] => [
                    db,
                    "dbClusterParameterGroupName",
                    [AWS_TYPES.rdsClusterParameterGroup],
                ]),
        ];
        const judged = new Set<string>();
        for (const [db, property, tokens] of uses) {
            ctx.guard(db, () => {
                if (
                    !isSet(db.props[property]) &&
                    !isUnknown(db.props[property]) &&
                    (db.propertyDependencies[property] ?? []).length === 0
                )
                    return;
                const group = parameterGroupOf(index, db, property, ...tokens);
                if (group === PACK_UNKNOWN) return ctx.undecided(db, property);
                if (!group || judged.has(group.urn)) return;
                judged.add(group.urn);
                const family = str(group.props.family);
                if (family === PACK_UNKNOWN) return ctx.undecided(group, "family");
                if (typeof family !== "string") return;
                const tls = tlsParameter(family);
                if (!tls) return;
                const value = parameterValue(group.props.parameters, tls.name);
                if (value === PACK_UNKNOWN) return ctx.undecided(group, `parameters ${tls.name}`);
                if (value === undefined ? tls.absentOk : tls.values.includes(value.trim().toLowerCase())) return;
                ctx.report(
                    group,
                    `must make '${db.name}' refuse unencrypted connections (${tls.name} is ${value === undefined ? "unset" : `"${value}"`} in family ${family}): add { name: "${tls.name}", value: "1" } to parameters`,
                );
            });
        }
    },
});

export const dbInstanceDeletionProtection = resourceRule({
    name: "rds-db-instance-deletion-protection",
    description:
        "Checks that every RDS DB instance has deletionProtection true (the provider's default is false), so neither a mistaken destroy nor a replacement deletes the database. Advisory: sandbox stacks turn it off; the strict config makes it mandatory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("RDS.8"),
    remediationSteps: "Set `deletionProtection: true` (and `protect: true` on the resource).",
    tags: ["rds", "resilience"],
    preview: "An unknown deletionProtection is undecided.",
    resourceTypes: [AWS_TYPES.rdsInstance],
    check(r, ctx) {
        checkSwitch(r, ctx, DELETION_PROTECTION);
    },
});

export const dbClusterDeletionProtection = resourceRule({
    name: "rds-db-cluster-deletion-protection",
    description:
        "Checks that every RDS DB cluster has deletionProtection true (the provider's default is false). Advisory: sandbox stacks turn it off; the strict config makes it mandatory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("RDS.7"),
    remediationSteps: "Set `deletionProtection: true` (and `protect: true` on the resource).",
    tags: ["rds", "resilience"],
    preview: "An unknown deletionProtection is undecided.",
    resourceTypes: [AWS_TYPES.rdsCluster],
    check(r, ctx) {
        checkSwitch(r, ctx, DELETION_PROTECTION);
    },
});

export const dbInstanceBackupsEnabled = resourceRule({
    name: "rds-db-instance-backups-enabled",
    description:
        "Checks that no RDS DB instance turns automated backups off (backupRetentionPeriod 0); absent, AWS keeps them for 1 day. A read replica (replicateSourceDb) is not judged. Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("RDS.11"),
    remediationSteps: "Set `backupRetentionPeriod` to 7 or more days.",
    tags: ["rds", "backup", "resilience"],
    preview: "An unknown backupRetentionPeriod is undecided.",
    resourceTypes: [AWS_TYPES.rdsInstance],
    check(r, ctx) {
        if (isSet(r.props.replicateSourceDb) || isUnknown(r.props.replicateSourceDb)) return;
        const days = num(r.props.backupRetentionPeriod);
        if (days === PACK_UNKNOWN) return ctx.undecided(r, "backupRetentionPeriod");
        if (days === 0)
            ctx.report(
                r,
                "must keep automated backups (backupRetentionPeriod is 0): set backupRetentionPeriod to 7 or more",
            );
    },
});

export const dbInstanceIamAuth = resourceRule({
    name: "rds-db-instance-iam-auth",
    description:
        "Checks that every RDS DB instance of an engine that supports it (MySQL, MariaDB, PostgreSQL) has IAM database authentication on (iamDatabaseAuthenticationEnabled), so applications connect with short-lived tokens instead of stored passwords. Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("RDS.10"),
    remediationSteps:
        "Set `iamDatabaseAuthenticationEnabled: true` and grant `rds-db:connect` to the roles that connect.",
    tags: ["rds", "identity"],
    preview: "An unknown engine or switch is undecided.",
    resourceTypes: [AWS_TYPES.rdsInstance],
    check(r, ctx) {
        const engine = str(r.props.engine);
        if (engine === PACK_UNKNOWN) return ctx.undecided(r, "engine");
        if (typeof engine !== "string" || !/^(mysql|mariadb|postgres)/i.test(engine)) return;
        checkSwitch(r, ctx, {
            path: "iamDatabaseAuthenticationEnabled",
            absent: false,
            want: true,
            what: "accept IAM database authentication",
            fix: "set iamDatabaseAuthenticationEnabled to true",
        });
    },
});

export const rules: Rule[] = [
    dbInstanceEncrypted,
    dbClusterEncrypted,
    dbInstanceNotPublic,
    snapshotNotPublic,
    snapshotEncryptedRule,
    parameterGroupTlsRequired,
    dbInstanceDeletionProtection,
    dbClusterDeletionProtection,
    dbInstanceBackupsEnabled,
    dbInstanceIamAuth,
];
