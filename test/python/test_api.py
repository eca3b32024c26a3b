"""The items API handler against moto: routes, validation, conditional writes, events."""

import json

import boto3
import pytest
from conftest import CONTRACT, STREAM, api, call, request, state, stream_records, table_items

pytestmark = pytest.mark.usefixtures("aws")


def create(name="first", **fields):
    status, body, _ = call(request("POST", "/api/items", {"name": name, **fields}))
    assert status == 201, body
    return body


def events():
    return [(key, data) for key, data, _, _ in stream_records()]


# ---------------------------------------------------------------- routing


def test_health_answers_without_touching_the_table():
    status, body, headers = call(request("GET", "/api/health"))
    assert (status, body) == (200, {"status": "ok"})
    assert headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", ["/prod/api/health", "/api/health/"])
def test_stage_prefix_and_trailing_slash_are_tolerated(path):
    assert call(request("GET", path))[0] == 200


@pytest.mark.parametrize(
    "path", ["/api", "/api/", "/api/nothing", "/api/items/a/b", "/items", "/", "", "/api/healthz", "/other/api/items"]
)
def test_unknown_route_is_404(path):
    status, body, headers = call(request("GET", path))
    assert status == 404
    assert "No such route" in body["message"]
    assert headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "method,path,allow",
    [
        ("POST", "/api/health", "GET"),
        ("DELETE", "/api/health", "GET"),
        ("PATCH", "/api/items", "GET, POST"),
        ("PUT", "/api/items", "GET, POST"),
        ("DELETE", "/api/items", "GET, POST"),
        ("POST", "/api/items/abc", "GET, PUT, DELETE"),
        ("PATCH", "/api/items/abc", "GET, PUT, DELETE"),
        ("HEAD", "/api/items", "GET, POST"),
        ("OPTIONS", "/api/items", "GET, POST"),
        ("get", "/api/items", "GET, POST"),
    ],
)
def test_wrong_method_is_405_with_allow(method, path, allow):
    before = state()
    status, body, headers = call(request(method, path, {"name": "x"}))
    assert status == 405
    assert headers["Allow"] == allow
    assert allow in body["message"]
    assert state() == before


# ---------------------------------------------------------------- create


def test_post_creates_the_item_and_publishes_one_event():
    status, body, headers = call(request("POST", "/api/items", {"name": "  Milk  ", "description": "2 litres"}))
    assert status == 201
    assert body["name"] == "Milk"  # surrounding blanks of a name are dropped
    assert body["description"] == "2 litres"
    assert body["version"] == 1
    assert body["createdAt"] == body["updatedAt"] and body["createdAt"].endswith("Z")
    assert headers["Location"] == f"/api/items/{body['id']}"
    assert table_items() == [body]
    [(key, event)] = events()
    assert key == body["id"]
    assert event["eventType"] == "item.created"
    assert event["itemId"] == body["id"] and event["version"] == 1 and event["item"] == body
    assert event["schemaVersion"] == CONTRACT["events"]["schemaVersion"]
    assert set(event) == {"schemaVersion", "eventId", "eventType", "itemId", "version", "occurredAt", "item"}


def test_post_without_description_stores_the_default():
    assert create("plain")["description"] == ""


def test_post_with_a_chosen_id_and_a_conflict_does_not_overwrite():
    first = create("original", id="fixed-id_1")
    assert first["id"] == "fixed-id_1"
    before = state()
    status, body, _ = call(request("POST", "/api/items", {"id": "fixed-id_1", "name": "intruder"}))
    assert status == 409
    assert "already exists" in body["message"]
    assert state() == before


def test_post_accepts_a_base64_body():
    status, body, _ = call(request("POST", "/api/items", {"name": "encoded"}, b64=True))
    assert status == 201 and body["name"] == "encoded"


def test_content_type_with_charset_is_json():
    event = request("POST", "/api/items", json.dumps({"name": "x"}), {"content-type": "application/json; charset=utf-8"})
    assert call(event)[0] == 201


# ---------------------------------------------------------------- validation (no write on rejection)

MAX = CONTRACT["api"]["maxBodyBytes"]
JSON = {"Content-Type": "application/json"}

POST_REJECTIONS = [
    ("missing name", {"description": "x"}, "'name' is required"),
    ("name not a string", {"name": 5}, "'name' must be a string"),
    ("name null", {"name": None}, "'name' must be a string"),
    ("blank name", {"name": "   "}, "'name' must be 1 to 100"),
    ("empty name", {"name": ""}, "'name' must be 1 to 100"),
    ("name too long", {"name": "n" * 101}, "'name' must be 1 to 100"),
    ("name with newline", {"name": "a\nb"}, "control characters"),
    ("name with NUL", {"name": "a\u0000b"}, "control characters"),
    ("description too long", {"name": "a", "description": "d" * 1001}, "'description' must be 0 to 1000"),
    ("description not a string", {"name": "a", "description": ["x"]}, "'description' must be a string"),
    ("description with bell", {"name": "a", "description": "ring\u0007"}, "control characters"),
    ("unknown field", {"name": "a", "colour": "red"}, "Unknown field(s): colour"),
    ("server field", {"name": "a", "version": 3}, "Unknown field(s): version"),
    ("bad id characters", {"name": "a", "id": "no spaces"}, "Field 'id' must be 1 to 64"),
    ("id too long", {"name": "a", "id": "x" * 65}, "Field 'id' must be 1 to 64"),
    ("id not a string", {"name": "a", "id": 7}, "Field 'id' must be 1 to 64"),
    ("array body", ["name"], "must be a JSON object"),
]


@pytest.mark.parametrize("case,body,message", POST_REJECTIONS, ids=[c[0] for c in POST_REJECTIONS])
def test_post_validation_errors_are_400_with_a_message_and_no_write(case, body, message):
    before = state()
    status, answer, headers = call(request("POST", "/api/items", body))
    assert status == 400, answer
    assert message in answer["message"]
    assert answer["requestId"] == "apigw-request-1"
    assert headers["Content-Type"] == "application/json"
    assert state() == before


RAW_REJECTIONS = [
    ("malformed JSON", '{"name": ', JSON, False, 400, "not valid JSON"),
    ("trailing garbage", '{"name": "a"} x', JSON, False, 400, "not valid JSON"),
    ("NaN", '{"name": NaN}', JSON, False, 400, "not valid JSON"),
    ("duplicate key", '{"name": "a", "name": "b"}', JSON, False, 400, "duplicate key 'name'"),
    ("lone surrogate", '{"name": "\\ud800"}', JSON, False, 400, "valid Unicode"),
    ("deep nesting", '{"name": ' + "[" * 100000 + "]" * 100000 + "}", JSON, False, 400, "larger than"),
    ("nested within limit", '{"name": ' + "[" * 4000 + "]" * 4000 + "}", JSON, False, 400, "nested too deeply"),
    ("empty body", "", JSON, False, 400, "body is required"),
    ("no body", None, JSON, False, 400, "body is required"),
    ("blank body", "  \n", JSON, False, 400, "body is required"),
    ("form post", "name=a", {"Content-Type": "application/x-www-form-urlencoded"}, False, 415, "application/json"),
    ("text/plain", '{"name": "a"}', {"Content-Type": "text/plain"}, False, 415, "application/json"),
    ("no content type", '{"name": "a"}', {}, False, 415, "application/json"),
    ("no headers at all", '{"name": "a"}', None, False, 415, "application/json"),
    ("body too large", json.dumps({"name": "a", "description": "d" * MAX}), JSON, False, 400, f"larger than {MAX}"),
    ("multibyte body too large", json.dumps({"name": "a", "description": "é" * MAX}, ensure_ascii=False), JSON, False, 400, "larger than"),
    ("bad base64", "%%%not base64%%%", JSON, True, 400, "not valid base64"),
    ("base64 of invalid UTF-8", "/w==", JSON, True, 400, "UTF-8"),
    ("base64 too large", "QUFB" * (MAX // 3 + 10), JSON, True, 400, "larger than"),
]


@pytest.mark.parametrize(
    "case,body,headers,b64,status,message", RAW_REJECTIONS, ids=[c[0] for c in RAW_REJECTIONS]
)
def test_malformed_bodies_are_rejected_without_a_write(case, body, headers, b64, status, message):
    before = state()
    event = request("POST", "/api/items", body, headers)
    event["isBase64Encoded"] = b64
    got, answer, _ = call(event)
    assert got == status, answer
    assert message in answer["message"]
    assert state() == before


def test_body_at_exactly_the_limit_is_accepted_by_the_size_check():
    padding = MAX - len(json.dumps({"name": "a", "description": ""}))
    body = json.dumps({"name": "a", "description": "d" * padding})
    assert len(body) == MAX
    # Accepted by the size check, then refused by the field rule: the limit is inclusive.
    status, answer, _ = call(request("POST", "/api/items", body, JSON))
    assert status == 400 and "'description' must be" in answer["message"]


@pytest.mark.parametrize("method,path", [("GET", "/api/items"), ("GET", "/api/items/x"), ("DELETE", "/api/items/x")])
def test_requests_that_take_no_body_refuse_one(method, path):
    create("keep", id="x")
    before = state()
    status, answer, _ = call(request(method, path, {"name": "surprise"}))
    assert status == 400 and "takes no body" in answer["message"]
    assert state() == before


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("bad_id", ["has space", "a.b", "x" * 65, "%2e%2e", "é"])
def test_bad_ids_in_the_path_are_400(method, bad_id):
    before = state()
    status, answer, _ = call(request(method, f"/api/items/{bad_id}", {"name": "a", "version": 1} if method == "PUT" else None))
    assert status == 400 and "Item id must be" in answer["message"]
    assert state() == before


@pytest.mark.parametrize("path", ["/api/health", "/api/items/x"])
def test_unknown_query_parameters_are_refused(path):
    status, answer, _ = call(request("GET", path, query={"debug": "1"}))
    assert status == 400 and "Unknown query parameter(s): debug" in answer["message"]


# ---------------------------------------------------------------- read


def test_get_returns_the_item():
    item = create("one")
    status, body, _ = call(request("GET", f"/api/items/{item['id']}"))
    assert (status, body) == (200, item)


def test_get_missing_is_404():
    status, body, _ = call(request("GET", "/api/items/missing"))
    assert status == 404 and "'missing' was not found" in body["message"]


# ---------------------------------------------------------------- list and pagination


def test_list_empty():
    status, body, _ = call(request("GET", "/api/items"))
    assert (status, body) == (200, {"items": []})


def test_pagination_visits_every_item_once():
    created = {create(f"item {n}")["id"] for n in range(7)}
    seen, token, pages = [], None, 0
    while True:
        query = {"limit": "3", **({"nextToken": token} if token else {})}
        status, body, _ = call(request("GET", "/api/items", query=query))
        assert status == 200 and len(body["items"]) <= 3
        seen += [item["id"] for item in body["items"]]
        pages += 1
        token = body.get("nextToken")
        if not token:
            break
    assert sorted(seen) == sorted(created)
    assert pages >= 3


def test_default_limit_comes_from_the_contract():
    for n in range(3):
        create(f"item {n}")
    status, body, _ = call(request("GET", "/api/items"))
    assert status == 200 and len(body["items"]) == 3 and "nextToken" not in body


def _token(payload):
    import base64

    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


@pytest.mark.parametrize(
    "token",
    [
        "not a token",
        "!!!!",
        _token(b"not json"),
        _token(b"[1]"),
        _token(b'{"id": 5}'),
        _token(b'{"id": "bad id"}'),
        _token(b'{"id": "a", "extra": 1}'),
        _token(b'{"pk": "a"}'),
        _token(b"\xff\xfe"),
        "A" * 513,
        "",
    ],
)
def test_invalid_next_token_is_400(token):
    status, body, _ = call(request("GET", "/api/items", query={"nextToken": token}))
    assert status == 400 and "'nextToken' is invalid" in body["message"]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "1.5", "abc", "", "99999", " 5", "١"])
def test_invalid_limit_is_400(limit):
    status, body, _ = call(request("GET", "/api/items", query={"limit": limit}))
    assert status == 400 and "'limit' must be a whole number from 1 to 100" in body["message"]


def test_repeated_query_parameter_is_400():
    event = request("GET", "/api/items", query={"limit": "2"})
    event["multiValueQueryStringParameters"] = {"limit": ["1", "2"]}
    status, body, _ = call(event)
    assert status == 400 and "must be given once" in body["message"]


# ---------------------------------------------------------------- update


def test_put_replaces_fields_bumps_the_version_and_publishes():
    item = create("old", description="old text")
    status, body, _ = call(request("PUT", f"/api/items/{item['id']}", {"name": "new", "version": 1}))
    assert status == 200
    assert body == dict(item, name="new", description="", version=2, updatedAt=body["updatedAt"])
    assert body["createdAt"] == item["createdAt"]
    assert table_items() == [body]
    (_, created), (key, updated) = events()
    assert key == item["id"]
    assert updated["eventType"] == "item.updated" and updated["version"] == 2 and updated["item"] == body
    assert updated["eventId"] != created["eventId"]


def test_put_with_a_stale_version_is_409_and_changes_nothing():
    item = create("v1")
    call(request("PUT", f"/api/items/{item['id']}", {"name": "v2", "version": 1}))
    before = state()
    status, body, _ = call(request("PUT", f"/api/items/{item['id']}", {"name": "lost update", "version": 1}))
    assert status == 409
    assert "current version is 2" in body["message"]
    assert state() == before


def test_put_on_a_missing_item_is_404_and_creates_nothing():
    before = state()
    status, body, _ = call(request("PUT", "/api/items/ghost", {"name": "x", "version": 1}))
    assert status == 404 and "'ghost' was not found" in body["message"]
    assert state() == before


PUT_REJECTIONS = [
    ("missing version", {"name": "a"}, "'version' is required"),
    ("version as text", {"name": "a", "version": "1"}, "'version' must be a whole number"),
    ("version as bool", {"name": "a", "version": True}, "'version' must be a whole number"),
    ("version zero", {"name": "a", "version": 0}, "'version' must be a whole number"),
    ("version fraction", {"name": "a", "version": 1.5}, "'version' must be a whole number"),
    ("version huge", {"name": "a", "version": 2**60}, "'version' must be a whole number"),
    ("id in body", {"name": "a", "version": 1, "id": "x"}, "Unknown field(s): id"),
    ("missing name", {"version": 1}, "'name' is required"),
]


@pytest.mark.parametrize("case,body,message", PUT_REJECTIONS, ids=[c[0] for c in PUT_REJECTIONS])
def test_put_validation_errors_are_400_and_change_nothing(case, body, message):
    item = create("stable")
    before = state()
    status, answer, _ = call(request("PUT", f"/api/items/{item['id']}", body))
    assert status == 400 and message in answer["message"]
    assert state() == before


# ---------------------------------------------------------------- delete


def test_delete_removes_the_item_and_publishes_its_last_state():
    item = create("doomed")
    status, body, _ = call(request("DELETE", f"/api/items/{item['id']}"))
    assert (status, body) == (204, None)
    assert table_items() == []
    (_, _), (key, deleted) = events()
    assert key == item["id"]
    assert deleted["eventType"] == "item.deleted" and deleted["item"] == item and deleted["version"] == 1


def test_delete_missing_is_404_without_an_event():
    before = state()
    status, body, _ = call(request("DELETE", "/api/items/ghost"))
    assert status == 404 and "'ghost' was not found" in body["message"]
    assert state() == before


# ---------------------------------------------------------------- failures: publish, internal errors


def _put_record_fails():
    """Publishing fails the way it does when the stream is unreachable: a ClientError."""
    boto3.client("kinesis").delete_stream(StreamName=STREAM)


def test_publish_failure_on_create_rolls_the_write_back_and_answers_503():
    _put_record_fails()
    status, body, headers = call(request("POST", "/api/items", {"name": "unannounced"}))
    assert status == 503
    assert "not applied" in body["message"] and body["requestId"]
    assert headers["Retry-After"] == "1"
    assert table_items() == []


def test_publish_failure_on_update_restores_the_previous_version():
    item = create("before")
    _put_record_fails()
    status, _, _ = call(request("PUT", f"/api/items/{item['id']}", {"name": "after", "version": 1}))
    assert status == 503
    assert table_items() == [item]


def test_publish_failure_on_delete_restores_the_item():
    item = create("survivor")
    _put_record_fails()
    status, _, _ = call(request("DELETE", f"/api/items/{item['id']}"))
    assert status == 503
    assert table_items() == [item]


def test_publish_and_undo_failure_logs_the_event_for_replay(monkeypatch, capsys):
    _put_record_fails()
    store = api.store()

    def undo_fails(_created):
        raise RuntimeError("table unavailable")

    monkeypatch.setattr(store, "undo_create", undo_fails)
    status, body, _ = call(request("POST", "/api/items", {"name": "orphan"}))
    assert status == 503 and "logged for replay" in body["message"]
    logs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    [critical] = [entry for entry in logs if entry["level"] == "CRITICAL"]
    assert critical["message"] == "change_event_unpublished"
    assert critical["event"]["eventType"] == "item.created"
    assert critical["event"]["item"] == table_items()[0]
    assert critical["requestId"] == "apigw-request-1"


def test_an_internal_error_is_a_generic_500_with_the_request_id(monkeypatch, capsys):
    def explode(*_args):
        raise RuntimeError("secret internal detail: arn:aws:dynamodb:us-west-2:123:table/x")

    monkeypatch.setattr(api.store(), "get", explode)
    status, body, headers = call(request("GET", "/api/items/abc"))
    assert status == 500
    assert body == {"message": "Internal server error", "requestId": "apigw-request-1"}
    assert headers["Content-Type"] == "application/json"
    out = capsys.readouterr().out
    [error] = [json.loads(line) for line in out.splitlines() if '"ERROR"' in line]
    assert "secret internal detail" in error["error"] and "Traceback" in error["stack"]


def test_missing_configuration_is_a_500_not_a_crash(monkeypatch):
    monkeypatch.delenv(CONTRACT["environment"]["api"]["tableName"])
    api.reset_clients()
    status, body, _ = call(request("GET", "/api/items"))
    assert status == 500 and body["message"] == "Internal server error"


def test_every_log_line_is_one_json_object_with_the_request_id(capsys):
    create("logged")
    call(request("GET", "/api/nowhere"))
    lines = capsys.readouterr().out.splitlines()
    assert lines
    for line in lines:
        entry = json.loads(line)
        assert entry["requestId"] == "apigw-request-1"
        assert entry["awsRequestId"] == "lambda-request-1"
        assert entry["level"] in {"INFO", "WARNING", "ERROR", "CRITICAL"}
    assert {"status": 404} .items() <= json.loads(lines[-1]).items()


def test_request_id_falls_back_to_the_lambda_one():
    event = request("GET", "/api/nowhere")
    event["requestContext"] = None
    assert call(event)[1]["requestId"] == "lambda-request-1"
