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

/** Every key this program reads; anything else under the namespace is a typo and rejected. */
export const CONFIG_KEYS = [
    "region",
    "vpcCidr",
    "azCount",
    "natStrategy",
    "alertEmails",
    "logRetentionDays",
    "dynamoDeletionProtection",
    "kinesisStreamMode",
    "kinesisShardCount",
    "reservedConcurrency",
    "customDomain",
    "acmCertificateArn",
    "internalCallerRoleArns",
    "tags",
    "priceClass",
    "manageApiGatewayAccount",
    "kinesisRetentionHours",
    "flowLogAggregationSeconds",
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

export const DEFAULTS = {
    region: "us-west-2",
    vpcCidr: "10.40.0.0/16",
    azCount: 2,
    natStrategy: "single",
    logRetentionDays: 365,
    dynamoDeletionProtection: true,
    kinesisStreamMode: "provisioned",
    kinesisShardCount: 1,
    priceClass: "PriceClass_100",
    manageApiGatewayAccount: true,
    // Kinesis's own default: extended retention more than doubles a one-shard stream (docs/COST.md).
    kinesisRetentionHours: 24,
    // The flow log's own default; 60 s writes up to ten times the records of a long flow.
    flowLogAggregationSeconds: 600,
} as const;

/** The aggregation intervals CreateFlowLogs accepts (EC2 API reference, MaxAggregationInterval). */
export const FLOW_LOG_AGGREGATION_SECONDS = [60, 600] as const;
export type FlowLogAggregation = (typeof FLOW_LOG_AGGREGATION_SECONDS)[number];

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

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const ACM_US_EAST_1_ARN = /^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/;
const HOST_NAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;
const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/** A raw value lookup: the string Pulumi holds for `secure-web-app:<key>`, or undefined. */
export type RawConfig = (key: ConfigKey) => string | undefined;

const key = (k: ConfigKey) => `${CONFIG_NAMESPACE}:${k}`;
const oneOf = (values: readonly (string | number)[]) => values.map((v) => JSON.stringify(v)).join(", ");

/**
 * Parses and validates the raw configuration. Collects every problem, then throws one
 * ConfigError naming each key with the values it accepts.
 */
export function parseConfig(raw: RawConfig, presentKeys: string[] = []): AppConfig {
    const problems: string[] = [];
    const bad = (k: ConfigKey, got: string, accepted: string) =>
        problems.push(`${key(k)} = ${JSON.stringify(got)}: accepted values are ${accepted}`);

    const unknown = presentKeys.filter((k) => !(CONFIG_KEYS as readonly string[]).includes(k));
    for (const k of unknown) {
        problems.push(`${CONFIG_NAMESPACE}:${k} is not a known key: accepted keys are ${CONFIG_KEYS.join(", ")}`);
    }

    const enumValue = <T extends string>(k: ConfigKey, values: readonly T[], fallback: T): T => {
        const v = raw(k);
        if (v === undefined) return fallback;
        if ((values as readonly string[]).includes(v)) return v as T;
        bad(k, v, oneOf(values));
        return fallback;
    };
    const intValue = (k: ConfigKey, min: number, max: number, fallback: number): number => {
        const v = raw(k);
        if (v === undefined) return fallback;
        const n = Number(v);
        if (Number.isInteger(n) && n >= min && n <= max) return n;
        bad(k, v, `integers from ${min} to ${max}`);
        return fallback;
    };
    const boolValue = (k: ConfigKey, fallback: boolean): boolean => {
        const v = raw(k);
        if (v === undefined) return fallback;
        if (v === "true" || v === "false") return v === "true";
        bad(k, v, `true, false`);
        return fallback;
    };
    const jsonValue = (k: ConfigKey, accepted: string): unknown => {
        const v = raw(k);
        if (v === undefined) return undefined;
        try {
            return JSON.parse(v);
        } catch {
            bad(k, v, accepted);
            return undefined;
        }
    };
    const stringList = (k: ConfigKey, pattern: RegExp, accepted: string): string[] => {
        const v = jsonValue(k, accepted);
        if (v === undefined) return [];
        if (Array.isArray(v) && v.every((s) => typeof s === "string" && pattern.test(s))) {
            return [...new Set(v as string[])];
        }
        bad(k, raw(k)!, accepted);
        return [];
    };

    const region = enumValue("region", SUPPORTED_REGIONS, DEFAULTS.region);

    const vpcCidr = raw("vpcCidr") ?? DEFAULTS.vpcCidr;
    if (!isAlignedCidr(vpcCidr, 16, 24)) {
        bad("vpcCidr", vpcCidr, "an IPv4 network address with a prefix from /16 to /24 (e.g. \"10.40.0.0/16\")");
    }

    const azCount = intValue("azCount", MIN_AZ_COUNT, MAX_AZ_COUNT, DEFAULTS.azCount);
    const natStrategy = enumValue("natStrategy", NAT_STRATEGIES, DEFAULTS.natStrategy);
    const alertEmails = stringList("alertEmails", EMAIL, 'a JSON list of e-mail addresses (e.g. ["ops@example.com"])');

    const logRetentionRaw = raw("logRetentionDays");
    let logRetentionDays: number = DEFAULTS.logRetentionDays;
    if (logRetentionRaw !== undefined) {
        const n = Number(logRetentionRaw);
        if ((LOG_RETENTION_DAYS as readonly number[]).includes(n)) logRetentionDays = n;
        else bad("logRetentionDays", logRetentionRaw, oneOf(LOG_RETENTION_DAYS));
    }

    const kinesisRetentionHours = intValue("kinesisRetentionHours", 24, 8760, DEFAULTS.kinesisRetentionHours);
    const flowLogRaw = raw("flowLogAggregationSeconds");
    let flowLogAggregationSeconds: FlowLogAggregation = DEFAULTS.flowLogAggregationSeconds;
    if (flowLogRaw !== undefined) {
        const n = Number(flowLogRaw);
        if ((FLOW_LOG_AGGREGATION_SECONDS as readonly number[]).includes(n)) flowLogAggregationSeconds = n as FlowLogAggregation;
        else bad("flowLogAggregationSeconds", flowLogRaw, oneOf(FLOW_LOG_AGGREGATION_SECONDS));
    }

    const dynamoDeletionProtection = boolValue("dynamoDeletionProtection", DEFAULTS.dynamoDeletionProtection);

    // Kinesis capacity: provisioned with a shard count, or on-demand without one.
    const mode = enumValue("kinesisStreamMode", KINESIS_MODES, DEFAULTS.kinesisStreamMode);
    let kinesis: KinesisCapacity;
    if (mode === "onDemand") {
        if (raw("kinesisShardCount") !== undefined) {
            problems.push(
                `${key("kinesisShardCount")} is set while ${key("kinesisStreamMode")} = "onDemand": ` +
                    `accepted values are either kinesisStreamMode "provisioned" with kinesisShardCount, ` +
                    `or kinesisStreamMode "onDemand" without kinesisShardCount`,
            );
        }
        kinesis = { mode: "onDemand" };
    } else {
        // 500 is the default shard quota per account in us-west-2.
        kinesis = { mode: "provisioned", shardCount: intValue("kinesisShardCount", 1, 500, DEFAULTS.kinesisShardCount) };
    }

    const reservedConcurrency: Partial<Record<ReservableFunction, number>> = {};
    const rcAccepted = `a JSON object with optional keys ${oneOf(RESERVABLE_FUNCTIONS)} and integer values from 1 to 1000 (e.g. {"api": 10})`;
    const rc = jsonValue("reservedConcurrency", rcAccepted);
    if (rc !== undefined) {
        const ok =
            typeof rc === "object" &&
            rc !== null &&
            !Array.isArray(rc) &&
            Object.entries(rc).every(
                ([fn, n]) =>
                    (RESERVABLE_FUNCTIONS as readonly string[]).includes(fn) &&
                    Number.isInteger(n) &&
                    (n as number) >= 1 &&
                    (n as number) <= 1000,
            );
        if (ok) Object.assign(reservedConcurrency, rc);
        else bad("reservedConcurrency", raw("reservedConcurrency")!, rcAccepted);
    }

    // A custom domain needs its certificate and the certificate a domain: both or neither.
    let customDomain: CustomDomain | undefined;
    const domainName = raw("customDomain");
    const acmCertificateArn = raw("acmCertificateArn");
    if (domainName !== undefined && !HOST_NAME.test(domainName)) {
        bad("customDomain", domainName, "a lower-case DNS host name (e.g. \"app.example.com\")");
    }
    if (acmCertificateArn !== undefined && !ACM_US_EAST_1_ARN.test(acmCertificateArn)) {
        bad(
            "acmCertificateArn",
            acmCertificateArn,
            'an ACM certificate ARN in us-east-1 ("arn:aws:acm:us-east-1:<account>:certificate/<id>"): CloudFront reads certificates only from us-east-1',
        );
    }
    if ((domainName === undefined) !== (acmCertificateArn === undefined)) {
        problems.push(
            `${key("customDomain")} and ${key("acmCertificateArn")} go together: accepted values are both set or neither`,
        );
    } else if (domainName !== undefined && acmCertificateArn !== undefined) {
        customDomain = { domainName, acmCertificateArn };
    }

    const internalCallerRoleArns = stringList(
        "internalCallerRoleArns",
        ROLE_ARN,
        'a JSON list of IAM role ARNs (e.g. ["arn:aws:iam::123456789012:role/reporting"])',
    );

    const tagsAccepted = 'a JSON object of tag keys (not starting with "aws:", up to 128 characters) to string values (up to 256)';
    const tagsRaw = jsonValue("tags", tagsAccepted);
    let tags: Record<string, string> = {};
    if (tagsRaw !== undefined) {
        const ok =
            typeof tagsRaw === "object" &&
            tagsRaw !== null &&
            !Array.isArray(tagsRaw) &&
            Object.entries(tagsRaw).every(([k, v]) => TAG_KEY.test(k) && typeof v === "string" && TAG_VALUE.test(v));
        if (ok) tags = tagsRaw as Record<string, string>;
        else bad("tags", raw("tags")!, tagsAccepted);
    }

    const priceClass = enumValue("priceClass", PRICE_CLASSES, DEFAULTS.priceClass);
    const manageApiGatewayAccount = boolValue("manageApiGatewayAccount", DEFAULTS.manageApiGatewayAccount);

    if (problems.length > 0) throw new ConfigError(problems);
    return {
        region,
        vpcCidr,
        azCount,
        natStrategy,
        alertEmails,
        logRetentionDays,
        dynamoDeletionProtection,
        kinesis,
        reservedConcurrency,
        customDomain,
        internalCallerRoleArns,
        tags,
        priceClass,
        manageApiGatewayAccount,
        kinesisRetentionHours,
        flowLogAggregationSeconds,
    };
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
