/**
 * The gate's benchmark (not a test: nothing here asserts, it prints figures).
 *
 *     npm run bench:gate                       # 100, 1,000 and 10,000 resources
 *     npx ts-node --transpile-only tools/gate/bench.ts --sizes 100,1000 --kinds export
 *
 * For each size it generates one stack of the resource types the pack's rules inspect
 * (VPCs, subnets, route tables, routes and associations, internet gateways, security
 * groups, S3 and DynamoDB gateway endpoints with policies, IAM roles with JSON trust and
 * inline policies, Lambda functions in the private subnets with their log groups, buckets
 * with public-access blocks, encryption, ownership controls and TLS-only policies, KMS
 * keys, flow logs; about one unit in ten is made non-compliant so the report path is
 * exercised, and every function lacks its Errors alarm (alarms and topics are left out to
 * keep the mix on the types the network, IAM and S3 rules inspect)), writes it
 * twice under os.tmpdir():
 *
 * - as a `pulumi stack export` file (deployment v3, with the root Stack and the default
 *   aws provider as the engine writes them, inputs as stored after Check, outputs as the
 *   gate's own output model computes them);
 * - as a program folder (Pulumi.yaml, Pulumi.dev.yaml, index.ts and resources.json).
 *   index.ts creates every resource with `new pulumi.CustomResource(<aws type token>, ...)`
 *   from resources.json, wiring each reference as an Output of the resource it names, so
 *   the engine sees the same registrations, dependencies and property dependencies as from
 *   @pulumi/aws classes, without the ~4 s @pulumi/aws import that would swamp the figures
 *   of the smaller sizes and measure the provider SDK, not the gate;
 *
 * and runs the gate on each through its programmatic API (runGate), one fresh process per
 * run so that peak memory belongs to that run alone. Budget, for exports:
 * 10,000 resources within 15 s, and t(10k)/t(1k) at most 12. The bench exits 0 over
 * budget too, but says OVER BUDGET.
 *
 * `realistic` (bench/realistic.ts): the project's own program, run once
 * through the engine, copied as many times as fill 70% of the size (50 copies at 10,000)
 * with every name, id and reference renamed per copy, plus resources no rule inspects for
 * the rest, judged as a stack export (the same budget). The real program is compliant, so
 * the bench prints the findings per rule: mandatory findings there mean a broken copy or a
 * rule that misbehaves at scale.
 *
 * Each run also reports, per phase (start-up, Analyze, AnalyzeStack), the pack's peak memory
 * and CPU time and the gate's CPU time: the measuring process reads /proc as each phase
 * begins and resets the pack's VmHWM (Linux `clear_refs`), so each peak belongs to its
 * phase. On a shared machine compare CPU times: wall time there measures the other
 * processes too. `--repeat N` runs every measurement N times (minimum times, maximum memory)
 * and prints the load average before each run.
 */
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { providerOutputs } from "./aws-outputs";
import { realisticStack, recordsToStackExport } from "./bench/realistic";
import type { GateResult, ResourceRecord } from "./types";

const PROJECT = "gate-bench";
const STACK = "dev";
const REGION = "us-west-2";
const AWS_VERSION = "7.48.0";
const DEFAULT_SIZES = [100, 1_000, 10_000];
const BUDGET = { export10kMs: 15_000, ratio10kTo1k: 12 };

// ---------------------------------------------------------------------------------------
// The stack, described once; both the export and the program are written from it.

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

const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    routeTable: "aws:ec2/routeTable:RouteTable",
    route: "aws:ec2/route:Route",
    rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    igw: "aws:ec2/internetGateway:InternetGateway",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    fn: "aws:lambda/function:Function",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    bucket: "aws:s3/bucket:Bucket",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    flowLog: "aws:ec2/flowLog:FlowLog",
    key: "aws:kms/key:Key",
};

const ref = (name: string, attr = "id"): Ref => ({ $ref: name, attr });

/**
 * One slice of a five-tier app: a VPC with public and private subnets, a function in the
 * private ones reaching S3 and DynamoDB through gateway endpoints, its role, its logs, and
 * the bucket it reads. `i % 20` picks the few units that break a rule.
 */
function unit(i: number): ResourceSpec[] {
    const n = (role: string): string => `${role}-${i}`;
    const octet = i % 250;
    const publicBucket = i % 20 === 7;
    const outsideVpc = i % 20 === 13;
    const endpointPolicy = (service: string): Json => ({
        $json: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: [`${service}:GetObject`], Resource: "*",
                Condition: { StringEquals: { "aws:PrincipalAccount": "123456789012" } } }],
        },
    });
    return [
        { type: T.vpc, name: n("vpc"), inputs: { cidrBlock: `10.${octet}.0.0/16`, enableDnsHostnames: true, enableDnsSupport: true } },
        { type: T.defaultSg, name: n("default-sg"), inputs: { vpcId: ref(n("vpc")), ingress: [], egress: [] } },
        { type: T.key, name: n("key"), inputs: { description: "logs and data", enableKeyRotation: true,
            deletionWindowInDays: 30, policy: { $json: {
                Version: "2012-10-17",
                Statement: [
                    { Sid: "Account", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" },
                        Action: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:EnableKeyRotation",
                            "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:TagResource"], Resource: "*" },
                    { Sid: "Logs", Effect: "Allow", Principal: { Service: `logs.${REGION}.amazonaws.com` },
                        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey",
                            "kms:DescribeKey"],
                        Resource: "*", Condition: { ArnLike: {
                            "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:123456789012:log-group:*` } } },
                ],
            } } } },
        { type: T.logGroup, name: n("flow-logs"), inputs: { retentionInDays: 365, kmsKeyId: ref(n("key"), "arn") } },
        { type: T.role, name: n("flow-role"), inputs: { assumeRolePolicy: { $json: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" }],
        } } } },
        { type: T.flowLog, name: n("flow-log"), inputs: { vpcId: ref(n("vpc")), trafficType: "ALL",
            logDestinationType: "cloud-watch-logs", logDestination: ref(n("flow-logs"), "arn"),
            iamRoleArn: ref(n("flow-role"), "arn") } },
        { type: T.igw, name: n("igw"), inputs: { vpcId: ref(n("vpc")) } },
        ...["a", "b"].flatMap((az, k): ResourceSpec[] => [
            { type: T.subnet, name: n(`public-${az}`), inputs: { vpcId: ref(n("vpc")), cidrBlock: `10.${octet}.${k}.0/24`,
                availabilityZone: `${REGION}${az}`, mapPublicIpOnLaunch: false } },
            { type: T.subnet, name: n(`private-${az}`), inputs: { vpcId: ref(n("vpc")), cidrBlock: `10.${octet}.${10 + k}.0/24`,
                availabilityZone: `${REGION}${az}`, mapPublicIpOnLaunch: false } },
        ]),
        { type: T.routeTable, name: n("public-rt"), inputs: { vpcId: ref(n("vpc")) } },
        { type: T.route, name: n("public-default"), inputs: { routeTableId: ref(n("public-rt")),
            destinationCidrBlock: "0.0.0.0/0", gatewayId: ref(n("igw")) } },
        { type: T.routeTable, name: n("private-rt"), inputs: { vpcId: ref(n("vpc")) } },
        ...["a", "b"].flatMap((az): ResourceSpec[] => [
            { type: T.rta, name: n(`public-${az}-rta`), inputs: { subnetId: ref(n(`public-${az}`)), routeTableId: ref(n("public-rt")) } },
            { type: T.rta, name: n(`private-${az}-rta`), inputs: { subnetId: ref(n(`private-${az}`)), routeTableId: ref(n("private-rt")) } },
        ]),
        ...["s3", "dynamodb"].map((svc): ResourceSpec => ({
            type: T.endpoint, name: n(`${svc}-endpoint`), inputs: { vpcId: ref(n("vpc")),
                serviceName: `com.amazonaws.${REGION}.${svc}`, vpcEndpointType: "Gateway",
                routeTableIds: [ref(n("private-rt"))], policy: endpointPolicy(svc) },
        })),
        { type: T.sg, name: n("fn-sg"), inputs: { vpcId: ref(n("vpc")), description: "function: no ingress, HTTPS to endpoints",
            ingress: [], egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [`10.${octet}.0.0/16`],
                ipv6CidrBlocks: [], prefixListIds: [], securityGroups: [], self: false, description: "HTTPS to endpoints" }],
            revokeRulesOnDelete: true } },
        { type: T.bucket, name: n("data"), inputs: { forceDestroy: false } },
        { type: T.pab, name: n("data-pab"), inputs: { bucket: ref(n("data")), blockPublicAcls: !publicBucket,
            blockPublicPolicy: !publicBucket, ignorePublicAcls: true, restrictPublicBuckets: true } },
        { type: T.sse, name: n("data-sse"), inputs: { bucket: ref(n("data")), rules: [{ bucketKeyEnabled: true,
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: ref(n("key"), "arn") } }] } },
        { type: T.ownership, name: n("data-ownership"), inputs: { bucket: ref(n("data")),
            rule: { objectOwnership: "BucketOwnerEnforced" } } },
        { type: T.bucketPolicy, name: n("data-policy"), inputs: { bucket: ref(n("data")), policy: { $json: {
            Version: "2012-10-17",
            Statement: [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
                Resource: [ref(n("data"), "arn"), { $concat: [ref(n("data"), "arn"), "/*"] }],
                Condition: { Bool: { "aws:SecureTransport": "false" } } }],
        } } } },
        { type: T.logGroup, name: n("fn-logs"), inputs: { name: `/aws/lambda/${n("fn")}`, retentionInDays: 365,
            kmsKeyId: ref(n("key"), "arn") } },
        { type: T.role, name: n("fn-role"), inputs: { assumeRolePolicy: { $json: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        } } } },
        { type: T.rolePolicy, name: n("fn-policy"), inputs: { role: ref(n("fn-role")), policy: { $json: {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"],
                    Resource: [{ $concat: [ref(n("data"), "arn"), "/*"] }] },
                { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [ref(n("fn-logs"), "arn")] },
            ],
        } } } },
        { type: T.fn, name: n("fn"), inputs: { name: n("fn"), role: ref(n("fn-role"), "arn"), runtime: "python3.12",
            handler: "handler.main", s3Bucket: "artifacts", s3Key: `fn-${i}.zip`, memorySize: 256, timeout: 10,
            tracingConfig: { mode: "Active" }, reservedConcurrentExecutions: 10,
            ...(outsideVpc ? {} : { vpcConfig: { subnetIds: [ref(n("private-a")), ref(n("private-b"))],
                securityGroupIds: [ref(n("fn-sg"))] } }) } },
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

export function stackExport(specs: ResourceSpec[]): unknown {
    const now = new Date("2026-11-25T00:00:00Z").toISOString();
    const stackUrn = urnOf("pulumi:pulumi:Stack", `${PROJECT}-${STACK}`);
    const providerUrn = urnOf("pulumi:providers:aws", `default_${AWS_VERSION.replace(/\./g, "_")}`);
    const providerId = "a3c1e1d2-7f4b-4c55-9f5e-0d6f3b9a1c42";
    const providerInputs = { region: REGION, skipCredentialsValidation: "false", skipRegionValidation: "true",
        version: AWS_VERSION, __internal: {} };
    const outputsByName = new Map<string, Record<string, unknown>>();
    const typeOf = new Map(specs.map((s) => [s.name, s.type]));
    const resources: unknown[] = [
        { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack", outputs: {}, created: now, modified: now },
        { urn: providerUrn, custom: true, id: providerId, type: "pulumi:providers:aws", inputs: providerInputs,
            outputs: { region: REGION, skipCredentialsValidation: "false", skipRegionValidation: "true", version: AWS_VERSION },
            parent: stackUrn, created: now, modified: now },
    ];
    // Creation order is dependency order, the order the engine writes a snapshot in.
    for (const s of specs) {
        const resolve = (v: Value): unknown => {
            if (isRef(v)) return outputsByName.get(v.$ref)![v.attr];
            if (isJson(v)) return JSON.stringify(resolveDeep(v.$json, resolve));
            if (isConcat(v)) return v.$concat.map((x) => (isRef(x) ? resolve(x) : x)).join("");
            return resolveDeep(v, resolve);
        };
        const inputs = Object.fromEntries(Object.entries(s.inputs).map(([k, v]) => [k, resolve(v)]));
        const { id, state } = providerOutputs(s.type, s.name, inputs, { region: REGION, unknown: false });
        outputsByName.set(s.name, state);
        const propertyDependencies: Record<string, string[]> = {};
        for (const [k, v] of Object.entries(s.inputs)) {
            const deps = [...new Set(refsOf(v).map((r) => urnOf(typeOf.get(r.$ref)!, r.$ref)))];
            if (deps.length) propertyDependencies[k] = deps;
        }
        resources.push({
            urn: urnOf(s.type, s.name),
            custom: true,
            id,
            type: s.type,
            // What Check stored: the program's inputs plus the provider's defaults marker.
            inputs: { ...inputs, __defaults: [] },
            outputs: state,
            parent: stackUrn,
            provider: `${providerUrn}::${providerId}`,
            dependencies: [...new Set(Object.values(propertyDependencies).flat())],
            propertyDependencies,
            created: now,
            modified: now,
        });
    }
    return {
        version: 3,
        deployment: {
            manifest: { time: now, magic: "", version: "v3.248.0" },
            secrets_providers: { type: "passphrase", state: { salt: "v1:bench:bench" } },
            resources,
        },
    };
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

const PROGRAM = `// Generated by tools/gate/bench.ts: creates the resources of resources.json in order,
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
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${PROJECT}\nruntime: nodejs\ndescription: generated by tools/gate/bench.ts\n`);
    fs.writeFileSync(path.join(dir, `Pulumi.${STACK}.yaml`), `config:\n  aws:region: ${REGION}\n`);
    fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
    fs.writeFileSync(path.join(dir, "resources.json"), JSON.stringify(withOutputs));
}

// ---------------------------------------------------------------------------------------
// Running and measuring.

type Kind = "export" | "program" | "realistic";
const KINDS: Kind[] = ["export", "program", "realistic"];

/**
 * The pack process per phase: peak memory (kB) and CPU time (ms), and the gate's own CPU time
 * (ms). CPU time is what to compare on a busy machine: wall time there mostly measures the
 * other processes (see the load average printed with each row).
 */
interface PhaseFigures {
    startKb?: number;
    analyzeKb?: number;
    analyzeStackKb?: number;
    startCpuMs?: number;
    analyzeCpuMs?: number;
    analyzeStackCpuMs?: number;
    gateAnalyzeCpuMs?: number;
    gateAnalyzeStackCpuMs?: number;
    /** The peaks could not be reset between phases: each includes the phases before it. */
    cumulativePeaks?: boolean;
}

interface RunFigures {
    wallMs: number;
    result?: Pick<GateResult, "timings" | "durationMs"> & { resources: number; violations: number };
    gatePeakRssKb?: number;
    phases?: PhaseFigures;
    /** Findings per `<level> <policy>` (exempted and undecided ones counted apart). */
    byRule?: Record<string, number>;
    error?: string;
}

interface Measurement extends RunFigures {
    size: number;
    kind: Kind;
    runs: number;
    /** Load average (1 min) before each run. */
    load: number[];
    note?: string;
}

/** Clock ticks per second of /proc/<pid>/stat times (100 on Linux unless configured otherwise). */
const CLK_TCK = (() => {
    try {
        return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
        return 100;
    }
})();

/** User + system CPU time of a process so far, in ms, from Linux's /proc; undefined elsewhere. */
function cpuMsOf(pid: number): number | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
    } catch {
        return undefined;
    }
}

const selfCpuMs = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
};

/**
 * Wraps the pack client to read the pack's peak memory and CPU time as each phase begins
 * (configure() follows start-up, analyzeStack() ends the Analyze phase, close() ends the
 * stack phase) and to reset the peak (Linux `clear_refs`), so each peak belongs to its phase.
 * With one pack per run, as the bench runs it.
 */
function spyOnPhases(PackClient: any, phases: PhaseFigures): { resetWorks: () => boolean } {
    let resetOk = true;
    const at: { packCpu?: number; gateCpu?: number } = {};
    const marks: Record<string, (pid: number) => void> = {
        configure(pid) {
            phases.startKb = peakRssKb(pid);
            phases.startCpuMs = at.packCpu = cpuMsOf(pid);
            at.gateCpu = selfCpuMs();
        },
        analyzeStack(pid) {
            phases.analyzeKb = peakRssKb(pid);
            const cpu = cpuMsOf(pid);
            if (cpu !== undefined && at.packCpu !== undefined) phases.analyzeCpuMs = cpu - at.packCpu;
            at.packCpu = cpu;
            const gate = selfCpuMs();
            if (at.gateCpu !== undefined) phases.gateAnalyzeCpuMs = gate - at.gateCpu;
            at.gateCpu = gate;
        },
        close(pid) {
            phases.analyzeStackKb = peakRssKb(pid);
            const cpu = cpuMsOf(pid);
            if (cpu !== undefined && at.packCpu !== undefined) phases.analyzeStackCpuMs = cpu - at.packCpu;
            if (at.gateCpu !== undefined) phases.gateAnalyzeStackCpuMs = selfCpuMs() - at.gateCpu;
        },
    };
    const done = new Set<string>();
    for (const [method, mark] of Object.entries(marks)) {
        const original = PackClient.prototype[method];
        PackClient.prototype[method] = function (this: { pid?: number }, ...args: unknown[]) {
            if (this.pid && !done.has(method)) {
                done.add(method);
                mark(this.pid);
                if (method !== "close") {
                    try {
                        fs.writeFileSync(`/proc/${this.pid}/clear_refs`, "5"); // reset VmHWM to the current RSS
                    } catch {
                        resetOk = false;
                    }
                }
            }
            return original.apply(this, args);
        };
    }
    return { resetWorks: () => resetOk };
}

/** The child side: one gate run in a fresh process, its figures as JSON on stdout. */
async function measureOne(kind: Kind, input: string, packs: string[]): Promise<void> {
    // Loaded here, not at the top: generating stacks must not depend on the engine.
    const { runGate, PackClient } = await import("./index");
    const phases: PhaseFigures = {};
    const spy = spyOnPhases(PackClient, phases);
    const t0 = process.hrtime.bigint();
    let out: RunFigures;
    try {
        const r = await runGate({
            ...(kind === "program" ? { program: input } : { stackExport: input }),
            stack: STACK,
            policyPacks: packs,
            policyPackConfigs: [],
            mode: "resolved",
        });
        const byRule: Record<string, number> = {};
        for (const v of r.violations) {
            const how = v.exemption ? "exempted" : v.undecided ? "undecided" : v.enforcementLevel;
            const key = `${how} ${v.policyName}`;
            byRule[key] = (byRule[key] ?? 0) + 1;
        }
        // Without the reset (not Linux, or not permitted) each peak includes the phases before it.
        if (!spy.resetWorks()) phases.cumulativePeaks = true;
        out = {
            wallMs: Number(process.hrtime.bigint() - t0) / 1e6,
            result: { timings: r.timings, durationMs: r.durationMs, resources: r.resources.length, violations: r.violations.length },
            phases,
            byRule,
        };
    } catch (e) {
        out = { wallMs: Number(process.hrtime.bigint() - t0) / 1e6, error: String((e as Error).message ?? e).split("\n")[0] };
    }
    out.gatePeakRssKb = peakRssKb("self") ?? process.resourceUsage().maxRSS;
    process.stdout.write("\n@@BENCH@@" + JSON.stringify(out) + "\n");
}

/** VmHWM of a process from Linux's /proc; undefined elsewhere. */
function peakRssKb(pid: number | "self"): number | undefined {
    try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        return m ? Number(m[1]) : undefined;
    } catch {
        return undefined;
    }
}

function runChild(kind: Kind, input: string, packs: string[]): Promise<RunFigures> {
    const args = ["-r", require.resolve("ts-node/register/transpile-only"), __filename, "--measure", kind, input,
        ...packs.flatMap((p) => ["--policy-pack", p])];
    return new Promise((resolve) => {
        const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("exit", (code) => {
            const line = stdout.split("\n").find((l) => l.startsWith("@@BENCH@@"));
            if (line) resolve(JSON.parse(line.slice("@@BENCH@@".length)));
            else resolve({ wallMs: NaN, error: `bench child exited ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}` });
        });
    });
}

/**
 * Several runs of one measurement as one row: the minimum of each time (the machine is shared,
 * so the least-disturbed run is the truest figure) and the maximum of each memory figure.
 */
function combine(runs: RunFigures[]): RunFigures {
    const ok = runs.filter((r) => !r.error && r.result);
    if (ok.length === 0) return runs[0]!;
    const min = (f: (r: RunFigures) => number | undefined) => {
        const xs = ok.map(f).filter((x): x is number => x !== undefined && !Number.isNaN(x));
        return xs.length ? Math.min(...xs) : undefined;
    };
    const max = (f: (r: RunFigures) => number | undefined) => {
        const xs = ok.map(f).filter((x): x is number => x !== undefined);
        return xs.length ? Math.max(...xs) : undefined;
    };
    const first = ok[0]!;
    const t = first.result!.timings!;
    return {
        wallMs: min((r) => r.wallMs)!,
        result: {
            ...first.result!,
            durationMs: min((r) => r.result!.durationMs)!,
            timings: {
                ...t,
                packStartMs: min((r) => r.result!.timings!.packStartMs)!,
                engineMs: min((r) => r.result!.timings!.engineMs)!,
                analyzeMs: min((r) => r.result!.timings!.analyzeMs)!,
                analyzeStackMs: min((r) => r.result!.timings!.analyzeStackMs)!,
                packPeakRssKb: max((r) => r.result!.timings!.packPeakRssKb),
            },
        },
        gatePeakRssKb: max((r) => r.gatePeakRssKb),
        phases: {
            startKb: max((r) => r.phases?.startKb),
            analyzeKb: max((r) => r.phases?.analyzeKb),
            analyzeStackKb: max((r) => r.phases?.analyzeStackKb),
            startCpuMs: min((r) => r.phases?.startCpuMs),
            analyzeCpuMs: min((r) => r.phases?.analyzeCpuMs),
            analyzeStackCpuMs: min((r) => r.phases?.analyzeStackCpuMs),
            gateAnalyzeCpuMs: min((r) => r.phases?.gateAnalyzeCpuMs),
            gateAnalyzeStackCpuMs: min((r) => r.phases?.gateAnalyzeStackCpuMs),
            cumulativePeaks: ok.some((r) => r.phases?.cumulativePeaks),
        },
        byRule: first.byRule,
    };
}

const sec = (ms: number | undefined): string => (ms === undefined || Number.isNaN(ms) ? "-" : (ms / 1000).toFixed(2));
const mb = (kb: number | undefined): string => (kb === undefined ? "-" : String(Math.round(kb / 1024)));

function formatTable(head: string[], body: string[][], freeLast: boolean): string {
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (freeLast && i === head.length - 1 ? 0 : r[i].length))));
    const fmt = (r: string[]): string => r.map((c, i) => (freeLast && i === r.length - 1 ? c : c.padStart(widths[i]))).join("  ");
    return [fmt(head), fmt(widths.map((w) => "-".repeat(w))), ...body.map(fmt)].join("\n");
}

function table(rows: Measurement[]): string {
    const head = ["size", "input", "total s", "pack start s", "engine s", "Analyze s", "AnalyzeStack s",
        "Analyze calls", "gate RSS MB", "pack RSS MB", "findings"];
    const body = rows.map((m) => {
        const t = m.result?.timings;
        return [m.size.toLocaleString("en-US"), m.kind, sec(m.wallMs), sec(t?.packStartMs), sec(t?.engineMs), sec(t?.analyzeMs),
            sec(t?.analyzeStackMs), t ? String(t.analyzeCalls) : "-", mb(m.gatePeakRssKb), mb(t?.packPeakRssKb),
            m.error ? `ERROR: ${m.error}` : String(m.result?.violations ?? "-")];
    });
    return formatTable(head, body, true);
}

/** Per phase: wall time, the pack's peak memory and CPU time, and the gate's CPU time. */
function phaseTable(rows: Measurement[]): string {
    const head = ["size", "input", "start s", "cpu s", "peak MB", "Analyze s", "cpu s", "gate cpu s", "peak MB",
        "AnalyzeStack s", "cpu s", "gate cpu s", "peak MB", "runs", "load (1 min)"];
    const body = rows.filter((m) => !m.error).map((m) => {
        const t = m.result?.timings;
        const p = m.phases ?? {};
        return [m.size.toLocaleString("en-US"), m.kind,
            sec(t?.packStartMs), sec(p.startCpuMs), mb(p.startKb),
            sec(t?.analyzeMs), sec(p.analyzeCpuMs), sec(p.gateAnalyzeCpuMs), mb(p.analyzeKb),
            sec(t?.analyzeStackMs), sec(p.analyzeStackCpuMs), sec(p.gateAnalyzeStackCpuMs), mb(p.analyzeStackKb),
            String(m.runs), m.load.map((l) => l.toFixed(1)).join(" ")];
    });
    return formatTable(head, body, false);
}

/** Findings per rule on the realistic stacks: mandatory ones there mean a broken copy or a rule to look at. */
function findingsTable(rows: Measurement[]): string[] {
    const out: string[] = [];
    for (const m of rows.filter((r) => r.kind === "realistic" && r.byRule)) {
        out.push(`findings on the realistic stack of ${m.size.toLocaleString("en-US")} resources${m.note ? ` (${m.note})` : ""}:`);
        const entries = Object.entries(m.byRule!).sort((a, b) => b[1] - a[1]);
        if (entries.length === 0) out.push("  none");
        for (const [key, count] of entries) out.push(`  ${String(count).padStart(6)}  ${key}`);
        const mandatory = entries.filter(([k]) => k.startsWith("mandatory ") || k.startsWith("remediate "));
        if (mandatory.length) out.push("  ^ mandatory findings on copies of a compliant program: a broken copy or a rule to report");
    }
    return out;
}

/** The budget lines: every figure that exceeds it is marked OVER BUDGET. */
function budget(rows: Measurement[]): string[] {
    const at = (kind: Kind, size: number): Measurement | undefined =>
        rows.find((m) => m.kind === kind && m.size === size && !m.error);
    const lines: string[] = [];
    for (const kind of ["export", "realistic"] as Kind[]) {
        const tenK = at(kind, 10_000);
        const oneK = at(kind, 1_000);
        if (tenK) {
            const over = tenK.wallMs > BUDGET.export10kMs;
            lines.push(`${kind} 10,000 resources: ${sec(tenK.wallMs)} s (budget ${sec(BUDGET.export10kMs)} s)` +
                (over ? "  <<< OVER BUDGET" : "  ok"));
        }
        if (tenK && oneK && kind === "export") {
            const ratio = tenK.wallMs / oneK.wallMs;
            const noStart = (m: Measurement): number => m.wallMs - (m.result?.timings?.packStartMs ?? 0);
            lines.push(`export t(10k)/t(1k): ${ratio.toFixed(2)} (budget ${BUDGET.ratio10kTo1k}; ` +
                `${(noStart(tenK) / noStart(oneK)).toFixed(2)} without pack start-up)` +
                (ratio > BUDGET.ratio10kTo1k ? "  <<< OVER BUDGET" : "  ok"));
        }
    }
    if (lines.length === 0) lines.push("(the budget applies to exports of 1,000 and 10,000 resources: not run)");
    return lines;
}

interface Args {
    sizes: number[];
    kinds: Kind[];
    packs: string[];
    keep: boolean;
    repeat: number;
    copies?: number;
}

function parseArgs(argv: string[]): Args {
    const args: Args = { sizes: DEFAULT_SIZES, kinds: KINDS, packs: [], keep: false, repeat: 1 };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = (): string => {
            const v = argv[++i];
            if (v === undefined) usage(`${flag} needs a value`);
            return v;
        };
        if (flag === "--sizes") {
            args.sizes = value().split(",").map((s) => Number(s.replace(/[_,]/g, "")));
            if (args.sizes.some((n) => !Number.isInteger(n) || n < 3)) usage("--sizes takes whole numbers of at least 3");
        } else if (flag === "--kinds") {
            args.kinds = value().split(",") as Kind[];
            if (args.kinds.some((k) => !KINDS.includes(k))) usage(`--kinds takes ${KINDS.join(", ")}`);
        } else if (flag === "--repeat") {
            args.repeat = Number(value());
            if (!Number.isInteger(args.repeat) || args.repeat < 1) usage("--repeat takes a whole number of at least 1");
        } else if (flag === "--copies") {
            args.copies = Number(value());
            if (!Number.isInteger(args.copies) || args.copies < 1) usage("--copies takes a whole number of at least 1");
        } else if (flag === "--policy-pack") args.packs.push(value());
        else if (flag === "--keep") args.keep = true;
        else usage(`unknown flag ${flag}`);
    }
    if (args.packs.length === 0) args.packs = [path.resolve(__dirname, "../../policies")];
    return args;
}

function usage(problem: string): never {
    process.stderr.write(`bench: ${problem}\n` +
        "usage: bench [--sizes 100,1000,10000] [--kinds export,program,realistic] [--repeat N] [--copies N]\n" +
        "             [--policy-pack DIR]... [--keep]\n");
    process.exit(2);
}

/** The project's own program, run once through the engine (the realistic stacks copy it). */
async function projectProgram(): Promise<{ resources: ResourceRecord[]; project: string; stack: string; region: string }> {
    const { runProgram } = await import("./engine");
    const run = await runProgram({ programDir: path.resolve(__dirname, "../.."), mode: "resolved" });
    return { resources: run.resources, project: run.project, stack: run.stack, region: run.region };
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    if (argv[0] === "--measure") {
        const packs = argv.slice(3).filter((_, i) => i % 2 === 1);
        return measureOne(argv[1] as Kind, argv[2], packs);
    }
    const args = parseArgs(argv);
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-bench-"));
    console.log(`gate benchmark: ${os.cpus().length} CPUs, node ${process.version}, packs ${args.packs.join(", ")}`);
    console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}; ` +
        `${args.repeat} run(s) per measurement${args.repeat > 1 ? " (minimum time, maximum memory)" : ""}`);
    console.log(`inputs under ${workDir}${args.keep ? " (kept)" : ""}\n`);
    const rows: Measurement[] = [];
    let program: Awaited<ReturnType<typeof projectProgram>> | undefined;
    try {
        // One unmeasured run first: the first start of a pack reads its dependencies from a
        // cold disk cache and would charge that to whichever size happens to run first.
        const warmup = path.join(workDir, "warmup.json");
        fs.writeFileSync(warmup, JSON.stringify(stackExport(generateStack(10))));
        process.stdout.write("warm-up run ... ");
        const w = await runChild("export", warmup, args.packs);
        console.log(w.error ? `error: ${w.error}` : `${sec(w.wallMs)} s`);
        for (const size of args.sizes) {
            const specs = generateStack(size - 2); // + the Stack and the default provider
            for (const kind of args.kinds) {
                const t0 = Date.now();
                let input: string;
                let note: string | undefined;
                if (kind === "export") {
                    input = path.join(workDir, `stack-${size}.json`);
                    fs.writeFileSync(input, JSON.stringify(stackExport(specs)));
                } else if (kind === "program") {
                    input = path.join(workDir, `program-${size}`);
                    writeProgram(input, specs);
                } else {
                    if (!program) {
                        process.stdout.write("running the project's program through the engine ... ");
                        program = await projectProgram();
                        console.log(`${program.resources.length} resources`);
                    }
                    if (size < program.resources.length + 1) {
                        console.log(`realistic of ${size.toLocaleString("en-US")} resources: skipped (the program alone has ${program.resources.length})`);
                        continue;
                    }
                    const stack = realisticStack(program.resources, program.project, program.stack, program.region, size, args.copies);
                    note = `${stack.copies} copies of ${stack.perCopy} + ${stack.noise} noise + ${program.resources.length - stack.perCopy} shared` +
                        (stack.duplicateIds ? `; ${stack.duplicateIds} ids shared by several resources` : "");
                    input = path.join(workDir, `realistic-${size}.json`);
                    fs.writeFileSync(input, JSON.stringify(recordsToStackExport(stack.resources)));
                }
                process.stdout.write(`${kind} of ${size.toLocaleString("en-US")} resources${note ? ` (${note})` : ""}` +
                    ` (generated in ${Date.now() - t0} ms) ... `);
                const runs: RunFigures[] = [];
                const load: number[] = [];
                for (let i = 0; i < args.repeat; i++) {
                    load.push(os.loadavg()[0]!);
                    runs.push(await runChild(kind, input, args.packs));
                    const r = runs[runs.length - 1]!;
                    process.stdout.write(r.error ? `error: ${r.error} ` : `${sec(r.wallMs)} s `);
                }
                console.log();
                rows.push({ size, kind, runs: runs.length, load, ...(note ? { note } : {}), ...combine(runs) });
            }
        }
    } finally {
        if (!args.keep) fs.rmSync(workDir, { recursive: true, force: true });
    }
    console.log("\n" + table(rows) + "\n");
    console.log("total: runGate wall time in a fresh process (engine, pack start-up, Analyze, AnalyzeStack).");
    console.log("engine: program run under the mock monitor (its own process), or export read.");
    console.log("gate RSS: peak of the process calling runGate (the program's engine process is not included).\n");
    console.log("Per phase: wall time; the pack's CPU time and peak memory (of that phase alone); the gate's CPU time");
    console.log("(encoding requests, reading answers). Start-up is ts-node type-checking the pack.\n");
    console.log(phaseTable(rows) + "\n");
    if (rows.some((m) => m.phases?.cumulativePeaks)) console.log("(peaks could not be reset between phases: each includes the earlier ones)\n");
    const findings = findingsTable(rows);
    if (findings.length) console.log(findings.join("\n") + "\n");
    for (const line of budget(rows)) console.log(line);
}

if (require.main === module) {
    main().catch((e) => {
        console.error(e);
        process.exit(1);
    });
}
