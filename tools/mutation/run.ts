/**
 * `npm run mutation`: the mutation suite over the real program (infra/) and the real pack
 * (policies/). Runs the unmutated program (the baseline), every mutation and every control,
 * each in a fresh engine process (tools/gate/engine.ts `runProgram`, resolved mode), judges
 * them through ONE shared pack process, prints the kill table and exits
 *
 *   0  every mutation caught, every control quiet, the baseline clean
 *   1  a mutation SURVIVED or a control was FLAGGED
 *   2  an ERROR: a run failed (the program threw, a hook matched nothing, the pack failed),
 *      or the unmutated program already has a mandatory finding
 *
 * Flags: --only ID[,ID...] (run a subset; the baseline always runs), --jobs N (program runs in
 * flight; default 2, one per core), --fresh (a fresh engine process per run, as before the warm
 * engines: the reference they are tested against), --json FILE (every verdict and finding), --catalogue-md
 * (print the catalogue as Markdown and exit, for docs/MUTATION.md).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { WarmEngines } from "../gate/engine-warm";
import type { Violation } from "../gate/types";
import { findingKey, isBlocking, SharedPack } from "./analyse";
import { controls as allControls, mutations as allMutations } from "./catalogue";
import { judgeControl, judgeMutation, RunOutcome } from "./judge";
import { MutatedPrograms, PROJECT, STACK } from "./programs";
import { catalogueMarkdown, killTable, problems } from "./report";

const ROOT = path.resolve(__dirname, "..", "..");

interface Options {
    only?: Set<string>;
    jobs: number;
    fresh: boolean;
    json?: string;
    catalogueMd: boolean;
}

function parseArgs(argv: string[]): Options {
    const opts: Options = { jobs: 2, fresh: false, catalogueMd: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i]!;
        const value = () => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${a} needs a value`);
            return v;
        };
        if (a === "--only")
            opts.only = new Set(
                value()
                    .split(",")
                    .map((s) => s.trim())
                    .filter(Boolean),
            );
        else if (a === "--jobs") opts.jobs = Math.max(1, Number(value()) || 1);
        else if (a === "--fresh") opts.fresh = true;
        else if (a === "--json") opts.json = value();
        else if (a === "--catalogue-md") opts.catalogueMd = true;
        else
            throw new Error(
                `unknown flag ${a} (flags: --only ID[,ID], --jobs N, --fresh, --json FILE, --catalogue-md)`,
            );
    }
    return opts;
}

/** Runs `tasks` with at most `limit` in flight, keeping results in order. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
    const results: T[] = new Array(tasks.length);
    let next = 0;
    const worker = async () => {
        while (next < tasks.length) {
            const i = next++;
            results[i] = await tasks[i]!();
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
    return results;
}

/** The machine's 1-minute load average over the run, sampled every 5 s: "min to max". */
function loadSampler(): () => string {
    const samples = [os.loadavg()[0]!];
    const timer = setInterval(() => samples.push(os.loadavg()[0]!), 5000);
    timer.unref();
    return () => {
        clearInterval(timer);
        samples.push(os.loadavg()[0]!);
        const [lo, hi] = [Math.min(...samples), Math.max(...samples)].map((x) => x.toFixed(1));
        return lo === hi ? lo! : `${lo} to ${hi}`;
    };
}

function firstLines(s: string, n: number): string {
    return s
        .split("\n")
        .filter((l) => l.trim())
        .slice(0, n)
        .join("\n");
}

async function main(): Promise<number> {
    const opts = parseArgs(process.argv.slice(2));
    if (opts.catalogueMd) {
        process.stdout.write(catalogueMarkdown(allMutations, allControls) + "\n");
        return 0;
    }
    const pick = <T extends { id: string }>(list: T[]) => (opts.only ? list.filter((x) => opts.only!.has(x.id)) : list);
    const mutations = pick(allMutations);
    const controls = pick(allControls);
    if (opts.only) {
        const known = new Set([...allMutations, ...allControls].map((x) => x.id));
        const unknown = [...opts.only].filter((id) => !known.has(id));
        if (unknown.length) throw new Error(`--only names unknown ids: ${unknown.join(", ")}`);
    }

    const started = Date.now();
    const load = loadSampler();
    const packStart = Date.now();
    // The pack starts while the first programs run: both cost seconds.
    const packPromise = SharedPack.start(path.join(ROOT, "policies"), PROJECT, STACK);
    packPromise.catch(() => undefined);
    let pack: SharedPack | undefined;
    let packMs = 0;
    // One warm engine per run in flight; --fresh starts a process per run instead.
    const engines = opts.fresh ? undefined : new WarmEngines(opts.jobs);
    let programs: MutatedPrograms | undefined;
    try {
        programs = MutatedPrograms.prepare();
        const runOne = async (id: string | undefined): Promise<RunOutcome> => {
            const t0 = Date.now();
            try {
                const run = await programs!.run(id, engines);
                const programMs = Date.now() - t0;
                if (!pack) {
                    pack = await packPromise;
                    packMs = Date.now() - packStart;
                }
                const t1 = Date.now();
                const violations = await pack.analyse(run.resources);
                process.stderr.write(".");
                return { resources: run.resources, violations, programMs, analyseMs: Date.now() - t1 };
            } catch (e) {
                process.stderr.write("E");
                return { error: firstLines((e as Error).message ?? String(e), 14), programMs: Date.now() - t0 };
            }
        };

        const ids: (string | undefined)[] = [undefined, ...mutations.map((m) => m.id), ...controls.map((c) => c.id)];
        process.stderr.write(
            `mutation suite: baseline + ${mutations.length} mutations + ${controls.length} controls, ${opts.jobs} in flight `,
        );
        const outcomes = await pool(
            ids.map((id) => () => runOne(id)),
            opts.jobs,
        );
        process.stderr.write("\n");
        const [baseline, ...rest] = outcomes;
        if (!pack) pack = await packPromise; // every run failed before reaching the pack

        if (baseline!.error !== undefined || !baseline!.violations) {
            console.error(`ERROR: the unmutated program could not be judged: ${baseline!.error}`);
            return 2;
        }
        const baseFindings: Violation[] = baseline!.violations;
        const baseBlocking = baseFindings.filter(isBlocking);

        const mResults = mutations.map((m, i) => ({
            m,
            outcome: rest[i]!,
            verdict: judgeMutation(m, baseFindings, rest[i]!),
        }));
        const cResults = controls.map((c, i) => {
            const outcome = rest[mutations.length + i]!;
            return { c, outcome, verdict: judgeControl(c, baseFindings, outcome) };
        });

        console.log(killTable(mResults, cResults));
        console.log("");
        const count = (pred: (r: (typeof mResults)[number]) => boolean) => mResults.filter(pred).length;
        const caught = count((r) => r.verdict.result === "caught");
        const survived = count((r) => r.verdict.result === "SURVIVED");
        const errors =
            count((r) => r.verdict.result === "ERROR") + cResults.filter((r) => r.verdict.result === "ERROR").length;
        const quiet = cResults.filter((r) => r.verdict.result === "quiet").length;
        const flagged = cResults.filter((r) => r.verdict.result === "FLAGGED").length;
        const alternate = mutations.filter((m) => m.alternate).length;
        const families = new Set(mutations.map((m) => m.family)).size;
        const runs = outcomes.filter((o) => o.programMs !== undefined);
        const avg = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : 0);
        const wall = (Date.now() - started) / 1000;
        console.log(
            `baseline: ${baseline!.resources!.length} resources, ${baseFindings.length} findings, ${baseBlocking.length} mandatory`,
        );
        console.log(
            `mutations: ${mutations.length} (${families} families; ${alternate} in an alternate resource form), ` +
                `${caught} caught, ${survived} survived, ${count((r) => r.verdict.result === "ERROR")} errors`,
        );
        console.log(`controls: ${controls.length}, ${quiet} quiet, ${flagged} flagged`);
        console.log(
            `time: ${wall.toFixed(1)} s wall for ${outcomes.length} program runs (${opts.jobs} in flight on ${os.cpus().length} cores, ` +
                `${opts.fresh ? "a fresh engine process per run" : "warm engines"}; load average ${load()}); ` +
                `per run: program ${(avg(runs.map((r) => r.programMs!)) / 1000).toFixed(1)} s, ` +
                `pack analysis ${(avg(outcomes.filter((o) => o.analyseMs !== undefined).map((o) => o.analyseMs!)) / 1000).toFixed(1)} s; ` +
                `pack start ${(packMs / 1000).toFixed(1)} s (overlapped)`,
        );
        const issues = problems(mResults, cResults);
        if (baseBlocking.length > 0) {
            issues.unshift(...baseBlocking.map((v) => `ERROR baseline: ${v.policyName} on ${v.urn}: ${v.message}`));
        }
        if (issues.length) console.log(["", ...issues].join("\n"));

        if (opts.json) {
            const plain = (v: Violation) => ({
                rule: v.policyName,
                level: v.enforcementLevel,
                urn: v.urn,
                message: v.message,
                undecided: v.undecided,
            });
            fs.writeFileSync(
                opts.json,
                JSON.stringify(
                    {
                        durationMs: Date.now() - started,
                        baseline: { resources: baseline!.resources!.length, findings: baseFindings.map(plain) },
                        mutations: mResults.map(({ m, outcome, verdict }) => ({
                            id: m.id,
                            family: m.family,
                            kind: m.kind,
                            form: m.form,
                            alternate: m.alternate,
                            rule: m.rule,
                            level: m.level,
                            resource: m.resource,
                            description: m.description,
                            verdict: verdict.result,
                            detail: verdict.result === "caught" ? verdict.message : verdict.why,
                            newFindings: outcome.violations
                                ? outcome.violations
                                      .filter((v) => !new Set(baseFindings.map(findingKey)).has(findingKey(v)))
                                      .map(plain)
                                : [],
                            programMs: outcome.programMs,
                            analyseMs: outcome.analyseMs,
                        })),
                        controls: cResults.map(({ c, verdict }) => ({
                            id: c.id,
                            kind: c.kind,
                            description: c.description,
                            verdict: verdict.result,
                            findings: verdict.result === "FLAGGED" ? verdict.findings.map(plain) : [],
                        })),
                    },
                    null,
                    2,
                ),
            );
        }
        if (errors > 0 || baseBlocking.length > 0) return 2;
        return survived > 0 || flagged > 0 ? 1 : 0;
    } finally {
        pack?.close();
        if (!pack)
            packPromise.then(
                (p) => p.close(),
                () => undefined,
            );
        engines?.close();
        programs?.close();
    }
}

main().then(
    (code) => process.exit(code),
    (e) => {
        console.error(`mutation suite failed: ${(e as Error).stack ?? String(e)}`);
        process.exit(2);
    },
);
