/**
 * The dev server as a whole, on one shared instance: the static site under the edge rewrite
 * and the response-headers policy, the API on the real handler, the stream processor writing
 * to the local bucket, and every value it shares with the program checked against what the
 * gate's engine records when it runs the real program.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { runProgram, ProgramRun } from "../../tools/gate/engine";
import { ResourceRecord } from "../../tools/gate/types";
import { awsJson, listObjectKeys, readObject } from "../../tools/dev/aws-http";
import { functionEnvironments } from "../../tools/dev/dev-server";
import { DevSettings, loadSettings } from "../../tools/dev/settings";
import { DevProcess, get, REPO_ROOT, startDev } from "./dev-process";

const SITE = path.join(REPO_ROOT, "site");

/** The headers CloudFront sends for a response-headers policy's securityHeadersConfig. */
function cloudFrontSecurityHeaders(config: Record<string, any>): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [kind, value] of Object.entries(config)) {
        switch (kind) {
            case "strictTransportSecurity":
                headers["strict-transport-security"] = [
                    `max-age=${value.accessControlMaxAgeSec}`,
                    ...(value.includeSubdomains ? ["includeSubDomains"] : []),
                    ...(value.preload ? ["preload"] : []),
                ].join("; ");
                break;
            case "contentSecurityPolicy":
                headers["content-security-policy"] = value.contentSecurityPolicy;
                break;
            case "contentTypeOptions":
                headers["x-content-type-options"] = "nosniff";
                break;
            case "frameOptions":
                headers["x-frame-options"] = value.frameOption;
                break;
            case "referrerPolicy":
                headers["referrer-policy"] = value.referrerPolicy;
                break;
            case "xssProtection":
                headers["x-xss-protection"] = value.protection
                    ? [
                          "1",
                          ...(value.modeBlock ? ["mode=block"] : []),
                          ...(value.reportUri ? [`report=${value.reportUri}`] : []),
                      ].join("; ")
                    : "0";
                break;
            default:
                throw new Error(
                    `securityHeadersConfig.${kind} is new: teach this test the header CloudFront sends for it`,
                );
        }
    }
    return headers;
}

const SECURITY_HEADER_NAMES = [
    "strict-transport-security",
    "content-security-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "x-xss-protection",
];

function served(page: { headers: Headers }): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of SECURITY_HEADER_NAMES) {
        const value = page.headers.get(name);
        if (value !== null) out[name] = value;
    }
    return out;
}

describe("dev server (one instance, real handlers on moto)", function () {
    this.timeout(120_000);
    let dev: DevProcess;
    let program: ProgramRun;
    let settings: DevSettings;

    before(async () => {
        // The program's run and the server's start overlap: both take a few seconds. The server
        // is kept even when the program fails, so after() stops it.
        const starting = startDev().then((d) => (dev = d));
        const results = await Promise.allSettled([starting, runProgram({ programDir: REPO_ROOT }), loadSettings()]);
        const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
        if (failure) throw failure.reason;
        program = (results[1] as PromiseFulfilledResult<ProgramRun>).value;
        settings = (results[2] as PromiseFulfilledResult<DevSettings>).value;
    });

    after(async () => {
        if (dev) await dev.stop();
    });

    const one = (type: string, name?: string): ResourceRecord => {
        const found = program.resources.filter((r) => r.type === type && (name === undefined || r.name === name));
        expect(found, `${type} ${name ?? ""} in the program`).to.have.length(1);
        return found[0]!;
    };

    describe("the site, through the edge function, with the response-headers policy", () => {
        it("serves / as index.html with the headers the gate records for the CloudFront policy", async () => {
            const policy = one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy");
            const expected = cloudFrontSecurityHeaders((policy.inputs as any).securityHeadersConfig);
            expect(Object.keys(expected)).to.include.members([
                "content-security-policy",
                "strict-transport-security",
                "x-frame-options",
                "x-content-type-options",
                "referrer-policy",
            ]);
            const page = await get(`${dev.url}/`);
            expect(page.status).to.equal(200);
            expect(page.text).to.equal(fs.readFileSync(path.join(SITE, "index.html"), "utf8"));
            expect(served(page)).to.deep.equal(expected);
        });

        it("sets the same headers on files, errors and API answers", async () => {
            const policy = one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy");
            const expected = cloudFrontSecurityHeaders((policy.inputs as any).securityHeadersConfig);
            for (const url of ["/app.js", "/no-such-file.css", "/api/health", "/api/nope"]) {
                expect(served(await get(`${dev.url}${url}`)), url).to.deep.equal(expected);
            }
        });

        it("rewrites an extension-less route to index.html, keeping the query string out of the file lookup", async () => {
            const index = fs.readFileSync(path.join(SITE, "index.html"), "utf8");
            for (const url of ["/items/42", "/items/42/", "/items?x=1"]) {
                const page = await get(`${dev.url}${url}`);
                expect(page.status, url).to.equal(200);
                expect(page.text, url).to.equal(index);
                expect(page.headers.get("content-type"), url).to.equal("text/html; charset=utf-8");
            }
            expect(dev.output()).to.match(/\[edge\] origin-request \/items\/42 -> \/index\.html/);
        });

        it("serves files as they are, with the program's content types", async () => {
            const script = await get(`${dev.url}/app.js`);
            expect(script.status).to.equal(200);
            expect(script.text).to.equal(fs.readFileSync(path.join(SITE, "app.js"), "utf8"));
            expect(script.headers.get("content-type")).to.equal("text/javascript; charset=utf-8");
            const css = await get(`${dev.url}/styles.css`);
            expect(css.headers.get("content-type")).to.equal("text/css; charset=utf-8");
        });

        it("answers a missing file as the private bucket does (403), and refuses other methods", async () => {
            expect((await get(`${dev.url}/missing.js`)).status).to.equal(403);
            expect((await get(`${dev.url}/`, { method: "POST", body: "x" })).status).to.equal(403);
        });
    });

    describe("the API, on the real handler", () => {
        it("answers health and the handler's own errors unchanged", async () => {
            const health = await get(`${dev.url}/api/health`);
            expect(health.status).to.equal(200);
            expect(JSON.parse(health.text)).to.deep.equal({ status: "ok" });
            const missing = await get(`${dev.url}/api/items/does-not-exist`);
            expect(missing.status).to.equal(404);
            expect(JSON.parse(missing.text).message).to.equal("Item 'does-not-exist' was not found");
            const wrong = await get(`${dev.url}/api/health`, { method: "DELETE" });
            expect(wrong.status).to.equal(405);
            expect(wrong.headers.get("allow")).to.equal("GET");
            expect((await get(`${dev.url}/api/`)).status).to.equal(403);
        });

        it("creates, reads and deletes an item; the stream processor writes both events to the bucket", async () => {
            const created = await get(`${dev.url}/api/items`, {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify({ name: "spec item" }),
            });
            expect(created.status).to.equal(201);
            const item = JSON.parse(created.text);
            expect(created.headers.get("location")).to.equal(`/api/items/${item.id}`);
            const read = await get(`${dev.url}/api/items/${item.id}`);
            expect(JSON.parse(read.text)).to.deep.equal(item);
            expect((await get(`${dev.url}/api/items/${item.id}`, { method: "DELETE" })).status).to.equal(204);

            const endpoint = { url: dev.motoUrl, region: settings.region };
            const prefix = settings.contract.processed.dataPrefix;
            const deadline = Date.now() + 30_000;
            let events: any[] = [];
            while (Date.now() < deadline) {
                const keys = await listObjectKeys(endpoint, settings.processedBucket, prefix);
                events = (await Promise.all(keys.map((k) => readObject(endpoint, settings.processedBucket, k))))
                    .flatMap((text) =>
                        text
                            .split("\n")
                            .filter(Boolean)
                            .map((line) => JSON.parse(line)),
                    )
                    .filter((e) => e.itemId === item.id);
                if (events.length >= 2) break;
                await new Promise((r) => setTimeout(r, 250));
            }
            expect(events.map((e) => e.eventType).sort()).to.deep.equal(["item.created", "item.deleted"]);
        });
    });

    describe("the same names and settings as the program (gate engine run of infra/)", () => {
        it("creates the table, stream and bucket the program declares", async () => {
            const table = one("aws:dynamodb/table:Table").inputs as any;
            const stream = one("aws:kinesis/stream:Stream").inputs as any;
            const endpoint = { url: dev.motoUrl, region: settings.region };
            const { Table } = await awsJson(endpoint, "dynamodb", "DescribeTable", { TableName: table.name });
            expect(Table.KeySchema).to.deep.equal([{ AttributeName: table.hashKey, KeyType: "HASH" }]);
            expect(Table.AttributeDefinitions).to.deep.equal(
                table.attributes.map((a: any) => ({ AttributeName: a.name, AttributeType: a.type })),
            );
            expect(Table.BillingModeSummary.BillingMode).to.equal(table.billingMode);
            const { StreamDescriptionSummary: s } = await awsJson(endpoint, "kinesis", "DescribeStreamSummary", {
                StreamName: stream.name,
            });
            expect(s.OpenShardCount).to.equal(stream.shardCount);
            expect(s.StreamModeDetails.StreamMode).to.equal(stream.streamModeDetails.streamMode);
            const processed = one("aws:s3/bucket:Bucket", "streaming-processed").inputs as any;
            expect(settings.processedBucket).to.equal(processed.bucket);
            expect(await listObjectKeys(endpoint, processed.bucket, "none/")).to.deep.equal([]);
        });

        it("gives each function the environment the program gives it", () => {
            const fn = (name: string) =>
                program.resources.find(
                    (r) => r.type === "aws:lambda/function:Function" && (r.inputs as any).name === name,
                )?.inputs as any;
            const env = functionEnvironments(settings);
            // The origin-verify value differs by design (a generated Pulumi secret there, which the
            // offline engine leaves out; random per run here): the other variables are the same.
            const originVerify = settings.contract.environment.api.originVerify;
            const { [originVerify]: _deployedValue, ...deployed } = fn(settings.functions.api).environment.variables;
            const { [originVerify]: localValue, ...local } = env.api;
            expect(deployed).to.deep.equal(local);
            expect(localValue).to.match(/^[A-Za-z0-9_-]{43}$/);
            expect(fn(settings.functions.streamProcessor).environment.variables).to.deep.equal(env.streamProcessor);
            expect(fn(settings.functions.edge)).to.not.equal(undefined);
        });

        it("polls the stream with the event source mapping's settings", () => {
            const mapping = one("aws:lambda/eventSourceMapping:EventSourceMapping").inputs as any;
            const esm = settings.contract.eventSourceMapping;
            expect(mapping.eventSourceArn).to.equal(settings.streamArn);
            expect({
                startingPosition: mapping.startingPosition,
                batchSize: mapping.batchSize,
                maximumBatchingWindowInSeconds: mapping.maximumBatchingWindowInSeconds,
                maximumRetryAttempts: mapping.maximumRetryAttempts,
                maximumRecordAgeInSeconds: mapping.maximumRecordAgeInSeconds,
                bisectBatchOnFunctionError: mapping.bisectBatchOnFunctionError,
                functionResponseTypes: mapping.functionResponseTypes,
            }).to.deep.equal({
                startingPosition: esm.startingPosition,
                batchSize: esm.batchSize,
                maximumBatchingWindowInSeconds: esm.maximumBatchingWindowInSeconds,
                maximumRetryAttempts: esm.maximumRetryAttempts,
                maximumRecordAgeInSeconds: esm.maximumRecordAgeInSeconds,
                bisectBatchOnFunctionError: esm.bisectBatchOnFunctionError,
                functionResponseTypes: esm.functionResponseTypes,
            });
            expect(dev.output()).to.include(
                `batch size ${esm.batchSize}, window ${esm.maximumBatchingWindowInSeconds} s, ${esm.maximumRetryAttempts} retries`,
            );
        });
    });

    // Mocha runs a suite's own tests before its nested suites: this one sits in a suite of
    // its own, last, so the log it reads holds the requests made above.
    describe("its log", () => {
        it("prefixes every line with the part it comes from", () => {
            const lines = dev.output().split("\n").filter(Boolean);
            const parts = new Set(
                lines.map((l) => /^\[(dev|moto|api|stream|edge|web)\] /.exec(l)?.[1] ?? `UNPREFIXED: ${l}`),
            );
            expect([...parts].filter((p) => p.startsWith("UNPREFIXED"))).to.deep.equal([]);
            expect([...parts]).to.include.members(["dev", "moto", "api", "stream", "edge", "web"]);
        });
    });
});
