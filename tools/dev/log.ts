/**
 * Prefixed logging: every line the dev server or one of its children prints starts with the
 * name of the part it comes from (`[moto]`, `[api]`, `[stream]`, `[edge]`, `[web]`, `[dev]`),
 * so interleaved output from five sources still reads as one log.
 */
import type { Readable } from "stream";

export type PartName = "dev" | "moto" | "api" | "stream" | "edge" | "web";

export interface Logger {
    info(message: string): void;
    error(message: string): void;
}

export function logger(part: PartName): Logger {
    const prefix = `[${part}] `;
    const write = (out: NodeJS.WriteStream, message: string) => {
        for (const line of message.split("\n")) out.write(prefix + line + "\n");
    };
    return {
        info: (message) => write(process.stdout, message),
        error: (message) => write(process.stderr, message),
    };
}

/**
 * Copies a child's output stream line by line through `log`. A partial last line is held
 * until its newline (or the stream's end) so prefixes never land mid-line.
 * `keep` may drop lines that only add noise.
 */
export function pipeLines(
    stream: Readable,
    log: (line: string) => void,
    keep: (line: string) => boolean = () => true,
): void {
    let pending = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
        pending += chunk;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) if (keep(line)) log(line.replace(/\r$/, ""));
    });
    stream.on("end", () => {
        if (pending && keep(pending)) log(pending);
        pending = "";
    });
}
