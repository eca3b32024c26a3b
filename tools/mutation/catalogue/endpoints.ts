/**
 * Mistakes against "VPC endpoints exist" (constraint vpc-endpoints-exist): the S3 and DynamoDB
 * gateway endpoints on every Lambda subnet's route table, the Kinesis interface endpoint with
 * private DNS in every function AZ, and endpoint policies that are not wide open.
 */
import type * as aws from "@pulumi/aws";
import type { Mutation } from "../types";
import { P } from "./program";
import { AWS_TYPES } from "../../../policies/lib/types";

const family = "endpoints" as const;

export const mutations: Mutation[] = [
    {
        id: "gateway-endpoint-missing",
        family,
        description: "DynamoDB endpoint's serviceName copy-pasted from the S3 one: no DynamoDB gateway endpoint left",
        form: "aws.ec2.VpcEndpoint",
        alternate: false,
        rule: "ec2-vpc-gateway-endpoints-for-lambda-subnets",
        level: "mandatory",
        resource: P.apiFunction,
        kind: "modify",
        target: { type: AWS_TYPES.vpcEndpoint, name: "network-dynamodb-endpoint" },
        modify: (props) => ({ ...props, serviceName: "com.amazonaws.us-west-2.s3" }),
    },
    {
        id: "gateway-endpoint-one-route-table",
        family,
        description: "S3 endpoint attached to private route table a only (subnet b's table forgotten)",
        form: "aws.ec2.VpcEndpoint routeTableIds",
        alternate: false,
        rule: "ec2-vpc-gateway-endpoints-for-lambda-subnets",
        level: "mandatory",
        resource: P.processorFunction,
        kind: "modify",
        target: { type: AWS_TYPES.vpcEndpoint, name: "network-s3-endpoint" },
        modify: (props, { resource }) => ({
            ...props,
            routeTableIds: [resource<aws.ec2.RouteTable>("network-private-a-rt").id],
        }),
    },
    {
        id: "gateway-endpoint-public-route-table",
        family,
        description: "DynamoDB endpoint attached to the public route table instead of the private ones",
        form: "aws.ec2.VpcEndpoint routeTableIds",
        alternate: false,
        rule: "ec2-vpc-gateway-endpoints-for-lambda-subnets",
        level: "mandatory",
        resource: P.apiFunction,
        kind: "modify",
        target: { type: AWS_TYPES.vpcEndpoint, name: "network-dynamodb-endpoint" },
        modify: (props, { resource }) => ({
            ...props,
            routeTableIds: [resource<aws.ec2.RouteTable>("network-public-rt").id],
        }),
    },
    {
        id: "interface-endpoint-no-private-dns",
        family,
        description: "Kinesis interface endpoint with privateDnsEnabled: false (the SDK resolves the public endpoint)",
        form: "inline",
        alternate: false,
        rule: "ec2-vpc-interface-endpoints-for-lambda-services",
        level: "mandatory",
        resource: P.apiFunction,
        kind: "modify",
        target: { type: AWS_TYPES.vpcEndpoint, name: "network-kinesis-endpoint" },
        modify: (props) => ({ ...props, privateDnsEnabled: false }),
    },
    {
        id: "interface-endpoint-one-az",
        family,
        description: "Kinesis interface endpoint with a network interface in private subnet a only",
        form: "inline subnetIds",
        alternate: false,
        rule: "ec2-vpc-interface-endpoints-for-lambda-services",
        level: "mandatory",
        resource: P.apiFunction,
        kind: "modify",
        target: { type: AWS_TYPES.vpcEndpoint, name: "network-kinesis-endpoint" },
        modify: (props, { resource }) => ({ ...props, subnetIds: [resource<aws.ec2.Subnet>("network-private-a").id] }),
    },
    {
        id: "endpoint-policy-full-access",
        family,
        description:
            'S3 endpoint policy replaced by the console\'s "Full access" document (Principal *, Action *, Resource *)',
        form: "inline policy",
        alternate: false,
        rule: "ec2-vpc-endpoint-policy-restricted",
        level: "advisory",
        resource: P.s3Endpoint,
        kind: "modify",
        target: { type: AWS_TYPES.vpcEndpoint, name: "network-s3-endpoint" },
        modify: (props) => ({
            ...props,
            policy: JSON.stringify({
                Version: "2008-10-17",
                Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }],
            }),
        }),
    },
];
