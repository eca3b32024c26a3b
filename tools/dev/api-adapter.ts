/**
 * `/api/*` as production runs it: CloudFront's `/api/*` behaviour forwards the request to
 * the REST API's stage (every viewer header but Host), API Gateway's `/api/{proxy+}` Lambda
 * proxy integration turns it into the version 1.0 event, and the function's answer becomes
 * the HTTP response. Both directions are pure functions here, so a unit test pins the
 * event's shape without a server.
 *
 * What API Gateway does and this mirrors (REST API, Lambda proxy integration):
 * - `headers` keeps the last value of each header, `multiValueHeaders` all of them, in the
 *   case the client sent; `queryStringParameters` the last value of each key (decoded),
 *   `multiValueQueryStringParameters` all; both are null without a query string.
 * - `path` is the resource path as requested (no stage); `pathParameters.proxy` is the
 *   decoded rest of the path after `/api/`; `/api/` alone matches no resource (403
 *   "Missing Authentication Token", as API Gateway answers for an unknown path).
 * - `body` is the request body as text, null when empty; the API has no binary media
 *   types, so `isBase64Encoded` is false.
 * - The answer must be an object with a numeric statusCode; anything else (or a function
 *   error) is a 502 `{"message": "Internal server error"}`; no answer within the 29 s
 *   integration timeout is a 504. `headers` and `multiValueHeaders` are merged (a header
 *   in both keeps the multi-value list), `isBase64Encoded` bodies are decoded.
 */
import { randomUUID } from "crypto";
import type { Invocation } from "./lambda-bridge";

export const PROXY_RESOURCE = "/api/{proxy+}";
/** API Gateway's hard limit for a REST integration (29 s, the program's integration timeout). */
export const INTEGRATION_TIMEOUT_SECONDS = 29;

/** A viewer request as the dev server received it. */
export interface ViewerRequest {
    method: string;
    /** Path and query string as sent (still percent-encoded). */
    url: string;
    /** Node's rawHeaders: [name, value, name, value, ...] in the client's case and order. */
    rawHeaders: string[];
    body: Buffer;
    sourceIp: string;
}

export interface ApiContext {
    basePath: string;
    stage: string;
    region: string;
    accountId: string;
    apiId: string;
    requestId: string;
    /** Epoch milliseconds of the request. */
    now: number;
    /** The origin custom header CloudFront adds on `/api/*` (replacing any a viewer sent). */
    originVerify?: { header: string; value: string };
}

export interface ProxyEventV1 {
    resource: string;
    path: string;
    httpMethod: string;
    headers: Record<string, string> | null;
    multiValueHeaders: Record<string, string[]> | null;
    queryStringParameters: Record<string, string> | null;
    multiValueQueryStringParameters: Record<string, string[]> | null;
    pathParameters: { proxy: string } | null;
    stageVariables: null;
    requestContext: Record<string, unknown>;
    body: string | null;
    isBase64Encoded: boolean;
}

/** Hop-by-hop headers end at the first proxy (CloudFront); Host is replaced (AllViewerExceptHostHeader). */
const NOT_FORWARDED = new Set([
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
    "te",
    "host",
]);

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `25/Nov/2025:14:46:00 +0000`, API Gateway's requestTime format. */
export function requestTime(epochMs: number): string {
    const d = new Date(epochMs);
    const two = (n: number) => String(n).padStart(2, "0");
    return (
        `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
        `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
    );
}

function decodeComponent(s: string): string {
    try {
        return decodeURIComponent(s.replace(/\+/g, " "));
    } catch {
        return s; // a malformed escape stays as sent rather than failing the request
    }
}

/** The rest of the path after `<basePath>/`, or undefined when the request is not for the API. */
export function proxyPath(url: string, basePath: string): string | undefined {
    const path = url.split("?", 1)[0]!;
    return path.startsWith(`${basePath}/`) ? path.slice(basePath.length + 1) : undefined;
}

export function buildProxyEvent(req: ViewerRequest, ctx: ApiContext): ProxyEventV1 {
    const [path, query] = splitUrl(req.url);
    const proxy = proxyPath(req.url, ctx.basePath) ?? "";
    const domainName = `${ctx.apiId}.execute-api.${ctx.region}.amazonaws.com`;

    const multiValueHeaders: Record<string, string[]> = {};
    const caseOf: Record<string, string> = {};
    const add = (name: string, value: string) => {
        const lower = name.toLowerCase();
        const key = (caseOf[lower] ??= name);
        (multiValueHeaders[key] ??= []).push(value);
    };
    const originHeader = ctx.originVerify?.header.toLowerCase();
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        const lower = name.toLowerCase();
        // CloudFront overwrites a viewer's header of the same name as an origin custom header.
        if (!NOT_FORWARDED.has(lower) && lower !== originHeader) add(name, req.rawHeaders[i + 1]!);
    }
    // What CloudFront and API Gateway add on the way; the handler checks the origin-verify
    // header as the stage's web ACL does.
    if (ctx.originVerify) add(ctx.originVerify.header, ctx.originVerify.value);
    add("Host", domainName);
    add("X-Forwarded-For", req.sourceIp);
    add("X-Forwarded-Port", "443");
    add("X-Forwarded-Proto", "https");
    add(
        "X-Amzn-Trace-Id",
        `Root=1-${Math.floor(ctx.now / 1000).toString(16)}-${ctx.requestId.replace(/-/g, "").slice(0, 24)}`,
    );
    const headers = Object.fromEntries(Object.entries(multiValueHeaders).map(([k, v]) => [k, v[v.length - 1]!]));

    let queryStringParameters: Record<string, string> | null = null;
    let multiValueQueryStringParameters: Record<string, string[]> | null = null;
    if (query) {
        multiValueQueryStringParameters = {};
        for (const pair of query.split("&")) {
            if (!pair) continue;
            const eq = pair.indexOf("=");
            const key = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
            const value = eq < 0 ? "" : decodeComponent(pair.slice(eq + 1));
            (multiValueQueryStringParameters[key] ??= []).push(value);
        }
        queryStringParameters = Object.fromEntries(
            Object.entries(multiValueQueryStringParameters).map(([k, v]) => [k, v[v.length - 1]!]),
        );
        if (Object.keys(queryStringParameters).length === 0) {
            queryStringParameters = null;
            multiValueQueryStringParameters = null;
        }
    }

    const userAgent = headers[caseOf["user-agent"] ?? "User-Agent"] ?? null;
    return {
        resource: PROXY_RESOURCE,
        path,
        httpMethod: req.method,
        headers,
        multiValueHeaders,
        queryStringParameters,
        multiValueQueryStringParameters,
        pathParameters: { proxy: proxy.split("/").map(decodeComponent).join("/") },
        stageVariables: null,
        requestContext: {
            resourceId: "local0",
            resourcePath: PROXY_RESOURCE,
            httpMethod: req.method,
            extendedRequestId: ctx.requestId.slice(0, 16),
            requestTime: requestTime(ctx.now),
            path: `/${ctx.stage}${path}`,
            accountId: ctx.accountId,
            protocol: "HTTP/1.1",
            stage: ctx.stage,
            domainPrefix: ctx.apiId,
            requestTimeEpoch: ctx.now,
            requestId: ctx.requestId,
            identity: {
                cognitoIdentityPoolId: null,
                accountId: null,
                cognitoIdentityId: null,
                caller: null,
                sourceIp: req.sourceIp,
                principalOrgId: null,
                accessKey: null,
                cognitoAuthenticationType: null,
                cognitoAuthenticationProvider: null,
                userArn: null,
                userAgent,
                user: null,
            },
            domainName,
            deploymentId: "local0",
            apiId: ctx.apiId,
        },
        body: req.body.length > 0 ? req.body.toString("utf8") : null,
        isBase64Encoded: false,
    };
}

function splitUrl(url: string): [string, string] {
    const q = url.indexOf("?");
    return q < 0 ? [url, ""] : [url.slice(0, q), url.slice(q + 1)];
}

export interface HttpAnswer {
    status: number;
    /** Header name -> values, in the case the function gave. */
    headers: Record<string, string[]>;
    body: Buffer;
}

const gatewayError = (status: number, message: string, errorType: string, requestId: string): HttpAnswer => ({
    status,
    headers: {
        "Content-Type": ["application/json"],
        "x-amzn-ErrorType": [errorType],
        "x-amzn-RequestId": [requestId],
    },
    body: Buffer.from(JSON.stringify({ message })),
});

/** The 403 API Gateway gives for a path no resource matches (here: `/api/` alone). */
export function missingResource(requestId: string): HttpAnswer {
    return gatewayError(403, "Missing Authentication Token", "MissingAuthenticationTokenException", requestId);
}

/**
 * The HTTP answer for an invocation, or a reason why the answer is a 502: the reason is
 * what API Gateway writes to its execution log, and the dev server logs it.
 */
export function proxyResponse(invocation: Invocation, requestId: string): { answer: HttpAnswer; problem?: string } {
    if (!invocation.ok) {
        if (invocation.errorType === "Sandbox.Timedout") {
            return {
                answer: gatewayError(504, "Endpoint request timed out", "InternalServerErrorException", requestId),
                problem: invocation.errorMessage,
            };
        }
        return {
            answer: gatewayError(502, "Internal server error", "InternalServerErrorException", requestId),
            problem: `Lambda function error: ${invocation.errorType}: ${invocation.errorMessage}`,
        };
    }
    const result = invocation.result as any;
    const malformed = (why: string) => ({
        answer: gatewayError(502, "Internal server error", "InternalServerErrorException", requestId),
        problem: `Execution failed due to configuration error: Malformed Lambda proxy response (${why})`,
    });
    if (!result || typeof result !== "object" || Array.isArray(result)) return malformed("not a JSON object");
    const status = Number(result.statusCode);
    if (!Number.isInteger(status) || status < 100 || status > 599) return malformed("statusCode is not an HTTP status");
    const known = new Set(["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"]);
    const extra = Object.keys(result).filter((k) => !known.has(k));
    if (extra.length) return malformed(`unexpected fields ${extra.join(", ")}`);

    const headers: Record<string, string[]> = {};
    const caseOf: Record<string, string> = {};
    const keyFor = (name: string) => (caseOf[name.toLowerCase()] ??= name);
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
        if (!Array.isArray(values)) return malformed(`multiValueHeaders.${name} is not a list`);
        (headers[keyFor(name)] ??= []).push(...values.map(String));
    }
    for (const [name, value] of Object.entries(result.headers ?? {})) {
        const key = keyFor(name);
        // A header in both keeps the multi-value list only.
        if (!(key in headers)) headers[key] = [String(value)];
    }
    if (result.body !== undefined && result.body !== null && typeof result.body !== "string") {
        return malformed("body is not a string");
    }
    const text: string = result.body ?? "";
    const body = result.isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text, "utf8");
    headers[keyFor("x-amzn-RequestId")] ??= [requestId];
    return { answer: { status, headers, body } };
}

/** An id in the shape of a REST API id (10 lower-case letters and digits), fixed per run. */
export function localApiId(): string {
    return randomUUID().replace(/-/g, "").slice(0, 10);
}
