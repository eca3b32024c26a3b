import { expect } from "chai";
import {
    ApiContext,
    buildProxyEvent,
    missingResource,
    PROXY_RESOURCE,
    proxyPath,
    proxyResponse,
    requestTime,
    ViewerRequest,
} from "../../tools/dev/api-adapter";

const ctx: ApiContext = {
    basePath: "/api",
    stage: "local",
    region: "us-west-2",
    accountId: "123456789012",
    apiId: "abc123defg",
    requestId: "5f3c2a1e-0000-4000-8000-000000000001",
    now: Date.UTC(2025, 10, 25, 14, 46, 5, 123),
};

const request = (over: Partial<ViewerRequest> = {}): ViewerRequest => ({
    method: "GET",
    url: "/api/items",
    rawHeaders: ["Host", "127.0.0.1:8080", "Accept", "application/json", "User-Agent", "test-agent/1.0"],
    body: Buffer.alloc(0),
    sourceIp: "127.0.0.1",
    ...over,
});

describe("dev server: API Gateway REST proxy event (v1)", () => {
    it("builds the v1 event of a GET without query string", () => {
        const event = buildProxyEvent(request(), ctx);
        expect(event.resource).to.equal(PROXY_RESOURCE);
        expect(event.resource).to.equal("/api/{proxy+}");
        expect(event.path).to.equal("/api/items");
        expect(event.httpMethod).to.equal("GET");
        expect(event.pathParameters).to.deep.equal({ proxy: "items" });
        expect(event.queryStringParameters).to.equal(null);
        expect(event.multiValueQueryStringParameters).to.equal(null);
        expect(event.stageVariables).to.equal(null);
        expect(event.body).to.equal(null);
        expect(event.isBase64Encoded).to.equal(false);
    });

    it("fills requestContext as API Gateway does", () => {
        const rc = buildProxyEvent(request(), ctx).requestContext as any;
        expect(rc.requestId).to.equal(ctx.requestId);
        expect(rc.stage).to.equal("local");
        expect(rc.resourcePath).to.equal("/api/{proxy+}");
        expect(rc.httpMethod).to.equal("GET");
        expect(rc.path).to.equal("/local/api/items");
        expect(rc.accountId).to.equal("123456789012");
        expect(rc.apiId).to.equal("abc123defg");
        expect(rc.domainName).to.equal("abc123defg.execute-api.us-west-2.amazonaws.com");
        expect(rc.protocol).to.equal("HTTP/1.1");
        expect(rc.requestTimeEpoch).to.equal(ctx.now);
        expect(rc.requestTime).to.equal("25/Nov/2025:14:46:05 +0000");
        expect(rc.identity.sourceIp).to.equal("127.0.0.1");
        expect(rc.identity.userAgent).to.equal("test-agent/1.0");
        expect(rc.identity.accessKey).to.equal(null);
    });

    it("keeps header case, the last value in headers and every value in multiValueHeaders; replaces Host", () => {
        const event = buildProxyEvent(
            request({
                rawHeaders: [
                    "Host",
                    "127.0.0.1:8080",
                    "X-Custom",
                    "one",
                    "x-custom",
                    "two",
                    "Connection",
                    "keep-alive",
                    "Content-Type",
                    "application/json",
                ],
            }),
            ctx,
        );
        expect(event.multiValueHeaders!["X-Custom"]).to.deep.equal(["one", "two"]);
        expect(event.headers!["X-Custom"]).to.equal("two");
        expect(event.headers!["Content-Type"]).to.equal("application/json");
        expect(event.headers!["Host"]).to.equal("abc123defg.execute-api.us-west-2.amazonaws.com");
        expect(event.multiValueHeaders!["Host"]).to.deep.equal(["abc123defg.execute-api.us-west-2.amazonaws.com"]);
        expect(event.headers!["X-Forwarded-For"]).to.equal("127.0.0.1");
        expect(event.headers!["X-Forwarded-Proto"]).to.equal("https");
        expect(Object.keys(event.headers!).map((h) => h.toLowerCase())).not.to.include("connection");
    });

    it("adds the origin-verify header as CloudFront does, replacing one a viewer sent", () => {
        const originVerify = { header: "x-origin-verify", value: "the-secret" };
        const event = buildProxyEvent(
            request({
                rawHeaders: ["X-Origin-Verify", "forged", "Accept", "application/json"],
            }),
            { ...ctx, originVerify },
        );
        expect(event.multiValueHeaders!["x-origin-verify"]).to.deep.equal(["the-secret"]);
        expect(Object.keys(event.headers!).filter((h) => h.toLowerCase() === "x-origin-verify")).to.deep.equal([
            "x-origin-verify",
        ]);
        const without = buildProxyEvent(request(), ctx);
        expect(Object.keys(without.headers!).map((h) => h.toLowerCase())).not.to.include("x-origin-verify");
    });

    it("decodes query parameters: last value single, all values multi", () => {
        const event = buildProxyEvent(request({ url: "/api/items?limit=5&tag=a%20b&tag=c&flag&q=x+y" }), ctx);
        expect(event.path).to.equal("/api/items");
        expect(event.queryStringParameters).to.deep.equal({ limit: "5", tag: "c", flag: "", q: "x y" });
        expect(event.multiValueQueryStringParameters).to.deep.equal({
            limit: ["5"],
            tag: ["a b", "c"],
            flag: [""],
            q: ["x y"],
        });
    });

    it("passes the body as text and the decoded proxy path for an item", () => {
        const body = JSON.stringify({ name: "Zoë" });
        const event = buildProxyEvent(
            request({ method: "PUT", url: "/api/items/a%2Db", body: Buffer.from(body) }),
            ctx,
        );
        expect(event.body).to.equal(body);
        expect(event.isBase64Encoded).to.equal(false);
        expect(event.path).to.equal("/api/items/a%2Db");
        expect(event.pathParameters).to.deep.equal({ proxy: "items/a-b" });
        expect(event.httpMethod).to.equal("PUT");
    });

    it("routes only paths under the base path", () => {
        expect(proxyPath("/api/items?x=1", "/api")).to.equal("items");
        expect(proxyPath("/api/", "/api")).to.equal("");
        expect(proxyPath("/api", "/api")).to.equal(undefined);
        expect(proxyPath("/apix/items", "/api")).to.equal(undefined);
        expect(proxyPath("/items/42", "/api")).to.equal(undefined);
        expect(missingResource("r").status).to.equal(403);
    });

    it("formats requestTime with two-digit days", () => {
        expect(requestTime(Date.UTC(2024, 0, 2, 3, 4, 5))).to.equal("02/Jan/2024:03:04:05 +0000");
    });
});

describe("dev server: the function's answer becomes the HTTP response", () => {
    const ok = (result: unknown) => proxyResponse({ ok: true, result, requestId: "r1" }, "r1");

    it("passes status, headers and body through unchanged", () => {
        const { answer, problem } = ok({
            statusCode: 201,
            headers: { "Content-Type": "application/json", Location: "/api/items/1" },
            body: '{"id":"1"}',
            isBase64Encoded: false,
        });
        expect(problem).to.equal(undefined);
        expect(answer.status).to.equal(201);
        expect(answer.headers["Content-Type"]).to.deep.equal(["application/json"]);
        expect(answer.headers["Location"]).to.deep.equal(["/api/items/1"]);
        expect(answer.body.toString()).to.equal('{"id":"1"}');
    });

    it("merges multiValueHeaders over headers and decodes base64 bodies", () => {
        const { answer } = ok({
            statusCode: 200,
            headers: { "Set-Cookie": "ignored", Allow: "GET" },
            multiValueHeaders: { "Set-Cookie": ["a=1", "b=2"] },
            body: Buffer.from("bytes").toString("base64"),
            isBase64Encoded: true,
        });
        expect(answer.headers["Set-Cookie"]).to.deep.equal(["a=1", "b=2"]);
        expect(answer.headers["Allow"]).to.deep.equal(["GET"]);
        expect(answer.body.toString()).to.equal("bytes");
    });

    it("answers 502 for a function error or a malformed answer, 504 for a timeout", () => {
        const error = proxyResponse({ ok: false, errorType: "KeyError", errorMessage: "'x'", requestId: "r1" }, "r1");
        expect(error.answer.status).to.equal(502);
        expect(JSON.parse(error.answer.body.toString())).to.deep.equal({ message: "Internal server error" });
        expect(error.problem).to.match(/KeyError/);
        expect(ok("just a string").answer.status).to.equal(502);
        expect(ok({ statusCode: "abc" }).answer.status).to.equal(502);
        expect(ok({ statusCode: 200, body: { not: "a string" } }).answer.status).to.equal(502);
        expect(ok({ statusCode: 200, extra: 1 }).problem).to.match(/Malformed Lambda proxy response/);
        const timeout = proxyResponse(
            { ok: false, errorType: "Sandbox.Timedout", errorMessage: "Task timed out", requestId: "r1" },
            "r1",
        );
        expect(timeout.answer.status).to.equal(504);
    });
});
