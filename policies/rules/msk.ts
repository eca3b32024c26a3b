/**
 * Amazon MSK provisioned clusters: TLS between clients and brokers and among brokers, no public
 * broker endpoints, no unauthenticated clients, and enhanced monitoring. MSK always encrypts
 * data at rest (an AWS-managed key unless encryptionInfo.encryptionAtRestKmsKeyArn names one).
 * Defaults (MSK API, CreateCluster): clientBroker TLS and inCluster true when absent; with no
 * clientAuthentication block the cluster admits unauthenticated clients. MSK Serverless always
 * requires TLS and IAM authentication and is not judged.
 */
import { bool, str, PACK_UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule } from "../lib/rule";
import { readPath } from "../lib/stores";
import { AWS_TYPES } from "../lib/types";

export const clusterEncryptedInTransit = resourceRule({
    name: "msk-cluster-encrypted-in-transit",
    description:
        "Checks that every MSK cluster encrypts traffic between clients and brokers (encryptionInfo.encryptionInTransit.clientBroker TLS, the default; TLS_PLAINTEXT and PLAINTEXT accept clear text) and among brokers (inCluster, true by default). Mandatory.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    control: fsbp("MSK.1"),
    remediationSteps: 'Set `encryptionInfo: { encryptionInTransit: { clientBroker: "TLS", inCluster: true } }`.',
    tags: ["msk", "encryption", "in-transit"],
    preview: "An unknown clientBroker or inCluster is undecided.",
    resourceTypes: [AWS_TYPES.mskCluster],
    check(r, ctx) {
        const clientBroker = str(readPath(r.props, "encryptionInfo.encryptionInTransit.clientBroker"));
        const inCluster = bool(readPath(r.props, "encryptionInfo.encryptionInTransit.inCluster"));
        if (clientBroker === PACK_UNKNOWN || inCluster === PACK_UNKNOWN)
            return ctx.undecided(r, "encryptionInfo.encryptionInTransit");
        if (typeof clientBroker === "string" && clientBroker.toUpperCase() !== "TLS") {
            ctx.report(
                r,
                `must require TLS from clients (encryptionInTransit.clientBroker is "${clientBroker}"): set clientBroker to "TLS"`,
            );
        }
        if (inCluster === false)
            ctx.report(
                r,
                "must encrypt traffic between brokers (encryptionInTransit.inCluster is false): set inCluster to true",
            );
    },
});

export const clusterPublicAccessDisabled = resourceRule({
    name: "msk-cluster-public-access-disabled",
    description:
        "Checks that no MSK cluster turns on public access (brokerNodeGroupInfo.connectivityInfo.publicAccess.type SERVICE_PROVIDED_EIPS gives every broker a public address). Mandatory.",
    enforcementLevel: "mandatory",
    severity: "critical",
    control: fsbp("MSK.4"),
    remediationSteps:
        'Set `publicAccess: { type: "DISABLED" }` (the default); reach the brokers from inside the VPC or through multi-VPC private connectivity.',
    tags: ["msk", "public-access"],
    preview: "An unknown publicAccess.type is undecided.",
    resourceTypes: [AWS_TYPES.mskCluster],
    check(r, ctx) {
        const type = str(readPath(r.props, "brokerNodeGroupInfo.connectivityInfo.publicAccess.type"));
        if (type === PACK_UNKNOWN) return ctx.undecided(r, "brokerNodeGroupInfo.connectivityInfo.publicAccess.type");
        if (typeof type === "string" && type.toUpperCase() === "SERVICE_PROVIDED_EIPS") {
            ctx.report(
                r,
                'must not expose its brokers to the internet (publicAccess.type is "SERVICE_PROVIDED_EIPS"): set it to "DISABLED"',
            );
        }
    },
});

export const clusterUnauthenticatedDisabled = resourceRule({
    name: "msk-cluster-unauthenticated-access-disabled",
    description:
        "Checks that no MSK cluster admits unauthenticated clients: clientAuthentication.unauthenticated true, or no clientAuthentication at all (MSK then allows unauthenticated access). Mandatory: any client that reaches a broker could read and write every topic.",
    enforcementLevel: "mandatory",
    severity: "high",
    control: fsbp("MSK.6"),
    remediationSteps:
        "Set `clientAuthentication: { sasl: { iam: true } }` (or TLS client certificates) and `unauthenticated: false`.",
    tags: ["msk", "identity"],
    preview: "An unknown clientAuthentication is undecided.",
    resourceTypes: [AWS_TYPES.mskCluster],
    check(r, ctx) {
        const auth = readPath(r.props, "clientAuthentication");
        if (auth === PACK_UNKNOWN) return ctx.undecided(r, "clientAuthentication");
        if (auth === undefined || auth === null) {
            return ctx.report(
                r,
                "must authenticate its clients (no clientAuthentication, so MSK admits unauthenticated clients): set clientAuthentication { sasl: { iam: true } }",
            );
        }
        const open = bool(readPath(r.props, "clientAuthentication.unauthenticated"));
        if (open === PACK_UNKNOWN) return ctx.undecided(r, "clientAuthentication.unauthenticated");
        if (open === true)
            ctx.report(
                r,
                "must authenticate its clients (clientAuthentication.unauthenticated is true): set unauthenticated to false",
            );
    },
});

export const clusterEnhancedMonitoring = resourceRule({
    name: "msk-cluster-enhanced-monitoring",
    description:
        "Checks that every MSK cluster publishes more than the DEFAULT CloudWatch metrics (enhancedMonitoring PER_BROKER or finer). Advisory.",
    enforcementLevel: "advisory",
    severity: "low",
    control: fsbp("MSK.2"),
    remediationSteps: 'Set `enhancedMonitoring: "PER_BROKER"`.',
    tags: ["msk", "monitoring"],
    preview: "An unknown level is undecided.",
    resourceTypes: [AWS_TYPES.mskCluster],
    check(r, ctx) {
        const level = str(r.props.enhancedMonitoring);
        if (level === PACK_UNKNOWN) return ctx.undecided(r, "enhancedMonitoring");
        if (level === undefined || level.toUpperCase() === "DEFAULT")
            ctx.report(
                r,
                `must publish per-broker metrics (enhancedMonitoring is ${level ?? "unset, which means DEFAULT"}): set enhancedMonitoring to "PER_BROKER"`,
            );
    },
});

export const rules: Rule[] = [
    clusterEncryptedInTransit,
    clusterPublicAccessDisabled,
    clusterUnauthenticatedDisabled,
    clusterEnhancedMonitoring,
];
