/**
 * The pack's layout: a rule's name says where it lives. policies/rules/<prefix>.ts holds exactly
 * the rules whose names start with `<prefix>-`, rule files never import each other (what they
 * share is in policies/lib/), and policies/index.ts assembles every rule file. And the size of
 * the code a reader takes in at once: no function in infra/, policies/ or tools/gate/ is longer
 * than a screen (80 lines).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
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
        expect(
            ruleFiles()
                .map((f) => `policies/rules/${f}.ts`)
                .filter((f) => !used.has(f)),
        ).to.deep.equal([]);
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
        const alias = Object.fromEntries(
            [...index.matchAll(/import \{ rules as (\w+) \} from "\.\/rules\/([^"]+)"/g)].map((m) => [m[1], m[2]]),
        );
        expect(spread.map((a) => alias[a])).to.deep.equal(ruleFiles());
    });
});

/** The longest a function may be, in lines from its first token to its closing brace. */
const MAX_FUNCTION_LINES = 80;

/** TypeScript and JavaScript sources below `dir` (relative to the repository), builds excluded. */
function sourceFiles(dir: string): string[] {
    const full = path.join(ROOT, dir);
    if (!fs.existsSync(full)) return [];
    return fs.readdirSync(full, { withFileTypes: true }).flatMap((e) => {
        const rel = `${dir}/${e.name}`;
        if (e.isDirectory()) return e.name === "node_modules" || e.name === "dist" ? [] : sourceFiles(rel);
        return /\.(ts|js)$/.test(e.name) && !e.name.endsWith(".d.ts") ? [rel] : [];
    });
}

/** How a finding names a function: its name, or `(arrow)`/`(function)`, after its enclosing ones. */
function functionName(node: ts.SignatureDeclaration, source: ts.SourceFile): string {
    if (ts.isConstructorDeclaration(node)) return "constructor";
    if (node.name) return node.name.getText(source);
    const parent = node.parent;
    if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText(source);
    return ts.isArrowFunction(node) ? "(arrow)" : "(function)";
}

/**
 * A data table: a function whose whole body returns one object or array literal (a policy
 * document, a dashboard's widgets). Its length is the table's, not logic's: exempt.
 */
function isDataTable(node: ts.SignatureDeclaration & { body?: ts.Node }): boolean {
    const literal = (e: ts.Node | undefined): boolean => {
        while (e && (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)))
            e = e.expression;
        return !!e && (ts.isObjectLiteralExpression(e) || ts.isArrayLiteralExpression(e));
    };
    const body = node.body;
    if (!body) return false;
    if (!ts.isBlock(body)) return literal(body);
    return (
        body.statements.length === 1 &&
        ts.isReturnStatement(body.statements[0]!) &&
        literal(body.statements[0].expression)
    );
}

/** `<file> <enclosing> > <name>` and length of every function over the limit in `file` (below `root`). */
function oversizedFunctions(file: string, root = ROOT): { key: string; lines: number; line: number }[] {
    const source = ts.createSourceFile(
        file,
        fs.readFileSync(path.join(root, file), "utf8"),
        ts.ScriptTarget.Latest,
        true,
    );
    const out: { key: string; lines: number; line: number }[] = [];
    const visit = (node: ts.Node, enclosing: string[]): void => {
        let inner = enclosing;
        if (ts.isFunctionLike(node) && (node as { body?: ts.Node }).body) {
            inner = [...enclosing, functionName(node, source)];
            const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
            const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
            const lines = last - first + 1;
            if (lines > MAX_FUNCTION_LINES && !isDataTable(node)) {
                out.push({ key: `${file} ${inner.join(" > ")}`, lines, line: first + 1 });
            }
        }
        ts.forEachChild(node, (child) => visit(child, inner));
    };
    visit(source, []);
    return out;
}

describe("function size", () => {
    const files = ["infra", "policies", "tools/gate"].flatMap(sourceFiles);

    it(`keeps every function in infra/, policies/ and tools/gate/ within ${MAX_FUNCTION_LINES} lines (data tables exempt)`, () => {
        const over = files.flatMap((f) => oversizedFunctions(f));
        expect(over.map((f) => `${f.key} (line ${f.line}): ${f.lines} lines`)).to.deep.equal([]);
    });

    it("measures what it claims: a long function is found, a long data table is not", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "size-probe-"));
        try {
            const body = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `    x += ${i};`).join("\n");
            const rows = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `        k${i}: ${i},`).join("\n");
            fs.writeFileSync(
                path.join(dir, "probe.ts"),
                `export function long(): number {\n    let x = 0;\n${body}\n    return x;\n}\n` +
                    `export function table() {\n    return {\n${rows}\n    };\n}\n` +
                    `export function short(): number {\n    return 1;\n}\n`,
            );
            const found = oversizedFunctions("probe.ts", dir);
            expect(found.map((f) => [f.key, f.lines])).to.deep.equal([["probe.ts long", MAX_FUNCTION_LINES + 4]]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
