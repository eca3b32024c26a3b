import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { diagnosticsOf, PackHarness, startPack } from "./support";
import { loadCatalogue, POLICIES_MD, renderPolicies } from "../../tools/docs/generate-policies";
import { PACK_UNKNOWN } from "../../policies/lib/props";
import { Constraint, CONSTRAINTS } from "../../policies/lib/constraints";
import { AWS_TYPES } from "../../policies/lib/types";

/** Every policy the pack holds and its default level. A change here is a reviewed change. */
const PINNED: Record<string, "mandatory" | "advisory"> = {
    "s3-bucket-public-access-blocked": "mandatory",
    "s3-bucket-acl-not-public": "mandatory",
    "s3-bucket-policy-not-public": "mandatory",
    "s3-bucket-website-disabled": "mandatory",
    "lambda-function-url-auth-required": "mandatory",
    "lambda-permission-source-restricted": "mandatory",
    "s3-bucket-encryption-declared": "advisory",
    "s3-bucket-encryption-kms": "mandatory",
    "s3-bucket-tls-required": "mandatory",
    "dynamodb-table-encrypted-cmk": "mandatory",
    "kinesis-stream-encrypted": "mandatory",
    "sns-topic-encrypted": "mandatory",
    "sqs-queue-encrypted": "mandatory",
    "cloudwatch-log-group-encrypted": "mandatory",
    "lambda-function-environment-encrypted": "mandatory",
    "iam-policy-document-valid": "mandatory",
    "iam-policy-no-wildcard-actions": "mandatory",
    "iam-policy-no-wildcard-resources": "mandatory",
    "iam-policy-no-allow-not-action": "mandatory",
    "iam-policy-actions-known": "mandatory",
    "iam-role-trust-policy-not-public": "mandatory",
    "iam-managed-policy-not-broad": "mandatory",
    "iam-managed-policy-reviewed": "advisory",
    "kms-key-rotation-enabled": "mandatory",
    "kms-key-policy-not-public": "mandatory",
    "kms-key-policy-no-wildcard-actions": "mandatory",
    "kms-key-grants-cloudwatch": "mandatory",
    "kms-key-grants-logs": "mandatory",
    "kms-key-grants-cloudfront": "mandatory",
    "lambda-function-in-private-subnets": "mandatory",
    "lambda-function-subnets-multi-az": "mandatory",
    "ec2-security-group-no-public-ingress": "mandatory",
    "ec2-default-security-group-no-rules": "mandatory",
    "ec2-lambda-security-group-egress-restricted": "mandatory",
    "ec2-vpc-flow-logs-enabled": "mandatory",
    "ec2-vpc-dns-enabled-for-private-endpoints": "mandatory",
    "lambda-function-supported-runtime": "mandatory",
    "lambda-function-tracing-active": "advisory",
    "lambda-function-reserved-concurrency": "advisory",
    "lambda-event-source-mapping-failure-handling": "mandatory",
    "ec2-vpc-gateway-endpoints-for-lambda-subnets": "mandatory",
    "ec2-vpc-interface-endpoints-for-lambda-services": "mandatory",
    "ec2-vpc-endpoint-policy-restricted": "advisory",
    "apigateway-stage-waf-associated": "mandatory",
    "apigateway-stage-access-logging": "mandatory",
    "apigateway-stage-execution-logging": "advisory",
    "apigateway-stage-xray-tracing": "mandatory",
    "apigateway-stage-cache-encrypted": "mandatory",
    "apigateway-domain-tls12": "mandatory",
    "cloudfront-distribution-default-root-object": "mandatory",
    "cloudfront-distribution-https-only": "mandatory",
    "cloudfront-distribution-s3-origin-access-control": "mandatory",
    "cloudfront-distribution-custom-origin-https-only": "mandatory",
    "cloudfront-distribution-custom-origin-tls12": "mandatory",
    "cloudfront-distribution-viewer-tls12": "mandatory",
    "cloudfront-distribution-viewer-default-certificate": "advisory",
    "cloudfront-distribution-logging-enabled": "mandatory",
    "cloudfront-distribution-waf-enabled": "advisory",
    "cloudfront-distribution-security-headers": "mandatory",
    "lambda-function-errors-alarm": "mandatory",
    "apigateway-rest-api-5xx-alarm": "mandatory",
    "lambda-stream-consumer-iterator-age-alarm": "mandatory",
    "cloudwatch-log-group-retention": "advisory",
    "dynamodb-table-pitr-enabled": "mandatory",
    "dynamodb-table-deletion-protection": "advisory",
    "kinesis-stream-retention-period": "advisory",
    "aws-resource-required-tags": "advisory",
    "sns-topic-policy-not-public": "mandatory",
    "sqs-queue-policy-not-public": "mandatory",
    "secretsmanager-secret-policy-not-public": "mandatory",
    "ec2-instance-volumes-encrypted": "mandatory",
    "ec2-ebs-encryption-by-default": "mandatory",
    "ec2-instance-imdsv2-required": "advisory",
    "secretsmanager-secret-encrypted-cmk": "mandatory",
    "dynamodb-dax-cluster-encrypted": "mandatory",
    "dynamodb-dax-cluster-tls": "mandatory",
    "kms-key-grants-data-stores": "mandatory",
    "rds-db-instance-encrypted": "mandatory",
    "rds-db-cluster-encrypted": "mandatory",
    "rds-db-instance-not-public": "mandatory",
    "rds-snapshot-not-public": "mandatory",
    "rds-snapshot-encrypted": "mandatory",
    "rds-parameter-group-tls-required": "mandatory",
    "rds-db-instance-deletion-protection": "advisory",
    "rds-db-cluster-deletion-protection": "advisory",
    "rds-db-instance-backups-enabled": "advisory",
    "rds-db-instance-iam-auth": "advisory",
    "ebs-volume-encrypted": "mandatory",
    "ebs-snapshot-copy-encrypted": "mandatory",
    "efs-file-system-encrypted": "mandatory",
    "efs-file-system-policy-not-public": "mandatory",
    "efs-access-point-root-directory": "advisory",
    "efs-access-point-user-identity": "advisory",
    "elasticache-replication-group-encrypted-at-rest": "mandatory",
    "elasticache-replication-group-encrypted-in-transit": "mandatory",
    "elasticache-replication-group-backups-enabled": "advisory",
    "opensearch-domain-encrypted-at-rest": "mandatory",
    "opensearch-domain-node-to-node-encryption": "mandatory",
    "opensearch-domain-https-required": "mandatory",
    "opensearch-domain-not-public": "mandatory",
    "opensearch-domain-fine-grained-access": "advisory",
    "opensearch-domain-audit-logging": "advisory",
    "redshift-cluster-encrypted": "mandatory",
    "redshift-cluster-not-public": "mandatory",
    "redshift-cluster-tls-required": "mandatory",
    "redshift-cluster-automatic-snapshots": "advisory",
    "redshift-cluster-enhanced-vpc-routing": "advisory",
    "redshift-cluster-admin-username-not-default": "advisory",
    "redshift-serverless-namespace-encrypted-cmk": "advisory",
    "redshift-serverless-workgroup-not-public": "mandatory",
    "redshift-serverless-workgroup-tls-required": "mandatory",
    "docdb-cluster-encrypted": "mandatory",
    "docdb-cluster-tls-required": "mandatory",
    "docdb-cluster-deletion-protection": "advisory",
    "docdb-cluster-backup-retention": "advisory",
    "docdb-cluster-audit-logs": "advisory",
    "neptune-cluster-encrypted": "mandatory",
    "neptune-cluster-deletion-protection": "advisory",
    "neptune-cluster-iam-auth": "advisory",
    "neptune-cluster-audit-logs": "advisory",
    "neptune-cluster-backup-retention": "advisory",
    "msk-cluster-encrypted-in-transit": "mandatory",
    "msk-cluster-public-access-disabled": "mandatory",
    "msk-cluster-unauthenticated-access-disabled": "mandatory",
    "msk-cluster-enhanced-monitoring": "advisory",
    "ecr-repository-policy-not-public": "mandatory",
    "ecr-repository-encrypted-cmk": "advisory",
    "ecr-repository-image-scanning": "advisory",
    "ecr-repository-tag-immutability": "advisory",
    "ecr-repository-lifecycle-policy": "advisory",
    "backup-vault-encrypted-cmk": "advisory",
    "backup-vault-policy-not-public": "mandatory",
    "cloudtrail-trail-encrypted": "mandatory",
    "cloudtrail-trail-log-validation": "advisory",
    "cloudtrail-trail-multi-region": "advisory",
    "cloudtrail-trail-cloudwatch-logs": "advisory",
    "elb-listener-encrypted": "mandatory",
    "elb-listener-tls-policy": "mandatory",
    "elb-classic-listener-encrypted": "mandatory",
    "elb-load-balancer-drop-invalid-headers": "advisory",
    "elb-load-balancer-deletion-protection": "advisory",
    "elb-load-balancer-access-logs": "advisory",
    "ssm-parameter-secure-string": "mandatory",
    "ssm-document-not-public": "mandatory",
    "firehose-delivery-stream-encrypted": "mandatory",
    "athena-workgroup-encrypted": "advisory",
    "policy-exemptions-applied": "advisory",
    "policy-exemptions-valid": "mandatory",
    "policy-exemptions-current": "advisory",
};

/** The rules that enforce each of the mission's five constraints (policies/lib/constraints.ts). */
const CONSTRAINT_RULES: Record<Constraint, string[]> = {
    "s3-never-public": [
        "cloudfront-distribution-s3-origin-access-control",
        "lambda-function-url-auth-required",
        "lambda-permission-source-restricted",
        "s3-bucket-public-access-blocked",
        "s3-bucket-acl-not-public",
        "s3-bucket-policy-not-public",
        "s3-bucket-website-disabled",
    ],
    "encryption-on": [
        "apigateway-stage-cache-encrypted",
        "apigateway-domain-tls12",
        "athena-workgroup-encrypted",
        "backup-vault-encrypted-cmk",
        "cloudfront-distribution-https-only",
        "cloudfront-distribution-custom-origin-https-only",
        "cloudfront-distribution-custom-origin-tls12",
        "cloudfront-distribution-viewer-tls12",
        "cloudfront-distribution-viewer-default-certificate",
        "cloudtrail-trail-encrypted",
        "cloudwatch-log-group-encrypted",
        "docdb-cluster-encrypted",
        "docdb-cluster-tls-required",
        "dynamodb-table-encrypted-cmk",
        "dynamodb-dax-cluster-encrypted",
        "dynamodb-dax-cluster-tls",
        "ebs-volume-encrypted",
        "ebs-snapshot-copy-encrypted",
        "ec2-instance-volumes-encrypted",
        "ec2-ebs-encryption-by-default",
        "ecr-repository-encrypted-cmk",
        "efs-file-system-encrypted",
        "elasticache-replication-group-encrypted-at-rest",
        "elasticache-replication-group-encrypted-in-transit",
        "elb-listener-encrypted",
        "elb-listener-tls-policy",
        "elb-classic-listener-encrypted",
        "firehose-delivery-stream-encrypted",
        "kinesis-stream-encrypted",
        "kms-key-rotation-enabled",
        "kms-key-grants-data-stores",
        "lambda-function-environment-encrypted",
        "msk-cluster-encrypted-in-transit",
        "neptune-cluster-encrypted",
        "opensearch-domain-encrypted-at-rest",
        "opensearch-domain-node-to-node-encryption",
        "opensearch-domain-https-required",
        "rds-db-instance-encrypted",
        "rds-db-cluster-encrypted",
        "rds-snapshot-encrypted",
        "rds-parameter-group-tls-required",
        "redshift-cluster-encrypted",
        "redshift-cluster-tls-required",
        "redshift-serverless-namespace-encrypted-cmk",
        "redshift-serverless-workgroup-tls-required",
        "s3-bucket-encryption-declared",
        "s3-bucket-encryption-kms",
        "s3-bucket-tls-required",
        "secretsmanager-secret-encrypted-cmk",
        "sns-topic-encrypted",
        "sqs-queue-encrypted",
        "ssm-parameter-secure-string",
    ],
    "lambdas-in-private-subnets": [
        "ec2-lambda-security-group-egress-restricted",
        "lambda-function-in-private-subnets",
        "lambda-function-subnets-multi-az",
    ],
    "no-iam-wildcards": [
        "iam-policy-document-valid",
        "iam-policy-no-wildcard-actions",
        "iam-policy-no-wildcard-resources",
        "iam-policy-no-allow-not-action",
        "iam-policy-actions-known",
        "iam-role-trust-policy-not-public",
        "iam-managed-policy-not-broad",
        "iam-managed-policy-reviewed",
    ],
    "vpc-endpoints-exist": [
        "ec2-vpc-gateway-endpoints-for-lambda-subnets",
        "ec2-vpc-interface-endpoints-for-lambda-services",
        "ec2-vpc-endpoint-policy-restricted",
    ],
};

describe("pack catalogue", () => {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    it("serves exactly the pinned policies at the pinned levels, exemption policies last", () => {
        const served = pack.client.info.policies;
        expect(Object.fromEntries(served.map((p) => [p.name, p.enforcementLevel]))).to.deep.equal(PINNED);
        expect(served.slice(-3).map((p) => p.name)).to.deep.equal([
            "policy-exemptions-applied",
            "policy-exemptions-valid",
            "policy-exemptions-current",
        ]);
    });

    it("gives every policy complete metadata and an exemptions config", () => {
        for (const p of pack.client.info.policies) {
            expect(p.name, p.name).to.match(/^[a-z0-9]+(-[a-z0-9]+)+$/);
            expect(p.description, p.name).to.match(/^Checks that /);
            expect(p.severity, p.name).to.be.oneOf(["low", "medium", "high", "critical"]);
            expect(p.remediationSteps, p.name).to.be.a("string").and.not.empty;
            expect(p.url, p.name).to.equal(`docs/POLICIES.md#${p.name}`);
            expect(p.tags, p.name).to.be.an("array").and.not.empty;
            expect(p.configSchema?.properties, p.name).to.have.property("exemptions");
            if (p.framework?.specification) {
                expect(p.framework.name).to.equal("AWS Foundational Security Best Practices");
                expect(p.framework.specification).to.match(/^[A-Za-z0-9]+\.\d+$/);
                expect(p.framework.reference).to.match(/^https:\/\/docs\.aws\.amazon\.com\//);
            }
        }
    });

    it("holds at least 110 rules citing at least 75 distinct controls", () => {
        const policies = pack.client.info.policies;
        expect(policies.length).to.be.at.least(110);
        expect(new Set(policies.map((p) => p.framework?.specification).filter(Boolean)).size).to.be.at.least(75);
    });

    it("documents the same policies the pack serves, with an anchor per rule", () => {
        const documented = loadCatalogue().map((e) => e.name);
        expect(documented).to.deep.equal(pack.client.info.policies.map((p) => p.name));
        const md = fs.readFileSync(POLICIES_MD, "utf8");
        for (const name of documented) expect(md).to.include(`<a id="${name}"></a>`);
    });

    it("names the pinned constraint of every rule, and every constraint has a rule", () => {
        const byConstraint: Record<string, string[]> = {};
        for (const e of loadCatalogue()) if (e.constraint) (byConstraint[e.constraint] ??= []).push(e.name);
        expect(byConstraint).to.deep.equal(CONSTRAINT_RULES);
        expect(Object.keys(CONSTRAINT_RULES).sort()).to.deep.equal(Object.keys(CONSTRAINTS).sort());
    });

    it("docs/POLICIES.md is up to date (run `npm run docs`)", () => {
        expect(
            fs.readFileSync(POLICIES_MD, "utf8") === renderPolicies(),
            "docs/POLICIES.md is stale: run npm run docs",
        ).to.equal(true);
    });

    describe("policies/config", () => {
        const configDir = path.join(__dirname, "..", "..", "policies", "config");
        const load = (f: string) => JSON.parse(fs.readFileSync(path.join(configDir, f), "utf8"));
        const publicBucket = [{ type: AWS_TYPES.bucket, name: "b", props: { bucket: "b" } }];
        afterEach(async () => pack.configure({}));

        it("strict.json makes advisory findings mandatory but keeps exempted findings advisory", async () => {
            await pack.configure({
                ...load("strict.json"),
                "s3-bucket-website-disabled": { exemptions: [{ resource: "w", reason: "legacy site, ticket SEC-1" }] },
            });
            const v = await pack.analyze([
                ...publicBucket,
                { type: AWS_TYPES.bucketWebsite, name: "w", props: { bucket: "b" } },
            ]);
            expect(diagnosticsOf(v, "s3-bucket-encryption-declared")[0].enforcementLevel).to.equal("mandatory");
            const applied = diagnosticsOf(v, "policy-exemptions-applied");
            expect(applied).to.have.length(1);
            expect(applied[0].enforcementLevel).to.equal("advisory");
        });

        it("strict.json asks the data stores for customer-managed keys, at the mandatory level", async () => {
            await pack.configure(load("strict.json"));
            const v = await pack.analyze([
                { type: AWS_TYPES.rdsInstance, name: "db", props: { engine: "postgres", storageEncrypted: true } },
                {
                    type: AWS_TYPES.efsFileSystem,
                    name: "fs",
                    props: { encrypted: true, kmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/k" },
                },
            ]);
            const cmk = diagnosticsOf(v, "rds-db-instance-encrypted");
            expect(cmk.map((x) => [x.enforcementLevel, /customer-managed KMS key/.test(x.message)])).to.deep.equal([
                ["mandatory", true],
            ]);
            expect(diagnosticsOf(v, "efs-file-system-encrypted")).to.deep.equal([]);
        });

        it("strict.json never turns an undecided rule into a mandatory finding", async () => {
            await pack.configure(load("strict.json"));
            const v = await pack.analyze([
                { type: AWS_TYPES.bucketPolicy, name: "p", props: { bucket: "b", policy: PACK_UNKNOWN } },
            ]);
            expect(v.filter((x) => x.undecided).every((x) => x.enforcementLevel === "advisory")).to.equal(true);
        });

        it("sandbox.json relaxes key-management rules and keeps public access mandatory", async () => {
            await pack.configure(load("sandbox.json"));
            const v = await pack.analyze([
                ...publicBucket,
                { type: AWS_TYPES.kmsKey, name: "k", props: { enableKeyRotation: false } },
            ]);
            expect(v.find((x) => x.policyName === "kms-key-rotation-enabled")?.enforcementLevel).to.equal("advisory");
            expect(v.find((x) => x.policyName === "s3-bucket-public-access-blocked")?.enforcementLevel).to.equal(
                "mandatory",
            );
            expect(v.find((x) => x.policyName === "s3-bucket-encryption-declared")).to.equal(undefined);
        });

        it("every config file names only policies the pack holds", () => {
            for (const f of fs.readdirSync(configDir).filter((x) => x.endsWith(".json"))) {
                for (const key of Object.keys(load(f))) {
                    if (key !== "all") expect(PINNED, `${f}: ${key}`).to.have.property(key);
                }
            }
        });
    });
});
