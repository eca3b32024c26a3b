// @ts-check
/**
 * The pack's build: compiles every TypeScript source of this folder to CommonJS in dist/ and
 * records a content hash of the sources in dist/build-info.json. entry.js (the package's
 * `main`) compares that hash with the sources at every start and refuses a stale build.
 *
 *     node build.js            build (always; `npm run build` in this folder or at the root)
 *     node build.js --if-stale build only when dist/ is missing or older than the sources
 *                              (the repository root's `prepare` script, which `npm ci` and
 *                              `npm install` at the root run; and `npm run gate`, `bench:gate`,
 *                              `mutation` and the test harness before they start the pack)
 *
 * The pack's own package.json has no lifecycle script on purpose: `npm pack` (which `pulumi
 * policy publish` runs in this folder) would run `prepare`/`prepack` and print the script's
 * banner on stdout, where the CLI reads the tarball's file name (pulumi/pulumi
 * sdk/nodejs/npm/npm.go, Pack: the whole of stdout, trimmed, is taken as the name), so the
 * publish would fail. Publishing needs none: the CLI starts the pack (GetAnalyzerInfo) before it
 * packs the folder, and entry.js refuses a stale build, so a stale pack is never published.
 *
 * Why a compiled `main`: the Node.js policy host registers ts-node with type checking for
 * every pack (@pulumi/pulumi cmd/run-policy-pack/run.js: `typeCheck: true`, no opt-out), so a
 * TypeScript entry pays seconds of type checking at every `pulumi preview --policy-pack`.
 * A JavaScript entry pays none. Type checking stays in `npm run typecheck`.
 *
 * The build transpiles file by file (TypeScript's transpileModule, no type check), so a type
 * error never blocks an install, and whatever files the folder holds are compiled. Plain
 * JavaScript on purpose: it runs at install time, before anything else is built.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const PACK_DIR = __dirname;
const OUT = "dist";
const INFO = "build-info.json";
const SKIP_DIRS = new Set(["node_modules", OUT]);

/**
 * The compiler options of the build, fixed here (so this file's hash covers them) and kept in
 * line with the options `npm run typecheck` checks the pack with (tsconfig.json).
 */
const COMPILER_OPTIONS = {
    module: "CommonJS",
    target: "ES2022",
    esModuleInterop: true,
    resolveJsonModule: true,
    sourceMap: true,
};

/** The inputs of the build, relative to the pack folder, sorted: every .ts file and this script. */
function sourceFiles(dir = PACK_DIR) {
    /** @type {string[]} */
    const out = [];
    const walk = (/** @type {string} */ rel) => {
        for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
            const p = rel ? `${rel}/${e.name}` : e.name;
            if (e.isDirectory()) {
                if (!SKIP_DIRS.has(e.name) && !e.name.startsWith(".")) walk(p);
            } else if (e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) {
                out.push(p);
            }
        }
    };
    walk("");
    out.push("build.js");
    return out.sort();
}

/**
 * Per-file sha256 of the sources and one hash over all of them (paths included, so a renamed,
 * added or removed file changes it too).
 * @returns {{ hash: string, files: Record<string, string> }}
 */
function sourceHashes(dir = PACK_DIR) {
    /** @type {Record<string, string>} */
    const files = {};
    const all = crypto.createHash("sha256");
    for (const rel of sourceFiles(dir)) {
        const h = crypto
            .createHash("sha256")
            .update(fs.readFileSync(path.join(dir, rel)))
            .digest("hex");
        files[rel] = h;
        all.update(`${rel}\0${h}\n`);
    }
    return { hash: all.digest("hex"), files };
}

/**
 * undefined when dist/ was built from exactly the sources in `dir`; otherwise why not, naming
 * the files that differ.
 * @returns {string | undefined}
 */
function staleness(dir = PACK_DIR) {
    /** @type {{ hash?: string, files?: Record<string, string> }} */
    let info;
    try {
        info = JSON.parse(fs.readFileSync(path.join(dir, OUT, INFO), "utf8"));
    } catch {
        return `the policy pack in ${dir} has no build (${OUT}/${INFO} is missing)`;
    }
    const now = sourceHashes(dir);
    if (info.hash === now.hash) return undefined;
    const built = info.files ?? {};
    const changed = [
        ...Object.keys(now.files)
            .filter((f) => !(f in built))
            .map((f) => `${f} (new)`),
        ...Object.keys(built)
            .filter((f) => !(f in now.files))
            .map((f) => `${f} (removed)`),
        ...Object.keys(now.files).filter((f) => f in built && built[f] !== now.files[f]),
    ];
    const shown = changed.slice(0, 5).join(", ") + (changed.length > 5 ? `, and ${changed.length - 5} more` : "");
    return `the policy pack's build in ${path.join(dir, OUT)} is older than its sources (changed since the build: ${shown || "unknown"})`;
}

class NoCompiler extends Error {}

/** Compiles every source of `dir` into `dir`/dist, replacing what was there. */
function build(dir = PACK_DIR) {
    let ts;
    try {
        ts = require("typescript");
    } catch {
        throw new NoCompiler(
            `building the policy pack in ${dir} needs the TypeScript compiler: run \`npm ci\` at the repository root`,
        );
    }
    const { hash, files } = sourceHashes(dir);
    // Built beside dist/ and moved into place, so a reader never sees half a build.
    const tmp = path.join(dir, `${OUT}.tmp-${process.pid}`);
    fs.rmSync(tmp, { recursive: true, force: true });
    const problems = [];
    for (const rel of Object.keys(files)) {
        if (!rel.endsWith(".ts")) continue;
        const text = fs.readFileSync(path.join(dir, rel), "utf8");
        const out = ts.transpileModule(text, {
            fileName: path.join(dir, rel),
            reportDiagnostics: true,
            compilerOptions: { ...COMPILER_OPTIONS, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
        });
        for (const d of out.diagnostics ?? []) {
            problems.push(`${rel}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
        }
        const js = path.join(tmp, rel.replace(/\.ts$/, ".js"));
        fs.mkdirSync(path.dirname(js), { recursive: true });
        // transpileModule names the map after the file; point it at the source beside the pack.
        const map = JSON.parse(out.sourceMapText ?? "{}");
        map.sources = [path.relative(path.dirname(js.replace(tmp, path.join(dir, OUT))), path.join(dir, rel))];
        fs.writeFileSync(js, out.outputText);
        fs.writeFileSync(`${js}.map`, JSON.stringify(map));
    }
    if (problems.length) {
        fs.rmSync(tmp, { recursive: true, force: true });
        throw new Error(`the policy pack in ${dir} does not compile:\n  ${problems.join("\n  ")}`);
    }
    fs.writeFileSync(path.join(tmp, INFO), JSON.stringify({ hash, files }, null, 1) + "\n");
    fs.rmSync(path.join(dir, OUT), { recursive: true, force: true });
    fs.renameSync(tmp, path.join(dir, OUT));
}

/**
 * Builds `dir` unless its build is fresh; true when it built. For the test harness, the gate's
 * benchmark and the mutation suite, which must never judge with a stale pack.
 */
function buildIfStale(dir = PACK_DIR) {
    if (staleness(dir) === undefined) return false;
    build(dir);
    return true;
}

module.exports = { build, buildIfStale, staleness, sourceHashes, OUT };

if (require.main === module) {
    try {
        const ifStale = process.argv.includes("--if-stale");
        const t0 = Date.now();
        const built = ifStale ? buildIfStale() : (build(), true);
        // stderr: `npm pack` (which `pulumi policy publish` runs) prints the tarball's name on
        // stdout, and the CLI reads it from there (pulumi/pulumi sdk/nodejs/npm/npm.go, Pack).
        console.error(
            built
                ? `policy pack built into ${OUT}/ in ${Date.now() - t0} ms`
                : `policy pack build in ${OUT}/ is up to date`,
        );
    } catch (e) {
        console.error(`policy pack build failed: ${/** @type {Error} */ (e).message}`);
        // An install without devDependencies (`npm ci --omit=dev`) must not fail on the pack:
        // the stale or missing build then refuses to start, naming `npm run build`.
        process.exit(e instanceof NoCompiler && process.argv.includes("--if-stale") ? 0 : 1);
    }
}
