"""Lambda@Edge SPA route rewriting for CloudFront's default (site bucket) behaviour.

Attach to the origin-request event (runs only on cache misses; viewer-request works too,
the event shape is the same). Lambda@Edge allows no environment variables and no extra
files are needed, so the rules live here. They look at `request["uri"]` only:

1. `/api` or anything under `/api/` is returned unchanged. The `/api/*` behaviour goes
   to API Gateway and never runs this function; this guard keeps a misconfigured
   behaviour from turning API calls into the HTML page.
2. A path whose last segment has a file extension (a dot with at least one character
   after it, not as the segment's first character: `/app.js`, `/img/logo.svg`,
   `/index.html`) is returned unchanged: it names a file in the bucket.
3. Every other path (`/`, `/items`, `/items/42/`, `/v1.2/items`, `/.env`, `/file.`)
   becomes `/index.html`, so the single-page app handles the route.

Only `uri` changes. The query string (`request["querystring"]`), method, headers and
origin are passed through untouched.
"""

API_PREFIX = "/api"  # lambdas/contract.json api.basePath; a test keeps the two in step
INDEX = "/index.html"


def has_file_extension(uri):
    last_segment = uri.rsplit("/", 1)[-1]
    dot = last_segment.rfind(".")
    return 0 < dot < len(last_segment) - 1


def rewrite_uri(uri):
    if uri == API_PREFIX or uri.startswith(API_PREFIX + "/"):
        return uri
    if has_file_extension(uri):
        return uri
    return INDEX


def handler(event, _context):
    request = event["Records"][0]["cf"]["request"]
    request["uri"] = rewrite_uri(request["uri"])
    return request
