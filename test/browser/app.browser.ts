/**
 * `npm run test:browser`: the app in a real browser, end to end, on one machine.
 *
 * Starts `npm run dev` on a free port, drives Debian's chromium through playwright-core (no
 * browser download, ever), and walks the page as a person would: create an item, see it
 * listed (also after a reload, so it came back from the API), delete it, submit an invalid
 * item and see the API's own message. The console must show no error and the page no CSP
 * violation. Then the local bucket must hold the item's create and delete events, once each,
 * written by the stream processor through the event source mapping. A screenshot of the page
 * goes to docs/screenshot.png.
 *
 * Prints one line per check and `N passed, N failed`; exits 1 on any failure, on a missing
 * browser (never a silent skip) and on a missing `dev` script.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chromium, ConsoleMessage, Page } from "playwright-core";
import { listObjectKeys, readObject } from "../../tools/dev/aws-http";
import { loadSettings } from "../../tools/dev/settings";
import { DevProcess, freePort, portIsFree, processAlive, REPO_ROOT, startDev } from "../dev/dev-process";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];
const SCREENSHOT = path.join(REPO_ROOT, "docs", "screenshot.png");
/** Bound on each wait in the page; the stream check has its own (it waits for the batching window). */
const STEP_TIMEOUT_MS = 15_000;
const BUCKET_DEADLINE_MS = 60_000;

class Failure extends Error {}

function check(condition: unknown, message: string): asserts condition {
    if (!condition) throw new Failure(message);
}

function preflight(): void {
    if (!fs.existsSync(CHROMIUM)) {
        throw new Failure(
            `no browser at ${CHROMIUM}: install Debian's chromium with \`apt-get install -y chromium\` ` +
                "(as .ci/run does); this test never downloads a browser and never skips",
        );
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
    if (!pkg.scripts?.dev) {
        throw new Failure(
            "package.json has no `dev` script: add " +
                '"dev": "node -r ts-node/register/transpile-only tools/dev/main.ts"',
        );
    }
}

interface Observed {
    consoleErrors: string[];
    cspViolations: string[];
    /** Chromium logs a fetch answered 4xx as a console error: the API's 400 for the invalid item is expected, once. */
    expectedFailedRequests: number;
}

async function watch(page: Page, apiUrl: string): Promise<Observed> {
    const seen: Observed = { consoleErrors: [], cspViolations: [], expectedFailedRequests: 0 };
    await page.exposeFunction("reportCspViolation", (text: string) => seen.cspViolations.push(text));
    // Runs before the page's own script in every document; the CSP does not apply to it.
    // (A string: the project's TypeScript has no DOM types.)
    await page.addInitScript(`
        document.addEventListener("securitypolicyviolation", (e) => {
            window.reportCspViolation(e.violatedDirective + " blocked " + (e.blockedURI || "inline code") +
                " (" + (e.sourceFile || "?") + ":" + e.lineNumber + ")");
        });
    `);
    page.on("console", (msg: ConsoleMessage) => {
        if (msg.type() !== "error") return;
        const where = msg.location().url;
        if (seen.expectedFailedRequests > 0 && where === apiUrl && /status of 400/.test(msg.text())) {
            seen.expectedFailedRequests--;
            return;
        }
        seen.consoleErrors.push(`${msg.text()} (${where || "?"})`);
    });
    page.on("pageerror", (err) => seen.consoleErrors.push(`uncaught: ${err.message}`));
    return seen;
}

async function main(): Promise<number> {
    const started = Date.now();
    let passed = 0;
    let failed = 0;
    const results: string[] = [];
    const step = async (name: string, body: () => Promise<void>): Promise<boolean> => {
        const t0 = Date.now();
        try {
            await body();
            passed++;
            results.push(`ok - ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
            console.log(results[results.length - 1]);
            return true;
        } catch (e) {
            failed++;
            const why = e instanceof Failure ? e.message : ((e as Error).stack ?? String(e));
            results.push(`not ok - ${name}: ${why}`);
            console.log(results[results.length - 1]);
            return false;
        }
    };

    let dev: DevProcess | undefined;
    let devOutput: (() => string) | undefined;
    let browser: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "swa-chromium-"));
    try {
        if (!(await step("chromium and the dev script are there", async () => preflight()))) return 1;
        if (
            !(await step("npm run dev starts on a free port", async () => {
                dev = await startDev({
                    port: await freePort(),
                    command: ["npm", "run", "--silent", "dev", "--"],
                    group: true,
                });
                devOutput = dev.output;
            }))
        )
            return 1;
        const url = dev!.url;
        const settings = await loadSettings();
        const itemsApi = `${url}${settings.contract.api.basePath}/items`;

        if (
            !(await step("chromium starts (headless, fresh profile)", async () => {
                try {
                    browser = await chromium.launchPersistentContext(userDataDir, {
                        executablePath: CHROMIUM,
                        headless: true,
                        args: CHROMIUM_ARGS,
                        viewport: { width: 1000, height: 900 },
                    });
                } catch (e) {
                    throw new Failure(
                        `${CHROMIUM} did not start: ${(e as Error).message.split("\n")[0]}. ` +
                            "Reinstall it with `apt-get install -y chromium`; run `chromium --headless --no-sandbox --dump-dom about:blank` to see why.",
                    );
                }
            }))
        )
            return 1;
        const page = browser!.pages()[0] ?? (await browser!.newPage());
        page.setDefaultTimeout(STEP_TIMEOUT_MS);
        const seen = await watch(page, itemsApi);
        const status = page.getByTestId("status");
        const items = page.getByTestId("items").locator("li");
        const named = (name: string) => items.filter({ has: page.locator(".item-name", { hasText: name }) });
        const itemName = `Browser test ${Date.now().toString(36)}`;
        let itemId = "";

        const ok =
            (await step("the page loads under the CSP and lists no items", async () => {
                const response = await page.goto(url);
                check(response?.status() === 200, `GET / answered ${response?.status()}`);
                check(
                    response?.headers()["content-security-policy"],
                    "the page came without a Content-Security-Policy header",
                );
                await status.filter({ hasText: "No items yet." }).waitFor();
            })) &&
            (await step("an item created through the form is listed", async () => {
                await page.getByTestId("item-name").fill(itemName);
                await page.getByTestId("item-description").fill("Created by the browser test");
                const created = page.waitForResponse((r) => r.url() === itemsApi && r.request().method() === "POST");
                await page.getByTestId("item-submit").click();
                const response = await created;
                check(
                    response.status() === 201,
                    `POST /api/items answered ${response.status()}: ${await response.text()}`,
                );
                itemId = (await response.json()).id;
                await named(itemName).waitFor();
                check(
                    (await named(itemName).getAttribute("data-id")) === itemId,
                    "the listed item has another id than the API returned",
                );
            })) &&
            (await step("after a reload the item comes back from the API", async () => {
                await page.reload();
                await named(itemName).waitFor();
            })) &&
            (await step("deleting it removes it from the list, also after a reload", async () => {
                const deleted = page.waitForResponse(
                    (r) => r.url() === `${itemsApi}/${itemId}` && r.request().method() === "DELETE",
                );
                await named(itemName).getByTestId("delete").click();
                check((await deleted).status() === 204, `DELETE answered ${(await deleted).status()}`);
                await named(itemName).waitFor({ state: "detached" });
                await page.reload();
                await status.filter({ hasText: "No items yet." }).waitFor();
                check((await named(itemName).count()) === 0, "the deleted item is listed again after a reload");
            })) &&
            (await step("an invalid item shows the API's error message", async () => {
                // Two items for the screenshot, then a blank name: it passes the form's `required`
                // (blanks are a value) and the API refuses it once trimmed.
                for (const [name, description] of [
                    ["Order more coffee", "Two bags of the house blend"],
                    ["Renew the TLS certificate", "ACM renews it; check the DNS validation record"],
                ]) {
                    await page.getByTestId("item-name").fill(name!);
                    await page.getByTestId("item-description").fill(description!);
                    await page.getByTestId("item-submit").click();
                    await named(name).waitFor();
                }
                seen.expectedFailedRequests = 1;
                await page.getByTestId("item-name").fill("   ");
                const refused = page.waitForResponse((r) => r.url() === itemsApi && r.request().method() === "POST");
                await page.getByTestId("item-submit").click();
                const response = await refused;
                check(response.status() === 400, `the invalid item was answered ${response.status()}, not 400`);
                const message = (await response.json()).message;
                check(typeof message === "string" && message.length > 0, "the 400 carries no message");
                const errorBox = page.getByTestId("error");
                await errorBox.filter({ hasText: message }).waitFor();
                check(
                    (await errorBox.textContent())?.trim() === message,
                    `the page shows "${await errorBox.textContent()}", the API said "${message}"`,
                );
                fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
                await page.screenshot({ path: SCREENSHOT, fullPage: true });
            }));

        await step("the console shows no error and the page no CSP violation", async () => {
            check(seen.cspViolations.length === 0, `CSP violations: ${seen.cspViolations.join("; ")}`);
            check(seen.consoleErrors.length === 0, `console errors: ${seen.consoleErrors.join("; ")}`);
        });

        if (ok) {
            await step("the processed bucket holds the item's create and delete events, once each", async () => {
                const endpoint = { url: dev!.motoUrl, region: settings.region };
                const bucket = settings.processedBucket;
                const prefix = settings.contract.processed.dataPrefix;
                // The processor writes one object per batch, after the mapping's batching window.
                const deadline = Date.now() + BUCKET_DEADLINE_MS;
                let events: Array<{ key: string; event: any }> = [];
                for (;;) {
                    const keys = await listObjectKeys(endpoint, bucket, prefix);
                    const objects = await Promise.all(
                        keys.map(async (key) => ({ key, text: await readObject(endpoint, bucket, key) })),
                    );
                    events = objects
                        .flatMap(({ key, text }) =>
                            text
                                .split("\n")
                                .filter(Boolean)
                                .map((line) => ({ key, event: JSON.parse(line) })),
                        )
                        .filter(({ event }) => event.itemId === itemId);
                    const types = new Set(events.map(({ event }) => event.eventType));
                    if (types.has("item.created") && types.has("item.deleted")) break;
                    check(
                        Date.now() < deadline,
                        `after ${BUCKET_DEADLINE_MS / 1000} s the bucket holds ${events.length} event(s) ` +
                            `for item ${itemId}: ${[...types].join(", ") || "none"}`,
                    );
                    await new Promise((r) => setTimeout(r, 500));
                }
                const count = (type: string) => events.filter(({ event }) => event.eventType === type).length;
                check(
                    count("item.created") === 1 && count("item.deleted") === 1,
                    `expected one create and one delete, found ${count("item.created")} and ${count("item.deleted")}`,
                );
                const keyShape = new RegExp(
                    `^${prefix}year=\\d{4}/month=\\d{2}/day=\\d{2}/shardId-\\d+_\\d+_\\d+\\.jsonl\\.gz$`,
                );
                for (const { key } of events)
                    check(keyShape.test(key), `object key ${key} is not in the contract's key template`);
                const created = events.find(({ event }) => event.eventType === "item.created")!.event;
                check(
                    created.item.name === itemName && created.version === 1,
                    "the create event does not carry the item as created",
                );
                const malformed = await listObjectKeys(endpoint, bucket, settings.contract.processed.errorsPrefix);
                check(malformed.length === 0, `the processor set records aside as malformed: ${malformed.join(", ")}`);
            });
        }

        await step(
            "Ctrl-C (SIGINT to the job's process group, as a terminal sends it) stops npm run dev cleanly",
            async () => {
                await browser?.close();
                browser = undefined;
                const running = dev!;
                dev = undefined;
                const code = await running.stop("SIGINT");
                // npm itself ends by the signal it got (code null); what matters is that the dev
                // server stopped its children and itself.
                check(
                    code === 0 || running.child.signalCode === "SIGINT",
                    `npm run dev exited with ${code} (${running.child.signalCode})`,
                );
                check(running.output().includes("[dev] stopped"), "the dev server did not report a clean stop");
                for (const [part, pid] of Object.entries(running.pids))
                    check(!processAlive(pid), `${part} (pid ${pid}) still runs`);
                check(await portIsFree(running.motoPort), `moto's port ${running.motoPort} is still taken`);
                check(await portIsFree(Number(new URL(running.url).port)), "the app's port is still taken");
            },
        );
    } finally {
        await browser?.close().catch(() => undefined);
        if (dev) await dev.stop().catch(() => undefined);
        fs.rmSync(userDataDir, { recursive: true, force: true });
        if (failed > 0 && devOutput)
            console.log(`\nlast lines of npm run dev:\n${devOutput().split("\n").slice(-60).join("\n")}`);
        console.log(`\n${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    return failed > 0 ? 1 : 0;
}

main().then(
    (code) => process.exit(code),
    (e) => {
        console.error(e);
        process.exit(1);
    },
);
