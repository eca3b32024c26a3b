/** Paths of the gate's test fixtures (fixture packs are plain JavaScript: they start fast). */
import * as path from "path";

export const ROOT = path.join(__dirname, "..", "..");
export const FIXTURES = path.join(ROOT, "test", "fixtures");
export const pack = (name: string) => path.join(FIXTURES, "packs", name);
export const program = (name: string) => path.join(FIXTURES, "programs", name);
export const exportFile = (name: string) => path.join(FIXTURES, "exports", name);
