/**
 * Ports on 127.0.0.1, with EADDRINUSE turned into a message that names the port and the
 * option that changes it. The app's port is bound before anything else starts, so a clash
 * is reported at once.
 */
import * as net from "net";
import { DevError } from "./errors";

export function portInUse(port: number, what: string, option: string): DevError {
    return new DevError(
        `port ${port} on 127.0.0.1 (${what}) is already in use`,
        `stop what holds it (\`lsof -i :${port}\` or \`ss -ltnp 'sport = :${port}'\` shows it; often an earlier npm run dev) ` +
            `or choose another port with ${option} <port>`,
    );
}

/** Binds `server` to 127.0.0.1:port, turning EADDRINUSE into a message for people. */
export function listen(server: net.Server, port: number, what: string, option: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const onError = (e: NodeJS.ErrnoException) => {
            server.removeListener("listening", onListening);
            if (e.code === "EADDRINUSE") reject(portInUse(port, what, option));
            else if (e.code === "EACCES")
                reject(
                    new DevError(
                        `port ${port} needs privileges to bind`,
                        `use a port above 1023 with ${option} <port>`,
                    ),
                );
            else reject(e);
        };
        const onListening = () => {
            server.removeListener("error", onError);
            resolve((server.address() as net.AddressInfo).port);
        };
        server.once("error", onError);
        server.once("listening", onListening);
        server.listen(port, "127.0.0.1");
    });
}

/** A port that is free now (or the requested one, checked free). */
export async function reservePort(port: number, what: string, option: string): Promise<number> {
    const probe = net.createServer();
    const chosen = await listen(probe, port, what, option);
    await new Promise((r) => probe.close(r));
    return chosen;
}
