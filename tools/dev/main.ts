/**
 * `npm run dev`: the app on one machine with no AWS account. See dev-server.ts for the parts
 * and the README ("Run the app locally") for what each does.
 *
 *   npm run dev -- [--port 8080] [--moto-port 0] [--stack dev] [--verbose]
 *
 * Exit codes: 0 after Ctrl-C/SIGTERM stopped everything; 1 when it could not start (the
 * message names the input and the fix) or moto died under it.
 */
import { DevServer, DevOptions } from "./dev-server";
import { DevError } from "./errors";
import { logger } from "./log";

const log = logger("dev");

const USAGE =
    "usage: npm run dev -- [--port <port, default 8080>] [--moto-port <port, default: a free one>] " +
    "[--stack <stack, default dev>] [--verbose]";

export function parseArgs(argv: string[]): DevOptions {
    const opts: DevOptions = { port: 8080, motoPort: 0, stack: "dev", verbose: false };
    const port = (flag: string, value: string | undefined, allowZero: boolean): number => {
        const n = Number(value);
        if (value === undefined || !Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > 65535) {
            throw new DevError(
                `${flag} ${value ?? "(missing)"} is not a port`,
                `give ${flag} a whole number from ${allowZero ? 0 : 1} to 65535. ${USAGE}`,
            );
        }
        return n;
    };
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i]!.includes("=") ? argv[i]!.split(/=(.*)/s, 2) : [argv[i]!, undefined];
        const value = () => inline ?? argv[++i];
        switch (flag) {
            case "--port":
                opts.port = port(flag, value(), false);
                break;
            case "--moto-port":
                opts.motoPort = port(flag, value(), true);
                break;
            case "--stack": {
                const stack = value();
                if (!stack) throw new DevError("--stack needs a stack name", USAGE);
                opts.stack = stack;
                break;
            }
            case "--verbose":
                opts.verbose = true;
                break;
            case "-h":
            case "--help":
                process.stdout.write(USAGE + "\n");
                process.exit(0);
                break;
            default:
                throw new DevError(`unknown argument ${argv[i]}`, USAGE);
        }
    }
    return opts;
}

function report(e: unknown): void {
    if (e instanceof DevError) {
        log.error(`error: ${e.message}`);
        log.error(`fix: ${e.fix}`);
    } else {
        log.error(`error: ${(e as Error)?.stack ?? e}`);
    }
}

async function main(): Promise<void> {
    let opts: DevOptions;
    try {
        opts = parseArgs(process.argv.slice(2));
    } catch (e) {
        report(e);
        process.exit(1);
    }
    const dev = new DevServer();
    let signals = 0;
    // `npm run dev` runs us under `sh -c`, and a SIGTERM sent to npm alone kills that shell
    // without reaching us: once our parent is gone (we are re-parented), stop as for SIGTERM.
    const parent = process.ppid;
    const orphaned = setInterval(() => {
        if (process.ppid !== parent && signals++ === 0) void shutdown(0, `parent process ${parent} is gone`);
    }, 500);
    orphaned.unref();
    const shutdown = async (code: number, why: string) => {
        clearInterval(orphaned);
        log.info(`${why}: stopping moto, the functions and the server`);
        await dev.stop();
        log.info("stopped");
        process.exit(code);
    };
    // A closed terminal or a dead reader of our output must not end the process before it
    // has stopped its children: write errors (EPIPE) are dropped, SIGHUP stops as SIGTERM does.
    process.stdout.on("error", () => undefined);
    process.stderr.on("error", () => undefined);
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        process.on(signal, () => {
            if (++signals > 1) {
                log.error(`${signal} again: killing what is left`);
                dev.kill();
                process.exit(1);
            }
            void shutdown(0, signal);
        });
    }
    try {
        await dev.start(opts, (fatal) => {
            report(fatal);
            void shutdown(1, "fatal");
        });
    } catch (e) {
        if (signals > 0) return; // a signal's shutdown is under way and exits
        report(e);
        await dev.stop();
        process.exit(1);
    }
}

if (require.main === module) void main();
