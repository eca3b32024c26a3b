/**
 * Entry of the engine process: makes TypeScript loadable the way the Pulumi language host's
 * ts-node registration does (sdk/nodejs/cmd/run/run.ts), with esbuild instead of ts-node
 * (type checking happens beforehand, in typecheck.ts), then runs engine-child.ts.
 *
 * - `.ts`, `.cts` and `.tsx` files load through require, transpiled to CommonJS (the gate's own
 *   files always; the program's when its runtime option `typescript` is on, the default);
 * - a relative `./x.js` that does not exist resolves to `./x.ts` (`.cjs` to `.cts`), as
 *   TypeScript's node16/nodenext/bundler resolution lets a program write it;
 * - stack traces show the program's own lines and columns (the SDK reads a resource's source
 *   position from them); frames in node_modules are left as they are.
 *
 * Plain JavaScript: nothing can transpile this file before it runs.
 */
"use strict";
const Module = require("module");
const fs = require("fs");
const path = require("path");
const url = require("url");
const core = require("./transpile-core.js");

const request = JSON.parse(process.argv[2] || "{}");
const projectDir = request.programDir || process.cwd();
const tsconfigRaw = request.tsconfigRaw || {};
const typescript = request.typescript !== false;

function isProgramFile(file) {
    return (
        file.startsWith(projectDir + path.sep) &&
        !file.split(path.sep).includes("node_modules") &&
        !file.startsWith(__dirname + path.sep)
    );
}

function compileTs(module, file) {
    const program = isProgramFile(file);
    if (program && !typescript) {
        throw new Error(
            `${file} is TypeScript, but Pulumi.yaml sets runtime.options.typescript to false: ` +
                "the Pulumi CLI would not load it either",
        );
    }
    // The program's files with its options; the gate's own (and its test overlays) with none.
    const { code } = core.transpile(file, fs.readFileSync(file, "utf8"), "cjs", program ? tsconfigRaw : {});
    module._compile(code, file);
}
for (const ext of [".ts", ".cts", ".tsx"]) Module._extensions[ext] = compileTs;

// `import "./acl.js"` written for nodenext/bundler resolution, with only acl.ts on disk.
const originalResolve = Module._resolveFilename;
const TS_FOR_JS = { ".js": [".ts", ".tsx"], ".cjs": [".cts"], ".mjs": [".mts"] };
Module._resolveFilename = function (request, parent, ...rest) {
    try {
        return originalResolve.call(this, request, parent, ...rest);
    } catch (e) {
        const ext = path.extname(request);
        const parentFile = parent && parent.filename;
        if (
            typescript &&
            e &&
            e.code === "MODULE_NOT_FOUND" &&
            TS_FOR_JS[ext] &&
            request.startsWith(".") &&
            parentFile &&
            isProgramFile(parentFile)
        ) {
            for (const alt of TS_FOR_JS[ext]) {
                const candidate = path.resolve(path.dirname(parentFile), request.slice(0, -ext.length) + alt);
                if (fs.existsSync(candidate)) return candidate;
            }
        }
        throw e;
    }
};

/** Maps a frame's transpiled position back to the program's source, for files this process knows. */
function mapFrame(callSite) {
    const text = callSite.toString();
    let file = callSite.getFileName();
    if (!file) return text;
    const asUrl = file.startsWith("file://");
    const filePath = asUrl ? url.fileURLToPath(file) : file;
    if (!/\.[cm]?tsx?$/.test(filePath)) return text;
    if (!core.knownFiles.has(filePath)) {
        // Loaded as an ES module (transpiled in the hooks thread): same inputs, same cache entry.
        const format = filePath.endsWith(".cts") ? "cjs" : request.esm ? "esm" : "cjs";
        if (!core.ensureMap(filePath, format, isProgramFile(filePath) ? tsconfigRaw : {})) return text;
    }
    const line = callSite.getLineNumber();
    const column = callSite.getColumnNumber();
    const pos = core.originalPosition(filePath, line, column);
    if (!pos) return text;
    const where = `${file}:${line}:${column}`;
    const at = text.lastIndexOf(where);
    if (at < 0) return text;
    const mapped = `${file}:${pos.line}:${pos.column}`;
    // A module's top-level frame prints without a function name or parentheses ("at file:...:7:15"),
    // which the SDK's frame pattern skips: name it, so resources created there get a position.
    if (at === 0) return `<module> (${mapped})`;
    return text.slice(0, at) + mapped + text.slice(at + where.length);
}

/**
 * The SDK takes a stack trace for every promise it makes (runtime/debuggable.js
 * debuggablePromise: `new Error().stack`, read at once) and prints it only in its leak report,
 * and only when PULUMI_DEBUG_PROMISE_LEAKS is set. Formatting and source-mapping those traces
 * was a tenth of the engine's CPU on this repository's program (profiled), for text nobody reads:
 * unless that variable is set, such a trace keeps its first frame and says why it stops there.
 */
const promiseTracesRead = !!process.env.PULUMI_DEBUG_PROMISE_LEAKS;

function isPromiseDebugTrace(callSites) {
    const first = callSites[0];
    return (
        !promiseTracesRead &&
        first !== undefined &&
        first.getFunctionName() === "debuggablePromise" &&
        /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/.test(first.getFileName() ?? "")
    );
}

Error.prepareStackTrace = (error, callSites) => {
    let head;
    try {
        head = String(error);
    } catch {
        head = "Error";
    }
    if (isPromiseDebugTrace(callSites)) {
        return `${head}\n    at ${callSites[0].toString()}\n    (the rest is kept with PULUMI_DEBUG_PROMISE_LEAKS=true)`;
    }
    return head + callSites.map((c) => "\n    at " + mapFrame(c)).join("");
};

// The warm worker (engine-warm-worker.js) loads this file for its loader alone and requires
// engine-child.ts itself, once per run.
if (require.main === module) require("./engine-child.ts");
