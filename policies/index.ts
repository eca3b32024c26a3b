/**
 * The secure-web-app policy pack: assembles the rules of every rule file into one PolicyPack.
 * rules/<prefix>.ts holds exactly the rules whose names start with <prefix>- (files in
 * alphabetical order); what rules share lives in lib/. The exemption policies (rules/policy.ts)
 * come last: they report what the rules before them recorded (lib/exemptions.ts).
 */
import { PolicyPack } from "@pulumi/policy";
import { rules as apigateway } from "./rules/apigateway";
import { rules as aws } from "./rules/aws";
import { rules as cloudfront } from "./rules/cloudfront";
import { rules as cloudwatch } from "./rules/cloudwatch";
import { rules as dynamodb } from "./rules/dynamodb";
import { rules as ec2 } from "./rules/ec2";
import { rules as iam } from "./rules/iam";
import { rules as kinesis } from "./rules/kinesis";
import { rules as kms } from "./rules/kms";
import { rules as lambda } from "./rules/lambda";
import { rules as policy } from "./rules/policy";
import { rules as s3 } from "./rules/s3";
import { rules as secretsmanager } from "./rules/secretsmanager";
import { rules as sns } from "./rules/sns";
import { rules as sqs } from "./rules/sqs";

new PolicyPack("secure-web-app", {
    policies: [
        ...apigateway,
        ...aws,
        ...cloudfront,
        ...cloudwatch,
        ...dynamodb,
        ...ec2,
        ...iam,
        ...kinesis,
        ...kms,
        ...lambda,
        ...s3,
        ...secretsmanager,
        ...sns,
        ...sqs,
        ...policy,
    ],
});
