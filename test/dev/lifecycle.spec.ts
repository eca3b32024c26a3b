/**
 * Starting and stopping the dev server: a port in use is one clear error and exit 1 before
 * anything starts; SIGTERM (and a parent that dies, and SIGKILL) stops every child process
 * and frees the ports.
 */
import { expect } from "chai";
import * as net from "net";
import { DIRECT_COMMAND, freePort, portIsFree, processAlive, spawnDev, startDev } from "./dev-process";

function occupy(port: number): Promise<net.Server> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve(server));
    });
}

describe("dev server: start and stop", function () {
    this.timeout(90_000);

    it("exits 1 with a message naming the port and --port when the app's port is in use", async () => {
        const port = await freePort();
        const holder = await occupy(port);
        try {
            const dev = spawnDev(["--port", String(port)]);
            expect(await dev.exited()).to.equal(1);
            expect(dev.output()).to.include(`[dev] error: port ${port} on 127.0.0.1 (the app) is already in use`);
            expect(dev.output()).to.match(/\[dev\] fix: .*--port <port>/);
            expect(dev.output(), "nothing else started").not.to.match(/\[(moto|api|stream|edge)\]/);
        } finally {
            holder.close();
        }
    });

    it("exits 1 when --moto-port is in use", async () => {
        const [port, motoPort] = [await freePort(), await freePort()];
        const holder = await occupy(motoPort);
        try {
            const dev = spawnDev(["--port", String(port), "--moto-port", String(motoPort)]);
            expect(await dev.exited()).to.equal(1);
            expect(dev.output()).to.include(`port ${motoPort} on 127.0.0.1 (moto) is already in use`);
            expect(dev.output()).to.include("--moto-port <port>");
            expect(await portIsFree(port), "the app's port is released").to.equal(true);
        } finally {
            holder.close();
        }
    });

    it("exits 1 on a bad argument, naming it", async () => {
        const dev = spawnDev(["--port", "eighty"]);
        expect(await dev.exited()).to.equal(1);
        expect(dev.output()).to.include("[dev] error: --port eighty is not a port");
    });

    /** Waits (bounded) until every pid has exited: orphaned children stop on their own schedule. */
    async function allGone(pids: Record<string, number>, timeoutMs = 10_000): Promise<string[]> {
        const deadline = Date.now() + timeoutMs;
        let alive: string[] = [];
        do {
            alive = Object.entries(pids)
                .filter(([, pid]) => processAlive(pid))
                .map(([part, pid]) => `${part} (pid ${pid})`);
            if (alive.length === 0) break;
            await new Promise((r) => setTimeout(r, 100));
        } while (Date.now() < deadline);
        return alive;
    }

    it("stops everything when its parent dies without passing a signal on (npm's shell killed)", async () => {
        // `; true` keeps sh from exec-ing node, so node is the shell's child as under `npm run`.
        const dev = await startDev({
            command: ["sh", "-c", `${DIRECT_COMMAND.map((a) => `'${a}'`).join(" ")} "$@"; true`, "sh"],
        });
        dev.child.kill("SIGKILL");
        await dev.exited();
        expect(await allGone(dev.pids)).to.deep.equal([]);
        expect(await portIsFree(dev.motoPort)).to.equal(true);
        expect(dev.output()).to.match(/\[dev\] parent process \d+ is gone: stopping/);
        expect(dev.output()).to.include("[dev] stopped");
    });

    it("takes moto and the function processes down with it even when killed with SIGKILL", async () => {
        const dev = await startDev();
        dev.child.kill("SIGKILL");
        await dev.exited();
        expect(await allGone(dev.pids)).to.deep.equal([]);
        expect(await portIsFree(dev.motoPort)).to.equal(true);
    });

    // SIGINT takes the same path (and the browser test sends it as a terminal does).
    for (const signal of ["SIGTERM"] as const) {
        it(`stops moto and every function process on ${signal} and frees the ports`, async () => {
            const dev = await startDev();
            const port = Number(new URL(dev.url).port);
            for (const [part, pid] of Object.entries(dev.pids))
                expect(processAlive(pid), `${part} runs`).to.equal(true);
            expect(await portIsFree(dev.motoPort)).to.equal(false);

            expect(await dev.stop(signal)).to.equal(0);
            for (const [part, pid] of Object.entries(dev.pids))
                expect(processAlive(pid), `${part} (pid ${pid}) stopped`).to.equal(false);
            expect(await portIsFree(dev.motoPort), "moto's port is free").to.equal(true);
            expect(await portIsFree(port), "the app's port is free").to.equal(true);
            expect(dev.output()).to.include(`[dev] ${signal}: stopping`);
            expect(dev.output()).to.include("[dev] stopped");
        });
    }
});
