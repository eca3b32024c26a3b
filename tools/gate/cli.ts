/**
 * `npm run gate -- [flags]`: the offline preview gate's command line.
 *
 * Exit codes: 0 no mandatory violation; 1 a mandatory violation; 2 the program threw, a pack
 * failed to start, crashed or did not answer in time, or a flag or file is invalid. Every
 * exit 2 prints one message on stderr naming the cause and the fix. A crash is never a pass.
 */
import * as fs from "fs";
import * as path from "path";
import { awsApiPackInfo, awsApiSummary, awsApiViolations, checkAwsApi } from "./aws-api";
import { GateError } from "./errors";
import { gateFails, runGate } from "./index";
import { renderReport, REPORT_FORMATS, ReportFormat } from "./report";
import type { GateOptions } from "./types";

export const USAGE = `usage: npm run gate -- [flags]

  --program DIR              program folder with Pulumi.yaml (default: .)
  --stack NAME               stack whose Pulumi.<stack>.yaml config is used (default: dev)
  --config KEY=VALUE         a config value over the stack file's, as \`pulumi preview --config\` (not saved); may repeat
  --stack-export FILE        judge a \`pulumi stack export\` file instead of running a program
  --policy-pack DIR          policy pack folder (default: ./policies); may repeat
  --policy-pack-config FILE  config for the pack in the same position (CLI format); may repeat
  --mode MODE                resolved (default) | first-preview
  --format FORMAT            text (default) | json | sarif | junit
  --output FILE              write the report to FILE instead of stdout
  --timeout SECONDS          bound on the program run and on every pack call (default: 120)
  --baseline FILE            a JSON report of an earlier run: its findings are known and do not fail
  --fail-on-not-analysed     exit 1 when a remote component (e.g. awsx v3) holds resources the gate cannot see
  --check-aws-api            also check every input against AWS's API models (advisory findings)
  --fail-on-aws-api          the same, and a broken AWS API constraint fails the gate (exit 1)
  --help                     this text

exit: 0 no mandatory violation, 1 a mandatory violation (or, with --fail-on-not-analysed, a
component not analysed), 2 the gate could not decide
(program or pack failed, bad flag or file)`;

export interface CliOptions extends GateOptions {
    format: ReportFormat;
    output?: string;
    help?: boolean;
    /** --check-aws-api / --fail-on-aws-api: the AWS API contract check, and at which level. */
    awsApi?: "advisory" | "mandatory";
}

const usageFix = "Run `npm run gate -- --help` for the flags.";

/** What a flag does to the options; a flag that takes a value reads it with `value()`. */
type FlagHandler = (opts: CliOptions, value: () => string) => void;

/** The value of one of a closed set of choices, or a GateError naming the choices. */
function oneOf<T extends string>(flag: string, choices: readonly T[], given: string, listed: string): T {
    if (!(choices as readonly string[]).includes(given)) {
        throw new GateError(`${flag} must be ${listed}, not "${given}"`, usageFix);
    }
    return given as T;
}

/** Every flag the gate accepts (a data table: one entry per flag, as USAGE lists them). */
const FLAGS: Record<string, FlagHandler> = {
    "--help": (o) => (o.help = true),
    "-h": (o) => (o.help = true),
    "--program": (o, value) => (o.program = value()),
    "--stack": (o, value) => (o.stack = value()),
    "--stack-export": (o, value) => (o.stackExport = value()),
    "--config": (o, value) => {
        const kv = value();
        const at = kv.indexOf("=");
        if (at <= 0) throw new GateError(`--config needs KEY=VALUE, not "${kv}"`, usageFix);
        o.config = { ...o.config, [kv.slice(0, at)]: kv.slice(at + 1) };
    },
    "--policy-pack": (o, value) => o.policyPacks.push(value()),
    "--policy-pack-config": (o, value) => o.policyPackConfigs.push(value()),
    "--output": (o, value) => (o.output = value()),
    "--baseline": (o, value) => (o.baseline = value()),
    "--fail-on-not-analysed": (o) => (o.failOnNotAnalysed = true),
    // --fail-on-aws-api wins over --check-aws-api, in whichever order they come.
    "--check-aws-api": (o) => (o.awsApi ??= "advisory"),
    "--fail-on-aws-api": (o) => (o.awsApi = "mandatory"),
    "--mode": (o, value) =>
        (o.mode = oneOf("--mode", ["resolved", "first-preview"] as const, value(), "resolved or first-preview")),
    "--format": (o, value) =>
        (o.format = oneOf("--format", REPORT_FORMATS, value(), `one of ${REPORT_FORMATS.join(", ")}`)),
    "--timeout": (o, value) => {
        const t = value();
        const n = Number(t);
        if (!Number.isFinite(n) || n <= 0)
            throw new GateError(`--timeout must be a positive number of seconds, not "${t}"`, usageFix);
        o.timeoutMs = n * 1000;
    },
};

export function parseArgs(argv: string[]): CliOptions {
    const opts: CliOptions = {
        program: undefined,
        stack: "dev",
        policyPacks: [],
        policyPackConfigs: [],
        mode: "resolved",
        format: "text",
    };
    for (let i = 0; i < argv.length; i++) {
        // `--flag=value` and `--flag value` both give a value.
        const eq = argv[i]!.indexOf("=");
        const inline = argv[i]!.startsWith("--") && eq > 0;
        const flag = inline ? argv[i]!.slice(0, eq) : argv[i]!;
        if (!Object.hasOwn(FLAGS, flag)) throw new GateError(`unknown argument "${argv[i]}"`, usageFix);
        FLAGS[flag]!(opts, () => {
            if (inline) return argv[i]!.slice(eq + 1);
            const v = argv[i + 1];
            if (v === undefined || v.startsWith("--")) throw new GateError(`${flag} needs a value`, usageFix);
            i++;
            return v;
        });
    }
    checkInputs(opts);
    if (opts.policyPacks.length === 0) opts.policyPacks.push("./policies");
    if (!opts.stackExport && !opts.program) opts.program = ".";
    return opts;
}

/** Flags that each make sense alone but not together. */
function checkInputs(opts: CliOptions): void {
    if (opts.stackExport && opts.program) {
        throw new GateError(
            "--program and --stack-export exclude each other",
            "Give a program folder or a stack export, not both.",
        );
    }
    if (opts.stackExport && opts.mode === "first-preview") {
        throw new GateError(
            "--mode first-preview applies to programs; a stack export holds the values it was exported with",
            "Drop --mode when using --stack-export.",
        );
    }
}

export async function main(argv: string[]): Promise<number> {
    let opts: CliOptions;
    try {
        opts = parseArgs(argv);
        if (opts.help) {
            process.stdout.write(USAGE + "\n");
            return 0;
        }
        if (opts.output) {
            const dir = path.dirname(path.resolve(opts.output));
            if (!fs.existsSync(dir))
                throw new GateError(
                    `--output folder does not exist: ${dir}`,
                    "Create the folder or choose another path.",
                );
        }
        const result = await runGate(opts);
        if (opts.awsApi) {
            const check = checkAwsApi(result.resources);
            result.packs.push(awsApiPackInfo(check, opts.awsApi));
            result.violations.push(...awsApiViolations(check, opts.awsApi));
            process.stderr.write(awsApiSummary(check, `${result.mode}, stack '${result.stack}'`) + "\n");
        }
        const report = renderReport(result, opts.format);
        if (opts.output) fs.writeFileSync(opts.output, report.endsWith("\n") ? report : report + "\n");
        else process.stdout.write(report.endsWith("\n") ? report : report + "\n");
        return gateFails(result) ? 1 : 0;
    } catch (e) {
        if (e instanceof GateError) {
            process.stderr.write(`gate: ${e.message}\nfix: ${e.fix}\n`);
        } else {
            process.stderr.write(
                `gate: internal error: ${(e as Error)?.stack ?? String(e)}\n` +
                    "fix: this is a bug in the gate; report it with the command you ran.\n",
            );
        }
        return 2;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => {
        // Let stdout drain before exiting with the verdict.
        process.exitCode = code;
    });
}
