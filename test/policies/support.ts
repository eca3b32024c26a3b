/** Shared helpers of the pack's rule specs: filter the harness's diagnostics by rule and kind. */
import type { Violation } from "../../tools/gate/types";
import { urnOf } from "../helpers/pack";

/** Decided findings of a rule (not the "can't run during preview" advisory). */
export function findings(all: Violation[], rule: string): Violation[] {
    return all.filter((v) => v.policyName === rule && !v.undecided);
}

/** The rule's "can't run during preview" advisories. */
export function undecided(all: Violation[], rule: string): Violation[] {
    return all.filter((v) => v.policyName === rule && v.undecided);
}

/** Every mandatory finding, whatever the rule. */
export function mandatory(all: Violation[]): Violation[] {
    return all.filter((v) => v.enforcementLevel === "mandatory");
}

export const BUCKET = "aws:s3/bucket:Bucket";
export const BUCKET_V2 = "aws:s3/bucketV2:BucketV2";
export const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
export const ACCOUNT = "123456789012";
export const REGION = "us-west-2";

export { urnOf };

/** A policy document as the program writes it: a JSON string. */
export function doc(...statements: object[]): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
