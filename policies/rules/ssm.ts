/**
 * Systems Manager: parameters that hold secrets are SecureString (encrypted with KMS; a String
 * parameter is stored and returned in clear text to anyone with ssm:GetParameter), on a
 * customer-managed key when the config asks; documents not shared with every account.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { read, str, PACK_UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule } from "../lib/rule";
import { checkCustomerManagedKey, CMK_CONFIG, CmkConfig } from "../lib/stores";
import { AWS_TYPES } from "../lib/types";

const SECRET_NAME = "(password|passwd|secret|token|api[-_]?key|private[-_]?key|credential|connection[-_]?string)";

export const parameterSecureString = resourceRule<CmkConfig & { secretNamePattern: string }>({
    name: "ssm-parameter-secure-string",
    description:
        "Checks that every SSM parameter whose name (or resource name) says it holds a secret (password, secret, token, api key, private key, credential, connection string: the config's secretNamePattern) is a SecureString, which SSM encrypts with KMS; and, when the config requires it, that a SecureString names a customer-managed key instead of alias/aws/ssm. Mandatory: a String parameter is stored and returned in clear text.",
    enforcementLevel: "mandatory",
    severity: "high",
    constraint: "encryption-on",
    remediationSteps:
        'Set `type: "SecureString"` (and `keyId` to a customer-managed key), or keep the secret in Secrets Manager.',
    tags: ["ssm", "encryption", "secrets"],
    rationale:
        "Whether a value is secret is not visible in the stack (Pulumi secrets are unwrapped before a pack sees them), so the rule reads the name, as reviewers do.",
    preview: "An unknown type or name is undecided; an unknown keyId counts as customer-managed.",
    config: {
        ...CMK_CONFIG,
        secretNamePattern: {
            type: "string",
            default: SECRET_NAME,
            description:
                "Case-insensitive regular expression; a parameter whose name or resource name matches holds a secret.",
        } as PolicyConfigJSONSchema,
    },
    resourceTypes: [AWS_TYPES.ssmParameter],
    check(r, ctx) {
        const type = str(r.props.type);
        if (type === PACK_UNKNOWN) return ctx.undecided(r, "type");
        if (type === "SecureString") return checkCustomerManagedKey(r, ctx, "keyId", "alias/aws/ssm");
        const name = str(r.props.name);
        if (name === PACK_UNKNOWN) return ctx.undecided(r, "name");
        let pattern: RegExp;
        try {
            pattern = new RegExp(
                typeof ctx.config.secretNamePattern === "string" ? ctx.config.secretNamePattern : SECRET_NAME,
                "i",
            );
        } catch {
            pattern = new RegExp(SECRET_NAME, "i");
        }
        const said = [name, r.name].find((n) => typeof n === "string" && pattern.test(n));
        if (said === undefined) return;
        ctx.report(
            r,
            `must be a SecureString (its name "${said}" says it holds a secret, and type is ${type ?? "unset"}): set type to "SecureString"`,
        );
    },
});

export const documentNotPublic = resourceRule({
    name: "ssm-document-not-public",
    description:
        'Checks that no SSM document is shared with every AWS account (permissions type Share with accountIds "all"): its content, often with embedded commands and names, becomes public. Mandatory.',
    enforcementLevel: "mandatory",
    severity: "critical",
    control: fsbp("SSM.4"),
    remediationSteps: 'List the account ids in `permissions.accountIds` instead of "all", or remove the permissions.',
    tags: ["ssm", "public-access"],
    preview: "Unknown permissions are undecided.",
    resourceTypes: [AWS_TYPES.ssmDocument],
    check(r, ctx) {
        const ids = str(read(r.props, "permissions", "accountIds"));
        if (ids === PACK_UNKNOWN) return ctx.undecided(r, "permissions.accountIds");
        if (typeof ids === "string" && ids.split(",").some((id) => id.trim().toLowerCase() === "all")) {
            ctx.report(
                r,
                'must not be shared with every AWS account (permissions.accountIds is "all"): list the account ids',
            );
        }
    },
});

export const rules: Rule[] = [parameterSecureString, documentNotPublic];
