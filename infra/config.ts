/**
 * Typed, validated stack configuration (namespace `secure-web-app:`).
 *
 * Every key has a default except the optional ones; a bad value stops the program before
 * any resource is registered, with ONE error that names each offending key and the values
 * it accepts. `parseConfig` is pure (a key -> raw string lookup in, a typed object out) so
 * the tests exercise it without the Pulumi runtime; `loadConfig` wires it to the stack.
 */
import * as pulumi from "@pulumi/pulumi";

export const CONFIG_NAMESPACE = "secure-web-app";

/** The program deploys to one region; the global pieces (CloudFront, its WAF, Lambda@Edge, ACM) go to us-east-1. */
export const SUPPORTED_REGIONS = ["us-west-2"] as const;
export type Region = (typeof SUPPORTED_REGIONS)[number];

export const NAT_STRATEGIES = ["single", "perAz"] as const;
export type NatStrategy = (typeof NAT_STRATEGIES)[number];

export const KINESIS_MODES = ["provisioned", "onDemand"] as const;
export type KinesisMode = (typeof KINESIS_MODES)[number];

export const PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;
export type PriceClass = (typeof PRICE_CLASSES)[number];

/** The values CloudWatch Logs accepts for a log group's retention (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Functions whose reserved concurrency may be set (the edge function cannot have any). */
export const RESERVABLE_FUNCTIONS = ["api", "streamProcessor"] as const;
export type ReservableFunction = (typeof RESERVABLE_FUNCTIONS)[number];

/** us-west-2 has four AZs (a-d); two is the floor for a highly available deployment. */
export const MIN_AZ_COUNT = 2;
export const MAX_AZ_COUNT = 4;

export type KinesisCapacity = { mode: "provisioned"; shardCount: number } | { mode: "onDemand" };

export interface CustomDomain {
    /** The viewer-facing host name (a CloudFront alternate domain name). */
    domainName: string;
    /** ACM certificate in us-east-1 covering `domainName` (CloudFront reads certificates only there). */
    acmCertificateArn: string;
}

export interface AppConfig {
    region: Region;
    vpcCidr: string;
    azCount: number;
    natStrategy: NatStrategy;
    alertEmails: string[];
    logRetentionDays: number;
    dynamoDeletionProtection: boolean;
    kinesis: KinesisCapacity;
    reservedConcurrency: Partial<Record<ReservableFunction, number>>;
    customDomain?: CustomDomain;
    internalCallerRoleArns: string[];
    tags: Record<string, string>;
    priceClass: PriceClass;
    manageApiGatewayAccount: boolean;
    /** Hours the change stream keeps records (24 to 8760). */
    kinesisRetentionHours: number;
    /** Seconds over which the VPC flow log aggregates a flow into one record: 60 or 600. */
    flowLogAggregationSeconds: FlowLogAggregation;
}

/** The aggregation intervals CreateFlowLogs accepts (EC2 API reference, MaxAggregationInterval). */
export const FLOW_LOG_AGGREGATION_SECONDS = [60, 600] as const;
export type FlowLogAggregation = (typeof FLOW_LOG_AGGREGATION_SECONDS)[number];

/** What a setting's `parse` returns for a value it does not accept. */
const REJECTED = Symbol("rejected");

/** One key of the stack config: the single place its form, default, accepted values and meaning are written. */
export interface ConfigSetting<T> {
    /** The value's form in the stack file. */
    type: "string" | "integer" | "boolean" | "list" | "map";
    /** The value an absent key takes; undefined for an optional key (absent means "none"). */
    default?: T;
    /** What the key accepts, as the error message and the README's table say it. */
    accepted: string;
    /** What the key does, for the README's table. */
    description: string;
    /** The typed value of a raw config string, or REJECTED. */
    parse(raw: string): T | typeof REJECTED;
}

const setting = <T>(s: ConfigSetting<T>): ConfigSetting<T> => s;
const oneOf = (values: readonly (string | number)[]) => values.map((v) => JSON.stringify(v)).join(", ");

const member =
    <T extends string | number>(values: readonly T[]) =>
    (raw: string): T | typeof REJECTED => {
        const v = (typeof values[0] === "number" ? Number(raw) : raw) as T;
        return values.includes(v) ? v : REJECTED;
    };
const inRange = (n: unknown, min: number, max: number): n is number =>
    Number.isInteger(n) && (n as number) >= min && (n as number) <= max;
const integer =
    (min: number, max: number) =>
    (raw: string): number | typeof REJECTED => {
        const n = Number(raw);
        return inRange(n, min, max) ? n : REJECTED;
    };
const boolean = (raw: string): boolean | typeof REJECTED =>
    raw === "true" || raw === "false" ? raw === "true" : REJECTED;
const matching = (pattern: RegExp) => (raw: string) => (pattern.test(raw) ? raw : REJECTED);

/** A JSON value (Pulumi passes YAML lists and maps as JSON) that `valid` accepts. */
const json =
    <T>(valid: (v: unknown) => boolean, normalise: (v: T) => T = (v) => v) =>
    (raw: string): T | typeof REJECTED => {
        let v: unknown;
        try {
            v = JSON.parse(raw);
        } catch {
            return REJECTED;
        }
        return valid(v) ? normalise(v as T) : REJECTED;
    };
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const stringList = (pattern: RegExp) =>
    json<string[]>(
        (v) => Array.isArray(v) && v.every((s) => typeof s === "string" && pattern.test(s)),
        (v) => [...new Set(v)],
    );

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const ACM_US_EAST_1_ARN = /^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/;
const HOST_NAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;
const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
/** Lambda's ceiling for one function's reserved concurrency in a default account. */
const MAX_RESERVED_CONCURRENCY = 1000;

/**
 * Every key this program reads, in the stack file's order; anything else under the namespace
 * is a typo and rejected. The parser, the defaults the components get, the README's config
 * table (tools/docs/generate-config.ts) and its staleness test all read this table.
 */
export const CONFIG_TABLE = {
    region: setting<Region>({
        type: "string",
        default: "us-west-2",
        accepted: oneOf(SUPPORTED_REGIONS),
        description:
            "Region of the stack (keep `aws:region` the same for tools that read it). CloudFront's web ACL, " +
            "Lambda@Edge, its log delivery and the CloudFront alarm go to us-east-1 regardless: AWS keeps them there.",
        parse: member(SUPPORTED_REGIONS),
    }),
    vpcCidr: setting<string>({
        type: "string",
        default: "10.40.0.0/16",
        accepted: 'an IPv4 network address with a prefix from /16 to /24 (e.g. "10.40.0.0/16")',
        description:
            "IPv4 range of the VPC. Its 16 equal parts are the subnets: private ones from part 0, public ones from part 8.",
        parse: (raw) => (isAlignedCidr(raw, 16, 24) ? raw : REJECTED),
    }),
    azCount: setting<number>({
        type: "integer",
        default: 2,
        accepted: `integers from ${MIN_AZ_COUNT} to ${MAX_AZ_COUNT}`,
        description: "Availability zones the subnets and functions spread over.",
        parse: integer(MIN_AZ_COUNT, MAX_AZ_COUNT),
    }),
    natStrategy: setting<NatStrategy>({
        type: "string",
        default: "single",
        accepted: oneOf(NAT_STRATEGIES),
        description:
            'NAT gateways: "single" (one, in the first AZ; Lambda traffic uses the VPC endpoints, so the NAT carries ' +
            'none of it) or "perAz" (internet egress survives the loss of an AZ).',
        parse: member(NAT_STRATEGIES),
    }),
    alertEmails: setting<string[]>({
        type: "list",
        default: [],
        accepted: 'a JSON list of e-mail addresses (e.g. ["ops@example.com"])',
        description:
            "Addresses that get the alarm e-mails; each confirms its SNS subscription once. With none the alarms " +
            "notify nobody and the policy pack reports it.",
        parse: stringList(EMAIL),
    }),
    logRetentionDays: setting<number>({
        type: "integer",
        default: 365,
        accepted: oneOf(LOG_RETENTION_DAYS),
        description: "Days every log group of the stack keeps its events (the values CloudWatch Logs offers).",
        parse: member(LOG_RETENTION_DAYS),
    }),
    dynamoDeletionProtection: setting<boolean>({
        type: "boolean",
        default: true,
        accepted: "true, false",
        description: "Refuse DeleteTable on the items table. Set false before `pulumi destroy`.",
        parse: boolean,
    }),
    kinesisStreamMode: setting<KinesisMode>({
        type: "string",
        default: "provisioned",
        accepted: oneOf(KINESIS_MODES),
        description: 'Capacity of the change stream: "provisioned" with kinesisShardCount, or "onDemand" without it.',
        parse: member(KINESIS_MODES),
    }),
    kinesisShardCount: setting<number>({
        type: "integer",
        default: 1,
        // 500 is the default shard quota per account in us-west-2.
        accepted: "integers from 1 to 500",
        description: 'Shards of a provisioned stream; setting it with kinesisStreamMode "onDemand" is an error.',
        parse: integer(1, 500),
    }),
    kinesisRetentionHours: setting<number>({
        type: "integer",
        // Kinesis's own default: extended retention more than doubles a one-shard stream (docs/COST.md).
        default: 24,
        accepted: "integers from 24 to 8760",
        description:
            "Hours the change stream keeps records. 24 costs nothing extra; a production stack that must replay a " +
            "failed batch after a weekend sets 168 (docs/COST.md).",
        parse: integer(24, 8760),
    }),
    flowLogAggregationSeconds: setting<FlowLogAggregation>({
        type: "integer",
        // The flow log's own default; 60 s writes up to ten times the records of a long flow.
        default: 600,
        accepted: oneOf(FLOW_LOG_AGGREGATION_SECONDS),
        description:
            "Seconds over which the VPC flow log aggregates a flow into one record: 600 (AWS's default) or 60 " +
            "(finer timing, up to ten times the records to ingest for long flows).",
        parse: member(FLOW_LOG_AGGREGATION_SECONDS),
    }),
    reservedConcurrency: setting<Partial<Record<ReservableFunction, number>>>({
        type: "map",
        accepted:
            `a JSON object with optional keys ${oneOf(RESERVABLE_FUNCTIONS)} and integer values from 1 to ` +
            `${MAX_RESERVED_CONCURRENCY} (e.g. {"api": 10})`,
        description:
            "Reserved concurrency per function. New accounts have low concurrency quotas; Lambda refuses a " +
            "reservation that leaves the account fewer than 100 unreserved executions.",
        parse: json(
            (v) =>
                isMap(v) &&
                Object.entries(v).every(
                    ([fn, n]) =>
                        (RESERVABLE_FUNCTIONS as readonly string[]).includes(fn) &&
                        inRange(n, 1, MAX_RESERVED_CONCURRENCY),
                ),
        ),
    }),
    customDomain: setting<string>({
        type: "string",
        accepted: 'a lower-case DNS host name (e.g. "app.example.com")',
        description:
            "The viewer-facing host name, with acmCertificateArn (both or neither). Viewers then need TLS 1.2 " +
            "(TLSv1.2_2021, SNI); point the domain's DNS at the distribution yourself.",
        parse: matching(HOST_NAME),
    }),
    acmCertificateArn: setting<string>({
        type: "string",
        accepted:
            'an ACM certificate ARN in us-east-1 ("arn:aws:acm:us-east-1:<account>:certificate/<id>"): ' +
            "CloudFront reads certificates only from us-east-1",
        description: "The certificate covering customDomain, with customDomain (both or neither).",
        parse: matching(ACM_US_EAST_1_ARN),
    }),
    internalCallerRoleArns: setting<string[]>({
        type: "list",
        default: [],
        accepted: 'a JSON list of IAM role ARNs (e.g. ["arn:aws:iam::123456789012:role/reporting"])',
        description:
            "IAM roles (any account) that may read the origin-verify secret and call the API directly. They must " +
            "exist: KMS and Secrets Manager reject policies naming unknown principals.",
        parse: stringList(ROLE_ARN),
    }),
    tags: setting<Record<string, string>>({
        type: "map",
        default: {},
        accepted:
            'a JSON object of tag keys (not starting with "aws:", up to 128 characters) to string values (up to 256)',
        description: "Tags on every resource (provider default tags), added to project, stack and managed-by.",
        parse: json(
            (v) =>
                isMap(v) &&
                Object.entries(v).every(([k, t]) => TAG_KEY.test(k) && typeof t === "string" && TAG_VALUE.test(t)),
        ),
    }),
    priceClass: setting<PriceClass>({
        type: "string",
        default: "PriceClass_100",
        accepted: oneOf(PRICE_CLASSES),
        description: "CloudFront price class: PriceClass_100 serves North America and Europe.",
        parse: member(PRICE_CLASSES),
    }),
    manageApiGatewayAccount: setting<boolean>({
        type: "boolean",
        default: true,
        accepted: "true, false",
        description:
            "Whether this stack sets API Gateway's CloudWatch Logs role (one per account and region; stage logging " +
            "needs it). Set false when another stack or tool manages it.",
        parse: boolean,
    }),
};

export type ConfigKey = keyof typeof CONFIG_TABLE;
export const CONFIG_KEYS = Object.keys(CONFIG_TABLE) as ConfigKey[];
/** The value a key's setting parses to. */
type ConfigValue<K extends ConfigKey> = (typeof CONFIG_TABLE)[K] extends ConfigSetting<infer T> ? T : never;
type ConfigValues = { [K in ConfigKey]: ConfigValue<K> | undefined };

/** Each key's default (undefined for the optional ones), read from the table. */
export const DEFAULTS = Object.fromEntries(CONFIG_KEYS.map((k) => [k, CONFIG_TABLE[k].default])) as {
    [K in ConfigKey]: (typeof CONFIG_TABLE)[K]["default"];
};

/** Thrown for invalid configuration; a RunError so the CLI prints the message without a stack trace. */
export class ConfigError extends pulumi.RunError {
    constructor(public readonly problems: string[]) {
        super(
            problems.length === 1
                ? `Invalid stack configuration: ${problems[0]}`
                : `Invalid stack configuration:\n  - ${problems.join("\n  - ")}`,
        );
        this.name = "ConfigError";
    }
}

/** A raw value lookup: the string Pulumi holds for `secure-web-app:<key>`, or undefined. */
export type RawConfig = (key: ConfigKey) => string | undefined;

const key = (k: string) => `${CONFIG_NAMESPACE}:${k}`;

/**
 * Parses and validates the raw configuration. Collects every problem, then throws one
 * ConfigError naming each key with the values it accepts.
 */
export function parseConfig(raw: RawConfig, presentKeys: string[] = []): AppConfig {
    const problems = presentKeys
        .filter((k) => !(CONFIG_KEYS as string[]).includes(k))
        .map((k) => `${key(k)} is not a known key: accepted keys are ${CONFIG_KEYS.join(", ")}`);
    const values = {} as Record<ConfigKey, unknown>;
    for (const k of CONFIG_KEYS) {
        const text = raw(k);
        const parsed = text === undefined ? REJECTED : CONFIG_TABLE[k].parse(text);
        if (text !== undefined && parsed === REJECTED) {
            problems.push(`${key(k)} = ${JSON.stringify(text)}: accepted values are ${CONFIG_TABLE[k].accepted}`);
        }
        // A rejected value takes the default too, so the checks below see a typed value.
        values[k] = parsed === REJECTED ? CONFIG_TABLE[k].default : parsed;
    }
    const v = values as ConfigValues;
    problems.push(...pairingProblems(raw, v.kinesisStreamMode));
    if (problems.length > 0) throw new ConfigError(problems);
    return {
        region: v.region!,
        vpcCidr: v.vpcCidr!,
        azCount: v.azCount!,
        natStrategy: v.natStrategy!,
        alertEmails: v.alertEmails!,
        logRetentionDays: v.logRetentionDays!,
        dynamoDeletionProtection: v.dynamoDeletionProtection!,
        kinesis:
            v.kinesisStreamMode === "onDemand"
                ? { mode: "onDemand" }
                : { mode: "provisioned", shardCount: v.kinesisShardCount! },
        reservedConcurrency: v.reservedConcurrency ?? {},
        customDomain:
            v.customDomain !== undefined && v.acmCertificateArn !== undefined
                ? { domainName: v.customDomain, acmCertificateArn: v.acmCertificateArn }
                : undefined,
        internalCallerRoleArns: v.internalCallerRoleArns!,
        tags: v.tags!,
        priceClass: v.priceClass!,
        manageApiGatewayAccount: v.manageApiGatewayAccount!,
        kinesisRetentionHours: v.kinesisRetentionHours!,
        flowLogAggregationSeconds: v.flowLogAggregationSeconds!,
    };
}

/** Keys that are only valid together (a domain and its certificate) or apart (on-demand and a shard count). */
function pairingProblems(raw: RawConfig, mode: KinesisMode | undefined): string[] {
    const problems: string[] = [];
    if (mode === "onDemand" && raw("kinesisShardCount") !== undefined) {
        problems.push(
            `${key("kinesisShardCount")} is set while ${key("kinesisStreamMode")} = "onDemand": ` +
                `accepted values are either kinesisStreamMode "provisioned" with kinesisShardCount, ` +
                `or kinesisStreamMode "onDemand" without kinesisShardCount`,
        );
    }
    if ((raw("customDomain") === undefined) !== (raw("acmCertificateArn") === undefined)) {
        problems.push(
            `${key("customDomain")} and ${key("acmCertificateArn")} go together: accepted values are both set or neither`,
        );
    }
    return problems;
}

/** True for "a.b.c.d/p" with min <= p <= max and no host bits set. */
export function isAlignedCidr(cidr: string, minPrefix: number, maxPrefix: number): boolean {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (!m) return false;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix < minPrefix || prefix > maxPrefix) return false;
    const address = octets.reduce((acc, o) => acc * 256 + o, 0);
    return address % 2 ** (32 - prefix) === 0;
}

/** Reads `secure-web-app:*` from the running stack and validates it. */
export function loadConfig(): AppConfig {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    const prefix = `${CONFIG_NAMESPACE}:`;
    const present = Object.keys(pulumi.runtime.allConfig())
        .filter((k) => k.startsWith(prefix))
        .map((k) => k.slice(prefix.length));
    return parseConfig((k) => config.get(k), present);
}
