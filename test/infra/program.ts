/**
 * Runs the infra program once per mode under the gate's engine (a child process with a
 * recording mock monitor) and offers small lookups over the recorded resources.
 */
import * as path from "path";
import { runProgram } from "../../tools/gate/engine";
import type { ResourceRecord } from "../../tools/gate/types";

export const PROGRAM_DIR = path.resolve(__dirname, "..", "..");

export interface Program {
    resources: ResourceRecord[];
    stackOutputs: Record<string, unknown>;
}

const runs = new Map<string, Promise<Program>>();

/** A stack of the program (dev by default), run once per mode and config (cached across spec files). */
export function program(
    mode: "resolved" | "first-preview" = "resolved",
    config: Record<string, string> = {},
    stack = "dev",
): Promise<Program> {
    const key = `${stack}|${mode}|${JSON.stringify(config)}`;
    if (!runs.has(key)) runs.set(key, runProgram({ programDir: PROGRAM_DIR, stack, mode, config }));
    return runs.get(key)!;
}

export const T = {
    function: "aws:lambda/function:Function",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    role: "aws:iam/role:Role",
    subnet: "aws:ec2/subnet:Subnet",
    route: "aws:ec2/route:Route",
    routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    internetGateway: "aws:ec2/internetGateway:InternetGateway",
    natGateway: "aws:ec2/natGateway:NatGateway",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    bucket: "aws:s3/bucket:Bucket",
    publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    bucketObject: "aws:s3/bucketObjectv2:BucketObjectv2",
    table: "aws:dynamodb/table:Table",
    key: "aws:kms/key:Key",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    esm: "aws:lambda/eventSourceMapping:EventSourceMapping",
    webAcl: "aws:wafv2/webAcl:WebAcl",
    distribution: "aws:cloudfront/distribution:Distribution",
    stage: "aws:apigateway/stage:Stage",
    provider: "pulumi:providers:aws",
} as const;

export function ofType(p: Program, type: string): ResourceRecord[] {
    return p.resources.filter((r) => r.type === type);
}

export function named(p: Program, type: string, name: string): ResourceRecord {
    const found = p.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} named ${name}`);
    return found;
}

/** The resource whose output `prop` (default `arn`, then `id`) equals `value`. */
export function byOutput(p: Program, type: string, value: unknown, prop?: string): ResourceRecord | undefined {
    return ofType(p, type).find((r) =>
        prop ? r.outputs[prop] === value : r.outputs.arn === value || r.outputs.id === value || r.id === value,
    );
}

/** A resource's region: its own `region` input (provider v7), else its provider's (every resource has an explicit one). */
export function regionOf(p: Program, r: ResourceRecord): string {
    if (typeof r.inputs.region === "string" && r.inputs.region !== "") return r.inputs.region;
    const providerUrn = (r.provider ?? "").split("::").slice(0, -1).join("::");
    const provider = p.resources.find((x) => x.urn === providerUrn);
    return String(provider?.inputs.region ?? "");
}

export interface Statement {
    Sid?: string;
    Effect: string;
    Principal?: unknown;
    Action?: string | string[];
    NotAction?: unknown;
    Resource?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

export function statements(document: unknown): Statement[] {
    const doc = typeof document === "string" ? JSON.parse(document) : document;
    const s = (doc as { Statement: Statement | Statement[] }).Statement;
    return Array.isArray(s) ? s : [s];
}

export function actions(s: Statement): string[] {
    return s.Action === undefined ? [] : Array.isArray(s.Action) ? s.Action : [s.Action];
}

/** Every policy document in any input of any resource: [resource, property path, document]. */
export function policyDocuments(p: Program): { resource: ResourceRecord; property: string; statements: Statement[] }[] {
    const out: { resource: ResourceRecord; property: string; statements: Statement[] }[] = [];
    const visit = (resource: ResourceRecord, value: unknown, property: string) => {
        if (typeof value === "string" && value.includes('"Statement"')) {
            try {
                out.push({ resource, property, statements: statements(value) });
            } catch {
                /* not JSON: not a policy */
            }
        } else if (value && typeof value === "object") {
            for (const [k, v] of Object.entries(value)) visit(resource, v, property ? `${property}.${k}` : k);
        }
    };
    for (const r of p.resources) visit(r, r.inputs, "");
    return out;
}

/** The statements of a key's policy whose principal names `service` (e.g. "logs.us-west-2.amazonaws.com"). */
export function keyGrants(key: { inputs: Record<string, unknown> }, service: string): Statement[] {
    return statements(key.inputs.policy).filter((s) => JSON.stringify(s.Principal ?? "").includes(service));
}
