/**
 * Generates the README's stack-config table from the config table of the program
 * (infra/config.ts `CONFIG_TABLE`: each key's form, default, accepted values and meaning).
 * Usage: `ts-node --transpile-only tools/docs/generate-config.ts [--check]`; the table sits
 * between two marker comments in README.md and nothing else of the README is touched. With
 * --check it writes nothing and exits 1 when the table is stale (test/infra/config.spec.ts
 * checks the same).
 */
import * as fs from "fs";
import * as path from "path";
import { CONFIG_KEYS, CONFIG_NAMESPACE, CONFIG_TABLE } from "../../infra/config";

export const README_MD = path.join(__dirname, "..", "..", "README.md");
export const BEGIN_MARKER = "<!-- config table: generated from infra/config.ts by `npm run docs`; do not edit -->";
export const END_MARKER = "<!-- end of config table -->";

/** A default as the stack file would hold it; an optional key has none. */
function shownDefault(value: unknown): string {
    if (value === undefined) return "none";
    return `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
}

/** Markdown table cells hold no pipe and no line break. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The table, one row per key in the config table's order. */
export function renderConfigTable(): string {
    const lines = [
        `| key (\`${CONFIG_NAMESPACE}:\`) | form | default | accepted values | what it does |`,
        "| --- | --- | --- | --- | --- |",
    ];
    for (const key of CONFIG_KEYS) {
        const s = CONFIG_TABLE[key];
        lines.push(
            `| \`${key}\` | ${s.type} | ${shownDefault(s.default)} | ${cell(s.accepted)} | ${cell(s.description)} |`,
        );
    }
    return lines.join("\n");
}

/** `readme` with the text between the markers replaced by the current table. */
export function withConfigTable(readme: string): string {
    const begin = readme.indexOf(BEGIN_MARKER);
    const end = readme.indexOf(END_MARKER);
    if (begin < 0 || end < begin) {
        throw new Error(
            `README.md has no config table markers: put "${BEGIN_MARKER}" and "${END_MARKER}" where the table goes`,
        );
    }
    return `${readme.slice(0, begin + BEGIN_MARKER.length)}\n${renderConfigTable()}\n${readme.slice(end)}`;
}

if (require.main === module) {
    const current = fs.readFileSync(README_MD, "utf8");
    const text = withConfigTable(current);
    if (process.argv.includes("--check")) {
        if (current !== text) {
            console.error("README.md's config table is stale: run npm run docs");
            process.exit(1);
        }
    } else if (current !== text) {
        fs.writeFileSync(README_MD, text);
        console.log(`wrote the config table of ${path.relative(process.cwd(), README_MD)}`);
    }
}
