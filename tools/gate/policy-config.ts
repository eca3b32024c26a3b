/**
 * `--policy-pack-config` files, read and validated as the Pulumi CLI does
 * (pkg/resource/analyzer/config.go): a JSON object keyed by policy name whose values are an
 * enforcement level string or `{ enforcementLevel?, ...properties }`; `"all"` sets every
 * policy's level first; schema defaults apply, then the pack's initial config, then the
 * file; the result is validated against each policy's configSchema (JSON Schema), and the
 * errors read like the CLI's gojsonschema messages.
 */
import { GateError, readInput } from "./errors";
import type { EnforcementLevel, PolicyInfo } from "./types";

export interface PolicyConfigEntry {
    enforcementLevel?: EnforcementLevel;
    properties?: Record<string, unknown>;
}
export type PolicyPackConfig = Record<string, PolicyConfigEntry>;

const LEVELS = new Set(["advisory", "mandatory", "remediate", "disabled"]);

/** Parses a config file's text; throws a GateError naming the file and the CLI's reason. */
export function parsePolicyPackConfig(text: string, file: string): PolicyPackConfig {
    const bad = (reason: string) =>
        new GateError(
            `policy pack config ${file} is invalid: ${reason}`,
            "Write a JSON object keyed by policy name; each value an enforcement level " +
                "(advisory, mandatory, remediate, disabled) or an object of properties.",
        );
    if (text.trim() === "") return {};
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (e) {
        throw bad(`not JSON: ${(e as Error).message}`);
    }
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
        throw bad("the top level must be a JSON object");
    }
    const result: PolicyPackConfig = {};
    for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
        if (key === "environments") continue; // ESC environments: a Pulumi Cloud feature, not ours.
        if (typeof value === "string") {
            if (!LEVELS.has(value))
                throw bad(`parsing enforcement level for "${key}": "${value}" is not a valid enforcement level`);
            result[key] = { enforcementLevel: value as EnforcementLevel };
        } else if (value && typeof value === "object" && !Array.isArray(value)) {
            const props = { ...(value as Record<string, unknown>) };
            const entry: PolicyConfigEntry = {};
            if ("enforcementLevel" in props) {
                const level = props.enforcementLevel;
                if (typeof level !== "string")
                    throw bad(
                        `parsing enforcement level for "${key}": ${JSON.stringify(level)} is not a valid enforcement level; must be a string`,
                    );
                if (!LEVELS.has(level))
                    throw bad(`parsing enforcement level for "${key}": "${level}" is not a valid enforcement level`);
                entry.enforcementLevel = level as EnforcementLevel;
                delete props.enforcementLevel;
            }
            if (Object.keys(props).length) entry.properties = props;
            if (entry.enforcementLevel || entry.properties) result[key] = entry;
        } else {
            throw bad(`parsing "${key}": ${JSON.stringify(value)} is not a valid value; must be a string or object`);
        }
    }
    return result;
}

export function loadPolicyPackConfigFile(file: string): PolicyPackConfig {
    return parsePolicyPackConfig(
        readInput(file, "policy pack config file", "Check the --policy-pack-config path."),
        file,
    );
}

/** Defaults, then the pack's initial config, then the file: the CLI's ReconcilePolicyPackConfig. */
export function reconcilePolicyPackConfig(
    policies: PolicyInfo[],
    initial: PolicyPackConfig,
    fromFile: PolicyPackConfig,
): { config: PolicyPackConfig; errors: string[] } {
    const result: PolicyPackConfig = {};
    for (const p of policies) {
        let props: Record<string, unknown> | undefined;
        for (const [k, v] of Object.entries(p.configSchema?.properties ?? {})) {
            if (v && typeof v === "object" && "default" in (v as object)) {
                props = props ?? {};
                props[k] = structuredClone((v as { default: unknown }).default);
            }
        }
        result[p.name] = { enforcementLevel: p.enforcementLevel, properties: props };
    }
    apply(result, initial);
    apply(result, fromFile);
    const errors: string[] = [];
    for (const p of policies) {
        if (!p.configSchema) continue;
        const schema = {
            type: "object",
            properties: p.configSchema.properties ?? {},
            required: p.configSchema.required ?? [],
        };
        for (const e of validateJsonSchema(schema, result[p.name]?.properties ?? {}, "(root)")) {
            errors.push(`${p.name}: ${e.replace(/^\(root\): /, "")}`);
        }
    }
    errors.sort();
    return { config: result, errors };
}

/**
 * The lines the CLI prints for config validation errors: every pack's errors, each as
 * `validating policy config: <pack> <version>  <policy>: <error>`, sorted together
 * (pkg/engine/update.go, loadPolicyPlugins), printed as `error: ...` diagnostics.
 */
export function policyConfigErrorLines(errors: { pack: string; version: string; errors: string[] }[]): string[] {
    return errors
        .flatMap((p) => p.errors.map((e) => `validating policy config: ${p.pack} ${p.version}  ${e}`))
        .sort()
        .map((line) => `error: ${line}`);
}

function apply(result: PolicyPackConfig, given: PolicyPackConfig): void {
    const all = given.all?.enforcementLevel;
    if (all) {
        for (const k of Object.keys(result)) result[k] = { ...result[k], enforcementLevel: all };
    }
    for (const [policy, cfg] of Object.entries(given)) {
        const current = result[policy] ?? {};
        const properties = cfg.properties ? { ...(current.properties ?? {}), ...cfg.properties } : current.properties;
        result[policy] = { enforcementLevel: cfg.enforcementLevel ?? current.enforcementLevel, properties };
    }
}

type Schema = Record<string, unknown>;

/**
 * The part of JSON Schema that policy config schemas use, with gojsonschema's wording:
 * type, enum, const, properties, required, additionalProperties, items, min/max (length,
 * items, value), pattern, format date/date-time, oneOf/anyOf.
 */
export function validateJsonSchema(schema: Schema, value: unknown, at: string): string[] {
    // A value of the wrong type is reported alone, as gojsonschema does: the other keywords
    // would only restate it.
    const wrongType = typeError(schema, value);
    if (wrongType) return [located(at, wrongType)];
    return [
        ...valueErrors(schema, value, at),
        ...(typeof value === "string" ? stringErrors(schema, value) : []).map((e) => located(at, e)),
        ...(typeof value === "number" ? numberErrors(schema, value) : []).map((e) => located(at, e)),
        ...(Array.isArray(value) ? arrayErrors(schema, value, at) : []),
        ...(value && typeof value === "object" && !Array.isArray(value)
            ? objectErrors(schema, value as Record<string, unknown>, at)
            : []),
        ...combinationErrors(schema, value, at),
    ];
}

/** An error as gojsonschema prints it: the field's path, then the message. */
function located(at: string, message: string): string {
    return `${at}: ${message}`;
}

/** The path of a property or item below `at` (the root's children go without a prefix). */
function childPath(at: string, key: string | number): string {
    return at === "(root)" ? String(key) : `${at}.${key}`;
}

/** JSON Schema's name for the type of a value ("integer" for whole numbers). */
function jsonTypeOf(v: unknown): string {
    if (v === null) return "null";
    if (Array.isArray(v)) return "array";
    if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
    return typeof v;
}

function typeError(schema: Schema, value: unknown): string | undefined {
    const t = schema.type;
    if (t === undefined) return undefined;
    const types = Array.isArray(t) ? (t as string[]) : [t as string];
    const actual = jsonTypeOf(value);
    const ok = types.some((x) => x === actual || (x === "number" && actual === "integer"));
    return ok ? undefined : `Invalid type. Expected: ${types.join(", ")}, given: ${actual}`;
}

/** enum and const. gojsonschema's messages for these name the field itself (locales.go, DefaultLocale). */
function valueErrors(schema: Schema, value: unknown, at: string): string[] {
    const errors: string[] = [];
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        const allowed = schema.enum.map((e) => JSON.stringify(e)).join(", ");
        errors.push(located(at, `${at} must be one of the following: ${allowed}`));
    }
    if ("const" in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) {
        errors.push(located(at, `${at} does not match: ${JSON.stringify(schema.const)}`));
    }
    return errors;
}

function stringErrors(schema: Schema, value: string): string[] {
    const errors: string[] = [];
    if (typeof schema.minLength === "number" && value.length < schema.minLength)
        errors.push(`String length must be greater than or equal to ${schema.minLength}`);
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength)
        errors.push(`String length must be less than or equal to ${schema.maxLength}`);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern).test(value))
        errors.push(`Does not match pattern '${schema.pattern}'`);
    if (schema.format === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(value)) errors.push("Does not match format 'date'");
    if (schema.format === "date-time" && Number.isNaN(Date.parse(value)))
        errors.push("Does not match format 'date-time'");
    return errors;
}

function numberErrors(schema: Schema, value: number): string[] {
    const errors: string[] = [];
    if (typeof schema.minimum === "number" && value < schema.minimum)
        errors.push(`Must be greater than or equal to ${schema.minimum}`);
    if (typeof schema.maximum === "number" && value > schema.maximum)
        errors.push(`Must be less than or equal to ${schema.maximum}`);
    return errors;
}

function arrayErrors(schema: Schema, value: unknown[], at: string): string[] {
    const errors: string[] = [];
    if (typeof schema.minItems === "number" && value.length < schema.minItems)
        errors.push(located(at, `Array must have at least ${schema.minItems} items`));
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems)
        errors.push(located(at, `Array must have at most ${schema.maxItems} items`));
    if (schema.items && typeof schema.items === "object") {
        value.forEach((item, i) => errors.push(...validateJsonSchema(schema.items as Schema, item, childPath(at, i))));
    }
    return errors;
}

function objectErrors(schema: Schema, obj: Record<string, unknown>, at: string): string[] {
    const errors: string[] = [];
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) {
        if (!(r in obj)) errors.push(located(at, `${r} is required`));
    }
    for (const [k, v] of Object.entries(obj)) {
        if (props[k]) errors.push(...validateJsonSchema(props[k]!, v, childPath(at, k)));
        else if (schema.additionalProperties === false)
            errors.push(located(at, `Additional property ${k} is not allowed`));
        else if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
            errors.push(...validateJsonSchema(schema.additionalProperties as Schema, v, childPath(at, k)));
        }
    }
    return errors;
}

/** oneOf and anyOf: how many of the alternatives the value satisfies. */
function combinationErrors(schema: Schema, value: unknown, at: string): string[] {
    const errors: string[] = [];
    for (const key of ["oneOf", "anyOf"] as const) {
        const options = schema[key];
        if (!Array.isArray(options)) continue;
        const passing = options.filter((o) => validateJsonSchema(o as Schema, value, at).length === 0).length;
        if (key === "anyOf" ? passing === 0 : passing !== 1)
            errors.push(
                located(at, `Must validate ${key === "anyOf" ? "at least one" : "one and only one"} schema (${key})`),
            );
    }
    return errors;
}
