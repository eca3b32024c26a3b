/**
 * The static site's files: which are published (everything under site/ but dot-files) and
 * the content type each is served with. The frontend uploads them to the site bucket; the
 * local dev server (tools/dev) serves exactly the same set with the same types.
 */
import * as fs from "fs";
import * as path from "path";

/** The repository's site/ folder, the frontend's default. */
export const SITE_DIR = path.resolve(__dirname, "..", "..", "site");

/** Content types of the files a static site ships; anything else is served as bytes. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".webmanifest": "application/manifest+json",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
};

export function contentType(file: string): string {
    return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

/** Files under `dir` as posix paths relative to it, sorted; dot-files are not published. */
export function siteFiles(dir: string, relative = ""): string[] {
    if (!fs.existsSync(path.join(dir, relative))) return [];
    const out: string[] = [];
    const entries = fs.readdirSync(path.join(dir, relative), { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.name.startsWith(".")) continue;
        const rel = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) out.push(...siteFiles(dir, rel));
        else if (entry.isFile()) out.push(rel);
    }
    return out;
}

/**
 * How long a browser may keep a file: the page is fetched fresh on each visit; its assets may
 * be cached briefly (file names carry no content hash).
 */
export function cacheControl(file: string): string {
    return file.endsWith(".html") ? "no-cache" : "public, max-age=300";
}
