/**
 * ElastiCache: replication groups encrypted at rest and in transit, serverless caches on a
 * customer-managed key when the config asks, no standalone Redis/Valkey cache cluster (which can
 * encrypt neither), and automatic backups. Defaults from the provider's documentation
 * (node_modules/@pulumi/aws/elasticache/replicationGroup.d.ts): engine redis; at-rest encryption
 * false for redis, true for valkey; transit encryption false. Serverless caches always encrypt
 * at rest and in transit.
 */
import { isSet, isUnknown, num, str, PACK_UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule } from "../lib/rule";
import {
    checkCustomerManagedKey,
    checkEncryptedAtRest,
    checkSwitch,
    CMK_CONFIG,
    CmkConfig,
    SwitchSpec,
} from "../lib/stores";
import { AWS_TYPES, typeSet } from "../lib/types";

const SERVERLESS = typeSet(AWS_TYPES.elasticacheServerlessCache);
const CLUSTER = typeSet(AWS_TYPES.elasticacheCluster);

export const replicationGroupEncryptedAtRest = resourceRule<CmkConfig>({
    name: "elasticache-replication-group-encrypted-at-rest",
    description:
        "Checks that every ElastiCache replication group encrypts its data at rest (atRestEncryptionEnabled; the default is false for the redis engine, true for valkey), and that a serverless cache uses a customer-managed key when the config requires one. Mandatory: cache data, backups and swap sit on disk.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    control: fsbp("ElastiCache.4"),
    remediationSteps:
        "Set `atRestEncryptionEnabled: true` and `kmsKeyId` to a customer-managed key (a new replication group: at-rest encryption is chosen at creation).",
    tags: ["elasticache", "encryption"],
    preview: "An unknown switch or engine is undecided; an unknown kmsKeyId counts as customer-managed.",
    config: CMK_CONFIG,
    resourceTypes: [AWS_TYPES.elasticacheReplicationGroup, AWS_TYPES.elasticacheServerlessCache],
    check(r, ctx) {
        if (SERVERLESS.has(r.type)) return checkCustomerManagedKey(r, ctx, "kmsKeyId", "the AWS-owned ElastiCache key");
        const engine = str(r.props.engine);
        if (engine === PACK_UNKNOWN && r.props.atRestEncryptionEnabled === undefined) return ctx.undecided(r, "engine");
        const absent = typeof engine === "string" && engine.toLowerCase() === "valkey";
        checkEncryptedAtRest(
            r,
            ctx,
            {
                path: "atRestEncryptionEnabled",
                absent,
                want: true,
                what: "encrypt its data at rest",
                fix: "set atRestEncryptionEnabled to true (with kmsKeyId)",
            },
            "kmsKeyId",
            "the AWS-owned ElastiCache key",
        );
    },
});

/** transitEncryptionEnabled on, for a Memcached cluster and a replication group alike (off when absent). */
const TRANSIT_ENCRYPTION: SwitchSpec = {
    path: "transitEncryptionEnabled",
    absent: false,
    want: true,
    what: "encrypt connections in transit",
    fix: "set transitEncryptionEnabled to true",
};

export const replicationGroupEncryptedInTransit = resourceRule({
    name: "elasticache-replication-group-encrypted-in-transit",
    description:
        "Checks that every ElastiCache replication group requires TLS (transitEncryptionEnabled true, and transitEncryptionMode not `preferred`, which still accepts clear-text clients), that a Memcached cache cluster enables transit encryption, and that no Redis/Valkey cache runs as a standalone aws.elasticache.Cluster, which supports neither transit nor at-rest encryption. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    control: fsbp("ElastiCache.5"),
    remediationSteps:
        'Set `transitEncryptionEnabled: true` (and `transitEncryptionMode: "required"` once clients use TLS); run Redis/Valkey as an aws.elasticache.ReplicationGroup (or a ServerlessCache).',
    tags: ["elasticache", "encryption", "in-transit"],
    preview: "An unknown switch, mode or engine is undecided.",
    resourceTypes: [AWS_TYPES.elasticacheReplicationGroup, AWS_TYPES.elasticacheCluster],
    check(r, ctx) {
        if (CLUSTER.has(r.type)) {
            const group = r.props.replicationGroupId;
            if (isUnknown(group) || isSet(group)) return; // a member of a replication group, judged there
            const engine = str(r.props.engine);
            if (engine === PACK_UNKNOWN) return ctx.undecided(r, "engine");
            if (typeof engine === "string" && engine.toLowerCase() === "memcached") {
                checkSwitch(r, ctx, TRANSIT_ENCRYPTION);
                return;
            }
            return ctx.report(
                r,
                `must run as a replication group to encrypt its data (a standalone ${engine ?? "redis"} cache cluster supports neither transit nor at-rest encryption): use aws.elasticache.ReplicationGroup with transitEncryptionEnabled and atRestEncryptionEnabled`,
            );
        }
        if (checkSwitch(r, ctx, TRANSIT_ENCRYPTION)) return;
        const mode = str(r.props.transitEncryptionMode);
        if (mode === PACK_UNKNOWN) return ctx.undecided(r, "transitEncryptionMode");
        if (typeof mode === "string" && mode.toLowerCase() === "preferred") {
            ctx.report(
                r,
                'must refuse clear-text connections (transitEncryptionMode is "preferred"): set transitEncryptionMode to "required"',
            );
        }
    },
});

export const replicationGroupBackups = resourceRule({
    name: "elasticache-replication-group-backups-enabled",
    description:
        "Checks that every Redis/Valkey ElastiCache replication group keeps automatic backups (snapshotRetentionLimit at least 1; the default 0 turns them off). Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("ElastiCache.1"),
    remediationSteps: "Set `snapshotRetentionLimit` to 1 or more days.",
    tags: ["elasticache", "backup", "resilience"],
    preview: "An unknown snapshotRetentionLimit is undecided.",
    resourceTypes: [AWS_TYPES.elasticacheReplicationGroup],
    check(r, ctx) {
        const days = num(r.props.snapshotRetentionLimit);
        if (days === PACK_UNKNOWN) return ctx.undecided(r, "snapshotRetentionLimit");
        if (days === undefined || days < 1) {
            ctx.report(
                r,
                `must keep automatic backups (snapshotRetentionLimit is ${days ?? "unset, which means 0"}): set snapshotRetentionLimit to 1 or more`,
            );
        }
    },
});

export const rules: Rule[] = [
    replicationGroupEncryptedAtRest,
    replicationGroupEncryptedInTransit,
    replicationGroupBackups,
];
