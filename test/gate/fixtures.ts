/** Paths of the gate's test fixtures (fixture packs are plain JavaScript: they start fast). */
import * as path from "path";

export const ROOT = path.join(__dirname, "..", "..");
export const FIXTURES = path.join(ROOT, "test", "fixtures");
export const pack = (name: string) => path.join(FIXTURES, "packs", name);
export const program = (name: string) => path.join(FIXTURES, "programs", name);
export const exportFile = (name: string) => path.join(FIXTURES, "exports", name);
/** A parity scenario's program and pack (test/fixtures/parity/<name>: pulumi-policy's integration scenarios, rewritten). */
export const parity = (name: string) => ({
    program: path.join(FIXTURES, "parity", name, "program"),
    pack: path.join(FIXTURES, "parity", name, "policy-pack"),
});
