/**
 * The pack's layout: a rule's name says where it lives. policies/rules/<prefix>.ts holds exactly
 * the rules whose names start with `<prefix>-`, rule files never import each other (what they
 * share is in policies/lib/), and policies/index.ts assembles every rule file.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { loadCatalogue, ROOT, ruleFiles } from "../../tools/docs/generate-policies";

const RULES_DIR = path.join(ROOT, "policies", "rules");

describe("pack layout", () => {
    it("declares every rule in policies/rules/<prefix>.ts, prefix being its name's first segment", () => {
        const misplaced = loadCatalogue()
            .filter((e) => e.file !== `policies/rules/${e.name.split("-")[0]}.ts`)
            .map((e) => `${e.name} is declared in ${e.file}`);
        expect(misplaced).to.deep.equal([]);
    });

    it("has no rule file without rules", () => {
        const used = new Set(loadCatalogue().map((e) => e.file));
        expect(ruleFiles().map((f) => `policies/rules/${f}.ts`).filter((f) => !used.has(f))).to.deep.equal([]);
    });

    it("keeps rule files from importing each other (shared code lives in policies/lib)", () => {
        const crossImports = ruleFiles().flatMap((f) => {
            const source = fs.readFileSync(path.join(RULES_DIR, `${f}.ts`), "utf8");
            return [...source.matchAll(/from "(\.\/[^"]+)"/g)].map((m) => `${f}.ts imports ${m[1]}`);
        });
        expect(crossImports).to.deep.equal([]);
    });

    it("assembles every rule file in policies/index.ts, in the catalogue's order", () => {
        const index = fs.readFileSync(path.join(ROOT, "policies", "index.ts"), "utf8");
        const imported = [...index.matchAll(/from "\.\/rules\/([^"]+)"/g)].map((m) => m[1]);
        expect([...imported].sort()).to.deep.equal([...ruleFiles()].sort());
        const spread = [...index.matchAll(/^\s+\.\.\.(\w+),$/gm)].map((m) => m[1]);
        const alias = Object.fromEntries([...index.matchAll(/import \{ rules as (\w+) \} from "\.\/rules\/([^"]+)"/g)].map((m) => [m[1], m[2]]));
        expect(spread.map((a) => alias[a])).to.deep.equal(ruleFiles());
    });
});
