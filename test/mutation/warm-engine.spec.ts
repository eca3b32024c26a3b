/**
 * The warm engines (tools/gate/engine-warm.ts) against fresh engine processes: the same
 * program runs, mutated and not, must record the same resources and get the same findings from
 * the pack, whichever ran them and whatever ran before in the same worker. One worker runs
 * everything in turn, the unmutated program again after mutations and after failures, so a
 * transformation, a resource or a hook's state left over from an earlier run would show here.
 * A failing run (a hook that matches nothing, a program that throws, one that never ends) must
 * fail as it does in a fresh process and leave the next run untouched.
 *
 * Resources and findings are compared sorted by URN: the order in which concurrent registrations
 * reach the monitor is not part of what the engine or the pack promise (the CLI's engine gets
 * them over concurrent RPCs). It does differ here: the program's dynamic provider
 * (infra/lib/generated-secret.ts) is serialized by the SDK's closure serializer, whose first
 * use in a process costs more turns of the event loop than later uses, so a few registrations
 * interleave differently in a warm process.
 */
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import type { ProgramRun } from "../../tools/gate/engine";
import { WarmEngines } from "../../tools/gate/engine-warm";
import type { Violation } from "../../tools/gate/types";
import { SharedPack } from "../../tools/mutation/analyse";
import { findChange } from "../../tools/mutation/catalogue";
import { MutatedPrograms, PROJECT, STACK } from "../../tools/mutation/programs";

const ROOT = path.resolve(__dirname, "..", "..");

/** One of each kind: a modify, an add, alternate forms, a modify with a setup, two controls. */
const CHANGES = [
    "s3-pab-policy-off",
    "lambda-subnet-route-to-igw",
    "cloudfront-oai-not-oac",
    "ctl-edge-region-input",
    "iam-administrator-access",
    "ctl-cloudfront-custom-domain",
];

/** A run as the suite judges it: what was recorded and what the pack found, or the failure. */
interface Observed {
    run?: Omit<ProgramRun, "typeCheck">;
    findings?: Violation[];
    error?: string;
    partial?: unknown;
}

const byUrn = <T extends { urn?: string }>(xs: T[]) =>
    [...xs].sort(
        (a, b) => (a.urn ?? "").localeCompare(b.urn ?? "") || JSON.stringify(a).localeCompare(JSON.stringify(b)),
    );

async function observe(run: () => Promise<ProgramRun>, pack: SharedPack): Promise<Observed> {
    try {
        const { typeCheck: _timing, ...recorded } = await run();
        const findings = await pack.analyse(recorded.resources);
        return { run: { ...recorded, resources: byUrn(recorded.resources) }, findings: byUrn(findings) };
    } catch (e) {
        const partial = (e as { partial?: ProgramRun }).partial;
        return { error: (e as Error).message, partial: partial && byUrn(partial.resources) };
    }
}

describe("mutation suite: warm engines against fresh processes", function () {
    this.timeout(20 * 60_000);
    let programs: MutatedPrograms;
    let pack: SharedPack;
    let failDir: string;
    const failures: Record<string, () => { preloads?: string[]; overlays?: string[]; timeoutMs?: number }> = {};
    const fresh = new Map<string, Observed>();
    const warm: { key: string; observed: Observed }[] = [];

    before(async () => {
        programs = MutatedPrograms.prepare();
        failDir = fs.mkdtempSync(path.join(ROOT, ".gate", "warm-spec-"));
        const throwing = path.join(failDir, "throws.overlay.js");
        fs.writeFileSync(
            throwing,
            "module.exports = async () => {\n  await null;\n  throw new Error('a planted failure after the program');\n};\n",
        );
        // The overlay of a modify, without its preload: the hook matched no resource.
        failures["hook matches nothing"] = () => ({ overlays: [programs.shims("s3-pab-policy-off").overlay] });
        failures["program throws"] = () => ({ overlays: [throwing] });
        // A timer the program never clears: the run never ends, and is stopped at its bound.
        const endless = path.join(failDir, "endless.overlay.js");
        fs.writeFileSync(endless, "module.exports = () => {\n  setInterval(() => undefined, 1000);\n};\n");
        failures["program never ends"] = () => ({ overlays: [endless], timeoutMs: 20_000 });
        const packStarting = SharedPack.start(path.join(ROOT, "policies"), PROJECT, STACK);
        packStarting.catch(() => undefined);
        const runs: { key: string; run: (engines?: WarmEngines) => Promise<ProgramRun> }[] = [
            { key: "baseline", run: (e) => programs.run(undefined, e) },
            ...CHANGES.map((id) => ({ key: id, run: (e?: WarmEngines) => programs.run(id, e) })),
            ...Object.entries(failures).map(([key, extra]) => ({
                key,
                run: (e?: WarmEngines) => programs.run(undefined, e, extra()),
            })),
        ];
        const byKey = new Map(runs.map((r) => [r.key, r.run]));
        pack = await packStarting;
        for (const { key, run } of runs) fresh.set(key, await observe(() => run(), pack));
        // One worker, in an order where leftovers would show: the baseline between mutations,
        // after a failure, and last.
        const order = [
            "s3-pab-policy-off",
            "baseline",
            "lambda-subnet-route-to-igw",
            "cloudfront-oai-not-oac",
            "baseline",
            "hook matches nothing",
            "baseline",
            "ctl-edge-region-input",
            "program throws",
            "iam-administrator-access",
            "program never ends",
            "ctl-cloudfront-custom-domain",
            "baseline",
        ];
        const engines = new WarmEngines(1);
        try {
            for (const key of order) warm.push({ key, observed: await observe(() => byKey.get(key)!(engines), pack) });
        } finally {
            engines.close();
        }
    });

    after(() => {
        pack?.close();
        programs?.close();
        if (failDir) fs.rmSync(failDir, { recursive: true, force: true });
    });

    it("covers a modify, an add, an alternate form and a control", () => {
        const changes = CHANGES.map(findChange);
        expect(new Set(changes.map((c) => c.kind))).to.deep.equal(new Set(["modify", "add"]));
        expect(changes.some((c) => "alternate" in c && c.alternate)).to.equal(true);
        expect(CHANGES.some((id) => id.startsWith("ctl-"))).to.equal(true);
    });

    it("the fresh runs are what the suite expects: the changes ran, the failures failed", () => {
        for (const key of ["baseline", ...CHANGES]) expect(fresh.get(key)!.error, key).to.equal(undefined);
        const baseline = fresh.get("baseline")!.run!.resources.map((r) => r.urn);
        expect(fresh.get("lambda-subnet-route-to-igw")!.run!.resources.length).to.be.greaterThan(baseline.length);
        expect(fresh.get("hook matches nothing")!.error).to.match(/matched 0 resources/);
        expect(fresh.get("program throws")!.error).to.match(/a planted failure after the program/);
        expect(fresh.get("program never ends")!.error).to.match(/did not finish within 20 s/);
    });

    it("every warm run records the same resources and gets the same findings as its fresh run", () => {
        for (const { key, observed } of warm) {
            const reference = fresh.get(key)!;
            expect(observed.error, `${key}: error`).to.equal(reference.error);
            expect(observed.partial, `${key}: what the failed run had registered`).to.deep.equal(reference.partial);
            expect(observed.run, `${key}: recorded run`).to.deep.equal(reference.run);
            expect(observed.findings, `${key}: findings`).to.deep.equal(reference.findings);
        }
    });

    it("a run after a failure, or after a mutation, is the unmutated program again", () => {
        const baselines = warm.filter((w) => w.key === "baseline");
        expect(baselines.length).to.equal(4);
        for (const b of baselines) expect(b.observed.run).to.deep.equal(fresh.get("baseline")!.run);
    });
});
