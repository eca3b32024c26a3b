"""Hypothesis: hostile requests for the API, malformed records for the processor.

Bounded and derandomized (the same examples on every run), with no deadline: these tests
check behaviour, never timing.
"""

import base64
import itertools
import json

import pytest
from conftest import (
    FakeContext,
    api,
    bucket_keys,
    call,
    kinesis_record,
    processor,
    request,
    reset_resources,
    state,
    stored_lines,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HOSTILE = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def seeded(moto_clients):
    """Clean resources with one known item, so id routes also meet an existing item."""
    reset_resources(moto_clients)
    api.reset_clients()
    processor.reset_clients()
    assert call(request("POST", "/api/items", {"id": "seed", "name": "seed"}))[0] == 201
    return moto_clients


# ---------------------------------------------------------------- API

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
json_objects = st.dictionaries(
    st.sampled_from(["name", "description", "id", "version"]) | st.text(max_size=12), json_values, max_size=5
).map(json.dumps)
bodies = st.one_of(
    st.none(),
    st.text(max_size=300),
    json_objects,
    json_values.map(json.dumps),
    st.binary(max_size=200).map(lambda raw: raw.decode("latin-1")),
    st.just("x" * 20000),
    st.just(json.dumps({"name": "n" * 9000})),
    st.just("[" * 5000 + "]" * 5000),
)
body_and_flag = st.one_of(
    st.tuples(bodies, st.booleans()),
    json_objects.map(lambda text: (base64.b64encode(text.encode("utf-8")).decode("ascii"), True)),
    st.binary(max_size=300).map(lambda raw: (base64.b64encode(raw).decode("ascii"), True)),
)
methods = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "get", ""]) | st.text(max_size=8)
paths = st.one_of(
    st.sampled_from(["/api/health", "/api/items", "/api/items/seed", "/api/items/x", "/prod/api/items", "/api", "/"]),
    st.text(max_size=80).map(lambda tail: "/api/items/" + tail),
    st.text(max_size=100),
)
headers = st.none() | st.dictionaries(
    st.sampled_from(["Content-Type", "content-type", "CONTENT-TYPE", "Accept"]) | st.text(max_size=20),
    st.sampled_from(["application/json", "application/json; charset=utf-8", "text/plain", ""]) | st.text(max_size=40),
    max_size=4,
)
queries = st.none() | st.dictionaries(
    st.sampled_from(["limit", "nextToken"]) | st.text(max_size=10), st.text(max_size=40), max_size=3
)


@HOSTILE
@given(method=methods, path=paths, body_flag=body_and_flag, header_map=headers, query=queries)
def test_hostile_requests_get_a_4xx_and_write_nothing(seeded, method, path, body_flag, header_map, query):
    body, is_base64 = body_flag
    event = request(method, path, body, header_map, query)
    event["isBase64Encoded"] = is_base64
    before = state()
    status, answer, response_headers = call(event)
    assert status < 500, answer
    assert response_headers["Content-Type"] == "application/json"
    if status >= 400:
        assert isinstance(answer["message"], str) and answer["message"]
        assert state() == before


# ---------------------------------------------------------------- stream processor

item_ids = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)


@st.composite
def change_events(draw):
    item_id = draw(item_ids)
    version = draw(st.integers(min_value=1, max_value=10**6))
    stamp = "2024-06-10T12:00:00.000Z"
    return {
        "schemaVersion": 1,
        "eventId": draw(st.uuids()).hex,
        "eventType": draw(st.sampled_from(["item.created", "item.updated", "item.deleted"])),
        "itemId": item_id,
        "version": version,
        "occurredAt": stamp,
        "item": {
            "id": item_id,
            "name": draw(st.text(min_size=1, max_size=100)),
            "description": draw(st.text(max_size=100)),
            "version": version,
            "createdAt": stamp,
            "updatedAt": stamp,
        },
    }


@st.composite
def mutated_events(draw):
    """A real event with one field dropped or replaced by any JSON value."""
    event = draw(change_events())
    key = draw(st.sampled_from(sorted(event)))
    if draw(st.booleans()):
        del event[key]
    else:
        event[key] = draw(json_values)
    return event["itemId"] if isinstance(event.get("itemId"), str) else "pk", json.dumps(event).encode("utf-8")


payloads = st.one_of(
    change_events().map(lambda event: (event["itemId"], json.dumps(event).encode("utf-8"))),
    mutated_events(),
    st.tuples(item_ids, st.binary(max_size=200)),
    st.tuples(item_ids, json_values.map(lambda value: json.dumps(value).encode("utf-8"))),
    st.tuples(item_ids, st.text(max_size=100)),  # text that is (mostly) not base64 at all
)
_sequence = itertools.count(10**20)


@HOSTILE
@given(batch=st.lists(payloads, min_size=1, max_size=8))
def test_no_record_is_lost_or_silently_dropped(seeded, batch):
    records = [
        kinesis_record(data, next(_sequence), partition_key, 1718000000.0)
        for partition_key, data in batch
    ]
    assert processor.handler({"Records": records}, FakeContext()) == {"batchItemFailures": []}
    name = f"shardId-000000000000_{records[0]['kinesis']['sequenceNumber']}_{records[-1]['kinesis']['sequenceNumber']}"
    written = {"processed/": [], "errors/": []}
    for prefix in written:
        for key in bucket_keys(f"{prefix}year=2024/month=06/day=10/{name}"):
            written[prefix] += stored_lines(key)
    seen = [line["sequenceNumber"] for lines in written.values() for line in lines]
    assert sorted(seen) == sorted(r["kinesis"]["sequenceNumber"] for r in records)
    for line in written["processed/"]:
        event = {k: v for k, v in line.items() if k != "sequenceNumber"}
        processor.check_event(event, event["itemId"])  # only valid events are filed as processed
    for line in written["errors/"]:
        original = next(r for r in records if r["kinesis"]["sequenceNumber"] == line["sequenceNumber"])
        assert line["data"] == original["kinesis"]["data"] and line["reason"]
