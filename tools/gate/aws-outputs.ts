/**
 * Realistic provider outputs for the offline engine: what AWS (through the provider) would
 * return for a resource, given what the program asked for. Only what rules and programs
 * read is modelled: ids in AWS's formats, ARNs in the stack's region and a fixed account,
 * auto-names as the provider makes them, and a few computed attributes programs chain
 * (a bucket's regional domain name, a function's qualified ARN, a stage's invoke URL).
 *
 * In first-preview mode every one of these computed values is the engine's unknown
 * sentinel instead, as in the first `pulumi preview` of a new stack.
 */
import * as crypto from "crypto";
import { WIRE_UNKNOWN } from "./types";

export const ACCOUNT_ID = "123456789012";

export interface OutputContext {
    region: string;
    /** true: computed values are unknown (first preview of a new stack). */
    unknown: boolean;
}

/** A short, stable hex suffix: the same program gives the same ids on every run. */
export function stableHex(seed: string, length: number): string {
    return crypto.createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** "aws:s3/bucketV2:BucketV2" -> { pkg: "aws", module: "s3", kind: "BucketV2" }. */
export function splitType(type: string): { pkg: string; module: string; kind: string } {
    const [pkg = "", mod = "", kind = ""] = type.split(":");
    return { pkg, module: mod.split("/")[0] ?? "", kind };
}

/** Id prefixes AWS uses for EC2-family resources. */
const EC2_ID_PREFIX: Record<string, string> = {
    Vpc: "vpc",
    Subnet: "subnet",
    SecurityGroup: "sg",
    RouteTable: "rtb",
    InternetGateway: "igw",
    NatGateway: "nat",
    Eip: "eipalloc",
    VpcEndpoint: "vpce",
    NetworkAcl: "acl",
    FlowLog: "fl",
    EgressOnlyInternetGateway: "eigw",
    DefaultSecurityGroup: "sg",
    DefaultRouteTable: "rtb",
    RouteTableAssociation: "rtbassoc",
    SecurityGroupRule: "sgrule",
    SecurityGroupIngressRule: "sgr",
    SecurityGroupEgressRule: "sgr",
    VpcEndpointRouteTableAssociation: "a",
    NetworkInterface: "eni",
    MainRouteTableAssociation: "rtbassoc",
    Instance: "i",
    LaunchTemplate: "lt",
};

/** Types whose physical name is auto-generated from the logical name when not given. */
const NAME_PROPERTY: Record<string, string> = {
    "aws:s3/bucket:Bucket": "bucket",
    "aws:s3/bucketV2:BucketV2": "bucket",
    "aws:lambda/function:Function": "name",
    "aws:iam/role:Role": "name",
    "aws:iam/policy:Policy": "name",
    "aws:iam/rolePolicy:RolePolicy": "name",
    "aws:dynamodb/table:Table": "name",
    "aws:kinesis/stream:Stream": "name",
    "aws:sns/topic:Topic": "name",
    "aws:sqs/queue:Queue": "name",
    "aws:cloudwatch/logGroup:LogGroup": "name",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "name",
    "aws:apigateway/restApi:RestApi": "name",
    "aws:ec2/securityGroup:SecurityGroup": "name",
    "aws:secretsmanager/secret:Secret": "name",
    "aws:wafv2/webAcl:WebAcl": "name",
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": "name",
    "aws:cloudfront/originAccessControl:OriginAccessControl": "name",
    "aws:cloudfront/function:Function": "name",
    "aws:cloudwatch/dashboard:Dashboard": "dashboardName",
    "aws:cloudwatch/eventRule:EventRule": "name",
    "aws:cloudwatch/eventBus:EventBus": "name",
    "aws:ecs/cluster:Cluster": "name",
    "aws:ecs/service:Service": "name",
    "aws:lb/loadBalancer:LoadBalancer": "name",
    "aws:lb/targetGroup:TargetGroup": "name",
    "aws:ecr/repository:Repository": "name",
    "aws:sfn/stateMachine:StateMachine": "name",
    "aws:rds/subnetGroup:SubnetGroup": "name",
    "aws:iam/instanceProfile:InstanceProfile": "name",
    "aws:iam/user:User": "name",
    "aws:apigatewayv2/api:Api": "name",
};

function physicalName(type: string, name: string, inputs: Record<string, unknown>): string | undefined {
    const prop = NAME_PROPERTY[type];
    if (!prop) {
        return undefined;
    }
    const given = inputs[prop];
    if (typeof given === "string" && given !== WIRE_UNKNOWN) {
        return given;
    }
    // The provider appends a random suffix to the logical name; lower-case where AWS requires it.
    const raw = `${name}-${stableHex(type + name, 7)}`;
    return type.startsWith("aws:s3/") ? raw.toLowerCase() : raw;
}

/** What an ARN is built from: the type, where and whose it is, and the names the provider gave it. */
interface ArnParts {
    type: string;
    /** The type token's kind ("Role", "Function"). */
    kind: string;
    region: string;
    id: string;
    /** The physical name, else the id. */
    name: string;
    inputs: Record<string, unknown>;
}

type ArnBuilder = (r: ArnParts) => string | undefined;

/** One builder per kind of a service; a kind not listed gets none here (genericArn's instead). */
function byKind(builders: Record<string, (r: ArnParts) => string>): ArnBuilder {
    return (r) => (Object.hasOwn(builders, r.kind) ? builders[r.kind]!(r) : undefined);
}

/** EC2's resource-type segment of an ARN, per kind (ids, not names, follow it). */
const EC2_ARN_SEGMENT: Record<string, string> = {
    Vpc: "vpc",
    Subnet: "subnet",
    SecurityGroup: "security-group",
    RouteTable: "route-table",
    InternetGateway: "internet-gateway",
    NatGateway: "natgateway",
    VpcEndpoint: "vpc-endpoint",
    FlowLog: "vpc-flow-log",
    DefaultSecurityGroup: "security-group",
    DefaultRouteTable: "route-table",
};

/** Elastic Load Balancing's ARNs, the same for the `lb` and `alb` modules. */
const elbArn = (segment: string) => (r: ArnParts) =>
    `arn:aws:elasticloadbalancing:${r.region}:${ACCOUNT_ID}:${segment}/${r.name}/${stableHex(r.id, 16)}`;
const ELB_ARNS = byKind({
    LoadBalancer: elbArn("loadbalancer/app"),
    TargetGroup: elbArn("targetgroup"),
    Listener: elbArn("listener/app"),
});

/**
 * ARNs in the format each service documents, per module of the type token (a data table: one
 * entry per service modelled). A type it gives none gets genericArn's.
 */
const ARN_BY_SERVICE: Record<string, ArnBuilder> = {
    // Only the bucket itself has an ARN of its own (not its policy, ACL or other parts).
    s3: (r) => (r.kind.startsWith("Bucket") && NAME_PROPERTY[r.type] ? `arn:aws:s3:::${r.name}` : undefined),
    iam: byKind({
        Role: (r) => `arn:aws:iam::${ACCOUNT_ID}:role/${r.name}`,
        Policy: (r) => `arn:aws:iam::${ACCOUNT_ID}:policy/${r.name}`,
        User: (r) => `arn:aws:iam::${ACCOUNT_ID}:user/${r.name}`,
        Group: (r) => `arn:aws:iam::${ACCOUNT_ID}:group/${r.name}`,
    }),
    lambda: byKind({ Function: (r) => `arn:aws:lambda:${r.region}:${ACCOUNT_ID}:function:${r.name}` }),
    dynamodb: byKind({ Table: (r) => `arn:aws:dynamodb:${r.region}:${ACCOUNT_ID}:table/${r.name}` }),
    kinesis: byKind({ Stream: (r) => `arn:aws:kinesis:${r.region}:${ACCOUNT_ID}:stream/${r.name}` }),
    sns: byKind({ Topic: (r) => `arn:aws:sns:${r.region}:${ACCOUNT_ID}:${r.name}` }),
    sqs: byKind({ Queue: (r) => `arn:aws:sqs:${r.region}:${ACCOUNT_ID}:${r.name}` }),
    kms: byKind({
        Key: (r) => `arn:aws:kms:${r.region}:${ACCOUNT_ID}:key/${r.id}`,
        Alias: (r) => `arn:aws:kms:${r.region}:${ACCOUNT_ID}:${r.name}`,
    }),
    cloudwatch: byKind({
        LogGroup: (r) => `arn:aws:logs:${r.region}:${ACCOUNT_ID}:log-group:${r.name}`,
        MetricAlarm: (r) => `arn:aws:cloudwatch:${r.region}:${ACCOUNT_ID}:alarm:${r.name}`,
    }),
    ec2: (r) => {
        const segment = EC2_ARN_SEGMENT[r.kind];
        return segment ? `arn:aws:ec2:${r.region}:${ACCOUNT_ID}:${segment}/${r.id}` : undefined;
    },
    apigateway: byKind({
        RestApi: (r) => `arn:aws:apigateway:${r.region}::/restapis/${r.id}`,
        Stage: (r) => {
            const api = typeof r.inputs.restApi === "string" ? r.inputs.restApi : "api";
            return `arn:aws:apigateway:${r.region}::/restapis/${api}/stages/${String(r.inputs.stageName ?? r.id)}`;
        },
    }),
    cloudfront: byKind({
        Distribution: (r) => `arn:aws:cloudfront::${ACCOUNT_ID}:distribution/${r.id}`,
        OriginAccessControl: (r) => `arn:aws:cloudfront::${ACCOUNT_ID}:origin-access-control/${r.id}`,
    }),
    wafv2: byKind({
        // A CloudFront-scope web ACL is global and lives in us-east-1, whatever the stack's region.
        WebAcl: (r) =>
            r.inputs.scope === "CLOUDFRONT"
                ? `arn:aws:wafv2:us-east-1:${ACCOUNT_ID}:global/webacl/${r.name}/${r.id}`
                : `arn:aws:wafv2:${r.region}:${ACCOUNT_ID}:regional/webacl/${r.name}/${r.id}`,
    }),
    secretsmanager: byKind({
        // Secrets Manager appends six random characters to the secret's name.
        Secret: (r) => `arn:aws:secretsmanager:${r.region}:${ACCOUNT_ID}:secret:${r.name}-${r.id.slice(0, 6)}`,
    }),
    apigatewayv2: byKind({ Api: (r) => `arn:aws:apigateway:${r.region}::/apis/${r.id}` }),
    acm: byKind({ Certificate: (r) => `arn:aws:acm:${r.region}:${ACCOUNT_ID}:certificate/${r.id}` }),
    route53: byKind({ Zone: (r) => `arn:aws:route53:::hostedzone/${r.id}` }),
    lb: ELB_ARNS,
    alb: ELB_ARNS,
    sfn: byKind({ StateMachine: (r) => `arn:aws:states:${r.region}:${ACCOUNT_ID}:stateMachine:${r.name}` }),
    ecs: (r) => `arn:aws:ecs:${r.region}:${ACCOUNT_ID}:${r.kind.charAt(0).toLowerCase() + r.kind.slice(1)}/${r.name}`,
};

function arnFor(
    type: string,
    region: string,
    id: string,
    physical: string | undefined,
    inputs: Record<string, unknown>,
): string | undefined {
    const { module: svc, kind } = splitType(type);
    if (!Object.hasOwn(ARN_BY_SERVICE, svc)) return undefined;
    return ARN_BY_SERVICE[svc]!({ type, kind, region, id, name: physical ?? id, inputs });
}

/**
 * ARN of a type with no specific model: `arn:aws:<service>:<region>:<account>:<kind>/<name or id>`.
 * Consistent within a run (the resource's output and every input made from it agree), which is
 * what rules compare; the exact resource-type segment of some services differs.
 */
function genericArn(type: string, region: string, id: string, physical: string | undefined): string | undefined {
    const { pkg, module: svc, kind } = splitType(type);
    if (pkg !== "aws" || !svc || svc === "index") return undefined;
    const service: Record<string, string> = {
        cloudwatch: "logs",
        lb: "elasticloadbalancing",
        alb: "elasticloadbalancing",
        sfn: "states",
        cognito: "cognito-idp",
        apigatewayv2: "apigateway",
        appautoscaling: "application-autoscaling",
    };
    const kindSegment = kind.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
    return `arn:aws:${service[svc] ?? svc}:${region}:${ACCOUNT_ID}:${kindSegment}/${physical ?? id}`;
}

function makeId(type: string, name: string, physical: string | undefined): string {
    const { module: svc, kind } = splitType(type);
    const hex = stableHex(type + "::" + name, 17);
    if (svc === "ec2" || svc === "vpc") {
        const prefix = EC2_ID_PREFIX[kind];
        if (prefix) return `${prefix}-${hex}`;
    }
    if (svc === "kms" && kind === "Key") {
        const h = stableHex(name, 32);
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
    }
    if ((svc === "apigateway" && kind === "RestApi") || (svc === "apigatewayv2" && kind === "Api"))
        return stableHex(name, 10);
    if (svc === "route53" && kind === "Zone") return "Z" + stableHex(name, 20).toUpperCase();
    if (svc === "acm" && kind === "Certificate") {
        const h = stableHex(name, 32);
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
    }
    if (svc === "cloudfront" && kind === "Distribution") return "E" + stableHex(name, 13).toUpperCase();
    if (svc === "sqs" && kind === "Queue" && physical) {
        return `https://sqs.us-west-2.amazonaws.com/${ACCOUNT_ID}/${physical}`;
    }
    return physical ?? `${name}-${stableHex(type + name, 8)}`;
}

/** What the computed attributes of one new resource are made from. */
interface NewResource {
    name: string;
    inputs: Record<string, unknown>;
    region: string;
    id: string;
    physical: string | undefined;
    arn: string | undefined;
}

const lbDnsName = (r: NewResource): Record<string, unknown> => ({
    dnsName: `${r.physical ?? r.name}-${stableHex(r.name, 9)}.${r.region}.elb.amazonaws.com`,
    zoneId: "Z1H1FL5HABSF5",
    arnSuffix: String(r.arn ?? "").split(":loadbalancer/")[1],
});
const lbTargetGroup = (r: NewResource): Record<string, unknown> => ({
    arnSuffix: String(r.arn ?? "")
        .split(":")
        .pop(),
});
const bucketDomains = (r: NewResource): Record<string, unknown> => ({
    bucketDomainName: `${r.physical}.s3.amazonaws.com`,
    bucketRegionalDomainName: `${r.physical}.s3.${r.region}.amazonaws.com`,
    region: r.region,
});
const rdsEndpoint =
    (kind: "Instance" | "Cluster") =>
    (r: NewResource): Record<string, unknown> => {
        const host = `${r.physical ?? r.name}.${stableHex(r.name, 12)}.${r.region}.rds.amazonaws.com`;
        return {
            address: host,
            endpoint: kind === "Instance" ? `${host}:${String(r.inputs.port ?? 3306)}` : host,
            resourceId: `db-${stableHex(r.name, 26).toUpperCase()}`,
        };
    };

/**
 * The attributes a provider computes on create, beyond the name, the ARN and the id, per
 * `<module>/<kind>` of the type token (a data table: one entry per resource type modelled).
 */
const COMPUTED: Record<string, (r: NewResource) => Record<string, unknown>> = {
    "s3/Bucket": bucketDomains,
    "s3/BucketV2": bucketDomains,
    "lambda/Function": (r) => {
        const version = r.inputs.publish === true ? "1" : "$LATEST";
        return {
            invokeArn: `arn:aws:apigateway:${r.region}:lambda:path/2015-03-31/functions/${r.arn}/invocations`,
            version,
            qualifiedArn: `${r.arn}:${version}`,
        };
    },
    "apigateway/RestApi": (r) => ({
        rootResourceId: stableHex(r.name + "root", 10),
        executionArn: `arn:aws:execute-api:${r.region}:${ACCOUNT_ID}:${r.id}`,
    }),
    "apigateway/Stage": (r) => {
        const api = typeof r.inputs.restApi === "string" ? r.inputs.restApi : r.id;
        const stage = String(r.inputs.stageName ?? "");
        return {
            invokeUrl: `https://${api}.execute-api.${r.region}.amazonaws.com/${stage}`,
            executionArn: `arn:aws:execute-api:${r.region}:${ACCOUNT_ID}:${api}/${stage}`,
        };
    },
    "cloudfront/Distribution": (r) => ({
        domainName: `d${stableHex(r.name, 13)}.cloudfront.net`,
        hostedZoneId: "Z2FDTNDATAQYW2",
    }),
    "kinesis/Stream": (r) => ({ name: r.physical }),
    "ec2/Vpc": (r) => {
        const mainRouteTableId = `rtb-${stableHex(r.name + "main-rtb", 17)}`;
        const computed: Record<string, unknown> = {
            defaultSecurityGroupId: `sg-${stableHex(r.name + "default-sg", 17)}`,
            mainRouteTableId,
            defaultRouteTableId: mainRouteTableId,
        };
        // The provider reads an empty IPv6 block when none is associated (awsx classic decides on it).
        const ipv6 = r.inputs.assignGeneratedIpv6CidrBlock === true || r.inputs.ipv6IpamPoolId !== undefined;
        if (r.inputs.ipv6CidrBlock === undefined) {
            computed.ipv6CidrBlock = ipv6
                ? `2600:1f14:${stableHex(r.name, 3)}:${stableHex(r.name + "v6", 2)}00::/56`
                : "";
            computed.ipv6AssociationId = ipv6 ? `vpc-cidr-assoc-${stableHex(r.name + "v6", 17)}` : "";
        }
        return computed;
    },
    "ec2/VpcEndpoint": (r) => ({ prefixListId: `pl-${stableHex(r.name, 8)}` }),
    "sqs/Queue": (r) => ({ url: r.id }),
    "kms/Key": (r) => ({ keyId: r.id }),
    "acm/Certificate": (r) => {
        const domains = [
            r.inputs.domainName,
            ...(Array.isArray(r.inputs.subjectAlternativeNames) ? r.inputs.subjectAlternativeNames : []),
        ].filter((d): d is string => typeof d === "string" && d !== WIRE_UNKNOWN);
        return {
            domainValidationOptions: domains.map((d) => ({
                domainName: d,
                resourceRecordName: `_${stableHex(d, 32)}.${d}.`,
                resourceRecordType: "CNAME",
                resourceRecordValue: `_${stableHex(d + "v", 32)}.acm-validations.aws.`,
            })),
            status: "ISSUED",
        };
    },
    "acm/CertificateValidation": (r) => ({ certificateArn: r.inputs.certificateArn }),
    "route53/Zone": (r) => ({
        zoneId: r.id,
        nameServers: [1, 2, 3, 4].map((i) => `ns-${i}${stableHex(r.name + i, 3).replace(/\D/g, "1")}.awsdns-0${i}.net`),
    }),
    "route53/Record": (r) => ({ fqdn: r.inputs.name }),
    "lb/LoadBalancer": lbDnsName,
    "alb/LoadBalancer": lbDnsName,
    "lb/TargetGroup": lbTargetGroup,
    "alb/TargetGroup": lbTargetGroup,
    "ec2/Instance": (r) => {
        const publicIp =
            r.inputs.associatePublicIpAddress === false
                ? ""
                : `54.${parseInt(stableHex(r.name, 2), 16)}.${parseInt(stableHex(r.name + "p", 2), 16)}.10`;
        return {
            privateIp: `10.0.${parseInt(stableHex(r.name, 2), 16) % 250}.${(parseInt(stableHex(r.name + "ip", 2), 16) % 250) + 4}`,
            publicIp,
            publicDns: publicIp ? `ec2-${publicIp.replace(/\./g, "-")}.${r.region}.compute.amazonaws.com` : "",
        };
    },
    "rds/Instance": rdsEndpoint("Instance"),
    "rds/Cluster": rdsEndpoint("Cluster"),
    "ecr/Repository": (r) => ({
        repositoryUrl: `${ACCOUNT_ID}.dkr.ecr.${r.region}.amazonaws.com/${r.physical ?? r.name}`,
    }),
    "apigatewayv2/Api": (r) => ({
        apiEndpoint: `https://${r.id}.execute-api.${r.region}.amazonaws.com`,
        executionArn: `arn:aws:execute-api:${r.region}:${ACCOUNT_ID}:${r.id}`,
    }),
};

/**
 * The state a provider returns after create: the inputs plus computed attributes.
 * `inputs` arrive in wire form (unknown sentinels, secret wrappers) and stay that way.
 */
export function providerOutputs(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    ctx: OutputContext,
): { id: string; state: Record<string, unknown> } {
    const state: Record<string, unknown> = { ...inputs };
    const computed: Record<string, unknown> = {};
    const physical = physicalName(type, name, inputs);
    const id = makeId(type, name, physical);
    const namePropKey = NAME_PROPERTY[type];
    if (namePropKey && physical !== undefined && inputs[namePropKey] === undefined) {
        computed[namePropKey] = physical;
    }
    const region = typeof inputs.region === "string" && inputs.region !== WIRE_UNKNOWN ? inputs.region : ctx.region;
    const arn = arnFor(type, region, id, physical, inputs) ?? genericArn(type, region, id, physical);
    if (arn !== undefined) computed.arn = arn;
    const { module: svc, kind } = splitType(type);
    Object.assign(computed, COMPUTED[`${svc}/${kind}`]?.({ name, inputs, region, id, physical, arn }));
    // Bridged (Terraform-based) providers return the physical id among the outputs too.
    computed.id = id;
    for (const [k, v] of Object.entries(computed)) {
        // Known inputs win: the provider echoes what was asked for.
        if (state[k] === undefined) {
            state[k] = ctx.unknown ? WIRE_UNKNOWN : v;
        }
    }
    return { id: ctx.unknown ? "" : id, state };
}

/** One invoke's answer from its arguments and the region it runs in. */
type Invoke = (args: Record<string, unknown>, region: string) => Record<string, unknown>;

const prefixList: Invoke = (args) => {
    const svc = String(args.name ?? args.filters ?? "prefix");
    return { id: `pl-${stableHex(svc, 8)}`, name: args.name ?? svc, cidrBlocks: ["3.5.0.0/16"], entries: [] };
};

const subnetIds: Invoke = (args, region) => {
    const key = JSON.stringify(args.filters ?? args.vpcId ?? args.tags ?? "all");
    const ids = ["a", "b", "c"].map((l) => `subnet-${stableHex(key + l, 17)}`);
    return { id: region, ids, filters: args.filters, tags: args.tags, vpcId: args.vpcId };
};

/**
 * Answers for the data-source functions (invokes) programs commonly call, by token (a data
 * table: one entry per function modelled).
 */
const INVOKES: Record<string, Invoke> = {
    "aws:index/getRegion:getRegion": (_args, region) => ({
        id: region,
        name: region,
        region,
        endpoint: `ec2.${region}.amazonaws.com`,
        description: region,
    }),
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        id: ACCOUNT_ID,
        accountId: ACCOUNT_ID,
        arn: `arn:aws:iam::${ACCOUNT_ID}:user/gate`,
        userId: "AIDAGATE",
    }),
    "aws:index/getPartition:getPartition": () => ({
        id: "aws",
        partition: "aws",
        dnsSuffix: "amazonaws.com",
        reverseDnsPrefix: "com.amazonaws",
    }),
    "aws:index/getAvailabilityZones:getAvailabilityZones": (_args, region) => {
        const letters = ["a", "b", "c", "d"];
        return {
            id: region,
            names: letters.map((l) => `${region}${l}`),
            zoneIds: letters.map((_, i) => `usw2-az${i + 1}`),
            groupNames: [region],
            state: "available",
        };
    },
    "aws:ec2/getPrefixList:getPrefixList": prefixList,
    "aws:ec2/getManagedPrefixList:getManagedPrefixList": prefixList,
    "aws:ec2/getVpc:getVpc": (args, region) => {
        // The default VPC (`default: true`) or the one the filters name: one VPC per query.
        const key = JSON.stringify(args.filters ?? args.id ?? args.tags ?? "default");
        const id = typeof args.id === "string" ? args.id : `vpc-${stableHex("vpc" + key, 17)}`;
        return {
            id,
            arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:vpc/${id}`,
            cidrBlock: args.default === true ? "172.31.0.0/16" : "10.0.0.0/16",
            default: args.default === true,
            enableDnsHostnames: true,
            enableDnsSupport: true,
            instanceTenancy: "default",
            mainRouteTableId: `rtb-${stableHex("main" + key, 17)}`,
            dhcpOptionsId: `dopt-${stableHex(key, 17)}`,
            ownerId: ACCOUNT_ID,
            state: "available",
            tags: args.tags ?? {},
            cidrBlockAssociations: [],
        };
    },
    "aws:ec2/getSubnets:getSubnets": subnetIds,
    "aws:ec2/getSubnetIds:getSubnetIds": subnetIds,
    "aws:ec2/getSubnet:getSubnet": (args, region) => {
        const key = JSON.stringify(args.filters ?? args.id ?? args.availabilityZone ?? "subnet");
        const id = typeof args.id === "string" ? args.id : `subnet-${stableHex(key, 17)}`;
        const az = typeof args.availabilityZone === "string" ? args.availabilityZone : `${region}a`;
        return {
            id,
            arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:subnet/${id}`,
            availabilityZone: az,
            availabilityZoneId: "usw2-az1",
            cidrBlock: "172.31.0.0/20",
            vpcId: typeof args.vpcId === "string" ? args.vpcId : `vpc-${stableHex('vpc"default"', 17)}`,
            defaultForAz: args.defaultForAz ?? false,
            mapPublicIpOnLaunch: args.defaultForAz === true,
            state: "available",
            ownerId: ACCOUNT_ID,
            tags: args.tags ?? {},
        };
    },
    "aws:ec2/getSecurityGroup:getSecurityGroup": (args, region) => {
        const key = JSON.stringify(args.filters ?? args.id ?? args.name ?? "sg");
        const id = typeof args.id === "string" ? args.id : `sg-${stableHex(key, 17)}`;
        return {
            id,
            arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:security-group/${id}`,
            name: args.name ?? "default",
            description: "default VPC security group",
            vpcId: args.vpcId ?? `vpc-${stableHex(key, 17)}`,
            tags: args.tags ?? {},
        };
    },
    "aws:ec2/getAmi:getAmi": (args, region) => {
        const id = `ami-${stableHex(JSON.stringify(args.filters ?? args.nameRegex ?? "ami"), 17)}`;
        return {
            id,
            imageId: id,
            architecture: "x86_64",
            name: "al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64",
            ownerId: "137112412989",
            owners: args.owners ?? ["amazon"],
            rootDeviceType: "ebs",
            virtualizationType: "hvm",
            arn: `arn:aws:ec2:${region}::image/${id}`,
            state: "available",
            public: true,
            mostRecent: args.mostRecent ?? false,
        };
    },
    "aws:route53/getZone:getZone": (args) => {
        const zoneName = String(args.name ?? "example.com").replace(/\.$/, "");
        const id = typeof args.zoneId === "string" ? args.zoneId : "Z" + stableHex("zone" + zoneName, 20).toUpperCase();
        return {
            id,
            zoneId: id,
            name: zoneName,
            arn: `arn:aws:route53:::hostedzone/${id}`,
            privateZone: args.privateZone ?? false,
            nameServers: [1, 2, 3, 4].map((i) => `ns-${i}00.awsdns-0${i}.net`),
            resourceRecordSetCount: 2,
            callerReference: id,
            comment: "",
            tags: args.tags ?? {},
        };
    },
    "aws:acm/getCertificate:getCertificate": (args, region) => {
        const domain = String(args.domain ?? "example.com");
        const h = stableHex("cert" + domain, 32);
        return {
            id: `arn:aws:acm:${region}:${ACCOUNT_ID}:certificate/${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`,
            arn: `arn:aws:acm:${region}:${ACCOUNT_ID}:certificate/${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`,
            domain,
            status: "ISSUED",
            keyTypes: args.keyTypes,
            mostRecent: args.mostRecent ?? false,
            tags: {},
        };
    },
    "aws:ssm/getParameter:getParameter": (args, region) => {
        const paramName = String(args.name ?? "parameter");
        // Public AMI aliases resolve to an AMI id; any other parameter's value is not known offline.
        const value =
            paramName.startsWith("/aws/service/") && paramName.includes("ami")
                ? `ami-${stableHex(paramName, 17)}`
                : WIRE_UNKNOWN;
        return {
            id: paramName,
            name: paramName,
            arn: `arn:aws:ssm:${region}:${ACCOUNT_ID}:parameter${paramName.startsWith("/") ? "" : "/"}${paramName}`,
            type: "String",
            value,
            insecureValue: value,
            version: 1,
            withDecryption: args.withDecryption ?? true,
        };
    },
    "aws:kms/getKey:getKey": (args, region) => {
        const h = stableHex("key" + String(args.keyId), 32);
        const keyId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
        return {
            id: keyId,
            arn: `arn:aws:kms:${region}:${ACCOUNT_ID}:key/${keyId}`,
            keyId,
            enabled: true,
            keyManager: "CUSTOMER",
            keyState: "Enabled",
            keyUsage: "ENCRYPT_DECRYPT",
            customerMasterKeySpec: "SYMMETRIC_DEFAULT",
            awsAccountId: ACCOUNT_ID,
        };
    },
    "aws:kms/getAlias:getAlias": (args, region) => {
        const aliasName = String(args.name ?? "alias/key");
        const h = stableHex("key" + aliasName, 32);
        const keyId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
        return {
            id: `arn:aws:kms:${region}:${ACCOUNT_ID}:${aliasName}`,
            arn: `arn:aws:kms:${region}:${ACCOUNT_ID}:${aliasName}`,
            name: aliasName,
            targetKeyId: keyId,
            targetKeyArn: `arn:aws:kms:${region}:${ACCOUNT_ID}:key/${keyId}`,
        };
    },
    "aws:elb/getServiceAccount:getServiceAccount": (_args, region) => {
        // The Elastic Load Balancing account of each region (AWS documents the list).
        const accounts: Record<string, string> = {
            "us-east-1": "127311923021",
            "us-east-2": "033677994240",
            "us-west-1": "027434742980",
            "us-west-2": "797873946194",
            "eu-west-1": "156460612806",
            "eu-central-1": "054676820928",
            "ap-southeast-1": "114774131450",
        };
        const acct = accounts[region] ?? WIRE_UNKNOWN;
        return { id: acct, arn: acct === WIRE_UNKNOWN ? WIRE_UNKNOWN : `arn:aws:iam::${acct}:root`, region };
    },
    "aws:iam/getPolicyDocument:getPolicyDocument": (args) => {
        const doc = policyDocument(args);
        if (doc === undefined) return { id: WIRE_UNKNOWN, json: WIRE_UNKNOWN, minifiedJson: WIRE_UNKNOWN };
        // The provider returns the document indented (json) and compact (minifiedJson); the id is its hash.
        return {
            id: stableHex(JSON.stringify(doc), 10),
            json: JSON.stringify(doc, null, 2),
            minifiedJson: JSON.stringify(doc),
        };
    },
};

/** The answer to an invoke, or undefined when the gate does not model it. */
export function invokeResult(
    token: string,
    args: Record<string, unknown>,
    ctx: OutputContext,
): Record<string, unknown> | undefined {
    const region = typeof args.region === "string" ? args.region : ctx.region;
    return Object.hasOwn(INVOKES, token) ? INVOKES[token]!(args, region) : undefined;
}

/**
 * aws.iam.getPolicyDocument as the provider computes it (terraform-provider-aws,
 * data_source_iam_policy_document.go): statements in order, a one-element list written as a
 * plain string, principals grouped by type (`*` alone for the anonymous principal), conditions
 * grouped by test then variable; `sourcePolicyDocuments` come first, then this document's
 * statements replace theirs with the same Sid, then `overridePolicyDocuments` replace by Sid.
 * Undefined when an argument is unknown (then the result is unknown too).
 */
function policyDocument(args: Record<string, unknown>): Record<string, unknown> | undefined {
    if (JSON.stringify(args).includes(WIRE_UNKNOWN)) return undefined;
    const one = (v: unknown) => (Array.isArray(v) && v.length === 1 ? v[0] : v);
    const principals = (list: unknown) => {
        const p: Record<string, unknown> = {};
        for (const x of Array.isArray(list) ? list : []) {
            const e = x as { type?: string; identifiers?: unknown[] };
            if (e.type === "*") return "*";
            const prev = p[String(e.type)];
            const ids = [...(prev === undefined ? [] : Array.isArray(prev) ? prev : [prev]), ...(e.identifiers ?? [])];
            p[String(e.type)] = one(ids);
        }
        return p;
    };
    const statements = (Array.isArray(args.statements) ? args.statements : []).map((s: Record<string, unknown>) => {
        const st: Record<string, unknown> = {};
        if (s.sid) st.Sid = s.sid;
        st.Effect = s.effect ?? "Allow";
        if (s.actions) st.Action = one(s.actions);
        if (s.notActions) st.NotAction = one(s.notActions);
        if (s.resources) st.Resource = one(s.resources);
        if (s.notResources) st.NotResource = one(s.notResources);
        if (s.principals) st.Principal = principals(s.principals);
        if (s.notPrincipals) st.NotPrincipal = principals(s.notPrincipals);
        if (Array.isArray(s.conditions) && s.conditions.length) {
            const c: Record<string, Record<string, unknown>> = {};
            for (const x of s.conditions as { test: string; variable: string; values: unknown }[]) {
                c[x.test] = { ...(c[x.test] ?? {}), [x.variable]: one(x.values) };
            }
            st.Condition = c;
        }
        return st;
    });
    const parse = (list: unknown): Record<string, unknown>[] =>
        (Array.isArray(list) ? list : []).flatMap((d) => {
            try {
                const doc = JSON.parse(String(d));
                return Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
            } catch {
                return [];
            }
        });
    const merge = (base: Record<string, unknown>[], over: Record<string, unknown>[]) => {
        const out = [...base];
        for (const st of over) {
            const i = st.Sid ? out.findIndex((b) => b.Sid === st.Sid) : -1;
            if (i >= 0) out[i] = st;
            else out.push(st);
        }
        return out;
    };
    const merged = merge(merge(parse(args.sourcePolicyDocuments), statements), parse(args.overridePolicyDocuments));
    const doc: Record<string, unknown> = { Version: args.version ?? "2012-10-17" };
    if (args.policyId) doc.Id = args.policyId;
    doc.Statement = merged;
    return doc;
}
