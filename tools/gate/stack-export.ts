/**
 * Reads a `pulumi stack export` file (deployment version 3) into the records the analyzer
 * client sends: Analyze judges each resource's stored inputs, AnalyzeStack its outputs, as
 * `pulumi policy analyze --file` does, with resource references downgraded to ids (or URNs)
 * as the engine marshals them for analyzers. Resources the program read (`external`) are
 * analysed too: AnalyzeSnapshot judges every resource of a snapshot that is not being deleted
 * (pkg/resource/deploy/analyze_snapshot.go), where a preview analyses reads only in the stack.
 *
 * Secrets: an export made with `--show-secrets` holds `{sig, plaintext: "<JSON>"}`, which is
 * decoded to the value the engine would send (`{sig, value}`). Without it a secret is
 * `{sig, ciphertext}`, which no one here can read: it becomes a secret whose value is
 * unknown, so a rule that needs it reports that it cannot decide — never a pass.
 */
import { GateError, parseJsonInput, readInput } from "./errors";
import { downgradeResourceReferences, restoreResourceReferences } from "./marshal";
import { ResourceRecord, SECRET_SIG, SECRET_SIG_KEY, WIRE_UNKNOWN } from "./types";

export interface StackExport {
    project: string;
    stack: string;
    resources: ResourceRecord[];
    /** Count of secrets that were ciphertext (unreadable here). */
    unreadableSecrets: number;
}

export function readStackExport(file: string): StackExport {
    const text = readInput(file, "stack export", "Create one with `pulumi stack export --file <file>`.");
    const fix = "Pass the JSON written by `pulumi stack export` (deployment version 3).";
    const doc = parseJsonInput(text, `stack export ${file}`, fix);
    if (!doc || typeof doc !== "object" || typeof doc.version !== "number") {
        throw new GateError(`stack export ${file} has no "version": it is not a stack export`, fix);
    }
    if (doc.version !== 3) {
        throw new GateError(
            `stack export ${file} is deployment version ${doc.version}; the gate reads version 3`,
            "Export it again with a current Pulumi CLI.",
        );
    }
    const list = doc.deployment?.resources ?? [];
    if (!Array.isArray(list)) {
        throw new GateError(`stack export ${file}: deployment.resources is not a list`, fix);
    }
    const counter = { unreadable: 0 };
    const resources: ResourceRecord[] = list.map((r: any, i: number): ResourceRecord => {
        if (!r || typeof r.urn !== "string" || typeof r.type !== "string") {
            throw new GateError(`stack export ${file}: resource #${i} has no urn or type`, fix);
        }
        return {
            urn: r.urn,
            type: r.type,
            name: r.urn.split("::").pop() ?? "",
            custom: r.custom === true,
            id: typeof r.id === "string" ? r.id : undefined,
            parent: typeof r.parent === "string" && r.parent ? r.parent : undefined,
            provider: typeof r.provider === "string" && r.provider ? r.provider : undefined,
            dependencies: Array.isArray(r.dependencies) ? r.dependencies : [],
            propertyDependencies:
                r.propertyDependencies && typeof r.propertyDependencies === "object" ? r.propertyDependencies : {},
            // A checkpoint keeps resource references; analyzers get them downgraded (marshal.ts).
            inputs: downgradeResourceReferences(decodeSecrets(r.inputs ?? {}, counter)) as Record<string, unknown>,
            outputs: downgradeResourceReferences(decodeSecrets(r.outputs ?? {}, counter)) as Record<string, unknown>,
            options: {
                protect: r.protect === true || undefined,
                additionalSecretOutputs: Array.isArray(r.additionalSecretOutputs)
                    ? r.additionalSecretOutputs
                    : undefined,
                aliases: Array.isArray(r.aliases) ? r.aliases.filter((a: unknown) => typeof a === "string") : undefined,
                deleteBeforeReplace: typeof r.deleteBeforeReplace === "boolean" ? r.deleteBeforeReplace : undefined,
            },
        };
    });
    const stackRes = resources.find((r) => r.type === "pulumi:pulumi:Stack");
    const parts = (stackRes?.urn ?? resources[0]?.urn ?? "urn:pulumi:stack::project::").split("::");
    return {
        project: parts[1] ?? "project",
        stack: (parts[0] ?? "").replace(/^urn:pulumi:/, "") || "stack",
        resources,
        unreadableSecrets: counter.unreadable,
    };
}

function decodeSecrets(v: unknown, counter: { unreadable: number }): unknown {
    if (Array.isArray(v)) return v.map((x) => decodeSecrets(x, counter));
    if (!v || typeof v !== "object") return v;
    const o = v as Record<string, unknown>;
    if (o[SECRET_SIG_KEY] === SECRET_SIG) {
        if (typeof o.plaintext === "string") {
            let value: unknown;
            try {
                value = JSON.parse(o.plaintext);
            } catch {
                value = o.plaintext;
            }
            return { [SECRET_SIG_KEY]: SECRET_SIG, value: decodeSecrets(value, counter) };
        }
        counter.unreadable++;
        return { [SECRET_SIG_KEY]: SECRET_SIG, value: WIRE_UNKNOWN };
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = decodeSecrets(x, counter);
    return out;
}

/** Secrets as `pulumi stack export --show-secrets` writes them: `{sig, plaintext: "<JSON>"}`. */
function encodeSecrets(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(encodeSecrets);
    if (!v || typeof v !== "object") return v;
    const o = v as Record<string, unknown>;
    if (o[SECRET_SIG_KEY] === SECRET_SIG) {
        return { [SECRET_SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(encodeSecrets(o.value)) };
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = encodeSecrets(x);
    return out;
}

/**
 * The deployment `pulumi stack export --show-secrets` would write after `pulumi up` of these
 * resources (deployment version 3): each resource's inputs as Check stored them (a resource
 * reference kept as the checkpoint keeps it, the provider's `__defaults` marker on custom
 * resources), its outputs (the Stack's are `stackOutputs` when given), parent, provider,
 * dependencies and timestamps. The one writer: the specs check that judging the export and
 * judging the program agree, the benchmark writes its large stacks with it.
 */
export function toStackExport(
    run: { resources: readonly ResourceRecord[]; stackOutputs?: Record<string, unknown> },
    time = "2026-11-30T00:00:00Z",
): Record<string, unknown> {
    return {
        version: 3,
        deployment: {
            manifest: { time, magic: "", version: "v3.248.0" },
            secrets_providers: { type: "passphrase", state: {} },
            resources: run.resources.map((r) => ({
                urn: r.urn,
                custom: r.custom,
                ...(r.id !== undefined && r.id !== WIRE_UNKNOWN ? { id: r.id } : {}),
                type: r.type,
                inputs: storedInputs(r),
                outputs: encodeSecrets(
                    r.type === "pulumi:pulumi:Stack" && run.stackOutputs ? run.stackOutputs : r.outputs,
                ),
                ...(r.parent ? { parent: r.parent } : {}),
                ...(r.provider ? { provider: r.provider } : {}),
                ...(r.options.protect ? { protect: true } : {}),
                ...(r.external ? { external: true } : {}),
                dependencies: r.dependencies,
                propertyDependencies: r.propertyDependencies,
                ...(r.options.additionalSecretOutputs?.length
                    ? { additionalSecretOutputs: r.options.additionalSecretOutputs }
                    : {}),
                created: time,
                modified: time,
            })),
        },
    };
}

/** Inputs as a checkpoint stores them: references restored, secrets encoded, Check's `__defaults` on custom resources. */
function storedInputs(r: ResourceRecord): unknown {
    const inputs = encodeSecrets(
        r.inputReferences ? restoreResourceReferences(r.inputs, r.inputReferences) : r.inputs,
    ) as Record<string, unknown>;
    const checked = r.custom && !r.type.startsWith("pulumi:providers:") && !("__defaults" in inputs);
    return checked ? { ...inputs, __defaults: [] } : inputs;
}
