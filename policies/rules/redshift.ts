/**
 * Redshift provisioned clusters and Redshift Serverless (namespaces hold the data, workgroups
 * the endpoint): encryption at rest, no public endpoint, SSL required (through the cluster's
 * parameter group when it is in the stack, or the workgroup's configParameters), and the
 * cluster settings FSBP names. Defaults from the provider's documentation
 * (node_modules/@pulumi/aws/redshift/cluster.d.ts): `encrypted` (a string) "true",
 * publiclyAccessible false. Serverless namespaces are always encrypted (an AWS-owned key unless
 * kmsKeyId names one).
 */
import { num, str, PACK_UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule, stackRule } from "../lib/rule";
import {
    checkEncryptedAtRest,
    checkSwitch,
    CMK_CONFIG,
    CmkConfig,
    isAwsManagedKey,
    NOT_PUBLICLY_ACCESSIBLE,
    parameterGroupOf,
    parameterValue,
} from "../lib/stores";
import { AWS_TYPES } from "../lib/types";

export const clusterEncrypted = resourceRule<CmkConfig>({
    name: "redshift-cluster-encrypted",
    description:
        'Checks that every Redshift cluster is encrypted at rest (`encrypted`, a string in the provider, "true" when absent; "false" turns it off). Mandatory.',
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    control: fsbp("Redshift.10"),
    remediationSteps: 'Remove `encrypted: "false"` (or set "true") and set `kmsKeyId` to a customer-managed key.',
    tags: ["redshift", "encryption"],
    preview: "An unknown `encrypted` is undecided; an unknown kmsKeyId counts as customer-managed.",
    config: CMK_CONFIG,
    resourceTypes: [AWS_TYPES.redshiftCluster],
    check(r, ctx) {
        checkEncryptedAtRest(
            r,
            ctx,
            {
                path: "encrypted",
                absent: true,
                want: true,
                what: "be encrypted at rest",
                fix: 'set encrypted to "true" (with kmsKeyId)',
            },
            "kmsKeyId",
            "alias/aws/redshift",
        );
    },
});

export const clusterNotPublic = resourceRule({
    name: "redshift-cluster-not-public",
    description:
        "Checks that no Redshift cluster is publicly accessible (publiclyAccessible true gives it a public address). Mandatory.",
    enforcementLevel: "mandatory",
    severity: "critical",
    control: fsbp("Redshift.1"),
    remediationSteps: "Remove `publiclyAccessible: true` (the default is false); connect from inside the VPC.",
    tags: ["redshift", "public-access"],
    preview: "An unknown publiclyAccessible is undecided.",
    resourceTypes: [AWS_TYPES.redshiftCluster],
    check(r, ctx) {
        checkSwitch(r, ctx, NOT_PUBLICLY_ACCESSIBLE);
    },
});

export const clusterTlsRequired = stackRule({
    name: "redshift-cluster-tls-required",
    description:
        "Checks that the parameter group of every Redshift cluster, when that group is in the stack, sets require_ssl to true, so the cluster refuses unencrypted client connections. A cluster on a default or external group is not judged (its parameters are not in the stack). Mandatory.",
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("Redshift.2"),
    remediationSteps:
        'Add `{ name: "require_ssl", value: "true" }` to the aws.redshift.ParameterGroup\'s `parameters`.',
    tags: ["redshift", "encryption", "in-transit"],
    preview: "An unknown parameter-group reference or parameter leaves it undecided.",
    check(stack, ctx) {
        const judged = new Set<string>();
        for (const cluster of stack.index.ofType(AWS_TYPES.redshiftCluster)) {
            ctx.guard(cluster, () => {
                const group = parameterGroupOf(
                    stack.index,
                    cluster,
                    "clusterParameterGroupName",
                    AWS_TYPES.redshiftParameterGroup,
                );
                if (group === PACK_UNKNOWN) return ctx.undecided(cluster, "clusterParameterGroupName");
                if (!group || judged.has(group.urn)) return;
                judged.add(group.urn);
                const value = parameterValue(group.props.parameters, "require_ssl");
                if (value === PACK_UNKNOWN) return ctx.undecided(group, "parameters require_ssl");
                if (value !== undefined && value.trim().toLowerCase() === "true") return;
                ctx.report(
                    group,
                    `must make '${cluster.name}' refuse unencrypted connections (require_ssl is ${value === undefined ? "unset" : `"${value}"`}): add { name: "require_ssl", value: "true" } to parameters`,
                );
            });
        }
    },
});

export const clusterSnapshotsEnabled = resourceRule({
    name: "redshift-cluster-automatic-snapshots",
    description:
        "Checks that no Redshift cluster turns automatic snapshots off (automatedSnapshotRetentionPeriod 0; AWS keeps 1 day when absent) and that it keeps them at least 7 days. Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("Redshift.3"),
    remediationSteps: "Set `automatedSnapshotRetentionPeriod` to 7 or more.",
    tags: ["redshift", "backup", "resilience"],
    preview: "An unknown retention period is undecided.",
    resourceTypes: [AWS_TYPES.redshiftCluster],
    check(r, ctx) {
        const days = num(r.props.automatedSnapshotRetentionPeriod);
        if (days === PACK_UNKNOWN) return ctx.undecided(r, "automatedSnapshotRetentionPeriod");
        const effective = days ?? 1;
        if (effective < 7)
            ctx.report(
                r,
                `must keep automatic snapshots for 7 days or more (automatedSnapshotRetentionPeriod is ${days ?? "unset, which means 1"}): set it to 7 or more`,
            );
    },
});

export const clusterEnhancedVpcRouting = resourceRule({
    name: "redshift-cluster-enhanced-vpc-routing",
    description:
        "Checks that every Redshift cluster uses enhanced VPC routing (enhancedVpcRouting true), so COPY and UNLOAD traffic goes through the VPC (endpoints, flow logs) rather than the internet. Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("Redshift.7"),
    remediationSteps: "Set `enhancedVpcRouting: true` and give the VPC an S3 gateway endpoint.",
    tags: ["redshift", "network"],
    preview: "An unknown switch is undecided.",
    resourceTypes: [AWS_TYPES.redshiftCluster],
    check(r, ctx) {
        checkSwitch(r, ctx, {
            path: "enhancedVpcRouting",
            absent: false,
            want: true,
            what: "route its traffic through the VPC",
            fix: "set enhancedVpcRouting to true",
        });
    },
});

export const clusterDefaultAdminUsername = resourceRule({
    name: "redshift-cluster-admin-username-not-default",
    description:
        "Checks that no Redshift cluster keeps the documented default admin user name `awsuser` (masterUsername), the first name a password-guessing attack tries. Advisory.",
    enforcementLevel: "advisory",
    severity: "low",
    control: fsbp("Redshift.8"),
    remediationSteps: "Set `masterUsername` to a name of your own (a new cluster: the name cannot change).",
    tags: ["redshift", "identity"],
    preview: "An unknown masterUsername is undecided.",
    resourceTypes: [AWS_TYPES.redshiftCluster],
    check(r, ctx) {
        const user = str(r.props.masterUsername);
        if (user === PACK_UNKNOWN) return ctx.undecided(r, "masterUsername");
        if (typeof user === "string" && user.toLowerCase() === "awsuser")
            ctx.report(
                r,
                'must not use the default admin user name (masterUsername is "awsuser"): choose another name',
            );
    },
});

export const serverlessNamespaceCmk = resourceRule({
    name: "redshift-serverless-namespace-encrypted-cmk",
    description:
        "Checks that every Redshift Serverless namespace encrypts its data with a customer-managed KMS key (kmsKeyId set and not an AWS-managed alias; without it the namespace uses an AWS-owned key whose use no key policy or CloudTrail event shows). Advisory: the data is encrypted either way; the strict config makes it mandatory.",
    enforcementLevel: "advisory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("RedshiftServerless.4"),
    remediationSteps: "Set `kmsKeyId` to a customer-managed key.",
    tags: ["redshift", "encryption"],
    preview: "An unknown kmsKeyId counts as customer-managed.",
    resourceTypes: [AWS_TYPES.redshiftServerlessNamespace],
    check(r, ctx) {
        const key = str(r.props.kmsKeyId);
        if (key === PACK_UNKNOWN) return;
        if (typeof key === "string" && key !== "" && !isAwsManagedKey(key) && key !== "AWS_OWNED_KMS_KEY") return;
        ctx.report(
            r,
            `must use a customer-managed KMS key (kmsKeyId is ${key ? `"${key}"` : "unset, so an AWS-owned key is used"}): set kmsKeyId to a customer-managed key`,
        );
    },
});

export const serverlessWorkgroupNotPublic = resourceRule({
    name: "redshift-serverless-workgroup-not-public",
    description:
        "Checks that no Redshift Serverless workgroup is publicly accessible (publiclyAccessible true). Mandatory.",
    enforcementLevel: "mandatory",
    severity: "critical",
    control: fsbp("RedshiftServerless.3"),
    remediationSteps: "Remove `publiclyAccessible: true`; connect from inside the VPC.",
    tags: ["redshift", "public-access"],
    preview: "An unknown publiclyAccessible is undecided.",
    resourceTypes: [AWS_TYPES.redshiftServerlessWorkgroup],
    check(r, ctx) {
        checkSwitch(r, ctx, NOT_PUBLICLY_ACCESSIBLE);
    },
});

export const serverlessWorkgroupTls = resourceRule({
    name: "redshift-serverless-workgroup-tls-required",
    description:
        'Checks that no Redshift Serverless workgroup turns off SSL enforcement (a configParameters entry require_ssl "false"); absent, the workgroup keeps AWS\'s default. Mandatory.',
    enforcementLevel: "mandatory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("RedshiftServerless.2"),
    remediationSteps: 'Set `{ parameterKey: "require_ssl", parameterValue: "true" }` in configParameters.',
    tags: ["redshift", "encryption", "in-transit"],
    preview: "Unknown configParameters are undecided.",
    resourceTypes: [AWS_TYPES.redshiftServerlessWorkgroup],
    check(r, ctx) {
        const value = parameterValue(r.props.configParameters, "require_ssl", "parameterKey", "parameterValue");
        if (value === PACK_UNKNOWN) return ctx.undecided(r, "configParameters require_ssl");
        if (value !== undefined && value.trim().toLowerCase() === "false") {
            ctx.report(
                r,
                'must refuse unencrypted connections (configParameters require_ssl is "false"): set require_ssl to "true"',
            );
        }
    },
});

export const rules: Rule[] = [
    clusterEncrypted,
    clusterNotPublic,
    clusterTlsRequired,
    clusterSnapshotsEnabled,
    clusterEnhancedVpcRouting,
    clusterDefaultAdminUsername,
    serverlessNamespaceCmk,
    serverlessWorkgroupNotPublic,
    serverlessWorkgroupTls,
];
