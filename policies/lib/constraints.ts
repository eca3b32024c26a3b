/**
 * The mission's five constraints: what this pack exists to hold for the five-tier app. A rule
 * that enforces one names it in its metadata (`constraint`, lib/rule.ts); docs/POLICIES.md shows
 * it. Rules without one are the further controls (logging, alarms, resilience, tags, ...).
 */
export const CONSTRAINTS = {
    "s3-never-public": "S3 is never public",
    "encryption-on": "Encryption is on (at rest and in transit)",
    "lambdas-in-private-subnets": "Lambdas run in private subnets",
    "no-iam-wildcards": "IAM has no wildcards",
    "vpc-endpoints-exist": "VPC endpoints exist",
} as const;

/** The id of one of the five constraints: `s3-never-public`, `encryption-on`, ... */
export type Constraint = keyof typeof CONSTRAINTS;
