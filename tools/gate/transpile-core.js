/**
 * The gate's program transpiler: TypeScript to JavaScript with esbuild, cached on disk by
 * content, and a map from transpiled positions back to the program's own lines and columns.
 *
 * Plain JavaScript on purpose: it is what makes TypeScript loadable, in the engine process
 * (engine-boot.js) and in Node's module-hooks thread (esm-hooks.mjs), before any transpiler
 * exists there. Type checking is not done here: typecheck.ts does it, as ts-node's type check
 * would under the Pulumi language host.
 *
 * Only the program's files (and the gate's own) are transpiled and mapped: the SDK's frames
 * stay as Node prints them (no source maps of node_modules are read).
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const esbuild = require("esbuild");

/** Where transpiled files are kept: PULUMI_GATE_CACHE_DIR, else a per-user folder in the temp dir. */
function cacheDir() {
    const uid = typeof process.getuid === "function" ? process.getuid() : "user";
    return process.env.PULUMI_GATE_CACHE_DIR || path.join(os.tmpdir(), `pulumi-gate-cache-${uid}`);
}

/** file -> { map: decoded mappings | undefined, sources } of what this process transpiled. */
const maps = new Map();

function loaderFor(file) {
    return file.endsWith(".tsx") ? "tsx" : file.endsWith(".jsx") ? "jsx" : "ts";
}

/**
 * Transpiles one file. `format` is "cjs" or "esm"; `tsconfigRaw` holds the compilerOptions that
 * change emitted code (decorators, class fields, JSX). The cache key covers all of them and
 * esbuild's version, so a changed source or option never reuses an old output.
 */
function transpile(file, source, format, tsconfigRaw) {
    const key = crypto
        .createHash("sha256")
        .update(`${esbuild.version}\0${format}\0${JSON.stringify(tsconfigRaw || {})}\0${file}\0`)
        .update(source)
        .digest("hex");
    const dir = cacheDir();
    const codeFile = path.join(dir, `${key}.js`);
    const mapFile = path.join(dir, `${key}.map`);
    let code;
    let mapText;
    try {
        code = fs.readFileSync(codeFile, "utf8");
        mapText = fs.readFileSync(mapFile, "utf8");
    } catch {
        const out = esbuild.transformSync(source, {
            loader: loaderFor(file),
            format,
            sourcefile: file,
            sourcemap: "external",
            target: `node${process.versions.node.split(".")[0]}`,
            tsconfigRaw: tsconfigRaw || {},
            // A program's `import.meta.url` keeps working when its ES module is loaded as ESM.
            logLevel: "silent",
        });
        code = out.code;
        mapText = out.map;
        try {
            fs.mkdirSync(dir, { recursive: true });
            // Write-then-rename: a concurrent run never reads a half-written file.
            const tmp = `${codeFile}.${process.pid}.${Math.random().toString(36).slice(2)}`;
            fs.writeFileSync(tmp + ".map", mapText);
            fs.renameSync(tmp + ".map", mapFile);
            fs.writeFileSync(tmp, code);
            fs.renameSync(tmp, codeFile);
        } catch {
            // A read-only temp dir costs speed, not correctness.
        }
    }
    maps.set(file, { text: mapText, decoded: undefined });
    return { code, map: mapText };
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** Decodes a source map's `mappings` into, per generated line, [genColumn, origLine, origColumn] rows. */
function decodeMappings(mappings) {
    const lines = [];
    let origLine = 0;
    let origCol = 0;
    let source = 0;
    for (const lineText of mappings.split(";")) {
        const row = [];
        let genCol = 0;
        for (const seg of lineText.split(",")) {
            if (!seg) continue;
            const values = [];
            let value = 0;
            let shift = 0;
            for (const ch of seg) {
                const digit = B64_INDEX.get(ch);
                value += (digit & 31) << shift;
                if (digit & 32) {
                    shift += 5;
                } else {
                    values.push(value & 1 ? -(value >> 1) : value >> 1);
                    value = 0;
                    shift = 0;
                }
            }
            genCol += values[0];
            if (values.length >= 4) {
                source += values[1];
                origLine += values[2];
                origCol += values[3];
                row.push([genCol, origLine, origCol]);
            }
        }
        lines.push(row);
    }
    return lines;
}

/** The program position (1-based line and column) of a transpiled one, or undefined when unknown. */
function originalPosition(file, line, column) {
    const entry = maps.get(file);
    if (!entry) return undefined;
    if (!entry.decoded) entry.decoded = decodeMappings(JSON.parse(entry.text).mappings || "");
    const row = entry.decoded[line - 1];
    if (!row || row.length === 0) return undefined;
    let best = row[0];
    for (const seg of row) {
        if (seg[0] <= column - 1) best = seg;
        else break;
    }
    return { line: best[1] + 1, column: best[2] + 1 };
}

/**
 * Makes a transpiled file's map known to this process without transpiling it here (its code
 * was made in another thread: the ES module hooks). Same inputs, same cache entry.
 */
function ensureMap(file, format, tsconfigRaw) {
    if (maps.has(file)) return true;
    try {
        transpile(file, fs.readFileSync(file, "utf8"), format, tsconfigRaw);
        return true;
    } catch {
        return false;
    }
}

/** A JSON record kept in the cache folder under `name`; undefined when there is none or it is unreadable. */
function recall(name) {
    try {
        return JSON.parse(fs.readFileSync(path.join(cacheDir(), name), "utf8"));
    } catch {
        return undefined;
    }
}

/** Keeps `value` as JSON under `name`; an unwritable cache only means the work is done again next time. */
function remember(name, value) {
    try {
        fs.mkdirSync(cacheDir(), { recursive: true });
        fs.writeFileSync(path.join(cacheDir(), name), JSON.stringify(value));
    } catch {
        // unwritable cache
    }
}

module.exports = {
    transpile,
    originalPosition,
    ensureMap,
    cacheDir,
    recall,
    remember,
    decodeMappings,
    knownFiles: maps,
};
