import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { ruleCases } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

const CMK = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const rg = (name: string, props: Record<string, unknown> = {}) => ({
    type: AWS_TYPES.elasticacheReplicationGroup,
    name,
    props: {
        description: "cache",
        engine: "redis",
        atRestEncryptionEnabled: true,
        transitEncryptionEnabled: true,
        kmsKeyId: CMK,
        snapshotRetentionLimit: 7,
        ...props,
    },
});

describe("ElastiCache rules", () => {
    ruleCases("elasticache-replication-group-encrypted-at-rest", [
        { it: "passes an encrypted group", given: [rg("c")], flags: [] },
        {
            it: "fails atRestEncryptionEnabled false",
            given: [rg("c", { atRestEncryptionEnabled: false })],
            flags: ["c"],
            says: /must encrypt its data at rest/,
        },
        {
            it: "fails a missing switch on redis (default false)",
            given: [
                rg("c", { atRestEncryptionEnabled: undefined }),
                rg("noengine", { engine: undefined, atRestEncryptionEnabled: undefined }),
            ],
            flags: ["c", "noengine"],
        },
        {
            it: "passes a missing switch on valkey (default true)",
            given: [rg("c", { engine: "valkey", atRestEncryptionEnabled: undefined })],
            flags: [],
        },
        {
            it: "is undecided on an unknown switch",
            given: [rg("c", { atRestEncryptionEnabled: PACK_UNKNOWN })],
            flags: [],
            undecided: ["c"],
        },
        {
            it: "passes a serverless cache by default",
            given: [{ type: AWS_TYPES.elasticacheServerlessCache, name: "s", props: { engine: "valkey" } }],
            flags: [],
        },
        {
            it: "fails a serverless cache and a group without a key when the config asks for one",
            given: [
                { type: AWS_TYPES.elasticacheServerlessCache, name: "s", props: { engine: "valkey" } },
                rg("c", { kmsKeyId: undefined }),
                rg("ok"),
            ],
            flags: ["s", "c"],
            config: { requireCustomerManagedKey: true },
        },
    ]);
    ruleCases("elasticache-replication-group-encrypted-in-transit", [
        { it: "passes TLS required", given: [rg("c", { transitEncryptionMode: "required" })], flags: [] },
        {
            it: "fails transitEncryptionEnabled false",
            given: [rg("c", { transitEncryptionEnabled: false })],
            flags: ["c"],
        },
        { it: "fails a missing switch", given: [rg("c", { transitEncryptionEnabled: undefined })], flags: ["c"] },
        {
            it: "fails mode preferred (clear text still accepted)",
            given: [rg("c", { transitEncryptionMode: "preferred" })],
            flags: ["c"],
            says: /preferred/,
        },
        {
            it: "fails a standalone Redis cache cluster (separate-resource form)",
            given: [
                {
                    type: AWS_TYPES.elasticacheCluster,
                    name: "single",
                    props: { engine: "redis", nodeType: "cache.t4g.micro" },
                },
            ],
            flags: ["single"],
            says: /replication group/,
        },
        {
            it: "passes a member cluster of a replication group",
            given: [{ type: AWS_TYPES.elasticacheCluster, name: "member", props: { replicationGroupId: "c" } }],
            flags: [],
        },
        {
            it: "judges Memcached transit encryption",
            given: [
                { type: AWS_TYPES.elasticacheCluster, name: "m", props: { engine: "memcached" } },
                {
                    type: AWS_TYPES.elasticacheCluster,
                    name: "mt",
                    props: { engine: "memcached", transitEncryptionEnabled: true },
                },
            ],
            flags: ["m"],
        },
    ]);
    ruleCases("elasticache-replication-group-backups-enabled", [
        { it: "passes 7 days", given: [rg("c")], flags: [] },
        {
            it: "fails 0 and missing",
            given: [rg("c", { snapshotRetentionLimit: 0 }), rg("d", { snapshotRetentionLimit: undefined })],
            flags: ["c", "d"],
        },
    ]);
});
