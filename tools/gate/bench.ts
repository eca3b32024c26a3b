/**
 * The gate's benchmark (not a test: nothing here asserts, it prints figures).
 *
 *     npm run bench:gate                       # the ratios (bench/ratios.ts), JSON in .gate/
 *     npm run bench:gate -- --sizes 100,1000,10000   # the detailed tables (bench/detailed.ts)
 *     npx ts-node --transpile-only tools/gate/bench.ts --sizes 100,1000 --kinds export
 *
 * By default it prints four ratios, each against a reference measured in the same run
 * (bench/ratios.ts). With --sizes, --kinds or --copies, for each size it generates a stack of
 * the resource types the pack's rules inspect (bench/generate.ts), writes it as a `pulumi stack
 * export` file and as a program folder, and runs the gate on each through its programmatic API
 * (runGate), one fresh process per run so that peak memory belongs to that run alone
 * (bench/measure.ts). Budget, for exports: 10,000 resources within 15 s, and t(10k)/t(1k) at
 * most 12. The bench exits 0 over budget too, but says OVER BUDGET (bench/tables.ts).
 *
 * `realistic` (bench/realistic.ts): the project's own program, run once through the engine,
 * copied as many times as fill 70% of the size (50 copies at 10,000) with every name, id and
 * reference renamed per copy, plus resources no rule inspects for the rest, judged as a stack
 * export (the same budget). The real program is compliant, so the bench prints the findings per
 * rule: mandatory findings there mean a broken copy or a rule that misbehaves at scale.
 *
 * Each run also reports, per phase (start-up, Analyze, AnalyzeStack), the pack's peak memory
 * and CPU time and the gate's CPU time, read through the analyzer client's measuring hook
 * (observePackPhases), the peak reset as each phase begins. On a shared machine compare CPU
 * times: wall time there measures the other processes too. `--repeat N` runs every measurement
 * N times (minimum times, maximum memory) and prints the load average before each run.
 *
 * This file reads the flags and starts one of the two runs; the parts, one job each:
 * bench/generate.ts and bench/realistic.ts write the inputs, bench/measure.ts measures one run,
 * bench/tables.ts prints, bench/ratios.ts and bench/detailed.ts put them together.
 */
import * as path from "path";
import { KINDS, Kind } from "./bench/measure";

const DEFAULT_SIZES = [100, 1_000, 10_000];

interface Args {
    /** The detailed tables (--sizes, --kinds or --copies given) instead of the ratios. */
    detailed: boolean;
    json: string;
    sizes: number[];
    kinds: Kind[];
    packs: string[];
    keep: boolean;
    repeat: number;
    copies?: number;
}

function parseArgs(argv: string[]): Args {
    const args: Args = {
        detailed: false,
        json: path.resolve(__dirname, "../../.gate/bench-ratios.json"),
        sizes: DEFAULT_SIZES,
        kinds: KINDS,
        packs: [],
        keep: false,
        repeat: 0,
    };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = (): string => {
            const v = argv[++i];
            if (v === undefined) usage(`${flag} needs a value`);
            return v;
        };
        if (flag === "--sizes" || flag === "--kinds" || flag === "--copies") args.detailed = true;
        if (flag === "--json") args.json = value();
        else if (flag === "--sizes") {
            args.sizes = value()
                .split(",")
                .map((s) => Number(s.replace(/[_,]/g, "")));
            if (args.sizes.some((n) => !Number.isInteger(n) || n < 3))
                usage("--sizes takes whole numbers of at least 3");
        } else if (flag === "--kinds") {
            args.kinds = value().split(",") as Kind[];
            if (args.kinds.some((k) => !KINDS.includes(k))) usage(`--kinds takes ${KINDS.join(", ")}`);
        } else if (flag === "--repeat") {
            args.repeat = Number(value());
            if (!Number.isInteger(args.repeat) || args.repeat < 1) usage("--repeat takes a whole number of at least 1");
        } else if (flag === "--copies") {
            args.copies = Number(value());
            if (!Number.isInteger(args.copies) || args.copies < 1) usage("--copies takes a whole number of at least 1");
        } else if (flag === "--policy-pack") args.packs.push(value());
        else if (flag === "--keep") args.keep = true;
        else usage(`unknown flag ${flag}`);
    }
    if (args.packs.length === 0) args.packs = [path.resolve(__dirname, "../../policies")];
    if (!args.detailed && args.packs.length > 1)
        usage("the ratios take one --policy-pack (add --sizes for the detailed tables)");
    if (args.repeat === 0) args.repeat = args.detailed ? 1 : 3;
    return args;
}

function usage(problem: string): never {
    process.stderr.write(
        `bench: ${problem}\n` +
            "usage: bench [--repeat N] [--policy-pack DIR] [--json FILE] [--keep]      the ratios (default)\n" +
            "       bench --sizes 100,1000,10000 [--kinds export,program,realistic] [--repeat N] [--copies N]\n" +
            "             [--policy-pack DIR]... [--keep]                                the detailed tables\n",
    );
    process.exit(2);
}

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2));
    if (!args.detailed) {
        const { runRatios } = await import("./bench/ratios");
        return runRatios({ pack: args.packs[0]!, repeat: args.repeat, json: args.json, keep: args.keep });
    }
    const { runDetailed } = await import("./bench/detailed");
    return runDetailed(args);
}

if (require.main === module) {
    main().catch((e) => {
        console.error(e);
        process.exit(1);
    });
}
