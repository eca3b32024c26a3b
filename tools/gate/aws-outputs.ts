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
import { UNKNOWN } from "./types";

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
    Vpc: "vpc", Subnet: "subnet", SecurityGroup: "sg", RouteTable: "rtb", InternetGateway: "igw",
    NatGateway: "nat", Eip: "eipalloc", VpcEndpoint: "vpce", NetworkAcl: "acl", FlowLog: "fl",
    EgressOnlyInternetGateway: "eigw", DefaultSecurityGroup: "sg", DefaultRouteTable: "rtb",
    RouteTableAssociation: "rtbassoc", SecurityGroupRule: "sgrule", SecurityGroupIngressRule: "sgr",
    SecurityGroupEgressRule: "sgr", VpcEndpointRouteTableAssociation: "a", NetworkInterface: "eni",
    MainRouteTableAssociation: "rtbassoc", Instance: "i", LaunchTemplate: "lt",
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
};

function physicalName(type: string, name: string, inputs: Record<string, unknown>): string | undefined {
    const prop = NAME_PROPERTY[type];
    if (!prop) {
        return undefined;
    }
    const given = inputs[prop];
    if (typeof given === "string" && given !== UNKNOWN) {
        return given;
    }
    // The provider appends a random suffix to the logical name; lower-case where AWS requires it.
    const raw = `${name}-${stableHex(type + name, 7)}`;
    return type.startsWith("aws:s3/") ? raw.toLowerCase() : raw;
}

function arnFor(type: string, region: string, id: string, physical: string | undefined,
    inputs: Record<string, unknown>): string | undefined {
    const { module: svc, kind } = splitType(type);
    const acct = ACCOUNT_ID;
    const n = physical ?? id;
    switch (svc) {
        case "s3":
            return kind.startsWith("Bucket") && NAME_PROPERTY[type] ? `arn:aws:s3:::${n}` : undefined;
        case "iam":
            if (kind === "Role") return `arn:aws:iam::${acct}:role/${n}`;
            if (kind === "Policy") return `arn:aws:iam::${acct}:policy/${n}`;
            if (kind === "User") return `arn:aws:iam::${acct}:user/${n}`;
            if (kind === "Group") return `arn:aws:iam::${acct}:group/${n}`;
            return undefined;
        case "lambda":
            return kind === "Function" ? `arn:aws:lambda:${region}:${acct}:function:${n}` : undefined;
        case "dynamodb":
            return kind === "Table" ? `arn:aws:dynamodb:${region}:${acct}:table/${n}` : undefined;
        case "kinesis":
            return kind === "Stream" ? `arn:aws:kinesis:${region}:${acct}:stream/${n}` : undefined;
        case "sns":
            return kind === "Topic" ? `arn:aws:sns:${region}:${acct}:${n}` : undefined;
        case "sqs":
            return kind === "Queue" ? `arn:aws:sqs:${region}:${acct}:${n}` : undefined;
        case "kms":
            if (kind === "Key") return `arn:aws:kms:${region}:${acct}:key/${id}`;
            if (kind === "Alias") return `arn:aws:kms:${region}:${acct}:${n}`;
            return undefined;
        case "cloudwatch":
            if (kind === "LogGroup") return `arn:aws:logs:${region}:${acct}:log-group:${n}`;
            if (kind === "MetricAlarm") return `arn:aws:cloudwatch:${region}:${acct}:alarm:${n}`;
            return undefined;
        case "ec2": {
            const resourceType: Record<string, string> = {
                Vpc: "vpc", Subnet: "subnet", SecurityGroup: "security-group", RouteTable: "route-table",
                InternetGateway: "internet-gateway", NatGateway: "natgateway", VpcEndpoint: "vpc-endpoint",
                FlowLog: "vpc-flow-log", DefaultSecurityGroup: "security-group", DefaultRouteTable: "route-table",
            };
            const rt = resourceType[kind];
            return rt ? `arn:aws:ec2:${region}:${acct}:${rt}/${id}` : undefined;
        }
        case "apigateway":
            if (kind === "RestApi") return `arn:aws:apigateway:${region}::/restapis/${id}`;
            if (kind === "Stage") {
                const api = typeof inputs.restApi === "string" ? inputs.restApi : "api";
                return `arn:aws:apigateway:${region}::/restapis/${api}/stages/${String(inputs.stageName ?? id)}`;
            }
            return undefined;
        case "cloudfront":
            if (kind === "Distribution") return `arn:aws:cloudfront::${acct}:distribution/${id}`;
            if (kind === "OriginAccessControl") return `arn:aws:cloudfront::${acct}:origin-access-control/${id}`;
            return undefined;
        case "wafv2":
            if (kind === "WebAcl") {
                const scope = inputs.scope === "CLOUDFRONT" ? "global" : "regional";
                const r = scope === "global" ? "us-east-1" : region;
                return `arn:aws:wafv2:${r}:${acct}:${scope}/webacl/${n}/${id}`;
            }
            return undefined;
        case "secretsmanager":
            return kind === "Secret" ? `arn:aws:secretsmanager:${region}:${acct}:secret:${n}-${id.slice(0, 6)}` : undefined;
        default:
            return undefined;
    }
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
    if (svc === "apigateway" && kind === "RestApi") return stableHex(name, 10);
    if (svc === "cloudfront" && kind === "Distribution") return "E" + stableHex(name, 13).toUpperCase();
    if (svc === "sqs" && kind === "Queue" && physical) {
        return `https://sqs.us-west-2.amazonaws.com/${ACCOUNT_ID}/${physical}`;
    }
    return physical ?? `${name}-${stableHex(type + name, 8)}`;
}

/**
 * The state a provider returns after create: the inputs plus computed attributes.
 * `inputs` arrive in wire form (unknown sentinels, secret wrappers) and stay that way.
 */
export function providerOutputs(type: string, name: string, inputs: Record<string, unknown>,
    ctx: OutputContext): { id: string; state: Record<string, unknown> } {
    const state: Record<string, unknown> = { ...inputs };
    const computed: Record<string, unknown> = {};
    const physical = physicalName(type, name, inputs);
    const id = makeId(type, name, physical);
    const namePropKey = NAME_PROPERTY[type];
    if (namePropKey && physical !== undefined && inputs[namePropKey] === undefined) {
        computed[namePropKey] = physical;
    }
    const region = typeof inputs.region === "string" && inputs.region !== UNKNOWN ? inputs.region : ctx.region;
    const arn = arnFor(type, region, id, physical, inputs);
    if (arn !== undefined) computed.arn = arn;
    const { module: svc, kind } = splitType(type);
    if (svc === "s3" && NAME_PROPERTY[type]) {
        computed.bucketDomainName = `${physical}.s3.amazonaws.com`;
        computed.bucketRegionalDomainName = `${physical}.s3.${region}.amazonaws.com`;
        computed.region = region;
    }
    if (svc === "lambda" && kind === "Function") {
        computed.invokeArn = `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`;
        computed.version = inputs.publish === true ? "1" : "$LATEST";
        computed.qualifiedArn = `${arn}:${computed.version}`;
    }
    if (svc === "apigateway" && kind === "RestApi") {
        computed.rootResourceId = stableHex(name + "root", 10);
        computed.executionArn = `arn:aws:execute-api:${region}:${ACCOUNT_ID}:${id}`;
    }
    if (svc === "apigateway" && kind === "Stage") {
        const api = typeof inputs.restApi === "string" ? inputs.restApi : id;
        computed.invokeUrl = `https://${api}.execute-api.${region}.amazonaws.com/${String(inputs.stageName ?? "")}`;
        computed.executionArn = `arn:aws:execute-api:${region}:${ACCOUNT_ID}:${api}/${String(inputs.stageName ?? "")}`;
    }
    if (svc === "cloudfront" && kind === "Distribution") {
        computed.domainName = `d${stableHex(name, 13)}.cloudfront.net`;
        computed.hostedZoneId = "Z2FDTNDATAQYW2";
    }
    if (svc === "kinesis" && kind === "Stream") computed.name = physical;
    if (svc === "ec2" && kind === "Vpc") {
        computed.defaultSecurityGroupId = `sg-${stableHex(name + "default-sg", 17)}`;
        computed.mainRouteTableId = `rtb-${stableHex(name + "main-rtb", 17)}`;
        computed.defaultRouteTableId = computed.mainRouteTableId;
    }
    if (svc === "ec2" && kind === "VpcEndpoint") computed.prefixListId = `pl-${stableHex(name, 8)}`;
    if (svc === "sqs" && kind === "Queue") computed.url = id;
    // Bridged (Terraform-based) providers return the physical id among the outputs too.
    computed.id = id;
    for (const [k, v] of Object.entries(computed)) {
        // Known inputs win: the provider echoes what was asked for.
        if (state[k] === undefined) {
            state[k] = ctx.unknown ? UNKNOWN : v;
        }
    }
    return { id: ctx.unknown ? "" : id, state };
}

/** Answers for the data-source functions (invokes) programs commonly call. */
export function invokeResult(token: string, args: Record<string, unknown>, ctx: OutputContext):
    Record<string, unknown> | undefined {
    const region = typeof args.region === "string" ? args.region : ctx.region;
    switch (token) {
        case "aws:index/getRegion:getRegion":
            return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { id: ACCOUNT_ID, accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/gate`, userId: "AIDAGATE" };
        case "aws:index/getPartition:getPartition":
            return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            const letters = ["a", "b", "c", "d"];
            return {
                id: region, names: letters.map((l) => `${region}${l}`),
                zoneIds: letters.map((_, i) => `usw2-az${i + 1}`), groupNames: [region], state: "available",
            };
        }
        case "aws:ec2/getPrefixList:getPrefixList":
        case "aws:ec2/getManagedPrefixList:getManagedPrefixList": {
            const svc = String(args.name ?? args.filters ?? "prefix");
            return { id: `pl-${stableHex(svc, 8)}`, name: args.name ?? svc, cidrBlocks: ["3.5.0.0/16"], entries: [] };
        }
        case "aws:iam/getPolicyDocument:getPolicyDocument":
            return { id: stableHex(JSON.stringify(args), 10), json: policyDocumentJson(args), minifiedJson: policyDocumentJson(args) };
        default:
            return undefined;
    }
}

/** aws.iam.getPolicyDocument as the provider renders it (the subset programs use). */
function policyDocumentJson(args: Record<string, unknown>): string {
    const statements = Array.isArray(args.statements) ? args.statements : [];
    const arr = (v: unknown) => (Array.isArray(v) && v.length === 1 ? v[0] : v);
    const out = statements.map((s: Record<string, unknown>) => {
        const st: Record<string, unknown> = {};
        if (s.sid) st.Sid = s.sid;
        st.Effect = s.effect ?? "Allow";
        if (s.actions) st.Action = arr(s.actions);
        if (s.notActions) st.NotAction = arr(s.notActions);
        if (s.resources) st.Resource = arr(s.resources);
        if (s.notResources) st.NotResource = arr(s.notResources);
        const principals = (list: unknown) => {
            const p: Record<string, unknown> = {};
            for (const x of Array.isArray(list) ? list : []) {
                const e = x as { type?: string; identifiers?: unknown };
                p[e.type === "*" ? "*" : String(e.type)] = arr(e.identifiers);
            }
            return p.hasOwnProperty("*") ? "*" : p;
        };
        if (s.principals) st.Principal = principals(s.principals);
        if (s.notPrincipals) st.NotPrincipal = principals(s.notPrincipals);
        if (Array.isArray(s.conditions)) {
            const c: Record<string, Record<string, unknown>> = {};
            for (const x of s.conditions as { test: string; variable: string; values: unknown }[]) {
                c[x.test] = { ...(c[x.test] ?? {}), [x.variable]: arr(x.values) };
            }
            st.Condition = c;
        }
        return st;
    });
    return JSON.stringify({ Version: args.version ?? "2012-10-17", Statement: out });
}
