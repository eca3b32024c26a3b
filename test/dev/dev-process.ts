/**
 * Starts the dev server as a person would (a child process), waits for its "ready" line and
 * hands back its URL, moto's endpoint, the children's pids and its output. Shared by the dev
 * server specs and the browser test.
 */
import { ChildProcess, spawn } from "child_process";
import * as net from "net";
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const DEV_MAIN = path.join(REPO_ROOT, "tools", "dev", "main.ts");

/** `node -r ts-node/register/transpile-only tools/dev/main.ts`: the command behind `npm run dev`. */
export const DIRECT_COMMAND = [process.execPath, "-r", require.resolve("ts-node/register/transpile-only"), DEV_MAIN];

export interface DevProcess {
    child: ChildProcess;
    url: string;
    motoUrl: string;
    motoPort: number;
    pids: Record<"moto" | "api" | "stream" | "edge", number>;
    output(): string;
    /** Waits for the process to exit (bounded) and answers its exit code. */
    exited(timeoutMs?: number): Promise<number | null>;
    stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A port free at the time of asking (the OS picks it). */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** True when nothing listens on 127.0.0.1:port. */
export function portIsFree(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const server = net.createServer();
        server.once("error", () => resolve(false));
        server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
}

export function processAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

/**
 * `group`: the process leads a process group of its own, and signals go to the whole group,
 * as a terminal sends Ctrl-C to every process of the foreground job (npm, its shell, node and
 * the children alike).
 */
export function spawnDev(
    args: string[],
    command: string[] = DIRECT_COMMAND,
    group = false,
): {
    child: ChildProcess;
    output(): string;
    exited(timeoutMs?: number): Promise<number | null>;
    signal(s: NodeJS.Signals): void;
} {
    const child = spawn(command[0]!, [...command.slice(1), ...args], {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "pipe"],
        detached: group,
    });
    let output = "";
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    // "close", not "exit": it waits for every holder of the output pipes (under npm, the node
    // process and its children too), so the output is complete when it fires.
    const exit = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
    return {
        child,
        output: () => output,
        signal: (signal) => {
            if (child.exitCode !== null || child.signalCode !== null) return;
            if (group) process.kill(-child.pid!, signal);
            else child.kill(signal);
        },
        exited: (timeoutMs = 20_000) =>
            Promise.race([
                exit,
                new Promise<number | null>((_, reject) =>
                    setTimeout(
                        () => reject(new Error(`dev server did not exit within ${timeoutMs} ms; output:\n${output}`)),
                        timeoutMs,
                    ).unref(),
                ),
            ]),
    };
}

/** Starts the dev server and waits (bounded) for `[dev] ready: <url>`. */
export async function startDev(
    opts: { port?: number; args?: string[]; command?: string[]; group?: boolean; timeoutMs?: number } = {},
): Promise<DevProcess> {
    const port = opts.port ?? (await freePort());
    const proc = spawnDev(["--port", String(port), ...(opts.args ?? [])], opts.command, opts.group);
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    let ready: RegExpExecArray | null = null;
    while (!(ready = /\[dev\] ready: (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.output()))) {
        if (proc.child.exitCode !== null)
            throw new Error(`dev server exited with ${proc.child.exitCode} before it was ready:\n${proc.output()}`);
        if (Date.now() > deadline) {
            proc.signal("SIGTERM");
            throw new Error(`dev server not ready within ${timeoutMs} ms:\n${proc.output()}`);
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    const out = proc.output();
    const moto = /\[moto\] listening on (http:\/\/127\.0\.0\.1:(\d+)) \(pid (\d+)\)/.exec(out)!;
    const pid = (part: string) => Number(new RegExp(`\\[${part}\\] \\S+ ready \\(pid (\\d+)\\)`).exec(out)![1]);
    return {
        child: proc.child,
        url: ready[1]!,
        motoUrl: moto[1]!,
        motoPort: Number(moto[2]),
        pids: { moto: Number(moto[3]), api: pid("api"), stream: pid("stream"), edge: pid("edge") },
        output: proc.output,
        exited: proc.exited,
        async stop(signal: NodeJS.Signals = "SIGTERM") {
            proc.signal(signal);
            return proc.exited();
        },
    };
}

export interface FetchedPage {
    status: number;
    headers: Headers;
    text: string;
}

export async function get(url: string, init?: RequestInit): Promise<FetchedPage> {
    const res = await fetch(url, { redirect: "manual", ...init });
    return { status: res.status, headers: res.headers, text: await res.text() };
}
