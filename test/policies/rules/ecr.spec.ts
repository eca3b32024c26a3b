import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { doc, ruleCases, urnOf } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

const CMK = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const repo = (name: string, props: Record<string, unknown> = {}) => ({
    type: AWS_TYPES.ecrRepository,
    name,
    props: {
        name,
        encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: CMK }],
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: "IMMUTABLE",
        ...props,
    },
});
const pull = (extra: object) => ({
    Effect: "Allow",
    Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
    ...extra,
});

describe("ECR rules", () => {
    ruleCases("ecr-repository-policy-not-public", [
        {
            it: "passes a policy naming an account",
            given: [
                {
                    type: AWS_TYPES.ecrRepositoryPolicy,
                    name: "p",
                    props: {
                        repository: "app",
                        policy: doc(pull({ Principal: { AWS: "arn:aws:iam::210987654321:root" } })),
                    },
                },
            ],
            flags: [],
        },
        {
            it: "passes * pinned to the organisation",
            given: [
                {
                    type: AWS_TYPES.ecrRepositoryPolicy,
                    name: "p",
                    props: {
                        repository: "app",
                        policy: doc(
                            pull({ Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } }),
                        ),
                    },
                },
            ],
            flags: [],
        },
        {
            it: "fails an unpinned *",
            given: [
                {
                    type: AWS_TYPES.ecrRepositoryPolicy,
                    name: "p",
                    props: { repository: "app", policy: doc(pull({ Principal: "*" })) },
                },
            ],
            flags: ["p"],
        },
        {
            it: "fails an unpinned service principal",
            given: [
                {
                    type: AWS_TYPES.ecrRepositoryPolicy,
                    name: "p",
                    props: { repository: "app", policy: doc(pull({ Principal: { Service: "lambda.amazonaws.com" } })) },
                },
            ],
            flags: ["p"],
            says: /service principal/,
        },
        {
            it: "reads a policy given as an object",
            given: [
                {
                    type: AWS_TYPES.ecrRepositoryPolicy,
                    name: "p",
                    props: {
                        repository: "app",
                        policy: { Version: "2012-10-17", Statement: [pull({ Principal: { AWS: "*" } })] },
                    },
                },
            ],
            flags: ["p"],
        },
    ]);
    ruleCases("ecr-repository-encrypted-cmk", [
        { it: "passes KMS with a customer-managed key", given: [repo("r")], flags: [] },
        {
            it: "fails the AES256 default",
            given: [repo("r", { encryptionConfigurations: undefined })],
            flags: ["r"],
            says: /AES256/,
        },
        {
            it: "fails KMS without a key (aws/ecr)",
            given: [repo("r", { encryptionConfigurations: [{ encryptionType: "KMS" }] })],
            flags: ["r"],
        },
        {
            it: "is undecided on unknown",
            given: [repo("r", { encryptionConfigurations: PACK_UNKNOWN })],
            flags: [],
            undecided: ["r"],
        },
    ]);
    ruleCases("ecr-repository-image-scanning", [
        { it: "passes scan on push", given: [repo("r")], flags: [] },
        {
            it: "fails it off",
            given: [
                repo("r", { imageScanningConfiguration: { scanOnPush: false } }),
                repo("s", { imageScanningConfiguration: undefined }),
            ],
            flags: ["r", "s"],
        },
        {
            it: "accepts a registry-wide scanning configuration",
            given: [
                repo("r", { imageScanningConfiguration: undefined }),
                {
                    type: AWS_TYPES.ecrRegistryScanningConfiguration,
                    name: "scan",
                    props: {
                        scanType: "ENHANCED",
                        rules: [
                            {
                                scanFrequency: "CONTINUOUS_SCAN",
                                repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }],
                            },
                        ],
                    },
                },
            ],
            flags: [],
        },
    ]);
    ruleCases("ecr-repository-tag-immutability", [
        { it: "passes IMMUTABLE", given: [repo("r")], flags: [] },
        {
            it: "fails MUTABLE and the default",
            given: [repo("r", { imageTagMutability: "MUTABLE" }), repo("s", { imageTagMutability: undefined })],
            flags: ["r", "s"],
        },
    ]);
    ruleCases("ecr-repository-lifecycle-policy", [
        {
            it: "passes a repository with a lifecycle policy",
            given: [
                repo("r"),
                { type: AWS_TYPES.ecrLifecyclePolicy, name: "l", props: { repository: "r", policy: "{}" } },
            ],
            flags: [],
        },
        { it: "fails one without", given: [repo("r")], flags: ["r"] },
        {
            it: "pairs by dependency at first preview",
            given: [
                repo("r"),
                {
                    type: AWS_TYPES.ecrLifecyclePolicy,
                    name: "l",
                    props: { repository: PACK_UNKNOWN, policy: "{}" },
                    propertyDependencies: { repository: [urnOf(AWS_TYPES.ecrRepository, "r")] },
                },
            ],
            flags: [],
        },
    ]);
});
