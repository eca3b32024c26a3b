/**
 * Runs a parity scenario as `pulumi config set scenario N` + `pulumi preview --policy-pack ...
 * [--policy-pack-config ...]` would, through the gate: the scenario reaches the program and
 * the pack as stack config (`--config scenario=N`).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { GateError, runGate } from "../../tools/gate";
import { renderReport } from "../../tools/gate/report";
import type { GateResult } from "../../tools/gate/types";
import { parity } from "./fixtures";

export interface ParityRun {
    scenario?: number;
    mode?: "resolved" | "first-preview";
    /** The --policy-pack-config file's content. */
    packConfig?: Record<string, unknown>;
}

export async function runParity(name: string, run: ParityRun = {}): Promise<{ result: GateResult; text: string }> {
    const { program, pack } = parity(name);
    let configFile: string | undefined;
    if (run.packConfig) {
        configFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parity-")), "policy-config.json");
        fs.writeFileSync(configFile, JSON.stringify(run.packConfig, null, 4));
    }
    try {
        const result = await runGate({
            program,
            stack: "dev",
            mode: run.mode ?? "resolved",
            policyPacks: [pack],
            policyPackConfigs: configFile ? [configFile] : [],
            config: run.scenario === undefined ? undefined : { scenario: String(run.scenario) },
        });
        return { result, text: renderReport(result, "text") };
    } finally {
        if (configFile) fs.rmSync(path.dirname(configFile), { recursive: true, force: true });
    }
}

/** The run fails as the CLI's does: a GateError (exit 2) whose message matches. */
export async function expectParityFailure(name: string, run: ParityRun, pattern: RegExp | string): Promise<GateError> {
    try {
        await runParity(name, run);
    } catch (e) {
        expect(e).to.be.instanceOf(GateError);
        if (typeof pattern === "string") expect((e as Error).message).to.include(pattern);
        else expect((e as Error).message).to.match(pattern);
        return e as GateError;
    }
    throw new Error(`scenario ${run.scenario ?? "-"} of ${name} did not fail`);
}

/** The CLI's lines for one violation (pkg/backend/display: the heading, then each line of the message). */
export function cliBlock(level: string, policy: string, resource: string | undefined, ...lines: string[]): string {
    const clause = resource ? `  (${resource})` : "";
    return [`        - [${level}]  ${policy}${clause}`, ...lines.map((l) => `          ${l}`)].join("\n") + "\n";
}

/**
 * For scenarios whose program ignores the scenario (config, enforcement levels): run the
 * program once and reuse its resources, so a spec's time goes to the packs it is about. The
 * scenario still reaches the pack as stack config. Returns the function that undoes it.
 */
export function reuseProgramRuns(): () => void {
    const engine = require("../../tools/gate/engine") as typeof import("../../tools/gate/engine");
    const original = engine.runProgram;
    const runs = new Map<string, ReturnType<typeof original>>();
    engine.runProgram = (opts) => {
        const { scenario: _ignored, ...config } = opts.config ?? {};
        const key = JSON.stringify([opts.programDir, opts.stack, opts.mode, config]);
        if (!runs.has(key)) runs.set(key, original(opts));
        return runs.get(key)!;
    };
    return () => {
        engine.runProgram = original;
    };
}
