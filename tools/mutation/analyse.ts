/**
 * One policy-pack process shared by every run of the suite. Starting a pack costs a second or
 * more, so the suite starts it once and sends each program's resources
 * through it in the engine's order with the gate's own `PackClient.preview`: Analyze for
 * every resource, then AnalyzeStack once.
 *
 * The pack keeps per-preview state (exemption bookkeeping, which resets when a resource call
 * follows a stack call), so two runs must never interleave: analyses are queued one at a time.
 * Program runs still overlap with them — that is where the time goes.
 */
import { PackClient } from "../gate/analyzer";
import type { ResourceRecord, Violation } from "../gate/types";

export class SharedPack {
    private queue: Promise<unknown> = Promise.resolve();

    private constructor(private readonly client: PackClient) {}

    /** Starts the pack in `dir`, configures it with its defaults and names the stack. */
    static async start(dir: string, project: string, stack: string): Promise<SharedPack> {
        const client = await PackClient.start(dir, { project, stack, dryRun: false });
        try {
            // Defaults only: the suite judges the pack as a user gets it (docs/POLICIES.md levels).
            await client.configure({}, "defaults");
            await client.configureStack(stack, project, false);
        } catch (e) {
            client.close();
            throw e;
        }
        return new SharedPack(client);
    }

    /** The declared level of each policy (for the kill table's expectations). */
    get levels(): Map<string, string> {
        return new Map(this.client.info.policies.map((p) => [p.name, p.enforcementLevel]));
    }

    /** Every finding the pack reports for one program run, in the order the gate reports them. */
    analyse(resources: ResourceRecord[]): Promise<Violation[]> {
        const run = this.queue.then(async () => (await this.client.preview(resources)).violations);
        this.queue = run.catch(() => undefined);
        return run;
    }

    close(): void {
        this.client.close();
    }
}

/** A finding that fails a gate: mandatory (or an unremediated remediate), decided, not exempted. */
export function isBlocking(v: Violation): boolean {
    return (v.enforcementLevel === "mandatory" || v.enforcementLevel === "remediate") && !v.undecided && !v.exemption;
}

/** A finding as a comparable key: rule, resource and message. */
export function findingKey(v: Violation): string {
    return `${v.policyName}|${v.urn}|${v.message}`;
}
