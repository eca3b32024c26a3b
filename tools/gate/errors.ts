/**
 * An error the gate reports to a person: what went wrong (naming the input) and how to fix
 * it. The CLI prints `gate: <message>` and `fix: <fix>` on stderr and exits 2.
 */
import * as fs from "fs";

export class GateError extends Error {
    constructor(
        message: string,
        readonly fix: string,
    ) {
        super(message);
        this.name = "GateError";
    }
}

/** The text of a file the user named (`what` says which: "baseline file"); unreadable -> `<what> not found: <file>`. */
export function readInput(file: string, what: string, fix: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        throw new GateError(`${what} not found: ${file}`, fix);
    }
}

/** An input's text as JSON; invalid -> `<what> is not JSON: <parser's reason>` (`what` names the file). */
export function parseJsonInput(text: string, what: string, fix: string): any {
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new GateError(`${what} is not JSON: ${(e as Error).message}`, fix);
    }
}
