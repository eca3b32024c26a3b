import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { ruleCases } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

describe("SSM rules", () => {
    ruleCases("ssm-parameter-secure-string", [
        {
            it: "passes a SecureString secret and a plain String setting",
            given: [
                {
                    type: AWS_TYPES.ssmParameter,
                    name: "db-password",
                    props: { name: "/app/db/password", type: "SecureString", value: "x" },
                },
                {
                    type: AWS_TYPES.ssmParameter,
                    name: "region",
                    props: { name: "/app/region", type: "String", value: "us-west-2" },
                },
            ],
            flags: [],
        },
        {
            it: "fails a secret stored as String",
            given: [
                {
                    type: AWS_TYPES.ssmParameter,
                    name: "p",
                    props: { name: "/app/db/password", type: "String", value: "x" },
                },
            ],
            flags: ["p"],
            says: /must be a SecureString/,
        },
        {
            it: "fails a StringList whose resource name says token",
            given: [{ type: AWS_TYPES.ssmParameter, name: "api-token", props: { type: "StringList", value: "a,b" } }],
            flags: ["api-token"],
        },
        {
            it: "uses the config's pattern",
            given: [
                { type: AWS_TYPES.ssmParameter, name: "p", props: { name: "/app/pin", type: "String", value: "1234" } },
            ],
            flags: ["p"],
            config: { secretNamePattern: "pin" },
        },
        {
            it: "fails alias/aws/ssm when a customer-managed key is required",
            given: [
                {
                    type: AWS_TYPES.ssmParameter,
                    name: "p",
                    props: { name: "/app/db/password", type: "SecureString", value: "x" },
                },
            ],
            flags: ["p"],
            config: { requireCustomerManagedKey: true },
        },
        {
            it: "is undecided on an unknown type",
            given: [
                { type: AWS_TYPES.ssmParameter, name: "p", props: { name: "/app/db/password", type: PACK_UNKNOWN } },
            ],
            flags: [],
            undecided: ["p"],
        },
    ]);
    ruleCases("ssm-document-not-public", [
        {
            it: "passes a document shared with one account",
            given: [
                {
                    type: AWS_TYPES.ssmDocument,
                    name: "d",
                    props: {
                        documentType: "Command",
                        content: "{}",
                        permissions: { type: "Share", accountIds: "210987654321" },
                    },
                },
            ],
            flags: [],
        },
        {
            it: "fails a document shared with all",
            given: [
                {
                    type: AWS_TYPES.ssmDocument,
                    name: "d",
                    props: {
                        documentType: "Command",
                        content: "{}",
                        permissions: { type: "Share", accountIds: "210987654321, All" },
                    },
                },
            ],
            flags: ["d"],
        },
    ]);
});
