/**
 * An error the gate reports to a person: what went wrong (naming the input) and how to fix
 * it. The CLI prints `gate: <message>` and `fix: <fix>` on stderr and exits 2.
 */
export class GateError extends Error {
    constructor(message: string, readonly fix: string) {
        super(message);
        this.name = "GateError";
    }
}
