/**
 * `npm run gate` loads the gate through tools/gate/register.js (esbuild, cached) instead of
 * ts-node: the same command line must give the same report and exit code either way, and a
 * crash must still point at the TypeScript source.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { exportFile, pack, program, ROOT } from "./fixtures";

const REGISTER = path.join(ROOT, "tools", "gate", "register.js");

function gateWith(loader: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, ["-r", loader, path.join(ROOT, "tools/gate/cli.ts"), ...args], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 180_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("gate CLI loaded through register.js", function () {
    this.timeout(400_000);

    it("is what `npm run gate` runs", () => {
        const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts;
        expect(scripts.gate).to.equal("node -r ./tools/gate/register.js tools/gate/cli.ts");
    });

    const cases: [string, string[]][] = [
        [
            "a stack export with findings",
            ["--stack-export", exportFile("basic.json"), "--policy-pack", pack("reporting")],
        ],
        ["a program", ["--program", program("basic"), "--policy-pack", pack("reporting")]],
        ["an invalid flag", ["--format", "html"]],
    ];
    for (const [what, args] of cases) {
        it(`gives the report and exit code ts-node's start gives, on ${what}`, () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-register-"));
            try {
                const run = (loader: string, name: string) => {
                    const out = path.join(dir, name);
                    const r = gateWith(
                        loader,
                        ...args,
                        ...(args.includes("--format") ? [] : ["--format", "json", "--output", out]),
                    );
                    const report = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, "utf8")) : undefined;
                    return { code: r.code, stderr: r.stderr, report };
                };
                const viaRegister = run(REGISTER, "register.json");
                const viaTsNode = run("ts-node/register/transpile-only", "ts-node.json");
                expect(viaRegister).to.deep.equal(viaTsNode);
                expect(viaRegister.code).to.not.equal(null);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    }

    it("shows a crash at the TypeScript line it happened on", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-register-"));
        try {
            const file = path.join(dir, "crash.ts");
            fs.writeFileSync(
                file,
                "interface A {\n    x: number;\n}\nconst a: A = { x: 1 };\nthrow new Error(`crash ${a.x}`);\n",
            );
            const r = spawnSync(process.execPath, ["-r", REGISTER, file], { encoding: "utf8", timeout: 60_000 });
            expect(r.status).to.not.equal(0);
            expect(r.stderr).to.contain(`${file}:5`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
