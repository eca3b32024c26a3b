"""Items API: the Lambda behind API Gateway's REST proxy integration (`/api/{proxy+}`).

Routes (on `event["path"]`, with a leading `/<stage>` tolerated):
  GET    /api/health       200 {"status": "ok"}
  GET    /api/items        200 {"items": [...], "nextToken"?}   ?limit=1..100&nextToken=...
  POST   /api/items        201 item, Location header            409 if the chosen id exists
  GET    /api/items/{id}   200 item                             404
  PUT    /api/items/{id}   200 item (version + 1)               404, 409 on a stale version
  DELETE /api/items/{id}   204                                  404
Every request must carry the origin-verify header (contract `api.originVerifyHeader`) with the
value in ORIGIN_VERIFY, or it gets 403 before any route runs: the stage's web ACL checks the
same header, and this check holds when that ACL is missing or detached. Unknown path 404; known path, other method 405 with `Allow`; bad input 400 (415 for a
non-JSON Content-Type); every error body is {"message", "requestId"}; an unexpected
failure is a generic 500 whose details go to the log only.

Each change publishes one event to Kinesis after the DynamoDB write. If publishing
fails the write is undone and the caller gets 503 (nothing changed, retry); if the undo
fails too the event is logged whole as `change_event_unpublished` for replay. Why: a
change that downstream never hears of is worse than a refused request. lambdas/README.md.

Environment: TABLE_NAME, STREAM_NAME, ORIGIN_VERIFY (names in lambdas/contract.json).
"""

import datetime
import hmac
import json
import os
import re
import sys
import time
import traceback
import uuid
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from store import ItemExists, ItemNotFound, ItemStore, VersionMismatch
from validation import HttpError, ItemRules, query_params, read_json_object, require_no_body

# The contract is packaged next to this file; in the repository it sits one folder up.
_HERE = Path(__file__).resolve().parent
CONTRACT = json.loads(
    next(p for p in (_HERE / "contract.json", _HERE.parent / "contract.json") if p.is_file()).read_text("utf-8")
)
RULES = ItemRules(CONTRACT)
MAX_BODY = CONTRACT["api"]["maxBodyBytes"]
ENV = CONTRACT["environment"]["api"]
EVENTS = CONTRACT["events"]
ORIGIN_VERIFY_HEADER = CONTRACT["api"]["originVerifyHeader"].lower()

# API Gateway gives up after 29 s: a few quick retries beat one slow hang.
_BOTO_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)
_store = None
_log_context = {}


def log(level, message, **fields):
    """One JSON object per line on stdout, which Lambda ships to CloudWatch Logs."""
    record = {"level": level, "message": message, **_log_context, **fields}
    sys.stdout.write(json.dumps(record, default=str, separators=(",", ":")) + "\n")


def store():
    """Clients are made once per container (cold start), not per request."""
    global _store
    if _store is None:
        table = boto3.resource("dynamodb", config=_BOTO_CONFIG).Table(os.environ[ENV["tableName"]])
        kinesis = boto3.client("kinesis", config=_BOTO_CONFIG)
        _store = ItemStore(table, kinesis, os.environ[ENV["streamName"]])
    return _store


def reset_clients():
    """For tests and the local dev server: forget clients made under other settings."""
    global _store
    _store = None


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def response(status, body=None, headers=None):
    base = {
        "Content-Type": "application/json",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return {
        "statusCode": status,
        "headers": {**base, **(headers or {})},
        "body": "" if body is None else json.dumps(body, separators=(",", ":")),
        "isBase64Encoded": False,
    }


# ---------------------------------------------------------------- change events


def _publish_or_undo(event_type, snapshot, undo):
    """Publish the change event; if that fails, undo the write and refuse the request."""
    event = {
        "schemaVersion": EVENTS["schemaVersion"],
        "eventId": str(uuid.uuid4()),
        "eventType": event_type,
        "itemId": snapshot["id"],
        "version": snapshot["version"],
        "occurredAt": _now(),
        "item": snapshot,
    }
    try:
        store().publish(event)
    except (BotoCoreError, ClientError) as err:
        log("ERROR", "change event publish failed", error=repr(err), eventType=event_type, itemId=snapshot["id"])
        try:
            undo()
        except Exception as undo_err:  # noqa: BLE001 - any failure here must end in the log line below
            log("CRITICAL", "change_event_unpublished", error=repr(undo_err), event=event)
            raise HttpError(
                503,
                "The change was saved but could not be announced to downstream systems; "
                "it has been logged for replay. Quote the request id if you contact support.",
            ) from None
        log("WARNING", "change rolled back after publish failure", itemId=snapshot["id"])
        raise HttpError(503, "The change could not be recorded and was not applied; try again.",
                        {"Retry-After": "1"}) from None
    log("INFO", "change event published", eventType=event_type, itemId=snapshot["id"], eventId=event["eventId"])


# ---------------------------------------------------------------- routes


def health(event, _item_id):
    require_no_body(event, MAX_BODY)
    query_params(event, set())
    return response(200, {"status": "ok"})


def list_items(event, _item_id):
    require_no_body(event, MAX_BODY)
    params = query_params(event, {"limit", "nextToken"})
    limit = RULES.limit(params.get("limit"))
    start = RULES.decode_token(params.get("nextToken"))
    items, last_key = store().page(limit, start)
    body = {"items": items}
    if last_key:
        body["nextToken"] = RULES.encode_token(last_key)
    return response(200, body)


def create_item(event, _item_id):
    query_params(event, set())
    item_id, fields = RULES.new_item(read_json_object(event, MAX_BODY))
    now = _now()
    record = {"id": item_id or str(uuid.uuid4()), **fields, "version": 1, "createdAt": now, "updatedAt": now}
    try:
        created = store().create(record)
    except ItemExists:
        raise HttpError(409, f"An item with id '{record['id']}' already exists") from None
    _publish_or_undo("item.created", created, lambda: store().undo_create(created))
    return response(201, created, {"Location": f"{CONTRACT['api']['basePath']}/items/{created['id']}"})


def get_item(event, item_id):
    require_no_body(event, MAX_BODY)
    query_params(event, set())
    found = store().get(item_id)
    if found is None:
        raise HttpError(404, f"Item '{item_id}' was not found")
    return response(200, found)


def update_item(event, item_id):
    query_params(event, set())
    fields, expected = RULES.replacement(read_json_object(event, MAX_BODY))
    try:
        before, after = store().update(item_id, fields, expected, _now())
    except ItemNotFound:
        raise HttpError(404, f"Item '{item_id}' was not found") from None
    except VersionMismatch as err:
        raise HttpError(
            409,
            f"Item '{item_id}' has changed since you read it (version {expected}); "
            f"its current version is {err.current_version}. Reload it and try again.",
        ) from None
    _publish_or_undo("item.updated", after, lambda: store().undo_update(before, after))
    return response(200, after)


def delete_item(event, item_id):
    require_no_body(event, MAX_BODY)
    query_params(event, set())
    try:
        before = store().delete(item_id)
    except ItemNotFound:
        raise HttpError(404, f"Item '{item_id}' was not found") from None
    _publish_or_undo("item.deleted", before, lambda: store().undo_delete(before))
    return response(204)


_BASE = re.escape(CONTRACT["api"]["basePath"])
ROUTES = [
    (re.compile(rf"{_BASE}/health"), {"GET": health}),
    (re.compile(rf"{_BASE}/items"), {"GET": list_items, "POST": create_item}),
    (re.compile(rf"{_BASE}/items/(?P<id>[^/]+)"), {"GET": get_item, "PUT": update_item, "DELETE": delete_item}),
]


def _request_context(event):
    context = event.get("requestContext")
    return context if isinstance(context, dict) else {}


def _route_path(event):
    """The path without a leading `/<stage>` (custom domains) and without one trailing slash."""
    path = event.get("path")
    if not isinstance(path, str):
        return ""
    stage = _request_context(event).get("stage")
    base = CONTRACT["api"]["basePath"]
    if isinstance(stage, str) and stage and not path.startswith(base + "/") and path.startswith(f"/{stage}/"):
        path = path[len(stage) + 1:]
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    return path


def _header_values(event, name):
    """Every value of header `name` (any case) in both of the proxy event's header maps."""
    values = []
    for key in ("multiValueHeaders", "headers"):
        headers = event.get(key)
        if not isinstance(headers, dict):
            continue
        for header, value in headers.items():
            if isinstance(header, str) and header.lower() == name:
                values.extend(value if isinstance(value, list) else [value])
    return values


def require_origin_verify(event):
    """403 unless every origin-verify value sent equals the configured one (constant time).

    An unset or empty ORIGIN_VERIFY refuses everything: a missing setting must close the
    API, never open it.
    """
    expected = os.environ.get(ENV["originVerify"], "")
    if not expected:
        log("ERROR", "origin-verify value not configured", variable=ENV["originVerify"])
        raise HttpError(403, "Forbidden")
    sent = _header_values(event, ORIGIN_VERIFY_HEADER)
    expected_bytes = expected.encode("utf-8")
    ok = bool(sent)
    for value in sent:
        candidate = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else b""
        # compare_digest on bytes takes time independent of where the values differ.
        ok = hmac.compare_digest(candidate, expected_bytes) and ok
    if not ok:
        raise HttpError(403, "Forbidden")


def dispatch(event):
    require_origin_verify(event)
    path = _route_path(event)
    method = event.get("httpMethod")
    for pattern, methods in ROUTES:
        match = pattern.fullmatch(path)
        if not match:
            continue
        route = methods.get(method) if isinstance(method, str) else None
        if route is None:
            allow = ", ".join(methods)
            raise HttpError(405, f"Method not allowed here; allowed: {allow}", {"Allow": allow})
        item_id = RULES.item_id(match.group("id")) if "id" in pattern.groupindex else None
        return route(event, item_id)
    raise HttpError(404, "No such route: see /api/items and /api/health")


def handler(event, context):
    started = time.monotonic()
    if not isinstance(event, dict):
        event = {}
    request_id = _request_context(event).get("requestId") or getattr(context, "aws_request_id", None) or str(uuid.uuid4())
    _log_context.clear()
    _log_context.update(requestId=request_id, awsRequestId=getattr(context, "aws_request_id", None))
    try:
        result = dispatch(event)
    except HttpError as err:
        result = response(err.status, {"message": err.message, "requestId": request_id}, err.headers)
    except Exception as err:  # noqa: BLE001 - the one place that turns any failure into a 500
        log("ERROR", "unhandled error", error=repr(err), stack=traceback.format_exc())
        result = response(500, {"message": "Internal server error", "requestId": request_id})
    log(
        "INFO",
        "request",
        method=str(event.get("httpMethod"))[:16],
        path=str(event.get("path"))[:256],
        status=result["statusCode"],
        durationMs=round((time.monotonic() - started) * 1000, 1),
    )
    return result
