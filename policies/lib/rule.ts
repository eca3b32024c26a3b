/**
 * The rule framework. Every rule of the pack is declared with `resourceRule` or `stackRule`,
 * which return the @pulumi/policy policy object the PolicyPack serves. The framework:
 *
 * - fills the metadata the CLI and the catalogue show (level, severity, FSBP control with its
 *   reference URL, remediation, docs anchor, tags) and adds `exemptions` to every configSchema;
 * - applies schema defaults to the config and hands the check raw, already deserialized
 *   properties (read them with lib/props.ts: never throws, returns PACK_UNKNOWN for preview values);
 * - matches type tokens (with their V2 twins, lib/types.ts) before calling the check;
 * - routes every finding through the exemptions (lib/exemptions.ts): a finding on an exempted
 *   resource is recorded and reported by `policy-exemptions-applied`, never dropped;
 * - turns `ctx.undecided(...)` into the SDK's own "can't run policy ... during preview"
 *   advisory, raised once after the decided findings (so one unknown never hides them);
 * - turns a crash of a check into a finding at the rule's level naming the error (fail closed:
 *   a broken rule never passes a stack silently, never aborts the preview).
 *
 * A check is a pure function: early returns, an explicit not-applicable path, no network.
 *
 *     export const bucketVersioned = resourceRule({
 *         name: "s3-bucket-versioning-enabled",
 *         description: "Checks that S3 buckets keep object versions.",
 *         enforcementLevel: "advisory", severity: "medium", control: fsbp("S3.14"),
 *         remediationSteps: "Add an aws.s3.BucketVersioning with status Enabled.",
 *         tags: ["s3", "resilience"],
 *         resourceTypes: [AWS_TYPES.bucket],
 *         check(bucket, ctx) {
 *             const status = read(bucket.props, "versioning", "enabled");
 *             if (isUnknown(status)) return ctx.undecided(bucket, "versioning.enabled");
 *             if (status !== true) ctx.report(bucket, "must enable versioning: set versioning.enabled");
 *         },
 *     });
 *
 * `ctx.report(subject, "must ...: <fix>")` prefixes the subject: `aws.s3.BucketV2 'site' must ...`.
 */
import type {
    EnforcementLevel,
    PolicyComplianceFramework,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import {
    beginResourceCall,
    beginStackCall,
    captureConfig,
    clearExempted,
    EXEMPTIONS_SCHEMA,
    Exemption,
    matchingExemption,
    policyNow,
    recordExempted,
} from "./exemptions";
import type { Constraint } from "./constraints";
import { StackIndex } from "./stack";
import { typeLabel, typeSet } from "./types";

// @pulumi/policy keeps its proxy internals out of its .d.ts; the pack needs two of them: the
// key that unwraps a proxied value, and the error class the server turns into its
// "can't run policy during preview" advisory (it must be the very class server.js checks).
const proxyInternals = require("@pulumi/policy/proxy") as {
    getSpecialProxyTarget: string;
    unknownStringValue: string;
    UnknownValueError: new (sentinel: string, props: string[]) => Error;
};

export type { EnforcementLevel, Severity };

/** The compliance framework reference of a rule (AWS FSBP control by default). */
export interface Control {
    framework: string;
    version: string;
    /** Control id as the framework writes it: `S3.8`, `Lambda.3`, `EC2.19`. */
    id: string;
    /** URL of the control's documentation. */
    reference: string;
}

export const FSBP = "AWS Foundational Security Best Practices";

/** An AWS Foundational Security Best Practices control, e.g. `fsbp("S3.8")`. */
export function fsbp(id: string): Control {
    const service = id.split(".")[0].toLowerCase();
    return {
        framework: FSBP,
        version: "1.0.0",
        id,
        reference: `https://docs.aws.amazon.com/securityhub/latest/userguide/${service}-controls.html#${id
            .toLowerCase()
            .replace(".", "-")}`,
    };
}

/** A CIS AWS Foundations Benchmark recommendation, for rules FSBP has no control for. */
export function cis(id: string, version = "3.0.0"): Control {
    return {
        framework: "CIS AWS Foundations Benchmark",
        version,
        id,
        reference: "https://www.cisecurity.org/benchmark/amazon_web_services",
    };
}

/** What every rule declares; the catalogue (docs/POLICIES.md) is generated from it. */
export interface RuleMetadata {
    /** kebab-case, service first, a predicate: `s3-bucket-public-access-blocked`. Stable. */
    name: string;
    /** Starts "Checks that ..."; may say why the level was chosen. */
    description: string;
    enforcementLevel: EnforcementLevel;
    severity: Severity;
    /** The FSBP (or CIS) control the rule enforces, when one fits. */
    control?: Control;
    /** Further controls the rule also covers (shown in the catalogue). */
    relatedControls?: Control[];
    /**
     * Which of the mission's five constraints the rule enforces (lib/constraints.ts), when it
     * enforces one; shown in the catalogue. Not sent to the engine.
     */
    constraint?: Constraint;
    remediationSteps: string;
    tags: string[];
    /** Why the rule matters (catalogue text; cause and rationale kept apart). */
    rationale?: string;
    /** What the rule can and cannot decide at preview, when values are unknown. */
    preview?: string;
    /** Policy-specific config properties (JSON schema); `exemptions` is added to every rule. */
    config?: Record<string, PolicyConfigJSONSchema>;
}

/** Base config every rule receives. */
export interface BaseConfig {
    exemptions?: Exemption[];
}

/** What a check sees of a resource. `props` are raw values (read with lib/props.ts). */
export interface RuleResource {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    /** The resource's provider (type, name, urn, props), when the engine sent one. */
    provider?: { type: string; name: string; urn: string; props: Record<string, unknown> };
    /** URN of the parent resource. */
    parent?: string;
}

/** A resource in a stack rule: outputs as props, plus the edges the engine recorded. */
export interface StackResource extends RuleResource {
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
}

/**
 * The stack a stack rule judges; `index` is built on first use, once per AnalyzeStack call
 * (every stack rule of the call shares the view: callStackView). Read-only for rules.
 */
export interface StackView {
    resources: StackResource[];
    readonly index: StackIndex;
}

/** The subject of a finding: the resource it is about. */
export interface Subject {
    type: string;
    name: string;
    urn: string;
}

export interface RuleContext<C> {
    readonly rule: string;
    /** The rule's config with schema defaults applied. */
    readonly config: C & BaseConfig;
    /** Reports "<Type> '<name>' <message>"; write message as "must ...: <fix>". */
    report(subject: Subject, message: string): void;
    /** Reports a stack-level finding (no resource). */
    reportStack(message: string): void;
    /** Marks a resource undecided at preview because `what` (a property path) is unknown. */
    undecided(subject: Subject, what: string): void;
    /** Runs `fn` for one subject; a crash becomes a finding on that subject only. */
    guard(subject: Subject, fn: () => void): void;
}

export interface ResourceRuleDefinition<C> extends RuleMetadata {
    /** Type tokens judged (V2 twins added). Empty: every resource. */
    resourceTypes: readonly string[];
    check(resource: RuleResource, ctx: RuleContext<C>): void;
}

export interface StackRuleDefinition<C> extends RuleMetadata {
    check(stack: StackView, ctx: RuleContext<C>): void;
}

export type Rule = ResourceValidationPolicy | StackValidationPolicy;

/** A config option holding a list of strings (a rule's allow-list or its tunable defaults). */
export function stringListOption(description: string, defaults: readonly string[] = []): PolicyConfigJSONSchema {
    return { type: "array", items: { type: "string" }, default: defaults as string[], description };
}

/** Metadata by policy object: the catalogue generator and tests read it. */
const metadataByPolicy = new WeakMap<object, RuleMetadata & { kind: "resource" | "stack" }>();

/** The framework metadata of a rule (undefined for a policy not built by this framework). */
export function ruleMetadata(policy: object): (RuleMetadata & { kind: "resource" | "stack" }) | undefined {
    return metadataByPolicy.get(policy);
}

/** The metadata of every rule in the given policy list, in order (for docs/POLICIES.md). */
export function catalogue(policies: readonly object[]): (RuleMetadata & { kind: "resource" | "stack" })[] {
    return policies.map((p) => ruleMetadata(p)).filter((m): m is RuleMetadata & { kind: "resource" | "stack" } => !!m);
}

export const DOCS_URL = "docs/POLICIES.md";

function policyFields(meta: RuleMetadata) {
    const framework: PolicyComplianceFramework | undefined = meta.control
        ? {
              name: meta.control.framework,
              version: meta.control.version,
              reference: meta.control.reference,
              specification: meta.control.id,
          }
        : undefined;
    return {
        name: meta.name,
        description: meta.description,
        enforcementLevel: meta.enforcementLevel,
        severity: meta.severity,
        ...(framework ? { framework } : {}),
        remediationSteps: meta.remediationSteps,
        url: `${DOCS_URL}#${meta.name}`,
        tags: meta.tags,
        configSchema: {
            properties: {
                ...(meta.config ?? {}),
                exemptions: EXEMPTIONS_SCHEMA as unknown as PolicyConfigJSONSchema,
            },
        },
    };
}

/** The config with the schema's `default`s filled in for absent properties. */
function withDefaults<C>(meta: RuleMetadata, given: Record<string, unknown>): C & BaseConfig {
    const config: Record<string, unknown> = { ...given };
    for (const [key, schema] of Object.entries(meta.config ?? {})) {
        const dflt = (schema as { default?: unknown }).default;
        if (config[key] === undefined && dflt !== undefined) config[key] = dflt;
    }
    return config as C & BaseConfig;
}

/** The raw value behind @pulumi/policy's unknown-checking proxy (or the value itself). */
export function unproxy<T>(value: T): T {
    if (value && typeof value === "object") {
        try {
            const target = (value as Record<string, unknown>)[proxyInternals.getSpecialProxyTarget];
            if (target && typeof target === "object") return target as T;
        } catch {
            // Not a proxy, or an unknown at the top: keep the value.
        }
    }
    return value;
}

function rawProps(props: unknown): Record<string, unknown> {
    const raw = unproxy(props);
    return raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

/** The provider field of a RuleResource, from the SDK's provider record (if any). */
function providerOf(provider: ResourceValidationArgs["provider"]): Pick<RuleResource, "provider"> {
    if (!provider) return {};
    return {
        provider: { type: provider.type, name: provider.name, urn: provider.urn, props: rawProps(provider.props) },
    };
}

function errorText(e: unknown): string {
    return e instanceof Error ? e.message : String(e);
}

/** An error raised to end a call with the SDK's "can't run ... during preview" advisory. */
function undecidedError(what: string[]): Error {
    const shown = what.slice(0, 5).join("; ") + (what.length > 5 ? `; and ${what.length - 5} more` : "");
    const error = new proxyInternals.UnknownValueError(proxyInternals.unknownStringValue, []);
    error.message = `unknown at preview: ${shown}`;
    return error;
}

function isUnknownValueError(e: unknown): e is Error & { props?: string[] } {
    return e instanceof proxyInternals.UnknownValueError;
}

/** Builds the context for one call; `flush()` raises the undecided advisory if any. */
function makeContext<C>(
    meta: RuleMetadata,
    config: C & BaseConfig,
    reportViolation: ReportViolation,
): RuleContext<C> & { flush(): void } {
    const undecided: string[] = [];
    const now = policyNow();
    const exemptionFor = (subject: Subject) => matchingExemption(config.exemptions, subject.urn, subject.name, now);

    const ctx: RuleContext<C> & { flush(): void } = {
        rule: meta.name,
        config,
        report(subject, message) {
            const text = `${typeLabel(subject.type)} '${subject.name}' ${message}`;
            const exemption = exemptionFor(subject);
            if (exemption) {
                recordExempted({
                    rule: meta.name,
                    urn: subject.urn,
                    message: text,
                    reason: String(exemption.entry.reason),
                    ...(typeof exemption.entry.expires === "string" ? { expires: exemption.entry.expires } : {}),
                    index: exemption.index,
                });
                return;
            }
            reportViolation(text, subject.urn);
        },
        reportStack(message) {
            reportViolation(message);
        },
        undecided(subject, what) {
            // An exempted resource needs no decision.
            if (exemptionFor(subject)) return;
            undecided.push(`${typeLabel(subject.type)} '${subject.name}' ${what}`);
        },
        guard(subject, fn) {
            try {
                fn();
            } catch (e) {
                if (isUnknownValueError(e)) {
                    ctx.undecided(subject, (e.props ?? []).join(".") || errorText(e));
                    return;
                }
                reportViolation(
                    `${typeLabel(subject.type)} '${subject.name}' could not be checked by ${meta.name} ` +
                        `(${errorText(e)}): fix the property's shape or report a policy-pack bug`,
                    subject.urn,
                );
            }
        },
        flush() {
            if (undecided.length > 0) throw undecidedError(undecided);
        },
    };
    return ctx;
}

/** Declares a rule judging one resource at a time (Analyze: the resource's inputs). */
export function resourceRule<C = Record<string, never>>(def: ResourceRuleDefinition<C>): ResourceValidationPolicy {
    const types = typeSet(...def.resourceTypes);
    const policy: ResourceValidationPolicy = {
        ...policyFields(def),
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            beginResourceCall();
            const given = rawProps(args.getConfig<Record<string, unknown>>());
            captureConfig(def.name, given);
            if (types.size > 0 && !types.has(args.type)) return;
            clearExempted(def.name, args.urn);
            const resource: RuleResource = {
                type: args.type,
                name: args.name,
                urn: args.urn,
                props: rawProps(args.props),
                ...providerOf(args.provider),
                ...(args.opts?.parent ? { parent: args.opts.parent } : {}),
            };
            const ctx = makeContext<C>(def, withDefaults<C>(def, given), reportViolation);
            ctx.guard(resource, () => def.check(resource, ctx));
            ctx.flush();
        },
    };
    metadataByPolicy.set(policy, { ...def, kind: "resource" });
    return policy;
}

/** Converts the SDK's stack resources (proxied, object-linked) to plain StackResources. */
export function toStackResources(resources: StackValidationArgs["resources"]): StackResource[] {
    return resources.map((r) => {
        const propertyDependencies: Record<string, string[]> = {};
        for (const [key, deps] of Object.entries(r.propertyDependencies ?? {})) {
            propertyDependencies[key] = (deps ?? []).map((d) => d.urn);
        }
        return {
            type: r.type,
            name: r.name,
            urn: r.urn,
            props: rawProps(r.props),
            ...providerOf(r.provider),
            ...(r.parent ? { parent: r.parent.urn } : {}),
            dependencies: (r.dependencies ?? []).map((d) => d.urn),
            propertyDependencies,
        };
    });
}

/** A StackView over plain resources; the index is built lazily, once. */
export function stackView(resources: StackResource[]): StackView {
    let index: StackIndex | undefined;
    return {
        resources,
        get index() {
            return (index ??= new StackIndex(resources));
        },
    };
}

/**
 * One StackView per AnalyzeStack call, shared by every stack rule of that call.
 *
 * Why: @pulumi/policy hands each stack policy its own object for every resource, so a view
 * built per policy (plain resources, then the StackIndex and the facts memoised per index:
 * network, endpoints, alarms) is rebuilt by each of the stack rules; on a stack of 10,000
 * resources that was about a seventh of AnalyzeStack (measured, tools/gate/bench.ts). On the
 * SDK build lib/sdk-analyzer.ts was verified against, every stack policy gets the same list, and
 * this cache is what spares the rules their own view; on any other build it also spares the
 * rebuilding described here.
 *
 * Why it is exact: the key is an object that belongs to ONE request message. The SDK builds
 * each resource's `opts.aliases` with the protobuf getter, which returns the array stored in
 * that resource's options message: the same array for every policy of one call, a different
 * one in the next call (a new message), and different for two resources of one call. The
 * view is reused only when the key is that same array and the URNs are the same, in order;
 * the policies of one call receive deserializations of the same message, so their properties
 * are equal too. Should a future SDK copy that array, or share one between resources (checked
 * below), nothing is shared and every rule builds its own view, as before.
 *
 * Rules must treat the view as read-only (they do: checks are pure), since later rules of the
 * call see the same objects. Entries die with the request message (WeakMap).
 */
const viewsByCall = new WeakMap<object, { urns: string[]; view: StackView }>();

function callKey(resources: StackValidationArgs["resources"]): object | undefined {
    const aliasesOf = (i: number): unknown => (resources[i]?.opts as { aliases?: unknown } | undefined)?.aliases;
    const key = aliasesOf(0);
    if (!key || typeof key !== "object") return undefined;
    // An array shared by two resources is not the message's own: then it identifies nothing.
    if (resources.length > 1 && aliasesOf(1) === key) return undefined;
    return key;
}

/** The StackView of this AnalyzeStack call: built by its first stack rule, reused by the rest. */
export function callStackView(resources: StackValidationArgs["resources"]): StackView {
    const key = callKey(resources);
    const cached = key ? viewsByCall.get(key) : undefined;
    if (cached && cached.urns.length === resources.length && cached.urns.every((urn, i) => urn === resources[i]!.urn)) {
        return cached.view;
    }
    const view = stackView(toStackResources(resources));
    if (key) viewsByCall.set(key, { urns: resources.map((r) => r.urn), view });
    return view;
}

/** Declares a rule judging the whole stack at once (AnalyzeStack: every resource's outputs). */
export function stackRule<C = Record<string, never>>(def: StackRuleDefinition<C>): StackValidationPolicy {
    const policy: StackValidationPolicy = {
        ...policyFields(def),
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
            beginStackCall();
            const given = rawProps(args.getConfig<Record<string, unknown>>());
            captureConfig(def.name, given);
            clearExempted(def.name);
            const view = callStackView(args.resources);
            const ctx = makeContext<C>(def, withDefaults<C>(def, given), reportViolation);
            try {
                def.check(view, ctx);
            } catch (e) {
                if (isUnknownValueError(e)) {
                    ctx.undecided({ type: "stack", name: "stack", urn: "" }, errorText(e));
                } else {
                    ctx.reportStack(
                        `${def.name} could not check the stack (${errorText(e)}): report a policy-pack bug`,
                    );
                }
            }
            ctx.flush();
        },
    };
    metadataByPolicy.set(policy, { ...def, kind: "stack" });
    return policy;
}

/**
 * Registers metadata for a policy built without resourceRule/stackRule (the exemption-report
 * policies), so the catalogue lists it.
 */
export function registerPolicy<P extends Rule>(policy: P, meta: RuleMetadata, kind: "resource" | "stack"): P {
    metadataByPolicy.set(policy, { ...meta, kind });
    return policy;
}

/** Exposed for the exemption policies, which share the metadata shape of rules. */
export { policyFields as _policyFields };
