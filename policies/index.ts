/**
 * The secure-web-app policy pack: assembles the rules of every rule file into one PolicyPack.
 * rules/<prefix>.ts holds exactly the rules whose names start with <prefix>- (files in
 * alphabetical order); what rules share lives in lib/. The exemption policies (rules/policy.ts)
 * come last: they report what the rules before them recorded (lib/exemptions.ts).
 */
import { PolicyPack } from "@pulumi/policy";
import { rules as apigateway } from "./rules/apigateway";
import { rules as athena } from "./rules/athena";
import { rules as aws } from "./rules/aws";
import { rules as backup } from "./rules/backup";
import { rules as cloudfront } from "./rules/cloudfront";
import { rules as cloudtrail } from "./rules/cloudtrail";
import { rules as cloudwatch } from "./rules/cloudwatch";
import { rules as docdb } from "./rules/docdb";
import { rules as dynamodb } from "./rules/dynamodb";
import { rules as ebs } from "./rules/ebs";
import { rules as ec2 } from "./rules/ec2";
import { rules as ecr } from "./rules/ecr";
import { rules as efs } from "./rules/efs";
import { rules as elasticache } from "./rules/elasticache";
import { rules as elb } from "./rules/elb";
import { rules as firehose } from "./rules/firehose";
import { rules as iam } from "./rules/iam";
import { rules as kinesis } from "./rules/kinesis";
import { rules as kms } from "./rules/kms";
import { rules as lambda } from "./rules/lambda";
import { rules as msk } from "./rules/msk";
import { rules as neptune } from "./rules/neptune";
import { rules as opensearch } from "./rules/opensearch";
import { rules as policy } from "./rules/policy";
import { rules as rds } from "./rules/rds";
import { rules as redshift } from "./rules/redshift";
import { rules as s3 } from "./rules/s3";
import { rules as secretsmanager } from "./rules/secretsmanager";
import { rules as sns } from "./rules/sns";
import { rules as sqs } from "./rules/sqs";
import { rules as ssm } from "./rules/ssm";

new PolicyPack("secure-web-app", {
    policies: [
        ...apigateway,
        ...athena,
        ...aws,
        ...backup,
        ...cloudfront,
        ...cloudtrail,
        ...cloudwatch,
        ...docdb,
        ...dynamodb,
        ...ebs,
        ...ec2,
        ...ecr,
        ...efs,
        ...elasticache,
        ...elb,
        ...firehose,
        ...iam,
        ...kinesis,
        ...kms,
        ...lambda,
        ...msk,
        ...neptune,
        ...opensearch,
        ...rds,
        ...redshift,
        ...s3,
        ...secretsmanager,
        ...sns,
        ...sqs,
        ...ssm,
        ...policy,
    ],
});
