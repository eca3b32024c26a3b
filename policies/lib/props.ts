/**
 * Safe property readers. Rules read resource properties only through these, so an unexpected
 * shape (null, a number where a string belongs, an array of junk) yields `undefined` instead of
 * a TypeError, and an unknown preview value yields the `PACK_UNKNOWN` marker instead of an exception
 * in the middle of a check.
 *
 * The framework (lib/rule.ts) hands rules the raw deserialized properties, not @pulumi/policy's
 * unknown-checking proxy: the proxy throws on the first unknown it meets, which would abort a
 * stack rule for every resource when only one of them is undecided. Rules instead test
 * `isUnknown(value)` and call `ctx.undecided(...)`, and the framework raises the policy SDK's
 * own "can't run policy during preview" advisory once, after the decided findings are reported.
 */

/**
 * The pack's own marker for a value the engine does not know yet (preview): the SDK's unknown
 * sentinels (below) as the pack's readers return them. It never crosses the wire; the gate's
 * side of the protocol has its own name for the wire string.
 */
export const PACK_UNKNOWN: unique symbol = Symbol("pack-unknown");
export type Unknown = typeof PACK_UNKNOWN;

/**
 * The string the engine sends for an unknown value and @pulumi/policy passes through
 * (`unknownStringValue` in @pulumi/policy's proxy.js; the engine's `UnknownStringValue` in
 * sdk/go/common/resource/plugin/rpc.go): what a test writes to send the pack an unknown.
 */
export const SDK_UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The sentinels the engine and @pulumi/policy use for unknown values (string, boolean, number,
 * array, asset, archive, object). The engine sends the string one; the others appear when a
 * deserializer types the value.
 */
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    SDK_UNKNOWN_STRING,
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** The wire signature of special values (secrets, assets, resource references). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** True for an unknown preview value (the engine's sentinel or our marker). */
export function isUnknown(value: unknown): value is Unknown {
    return value === PACK_UNKNOWN || (typeof value === "string" && UNKNOWN_SENTINELS.has(value));
}

/**
 * Unwraps a secret left in its wire form (the SDK normally unwraps them; a stack export read
 * as plain JSON does not). Anything else is returned unchanged.
 */
export function unwrapSecret(value: unknown): unknown {
    if (isRecord(value) && value[SIG_KEY] === SECRET_SIG) return unwrapSecret(value.value);
    return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a path of keys and indexes: `read(props, "serverSideEncryption", "kmsKeyArn")`.
 * Returns PACK_UNKNOWN as soon as a step (or the value) is unknown, `undefined` when a step does
 * not exist or has the wrong shape. A one-element array is NOT flattened: pass the index.
 */
export function read(root: unknown, ...path: (string | number)[]): unknown {
    let current = unwrapSecret(root);
    for (const step of path) {
        if (isUnknown(current)) return PACK_UNKNOWN;
        if (typeof step === "number") {
            if (!Array.isArray(current)) return undefined;
            current = unwrapSecret(current[step]);
        } else {
            if (!isRecord(current)) return undefined;
            if (!Object.prototype.hasOwnProperty.call(current, step)) return undefined;
            current = unwrapSecret(current[step]);
        }
    }
    return isUnknown(current) ? PACK_UNKNOWN : current;
}

/** A string, PACK_UNKNOWN, or undefined (absent or not a string). */
export function str(value: unknown): string | Unknown | undefined {
    const v = unwrapSecret(value);
    if (isUnknown(v)) return PACK_UNKNOWN;
    return typeof v === "string" ? v : undefined;
}

/** A boolean (also from the strings "true"/"false"), PACK_UNKNOWN, or undefined. */
export function bool(value: unknown): boolean | Unknown | undefined {
    const v = unwrapSecret(value);
    if (isUnknown(v)) return PACK_UNKNOWN;
    if (typeof v === "boolean") return v;
    if (v === "true") return true;
    if (v === "false") return false;
    return undefined;
}

/** A finite number (also from a numeric string), PACK_UNKNOWN, or undefined. */
export function num(value: unknown): number | Unknown | undefined {
    const v = unwrapSecret(value);
    if (isUnknown(v)) return PACK_UNKNOWN;
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
    return undefined;
}

/** An array (secrets inside unwrapped), PACK_UNKNOWN, or undefined. A lone object is NOT wrapped. */
export function arr(value: unknown): unknown[] | Unknown | undefined {
    const v = unwrapSecret(value);
    if (isUnknown(v)) return PACK_UNKNOWN;
    return Array.isArray(v) ? v.map(unwrapSecret) : undefined;
}

/** An array of whatever was given: an array as is, a single value as `[value]`, absent as `[]`. */
export function list(value: unknown): unknown[] | Unknown {
    const v = unwrapSecret(value);
    if (isUnknown(v)) return PACK_UNKNOWN;
    if (v === undefined || v === null) return [];
    return Array.isArray(v) ? v.map(unwrapSecret) : [v];
}

/** A plain object, PACK_UNKNOWN, or undefined. */
export function rec(value: unknown): Record<string, unknown> | Unknown | undefined {
    const v = unwrapSecret(value);
    if (isUnknown(v)) return PACK_UNKNOWN;
    return isRecord(v) ? v : undefined;
}

/** The strings of a string-or-array value; PACK_UNKNOWN if any element is unknown; junk dropped. */
export function strings(value: unknown): string[] | Unknown {
    const items = list(value);
    if (items === PACK_UNKNOWN) return PACK_UNKNOWN;
    const out: string[] = [];
    for (const item of items) {
        if (isUnknown(item)) return PACK_UNKNOWN;
        if (typeof item === "string") out.push(item);
    }
    return out;
}

/** True when the value, or anything nested in it, is unknown. */
export function hasUnknown(value: unknown, depth = 0): boolean {
    const v = unwrapSecret(value);
    if (isUnknown(v)) return true;
    if (depth > 64) return false;
    if (Array.isArray(v)) return v.some((item) => hasUnknown(item, depth + 1));
    if (isRecord(v)) return Object.values(v).some((item) => hasUnknown(item, depth + 1));
    return false;
}

/** True for a value that is neither absent nor unknown: "is this property set". */
export function isSet(value: unknown): boolean {
    const v = unwrapSecret(value);
    return v !== undefined && v !== null && v !== "" && !isUnknown(v);
}

/** A short, bounded rendering of a value for messages. */
export function show(value: unknown, max = 120): string {
    let text: string;
    try {
        text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
    } catch {
        text = String(value);
    }
    return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
