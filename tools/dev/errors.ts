/**
 * An error the dev server reports to a person: what went wrong, naming the input, and how to
 * fix it. main.ts prints `[dev] error: <message>` and `[dev] fix: <fix>` and exits 1.
 */
export class DevError extends Error {
    constructor(
        message: string,
        readonly fix: string,
    ) {
        super(message);
        this.name = "DevError";
    }
}
