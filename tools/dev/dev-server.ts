/**
 * The whole app on one machine: moto as AWS, the three functions in their Python bridges,
 * the event source mapping, and one HTTP server on 127.0.0.1 in CloudFront's place
 * (`/api/*` to the API handler, everything else through the edge function to `site/`).
 */
import { ChildProcess } from "child_process";
import { randomUUID } from "crypto";
import * as http from "http";
import * as path from "path";
import {
    ApiContext,
    buildProxyEvent,
    HttpAnswer,
    INTEGRATION_TIMEOUT_SECONDS,
    localApiId,
    missingResource,
    proxyPath,
    proxyResponse,
} from "./api-adapter";
import { LambdaBridge, localAwsEnvironment } from "./lambda-bridge";
import { logger, PartName } from "./log";
import { motoKinesisReader, provision, startMoto, MotoServer } from "./moto";
import { DevError } from "./errors";
import { listen, reservePort } from "./ports";
import { withSecurityHeaders } from "./response-headers";
// Type-only: these two load the program's modules (@pulumi/pulumi, @pulumi/aws), which takes
// seconds; start() requires them once moto is already booting, so the two overlap.
import type { DevSettings } from "./settings";
import type { EdgeContext, SiteBucket } from "./static-site";
import { StreamPoller } from "./stream-poller";

export interface DevOptions {
    port: number;
    /** moto's port; 0 picks a free one. */
    motoPort: number;
    stack: string;
    verbose: boolean;
}

/** API Gateway's payload limit; a bigger body never reaches the function. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
/**
 * Bounds on one invocation, for the dev server only (a stuck handler becomes a function
 * error instead of a hung request). The program's function timeouts are arguments inside
 * infra/api.ts and infra/streaming.ts, not exported; the API is bounded by API Gateway's own
 * 29 s integration limit, which is what a viewer would see.
 */
const STREAM_PROCESSOR_BOUND_SECONDS = 60;
const EDGE_BOUND_SECONDS = 30; // Lambda@Edge's maximum for origin-request functions

const log = logger("dev");
const web = logger("web");

/** Each function's own variables, as the program sets them (names from the contract). */
export function functionEnvironments(settings: DevSettings): {
    api: Record<string, string>;
    streamProcessor: Record<string, string>;
} {
    const names = settings.contract.environment;
    return {
        api: {
            [names.api.tableName]: settings.tableName,
            [names.api.streamName]: settings.streamName,
            [names.api.originVerify]: settings.originVerify,
        },
        streamProcessor: { [names.streamProcessor.processedBucket]: settings.processedBucket },
    };
}

export class DevServer {
    private server?: http.Server;
    private moto?: MotoServer;
    private bridges: LambdaBridge[] = [];
    private poller?: StreamPoller;
    private ready = false;
    private stopping?: Promise<void>;
    private api?: { bridge: LambdaBridge; apiId: string; stage: string };
    private edge?: { bridge: LambdaBridge; staticSite: typeof import("./static-site") };
    private site?: SiteBucket;
    settings?: DevSettings;
    url?: string;

    /** Resolves when everything runs and the URL is printed; rejects with a DevError otherwise. */
    async start(opts: DevOptions, onFatal: (e: Error) => void): Promise<void> {
        // The viewer port first: a clash is reported before anything starts.
        this.server = http.createServer((req, res) => this.handle(req, res));
        const port = await listen(this.server, opts.port, "the app", "--port");
        this.url = `http://127.0.0.1:${port}`;
        const motoPort = await reservePort(opts.motoPort, "moto", "--moto-port");
        // moto first: its boot overlaps the loading of the program's modules and the cold starts.
        const moto = (this.moto = startMoto(motoPort, { verbose: opts.verbose }));

        const { loadSettings, LAMBDAS_DIR, LOCAL_STAGE } = require("./settings") as typeof import("./settings");
        const staticSite = require("./static-site") as typeof import("./static-site");
        const { SITE_DIR } = require("../../infra/lib/site-files") as typeof import("../../infra/lib/site-files");
        const settings = await loadSettings(opts.stack);
        this.abortIfStopping();
        const endpoint = { url: moto.url, region: settings.region };
        const own = functionEnvironments(settings);
        const bridge = (
            part: PartName,
            dir: string,
            name: string,
            region: string,
            env: Record<string, string>,
            timeoutSeconds: number,
        ) =>
            new LambdaBridge({
                part,
                functionDir: path.join(LAMBDAS_DIR, dir),
                functionName: name,
                environment: localAwsEnvironment(moto.url, region, name, {
                    DEV_ACCOUNT_ID: settings.accountId,
                    ...env,
                }),
                timeoutSeconds,
            });
        const api = bridge("api", "api", settings.functions.api, settings.region, own.api, INTEGRATION_TIMEOUT_SECONDS);
        const processor = bridge(
            "stream",
            "stream_processor",
            settings.functions.streamProcessor,
            settings.region,
            own.streamProcessor,
            STREAM_PROCESSOR_BOUND_SECONDS,
        );
        // Lambda@Edge runs in us-east-1 with no environment variables of its own (it still gets
        // the fake credentials, so nothing it might call could reach a real account).
        const edge = bridge("edge", "edge", settings.functions.edge, "us-east-1", {}, EDGE_BOUND_SECONDS);
        this.bridges = [api, processor, edge];

        // The three cold starts run side by side, and beside moto's boot: each takes about a second.
        await Promise.all([moto.ready, ...this.bridges.map((b) => b.start())]);
        this.abortIfStopping();
        moto.child.on("exit", (code, signal) => {
            if (!this.stopping)
                onFatal(
                    new DevError(
                        `moto stopped unexpectedly (code ${code}, signal ${signal})`,
                        "Look at the [moto] lines above, then start npm run dev again.",
                    ),
                );
        });
        await provision(endpoint, settings);

        this.poller = new StreamPoller({
            settings: settings.contract.eventSourceMapping,
            streamArn: settings.streamArn,
            region: settings.region,
            roleArn: `arn:aws:iam::${settings.accountId}:role/${settings.functions.streamProcessor}`,
            reader: motoKinesisReader(endpoint, settings.streamName),
            invoke: (event) => processor.invoke(event),
            log: logger("stream"),
        });
        this.abortIfStopping();
        await this.poller.start();

        this.api = { bridge: api, apiId: localApiId(), stage: LOCAL_STAGE };
        this.edge = { bridge: edge, staticSite };
        this.site = new staticSite.SiteBucket(SITE_DIR);
        if (this.site.keys.length === 0) log.error(`site/ has no files: every page will be 403 (${SITE_DIR})`);
        this.settings = settings;
        this.ready = true;
        log.info(
            `table ${settings.tableName}, stream ${settings.streamName}, bucket ${settings.processedBucket} on ${moto.url}`,
        );
        log.info(`ready: ${this.url}`);
    }

    /** A stop during start (Ctrl-C while moto boots) ends the start here, before more is started. */
    private abortIfStopping(): void {
        if (this.stopping) throw new DevError("stopped while starting", "none needed");
    }

    get childPids(): Record<string, number | undefined> {
        return {
            moto: this.moto?.child.pid,
            api: this.bridges[0]?.pid,
            stream: this.bridges[1]?.pid,
            edge: this.bridges[2]?.pid,
        };
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const started = Date.now();
        const url = req.url ?? "/";
        const method = req.method ?? "GET";
        const finish = (answer: HttpAnswer, note = "") => {
            const headers = withSecurityHeaders(answer.headers);
            // The length of the body as sent; a function's own framing headers do not apply here.
            for (const name of Object.keys(headers)) {
                if (["content-length", "transfer-encoding"].includes(name.toLowerCase())) delete headers[name];
            }
            headers["Content-Length"] = [String(answer.body.length)];
            res.writeHead(
                answer.status,
                Object.entries(headers)
                    .flatMap(([k, vs]) => vs.map((v) => [k, v]))
                    .flat(),
            );
            res.end(method === "HEAD" ? undefined : answer.body);
            web.info(`${method} ${url} ${answer.status} ${Date.now() - started} ms${note}`);
        };
        if (!this.ready || !this.settings) {
            finish({
                status: 503,
                headers: { "Content-Type": ["text/plain"], "Retry-After": ["1"] },
                body: Buffer.from("starting\n"),
            });
            return;
        }
        const settings = this.settings;
        const requestId = randomUUID();
        const clientIp = req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1";
        const basePath = settings.contract.api.basePath;
        const failed = (e: unknown) => {
            web.error(`${method} ${url}: ${(e as Error).stack ?? e}`);
            if (!res.headersSent)
                finish({
                    status: 500,
                    headers: { "Content-Type": ["text/plain"] },
                    body: Buffer.from("dev server error\n"),
                });
        };

        if (proxyPath(url, basePath) !== undefined) {
            readBody(req)
                .then(async (body) => {
                    if (body === undefined) {
                        finish({
                            status: 413,
                            headers: { "Content-Type": ["application/json"] },
                            body: Buffer.from(JSON.stringify({ message: "Request Too Long" })),
                        });
                        return;
                    }
                    if (proxyPath(url, basePath) === "") return finish(missingResource(requestId));
                    const ctx: ApiContext = {
                        basePath,
                        stage: this.api!.stage,
                        region: settings.region,
                        accountId: settings.accountId,
                        apiId: this.api!.apiId,
                        requestId,
                        now: Date.now(),
                        originVerify: {
                            header: settings.contract.api.originVerifyHeader,
                            value: settings.originVerify,
                        },
                    };
                    const event = buildProxyEvent(
                        { method, url, rawHeaders: req.rawHeaders, body, sourceIp: clientIp },
                        ctx,
                    );
                    const invocation = await this.api!.bridge.invoke(event, requestId);
                    const { answer, problem } = proxyResponse(invocation, requestId);
                    if (problem) logger("api").error(`request ${requestId}: ${problem}`);
                    finish(answer);
                })
                .catch(failed);
            return;
        }

        // The default behaviour allows GET, HEAD and OPTIONS; CloudFront refuses the rest.
        if (!["GET", "HEAD", "OPTIONS"].includes(method)) {
            finish({
                status: 403,
                headers: { "Content-Type": ["text/plain"] },
                body: Buffer.from(
                    "This distribution is not configured to allow the HTTP request method that was used for this request.\n",
                ),
            });
            req.resume();
            return;
        }
        req.resume();
        const ctx: EdgeContext = {
            distributionDomainName: `d${this.api!.apiId}.cloudfront.net`,
            distributionId: `E${this.api!.apiId.toUpperCase()}`,
            requestId,
            siteBucketDomainName: `${settings.siteBucket}.s3.${settings.region}.amazonaws.com`,
            region: settings.region,
        };
        const { bridge, staticSite } = this.edge!;
        bridge
            .invoke(staticSite.originRequestEvent(method, url, clientIp, ctx), requestId)
            .then((invocation) => {
                const decision = staticSite.edgeDecision(invocation);
                const edgeLog = logger("edge");
                if ("error" in decision) {
                    edgeLog.error(`origin-request ${url}: ${decision.error}`);
                    finish({
                        status: 502,
                        headers: { "Content-Type": ["text/plain"] },
                        body: Buffer.from(
                            "502 ERROR: The Lambda function associated with the CloudFront distribution is invalid or doesn't have the required permissions.\n",
                        ),
                    });
                } else if ("answer" in decision) {
                    edgeLog.info(`origin-request ${url} -> answered ${decision.answer.status}`);
                    finish(decision.answer);
                } else {
                    const uri = url.split("?", 1)[0];
                    if (decision.uri !== uri) edgeLog.info(`origin-request ${uri} -> ${decision.uri}`);
                    finish(this.site!.get(decision.uri), decision.uri !== uri ? ` (edge: ${decision.uri})` : "");
                }
            })
            .catch(failed);
    }

    /** Stops the server, the poller, the bridges and moto; safe to call more than once. */
    stop(): Promise<void> {
        this.stopping ??= (async () => {
            this.ready = false;
            const closed = this.server ? new Promise<void>((r) => this.server!.close(() => r())) : Promise.resolve();
            this.server?.closeAllConnections();
            await this.poller?.stop();
            await Promise.all(this.bridges.map((b) => b.stop()));
            if (this.moto) await stopChild(this.moto.child, 3000);
            await closed;
        })();
        return this.stopping;
    }

    /** Last resort on a second Ctrl-C: kill what is left without waiting. */
    kill(): void {
        for (const pid of Object.values(this.childPids)) {
            if (pid) {
                try {
                    process.kill(pid, "SIGKILL");
                } catch {
                    // already gone
                }
            }
        }
    }
}

function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        child.once("exit", () => {
            clearTimeout(timer);
            resolve();
        });
        child.kill("SIGTERM");
    });
}

/** The request body, or undefined when it exceeds API Gateway's 10 MB payload limit. */
function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let tooBig = false;
        req.on("data", (c: Buffer) => {
            size += c.length;
            if (size > MAX_REQUEST_BYTES) tooBig = true;
            else chunks.push(c);
        });
        req.on("end", () => resolve(tooBig ? undefined : Buffer.concat(chunks)));
        req.on("error", reject);
    });
}
