/**
 * The few AWS calls the dev server makes itself (create the table, stream and bucket; read
 * the stream as the event source mapping does; list and read processed objects), spoken to
 * moto over plain HTTP. No AWS SDK for JavaScript is installed, and these calls need none:
 * DynamoDB and Kinesis speak JSON with an `X-Amz-Target` header, S3 is REST.
 *
 * moto picks the service and region from the credential scope of the Authorization header
 * and checks no signature, so the header carries fake credentials and an empty signature.
 * Only moto on 127.0.0.1 is ever called: the endpoint is the local server's URL.
 */
import * as http from "http";
import * as zlib from "zlib";

export interface AwsEndpoint {
    /** `http://127.0.0.1:<moto port>` */
    url: string;
    region: string;
}

export class AwsCallError extends Error {
    constructor(
        readonly service: string,
        readonly action: string,
        readonly status: number,
        readonly code: string,
        message: string,
    ) {
        super(`${service} ${action} failed (${status} ${code}): ${message}`);
        this.name = "AwsCallError";
    }
}

const FAKE_ACCESS_KEY = "testing";

function authorization(region: string, service: string): string {
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, "");
    return `AWS4-HMAC-SHA256 Credential=${FAKE_ACCESS_KEY}/${day}/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;
}

interface RawResponse {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: Buffer;
}

function request(
    endpoint: AwsEndpoint,
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: Buffer | string,
): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
        const req = http.request(`${endpoint.url}${path}`, { method, headers, timeout: 15_000 }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
                resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
            );
            res.on("error", reject);
        });
        req.on("timeout", () => req.destroy(new Error(`no answer from ${endpoint.url} within 15 s`)));
        req.on("error", reject);
        req.end(body);
    });
}

/** A call to a JSON-protocol service (DynamoDB: JSON 1.0, Kinesis: JSON 1.1). */
export async function awsJson<T = any>(
    endpoint: AwsEndpoint,
    service: "dynamodb" | "kinesis",
    action: string,
    input: object,
): Promise<T> {
    const target = service === "dynamodb" ? `DynamoDB_20120810.${action}` : `Kinesis_20131202.${action}`;
    const res = await request(
        endpoint,
        "POST",
        "/",
        {
            "Content-Type": service === "dynamodb" ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1",
            "X-Amz-Target": target,
            Authorization: authorization(endpoint.region, service),
        },
        JSON.stringify(input),
    );
    const text = res.body.toString("utf8");
    const parsed = text ? JSON.parse(text) : {};
    if (res.status >= 300) {
        const code = String(parsed.__type ?? "Error")
            .split("#")
            .pop()!;
        throw new AwsCallError(service, action, res.status, code, String(parsed.message ?? parsed.Message ?? text));
    }
    return parsed as T;
}

/** A path-style S3 REST call; answers the raw body. */
export async function s3Request(endpoint: AwsEndpoint, method: string, path: string, body?: string): Promise<Buffer> {
    const res = await request(endpoint, method, path, { Authorization: authorization(endpoint.region, "s3") }, body);
    if (res.status >= 300) {
        const text = res.body.toString("utf8");
        const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? "Error";
        const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? text;
        throw new AwsCallError("s3", `${method} ${path}`, res.status, code, message);
    }
    return res.body;
}

const xmlUnescape = (s: string) =>
    s
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&amp;/g, "&");

/** Every key under `prefix` (ListObjectsV2, following continuation tokens). */
export async function listObjectKeys(endpoint: AwsEndpoint, bucket: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
        const query = new URLSearchParams({
            "list-type": "2",
            prefix,
            ...(token ? { "continuation-token": token } : {}),
        });
        const xml = (await s3Request(endpoint, "GET", `/${encodeURIComponent(bucket)}?${query}`)).toString("utf8");
        for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(xmlUnescape(m[1]!));
        const next = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1];
        token = /<IsTruncated>true<\/IsTruncated>/.test(xml) && next ? xmlUnescape(next) : undefined;
    } while (token);
    return keys;
}

/** An object's bytes, gunzipped when they are gzip (the processed objects are). */
export async function readObject(endpoint: AwsEndpoint, bucket: string, key: string): Promise<string> {
    const path = `/${encodeURIComponent(bucket)}/${key.split("/").map(encodeURIComponent).join("/")}`;
    const body = await s3Request(endpoint, "GET", path);
    const gzipped = body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
    return (gzipped ? zlib.gunzipSync(body) : body).toString("utf8");
}
