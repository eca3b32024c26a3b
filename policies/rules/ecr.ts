/**
 * Amazon ECR repositories: repository policies not open to everyone (the pack's resource-policy
 * analysis, rules/s3.ts checkResourcePolicyNotPublic), images encrypted with a customer-managed
 * key, scanned on push, immutable tags and a lifecycle policy. ECR always encrypts images at
 * rest (AES256 by default, or KMS with the AWS-managed aws/ecr key when no key is named).
 */
import { arr, bool, str, PACK_UNKNOWN } from "../lib/props";
import { fsbp, resourceRule, Rule, stackRule } from "../lib/rule";
import { isAwsManagedKey, readPath } from "../lib/stores";
import { AWS_TYPES } from "../lib/types";
import { checkResourcePolicyNotPublic } from "../lib/resource-policy";

export const repositoryPolicyNotPublic = resourceRule({
    name: "ecr-repository-policy-not-public",
    description:
        "Checks that no ECR repository policy (aws.ecr.RepositoryPolicy) allows a `*` principal without a condition pinning the caller to fixed values (aws:PrincipalOrgID, aws:PrincipalAccount ...), nor a service principal (lambda.amazonaws.com, codebuild.amazonaws.com ...) without a confused-deputy condition: anyone could pull (or push) the images. Mandatory.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
        'Name the pulling accounts or roles (`Principal: { AWS: ["arn:aws:iam::<account>:root"] }`), or pin `*` with aws:PrincipalOrgID; pin service principals with aws:SourceArn.',
    tags: ["ecr", "public-access"],
    preview: "A policy built from unknown outputs is undecided at preview.",
    resourceTypes: [AWS_TYPES.ecrRepositoryPolicy],
    check(r, ctx) {
        checkResourcePolicyNotPublic(
            r,
            ctx,
            r.props.policy,
            "policy",
            "name the accounts or roles that pull the images or pin the caller with aws:PrincipalOrgID",
            { servicePrincipals: true },
        );
    },
});

export const repositoryEncryptedCmk = resourceRule({
    name: "ecr-repository-encrypted-cmk",
    description:
        "Checks that every ECR repository encrypts its images with a customer-managed KMS key (encryptionConfigurations encryptionType KMS or KMS_DSSE with kmsKey set to a key that is not AWS-managed). Advisory: ECR encrypts with AES256 otherwise; the strict config makes it mandatory.",
    enforcementLevel: "advisory",
    severity: "medium",
    constraint: "encryption-on",
    control: fsbp("ECR.5"),
    remediationSteps:
        'Set `encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: key.arn }]` (a new repository: encryption is fixed at creation).',
    tags: ["ecr", "encryption"],
    preview: "Unknown encryption settings are undecided; an unknown kmsKey counts as customer-managed.",
    resourceTypes: [AWS_TYPES.ecrRepository],
    check(r, ctx) {
        const type = str(readPath(r.props, "encryptionConfigurations.encryptionType"));
        const key = str(readPath(r.props, "encryptionConfigurations.kmsKey"));
        if (type === PACK_UNKNOWN) return ctx.undecided(r, "encryptionConfigurations");
        if (typeof type !== "string" || !type.toUpperCase().startsWith("KMS")) {
            return ctx.report(
                r,
                `must encrypt its images with a customer-managed KMS key (encryptionType is ${type ?? "unset, which means AES256"}): set encryptionConfigurations [{ encryptionType: "KMS", kmsKey }]`,
            );
        }
        if (key === PACK_UNKNOWN) return;
        if (key === undefined || key === "" || isAwsManagedKey(key)) {
            ctx.report(
                r,
                `must use a customer-managed KMS key (kmsKey is ${key ? `"${key}"` : "unset, so the AWS-managed aws/ecr key is used"}): set kmsKey`,
            );
        }
    },
});

export const repositoryScanOnPush = stackRule({
    name: "ecr-repository-image-scanning",
    description:
        "Checks that every ECR repository scans images on push (imageScanningConfiguration.scanOnPush), unless the stack declares a registry-wide scanning configuration (aws.ecr.RegistryScanningConfiguration with rules), which scans every repository it matches. Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("ECR.1"),
    remediationSteps:
        "Set `imageScanningConfiguration: { scanOnPush: true }`, or declare an aws.ecr.RegistryScanningConfiguration.",
    tags: ["ecr", "vulnerability"],
    preview: "An unknown scanOnPush is undecided.",
    check(stack, ctx) {
        const registry = stack.index.ofType(AWS_TYPES.ecrRegistryScanningConfiguration);
        if (
            registry.some((g) => {
                const rules = arr(g.props.rules);
                return rules === PACK_UNKNOWN || (rules ?? []).length > 0;
            })
        )
            return;
        for (const repo of stack.index.ofType(AWS_TYPES.ecrRepository)) {
            const scan = bool(readPath(repo.props, "imageScanningConfiguration.scanOnPush"));
            if (scan === PACK_UNKNOWN) ctx.undecided(repo, "imageScanningConfiguration.scanOnPush");
            else if (scan !== true)
                ctx.report(
                    repo,
                    "must scan images on push (imageScanningConfiguration.scanOnPush is not true): set scanOnPush to true",
                );
        }
    },
});

export const repositoryTagImmutability = resourceRule({
    name: "ecr-repository-tag-immutability",
    description:
        "Checks that every ECR repository makes its tags immutable (imageTagMutability IMMUTABLE or IMMUTABLE_WITH_EXCLUSION; the default MUTABLE lets a push replace the image behind a tag that deployments trust). Advisory.",
    enforcementLevel: "advisory",
    severity: "medium",
    control: fsbp("ECR.2"),
    remediationSteps: 'Set `imageTagMutability: "IMMUTABLE"`.',
    tags: ["ecr", "integrity"],
    preview: "An unknown setting is undecided.",
    resourceTypes: [AWS_TYPES.ecrRepository],
    check(r, ctx) {
        const m = str(r.props.imageTagMutability);
        if (m === PACK_UNKNOWN) return ctx.undecided(r, "imageTagMutability");
        if (m === undefined || !m.toUpperCase().startsWith("IMMUTABLE"))
            ctx.report(
                r,
                `must make tags immutable (imageTagMutability is ${m ?? "unset, which means MUTABLE"}): set imageTagMutability to "IMMUTABLE"`,
            );
    },
});

export const repositoryLifecyclePolicy = stackRule({
    name: "ecr-repository-lifecycle-policy",
    description:
        "Checks that every ECR repository has a lifecycle policy (aws.ecr.LifecyclePolicy) so old, unpatched images expire. Advisory.",
    enforcementLevel: "advisory",
    severity: "low",
    control: fsbp("ECR.3"),
    remediationSteps: "Add an aws.ecr.LifecyclePolicy for the repository (e.g. expire untagged images after 14 days).",
    tags: ["ecr", "hygiene"],
    preview: "A lifecycle policy whose repository is unknown leaves repositories without one undecided.",
    check(stack, ctx) {
        const covered = new Set<string>();
        let unresolved = false;
        for (const p of stack.index.ofType(AWS_TYPES.ecrLifecyclePolicy)) {
            const repos = stack.index.refersTo(p, "repository", AWS_TYPES.ecrRepository);
            if (repos === PACK_UNKNOWN) unresolved = true;
            else for (const r of repos) covered.add(r.urn);
        }
        for (const repo of stack.index.ofType(AWS_TYPES.ecrRepository)) {
            if (covered.has(repo.urn)) continue;
            if (unresolved) ctx.undecided(repo, "lifecycle policy (a LifecyclePolicy's repository is unknown)");
            else
                ctx.report(
                    repo,
                    "must have a lifecycle policy (no aws.ecr.LifecyclePolicy names it): add one that expires old images",
                );
        }
    },
});

export const rules: Rule[] = [
    repositoryPolicyNotPublic,
    repositoryEncryptedCmk,
    repositoryScanOnPush,
    repositoryTagImmutability,
    repositoryLifecyclePolicy,
];
