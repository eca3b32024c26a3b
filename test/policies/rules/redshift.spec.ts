import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { ruleCases, urnOf } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

const CMK = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const rs = (name: string, props: Record<string, unknown> = {}) => ({
    type: AWS_TYPES.redshiftCluster,
    name,
    props: {
        clusterIdentifier: name,
        nodeType: "ra3.large",
        masterUsername: "admin1",
        kmsKeyId: CMK,
        enhancedVpcRouting: true,
        automatedSnapshotRetentionPeriod: 7,
        ...props,
    },
});

describe("Redshift rules", () => {
    ruleCases("redshift-cluster-encrypted", [
        { it: 'passes an absent `encrypted` (the provider\'s default is "true")', given: [rs("c")], flags: [] },
        {
            it: 'fails encrypted "false" (a string in the provider)',
            given: [rs("c", { encrypted: "false" })],
            flags: ["c"],
        },
        { it: "fails encrypted false as a boolean too", given: [rs("c", { encrypted: false })], flags: ["c"] },
        {
            it: "fails the AWS-managed key when a customer-managed one is required",
            given: [rs("c", { kmsKeyId: undefined })],
            flags: ["c"],
            config: { requireCustomerManagedKey: true },
        },
        { it: "is undecided on unknown", given: [rs("c", { encrypted: PACK_UNKNOWN })], flags: [], undecided: ["c"] },
    ]);
    ruleCases("redshift-cluster-not-public", [
        { it: "passes a private cluster", given: [rs("c"), rs("d", { publiclyAccessible: false })], flags: [] },
        { it: "fails publiclyAccessible true", given: [rs("c", { publiclyAccessible: true })], flags: ["c"] },
    ]);
    const pg = (name: string, parameters: object[]) => ({
        type: AWS_TYPES.redshiftParameterGroup,
        name,
        props: { name, family: "redshift-2.0", parameters },
    });
    ruleCases("redshift-cluster-tls-required", [
        {
            it: "passes require_ssl true",
            given: [rs("c", { clusterParameterGroupName: "tls" }), pg("tls", [{ name: "require_ssl", value: "true" }])],
            flags: [],
        },
        {
            it: "fails require_ssl false",
            given: [
                rs("c", { clusterParameterGroupName: "tls" }),
                pg("tls", [{ name: "require_ssl", value: "false" }]),
            ],
            flags: ["tls"],
            says: /must make 'c' refuse unencrypted connections/,
        },
        {
            it: "fails a group without require_ssl",
            given: [rs("c", { clusterParameterGroupName: "tls" }), pg("tls", [])],
            flags: ["tls"],
        },
        {
            it: "finds the group by dependency when its name is unknown",
            given: [
                {
                    ...rs("c", { clusterParameterGroupName: PACK_UNKNOWN }),
                    propertyDependencies: {
                        clusterParameterGroupName: [urnOf(AWS_TYPES.redshiftParameterGroup, "tls")],
                    },
                },
                pg("tls", []),
            ],
            flags: ["tls"],
        },
        { it: "leaves a cluster on a default group alone", given: [rs("c")], flags: [] },
    ]);
    ruleCases("redshift-cluster-automatic-snapshots", [
        { it: "passes 7 days", given: [rs("c")], flags: [] },
        {
            it: "fails 0 days and an absent period (1 day)",
            given: [
                rs("c", { automatedSnapshotRetentionPeriod: 0 }),
                rs("d", { automatedSnapshotRetentionPeriod: undefined }),
            ],
            flags: ["c", "d"],
        },
    ]);
    ruleCases("redshift-cluster-enhanced-vpc-routing", [
        { it: "passes it on", given: [rs("c")], flags: [] },
        {
            it: "fails it off or missing",
            given: [rs("c", { enhancedVpcRouting: false }), rs("d", { enhancedVpcRouting: undefined })],
            flags: ["c", "d"],
        },
    ]);
    ruleCases("redshift-cluster-admin-username-not-default", [
        { it: "passes a chosen name", given: [rs("c")], flags: [] },
        { it: "fails awsuser", given: [rs("c", { masterUsername: "awsuser" })], flags: ["c"] },
    ]);
    ruleCases("redshift-serverless-namespace-encrypted-cmk", [
        {
            it: "passes a customer-managed key",
            given: [
                {
                    type: AWS_TYPES.redshiftServerlessNamespace,
                    name: "ns",
                    props: { namespaceName: "ns", kmsKeyId: CMK },
                },
            ],
            flags: [],
        },
        {
            it: "fails a missing key and an AWS-managed alias",
            given: [
                { type: AWS_TYPES.redshiftServerlessNamespace, name: "ns", props: { namespaceName: "ns" } },
                {
                    type: AWS_TYPES.redshiftServerlessNamespace,
                    name: "aliased",
                    props: { kmsKeyId: "alias/aws/redshift" },
                },
            ],
            flags: ["ns", "aliased"],
        },
    ]);
    ruleCases("redshift-serverless-workgroup-not-public", [
        {
            it: "passes a private workgroup",
            given: [{ type: AWS_TYPES.redshiftServerlessWorkgroup, name: "wg", props: { namespaceName: "ns" } }],
            flags: [],
        },
        {
            it: "fails publiclyAccessible true",
            given: [{ type: AWS_TYPES.redshiftServerlessWorkgroup, name: "wg", props: { publiclyAccessible: true } }],
            flags: ["wg"],
        },
    ]);
    ruleCases("redshift-serverless-workgroup-tls-required", [
        {
            it: "passes require_ssl true and the default",
            given: [
                {
                    type: AWS_TYPES.redshiftServerlessWorkgroup,
                    name: "wg",
                    props: { configParameters: [{ parameterKey: "require_ssl", parameterValue: "true" }] },
                },
                { type: AWS_TYPES.redshiftServerlessWorkgroup, name: "dflt", props: {} },
            ],
            flags: [],
        },
        {
            it: "fails require_ssl false",
            given: [
                {
                    type: AWS_TYPES.redshiftServerlessWorkgroup,
                    name: "wg",
                    props: { configParameters: [{ parameterKey: "require_ssl", parameterValue: "false" }] },
                },
            ],
            flags: ["wg"],
        },
        {
            it: "is undecided on unknown parameters",
            given: [
                { type: AWS_TYPES.redshiftServerlessWorkgroup, name: "wg", props: { configParameters: PACK_UNKNOWN } },
            ],
            flags: [],
            undecided: ["wg"],
        },
    ]);
});
