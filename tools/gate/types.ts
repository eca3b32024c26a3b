/**
 * Shared shapes of the offline gate. A ResourceRecord is what the engine would hand the
 * analyzer for one registration: the same fields `pulumi preview` sends in Analyze and
 * AnalyzeStack requests.
 *
 * Values inside `inputs`/`outputs` follow the engine's wire conventions as plain JS:
 * an unknown value is the string WIRE_UNKNOWN (the SDK's sentinel), a secret is the object
 * `{ [SECRET_SIG_KEY]: SECRET_SIG, value }`, as `pulumi stack export` and the gRPC Struct
 * encoding carry them.
 */

/**
 * The string that stands for a value not known during preview, on the wire and in these
 * records: the SDK's `unknownValue` (sdk/nodejs/runtime/rpc.ts) and the engine's
 * `UnknownStringValue` (sdk/go/common/resource/plugin/rpc.go). The pack reads it as its own
 * marker (a Symbol, policies/lib/props.ts); specs of the gate use this one, specs of the
 * pack the pack's.
 */
export const WIRE_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The signature key that marks a special (secret, asset, resource reference) value. */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The signature value that marks a secret. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface SourcePosition {
    /** Absolute path of the program file (the SDK sends a file:// URI; we keep the path). */
    file: string;
    line: number;
    column?: number;
}

export interface ResourceOptionsRecord {
    protect?: boolean;
    ignoreChanges?: string[];
    aliases?: string[];
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs?: string[];
    customTimeouts?: { create?: number; update?: number; delete?: number };
    /** The resource's own `region` option is an input in @pulumi/aws v7, not an option. */
}

export interface ResourceRecord {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    id?: string;
    /** URN of the parent; undefined only for the root Stack. */
    parent?: string;
    /** Provider reference as the engine writes it: `<provider urn>::<provider id>`. */
    provider?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** What the program passed (Analyze judges these). */
    inputs: Record<string, unknown>;
    /** What the provider returned (AnalyzeStack judges these). */
    outputs: Record<string, unknown>;
    options: ResourceOptionsRecord;
    source?: SourcePosition;
    /** A component constructed by a plugin (`remote: true`): its children are invisible offline. */
    remote?: boolean;
    /** Read with `Resource.get`, not managed by the program: AnalyzeStack sees it, Analyze does not. */
    external?: boolean;
    /**
     * Resource references the program passed as inputs, where `inputs` holds them downgraded as
     * the engine sends them to analyzers (marshal.ts); the engine's state keeps the references.
     */
    inputReferences?: { path: (string | number)[]; ref: { urn: string; id?: string; packageVersion?: string } }[];
}

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** What GetAnalyzerInfo told us of one policy. */
export interface PolicyInfo {
    name: string;
    displayName?: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    severity?: string; // "low" | "medium" | "high" | "critical" | "" as the pack declares
    framework?: { name?: string; version?: string; reference?: string; specification?: string };
    tags?: string[];
    remediationSteps?: string;
    url?: string;
    configSchema?: { properties?: Record<string, unknown>; required?: string[] };
}

export interface PackInfo {
    /** Pack folder as given on the command line. */
    dir: string;
    name: string;
    version: string;
    displayName?: string;
    policies: PolicyInfo[];
}

/** One diagnostic a pack returned, flattened with the resource it is about. */
export interface Violation {
    packName: string;
    packVersion: string;
    policyName: string;
    description: string;
    enforcementLevel: "advisory" | "mandatory" | "remediate";
    severity: string;
    message: string;
    /**
     * The message exactly as the pack sent it, when it differs from `message`: @pulumi/policy
     * sends "<description>\n<message>", and the CLI prints that whole (pkg/backend/display/diff.go).
     */
    rawMessage?: string;
    /** The resource's URN: the analysed resource's, or the root Stack's for a stack policy's finding that names no resource of the stack. */
    urn: string;
    resourceType: string;
    resourceName: string;
    /** Where the resource was created (program mode) or the export file (export mode). */
    location?: SourcePosition;
    /** true for the framework's "can't run policy ... during preview" advisory. */
    undecided?: boolean;
    /** Set when the pack reported this finding as exempted (rule name and reason). */
    exemption?: { rule: string; reason: string; expires?: string };
    /** Set when `--baseline` already held this finding: listed, but it does not fail the gate. */
    known?: boolean;
}

export interface GateResult {
    mode: "resolved" | "first-preview" | "stack-export";
    /** Program folder or stack export file. */
    source: string;
    stack: string;
    packs: PackInfo[];
    resources: ResourceRecord[];
    violations: Violation[];
    /** Remote components whose children the gate cannot see (`package`: the plugin that builds them). */
    notAnalysed: { urn: string; type: string; package: string; reason: string }[];
    /** --fail-on-not-analysed was given: a not-analysed component fails the run. */
    failOnNotAnalysed?: boolean;
    /** Per pack and policy, how many resources it could not decide (unknown values). */
    undecided: Record<string, number>;
    durationMs: number;
    /** Things a person should know about how the verdict was reached (unmodelled invokes, unreadable secrets). */
    warnings?: string[];
    /** With --baseline: how many findings it already held, and how many of its entries are gone. */
    baseline?: { file: string; known: number; fixed: number };
    /** Where the time went; the benchmark prints these, reports ignore them. */
    timings?: GateTimings;
}

/** Phases of one run, in wall-clock ms (summed over packs where there are several). */
export interface GateTimings {
    /** From spawning the pack process to its GetAnalyzerInfo answer (ts-node compile included). */
    packStartMs: number;
    /** All Analyze calls together. */
    analyzeMs: number;
    /** All AnalyzeStack calls together. */
    analyzeStackMs: number;
    /** How many Analyze calls were made (resources x packs). */
    analyzeCalls: number;
    /** How many of the Analyze answers the preview took were asked while the program ran (program mode). */
    answeredAhead?: number;
    /** Running the program under the mock monitor, or reading the export. */
    engineMs: number;
    /** Peak resident set of the pack process (VmHWM from /proc), when the OS exposes it. */
    packPeakRssKb?: number;
}

/** Options of one gate run (the CLI flags, parsed). */
export interface GateOptions {
    /** Program folder with Pulumi.yaml (ignored when stackExport is set). */
    program?: string;
    stack: string;
    /** Config values over the stack file's (`pulumi preview --config KEY=VALUE`), seen by the program and the packs. */
    config?: Record<string, string>;
    /** A `pulumi stack export` file to judge instead of running a program. */
    stackExport?: string;
    policyPacks: string[];
    /** Config files paired with policyPacks in order (may be shorter). */
    policyPackConfigs: string[];
    mode: "resolved" | "first-preview";
    /** Upper bound, in ms, for any one pack call (start, Analyze, AnalyzeStack). */
    timeoutMs?: number;
    /** A JSON report of an earlier run: findings it holds are known and do not fail the gate. */
    baseline?: string;
    /** Fail (exit 1) when a remote component's children could not be analysed. */
    failOnNotAnalysed?: boolean;
}
