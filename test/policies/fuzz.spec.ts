/**
 * Fuzzing the pack: every rule gets arbitrary and hostile property bags for the
 * resource types it inspects, through the analyzer protocol, as the engine sends them
 * (Analyze per resource, then AnalyzeStack once). Properties:
 *
 * - no rule throws: not past the framework (the harness would reject with "failed in analyze"
 *   or "crashed") and not inside it (the framework turns a crash into a finding "could not be
 *   checked by <rule>"/"<rule> could not check the stack": fail-closed, but still a broken rule);
 * - no rule hangs: every pack call is bounded (CALL_BOUND_MS); a call past it fails the run;
 * - a malformed policy document (IAM `policy`, `inlinePolicies[].policy`, `assumeRolePolicy`,
 *   bucket, key, topic, queue, secret, endpoint, EFS, ECR, Backup vault and OpenSearch access
 *   policies) is itself reported by a decided finding on the
 *   resource that carries it, naming the property; a document unknown at preview is at least
 *   reported as undecided. Never silence: a document nobody can read is not a safe one.
 *
 * The types come from the pack itself: the `resourceTypes` each resource rule declares
 * (lib/rule.ts keeps them as metadata) and every type token written in policies/ (stack rules
 * name theirs in code), so a new rule or rule file is fuzzed without touching this spec.
 * Realistic depth comes from the project's own program run by the gate's engine (every tier,
 * real cross-references) and the network spec's fixture, mutated a few edits at a time.
 *
 * Reproduce or go deeper: FUZZ_SEED=<n> (default 20261125) and FUZZ_RUNS=<n> (runs per
 * property); on failure fast-check prints the seed, the path and the shrunk counterexample, and
 * `FUZZ_SEED=<seed> FUZZ_PATH=<path> npx mocha test/policies/fuzz.spec.ts -g "<test title>"`
 * replays exactly that case.
 */
import { expect } from "chai";
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { ruleMetadata } from "../../policies/lib/rule";
import { AWS_TYPES, AWS_V2_ALIASES, v2Twin } from "../../policies/lib/types";
import { runProgram } from "../../tools/gate/engine";
import { SECRET_SIG, SECRET_SIG_KEY } from "../../tools/gate/types";
// The engine's string on purpose: the fuzz feeds the pack wire-form values and near-misses of them.
import { SDK_UNKNOWN_STRING as UNKNOWN } from "../../policies/lib/props";
import type { ResourceRecord, Violation } from "../../tools/gate/types";
import { network, PackHarness, startPack, TEST_STACK_URN, TestResource, urnOf } from "./support";

const ROOT = path.join(__dirname, "..", "..");
const PACK_DIR = path.join(ROOT, "policies");

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261125;
/** A failure's path as fast-check printed it, to replay it (with its seed and the test's -g title). */
const REPLAY_PATH = process.env.FUZZ_PATH || undefined;
/** Runs per property; the default keeps the whole spec (pack start-up included) well under a minute. */
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 10;
/**
 * Bound on one Analyze/AnalyzeStack call. A healthy call takes milliseconds even on the large
 * stacks below; the bound only has to tell a hang from slowness on a loaded CI runner.
 */
const CALL_BOUND_MS = 20_000;
/** Largest stack (as JSON) the realistic-edit property sends; see the `huge` edit. */
const MAX_REQUEST_CHARS = 8_000_000;
/** Stops shrinking a failure that keeps hanging the pack (each attempt costs a bound and a restart). */
const PROPERTY_TIME_LIMIT_MS = 150_000;

// ---- what the pack inspects ------------------------------------------------------------------

function packSources(dir = PACK_DIR): string[] {
    const out: string[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory() && entry.name !== "node_modules") out.push(...packSources(full));
        else if (entry.isFile() && entry.name.endsWith(".ts")) out.push(full);
    }
    return out;
}

const SOURCES = packSources().map((file) => fs.readFileSync(file, "utf8"));

/** The types resource rules declare (their metadata), for each rule file under policies/rules. */
function declaredResourceTypes(): Map<string, string[]> {
    const byRule = new Map<string, string[]>();
    const rulesDir = path.join(PACK_DIR, "rules");
    for (const file of fs.readdirSync(rulesDir).filter((f) => f.endsWith(".ts"))) {
        const mod = require(path.join(rulesDir, file)) as { rules?: object[] };
        for (const policy of mod.rules ?? []) {
            const meta = ruleMetadata(policy) as { name: string; resourceTypes?: readonly string[] } | undefined;
            if (meta?.resourceTypes?.length) byRule.set(meta.name, [...meta.resourceTypes]);
        }
    }
    return byRule;
}

/**
 * Every type token the pack names (stack rules find theirs in code). The V2 twins the framework
 * also matches go through the same matching code, so only the twins that exist in @pulumi/aws
 * (BucketV2 and the other S3 aliases) are fuzzed: as the pack names them, or as a twin of a
 * token with a V2 alias the pack names.
 */
function packTypes(declared: Map<string, string[]>): string[] {
    const tokens = new Set<string>();
    for (const source of SOURCES)
        for (const m of source.matchAll(/aws:[a-z0-9]+\/[A-Za-z0-9]+:[A-Za-z0-9]+/g)) tokens.add(m[0]);
    for (const types of declared.values()) for (const t of types) tokens.add(t);
    for (const t of [...tokens]) {
        const twin = v2Twin(t);
        if (twin && t.startsWith("aws:s3/")) tokens.add(twin);
    }
    // The explicit provider (edge functions are recognised by its region) and a type no rule knows.
    tokens.add("pulumi:providers:aws");
    tokens.add("aws:fuzz/unheardOf:UnheardOf");
    return [...tokens].sort();
}

/** Every string literal of the pack: property names it reads and values it compares against. */
function packLiterals(): string[] {
    const out = new Set<string>();
    for (const source of SOURCES) {
        for (const m of source.matchAll(/"((?:[^"\\\n]|\\.){1,80})"/g)) {
            try {
                out.add(JSON.parse(`"${m[1]}"`) as string);
            } catch {
                // A literal JSON cannot read back is of no use as a value.
            }
        }
    }
    return [...out].sort();
}

// ---- hostile values --------------------------------------------------------------------------

const secret = (value: unknown) => ({ [SECRET_SIG_KEY]: SECRET_SIG, value });

function nest(depth: number, leaf: unknown, asArray: boolean): unknown {
    let v = leaf;
    for (let i = 0; i < depth; i++) v = asArray ? [v] : { Statement: v };
    return v;
}

/** Strings that have broken parsers and regular expressions before. */
const HOSTILE_STRINGS = [
    "",
    " ",
    "*",
    "**",
    "?",
    "*:*",
    "arn:*:*",
    "arn:aws:s3:::*",
    "s3:*",
    "iam:PassRole",
    "kms:*",
    UNKNOWN,
    `${UNKNOWN}x`,
    "null",
    "undefined",
    "true",
    "false",
    "0",
    "-1",
    "1e309",
    "NaN",
    "Infinity",
    "0.0.0.0/0",
    "::/0",
    "10.0.0.0/33",
    "-1",
    "__proto__",
    "constructor",
    "hasOwnProperty",
    "toString",
    "{",
    "}",
    "[",
    "[]",
    "{}",
    '{"Statement":',
    "\u0000",
    "\u202e",
    "😀",
    "é",
    "\\",
    '"',
    "urn:pulumi:",
    "us-east-1",
    "us-west-2",
    "python2.7",
    "nodejs",
    "Allow",
    "Deny",
    "allow",
    // Globs that backtrack exponentially when turned into regular expressions naively.
    `s3:${"*e".repeat(24)}x`,
    `${"*a".repeat(30)}b`,
    `arn:aws:s3:::${"*a".repeat(30)}`,
    "*".repeat(5000),
];

const HOSTILE_KEYS = [
    "__proto__",
    "constructor",
    "hasOwnProperty",
    "toString",
    "valueOf",
    "",
    " ",
    "Statement",
    "statement",
    "STATEMENT",
];

interface Pools {
    keys: string[];
    strings: string[];
}

/** Any JSON-shaped value the engine could send (Struct holds no NaN, Infinity or undefined), with unknowns and secrets. */
function hostileValue(pools: Pools): fc.Arbitrary<unknown> {
    const scalar: fc.Arbitrary<unknown> = fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...pools.strings) },
        {
            weight: 3,
            arbitrary: fc.constantFrom<unknown>(
                null,
                true,
                false,
                0,
                -1,
                1,
                443,
                65536,
                2 ** 53,
                -(2 ** 31),
                0.5,
                ...HOSTILE_STRINGS,
            ),
        },
        { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
        { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
        { weight: 1, arbitrary: fc.integer() },
    );
    const { value } = fc.letrec<{ value: unknown; array: unknown[]; object: Record<string, unknown> }>((tie) => ({
        value: fc.oneof(
            { depthSize: "small", withCrossShrink: true },
            { weight: 5, arbitrary: scalar },
            { weight: 2, arbitrary: tie("array") },
            { weight: 3, arbitrary: tie("object") },
            { weight: 1, arbitrary: tie("value").map(secret) },
            { weight: 1, arbitrary: tie("object").map((o) => JSON.stringify(o)) },
        ),
        array: fc.array(tie("value"), { maxLength: 4 }),
        object: fc.dictionary(
            fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...pools.keys) }, fc.constantFrom(...HOSTILE_KEYS)),
            tie("value"),
            { maxKeys: 5, noNullPrototype: true },
        ),
    }));
    const large: fc.Arbitrary<unknown> = fc.oneof(
        // Huge arrays: a value repeated (cheap to build; a rule that scans them quadratically shows).
        // Arrays of objects stay smaller: the SDK converts every node of a request once per policy.
        fc.tuple(scalar, fc.integer({ min: 1000, max: 3000 })).map(([v, n]) => new Array(n).fill(v)),
        fc.tuple(value, fc.integer({ min: 100, max: 300 })).map(([v, n]) => new Array(n).fill(v)),
        // Deep nesting, as objects and as arrays.
        fc
            .tuple(scalar, fc.integer({ min: 50, max: 150 }), fc.boolean())
            .map(([leaf, d, asArray]) => nest(d, leaf, asArray)),
        // Long strings.
        fc
            .tuple(fc.constantFrom("a", "*", "s3:", "{", "arn:aws:s3:::b/"), fc.integer({ min: 10_000, max: 200_000 }))
            .map(([s, n]) => s.repeat(Math.ceil(n / s.length))),
    );
    return fc.oneof({ weight: 30, arbitrary: value }, { weight: 1, arbitrary: large });
}

/** A property bag: keys the pack reads (and a few hostile ones), hostile values. */
function hostileBag(pools: Pools, value: fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> {
    return fc.dictionary(
        fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...pools.keys) }, fc.constantFrom(...HOSTILE_KEYS)),
        value,
        { maxKeys: 8, noNullPrototype: true },
    );
}

// ---- malformed policy documents --------------------------------------------------------------

const VALID_DOC = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }],
};

/** A statement that is not a statement: each is a document IAM rejects, and parsePolicyDocument too. */
const brokenStatement: fc.Arbitrary<unknown> = fc.oneof(
    fc.constantFrom<unknown>(42, "Allow", null, true, [], [[]]),
    fc
        .constantFrom<unknown>(undefined, "allow", "ALLOW", "Permit", 1, null, { Allow: true }, ["Allow"])
        .map((effect) => ({
            ...(effect === undefined ? {} : { Effect: effect }),
            Action: "s3:GetObject",
            Resource: "*",
        })),
    fc
        .tuple(
            fc.constantFrom("Action", "NotAction", "Resource", "NotResource"),
            fc.constantFrom<unknown>(
                42,
                true,
                null,
                { s3: "GetObject" },
                ["s3:GetObject", 7],
                [null],
                [["s3:GetObject"]],
                [{}],
            ),
        )
        .map(([key, bad]) => ({
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: "*",
            [key]: bad,
        })),
    fc.constantFrom<unknown>({}, { Effect: "Allow" }, { Effect: "Allow", Resource: "*", Principal: "*" }),
);

/** A document text or object that cannot be a policy. `what` says why, for the failure message. */
const malformedDocument: fc.Arbitrary<{ what: string; document: unknown }> = fc
    .oneof(
        fc
            .string({ minLength: 1, maxLength: 60 })
            .filter(
                (s) =>
                    s.trim() !== "" &&
                    (() => {
                        try {
                            JSON.parse(s);
                            return false;
                        } catch {
                            return true;
                        }
                    })(),
            )
            .map((s) => ({ what: "not JSON", document: s })),
        fc
            .integer({ min: 1, max: JSON.stringify(VALID_DOC).length - 1 })
            .map((cut) => ({ what: "truncated JSON", document: JSON.stringify(VALID_DOC).slice(0, cut) })),
        fc
            .constantFrom("{'Statement': []}", '{"Statement": [],}', "  ", "\t\n")
            .map((s) => ({ what: "almost JSON", document: s })),
        fc
            .constantFrom<unknown>(null, 42, "a string", true, [], [VALID_DOC.Statement[0]])
            .map((v) => ({ what: "JSON but not an object", document: JSON.stringify(v) })),
        fc
            .constantFrom<unknown>(
                { Version: "2012-10-17" },
                { Statment: VALID_DOC.Statement },
                { Version: "2012-10-17", Statements: [] },
            )
            .map((d) => ({ what: "no Statement", document: JSON.stringify(d) })),
        fc.tuple(brokenStatement, fc.nat({ max: 3 })).map(([bad, goodBefore]) => ({
            what: "a statement that is not one",
            document: JSON.stringify({
                Version: "2012-10-17",
                Statement: [...new Array(goodBefore).fill(VALID_DOC.Statement[0]), bad],
            }),
        })),
        fc.tuple(brokenStatement, fc.integer({ min: 200, max: 1000 })).map(([bad, n]) => ({
            what: "a huge Statement list ending in a statement that is not one",
            document: JSON.stringify({ Statement: [...new Array(n).fill(VALID_DOC.Statement[0]), bad] }),
        })),
        fc
            .integer({ min: 20, max: 120 })
            .map((d) => ({ what: "deeply nested, no statement", document: JSON.stringify(nest(d, {}, false)) })),
    )
    .chain((m) =>
        fc.constantFrom(
            // As the program writes it (a JSON string), as an object (some resources take objects), or secret.
            m,
            { what: `${m.what} (secret)`, document: secret(m.document) },
            ...(typeof m.document === "string" && isJsonObject(m.document)
                ? [{ what: `${m.what} (as an object)`, document: JSON.parse(m.document) as unknown }]
                : []),
        ),
    );

function isJsonObject(text: string): boolean {
    try {
        const v = JSON.parse(text) as unknown;
        return typeof v === "object" && v !== null && !Array.isArray(v);
    } catch {
        return false;
    }
}

/** A document the engine does not know yet: wholly or in its Statement. */
const unknownDocument: fc.Arbitrary<{ what: string; document: unknown }> = fc.constantFrom(
    { what: "unknown", document: UNKNOWN },
    { what: "unknown (secret)", document: secret(UNKNOWN) },
    { what: "unknown Statement", document: { Version: "2012-10-17", Statement: UNKNOWN } },
    { what: "unknown statement", document: { Version: "2012-10-17", Statement: [UNKNOWN] } },
);

/**
 * The resources that carry a policy document, where the document sits, and which resource a
 * finding about it must name (a separate VpcEndpointPolicy is reported on its endpoint).
 */
interface DocumentCarrier {
    label: string;
    /** Builds the resources for one document; the first one's URN is the subject. */
    build(
        name: string,
        document: unknown,
        junk: Record<string, unknown>,
    ): { subject: string; resources: TestResource[] };
}

function carrier(type: string, key: string, base: Record<string, unknown> = {}): DocumentCarrier {
    return {
        label: `${type} ${key}`,
        build(name, document, junk) {
            return {
                subject: urnOf(type, name),
                resources: [{ type, name, props: { ...junk, ...base, [key]: document } }],
            };
        },
    };
}

const ACCOUNT_ROOT_TRUST = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

const DOCUMENT_CARRIERS: DocumentCarrier[] = [
    carrier(AWS_TYPES.iamRole, "assumeRolePolicy"),
    {
        label: "aws:iam/role:Role inlinePolicies[0].policy",
        build(name, document, junk) {
            const type = AWS_TYPES.iamRole;
            return {
                subject: urnOf(type, name),
                resources: [
                    {
                        type,
                        name,
                        props: {
                            ...junk,
                            assumeRolePolicy: ACCOUNT_ROOT_TRUST,
                            inlinePolicies: [{ name: "inline", policy: document }],
                        },
                    },
                ],
            };
        },
    },
    carrier(AWS_TYPES.iamRolePolicy, "policy", { role: "some-role" }),
    carrier(AWS_TYPES.iamPolicy, "policy"),
    carrier(AWS_TYPES.iamUserPolicy, "policy", { user: "someone" }),
    carrier(AWS_TYPES.iamGroupPolicy, "policy", { group: "some-group" }),
    carrier(AWS_TYPES.bucketPolicy, "policy", { bucket: "some-bucket" }),
    carrier(AWS_TYPES.bucket, "policy"),
    carrier(AWS_V2_ALIASES.bucket, "policy"),
    carrier(AWS_TYPES.kmsKey, "policy", { enableKeyRotation: true }),
    carrier(AWS_TYPES.kmsKeyPolicy, "policy", { keyId: "some-key" }),
    carrier(AWS_TYPES.snsTopic, "policy"),
    carrier(AWS_TYPES.snsTopicPolicy, "policy", { arn: "arn:aws:sns:us-west-2:123456789012:some-topic" }),
    carrier(AWS_TYPES.sqsQueue, "policy"),
    carrier(AWS_TYPES.sqsQueuePolicy, "policy", {
        queueUrl: "https://sqs.us-west-2.amazonaws.com/123456789012/some-queue",
    }),
    carrier(AWS_TYPES.secretsmanagerSecret, "policy"),
    carrier(AWS_TYPES.secretsmanagerSecretPolicy, "policy", {
        secretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:some",
    }),
    carrier(AWS_TYPES.vpcEndpoint, "policy", {
        id: "vpce-fuzz",
        vpcEndpointType: "Gateway",
        serviceName: "com.amazonaws.us-west-2.s3",
    }),
    carrier(AWS_TYPES.efsFileSystemPolicy, "policy", { fileSystemId: "fs-fuzz" }),
    carrier(AWS_TYPES.ecrRepositoryPolicy, "policy", { repository: "some-repo" }),
    carrier(AWS_TYPES.backupVaultPolicy, "policy", { backupVaultName: "some-vault" }),
    // A domain outside a VPC (vpcOptions null overrides any junk placing it in one): its access policy decides.
    carrier(AWS_TYPES.opensearchDomain, "accessPolicies", { domainName: "fuzz-domain", vpcOptions: null }),
    carrier(AWS_TYPES.elasticsearchDomain, "accessPolicies", { domainName: "fuzz-es-domain", vpcOptions: null }),
    {
        label: "aws:opensearch/domainPolicy:DomainPolicy accessPolicies",
        build(name, document, junk) {
            const type = AWS_TYPES.opensearchDomainPolicy;
            return {
                subject: urnOf(type, name),
                resources: [
                    { type, name, props: { ...junk, domainName: `${name}-domain`, accessPolicies: document } },
                    {
                        type: AWS_TYPES.opensearchDomain,
                        name: `${name}-domain`,
                        props: { domainName: `${name}-domain` },
                    },
                ],
            };
        },
    },
    {
        label: "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy policy",
        build(name, document, junk) {
            const endpoint = AWS_TYPES.vpcEndpoint;
            return {
                subject: urnOf(endpoint, `${name}-endpoint`),
                resources: [
                    {
                        type: endpoint,
                        name: `${name}-endpoint`,
                        props: {
                            id: `vpce-${name}`,
                            vpcEndpointType: "Interface",
                            serviceName: "com.amazonaws.us-west-2.kinesis-streams",
                        },
                    },
                    {
                        type: AWS_TYPES.vpcEndpointPolicy,
                        name,
                        props: { ...junk, vpcEndpointId: `vpce-${name}`, policy: document },
                    },
                ],
            };
        },
    },
];

/** The property a finding must name: the last path segment as messages write it. */
function propertyNamed(c: DocumentCarrier): string {
    return c.label.split(" ").pop()!;
}

// ---- realistic stacks to mutate --------------------------------------------------------------

/** A program run's records as harness resources (the harness adds its own Stack resource). */
function fromRecords(records: ResourceRecord[]): TestResource[] {
    const stack = records.find((r) => r.type === "pulumi:pulumi:Stack")?.urn;
    const rehome = (urn: string | undefined) => (urn && urn === stack ? TEST_STACK_URN : urn);
    return records
        .filter((r) => r.type !== "pulumi:pulumi:Stack")
        .map((r) => ({
            type: r.type,
            name: r.name,
            urn: r.urn,
            id: r.id,
            custom: r.custom,
            parent: rehome(r.parent),
            provider: r.provider,
            dependencies: r.dependencies.map((d) => rehome(d)!),
            propertyDependencies: Object.fromEntries(
                Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map((d) => rehome(d)!)]),
            ),
            inputs: r.inputs,
            outputs: r.outputs,
        }));
}

type Path = (string | number)[];

/**
 * Every node of a value (objects and arrays included), to depth 8. A special value on the wire
 * (asset, archive, resource reference: an object with the signature key) is one node: the
 * engine never sends a broken one, and the SDK's deserializer rejects it before any rule runs.
 * A secret's `value` is ordinary data and is edited like any other.
 */
function paths(value: unknown, prefix: Path = [], out: Path[] = [], depth = 0): Path[] {
    if (depth > 8) return out;
    if (Array.isArray(value)) {
        value.slice(0, 20).forEach((v, i) => {
            out.push([...prefix, i]);
            paths(v, [...prefix, i], out, depth + 1);
        });
    } else if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (SECRET_SIG_KEY in record) {
            if (record[SECRET_SIG_KEY] === SECRET_SIG) paths(record.value, [...prefix, "value"], out, depth + 1);
            return out;
        }
        for (const [k, v] of Object.entries(record)) {
            out.push([...prefix, k]);
            paths(v, [...prefix, k], out, depth + 1);
        }
    }
    return out;
}

type EditKind =
    | "replace"
    | "delete"
    | "unknown"
    | "secret"
    | "null"
    | "stringify"
    | "parse"
    | "wrap"
    | "unwrap"
    | "huge"
    | "deep"
    | "reference";
const EDIT_KINDS: EditKind[] = [
    "replace",
    "delete",
    "unknown",
    "secret",
    "null",
    "stringify",
    "parse",
    "wrap",
    "unwrap",
    "huge",
    "deep",
    "reference",
];

interface Edit {
    resource: number;
    node: number;
    side: "inputs" | "outputs" | "both";
    kind: EditKind;
    value: unknown;
    reference: string;
}

function edited(current: unknown, e: Edit): unknown | typeof DELETE {
    switch (e.kind) {
        case "replace":
            return e.value;
        case "delete":
            return DELETE;
        case "unknown":
            return UNKNOWN;
        case "secret":
            return secret(current);
        case "null":
            return null;
        case "stringify":
            return JSON.stringify(current) ?? null;
        case "parse": {
            if (typeof current !== "string") return current;
            try {
                return JSON.parse(current) as unknown;
            } catch {
                return current;
            }
        }
        case "wrap":
            return [current];
        case "unwrap":
            return Array.isArray(current) ? (current[0] ?? null) : current;
        // Up to ~20 000 nodes and ~2 MB: @pulumi/policy deserializes a resource's properties once
        // per policy (Analyze) and every resource's once per stack policy (AnalyzeStack), so a
        // bigger bag measures the SDK (time, and memory until the kernel kills the pack), not the rules.
        case "huge": {
            const bytes = JSON.stringify(current)?.length ?? 1;
            return new Array(
                Math.max(1, Math.min(2000, Math.floor(20_000 / nodeCount(current)), Math.floor(2_000_000 / bytes))),
            ).fill(current);
        }
        case "deep":
            return nest(100, current, Array.isArray(current));
        case "reference":
            return e.reference;
    }
}

const DELETE = Symbol("delete");

function nodeCount(value: unknown, budget = 20_000): number {
    let n = 0;
    const stack: unknown[] = [value];
    while (stack.length && n < budget) {
        const v = stack.pop();
        n++;
        if (v && typeof v === "object") stack.push(...Object.values(v as object));
    }
    return n;
}

/** Applies one edit to a copy of the props at the chosen node (or the bag itself when it is empty). */
function applyEdit(props: Record<string, unknown>, e: Edit): Record<string, unknown> {
    const copy = structuredClone(props);
    const nodes = paths(copy);
    if (nodes.length === 0)
        return e.kind === "replace" && e.value && typeof e.value === "object" && !Array.isArray(e.value)
            ? { ...(e.value as object) }
            : copy;
    const at = nodes[e.node % nodes.length]!;
    let parent: any = copy;
    for (const step of at.slice(0, -1)) parent = parent[step];
    const last = at[at.length - 1]!;
    const next = edited(parent[last], e);
    if (next === DELETE) {
        if (Array.isArray(parent)) parent.splice(last as number, 1);
        else delete parent[last];
    } else {
        parent[last] = next;
    }
    return copy;
}

function mutate(stack: TestResource[], edits: Edit[]): TestResource[] {
    const out = stack.map((r) => ({ ...r }));
    for (const e of edits) {
        const r = out[e.resource % out.length]!;
        const inputs = r.inputs ?? r.props ?? {};
        const outputs = r.outputs ?? r.props ?? {};
        r.inputs = e.side === "outputs" ? inputs : applyEdit(inputs, e);
        r.outputs = e.side === "inputs" ? outputs : applyEdit(outputs, e);
        delete r.props;
    }
    return out;
}

/** Strings a real stack uses as references (ids, ARNs, names), to make wrong references resolve. */
function referencePool(stack: TestResource[]): string[] {
    const out = new Set<string>();
    const walk = (v: unknown, depth: number) => {
        if (depth > 6) return;
        if (typeof v === "string" && v.length < 200) out.add(v);
        else if (Array.isArray(v)) v.forEach((x) => walk(x, depth + 1));
        else if (v && typeof v === "object") Object.values(v).forEach((x) => walk(x, depth + 1));
    };
    for (const r of stack) {
        out.add(r.name);
        if (r.urn) out.add(r.urn);
        walk(r.outputs ?? r.props, 0);
    }
    return [...out].sort();
}

// ---- verdicts --------------------------------------------------------------------------------

/** Findings that are a rule crashing inside the framework's guard. */
function crashes(vs: Violation[]): Violation[] {
    return vs.filter((v) => / could not be checked by \S+ \(|could not check the stack \(/.test(v.message));
}

function describeViolations(vs: Violation[]): string {
    return vs
        .map((v) => `  ${v.policyName} [${v.enforcementLevel}] on ${v.urn || "the stack"}: ${v.message.slice(0, 400)}`)
        .join("\n");
}

/**
 * True when the finding is about the resource: on its URN, or a stack policy's "can't run during
 * preview" advisory (the SDK sends those without a URN) naming it as `<type> '<name>'`.
 */
function saysSomethingAbout(v: Violation, urn: string): boolean {
    if (v.urn === urn) return true;
    // A stack policy's finding that names no single resource is filed under the root Stack, as the
    // engine files it; its message names the resources it could not judge.
    const onStack = v.urn === "" || v.urn.includes("::pulumi:pulumi:Stack::");
    return onStack && !!v.undecided && v.message.includes(`'${urn.split("::").pop()}'`);
}

describe("pack fuzzing: hostile property bags through the analyzer protocol (fast-check)", function () {
    this.timeout(PROPERTY_TIME_LIMIT_MS * 2);

    let pack: PackHarness;
    let types: string[];
    let declared: Map<string, string[]>;
    let literals: string[];
    let seedStacks: { name: string; resources: TestResource[] }[];
    let programNote = "";

    /**
     * A fresh pack process; the old one (perhaps still spinning on the input that hung it) is
     * released after. The harness shares one process per pack, environment and bound, so each
     * restart asks with a new environment to get a new process rather than the broken one.
     */
    let generation = 0;
    const restart = async () => {
        const old = pack;
        pack = await startPack(PACK_DIR, { FUZZ_PACK_GENERATION: String(generation++) }, { timeoutMs: CALL_BOUND_MS });
        old?.close();
    };

    /**
     * The preview in flight. fast-check's time limit abandons a run without stopping it, so each
     * property first waits for the last one to settle (at most a call bound and a restart):
     * otherwise its restart could close the pack under the next property.
     */
    let inFlight: Promise<unknown> = Promise.resolve();

    /** One "preview" of the resources; a throw or a hang past the bound fails the run (and restarts the pack). */
    const preview = (resources: TestResource[]): Promise<Violation[]> => {
        const run = previewOnce(resources);
        inFlight = run.catch(() => undefined);
        return run;
    };

    const previewOnce = async (resources: TestResource[]): Promise<Violation[]> => {
        let vs: Violation[];
        try {
            vs = await pack.analyze(resources);
        } catch (e) {
            await restart();
            throw new Error(`the pack failed on this input: ${(e as Error).message}`);
        }
        const crashed = crashes(vs);
        if (crashed.length) throw new Error(`rules crashed on this input:\n${describeViolations(crashed)}`);
        return vs;
    };

    const assertProperty = async (property: fc.IAsyncProperty<any>) => {
        await inFlight;
        try {
            await fc.assert(property, {
                seed: SEED,
                numRuns: RUNS,
                ...(REPLAY_PATH ? { path: REPLAY_PATH } : {}),
                plugins: [fc.interruptAfterTimeLimit(PROPERTY_TIME_LIMIT_MS, { failOnInterrupt: false })],
            });
        } finally {
            await inFlight;
        }
    };

    before(async function () {
        declared = declaredResourceTypes();
        types = packTypes(declared);
        literals = packLiterals();
        await restart();
        seedStacks = [{ name: "network fixture", resources: network() }];
        try {
            const run = await runProgram({ programDir: ROOT, mode: "resolved" });
            seedStacks.unshift({ name: "the project's program", resources: fromRecords(run.resources) });
        } catch (e) {
            // The program is another spec's business (test/infra); the fuzzer carries on with the fixture.
            programNote = `the project's program did not run (${(e as Error).message.split("\n")[0]}); fuzzing the fixture only`;
        }
    });

    after(() => pack?.close());

    it("fuzzes every type a rule inspects (from the rules' metadata and the pack's type tokens)", function () {
        if (programNote) console.warn(`      note: ${programNote}`);
        for (const [rule, ruleTypes] of declared) {
            for (const t of ruleTypes) expect(types, `${rule} inspects ${t}`).to.include(t);
        }
        // Every policy the pack serves runs on every resource of every batch below (the SDK calls
        // each resource policy for each resource and each stack policy once per AnalyzeStack).
        expect(pack.client.info.policies.length).to.be.greaterThan(0);
        expect(types.length).to.be.greaterThan(20);
    });

    it("no rule throws or hangs on arbitrary bags: one resource of every type per preview", async function () {
        const pools: Pools = {
            keys: literals.filter((s) => /^[A-Za-z][A-Za-z0-9]{0,40}$/.test(s)),
            strings: [...literals, ...referencePool(seedStacks[0]!.resources), ...types.map((_, i) => `r${i}-id`)],
        };
        const value = hostileValue(pools);
        const bag = hostileBag(pools, value);
        const extra = fc.array(
            fc.tuple(
                fc.constantFrom(...types),
                bag,
                fc.nat(),
                fc.dictionary(fc.constantFrom(...pools.keys), fc.array(fc.nat(), { maxLength: 2 }), {
                    maxKeys: 2,
                    noNullPrototype: true,
                }),
            ),
            { maxLength: 6 },
        );
        await assertProperty(
            fc.asyncProperty(fc.tuple(...types.map(() => bag)), extra, async (bags, extras) => {
                const batch: TestResource[] = types.map((type, i) => ({
                    type,
                    name: `r${i}`,
                    id: `r${i}-id`,
                    props: bags[i],
                }));
                const urns = batch.map((r) => urnOf(r.type, r.name));
                extras.forEach(([type, props, parent, deps], i) => {
                    batch.push({
                        type,
                        name: `x${i}`,
                        props,
                        parent: urns[parent % urns.length],
                        // Property dependencies are what the graph falls back on when a reference is unknown.
                        propertyDependencies: Object.fromEntries(
                            Object.entries(deps).map(([k, idx]) => [k, idx.map((n) => urns[n % urns.length]!)]),
                        ),
                    });
                });
                await preview(batch);
            }),
        );
    });

    it("no rule throws or hangs on realistic stacks with a few hostile edits", async function () {
        this.timeout(PROPERTY_TIME_LIMIT_MS * (seedStacks.length + 1));
        for (const seedStack of seedStacks) {
            const pools: Pools = {
                keys: literals.filter((s) => /^[A-Za-z][A-Za-z0-9]{0,40}$/.test(s)),
                strings: [...literals, ...referencePool(seedStack.resources)],
            };
            const edit: fc.Arbitrary<Edit> = fc.record({
                resource: fc.nat(),
                node: fc.nat(),
                side: fc.constantFrom<Edit["side"]>("both", "both", "inputs", "outputs"),
                kind: fc.constantFrom(...EDIT_KINDS),
                value: hostileValue(pools),
                reference: fc.constantFrom(...pools.strings),
            });
            await assertProperty(
                fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 8 }), async (edits) => {
                    const mutated = mutate(seedStack.resources, edits);
                    // Edits compound (a huge copy of a huge copy): past a few MB a request measures the
                    // SDK's per-policy deserialization, not the rules, so such a case is skipped.
                    fc.pre(JSON.stringify(mutated).length < MAX_REQUEST_CHARS);
                    await preview(mutated);
                }),
            );
        }
    });

    it("reports every malformed policy document on the resource that carries it, by a decided finding naming the property", async function () {
        const pools: Pools = { keys: literals.filter((s) => /^[A-Za-z][A-Za-z0-9]{0,40}$/.test(s)), strings: literals };
        const junk = hostileBag(pools, hostileValue(pools));
        await assertProperty(
            fc.asyncProperty(
                fc.tuple(...DOCUMENT_CARRIERS.map(() => fc.tuple(malformedDocument, junk))),
                async (cases) => {
                    const built = DOCUMENT_CARRIERS.map((c, i) => ({
                        c,
                        doc: cases[i]![0],
                        ...c.build(`doc${i}`, cases[i]![0].document, cases[i]![1]),
                    }));
                    const vs = await preview(built.flatMap((b) => b.resources));
                    const silent = built.filter(
                        ({ c, subject }) =>
                            !vs.some((v) => v.urn === subject && !v.undecided && v.message.includes(propertyNamed(c))),
                    );
                    if (silent.length) {
                        throw new Error(
                            `malformed documents no rule reported:\n${silent
                                .map(
                                    ({ c, doc }) =>
                                        `  ${c.label}: ${doc.what}: ${JSON.stringify(doc.document).slice(0, 200)}`,
                                )
                                .join("\n")}`,
                        );
                    }
                },
            ),
        );
    });

    it("never passes a policy document unknown at preview silently: at least an undecided advisory", async function () {
        await assertProperty(
            fc.asyncProperty(fc.tuple(...DOCUMENT_CARRIERS.map(() => unknownDocument)), async (docs) => {
                const built = DOCUMENT_CARRIERS.map((c, i) => ({
                    c,
                    doc: docs[i]!,
                    ...c.build(`doc${i}`, docs[i]!.document, {}),
                }));
                const vs = await preview(built.flatMap((b) => b.resources));
                const silent = built.filter(({ subject }) => !vs.some((v) => saysSomethingAbout(v, subject)));
                if (silent.length) {
                    throw new Error(
                        `unknown documents nothing was said about:\n${silent.map(({ c, doc }) => `  ${c.label}: ${doc.what}`).join("\n")}\n` +
                            `what the pack said:\n${describeViolations(vs.filter((v) => v.undecided))}`,
                    );
                }
            }),
        );
    });
});
