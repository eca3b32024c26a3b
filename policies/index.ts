/**
 * The secure-web-app policy pack: assembles the rules of every area into one PolicyPack. Rules
 * live in rules/<area>.ts (one service's rules per file); the framework in lib/. The exemption
 * policies come last: they report what the rules before them recorded (lib/exemptions.ts).
 */
import { PolicyPack } from "@pulumi/policy";
import { exemptionPolicies } from "./lib/exemption-policies";
import { rules as apigateway } from "./rules/apigateway";
import { rules as athena } from "./rules/athena";
import { rules as backup } from "./rules/backup";
import { rules as cloudfront } from "./rules/cloudfront";
import { rules as cloudtrail } from "./rules/cloudtrail";
import { rules as docdb } from "./rules/docdb";
import { rules as dynamodb } from "./rules/dynamodb";
import { rules as ebs } from "./rules/ebs";
import { rules as ecr } from "./rules/ecr";
import { rules as efs } from "./rules/efs";
import { rules as elasticache } from "./rules/elasticache";
import { rules as elb } from "./rules/elb";
import { rules as encryption } from "./rules/encryption";
import { rules as firehose } from "./rules/firehose";
import { rules as iam } from "./rules/iam";
import { rules as kinesis } from "./rules/kinesis";
import { rules as kms } from "./rules/kms";
import { rules as lambda } from "./rules/lambda";
import { rules as messaging } from "./rules/messaging";
import { rules as monitoring } from "./rules/monitoring";
import { rules as msk } from "./rules/msk";
import { rules as neptune } from "./rules/neptune";
import { rules as network } from "./rules/network";
import { rules as opensearch } from "./rules/opensearch";
import { rules as rds } from "./rules/rds";
import { rules as redshift } from "./rules/redshift";
import { rules as s3 } from "./rules/s3";
import { rules as secrets } from "./rules/secrets";
import { rules as ssm } from "./rules/ssm";
import { rules as tags } from "./rules/tags";
import { rules as vpcEndpoints } from "./rules/vpc-endpoints";

new PolicyPack("secure-web-app", {
    policies: [
        ...s3,
        ...encryption,
        ...iam,
        ...kms,
        ...network,
        ...lambda,
        ...vpcEndpoints,
        ...apigateway,
        ...cloudfront,
        ...monitoring,
        ...dynamodb,
        ...kinesis,
        ...tags,
        ...athena,
        ...backup,
        ...cloudtrail,
        ...docdb,
        ...ebs,
        ...ecr,
        ...efs,
        ...elasticache,
        ...elb,
        ...firehose,
        ...messaging,
        ...msk,
        ...neptune,
        ...opensearch,
        ...rds,
        ...redshift,
        ...secrets,
        ...ssm,
        ...exemptionPolicies,
    ],
});
