/**
 * The Node side of lambda_bridge.py: one long-lived Python process per function, holding the
 * imported handler as a warm Lambda container does, called one request at a time (a
 * container runs one invocation at once; requests queue behind it).
 *
 * An invocation that outlives its timeout is a function error, as in Lambda, and the
 * container is replaced: the stuck process is killed and a fresh one imports the handler.
 */
import { ChildProcess, spawn } from "child_process";
import { randomUUID } from "crypto";
import * as path from "path";
import * as readline from "readline";
import type { Writable } from "stream";
import { logger, PartName, pipeLines } from "./log";
import { DevError } from "./errors";

const BRIDGE_SCRIPT = path.join(__dirname, "lambda_bridge.py");

export interface BridgeOptions {
    /** Log prefix of the function's output. */
    part: PartName;
    functionDir: string;
    functionName: string;
    /** The function's whole environment (see localAwsEnvironment). */
    environment: NodeJS.ProcessEnv;
    timeoutSeconds: number;
    memoryMb?: number;
}

export type Invocation =
    | { ok: true; result: unknown; requestId: string }
    | { ok: false; errorType: string; errorMessage: string; requestId: string };

interface Pending {
    id: number;
    requestId: string;
    resolve: (inv: Invocation) => void;
    timer: NodeJS.Timeout;
}

/**
 * The environment a function gets locally: its own variables, the region, and fake
 * credentials for moto. Every inherited AWS_* variable is dropped and the shared config and
 * credentials files are pointed at /dev/null, so no real profile or key can be picked up.
 */
export function localAwsEnvironment(
    endpointUrl: string,
    region: string,
    functionName: string,
    own: Record<string, string>,
): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("AWS_")) env[k] = v;
    return {
        ...env,
        AWS_ENDPOINT_URL: endpointUrl,
        AWS_ACCESS_KEY_ID: "testing",
        AWS_SECRET_ACCESS_KEY: "testing",
        AWS_SESSION_TOKEN: "testing",
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_LAMBDA_FUNCTION_NAME: functionName,
        PYTHONUNBUFFERED: "1",
        PYTHONDONTWRITEBYTECODE: "1",
        ...own,
    };
}

export class LambdaBridge {
    private child?: ChildProcess;
    private nextId = 1;
    private queue: Array<() => void> = [];
    private busy = false;
    private pending?: Pending;
    private stopping = false;
    private readonly log;

    constructor(private readonly opts: BridgeOptions) {
        this.log = logger(opts.part);
    }

    get pid(): number | undefined {
        return this.child?.pid;
    }

    /** Starts the process and waits for the handler's import (its cold start). */
    async start(): Promise<void> {
        const o = this.opts;
        const child = spawn(
            "python3",
            [BRIDGE_SCRIPT, o.functionDir, o.functionName, String(o.memoryMb ?? 256), String(o.timeoutSeconds)],
            {
                stdio: ["pipe", "pipe", "pipe", "pipe"],
                env: o.environment,
                cwd: o.functionDir,
            },
        );
        this.child = child;
        pipeLines(child.stdout!, this.log.info);
        pipeLines(child.stderr!, this.log.info);
        const lines = readline.createInterface({ input: child.stdio[3] as NodeJS.ReadableStream });
        const ready = new Promise<void>((resolve, reject) => {
            child.once("error", (e) =>
                reject(
                    new DevError(
                        `could not start python3 for ${o.functionName}: ${e.message}`,
                        "Install Python 3 (3.11 or newer) and make sure `python3` is on PATH.",
                    ),
                ),
            );
            child.once("exit", (code) =>
                reject(
                    new DevError(
                        `the ${o.part} function's process exited during start (code ${code}); its output is above`,
                        `Fix the handler in ${path.relative(process.cwd(), o.functionDir) || o.functionDir} so that it imports.`,
                    ),
                ),
            );
            lines.once("line", (line) => {
                const msg = JSON.parse(line);
                if (msg.ready) resolve();
                else
                    reject(
                        new DevError(
                            `${o.functionDir}/handler.py failed to import: ${msg.errorType}: ${msg.errorMessage}`,
                            `Fix the handler; its stack trace: ${(msg.stackTrace ?? []).join("").trim()}`,
                        ),
                    );
            });
        });
        await ready;
        this.log.info(`${o.functionName} ready (pid ${child.pid})`);
        lines.on("line", (line) => this.onAnswer(JSON.parse(line)));
        child.on("exit", (code, signal) => {
            if (this.child !== child) return;
            this.child = undefined;
            if (!this.stopping) this.log.error(`${o.functionName} process exited (code ${code}, signal ${signal})`);
            this.finish({
                ok: false,
                errorType: "Runtime.ExitError",
                errorMessage: `process exited (code ${code}, signal ${signal})`,
            });
        });
    }

    /** One invocation; resolves with the handler's result or its error, never rejects. */
    invoke(event: unknown, requestId: string = randomUUID()): Promise<Invocation> {
        return new Promise((resolve) => {
            const run = () => {
                this.busy = true;
                this.dispatch(event, requestId, resolve);
            };
            if (this.busy) this.queue.push(run);
            else run();
        });
    }

    private async dispatch(event: unknown, requestId: string, resolve: (inv: Invocation) => void): Promise<void> {
        if (!this.child && !this.stopping) {
            try {
                await this.start();
            } catch (e) {
                this.log.error((e as Error).message);
            }
        }
        const child = this.child;
        if (!child || this.stopping) {
            this.busy = false;
            resolve({
                ok: false,
                errorType: "Runtime.Unavailable",
                errorMessage: "the function's process is not running",
                requestId,
            });
            this.next();
            return;
        }
        const id = this.nextId++;
        const timeoutMs = this.opts.timeoutSeconds * 1000;
        const timer = setTimeout(() => {
            this.log.error(
                `${this.opts.functionName} timed out after ${this.opts.timeoutSeconds} s (request ${requestId}); restarting it`,
            );
            // Forget the stuck process first: the next queued request starts a fresh one.
            this.child = undefined;
            child.kill("SIGKILL");
            this.finish({
                ok: false,
                errorType: "Sandbox.Timedout",
                errorMessage: `Task timed out after ${this.opts.timeoutSeconds} seconds`,
            });
        }, timeoutMs);
        this.pending = { id, requestId, resolve: (inv) => resolve(inv), timer };
        (child.stdin as Writable).write(JSON.stringify({ id, event, requestId }) + "\n");
    }

    private onAnswer(msg: any): void {
        if (!this.pending || msg.id !== this.pending.id) return;
        this.finish(
            msg.ok
                ? { ok: true, result: msg.result }
                : { ok: false, errorType: msg.errorType, errorMessage: msg.errorMessage },
        );
    }

    private finish(
        outcome: { ok: true; result: unknown } | { ok: false; errorType: string; errorMessage: string },
    ): void {
        const pending = this.pending;
        if (!pending) return;
        this.pending = undefined;
        clearTimeout(pending.timer);
        pending.resolve({ ...outcome, requestId: pending.requestId });
        this.next();
    }

    private next(): void {
        const run = this.queue.shift();
        if (run) run();
        else this.busy = false;
    }

    /** Closes stdin (the bridge's signal to end), then kills the process if it lingers. */
    async stop(graceMs = 2000): Promise<void> {
        this.stopping = true;
        const child = this.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.stdin?.end();
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
    }
}
