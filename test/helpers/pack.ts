/**
 * Runs the project's policy pack as the engine runs it, for rule tests: the real pack
 * process (started like the CLI does), Configure through the CLI's config reconciliation,
 * Analyze on each resource's inputs, then AnalyzeStack once on every resource's outputs.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PackClient } from "../../tools/gate/analyzer";
import { parsePolicyPackConfig, PolicyPackConfig } from "../../tools/gate/policy-config";
import type { ResourceRecord, Violation } from "../../tools/gate/types";
import { PACK_UNKNOWN, SDK_UNKNOWN_STRING } from "../../policies/lib/props";

export interface TestResource {
    type: string;
    name: string;
    /**
     * Used as both inputs and outputs unless those are given. A value the engine does not know
     * yet is written as the pack's PACK_UNKNOWN; the harness sends it as the engine does.
     */
    props?: Record<string, unknown>;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    /** Physical id; defaults to `<name>-id`. */
    id?: string;
    /** Parent URN; defaults to the stack. */
    parent?: string;
    /** Provider reference `<provider urn>::<id>`. */
    provider?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    urn?: string;
    custom?: boolean;
}

/** The type of an AWS provider resource (the engine's token; the pack's type table names AWS resources only). */
export const AWS_PROVIDER_TYPE = "pulumi:providers:aws";

export const TEST_STACK_URN = "urn:pulumi:test::secure-web-app::pulumi:pulumi:Stack::secure-web-app-test";

/** The URN the engine gives a resource of this type and name, parented to the stack. */
export function urnOf(type: string, name: string): string {
    return `urn:pulumi:test::secure-web-app::${type}::${name}`;
}

export function toRecords(resources: TestResource[]): ResourceRecord[] {
    const stack: ResourceRecord = {
        urn: TEST_STACK_URN,
        type: "pulumi:pulumi:Stack",
        name: "secure-web-app-test",
        custom: false,
        dependencies: [],
        propertyDependencies: {},
        inputs: {},
        outputs: {},
        options: {},
    };
    return [
        stack,
        ...resources.map((r): ResourceRecord => {
            const props = r.props ?? {};
            return {
                urn: r.urn ?? urnOf(r.type, r.name),
                type: r.type,
                name: r.name,
                custom: r.custom ?? !r.type.includes(":index:"),
                id: r.id ?? `${r.name}-id`,
                parent: r.parent ?? TEST_STACK_URN,
                provider: r.provider,
                dependencies: r.dependencies ?? [],
                propertyDependencies: r.propertyDependencies ?? {},
                inputs: onTheWire(r.inputs ?? props),
                outputs: onTheWire(r.outputs ?? props),
                options: {},
            };
        }),
    ];
}

/** Props as the engine sends them: PACK_UNKNOWN (at any depth) becomes the SDK's unknown string. */
function onTheWire(props: Record<string, unknown>): Record<string, unknown> {
    const convert = (value: unknown): unknown => {
        if (value === PACK_UNKNOWN) return SDK_UNKNOWN_STRING;
        if (Array.isArray(value)) return value.map(convert);
        if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
        }
        return value;
    };
    return convert(props) as Record<string, unknown>;
}

export interface PackHarness {
    client: PackClient;
    /** Configure with a CLI-format config object (validated as the CLI does; throws GateError when invalid). */
    configure(config: Record<string, unknown>): Promise<void>;
    /** One "preview": Analyze each resource, then AnalyzeStack; returns every diagnostic. */
    analyze(resources: TestResource[]): Promise<Violation[]>;
    close(): void;
}

export interface StartPackHarnessOptions {
    /**
     * Bound on every pack call, in ms (the client's default is 120 s). The fuzz tests lower it
     * so a rule that hangs fails one property run instead of the whole suite's timeout.
     */
    timeoutMs?: number;
}

/**
 * Spec files run one after another, and a pack takes a second or more to start, so specs
 * that ask for the same pack, environment and bound share one pack process: `close()` releases it, and it stops only when no spec has taken it again
 * shortly after. Each `startPack()` resets the config to the pack's defaults, so a spec
 * never sees another's config; the pack's exemption bookkeeping resets itself per preview.
 */
interface SharedPack {
    key: string;
    client: Promise<PackClient>;
    users: number;
    stopTimer?: NodeJS.Timeout;
}
const shared = new Map<string, SharedPack>();
const RELEASE_GRACE_MS = 3000;
/** Started pack clients, so none outlives the test process (their handles are unref'd). */
const started = new Set<PackClient>();
process.on("exit", () => {
    for (const c of started) c.close();
});

/**
 * The harness builds first: a pack folder with a build script (policies/build.js) is compiled
 * when its build is missing or older than its sources, once per folder and test process, so a
 * spec never judges a stale pack (the pack's entry would refuse to start anyway).
 */
const built = new Set<string>();
export function buildPackIfStale(packDir: string): void {
    const dir = path.resolve(packDir);
    const script = path.join(dir, "build.js");
    if (built.has(dir) || !fs.existsSync(script)) return;
    execFileSync(process.execPath, [script, "--if-stale"], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    built.add(dir);
}

function acquire(packDir: string, env: Record<string, string>, timeoutMs: number | undefined): SharedPack {
    buildPackIfStale(packDir);
    const key = JSON.stringify([path.resolve(packDir), env, timeoutMs ?? null]);
    let entry = shared.get(key);
    if (!entry) {
        const created: SharedPack = {
            key,
            client: PackClient.start(packDir, {
                project: "secure-web-app",
                stack: "test",
                dryRun: true,
                env,
                timeoutMs,
            }),
            users: 0,
        };
        // A pack that failed to start is not kept: the next spec tries again and sees the error.
        created.client.then(
            (c) => started.add(c),
            () => shared.delete(key),
        );
        shared.set(key, created);
        entry = created;
    }
    if (entry.stopTimer) {
        clearTimeout(entry.stopTimer);
        entry.stopTimer = undefined;
    }
    entry.users++;
    return entry;
}

function release(entry: SharedPack): void {
    entry.users--;
    if (entry.users > 0) return;
    entry.stopTimer = setTimeout(() => {
        shared.delete(entry.key);
        entry.client.then(
            (c) => {
                c.close();
                started.delete(c);
            },
            () => undefined,
        );
    }, RELEASE_GRACE_MS);
    // The grace period must not keep mocha alive once the last spec is done.
    entry.stopTimer.unref();
    entry.client.then(
        (c) => c.unref(),
        () => undefined,
    );
}

export async function startPack(
    packDir = path.join(__dirname, "..", "..", "policies"),
    env: Record<string, string> = {},
    opts: StartPackHarnessOptions = {},
): Promise<PackHarness> {
    const entry = acquire(packDir, env, opts.timeoutMs);
    let client: PackClient;
    try {
        client = await entry.client;
        await client.configure({});
    } catch (e) {
        release(entry);
        throw e;
    }
    let released = false;
    return {
        client,
        async configure(config) {
            const parsed: PolicyPackConfig = parsePolicyPackConfig(JSON.stringify(config), "test config");
            await client.configure(parsed, "test config");
        },
        async analyze(resources) {
            return (await client.preview(toRecords(resources))).violations;
        },
        close() {
            if (!released) {
                released = true;
                release(entry);
            }
        },
    };
}
