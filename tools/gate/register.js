/**
 * `node -r ./tools/gate/register.js tools/gate/cli.ts`: makes the gate's own TypeScript loadable
 * without ts-node. ts-node (even transpile-only) loads the TypeScript compiler and transpiles
 * every file of the gate at each start, about 2 s of CPU per `npm run gate`; this uses the
 * engine's transpiler instead (transpile-core.js: esbuild, cached on disk by content), so a
 * second start reads the cached JavaScript. The compiler options are the repository's
 * tsconfig.json ones that change emitted code (target ES2022, strict), and crash traces show the
 * TypeScript lines (Node's own source-map support, fed an inline map per file).
 *
 * Only the gate's process: the engine (engine-boot.js) and the packs load code their own way.
 * Plain JavaScript: nothing can transpile this file before it runs.
 */
"use strict";
const Module = require("module");
const fs = require("fs");
const core = require("./transpile-core.js");

const TSCONFIG = { compilerOptions: { target: "es2022", strict: true } };

process.setSourceMapsEnabled(true);

function compileTs(module, file) {
    const { code, map } = core.transpile(file, fs.readFileSync(file, "utf8"), "cjs", TSCONFIG);
    module._compile(
        `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString("base64")}\n`,
        file,
    );
}
for (const ext of [".ts", ".cts"]) Module._extensions[ext] = compileTs;
