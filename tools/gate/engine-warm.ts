/**
 * Warm engines: a few long-lived engine processes (engine-warm-worker.js) that keep
 * @pulumi/pulumi and @pulumi/aws loaded and run one program after another, each from a clean
 * slate (the worker's header says what is reset and from which Pulumi sources). A fresh
 * process pays Node's start and the SDK's load (about a second of CPU) at every run; a caller
 * that runs the same program many times (the mutation suite) pays it once per worker.
 *
 * `WarmEngines.launch` is an `EngineLauncher` for `runProgram` (engine.ts): the request, the
 * environment and the result file are exactly those of a fresh run. It falls back to a fresh
 * process (`spawnEngine`) for what a worker cannot reset in place:
 * - an ES module program (Node keeps every imported module for the life of the process);
 * - a request whose loader settings (program folder, tsconfig, runtime options, Node
 *   arguments, NODE_PATH) differ from the ones the workers booted with.
 * A worker whose run did not end cleanly (the program threw, a timeout, a crash) is retired,
 * and the next run gets a new worker: what a failed program left in flight must not reach it.
 * A worker also retires after `RUNS_PER_WORKER` runs: its heap grows by some 17 MB a run with
 * this repository's program (after a full collection). A heap snapshot shows what holds it: the
 * SDK's closure serializer, serializing the program's dynamic provider, asks the inspector for
 * each function's object id (sdk/nodejs/runtime/closure/v8.ts getRuntimeIdForFunctionAsync,
 * `Runtime.evaluate`) and never releases it; through the function's scope, outputs and their
 * resources, the run's whole resource tree stays reachable. Neither `Runtime.disable` nor
 * `Debugger.disable` on that session released it, and the SDK keeps the session private.
 * A larger heap also costs the collector more at every run.
 */
import { ChildProcess, fork } from "child_process";
import * as path from "path";
import { GateError } from "./errors";
import { EngineLauncher, RunningEngine, spawnEngine } from "./engine";
import type { EngineChildRequest } from "./engine-child";

/** Runs before a worker is replaced: the SDK's load is paid once per this many runs. */
export const RUNS_PER_WORKER = 20;

interface Worker {
    child: ChildProcess;
    ready: Promise<void>;
    /** What the worker printed during the current run. */
    output: string;
    runs: number;
    retired?: boolean;
}

/** The settings a worker's loader is built from; a request with others runs fresh. */
function bootKey(request: EngineChildRequest, nodeArgs: string[], env: NodeJS.ProcessEnv): string {
    const { programDir, main, entryFile, typescript, tsconfigRaw, gateModules } = request;
    return JSON.stringify([programDir, main, entryFile, typescript, tsconfigRaw, gateModules, nodeArgs, env.NODE_PATH]);
}

export class WarmEngines {
    private readonly idle: Worker[] = [];
    private readonly waiting: ((w: Worker) => void)[] = [];
    private started = 0;
    private key?: string;
    private closed = false;

    /** At most `size` workers (one per core is what pays). */
    constructor(private readonly size: number) {}

    readonly launch: EngineLauncher = (request, nodeArgs, env, timeoutMs, onResource) => {
        const key = bootKey(request, nodeArgs, env);
        this.key ??= key;
        // A worker has no pipe for streamed records: a caller that wants them gets a fresh process.
        if (request.esm || request.streamRecords || key !== this.key || this.closed) {
            return spawnEngine(request, nodeArgs, env, timeoutMs, onResource);
        }
        let worker: Worker | undefined;
        let stopped = false;
        const stop = () => {
            stopped = true;
            if (worker) this.retire(worker);
        };
        const exited = (async () => {
            worker = await this.acquire(request, nodeArgs, env);
            if (stopped) {
                this.retire(worker);
                throw new GateError("the engine run was stopped", "");
            }
            worker.output = "";
            let code: number | null;
            try {
                code = await this.runOn(worker, request, env, timeoutMs);
            } catch (e) {
                this.retire(worker);
                throw e;
            }
            if (code === 0 && !stopped && ++worker.runs < RUNS_PER_WORKER) this.release(worker);
            else this.retire(worker);
            return code;
        })();
        return { exited, output: () => worker?.output ?? "", kill: stop } satisfies RunningEngine;
    };

    /** Stops every worker; later launches run fresh. */
    close(): void {
        this.closed = true;
        for (const w of this.idle.splice(0)) w.child.kill();
    }

    private async acquire(request: EngineChildRequest, nodeArgs: string[], env: NodeJS.ProcessEnv): Promise<Worker> {
        for (;;) {
            const w = this.idle.pop();
            if (!w) break;
            if (w.child.exitCode === null && w.child.signalCode === null) return w;
            this.started--; // it died while idle (nothing of a run was in it)
        }
        if (this.started < this.size) {
            this.started++;
            const w = this.spawn(request, nodeArgs, env);
            try {
                await w.ready;
            } catch (e) {
                this.started--;
                throw e;
            }
            return w;
        }
        return new Promise((resolve) => this.waiting.push(resolve));
    }

    private release(w: Worker): void {
        const next = this.waiting.shift();
        if (next) next(w);
        else if (this.closed) this.retire(w);
        else this.idle.push(w);
    }

    private retire(w: Worker): void {
        if (w.retired) return;
        w.retired = true;
        w.child.kill("SIGKILL");
        this.started--;
        const next = this.waiting.shift();
        if (!next) return;
        // Whoever waits gets a new worker, booted like the first.
        this.started++;
        const { request, nodeArgs, env } = this.boot!;
        const fresh = this.spawn(request, nodeArgs, env);
        fresh.ready.then(
            () => next(fresh),
            () => next(fresh), // its run then fails with the worker's exit, as a fresh process would
        );
    }

    private boot?: { request: EngineChildRequest; nodeArgs: string[]; env: NodeJS.ProcessEnv };

    private spawn(request: EngineChildRequest, nodeArgs: string[], env: NodeJS.ProcessEnv): Worker {
        this.boot ??= { request, nodeArgs, env };
        const child = fork(path.join(__dirname, "engine-warm-worker.js"), [JSON.stringify(request)], {
            cwd: request.programDir,
            env,
            execArgv: nodeArgs,
            stdio: ["ignore", "pipe", "pipe", "ipc"],
        });
        const w: Worker = { child, output: "", runs: 0, ready: Promise.resolve() };
        child.stdout!.on("data", (d) => (w.output += d));
        child.stderr!.on("data", (d) => (w.output += d));
        w.ready = new Promise((resolve, reject) => {
            child.once("message", () => resolve());
            child.once("exit", (code) => reject(new Error(`the warm engine exited with code ${code} at start`)));
        });
        w.ready.catch(() => undefined);
        return w;
    }

    /** Sends one request; resolves with the code the engine ended the run with. */
    private runOn(w: Worker, request: EngineChildRequest, env: NodeJS.ProcessEnv, timeoutMs: number) {
        return new Promise<number | null>((resolve, reject) => {
            const onMessage = (m: { code: number; error?: string }) => {
                if (m.error) w.output += m.error;
                done(() => resolve(m.code));
            };
            const onExit = (code: number | null) => done(() => resolve(code ?? 1));
            const timer = setTimeout(() => {
                done(() =>
                    reject(
                        new GateError(
                            `the program in ${request.programDir} did not finish within ${timeoutMs / 1000} s`,
                            "Look for a promise that never settles in the program, or raise --timeout.",
                        ),
                    ),
                );
            }, timeoutMs);
            const done = (settle: () => void) => {
                clearTimeout(timer);
                w.child.off("message", onMessage);
                w.child.off("exit", onExit);
                settle();
            };
            w.child.on("message", onMessage);
            w.child.on("exit", onExit);
            w.child.send({ request, env });
        });
    }
}
