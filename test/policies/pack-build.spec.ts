/**
 * The compiled pack (policies/build.js, policies/entry.js): the CLI and the gate load the build
 * in policies/dist, never the TypeScript, and a build older than its sources refuses to start.
 * Every case runs on a copy of policies/ in a temporary folder, started the way the CLI starts
 * a pack (the gate's PackClient).
 */
import { execFileSync } from "child_process";
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PackClient } from "../../tools/gate/analyzer";

const ROOT = path.join(__dirname, "..", "..");
const POLICIES = path.join(ROOT, "policies");

/** A copy of the pack's sources (no build) beside a node_modules that resolves the repository's. */
function copyPack(into: string): string {
    const dir = path.join(into, "policies");
    fs.cpSync(POLICIES, dir, {
        recursive: true,
        filter: (src) => !/[\\/](node_modules|dist[^\\/]*)$/.test(src),
    });
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(into, "node_modules"), "dir");
    // policies/tsconfig.json extends the root's; the policy host reads it when it registers ts-node.
    fs.copyFileSync(path.join(ROOT, "tsconfig.json"), path.join(into, "tsconfig.json"));
    return dir;
}

function build(dir: string, ...args: string[]): string {
    return (
        execFileSync(process.execPath, [path.join(dir, "build.js"), ...args], {
            cwd: dir,
            encoding: "utf8",
            stdio: "pipe",
        }) + ""
    );
}

async function startError(dir: string): Promise<string> {
    try {
        const c = await PackClient.start(dir);
        c.close();
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("the pack started");
}

describe("the compiled policy pack", function () {
    this.timeout(180_000);
    let tmp: string;
    let pack: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pack-build-"));
        pack = copyPack(tmp);
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("ships compiled JavaScript as its main, which the policy host loads without ts-node's type check", () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(POLICIES, "package.json"), "utf8"));
        expect(manifest.main).to.equal("entry.js");
        expect(manifest.scripts ?? {}).to.not.have.any.keys("prepare", "prepack", "postpack", "install", "postinstall");
        const root = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        expect(root.scripts.prepare).to.equal("node policies/build.js --if-stale");
        for (const script of ["pregate", "premutation", "prebench:gate"])
            expect(root.scripts[script]).to.equal(root.scripts.prepare);
    });

    it("refuses to start without a build, naming `npm run build`", async () => {
        const message = await startError(pack);
        expect(message).to.match(/failed to start/);
        expect(message).to.match(/has no build/);
        expect(message).to.include("npm run build");
    });

    it("starts from a fresh build with every policy of the TypeScript sources", async () => {
        build(pack);
        expect(fs.existsSync(path.join(pack, "dist", "index.js"))).to.equal(true);
        const c = await PackClient.start(pack);
        try {
            expect(c.info.name).to.equal("secure-web-app");
            const ruleFiles = fs.readdirSync(path.join(pack, "rules")).filter((f) => f.endsWith(".ts"));
            expect(ruleFiles.length).to.be.greaterThan(0);
            expect(c.info.policies.length).to.be.greaterThan(ruleFiles.length);
        } finally {
            c.close();
        }
        expect(build(pack, "--if-stale")).to.equal("");
    });

    it("refuses a build older than its sources (content, not file times), naming the file and `npm run build`", async () => {
        const rule = fs
            .readdirSync(path.join(pack, "rules"))
            .filter((f) => f.endsWith(".ts"))
            .sort()[0]!;
        const file = path.join(pack, "rules", rule);
        const original = fs.readFileSync(file, "utf8");
        fs.writeFileSync(file, original + "\n// an edit after the build\n");
        const message = await startError(pack);
        expect(message).to.match(/older than its sources/);
        expect(message).to.include(`rules/${rule}`);
        expect(message).to.include("npm run build");

        // Restoring the content makes the same build fresh again, whatever the file's time.
        fs.writeFileSync(file, original);
        const c = await PackClient.start(pack);
        c.close();

        // A new source file is a change too; --if-stale rebuilds, and the pack starts again.
        fs.writeFileSync(path.join(pack, "lib", "added.ts"), "export const added = 1;\n");
        expect(await startError(pack)).to.include("lib/added.ts (new)");
        build(pack, "--if-stale");
        const again = await PackClient.start(pack);
        again.close();
    });

    it("packs (as `pulumi policy publish` does with `npm pack`) into a tarball that starts on its own", async () => {
        build(pack);
        const out = path.join(tmp, "tarball");
        fs.mkdirSync(out);
        // The CLI runs `npm pack --loglevel=error` in the pack folder and takes all of stdout,
        // trimmed, as the tarball's name (pulumi/pulumi sdk/nodejs/npm/npm.go, Pack).
        const stdout = execFileSync("npm", ["pack", "--loglevel=error", "--pack-destination", out], {
            cwd: pack,
            encoding: "utf8",
        });
        const name = stdout.trim();
        expect(name).to.match(/^secure-web-app-policies-[\d.]+\.tgz$/);
        execFileSync("tar", ["-xzf", path.join(out, name), "-C", out]);
        const published = path.join(out, "package");
        for (const f of [
            "PulumiPolicy.yaml",
            "package.json",
            "entry.js",
            "build.js",
            "dist/index.js",
            "dist/build-info.json",
            "index.ts",
        ]) {
            expect(fs.existsSync(path.join(published, f)), f).to.equal(true);
        }
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(out, "node_modules"), "dir");
        const c = await PackClient.start(published);
        try {
            expect(c.info.name).to.equal("secure-web-app");
        } finally {
            c.close();
        }
    });
});
