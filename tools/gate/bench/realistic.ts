/**
 * The benchmark's realistic large stack: the project's own program, run
 * once through the gate's engine, replicated N times as if N teams had deployed the five
 * tiers into one stack, plus unrelated resources up to the requested size, written as a
 * `pulumi stack export` (written by the gate's one writer, stack-export.ts).
 *
 * Why replicate records rather than generate resources: the copies carry every property,
 * dependency and policy document the real program produces, so the pack's network, IAM,
 * endpoint and monitoring rules do the work they do on the real stack, not on a sketch of it.
 * The real program is compliant, so a copy that draws mandatory findings is a broken copy
 * (or a rule that misbehaves at scale): the benchmark prints the findings per rule to tell.
 *
 * How a copy is renamed, consistently, so every reference still resolves inside its copy and
 * never into another one:
 * - URNs (the resource's, its parent's, its dependencies'): the resource name gets `-cNN`;
 *   the root Stack and the providers are shared by all copies (one stack, one set of
 *   providers), so references to them are kept;
 * - every string inside inputs, outputs and the id goes through one function of the string,
 *   so equal strings stay equal (a subnet id in a function's vpcConfig still equals the
 *   subnet's id) and a copy's strings differ from every other copy's:
 *   - `<project>-<stack>` (the prefix of the program's explicit physical names: table,
 *     stream, functions, buckets, log groups, alarms) becomes `<project>-<stack>-cNN`;
 *   - every hexadecimal run of 7+ characters that holds a letter (the random part of ids,
 *     auto-names, KMS key ids, ARNs built from them, distribution ids) is replaced by a
 *     hash of the run and the copy, same length and case. Runs of digits only are kept:
 *     they are the account id, durations (`max-age=63072000`) and other values with meaning.
 *   The engine's special signatures (secret, asset, archive markers) are never renamed.
 */
import * as crypto from "crypto";
import type { ResourceRecord } from "../types";
import { SECRET_SIG } from "../types";

/** Marker values of special objects (secret, asset, archive, resource reference): never renamed. */
const SIGNATURES = new Set([
    SECRET_SIG,
    "c44067f5952c0a294b673a41bacd8c17", // asset
    "0def7320c3a5731c473e5ecbe6d01bc7", // archive
    "5cf8f73096256a8f31e491e813e4eb8e", // resource reference
    "d0e6a833031e9bbcd3f4e8bde6ca49a4", // output value
]);

/** A hexadecimal run standing on its own (not part of a longer word). */
const HEX_RUN = /(?<![0-9A-Za-z])[0-9a-fA-F]{7,}(?![0-9A-Za-z])/g;

const isShared = (r: ResourceRecord): boolean =>
    r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:");

/** The string renaming of copy `copy`: a pure function of the string (see the module comment). */
export function copyRenamer(prefix: string, copy: number): (s: string) => string {
    const tag = `c${String(copy).padStart(2, "0")}`;
    const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const prefixRe = new RegExp(`(?<![0-9A-Za-z])${escaped}(?![0-9A-Za-z])`, "g");
    const cache = new Map<string, string>();
    const hexRun = (run: string): string => {
        if (SIGNATURES.has(run) || !/[a-fA-F]/.test(run)) return run;
        let out = cache.get(run);
        if (out === undefined) {
            let hex = "";
            for (let i = 0; hex.length < run.length; i++) {
                hex += crypto.createHash("sha256").update(`${run}:${copy}:${i}`).digest("hex");
            }
            // Keep the run's shape: an all-upper-case id (a distribution) stays upper case.
            out = hex.slice(0, run.length);
            if (run === run.toUpperCase()) out = out.toUpperCase();
            cache.set(run, out);
        }
        return out;
    };
    return (s: string): string => {
        if (SIGNATURES.has(s)) return s;
        return s.replace(prefixRe, `${prefix}-${tag}`).replace(HEX_RUN, hexRun);
    };
}

function mapStrings(v: unknown, f: (s: string) => string): unknown {
    if (typeof v === "string") return f(v);
    if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
    if (v && typeof v === "object") {
        const out: Record<string, unknown> = {};
        // Keys are property names (and signature keys): only values are renamed.
        for (const [k, x] of Object.entries(v)) out[k] = mapStrings(x, f);
        return out;
    }
    return v;
}

/** One renamed copy of the program's records (the shared Stack and providers left out). */
export function copyOf(
    records: readonly ResourceRecord[],
    project: string,
    stack: string,
    copy: number,
): ResourceRecord[] {
    const tag = `c${String(copy).padStart(2, "0")}`;
    const rename = copyRenamer(`${project}-${stack}`, copy);
    const urns = new Map<string, string>();
    for (const r of records) if (!isShared(r)) urns.set(r.urn, `${r.urn}-${tag}`);
    const urn = (u: string): string => urns.get(u) ?? u;
    return records
        .filter((r) => !isShared(r))
        .map((r): ResourceRecord => ({
            ...r,
            urn: urn(r.urn),
            name: `${r.name}-${tag}`,
            ...(r.id !== undefined ? { id: rename(r.id) } : {}),
            ...(r.parent !== undefined ? { parent: urn(r.parent) } : {}),
            dependencies: r.dependencies.map(urn),
            propertyDependencies: Object.fromEntries(
                Object.entries(r.propertyDependencies).map(([k, list]) => [k, list.map(urn)]),
            ),
            inputs: mapStrings(r.inputs, rename) as Record<string, unknown>,
            outputs: mapStrings(r.outputs, rename) as Record<string, unknown>,
            // The inputs hold each referenced resource's id, renamed with the copy; the references
            // themselves would name the original's resources, so the copy is written without them.
            inputReferences: undefined,
        }));
}

/** One unrelated resource: what its record needs beyond the stack's URN, provider and parent. */
interface NoiseResource {
    type: string;
    name: string;
    id: string;
    inputs: Record<string, unknown>;
    /** The outputs the provider computes beyond the inputs and the id. */
    computed: Record<string, unknown>;
}

/** Where the noise lives, and `hex`, a stable per-resource hash for its random-looking parts. */
interface NoiseSeed {
    i: number;
    hex: string;
    project: string;
    stack: string;
    region: string;
}

/** The three kinds of noise, taken in turn (a data table: one builder per type). */
const NOISE_KINDS: ((s: NoiseSeed) => NoiseResource)[] = [
    ({ i, hex, project, stack, region }) => {
        const id = `/${project}/${stack}/settings/${i}`;
        return {
            type: "aws:ssm/parameter:Parameter",
            name: `noise-param-${i}`,
            id,
            inputs: {
                name: id,
                type: "String",
                value: `value-${hex.slice(0, 16)}`,
                tier: "Standard",
                tags: { Team: `team-${i % 40}` },
            },
            computed: {
                arn: `arn:aws:ssm:${region}:123456789012:parameter${id}`,
                version: 1,
                tagsAll: { Team: `team-${i % 40}` },
            },
        };
    },
    ({ i, hex, region }) => ({
        type: "aws:route53/record:Record",
        name: `noise-dns-${i}`,
        id: `Z0${hex.slice(0, 12).toUpperCase()}_svc-${i}.internal.example.com_CNAME`,
        inputs: {
            zoneId: `Z0${hex.slice(0, 12).toUpperCase()}`,
            name: `svc-${i}.internal.example.com`,
            type: "CNAME",
            ttl: 300,
            records: [`svc-${i}.${region}.elb.amazonaws.com`],
        },
        computed: { fqdn: `svc-${i}.internal.example.com` },
    }),
    ({ i, hex, region }) => {
        const name = `noise-schedule-${i}`;
        const id = `${name}-${hex.slice(0, 7)}`;
        return {
            type: "aws:cloudwatch/eventRule:EventRule",
            name,
            id,
            inputs: {
                name: id,
                scheduleExpression: `rate(${5 + (i % 55)} minutes)`,
                state: "ENABLED",
                description: "nightly housekeeping",
                tags: { Team: `team-${i % 40}` },
            },
            computed: {
                arn: `arn:aws:events:${region}:123456789012:rule/${id}`,
                tagsAll: { Team: `team-${i % 40}` },
            },
        };
    },
];

/**
 * Resources a large account's stack holds beside the app, of types no rule of the pack
 * inspects (parameters, DNS records, schedules), so every finding on the realistic stack
 * comes from the copies: their time is the framework's per-resource cost, not a rule's.
 */
export function noiseRecords(
    count: number,
    stackUrn: string,
    provider: string | undefined,
    project: string,
    stack: string,
    region: string,
): ResourceRecord[] {
    return Array.from({ length: count }, (_, i): ResourceRecord => {
        const hex = crypto.createHash("sha256").update(`noise-${i}`).digest("hex");
        const kind = NOISE_KINDS[i % NOISE_KINDS.length]!;
        const { type, name, id, inputs, computed } = kind({ i, hex, project, stack, region });
        return {
            urn: `urn:pulumi:${stack}::${project}::${type}::${name}`,
            type,
            name,
            custom: true,
            id,
            parent: stackUrn,
            ...(provider ? { provider } : {}),
            dependencies: [],
            propertyDependencies: {},
            inputs,
            outputs: { ...inputs, ...computed, id },
            options: {},
        };
    });
}

export interface RealisticStack {
    resources: ResourceRecord[];
    copies: number;
    /** Resources one copy adds (the program's, less the shared Stack and providers). */
    perCopy: number;
    noise: number;
    /** Ids that occur in more than one resource (a broken renaming would show here). */
    duplicateIds: number;
}

/**
 * `size` resources: the shared Stack and providers, `copies` renamed copies of the program
 * (default: as many as fill 70% of `size`, at least one), and noise for the rest.
 */
export function realisticStack(
    program: readonly ResourceRecord[],
    project: string,
    stack: string,
    region: string,
    size: number,
    copies?: number,
): RealisticStack {
    const shared = program.filter(isShared);
    const perCopy = program.length - shared.length;
    const n = copies ?? Math.max(1, Math.floor((0.7 * size) / perCopy));
    const resources: ResourceRecord[] = [...shared];
    for (let c = 0; c < n; c++) resources.push(...copyOf(program, project, stack, c));
    const stackUrn =
        shared.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ??
        `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
    // The noise uses the provider most of the program's resources use (the regional one).
    const counts = new Map<string, number>();
    for (const r of program) if (r.provider) counts.set(r.provider, (counts.get(r.provider) ?? 0) + 1);
    const provider = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    const noise = Math.max(0, size - resources.length);
    resources.push(...noiseRecords(noise, stackUrn, provider, project, stack, region));
    const seen = new Map<string, number>();
    for (const r of resources) if (r.id) seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
    const duplicateIds = [...seen.values()].filter((c) => c > 1).length;
    return { resources, copies: n, perCopy, noise, duplicateIds };
}
