import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { ruleCases } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

const k = (name: string, props: Record<string, unknown> = {}) => ({
    type: AWS_TYPES.mskCluster,
    name,
    props: {
        clusterName: name,
        kafkaVersion: "3.6.0",
        numberOfBrokerNodes: 2,
        brokerNodeGroupInfo: { instanceType: "kafka.t3.small", clientSubnets: ["subnet-1", "subnet-2"] },
        clientAuthentication: { sasl: { iam: true } },
        enhancedMonitoring: "PER_BROKER",
        ...props,
    },
});

describe("AWS_TYPES.mskCluster rules", () => {
    ruleCases("msk-cluster-encrypted-in-transit", [
        { it: "passes the defaults (TLS, in-cluster)", given: [k("m")], flags: [] },
        {
            it: "passes explicit TLS",
            given: [k("m", { encryptionInfo: { encryptionInTransit: { clientBroker: "TLS", inCluster: true } } })],
            flags: [],
        },
        {
            it: "fails TLS_PLAINTEXT and PLAINTEXT",
            given: [
                k("m", { encryptionInfo: { encryptionInTransit: { clientBroker: "TLS_PLAINTEXT" } } }),
                k("p", { encryptionInfo: { encryptionInTransit: { clientBroker: "PLAINTEXT" } } }),
            ],
            flags: ["m", "p"],
            says: /clientBroker/,
        },
        {
            it: "fails inCluster false",
            given: [k("m", { encryptionInfo: { encryptionInTransit: { inCluster: false } } })],
            flags: ["m"],
        },
        {
            it: "is undecided on unknown",
            given: [k("m", { encryptionInfo: { encryptionInTransit: { clientBroker: PACK_UNKNOWN } } })],
            flags: [],
            undecided: ["m"],
        },
    ]);
    ruleCases("msk-cluster-public-access-disabled", [
        {
            it: "passes no public access",
            given: [
                k("m"),
                k("d", { brokerNodeGroupInfo: { connectivityInfo: { publicAccess: { type: "DISABLED" } } } }),
            ],
            flags: [],
        },
        {
            it: "fails SERVICE_PROVIDED_EIPS",
            given: [
                k("m", {
                    brokerNodeGroupInfo: {
                        instanceType: "kafka.m5.large",
                        connectivityInfo: { publicAccess: { type: "SERVICE_PROVIDED_EIPS" } },
                    },
                }),
            ],
            flags: ["m"],
        },
    ]);
    ruleCases("msk-cluster-unauthenticated-access-disabled", [
        { it: "passes IAM auth", given: [k("m")], flags: [] },
        {
            it: "fails unauthenticated true",
            given: [k("m", { clientAuthentication: { unauthenticated: true, sasl: { iam: true } } })],
            flags: ["m"],
        },
        {
            it: "fails no clientAuthentication (AWS_TYPES.mskCluster then admits anyone)",
            given: [k("m", { clientAuthentication: undefined })],
            flags: ["m"],
            says: /no clientAuthentication/,
        },
    ]);
    ruleCases("msk-cluster-enhanced-monitoring", [
        { it: "passes PER_BROKER", given: [k("m")], flags: [] },
        {
            it: "fails DEFAULT and missing",
            given: [k("m", { enhancedMonitoring: "DEFAULT" }), k("n", { enhancedMonitoring: undefined })],
            flags: ["m", "n"],
        },
    ]);
});
