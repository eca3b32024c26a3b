import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { ruleCases, urnOf } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

const CMK = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const db = (name: string, props: Record<string, unknown> = {}) => ({
    type: AWS_TYPES.rdsInstance,
    name,
    props: {
        engine: "postgres",
        instanceClass: "db.t4g.micro",
        storageEncrypted: true,
        kmsKeyId: CMK,
        identifier: name,
        ...props,
    },
});
const cluster = (name: string, props: Record<string, unknown> = {}) => ({
    type: AWS_TYPES.rdsCluster,
    name,
    props: { engine: "aurora-postgresql", storageEncrypted: true, kmsKeyId: CMK, clusterIdentifier: name, ...props },
});

describe("RDS rules", () => {
    ruleCases("rds-db-instance-encrypted", [
        { it: "passes an encrypted instance", given: [db("db")], flags: [] },
        {
            it: "fails storageEncrypted false",
            given: [db("db", { storageEncrypted: false })],
            flags: ["db"],
            says: /must encrypt its storage \(storageEncrypted is false\)/,
        },
        {
            it: "fails a missing storageEncrypted (the provider's default is false)",
            given: [db("db", { storageEncrypted: undefined })],
            flags: ["db"],
            says: /unset, which means false/,
        },
        { it: 'judges the string form "false"', given: [db("db", { storageEncrypted: "false" })], flags: ["db"] },
        {
            it: "leaves a read replica to its source",
            given: [db("replica", { storageEncrypted: undefined, replicateSourceDb: "db" })],
            flags: [],
        },
        {
            it: "leaves an instance restored from a snapshot to the snapshot",
            given: [db("restored", { storageEncrypted: undefined, snapshotIdentifier: "snap-1" })],
            flags: [],
        },
        {
            it: "is undecided on an unknown storageEncrypted",
            given: [db("db", { storageEncrypted: PACK_UNKNOWN })],
            flags: [],
            undecided: ["db"],
        },
        { it: "accepts the AWS-managed key by default", given: [db("db", { kmsKeyId: undefined })], flags: [] },
        {
            it: "fails the AWS-managed key when the config requires a customer-managed key",
            given: [db("db", { kmsKeyId: undefined }), db("aliased", { kmsKeyId: "alias/aws/rds" }), db("ok")],
            flags: ["db", "aliased"],
            config: { requireCustomerManagedKey: true },
            says: /customer-managed KMS key/,
        },
    ]);

    ruleCases("rds-db-cluster-encrypted", [
        { it: "passes an encrypted cluster", given: [cluster("c")], flags: [] },
        { it: "fails storageEncrypted false", given: [cluster("c", { storageEncrypted: false })], flags: ["c"] },
        {
            it: "fails a missing storageEncrypted",
            given: [cluster("c", { storageEncrypted: undefined })],
            flags: ["c"],
        },
        {
            it: "accepts Aurora Serverless v1 (always encrypted)",
            given: [cluster("c", { storageEncrypted: undefined, engineMode: "serverless" })],
            flags: [],
        },
        {
            it: "fails an unencrypted global cluster",
            given: [
                {
                    type: AWS_TYPES.rdsGlobalCluster,
                    name: "g",
                    props: { globalClusterIdentifier: "g", engine: "aurora-postgresql" },
                },
            ],
            flags: ["g"],
        },
        {
            it: "leaves a global cluster built from a cluster to that cluster",
            given: [
                {
                    type: AWS_TYPES.rdsGlobalCluster,
                    name: "g",
                    props: { sourceDbClusterIdentifier: "arn:aws:rds:us-west-2:123456789012:cluster:c" },
                },
            ],
            flags: [],
        },
        {
            it: "fails the AWS-managed key under requireCustomerManagedKey",
            given: [cluster("c", { kmsKeyId: undefined })],
            flags: ["c"],
            config: { requireCustomerManagedKey: true },
        },
    ]);

    ruleCases("rds-db-instance-not-public", [
        { it: "passes a private instance (publiclyAccessible absent: false)", given: [db("db")], flags: [] },
        {
            it: "fails publiclyAccessible true on an instance",
            given: [db("db", { publiclyAccessible: true })],
            flags: ["db"],
            says: /must not be publicly accessible/,
        },
        {
            it: "fails publiclyAccessible true on an Aurora cluster instance",
            given: [
                {
                    type: AWS_TYPES.rdsClusterInstance,
                    name: "ci",
                    props: { engine: "aurora-mysql", publiclyAccessible: true },
                },
            ],
            flags: ["ci"],
        },
        {
            it: "passes publiclyAccessible false explicitly",
            given: [{ type: AWS_TYPES.rdsClusterInstance, name: "ci", props: { publiclyAccessible: false } }],
            flags: [],
        },
        {
            it: "is undecided on an unknown value",
            given: [db("db", { publiclyAccessible: PACK_UNKNOWN })],
            flags: [],
            undecided: ["db"],
        },
    ]);

    ruleCases("rds-snapshot-not-public", [
        {
            it: "passes a snapshot shared with one account",
            given: [{ type: AWS_TYPES.rdsSnapshot, name: "s", props: { sharedAccounts: ["210987654321"] } }],
            flags: [],
        },
        {
            it: "fails a snapshot shared with all",
            given: [{ type: AWS_TYPES.rdsSnapshot, name: "s", props: { sharedAccounts: ["all"] } }],
            flags: ["s"],
            says: /shared with every AWS account/,
        },
        {
            it: "fails a cluster snapshot shared with all",
            given: [
                { type: AWS_TYPES.rdsClusterSnapshot, name: "cs", props: { sharedAccounts: ["210987654321", "all"] } },
            ],
            flags: ["cs"],
        },
        {
            it: "fails a snapshot copy shared with all",
            given: [
                { type: AWS_TYPES.rdsSnapshotCopy, name: "cp", props: { sharedAccounts: ["all"] } },
                { type: AWS_TYPES.rdsClusterSnapshotCopy, name: "ccp", props: { sharedAccounts: ["ALL"] } },
            ],
            flags: ["cp", "ccp"],
        },
        {
            it: "is undecided on an unknown list",
            given: [{ type: AWS_TYPES.rdsSnapshot, name: "s", props: { sharedAccounts: PACK_UNKNOWN } }],
            flags: [],
            undecided: ["s"],
        },
    ]);

    ruleCases("rds-snapshot-encrypted", [
        {
            it: "passes a snapshot of an encrypted instance and its copy",
            given: [
                db("db"),
                {
                    type: AWS_TYPES.rdsSnapshot,
                    name: "s",
                    props: { dbInstanceIdentifier: "db", dbSnapshotIdentifier: "s1" },
                },
                {
                    type: AWS_TYPES.rdsSnapshotCopy,
                    name: "cp",
                    props: { sourceDbSnapshotIdentifier: "s1", targetDbSnapshotIdentifier: "s2" },
                },
            ],
            flags: [],
        },
        {
            it: "fails a snapshot of an unencrypted instance and its copy without a key",
            given: [
                db("db", { storageEncrypted: false }),
                {
                    type: AWS_TYPES.rdsSnapshot,
                    name: "s",
                    props: { dbInstanceIdentifier: "db", dbSnapshotIdentifier: "s1" },
                },
                {
                    type: AWS_TYPES.rdsSnapshotCopy,
                    name: "cp",
                    props: { sourceDbSnapshotIdentifier: "s1", targetDbSnapshotIdentifier: "s2" },
                },
            ],
            flags: ["s", "cp"],
            says: /must be encrypted/,
        },
        {
            it: "passes a copy of an unencrypted snapshot that names kmsKeyId",
            given: [
                db("db", { storageEncrypted: false }),
                {
                    type: AWS_TYPES.rdsSnapshot,
                    name: "s",
                    props: { dbInstanceIdentifier: "db", dbSnapshotIdentifier: "s1", encrypted: false },
                },
                {
                    type: AWS_TYPES.rdsSnapshotCopy,
                    name: "cp",
                    props: { sourceDbSnapshotIdentifier: "s1", kmsKeyId: CMK },
                },
            ],
            flags: ["s"],
        },
        {
            it: "follows the source through the engine's property dependencies (first preview)",
            given: [
                cluster("c", { storageEncrypted: false }),
                {
                    type: AWS_TYPES.rdsClusterSnapshot,
                    name: "cs",
                    props: { dbClusterIdentifier: PACK_UNKNOWN },
                    propertyDependencies: { dbClusterIdentifier: [urnOf(AWS_TYPES.rdsCluster, "c")] },
                },
            ],
            flags: ["cs"],
        },
        {
            it: "judges a copy's own encrypted output",
            given: [
                {
                    type: AWS_TYPES.rdsClusterSnapshotCopy,
                    name: "ccp",
                    props: { sourceDbClusterSnapshotIdentifier: "external", storageEncrypted: false },
                },
            ],
            flags: ["ccp"],
        },
        {
            it: "leaves a source outside the stack alone",
            given: [
                {
                    type: AWS_TYPES.rdsSnapshotCopy,
                    name: "cp",
                    props: { sourceDbSnapshotIdentifier: "arn:aws:rds:us-west-2:210987654321:snapshot:x" },
                },
            ],
            flags: [],
        },
    ]);

    const pg = (name: string, family: string, parameters: object[]) => ({
        type: AWS_TYPES.rdsParameterGroup,
        name,
        props: { name, family, parameters },
    });
    ruleCases("rds-parameter-group-tls-required", [
        {
            it: "passes a MySQL group with require_secure_transport 1",
            given: [
                db("db", { engine: "mysql", parameterGroupName: "mysql-tls" }),
                pg("mysql-tls", "mysql8.0", [{ name: "require_secure_transport", value: "1" }]),
            ],
            flags: [],
        },
        {
            it: "fails a MySQL group without require_secure_transport",
            given: [
                db("db", { engine: "mysql", parameterGroupName: "mysql-tls" }),
                pg("mysql-tls", "mysql8.0", [{ name: "max_connections", value: "100" }]),
            ],
            flags: ["mysql-tls"],
            says: /must make 'db' refuse unencrypted connections \(require_secure_transport is unset/,
        },
        {
            it: "fails require_secure_transport OFF",
            given: [
                db("db", { engine: "mariadb", parameterGroupName: "m" }),
                pg("m", "mariadb10.11", [{ name: "require_secure_transport", value: "OFF" }]),
            ],
            flags: ["m"],
        },
        {
            it: "fails PostgreSQL 14 without rds.force_ssl",
            given: [db("db", { parameterGroupName: "p" }), pg("p", "postgres14", [])],
            flags: ["p"],
        },
        {
            it: "passes PostgreSQL 16 without rds.force_ssl (defaults to 1)",
            given: [db("db", { parameterGroupName: "p" }), pg("p", "postgres16", [])],
            flags: [],
        },
        {
            it: "fails PostgreSQL 16 with rds.force_ssl 0",
            given: [
                db("db", { parameterGroupName: "p" }),
                pg("p", "postgres16", [{ name: "rds.force_ssl", value: "0" }]),
            ],
            flags: ["p"],
        },
        {
            it: "judges an Aurora cluster's cluster parameter group (separate-resource form, by dependency)",
            given: [
                cluster("c", {
                    engine: "aurora-mysql",
                    dbClusterParameterGroupName: PACK_UNKNOWN,
                    propertyDependencies: undefined,
                }),
                {
                    type: AWS_TYPES.rdsClusterParameterGroup,
                    name: "cpg",
                    props: { family: "aurora-mysql8.0", parameters: [] },
                },
            ].map((r) =>
                r.name === "c"
                    ? {
                          ...r,
                          propertyDependencies: {
                              dbClusterParameterGroupName: [urnOf(AWS_TYPES.rdsClusterParameterGroup, "cpg")],
                          },
                      }
                    : r,
            ),
            flags: ["cpg"],
        },
        { it: "leaves a database on a default group alone", given: [db("db", { engine: "mysql" })], flags: [] },
        {
            it: "is undecided on an unknown group reference",
            given: [db("db", { engine: "mysql", parameterGroupName: PACK_UNKNOWN })],
            flags: [],
            undecided: ["db"],
        },
    ]);

    ruleCases("rds-db-instance-deletion-protection", [
        { it: "passes deletionProtection true", given: [db("db", { deletionProtection: true })], flags: [] },
        { it: "fails it missing", given: [db("db")], flags: ["db"] },
        { it: "fails it false", given: [db("db", { deletionProtection: false })], flags: ["db"] },
    ]);
    ruleCases("rds-db-cluster-deletion-protection", [
        { it: "passes deletionProtection true", given: [cluster("c", { deletionProtection: true })], flags: [] },
        {
            it: "fails it missing or false",
            given: [cluster("c"), cluster("d", { deletionProtection: false })],
            flags: ["c", "d"],
        },
    ]);
    ruleCases("rds-db-instance-backups-enabled", [
        {
            it: "passes an absent period (AWS keeps 1 day) and 7 days",
            given: [db("db"), db("db7", { backupRetentionPeriod: 7 })],
            flags: [],
        },
        { it: "fails backupRetentionPeriod 0", given: [db("db", { backupRetentionPeriod: 0 })], flags: ["db"] },
    ]);
    ruleCases("rds-db-instance-iam-auth", [
        { it: "passes IAM auth on", given: [db("db", { iamDatabaseAuthenticationEnabled: true })], flags: [] },
        {
            it: "fails it off or missing on PostgreSQL and MySQL",
            given: [db("db"), db("my", { engine: "mysql", iamDatabaseAuthenticationEnabled: false })],
            flags: ["db", "my"],
        },
        { it: "leaves engines without IAM auth alone", given: [db("ora", { engine: "oracle-ee" })], flags: [] },
    ]);
});
