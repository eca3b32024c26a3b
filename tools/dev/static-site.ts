/**
 * The default behaviour of the distribution, locally: the viewer's request goes through the
 * Lambda@Edge origin-request function (the real lambdas/edge handler, called through its
 * bridge), then the rewritten URI is read from `site/` as the private bucket would answer it,
 * and every answer carries the response-headers policy's security headers.
 *
 * The bucket holds exactly the files the program uploads (infra/lib/site-files.ts `siteFiles`: no
 * dot-files) with the content types it gives them (`contentType`). A key that is not there
 * is S3's 403 AccessDenied: with OAC, CloudFront has no s3:ListBucket, so S3 does not say 404.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { contentType, siteFiles } from "../../infra/lib/site-files";
import type { HttpAnswer } from "./api-adapter";
import type { Invocation } from "./lambda-bridge";

export interface EdgeContext {
    distributionDomainName: string;
    distributionId: string;
    requestId: string;
    siteBucketDomainName: string;
    region: string;
}

/** The origin-request event CloudFront gives the edge function for an S3 origin. */
export function originRequestEvent(method: string, url: string, clientIp: string, ctx: EdgeContext): object {
    const q = url.indexOf("?");
    return {
        Records: [
            {
                cf: {
                    config: {
                        distributionDomainName: ctx.distributionDomainName,
                        distributionId: ctx.distributionId,
                        eventType: "origin-request",
                        requestId: ctx.requestId,
                    },
                    request: {
                        clientIp,
                        headers: {
                            host: [{ key: "Host", value: ctx.siteBucketDomainName }],
                            "user-agent": [{ key: "User-Agent", value: "Amazon CloudFront" }],
                            via: [
                                { key: "Via", value: `2.0 ${ctx.requestId.slice(0, 32)}.cloudfront.net (CloudFront)` },
                            ],
                            "x-forwarded-for": [{ key: "X-Forwarded-For", value: clientIp }],
                        },
                        method,
                        origin: {
                            s3: {
                                authMethod: "none",
                                customHeaders: {},
                                domainName: ctx.siteBucketDomainName,
                                path: "",
                                region: ctx.region,
                            },
                        },
                        querystring: q < 0 ? "" : url.slice(q + 1),
                        uri: q < 0 ? url : url.slice(0, q),
                    },
                },
            },
        ],
    };
}

/**
 * What the edge function decided: a URI to fetch from the origin, or an answer of its own
 * (a Lambda@Edge function may return a response instead of the request), or its failure,
 * which CloudFront turns into a 502.
 */
export type EdgeDecision = { uri: string } | { answer: HttpAnswer } | { error: string };

export function edgeDecision(invocation: Invocation): EdgeDecision {
    if (!invocation.ok) return { error: `${invocation.errorType}: ${invocation.errorMessage}` };
    const result = invocation.result as any;
    if (result && typeof result === "object" && "status" in result) {
        const headers: Record<string, string[]> = {};
        for (const entries of Object.values(result.headers ?? {}) as Array<Array<{ key: string; value: string }>>) {
            for (const { key, value } of entries) (headers[key] ??= []).push(value);
        }
        return { answer: { status: Number(result.status), headers, body: Buffer.from(String(result.body ?? "")) } };
    }
    if (result && typeof result === "object" && typeof result.uri === "string" && result.uri.startsWith("/"))
        return { uri: result.uri };
    return { error: "the function returned neither a request with a uri nor a response" };
}

/** The published files of a site folder and their bytes, read once (restart to pick up new files). */
export class SiteBucket {
    private readonly files = new Map<string, { body: Buffer; etag: string; type: string; modified: string }>();

    constructor(readonly dir: string) {
        for (const file of siteFiles(dir)) this.load(file);
    }

    private load(file: string) {
        const full = path.join(this.dir, file);
        const body = fs.readFileSync(full);
        this.files.set(file, {
            body,
            etag: `"${createHash("md5").update(body).digest("hex")}"`,
            type: contentType(file),
            modified: fs.statSync(full).mtime.toUTCString(),
        });
    }

    get keys(): string[] {
        return [...this.files.keys()];
    }

    /** GetObject for the key a URI names; re-reads the file so edits show without a restart. */
    get(uri: string): HttpAnswer {
        let key: string;
        try {
            key = decodeURIComponent(uri.replace(/^\//, ""));
        } catch {
            key = uri.replace(/^\//, "");
        }
        if (this.files.has(key) && fs.existsSync(path.join(this.dir, key))) this.load(key);
        const file = this.files.get(key);
        if (!file) {
            const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`;
            return { status: 403, headers: { "Content-Type": ["application/xml"] }, body: Buffer.from(body) };
        }
        return {
            status: 200,
            headers: {
                "Content-Type": [file.type],
                ETag: [file.etag],
                "Last-Modified": [file.modified],
                "Accept-Ranges": ["bytes"],
            },
            body: file.body,
        };
    }
}
