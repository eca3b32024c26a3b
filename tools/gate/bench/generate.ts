/**
 * The benchmark's generated stacks. For a size N, one stack of the resource types the pack's
 * rules inspect (VPCs, subnets, route tables, routes and associations, internet gateways,
 * security groups, S3 and DynamoDB gateway endpoints with policies, IAM roles with JSON trust
 * and inline policies, Lambda functions in the private subnets with their log groups, buckets
 * with public-access blocks, encryption, ownership controls and TLS-only policies, KMS keys,
 * flow logs); about one unit in ten is made non-compliant so the report path is exercised, and
 * every function lacks its Errors alarm (alarms and topics are left out to keep the mix on the
 * types the network, IAM and S3 rules inspect). The stack is described once and written two ways:
 *
 * - as a `pulumi stack export` file (`stackExport`: deployment v3, with the root Stack and the
 *   default aws provider as the engine writes them, inputs as stored after Check, outputs as
 *   the gate's own output model computes them), through the gate's one export writer;
 * - as a program folder (`writeProgram`: Pulumi.yaml, Pulumi.dev.yaml, index.ts and
 *   resources.json). index.ts creates every resource with `new pulumi.CustomResource(<aws type
 *   token>, ...)` from resources.json, wiring each reference as an Output of the resource it
 *   names, so the engine sees the same registrations, dependencies and property dependencies
 *   as from @pulumi/aws classes, without the ~4 s @pulumi/aws import that would swamp the
 *   figures of the smaller sizes and measure the provider SDK, not the gate.
 *
 * Type tokens come from the pack's one table (policies/lib/types.ts, AWS_TYPES). The gate
 * never imports the pack: its engine, analyzer client and reports judge any pack through the
 * analyzer protocol alone. This generator is not part of that gate: it writes test stacks for
 * the pack's own rules, so it names their types as the rules do, from a table with no imports
 * of its own, and nothing the gate runs loads it.
 */
import * as fs from "fs";
import * as path from "path";
import { AWS_TYPES as T } from "../../../policies/lib/types";
import { providerOutputs } from "../aws-outputs";
import { toStackExport } from "../stack-export";
import type { ResourceRecord } from "../types";

export const PROJECT = "gate-bench";
export const STACK = "dev";
const REGION = "us-west-2";
const AWS_VERSION = "7.48.0";
const ACCOUNT = "123456789012";

/** A value taken from another resource's outputs (`made[ref][attr]`). */
interface Ref {
    $ref: string;
    attr: string;
}
/** A JSON document built from values that may include references (an IAM policy). */
interface Json {
    $json: unknown;
}
/** Strings and references joined (`${bucket.arn}/*`). */
interface Concat {
    $concat: (string | Ref)[];
}
type Value = string | number | boolean | null | Ref | Json | Concat | Value[] | { [k: string]: Value };

export interface ResourceSpec {
    type: string;
    name: string;
    inputs: Record<string, Value>;
}

const isRef = (v: unknown): v is Ref => typeof v === "object" && v !== null && "$ref" in v;
const isJson = (v: unknown): v is Json => typeof v === "object" && v !== null && "$json" in v;
const isConcat = (v: unknown): v is Concat => typeof v === "object" && v !== null && "$concat" in v;

const ref = (name: string, attr = "id"): Ref => ({ $ref: name, attr });
const policy = (...statements: object[]): Json => ({ $json: { Version: "2012-10-17", Statement: statements } });
const trust = (service: string): Json =>
    policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });

/**
 * One slice of a five-tier app: a VPC with public and private subnets, a function in the
 * private ones reaching S3 and DynamoDB through gateway endpoints, its role, its logs, and
 * the bucket it reads. `i % 20` picks the few units that break a rule.
 */
function unit(i: number): ResourceSpec[] {
    const n = (role: string): string => `${role}-${i}`;
    const octet = i % 250;
    return [
        ...vpcWithFlowLogs(n, octet),
        ...subnetsAndRoutes(n, octet),
        ...gatewayEndpoints(n),
        ...functionSecurityGroup(n, octet),
        ...dataBucket(n, i % 20 === 7),
        ...vpcFunction(n, i, i % 20 === 13),
    ];
}

/** The VPC, its closed default security group, the KMS key of the unit's logs and data, and the VPC's flow logs. */
function vpcWithFlowLogs(n: (role: string) => string, octet: number): ResourceSpec[] {
    return [
        {
            type: T.vpc,
            name: n("vpc"),
            inputs: { cidrBlock: `10.${octet}.0.0/16`, enableDnsHostnames: true, enableDnsSupport: true },
        },
        {
            type: T.defaultSecurityGroup,
            name: n("default-sg"),
            inputs: { vpcId: ref(n("vpc")), ingress: [], egress: [] },
        },
        {
            type: T.kmsKey,
            name: n("key"),
            inputs: {
                description: "logs and data",
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: policy(
                    {
                        Sid: "Account",
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                        Action: [
                            "kms:DescribeKey",
                            "kms:GetKeyPolicy",
                            "kms:PutKeyPolicy",
                            "kms:EnableKeyRotation",
                            "kms:ScheduleKeyDeletion",
                            "kms:CancelKeyDeletion",
                            "kms:TagResource",
                        ],
                        Resource: "*",
                    },
                    {
                        Sid: "Logs",
                        Effect: "Allow",
                        Principal: { Service: `logs.${REGION}.amazonaws.com` },
                        Action: [
                            "kms:Encrypt",
                            "kms:Decrypt",
                            "kms:ReEncryptFrom",
                            "kms:ReEncryptTo",
                            "kms:GenerateDataKey",
                            "kms:DescribeKey",
                        ],
                        Resource: "*",
                        Condition: {
                            ArnLike: {
                                "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:*`,
                            },
                        },
                    },
                ),
            },
        },
        { type: T.logGroup, name: n("flow-logs"), inputs: { retentionInDays: 365, kmsKeyId: ref(n("key"), "arn") } },
        { type: T.iamRole, name: n("flow-role"), inputs: { assumeRolePolicy: trust("vpc-flow-logs.amazonaws.com") } },
        {
            type: T.flowLog,
            name: n("flow-log"),
            inputs: {
                vpcId: ref(n("vpc")),
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: ref(n("flow-logs"), "arn"),
                iamRoleArn: ref(n("flow-role"), "arn"),
            },
        },
    ];
}

/** Internet gateway, public and private subnets in two AZs, and their route tables: only the public one routes to the gateway. */
function subnetsAndRoutes(n: (role: string) => string, octet: number): ResourceSpec[] {
    return [
        { type: T.internetGateway, name: n("igw"), inputs: { vpcId: ref(n("vpc")) } },
        ...["a", "b"].flatMap((az, k): ResourceSpec[] => [
            {
                type: T.subnet,
                name: n(`public-${az}`),
                inputs: {
                    vpcId: ref(n("vpc")),
                    cidrBlock: `10.${octet}.${k}.0/24`,
                    availabilityZone: `${REGION}${az}`,
                    mapPublicIpOnLaunch: false,
                },
            },
            {
                type: T.subnet,
                name: n(`private-${az}`),
                inputs: {
                    vpcId: ref(n("vpc")),
                    cidrBlock: `10.${octet}.${10 + k}.0/24`,
                    availabilityZone: `${REGION}${az}`,
                    mapPublicIpOnLaunch: false,
                },
            },
        ]),
        { type: T.routeTable, name: n("public-rt"), inputs: { vpcId: ref(n("vpc")) } },
        {
            type: T.route,
            name: n("public-default"),
            inputs: { routeTableId: ref(n("public-rt")), destinationCidrBlock: "0.0.0.0/0", gatewayId: ref(n("igw")) },
        },
        { type: T.routeTable, name: n("private-rt"), inputs: { vpcId: ref(n("vpc")) } },
        ...["a", "b"].flatMap((az): ResourceSpec[] => [
            {
                type: T.routeTableAssociation,
                name: n(`public-${az}-rta`),
                inputs: { subnetId: ref(n(`public-${az}`)), routeTableId: ref(n("public-rt")) },
            },
            {
                type: T.routeTableAssociation,
                name: n(`private-${az}-rta`),
                inputs: { subnetId: ref(n(`private-${az}`)), routeTableId: ref(n("private-rt")) },
            },
        ]),
    ];
}

/** The S3 and DynamoDB gateway endpoints on the private route table, each with a policy pinned to the account. */
function gatewayEndpoints(n: (role: string) => string): ResourceSpec[] {
    const endpointPolicy = (service: string): Json =>
        policy({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: [`${service}:GetObject`],
            Resource: "*",
            Condition: { StringEquals: { "aws:PrincipalAccount": ACCOUNT } },
        });
    return ["s3", "dynamodb"].map((svc): ResourceSpec => ({
        type: T.vpcEndpoint,
        name: n(`${svc}-endpoint`),
        inputs: {
            vpcId: ref(n("vpc")),
            serviceName: `com.amazonaws.${REGION}.${svc}`,
            vpcEndpointType: "Gateway",
            routeTableIds: [ref(n("private-rt"))],
            policy: endpointPolicy(svc),
        },
    }));
}

/** The function's security group: no ingress, HTTPS out to the endpoints in the VPC only. */
function functionSecurityGroup(n: (role: string) => string, octet: number): ResourceSpec[] {
    return [
        {
            type: T.securityGroup,
            name: n("fn-sg"),
            inputs: {
                vpcId: ref(n("vpc")),
                description: "function: no ingress, HTTPS to endpoints",
                ingress: [],
                egress: [
                    {
                        protocol: "tcp",
                        fromPort: 443,
                        toPort: 443,
                        cidrBlocks: [`10.${octet}.0.0/16`],
                        ipv6CidrBlocks: [],
                        prefixListIds: [],
                        securityGroups: [],
                        self: false,
                        description: "HTTPS to endpoints",
                    },
                ],
                revokeRulesOnDelete: true,
            },
        },
    ];
}

/** The data bucket: public-access block (left open when `publicBucket`), KMS encryption, owner-enforced, TLS-only policy. */
function dataBucket(n: (role: string) => string, publicBucket: boolean): ResourceSpec[] {
    return [
        { type: T.bucket, name: n("data"), inputs: { forceDestroy: false } },
        {
            type: T.bucketPublicAccessBlock,
            name: n("data-pab"),
            inputs: {
                bucket: ref(n("data")),
                blockPublicAcls: !publicBucket,
                blockPublicPolicy: !publicBucket,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
        },
        {
            type: T.bucketEncryption,
            name: n("data-sse"),
            inputs: {
                bucket: ref(n("data")),
                rules: [
                    {
                        bucketKeyEnabled: true,
                        applyServerSideEncryptionByDefault: {
                            sseAlgorithm: "aws:kms",
                            kmsMasterKeyId: ref(n("key"), "arn"),
                        },
                    },
                ],
            },
        },
        {
            type: T.bucketOwnershipControls,
            name: n("data-ownership"),
            inputs: { bucket: ref(n("data")), rule: { objectOwnership: "BucketOwnerEnforced" } },
        },
        {
            type: T.bucketPolicy,
            name: n("data-policy"),
            inputs: {
                bucket: ref(n("data")),
                policy: policy({
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [ref(n("data"), "arn"), { $concat: [ref(n("data"), "arn"), "/*"] }],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                }),
            },
        },
    ];
}

/** The function (outside the VPC when `outsideVpc`), its encrypted log group, its role and inline policy. */
function vpcFunction(n: (role: string) => string, i: number, outsideVpc: boolean): ResourceSpec[] {
    return [
        {
            type: T.logGroup,
            name: n("fn-logs"),
            inputs: { name: `/aws/lambda/${n("fn")}`, retentionInDays: 365, kmsKeyId: ref(n("key"), "arn") },
        },
        { type: T.iamRole, name: n("fn-role"), inputs: { assumeRolePolicy: trust("lambda.amazonaws.com") } },
        {
            type: T.iamRolePolicy,
            name: n("fn-policy"),
            inputs: {
                role: ref(n("fn-role")),
                policy: policy(
                    {
                        Effect: "Allow",
                        Action: ["s3:GetObject", "s3:PutObject"],
                        Resource: [{ $concat: [ref(n("data"), "arn"), "/*"] }],
                    },
                    {
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                        Resource: [ref(n("fn-logs"), "arn")],
                    },
                ),
            },
        },
        {
            type: T.lambdaFunction,
            name: n("fn"),
            inputs: {
                name: n("fn"),
                role: ref(n("fn-role"), "arn"),
                runtime: "python3.12",
                handler: "handler.main",
                s3Bucket: "artifacts",
                s3Key: `fn-${i}.zip`,
                memorySize: 256,
                timeout: 10,
                tracingConfig: { mode: "Active" },
                reservedConcurrentExecutions: 10,
                ...(outsideVpc
                    ? {}
                    : {
                          vpcConfig: {
                              subnetIds: [ref(n("private-a")), ref(n("private-b"))],
                              securityGroupIds: [ref(n("fn-sg"))],
                          },
                      }),
            },
        },
    ];
}

/** `count` custom resources (the export adds the Stack and the provider to make `size`). */
export function generateStack(count: number): ResourceSpec[] {
    const specs: ResourceSpec[] = [];
    for (let i = 0; specs.length < count; i++) specs.push(...unit(i));
    // The last unit may be cut short: a unit only references what it created before, so
    // no reference dangles, and creation order is dependency order.
    return specs.slice(0, count);
}

function refsOf(v: unknown): Ref[] {
    if (isRef(v)) return [v];
    if (isJson(v)) return refsOf(v.$json);
    if (isConcat(v)) return v.$concat.filter(isRef);
    if (Array.isArray(v)) return v.flatMap(refsOf);
    if (v && typeof v === "object") return Object.values(v).flatMap(refsOf);
    return [];
}

// ---------------------------------------------------------------------------------------
// `pulumi stack export`, deployment version 3.

function urnOf(type: string, name: string): string {
    // Resources parented by the Stack carry no parent type in their URN: the engine omits
    // the root stack from the qualified type.
    return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

/** The stack as `pulumi stack export` writes it after `pulumi up`: the Stack, the default provider, then `specs` in order. */
export function stackExport(specs: ResourceSpec[]): unknown {
    return toStackExport({ resources: stackRecords(specs) }, "2026-11-25T00:00:00.000Z");
}

/** The records of the deployed stack: each reference resolved to the output it names, as the engine stored it. */
function stackRecords(specs: ResourceSpec[]): ResourceRecord[] {
    const stackUrn = urnOf("pulumi:pulumi:Stack", `${PROJECT}-${STACK}`);
    const providerUrn = urnOf("pulumi:providers:aws", `default_${AWS_VERSION.replace(/\./g, "_")}`);
    const providerId = "a3c1e1d2-7f4b-4c55-9f5e-0d6f3b9a1c42";
    const providerConfig = {
        region: REGION,
        skipCredentialsValidation: "false",
        skipRegionValidation: "true",
        version: AWS_VERSION,
    };
    const records: ResourceRecord[] = [
        {
            urn: stackUrn,
            type: "pulumi:pulumi:Stack",
            name: `${PROJECT}-${STACK}`,
            custom: false,
            dependencies: [],
            propertyDependencies: {},
            inputs: {},
            outputs: {},
            options: {},
        },
        {
            urn: providerUrn,
            type: "pulumi:providers:aws",
            name: providerUrn.split("::").pop()!,
            custom: true,
            id: providerId,
            parent: stackUrn,
            dependencies: [],
            propertyDependencies: {},
            inputs: { ...providerConfig, __internal: {} },
            outputs: providerConfig,
            options: {},
        },
    ];
    const outputsByName = new Map<string, Record<string, unknown>>();
    const typeOf = new Map(specs.map((s) => [s.name, s.type]));
    const resolve = (v: Value): unknown => {
        if (isRef(v)) return outputsByName.get(v.$ref)![v.attr];
        if (isJson(v)) return JSON.stringify(resolveDeep(v.$json, resolve));
        if (isConcat(v)) return v.$concat.map((x) => (isRef(x) ? resolve(x) : x)).join("");
        return resolveDeep(v, resolve);
    };
    // Creation order is dependency order, the order the engine writes a snapshot in.
    for (const s of specs) {
        const inputs = Object.fromEntries(Object.entries(s.inputs).map(([k, v]) => [k, resolve(v)]));
        const { id, state } = providerOutputs(s.type, s.name, inputs, { region: REGION, unknown: false });
        outputsByName.set(s.name, state);
        const propertyDependencies: Record<string, string[]> = {};
        for (const [k, v] of Object.entries(s.inputs)) {
            const deps = [...new Set(refsOf(v).map((r) => urnOf(typeOf.get(r.$ref)!, r.$ref)))];
            if (deps.length) propertyDependencies[k] = deps;
        }
        records.push({
            urn: urnOf(s.type, s.name),
            type: s.type,
            name: s.name,
            custom: true,
            id,
            parent: stackUrn,
            provider: `${providerUrn}::${providerId}`,
            dependencies: [...new Set(Object.values(propertyDependencies).flat())],
            propertyDependencies,
            inputs,
            outputs: state,
            options: {},
        });
    }
    return records;
}

function resolveDeep(v: unknown, resolve: (v: Value) => unknown): unknown {
    if (isRef(v) || isJson(v) || isConcat(v)) return resolve(v as Value);
    if (Array.isArray(v)) return v.map((x) => resolveDeep(x, resolve));
    if (v && typeof v === "object") {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveDeep(x, resolve)]));
    }
    return v;
}

// ---------------------------------------------------------------------------------------
// The program folder.

const PROGRAM = `// Generated by tools/gate/bench/generate.ts: creates the resources of resources.json in order,
// each reference an Output of the resource it names, as a hand-written program would.
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";

type Spec = { type: string; name: string; inputs: Record<string, unknown>; outputs: string[] };
const specs: Spec[] = JSON.parse(fs.readFileSync(path.join(__dirname, "resources.json"), "utf8"));
const made = new Map<string, any>();

function resolve(v: any): any {
    if (v && typeof v === "object" && "$ref" in v) return made.get(v.$ref)[v.attr];
    if (v && typeof v === "object" && "$json" in v) return pulumi.output(resolve(v.$json)).apply((d) => JSON.stringify(d));
    if (v && typeof v === "object" && "$concat" in v) return pulumi.concat(...v.$concat.map(resolve));
    if (Array.isArray(v)) return v.map(resolve);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
    return v;
}

for (const s of specs) {
    const props = resolve(s.inputs);
    // As generated classes do: an output property exists when its key is in props.
    for (const o of s.outputs) if (!(o in props)) props[o] = undefined;
    made.set(s.name, new pulumi.CustomResource(s.type, s.name, props));
}
`;

export function writeProgram(dir: string, specs: ResourceSpec[]): void {
    fs.mkdirSync(dir, { recursive: true });
    const outputsWanted = new Map<string, Set<string>>();
    for (const s of specs) {
        for (const r of refsOf(s.inputs)) {
            if (r.attr === "id") continue;
            if (!outputsWanted.has(r.$ref)) outputsWanted.set(r.$ref, new Set());
            outputsWanted.get(r.$ref)!.add(r.attr);
        }
    }
    const withOutputs = specs.map((s) => ({ ...s, outputs: [...(outputsWanted.get(s.name) ?? [])] }));
    fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        `name: ${PROJECT}\nruntime: nodejs\ndescription: generated by tools/gate/bench/generate.ts\n`,
    );
    fs.writeFileSync(path.join(dir, `Pulumi.${STACK}.yaml`), `config:\n  aws:region: ${REGION}\n`);
    fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
    // Generated code constructs the abstract CustomResource directly: not type-checked (the
    // language host honours noCheck), so the figures measure the run, not a type check.
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { noCheck: true } }));
    fs.writeFileSync(path.join(dir, "resources.json"), JSON.stringify(withOutputs));
}
