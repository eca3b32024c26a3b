import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { doc, ruleCases } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

const CMK = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const FS_ARN = "arn:aws:elasticfilesystem:us-west-2:123456789012:file-system/fs-1";

describe("EFS rules", () => {
    ruleCases("efs-file-system-encrypted", [
        {
            it: "passes an encrypted file system",
            given: [{ type: AWS_TYPES.efsFileSystem, name: "fs", props: { encrypted: true, kmsKeyId: CMK } }],
            flags: [],
        },
        {
            it: "fails encrypted false",
            given: [{ type: AWS_TYPES.efsFileSystem, name: "fs", props: { encrypted: false } }],
            flags: ["fs"],
            says: /must be encrypted at rest \(encrypted is false\)/,
        },
        {
            it: "fails a missing encrypted (the default is false)",
            given: [{ type: AWS_TYPES.efsFileSystem, name: "fs", props: {} }],
            flags: ["fs"],
        },
        {
            it: "is undecided on an unknown value",
            given: [{ type: AWS_TYPES.efsFileSystem, name: "fs", props: { encrypted: PACK_UNKNOWN } }],
            flags: [],
            undecided: ["fs"],
        },
        {
            it: "fails the AWS-managed key when the config asks for a customer-managed one",
            given: [
                { type: AWS_TYPES.efsFileSystem, name: "fs", props: { encrypted: true } },
                { type: AWS_TYPES.efsFileSystem, name: "ok", props: { encrypted: true, kmsKeyId: CMK } },
            ],
            flags: ["fs"],
            config: { requireCustomerManagedKey: true },
            says: /alias\/aws\/elasticfilesystem/,
        },
    ]);

    const allow = (extra: object) => ({
        Effect: "Allow",
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Resource: FS_ARN,
        ...extra,
    });
    ruleCases("efs-file-system-policy-not-public", [
        {
            it: "passes a policy naming a role",
            given: [
                {
                    type: AWS_TYPES.efsFileSystemPolicy,
                    name: "p",
                    props: {
                        fileSystemId: "fs-1",
                        policy: doc(allow({ Principal: { AWS: "arn:aws:iam::123456789012:role/app" } })),
                    },
                },
            ],
            flags: [],
        },
        {
            it: "passes * pinned to this account",
            given: [
                {
                    type: AWS_TYPES.efsFileSystemPolicy,
                    name: "p",
                    props: {
                        fileSystemId: "fs-1",
                        policy: doc(
                            allow({
                                Principal: { AWS: "*" },
                                Condition: { StringEquals: { "aws:PrincipalAccount": "123456789012" } },
                            }),
                        ),
                    },
                },
            ],
            flags: [],
        },
        {
            it: "fails an unpinned * principal",
            given: [
                {
                    type: AWS_TYPES.efsFileSystemPolicy,
                    name: "p",
                    props: { fileSystemId: "fs-1", policy: doc(allow({ Principal: "*" })) },
                },
            ],
            flags: ["p"],
            says: /must not allow a "\*" principal/,
        },
        {
            it: "fails * with only AccessedViaMountTarget (not a pin)",
            given: [
                {
                    type: AWS_TYPES.efsFileSystemPolicy,
                    name: "p",
                    props: {
                        fileSystemId: "fs-1",
                        policy: doc(
                            allow({
                                Principal: { AWS: "*" },
                                Condition: { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" } },
                            }),
                        ),
                    },
                },
            ],
            flags: ["p"],
        },
        {
            it: "is undecided on an unknown policy",
            given: [
                {
                    type: AWS_TYPES.efsFileSystemPolicy,
                    name: "p",
                    props: { fileSystemId: "fs-1", policy: PACK_UNKNOWN },
                },
            ],
            flags: [],
            undecided: ["p"],
        },
    ]);

    ruleCases("efs-access-point-root-directory", [
        {
            it: "passes a confined root directory",
            given: [{ type: AWS_TYPES.efsAccessPoint, name: "ap", props: { rootDirectory: { path: "/app" } } }],
            flags: [],
        },
        {
            it: "fails a missing root directory and /",
            given: [
                { type: AWS_TYPES.efsAccessPoint, name: "ap", props: {} },
                { type: AWS_TYPES.efsAccessPoint, name: "root", props: { rootDirectory: { path: "/" } } },
            ],
            flags: ["ap", "root"],
        },
    ]);
    ruleCases("efs-access-point-user-identity", [
        {
            it: "passes a posix user",
            given: [{ type: AWS_TYPES.efsAccessPoint, name: "ap", props: { posixUser: { uid: 1000, gid: 1000 } } }],
            flags: [],
        },
        {
            it: "fails a missing posix user",
            given: [{ type: AWS_TYPES.efsAccessPoint, name: "ap", props: {} }],
            flags: ["ap"],
        },
    ]);
});
