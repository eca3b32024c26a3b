/**
 * Node module hooks for programs whose package.json says `"type": "module"`: the language host
 * loads those with `import()` and ts-node's ESM hooks (sdk/nodejs/cmd/run/run.ts, "automatic
 * ESM mode", registered with module.register). Here esbuild transpiles instead of ts-node
 * (type checking happened before the run, in typecheck.ts):
 * - `.ts`/`.mts` files of the program load as ES modules, `.cts` as CommonJS (engine-boot.js);
 * - `./x.js` resolves to `./x.ts` when only the TypeScript file exists (nodenext imports);
 * - a bare import the program folder cannot resolve is resolved from the gate's own
 *   node_modules, as NODE_PATH does for CommonJS programs without node_modules.
 */
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const core = require("./transpile-core.js");
let options = { projectDir: "", tsconfigRaw: {}, typescript: true };

export async function initialize(data) {
    options = { ...options, ...data };
}

const TS_FOR_JS = { ".js": [".ts", ".tsx"], ".mjs": [".mts"], ".cjs": [".cts"] };

function inProgram(file) {
    return file.startsWith(options.projectDir + path.sep) && !file.split(path.sep).includes("node_modules");
}

export async function resolve(specifier, context, next) {
    try {
        return await next(specifier, context);
    } catch (e) {
        const parent =
            context.parentURL && context.parentURL.startsWith("file:") ? fileURLToPath(context.parentURL) : "";
        const ext = path.extname(specifier);
        if (options.typescript && parent && inProgram(parent) && specifier.startsWith(".") && TS_FOR_JS[ext]) {
            for (const alt of TS_FOR_JS[ext]) {
                const candidate = path.resolve(path.dirname(parent), specifier.slice(0, -ext.length) + alt);
                if (fs.existsSync(candidate)) return { url: pathToFileURL(candidate).href, shortCircuit: true };
            }
        }
        if (
            options.gateModules &&
            !specifier.startsWith(".") &&
            !specifier.startsWith("/") &&
            !specifier.includes(":")
        ) {
            return next(specifier, {
                ...context,
                parentURL: pathToFileURL(path.join(options.gateModules, "x.js")).href,
            });
        }
        throw e;
    }
}

export async function load(url, context, next) {
    if (url.startsWith("file:") && /\.(ts|mts|tsx|cts)$/.test(url)) {
        const file = fileURLToPath(url);
        if (options.typescript && inProgram(file)) {
            // CommonJS: Node's CommonJS loader reads it, through engine-boot.js's `.cts` handler.
            if (file.endsWith(".cts")) return { format: "commonjs", shortCircuit: true };
            const { code } = core.transpile(file, fs.readFileSync(file, "utf8"), "esm", options.tsconfigRaw);
            return { format: "module", source: code, shortCircuit: true };
        }
    }
    return next(url, context);
}
