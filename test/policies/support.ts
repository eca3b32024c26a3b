/**
 * The pack specs' harness, in one module (test/policies/ and its rules/ and lib/ specs import
 * only this): the pack process as the engine runs it (test/helpers/pack.ts, re-exported), its
 * diagnostics filtered by rule and kind, the inputs specs build (policy documents, a compliant
 * network-and-function stack to break one field of), and the spec shapes several rule files share
 * (a pass/fail pair per resource rule, the resource-policy cases, table-driven rule cases).
 */
import { expect } from "chai";
import { PACK_UNKNOWN, SDK_UNKNOWN_STRING } from "../../policies/lib/props";
import type { Violation } from "../../tools/gate/types";
import { PackHarness, startPack, TestResource, urnOf } from "../helpers/pack";
import { AWS_TYPES } from "../../policies/lib/types";

export { AWS_PROVIDER_TYPE, startPack, TEST_STACK_URN, toRecords, urnOf } from "../helpers/pack";
export type { PackHarness, TestResource } from "../helpers/pack";

// ---- diagnostics ----------------------------------------------------------------------------

/** Every diagnostic of a rule: its findings and its undecided advisories. */
export function diagnosticsOf(all: Violation[], rule: string): Violation[] {
    return all.filter((v) => v.policyName === rule);
}

/** Decided findings of a rule (not the "can't run during preview" advisory). */
export function findings(all: Violation[], rule: string): Violation[] {
    return all.filter((v) => v.policyName === rule && !v.undecided);
}

/** The rule's "can't run during preview" advisories. */
export function undecided(all: Violation[], rule: string): Violation[] {
    return all.filter((v) => v.policyName === rule && v.undecided);
}

/** Every mandatory finding, whatever the rule. */
export function mandatory(all: Violation[]): Violation[] {
    return all.filter((v) => v.enforcementLevel === "mandatory");
}

// ---- inputs ---------------------------------------------------------------------------------

export const ACCOUNT = "123456789012";
export const REGION = "us-west-2";

/** A policy document as the program writes it: a JSON string (PACK_UNKNOWN inside as the engine's string). */
export function doc(...statements: object[]): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: statements }, (_key, value: unknown) =>
        value === PACK_UNKNOWN ? SDK_UNKNOWN_STRING : value,
    );
}

/*
 * A compliant network-and-function stack for the network, endpoint, Lambda and monitoring specs:
 * a VPC over two AZs with public subnets (route to an internet gateway, inline) and private
 * subnets (route to a NAT gateway, separate aws.ec2.Route), S3/DynamoDB gateway endpoints on the
 * private table, a Kinesis interface endpoint, and one function whose role writes to Kinesis.
 * Specs start from it and break one field.
 */
export const LAMBDA_TRUST = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

export const EDGE_TRUST = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
        {
            Effect: "Allow",
            Principal: { Service: ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] },
            Action: "sts:AssumeRole",
        },
    ],
});

const KINESIS_WRITE = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
        {
            Effect: "Allow",
            Action: ["kinesis:PutRecord"],
            Resource: "arn:aws:kinesis:us-west-2:123456789012:stream/events",
        },
    ],
});

const ENDPOINT_POLICY = JSON.stringify({
    Statement: [
        {
            Effect: "Allow",
            Principal: "*",
            Action: "*",
            Resource: "*",
            Condition: { StringEquals: { "aws:PrincipalAccount": "123456789012" } },
        },
    ],
});

/** The compliant stack; `over` replaces resources by name (undefined removes one). */
export function network(over: Record<string, TestResource | undefined> = {}): TestResource[] {
    const base: TestResource[] = [
        {
            type: AWS_TYPES.vpc,
            name: "vpc",
            props: {
                id: "vpc-1",
                cidrBlock: "10.0.0.0/16",
                enableDnsSupport: true,
                enableDnsHostnames: true,
                mainRouteTableId: "rtb-main",
            },
        },
        { type: AWS_TYPES.internetGateway, name: "igw", props: { id: "igw-1", vpcId: "vpc-1" } },
        {
            type: AWS_TYPES.subnet,
            name: "public-a",
            props: { id: "subnet-pa", vpcId: "vpc-1", availabilityZone: "us-west-2a", mapPublicIpOnLaunch: true },
        },
        {
            type: AWS_TYPES.subnet,
            name: "private-a",
            props: { id: "subnet-a", vpcId: "vpc-1", availabilityZone: "us-west-2a", mapPublicIpOnLaunch: false },
        },
        {
            type: AWS_TYPES.subnet,
            name: "private-b",
            props: { id: "subnet-b", vpcId: "vpc-1", availabilityZone: "us-west-2b" },
        },
        {
            type: AWS_TYPES.routeTable,
            name: "public-rt",
            props: { id: "rtb-pub", vpcId: "vpc-1", routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }] },
        },
        {
            type: AWS_TYPES.routeTableAssociation,
            name: "public-a-rta",
            props: { subnetId: "subnet-pa", routeTableId: "rtb-pub" },
        },
        // A NAT gateway is a type no rule names (the type table holds the ones the pack judges).
        { type: "aws:ec2/natGateway:NatGateway", name: "nat", props: { id: "nat-1", subnetId: "subnet-pa" } },
        { type: AWS_TYPES.routeTable, name: "private-rt", props: { id: "rtb-priv", vpcId: "vpc-1" } },
        {
            type: AWS_TYPES.route,
            name: "private-default",
            props: { routeTableId: "rtb-priv", destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" },
        },
        {
            type: AWS_TYPES.routeTableAssociation,
            name: "private-a-rta",
            props: { subnetId: "subnet-a", routeTableId: "rtb-priv" },
        },
        {
            type: AWS_TYPES.routeTableAssociation,
            name: "private-b-rta",
            props: { subnetId: "subnet-b", routeTableId: "rtb-priv" },
        },
        {
            type: AWS_TYPES.vpcEndpoint,
            name: "s3",
            props: {
                id: "vpce-s3",
                vpcId: "vpc-1",
                serviceName: "com.amazonaws.us-west-2.s3",
                vpcEndpointType: "Gateway",
                routeTableIds: ["rtb-priv"],
                policy: ENDPOINT_POLICY,
            },
        },
        {
            type: AWS_TYPES.vpcEndpoint,
            name: "dynamodb",
            props: {
                id: "vpce-ddb",
                vpcId: "vpc-1",
                serviceName: "com.amazonaws.us-west-2.dynamodb",
                vpcEndpointType: "Gateway",
                routeTableIds: ["rtb-priv"],
                policy: ENDPOINT_POLICY,
            },
        },
        {
            type: AWS_TYPES.vpcEndpoint,
            name: "kinesis",
            props: {
                id: "vpce-kin",
                vpcId: "vpc-1",
                serviceName: "com.amazonaws.us-west-2.kinesis-streams",
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                subnetIds: ["subnet-a", "subnet-b"],
                policy: ENDPOINT_POLICY,
            },
        },
        {
            type: AWS_TYPES.securityGroup,
            name: "lambda-sg",
            props: {
                id: "sg-1",
                vpcId: "vpc-1",
                ingress: [],
                egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }],
            },
        },
        {
            type: AWS_TYPES.defaultSecurityGroup,
            name: "default-sg",
            props: { id: "sg-default", vpcId: "vpc-1", ingress: [], egress: [] },
        },
        { type: AWS_TYPES.flowLog, name: "flow-log", props: { id: "fl-1", vpcId: "vpc-1", trafficType: "ALL" } },
        {
            type: AWS_TYPES.iamRole,
            name: "api-role",
            props: {
                id: "api-role",
                name: "api-role",
                arn: "arn:aws:iam::123456789012:role/api-role",
                assumeRolePolicy: LAMBDA_TRUST,
            },
        },
        { type: AWS_TYPES.iamRolePolicy, name: "api-kinesis", props: { role: "api-role", policy: KINESIS_WRITE } },
        {
            type: AWS_TYPES.lambdaFunction,
            name: "api",
            props: {
                id: "api-fn",
                name: "api-fn",
                arn: "arn:aws:lambda:us-west-2:123456789012:function:api-fn",
                runtime: "python3.12",
                role: "arn:aws:iam::123456789012:role/api-role",
                tracingConfig: { mode: "Active" },
                reservedConcurrentExecutions: 10,
                vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-1"] },
            },
        },
    ];
    const names = new Set(base.map((r) => r.name));
    const out: TestResource[] = [];
    for (const r of base) {
        if (!(r.name in over)) out.push(r);
        else if (over[r.name]) out.push(over[r.name]!);
    }
    for (const [name, r] of Object.entries(over)) if (!names.has(name) && r) out.push(r);
    return out;
}

/** The base resource of that name, for building an override. */
export function base(name: string): TestResource {
    const r = network().find((x) => x.name === name);
    if (!r) throw new Error(`no fixture resource ${name}`);
    return r;
}

/** A copy of the named base resource with props merged in. */
export function withProps(name: string, props: Record<string, unknown>): TestResource {
    const r = base(name);
    return { ...r, props: { ...r.props, ...props } };
}

/** The topic alarms notify in `monitored`. */
export const ALARM_TOPIC_ARN = "arn:aws:sns:us-west-2:1:alarms";

/** A metric alarm notifying the alarm topic (alarm specs). */
export const alarm = (
    name: string,
    namespace: string,
    metricName: string,
    dimensions: Record<string, unknown>,
    extra: Partial<TestResource> = {},
): TestResource => ({
    type: AWS_TYPES.metricAlarm,
    name,
    props: { namespace, metricName, dimensions, alarmActions: [ALARM_TOPIC_ARN] },
    ...extra,
});

/** The network stack plus a subscribed alarm topic and the function's Errors alarm; `over` replaces or removes entries. */
export const monitored = (over: Record<string, TestResource | undefined> = {}) =>
    network({
        topic: { type: AWS_TYPES.snsTopic, name: "topic", props: { arn: ALARM_TOPIC_ARN } },
        sub: {
            type: AWS_TYPES.snsTopicSubscription,
            name: "sub",
            props: { topic: ALARM_TOPIC_ARN, protocol: "email", endpoint: "ops@example.com" },
        },
        errors: alarm("errors", "AWS/Lambda", "Errors", { FunctionName: "api-fn" }),
        ...over,
    });

// ---- spec shapes ----------------------------------------------------------------------------

/** A resource rule's pass/fail pair: rule, type token, props that pass, props that fail. */
export type PassFailCase = [rule: string, type: string, good: Record<string, unknown>, bad: Record<string, unknown>];

/** One `it` per case: a resource with the good props passes, one with the bad props fails, mandatory. */
export function itPassesAndFails(pack: () => PackHarness, cases: PassFailCase[]): void {
    for (const [rule, type, good, bad] of cases) {
        it(`${rule}: passes ${JSON.stringify(good)}, fails ${JSON.stringify(bad)}`, async () => {
            const v = await pack().analyze([
                { type, name: "good", props: good },
                { type, name: "bad", props: bad },
            ]);
            const f = findings(v, rule);
            expect(f.map((x) => x.resourceName)).to.deep.equal(["bad"]);
            expect(f[0].enforcementLevel).to.equal("mandatory");
            expect(f[0].message).to.match(/'bad' must .*: /);
        });
    }
}

/** A "<resource> policy not public" rule and the two forms its document takes. */
export interface ResourcePolicyCase {
    rule: string;
    /** [type, props]: the separate policy resource first, then the resource with an inline `policy`. */
    forms: readonly (readonly [string, Record<string, unknown>])[];
    action: string;
    resource: string;
    /** A service that legitimately calls the resource, and the source ARN that pins it. */
    service: string;
    sourceArn: string;
}

/**
 * The specs of a resource-policy rule (lib/resource-policy.ts), in both resource forms: each way
 * to break it (a `*` principal, a wildcard-valued pin, an unpinned service principal) and the
 * negative controls the project relies on (a service pinned to this account, Deny to `*`).
 */
export function describeResourcePolicyRule(pack: () => PackHarness, c: ResourcePolicyCase): void {
    describe(c.rule, () => {
        const allow = (extra: object) => ({ Effect: "Allow", Action: c.action, Resource: c.resource, ...extra });
        const star = allow({ Sid: "Everyone", Principal: "*" });
        const pinnedService = allow({
            Principal: { Service: c.service },
            Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": c.sourceArn } },
        });
        const tlsDeny = {
            Effect: "Deny",
            Principal: "*",
            Action: "*",
            Resource: c.resource,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        };
        for (const [type, props] of c.forms) {
            const at = (name: string, ...statements: object[]) => ({
                type,
                name,
                props: { ...props, policy: doc(...statements) },
            });
            it(`fails an Allow to * without a pin in ${type}`, async () => {
                const v = await pack().analyze([at("p", star)]);
                const f = findings(v, c.rule);
                expect(f).to.have.length(1);
                expect(f[0].enforcementLevel).to.equal("mandatory");
                expect(f[0].urn).to.equal(urnOf(type, "p"));
                expect(f[0].message).to.include(
                    `'p' must not allow a "*" principal without a condition pinning the caller (policy statement[0] (Sid "Everyone"))`,
                );
            });
            it(`fails {AWS: "*"}, NotPrincipal, and * pinned only by wildcard values in ${type}`, async () => {
                const v = await pack().analyze([
                    at("aws-star", allow({ Principal: { AWS: "*" } })),
                    at("not-principal", allow({ NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })),
                    at(
                        "any-arn",
                        allow({
                            Principal: "*",
                            Condition: { ArnLike: { "aws:SourceArn": c.sourceArn.replace(ACCOUNT, "*") } },
                        }),
                    ),
                    at(
                        "any-account",
                        allow({ Principal: "*", Condition: { StringLike: { "aws:SourceAccount": "*" } } }),
                    ),
                    at(
                        "any-org",
                        allow({ Principal: "*", Condition: { StringLike: { "aws:PrincipalOrgID": "o-*" } } }),
                    ),
                ]);
                expect(findings(v, c.rule).map((x) => x.resourceName)).to.deep.equal([
                    "aws-star",
                    "not-principal",
                    "any-arn",
                    "any-account",
                    "any-org",
                ]);
            });
            it(`fails a service principal without a confused-deputy condition in ${type}`, async () => {
                const v = await pack().analyze([
                    at("unpinned", allow({ Principal: { Service: c.service } })),
                    at(
                        "caller-key-only",
                        allow({
                            Principal: { Service: c.service },
                            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
                        }),
                    ),
                ]);
                const f = findings(v, c.rule);
                expect(f.map((x) => x.resourceName)).to.deep.equal(["unpinned", "caller-key-only"]);
                expect(f[0].message).to.include(
                    `must not allow service principal "${c.service}" without a condition pinning the source (policy statement[0])`,
                );
            });
            it(`passes a pinned service grant, * pinned to this account or organisation, a named account and a Deny to * in ${type}`, async () => {
                const v = await pack().analyze([
                    at(
                        "ok",
                        tlsDeny,
                        pinnedService,
                        allow({ Principal: "*", Condition: { StringEquals: { "aws:PrincipalAccount": ACCOUNT } } }),
                        allow({
                            Principal: "*",
                            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
                        }),
                        allow({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }),
                        allow({
                            Principal: { Service: c.service },
                            Condition: { StringEquals: { "aws:SourceOwner": ACCOUNT } },
                        }),
                    ),
                ]);
                expect(findings(v, c.rule)).to.deep.equal([]);
                expect(undecided(v, c.rule)).to.deep.equal([]);
            });
        }
        it("passes a topic or queue without a policy and ignores other resource types", async () => {
            const v = await pack().analyze([
                { type: c.forms[1][0], name: "plain", props: { ...c.forms[1][1] } },
                { type: AWS_TYPES.bucketPolicy, name: "other", props: { policy: doc(star) } },
            ]);
            expect(findings(v, c.rule)).to.deep.equal([]);
        });
        it("reports an unparsable policy; is undecided, never mandatory, on unknown values", async () => {
            const [type, props] = c.forms[0];
            const v = await pack().analyze([
                { type, name: "bad", props: { ...props, policy: "{not json" } },
                { type, name: "later", props: { ...props, policy: PACK_UNKNOWN } },
                {
                    type,
                    name: "pin",
                    props: {
                        ...props,
                        policy: doc(
                            allow({
                                Principal: { Service: c.service },
                                Condition: { StringEquals: { "aws:SourceArn": PACK_UNKNOWN } },
                            }),
                        ),
                    },
                },
                { type, name: "who", props: { ...props, policy: doc(allow({ Principal: PACK_UNKNOWN })) } },
            ]);
            const f = findings(v, c.rule);
            expect(f.map((x) => x.resourceName)).to.deep.equal(["bad"]);
            expect(f[0].message).to.include("is not valid JSON");
            expect(undecided(v, c.rule)).to.have.length(3);
            expect(undecided(v, c.rule).every((x) => x.enforcementLevel === "advisory")).to.equal(true);
        });
    });
}

/**
 * A table-driven rule spec (the data-store rules use it): each case is a small stack, the names
 * of the resources the rule must flag (none: the case is compliant), optionally the names it
 * must leave undecided, a pattern every finding must match, and a rule config. Every case runs
 * through the real pack process, Analyze and AnalyzeStack alike; an undecided advisory the case
 * does not expect fails it.
 */
export interface RuleCase {
    it: string;
    given: TestResource[];
    /** Names of the resources the rule must report (decided findings); [] for a compliant stack. */
    flags: string[];
    /** Names of the resources the rule must leave undecided. */
    undecided?: string[];
    /** Every finding's message must match. */
    says?: RegExp;
    /** The rule's config for this case. */
    config?: Record<string, unknown>;
}

/** One describe per rule, one `it` per case. */
export function ruleCases(rule: string, cases: RuleCase[]): void {
    describe(rule, () => {
        let pack: PackHarness;
        before(async () => {
            pack = await startPack();
        });
        after(() => pack.close());
        for (const c of cases) {
            it(c.it, async () => {
                await pack.configure(c.config ? { [rule]: c.config } : {});
                const all = await pack.analyze(c.given);
                const found = findings(all, rule);
                const names = found.map(
                    (v) => c.given.find((r) => (r.urn ?? urnOf(r.type, r.name)) === v.urn)?.name ?? v.urn,
                );
                expect(names.sort(), found.map((v) => v.message).join("\n")).to.deep.equal([...c.flags].sort());
                if (c.says) for (const v of found) expect(v.message).to.match(c.says);
                const open = undecided(all, rule).map((v) => v.message);
                if (c.undecided) expect(open.length, `undecided advisories of ${rule}`).to.be.greaterThan(0);
                else expect(open, `undecided advisories of ${rule}`).to.deep.equal([]);
                for (const name of c.undecided ?? []) expect(open.join("\n")).to.include(`'${name}'`);
            });
        }
    });
}
