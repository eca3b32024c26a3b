/**
 * The benchmark's detailed run (`--sizes`, `--kinds`, `--copies`): for each size, the chosen
 * kinds of input (a generated export, the same stack as a program, the realistic stack built
 * from this repository's program), each measured `--repeat` times in fresh processes, then the
 * tables: per size, per phase, the findings per rule on the realistic stacks and the budget.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ResourceRecord } from "../types";
import { generateStack, ResourceSpec, stackExport, writeProgram } from "./generate";
import { combine, Kind, Measurement, runChild, RunFigures } from "./measure";
import { realisticStack } from "./realistic";
import { toStackExport } from "../stack-export";
import { budget, findingsTable, phaseTable, sec, table } from "./tables";

export interface DetailedOptions {
    sizes: number[];
    kinds: Kind[];
    packs: string[];
    repeat: number;
    /** Copies of the program in a realistic stack (default: as many as fill 70% of the size). */
    copies?: number;
    keep: boolean;
}

/** The project's own program, run once through the engine (the realistic stacks copy it). */
interface ProjectProgram {
    resources: ResourceRecord[];
    project: string;
    stack: string;
    region: string;
}

export async function runDetailed(opts: DetailedOptions): Promise<void> {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-bench-"));
    console.log(`gate benchmark: ${os.cpus().length} CPUs, node ${process.version}, packs ${opts.packs.join(", ")}`);
    console.log(
        `load average ${os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(" ")}; ` +
            `${opts.repeat} run(s) per measurement${opts.repeat > 1 ? " (minimum time, maximum memory)" : ""}`,
    );
    console.log(`inputs under ${workDir}${opts.keep ? " (kept)" : ""}\n`);
    const rows: Measurement[] = [];
    const program: { run?: ProjectProgram } = {};
    try {
        await warmUp(workDir, opts.packs);
        for (const size of opts.sizes) {
            const specs = generateStack(size - 2); // + the Stack and the default provider
            for (const kind of opts.kinds) {
                const t0 = Date.now();
                const input = await writeInput(kind, size, specs, workDir, opts, program);
                if (!input) continue;
                process.stdout.write(
                    `${kind} of ${size.toLocaleString("en-US")} resources${input.note ? ` (${input.note})` : ""}` +
                        ` (generated in ${Date.now() - t0} ms) ... `,
                );
                rows.push({
                    size,
                    kind,
                    ...(input.note ? { note: input.note } : {}),
                    ...(await measureRepeated(kind, input.file, opts)),
                });
            }
        }
    } finally {
        if (!opts.keep) fs.rmSync(workDir, { recursive: true, force: true });
    }
    printDetailed(rows);
}

/**
 * One unmeasured run first: the first start of a pack reads its dependencies from a cold disk
 * cache and would charge that to whichever size happens to run first.
 */
async function warmUp(workDir: string, packs: string[]): Promise<void> {
    const warmup = path.join(workDir, "warmup.json");
    fs.writeFileSync(warmup, JSON.stringify(stackExport(generateStack(10))));
    process.stdout.write("warm-up run ... ");
    const w = await runChild("export", warmup, packs);
    console.log(w.error ? `error: ${w.error}` : `${sec(w.wallMs)} s`);
}

/** Writes one input of `kind` and `size` under `workDir`; undefined when the size is too small for it. */
async function writeInput(
    kind: Kind,
    size: number,
    specs: ResourceSpec[],
    workDir: string,
    opts: DetailedOptions,
    program: { run?: ProjectProgram },
): Promise<{ file: string; note?: string } | undefined> {
    if (kind === "export") {
        const file = path.join(workDir, `stack-${size}.json`);
        fs.writeFileSync(file, JSON.stringify(stackExport(specs)));
        return { file };
    }
    if (kind === "program") {
        const file = path.join(workDir, `program-${size}`);
        writeProgram(file, specs);
        return { file };
    }
    if (!program.run) {
        process.stdout.write("running the project's program through the engine ... ");
        program.run = await projectProgram();
        console.log(`${program.run.resources.length} resources`);
    }
    const p = program.run;
    if (size < p.resources.length + 1) {
        console.log(
            `realistic of ${size.toLocaleString("en-US")} resources: skipped (the program alone has ${p.resources.length})`,
        );
        return undefined;
    }
    const stack = realisticStack(p.resources, p.project, p.stack, p.region, size, opts.copies);
    const note =
        `${stack.copies} copies of ${stack.perCopy} + ${stack.noise} noise + ${p.resources.length - stack.perCopy} shared` +
        (stack.duplicateIds ? `; ${stack.duplicateIds} ids shared by several resources` : "");
    const file = path.join(workDir, `realistic-${size}.json`);
    fs.writeFileSync(file, JSON.stringify(toStackExport({ resources: stack.resources }, "2026-11-25T00:00:00.000Z")));
    return { file, note };
}

async function projectProgram(): Promise<ProjectProgram> {
    const { runProgram } = await import("../engine");
    const run = await runProgram({ programDir: path.resolve(__dirname, "../../.."), mode: "resolved" });
    return { resources: run.resources, project: run.project, stack: run.stack, region: run.region };
}

/** `repeat` runs of one input, as one row (minimum times, maximum memory), with the load average before each. */
async function measureRepeated(
    kind: Kind,
    input: string,
    opts: DetailedOptions,
): Promise<Omit<Measurement, "size" | "kind" | "note">> {
    const runs: RunFigures[] = [];
    const load: number[] = [];
    for (let i = 0; i < opts.repeat; i++) {
        load.push(os.loadavg()[0]!);
        const r = await runChild(kind, input, opts.packs);
        runs.push(r);
        process.stdout.write(r.error ? `error: ${r.error} ` : `${sec(r.wallMs)} s `);
    }
    console.log();
    return { runs: runs.length, load, ...combine(runs) };
}

function printDetailed(rows: Measurement[]): void {
    console.log("\n" + table(rows) + "\n");
    console.log("total: runGate wall time in a fresh process (engine, pack start-up, Analyze, AnalyzeStack).");
    console.log("engine: program run under the mock monitor (its own process), or export read.");
    console.log("gate RSS: peak of the process calling runGate (the program's engine process is not included).\n");
    console.log("Per phase: wall time; the pack's CPU time and peak memory (of that phase alone); the gate's CPU time");
    console.log("(encoding requests, reading answers). Start-up is ts-node type-checking the pack.\n");
    console.log(phaseTable(rows) + "\n");
    if (rows.some((m) => m.phases?.cumulativePeaks))
        console.log("(peaks could not be reset between phases: each includes the earlier ones)\n");
    const findings = findingsTable(rows);
    if (findings.length) console.log(findings.join("\n") + "\n");
    for (const line of budget(rows)) console.log(line);
}
