/**
 * The AWS API contract (`--check-aws-api`): every input that becomes an AWS API request member
 * is checked against that member's pattern, length, numeric range and enum as AWS's own service
 * models state them, plus the constraints AWS documents outside the models. `pulumi preview`
 * checks none of these (the provider validates little more than lengths), so a broken value
 * fails only at `pulumi up`, after other resources may already be live.
 *
 * Three committed tables, read at run time (the gate needs no Python):
 * - aws-api/mapping.json: (type token, input path) -> (service, operation, member);
 * - aws-api/constraints.json: each mapped member's constraints, generated from botocore's
 *   service-2.json models by aws-api/generate.py (with the botocore version);
 * - aws-api/documented.json: constraints from AWS documentation pages, each cited.
 * Patterns are matched against the whole value, as AWS's Java-based validation does.
 */
import * as fs from "fs";
import * as path from "path";
import { PackInfo, ResourceRecord, WIRE_UNKNOWN, Violation } from "./types";

const DIR = path.join(__dirname, "aws-api");
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

type Target = string | { skip: string };
interface Mapping {
    types: Record<string, { operation?: string; inputs: Record<string, Target> }>;
}
export interface MemberConstraints {
    type: string;
    shape: string;
    uid: string;
    pattern?: string;
    min?: number;
    max?: number;
    enum?: (string | number)[];
}
interface DocumentedRule {
    min?: number;
    max?: number;
    pattern?: string;
    notPattern?: string;
    enum?: (string | number)[];
    orMultipleOf?: number;
    unlessPattern?: string;
}
interface Documented {
    member: string;
    rule: DocumentedRule;
    source: string;
    quote: string;
}

export interface AwsApiTables {
    mapping: Mapping;
    botocoreVersion: string;
    members: Record<string, MemberConstraints>;
    documented: Documented[];
}

/** One input checked: where it is, what it becomes, and the rules applied. */
export interface CheckedInput {
    urn: string;
    type: string;
    name: string;
    /** Concrete input path, e.g. `rules[0].name`. */
    path: string;
    /** `service:Operation:Member`. */
    member: string;
    /** The value as checked; secrets print as `[secret]`. */
    shown: string;
    rules: string[];
}

export interface AwsApiViolation extends CheckedInput {
    /** The rule broken, e.g. `pattern ^...$` or `length 70 > max 64`. */
    rule: string;
    /** The AWS page that states it. */
    page: string;
}

export interface AwsApiCheck {
    botocoreVersion: string;
    checked: CheckedInput[];
    violations: AwsApiViolation[];
    /** Inputs with an unknown value (first preview): nothing to check yet. */
    unknown: number;
    /** String or number inputs the mapping does not name: type and pattern path. */
    unmapped: { type: string; path: string }[];
}

let cached: AwsApiTables | undefined;

export function loadAwsApiTables(): AwsApiTables {
    if (cached) return cached;
    const read = (file: string) => JSON.parse(fs.readFileSync(path.join(DIR, file), "utf-8"));
    const constraints = read("constraints.json") as {
        botocoreVersion: string;
        members: Record<string, MemberConstraints>;
    };
    cached = {
        mapping: read("mapping.json") as Mapping,
        botocoreVersion: constraints.botocoreVersion,
        members: constraints.members,
        documented: (read("documented.json") as { constraints: Documented[] }).constraints,
    };
    return cached;
}

/** AWS's API reference page for an operation (the SDKs' "goto" link, valid for every service). */
export function operationPage(uid: string, operation: string): string {
    return `https://docs.aws.amazon.com/goto/WebAPI/${uid}/${operation}`;
}

function memberOf(typeOperation: string | undefined, target: string): string {
    return target.split(":").length === 3 ? target : `${typeOperation}:${target}`;
}

const regexCache = new Map<string, RegExp | null>();
/** A botocore pattern as a whole-value JavaScript RegExp; null when JavaScript cannot read it. */
function wholeValue(pattern: string): RegExp | null {
    if (!regexCache.has(pattern)) {
        let re: RegExp | null = null;
        for (const flags of ["u", ""]) {
            try {
                re = new RegExp(`^(?:${pattern})$`, flags);
                break;
            } catch {
                /* try without the unicode flag */
            }
        }
        regexCache.set(pattern, re);
    }
    return regexCache.get(pattern)!;
}

interface Leaf {
    path: string;
    patternPath: string;
    value: string | number | typeof WIRE_UNKNOWN;
    secret: boolean;
}

function leaves(value: unknown, pathSoFar: string, patternSoFar: string, secret: boolean, out: Leaf[]): void {
    if (value === WIRE_UNKNOWN) {
        out.push({ path: pathSoFar, patternPath: patternSoFar, value: WIRE_UNKNOWN, secret });
        return;
    }
    if (Array.isArray(value)) {
        value.forEach((v, i) => leaves(v, `${pathSoFar}[${i}]`, `${patternSoFar}[]`, secret, out));
        return;
    }
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (SECRET_SIG in o) return leaves(o.value, pathSoFar, patternSoFar, true, out);
        for (const [k, v] of Object.entries(o)) {
            if (k.startsWith("__")) continue;
            const join = (p: string) => (p ? `${p}.${k}` : k);
            leaves(v, join(pathSoFar), join(patternSoFar), secret, out);
        }
        return;
    }
    if (typeof value === "string" || typeof value === "number") {
        out.push({ path: pathSoFar, patternPath: patternSoFar, value, secret });
    }
}

/** The mapping entry for a pattern path: exact, else the map form `a.*` for `a.<key>`. */
function targetFor(inputs: Record<string, Target>, patternPath: string): Target | undefined {
    if (patternPath in inputs) return inputs[patternPath];
    const dot = patternPath.lastIndexOf(".");
    return dot > 0 ? inputs[`${patternPath.slice(0, dot)}.*`] : undefined;
}

function lengthOf(s: string): number {
    return [...s].length;
}

/** The rules a value breaks against one set of constraints (empty: it holds). */
function breaks(
    value: string | number,
    c: {
        type?: string;
        pattern?: string;
        notPattern?: string;
        min?: number;
        max?: number;
        enum?: (string | number)[];
        orMultipleOf?: number;
        unlessPattern?: string;
    },
): { applied: string[]; broken: string[] } {
    const applied: string[] = [];
    const broken: string[] = [];
    const numeric = c.type === "integer" || c.type === "long" || c.type === "double" || c.type === "float";
    if (c.unlessPattern && typeof value === "string" && new RegExp(c.unlessPattern).test(value))
        return { applied, broken };
    if (numeric || (c.type === undefined && typeof value === "number")) {
        const n = typeof value === "number" ? value : Number(value);
        if (!Number.isFinite(n)) return { applied: ["number"], broken: [`not a number`] };
        if (c.type === "integer" || c.type === "long") {
            applied.push("integer");
            if (!Number.isInteger(n)) broken.push("not an integer");
        }
        if (c.min !== undefined) {
            applied.push(`min ${c.min}`);
            if (n < c.min) broken.push(`${n} < min ${c.min}`);
        }
        if (c.max !== undefined) {
            applied.push(`max ${c.max}`);
            if (n > c.max) broken.push(`${n} > max ${c.max}`);
        }
        if (c.enum) {
            const ok =
                c.enum.some((e) => Number(e) === n) ||
                (c.orMultipleOf !== undefined && n % c.orMultipleOf === 0 && n > 0);
            applied.push(`one of ${c.enum.join(", ")}${c.orMultipleOf ? ` or a multiple of ${c.orMultipleOf}` : ""}`);
            if (!ok)
                broken.push(
                    `${n} is not one of ${c.enum.join(", ")}${c.orMultipleOf ? ` nor a multiple of ${c.orMultipleOf}` : ""}`,
                );
        }
        return { applied, broken };
    }
    const s = String(value);
    if (c.min !== undefined) {
        applied.push(`length >= ${c.min}`);
        if (lengthOf(s) < c.min) broken.push(`length ${lengthOf(s)} < min ${c.min}`);
    }
    if (c.max !== undefined) {
        applied.push(`length <= ${c.max}`);
        if (lengthOf(s) > c.max) broken.push(`length ${lengthOf(s)} > max ${c.max}`);
    }
    if (c.pattern !== undefined) {
        const re = wholeValue(c.pattern);
        if (re) {
            applied.push(`pattern ${c.pattern}`);
            if (!re.test(s)) broken.push(`does not match pattern ${c.pattern}`);
        }
    }
    if (c.notPattern !== undefined) {
        applied.push(`not ${c.notPattern}`);
        if (new RegExp(c.notPattern).test(s)) broken.push(`matches the forbidden form ${c.notPattern}`);
    }
    if (c.enum) {
        applied.push(`enum (${c.enum.length} values)`);
        if (!c.enum.map(String).includes(s)) broken.push(`is not one of ${c.enum.join(", ")}`);
    }
    return { applied, broken };
}

/** Checks every mapped input of every resource; see the module comment. */
export function checkAwsApi(resources: ResourceRecord[], tables: AwsApiTables = loadAwsApiTables()): AwsApiCheck {
    const result: AwsApiCheck = {
        botocoreVersion: tables.botocoreVersion,
        checked: [],
        violations: [],
        unknown: 0,
        unmapped: [],
    };
    const unmapped = new Set<string>();
    const documented = new Map<string, Documented[]>();
    for (const d of tables.documented) documented.set(d.member, [...(documented.get(d.member) ?? []), d]);
    for (const r of resources) {
        if (!r.custom || r.type.startsWith("pulumi:providers:")) continue;
        const entry = tables.mapping.types[r.type];
        const found: Leaf[] = [];
        leaves(r.inputs, "", "", false, found);
        for (const leaf of found) {
            const target = entry ? targetFor(entry.inputs, leaf.patternPath) : undefined;
            if (target === undefined) {
                const key = `${r.type} ${leaf.patternPath}`;
                if (!unmapped.has(key)) {
                    unmapped.add(key);
                    result.unmapped.push({ type: r.type, path: leaf.patternPath });
                }
                continue;
            }
            if (typeof target !== "string") continue;
            if (leaf.value === WIRE_UNKNOWN) {
                result.unknown++;
                continue;
            }
            const member = memberOf(entry!.operation, target);
            const model = tables.members[member];
            if (!model)
                throw new Error(
                    `aws-api/constraints.json has no entry for ${member}: run python3 tools/gate/aws-api/generate.py`,
                );
            const [, operation] = member.split(":");
            const checked: CheckedInput = {
                urn: r.urn,
                type: r.type,
                name: r.name,
                path: leaf.path,
                member,
                shown: leaf.secret ? "[secret]" : String(leaf.value),
                rules: [],
            };
            const fromModel = breaks(leaf.value, model);
            checked.rules.push(...fromModel.applied);
            for (const rule of fromModel.broken) {
                result.violations.push({ ...checked, rule, page: operationPage(model.uid, operation!) });
            }
            for (const d of documented.get(member) ?? []) {
                const fromDocs = breaks(leaf.value, { type: model.type, ...d.rule });
                checked.rules.push(...fromDocs.applied.map((a) => `${a} (documented)`));
                for (const rule of fromDocs.broken) result.violations.push({ ...checked, rule, page: d.source });
            }
            result.checked.push(checked);
        }
    }
    return result;
}

export const AWS_API_POLICY = "aws-api-contract";

/** The pseudo-pack the contract's findings belong to in every report format. */
export function awsApiPackInfo(check: AwsApiCheck, level: "advisory" | "mandatory"): PackInfo {
    return {
        dir: "tools/gate/aws-api",
        name: AWS_API_POLICY,
        version: `botocore-${check.botocoreVersion}`,
        policies: [
            {
                name: AWS_API_POLICY,
                description:
                    "Checks that every input that becomes an AWS API request member satisfies that member's pattern, length, range and enum in AWS's service models (botocore) and AWS's documentation.",
                enforcementLevel: level,
                severity: "high",
                remediationSteps:
                    "Change the value to one the member accepts; the finding names the member, the rule and the AWS page.",
                url: "docs/GATE.md#aws-api-contract",
            },
        ],
    };
}

/** The findings as report violations: one per broken rule, advisory unless --fail-on-aws-api. */
export function awsApiViolations(check: AwsApiCheck, level: "advisory" | "mandatory"): Violation[] {
    const pack = awsApiPackInfo(check, level);
    return check.violations.map((v) => ({
        packName: pack.name,
        packVersion: pack.version,
        policyName: AWS_API_POLICY,
        description: pack.policies[0]!.description,
        enforcementLevel: level,
        severity: "high",
        message: `input ${v.path} = "${v.shown}" becomes ${v.member.replace(/:/g, " ")}, which AWS rejects: ${v.rule} (${v.page}); change the value`,
        urn: v.urn,
        resourceType: v.type,
        resourceName: v.name,
    }));
}

/** One line for logs: what was checked against which models, and how many broke. */
export function awsApiSummary(check: AwsApiCheck, label: string): string {
    return (
        `AWS API contract (${label}): ${check.checked.length} inputs checked against botocore ${check.botocoreVersion} models ` +
        `and documented constraints, ${check.violations.length} violation(s), ${check.unknown} unknown, ${check.unmapped.length} unmapped`
    );
}

/** Every input checked, one per line, then each violation with member, value, rule and page. */
export function awsApiListing(check: AwsApiCheck): string[] {
    const lines = check.checked.map(
        (c) => `checked ${c.type} ${c.name} ${c.path} -> ${c.member}: ${c.rules.join("; ") || "type only"}`,
    );
    for (const v of check.violations)
        lines.push(`VIOLATION ${v.type} ${v.name} ${v.path} -> ${v.member} = "${v.shown}": ${v.rule} (${v.page})`);
    for (const u of check.unmapped) lines.push(`unmapped ${u.type} ${u.path}`);
    return lines;
}
