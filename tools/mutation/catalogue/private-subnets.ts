/**
 * Mistakes against "Lambdas run in private subnets" (constraint lambdas-in-private-subnets): a
 * function outside any VPC, in a public subnet (by a route, an association, a subnet setting or
 * the wrong subnet ids), without security groups, or in one Availability Zone.
 */
import type * as aws from "@pulumi/aws";
import type { Mutation } from "../types";
import { P, without } from "./program";
import { AWS_TYPES } from "../../../policies/lib/types";

const family = "private-subnets" as const;

export const mutations: Mutation[] = [
    {
        id: "lambda-without-vpc",
        family,
        description: 'API function without vpcConfig ("cold starts are faster outside the VPC")',
        form: "inline",
        alternate: false,
        rule: "lambda-function-in-private-subnets",
        level: "mandatory",
        resource: P.apiFunction,
        kind: "modify",
        target: { type: AWS_TYPES.lambdaFunction, name: "api-handler-function" },
        modify: (props) => without(props, "vpcConfig"),
    },
    {
        id: "lambda-subnet-route-to-igw",
        family,
        description: "A new aws.ec2.Route on private route table a sending a partner range to the internet gateway",
        form: "aws.ec2.Route",
        alternate: true,
        rule: "lambda-function-in-private-subnets",
        level: "mandatory",
        resource: P.apiFunction,
        kind: "add",
        add: ({ aws, resource }) => {
            new aws.ec2.Route(
                "network-private-a-partner-route",
                {
                    routeTableId: resource<aws.ec2.RouteTable>("network-private-a-rt").id,
                    destinationCidrBlock: "198.51.100.0/24",
                    gatewayId: resource<aws.ec2.InternetGateway>("network-igw").id,
                },
                { parent: resource("network") },
            );
        },
    },
    {
        id: "lambda-subnet-default-route-igw",
        family,
        description:
            "Private route table b's default route copy-pasted from the public one: gatewayId igw instead of the NAT",
        form: "aws.ec2.Route",
        alternate: true,
        rule: "lambda-function-in-private-subnets",
        level: "mandatory",
        resource: P.processorFunction,
        kind: "modify",
        target: { type: AWS_TYPES.route, name: "network-private-b-default-route" },
        modify: (props, { resource }) => ({
            ...without(props, "natGatewayId"),
            gatewayId: resource<aws.ec2.InternetGateway>("network-igw").id,
        }),
    },
    {
        id: "lambda-subnet-inline-route-igw",
        family,
        description: 'Private route table a given an inline routes entry ::/0 -> the internet gateway ("IPv6 egress")',
        form: "RouteTable inline routes",
        alternate: false,
        rule: "lambda-function-in-private-subnets",
        level: "mandatory",
        resource: P.apiFunction,
        kind: "modify",
        target: { type: AWS_TYPES.routeTable, name: "network-private-a-rt" },
        modify: (props, { resource }) => ({
            ...props,
            routes: [{ ipv6CidrBlock: "::/0", gatewayId: resource<aws.ec2.InternetGateway>("network-igw").id }],
        }),
    },
    {
        id: "lambda-subnet-public-association",
        family,
        description: "Private subnet a associated with the public route table (copy-paste in the association)",
        form: "aws.ec2.RouteTableAssociation",
        alternate: true,
        rule: "lambda-function-in-private-subnets",
        level: "mandatory",
        resource: P.apiFunction,
        kind: "modify",
        target: { type: AWS_TYPES.routeTableAssociation, name: "network-private-a-rta" },
        modify: (props, { resource }) => ({
            ...props,
            routeTableId: resource<aws.ec2.RouteTable>("network-public-rt").id,
        }),
    },
    {
        id: "lambda-subnet-map-public-ip",
        family,
        description: "Private subnet b with mapPublicIpOnLaunch: true",
        form: "inline",
        alternate: false,
        rule: "lambda-function-in-private-subnets",
        level: "mandatory",
        resource: P.processorFunction,
        kind: "modify",
        target: { type: AWS_TYPES.subnet, name: "network-private-b" },
        modify: (props) => ({ ...props, mapPublicIpOnLaunch: true }),
    },
    {
        id: "lambda-in-public-subnets",
        family,
        description: "API function given the public subnet ids (network.publicSubnetIds passed by mistake)",
        form: "inline vpcConfig",
        alternate: false,
        rule: "lambda-function-in-private-subnets",
        level: "mandatory",
        resource: P.apiFunction,
        kind: "modify",
        target: { type: AWS_TYPES.lambdaFunction, name: "api-handler-function" },
        modify: (props, { resource }) => ({
            ...props,
            vpcConfig: {
                ...props.vpcConfig,
                subnetIds: ["network-public-a", "network-public-b"].map((n) => resource<aws.ec2.Subnet>(n).id),
            },
        }),
    },
    {
        id: "lambda-without-security-groups",
        family,
        description: "Stream processor's vpcConfig with an empty securityGroupIds list",
        form: "inline vpcConfig",
        alternate: false,
        rule: "lambda-function-in-private-subnets",
        level: "mandatory",
        resource: P.processorFunction,
        kind: "modify",
        target: { type: AWS_TYPES.lambdaFunction, name: "streaming-processor-function" },
        modify: (props) => ({ ...props, vpcConfig: { ...props.vpcConfig, securityGroupIds: [] } }),
    },
    {
        id: "lambda-single-az",
        family,
        description: 'Stream processor placed in private subnet a only ("one AZ is enough for a consumer")',
        form: "inline vpcConfig",
        alternate: false,
        rule: "lambda-function-subnets-multi-az",
        level: "mandatory",
        resource: P.processorFunction,
        kind: "modify",
        target: { type: AWS_TYPES.lambdaFunction, name: "streaming-processor-function" },
        modify: (props, { resource }) => ({
            ...props,
            vpcConfig: { ...props.vpcConfig, subnetIds: [resource<aws.ec2.Subnet>("network-private-a").id] },
        }),
    },
];
