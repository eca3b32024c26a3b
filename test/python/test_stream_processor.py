"""The stream processor against moto S3: batching, idempotent keys, errors/, partial failures."""

import datetime

import pytest
from botocore.exceptions import ClientError
from conftest import (
    BUCKET,
    CONTRACT,
    FakeContext,
    bucket_keys,
    call,
    kinesis_event_from_stream,
    kinesis_record,
    processor,
    request,
    stored_lines,
)

pytestmark = pytest.mark.usefixtures("aws")

ARRIVAL = datetime.datetime(2024, 6, 10, 23, 59, 59, tzinfo=datetime.timezone.utc).timestamp()
DAY = "year=2024/month=06/day=10"


def change_event(item_id="item-1", version=1, event_type="item.created", **overrides):
    item = {
        "id": item_id,
        "name": "thing",
        "description": "",
        "version": version,
        "createdAt": "2024-06-10T23:59:58.000Z",
        "updatedAt": "2024-06-10T23:59:58.000Z",
    }
    event = {
        "schemaVersion": 1,
        "eventId": f"evt-{item_id}-{version}",
        "eventType": event_type,
        "itemId": item_id,
        "version": version,
        "occurredAt": "2024-06-10T23:59:58.500Z",
        "item": item,
    }
    event.update(overrides)
    return event


def run(records):
    return processor.handler({"Records": records}, FakeContext())


def good_batch(count=3, first=100):
    return [
        kinesis_record(change_event(f"item-{n}"), first + n, f"item-{n}", ARRIVAL + n) for n in range(count)
    ]


def test_a_good_batch_becomes_one_gzip_json_lines_object_at_the_batch_key():
    records = good_batch(3)
    assert run(records) == {"batchItemFailures": []}
    key = f"processed/{DAY}/shardId-000000000000_100_102.jsonl.gz"
    assert bucket_keys() == [key]
    lines = stored_lines(key)
    assert [line["itemId"] for line in lines] == ["item-0", "item-1", "item-2"]
    assert [line["sequenceNumber"] for line in lines] == ["100", "101", "102"]
    assert lines[0] == dict(change_event("item-0"), sequenceNumber="100")
    head = processor.s3().head_object(Bucket=BUCKET, Key=key)
    assert head["ContentType"] == CONTRACT["processed"]["contentType"]
    assert head["ContentEncoding"] == "gzip"


def test_the_date_partition_comes_from_the_first_record_not_the_clock():
    # Records straddle midnight UTC: the whole batch is filed under the first one's day.
    run(good_batch(3))
    assert bucket_keys()[0].startswith(f"processed/{DAY}/")


def test_a_retried_batch_rewrites_the_same_object_byte_for_byte():
    records = good_batch(4)
    run(records)
    [key] = bucket_keys()
    first_tag = processor.s3().head_object(Bucket=BUCKET, Key=key)["ETag"]
    assert run(records) == {"batchItemFailures": []}
    assert bucket_keys() == [key]
    assert processor.s3().head_object(Bucket=BUCKET, Key=key)["ETag"] == first_tag


MALFORMED = [
    ("not base64", "@@@not-base64@@@"),
    ("not UTF-8", b"\xff\xfe\xfd"),
    ("not JSON", b"{oops"),
    ("JSON array", b"[1, 2]"),
    ("missing field", {k: v for k, v in change_event().items() if k != "eventId"}),
    ("extra field", dict(change_event(), debug=True)),
    ("future schema", change_event(schemaVersion=2)),
    ("schema as float", change_event(schemaVersion=1.0)),
    ("unknown type", change_event(eventType="item.exploded")),
    ("type as list", change_event(eventType=["item.created"])),
    ("bad item id", change_event(itemId="bad id")),
    ("version as text", change_event(version="1")),
    ("bad timestamp", change_event(occurredAt="yesterday")),
    ("snapshot mismatch", change_event(item=dict(change_event()["item"], id="other"))),
    ("snapshot not an object", change_event(item="x")),
    ("snapshot with a float", change_event(item=dict(change_event()["item"], name=1.5))),
    ("partition key mismatch", None),
]


@pytest.mark.parametrize("case,data", MALFORMED, ids=[c[0] for c in MALFORMED])
def test_a_malformed_record_is_kept_under_errors_and_not_failed(case, data):
    good = good_batch(2, first=200)
    bad = (
        kinesis_record(change_event("item-9"), 202, "someone-else", ARRIVAL)
        if data is None
        else kinesis_record(data, 202, "item-1", ARRIVAL)
    )
    records = [good[0], bad, good[1]]
    assert run(records) == {"batchItemFailures": []}
    suffix = "shardId-000000000000_200_201.jsonl.gz"
    assert bucket_keys() == [f"errors/{DAY}/{suffix}", f"processed/{DAY}/{suffix}"]
    assert [line["sequenceNumber"] for line in stored_lines(f"processed/{DAY}/{suffix}")] == ["200", "201"]
    [error] = stored_lines(f"errors/{DAY}/{suffix}")
    assert error["sequenceNumber"] == "202"
    assert error["data"] == bad["kinesis"]["data"]  # the original payload, nothing lost
    assert error["reason"]
    assert error["eventID"] == bad["eventID"]


def test_a_batch_of_only_malformed_records_writes_only_errors():
    records = [kinesis_record(b"junk", n, "k", ARRIVAL) for n in (5, 6)]
    assert run(records) == {"batchItemFailures": []}
    assert bucket_keys() == [f"errors/{DAY}/shardId-000000000000_5_6.jsonl.gz"]


def test_an_empty_event_does_nothing():
    assert processor.handler({"Records": []}, FakeContext()) == {"batchItemFailures": []}
    assert bucket_keys() == []


def test_s3_failure_reports_the_earliest_sequence_number_numerically(monkeypatch):
    # "10" sorts before "9" as text: the processor must compare as numbers.
    records = [kinesis_record(change_event(f"item-{n}"), seq, f"item-{n}", ARRIVAL) for n, seq in enumerate((9, 10, 11))]
    monkeypatch.setenv(CONTRACT["environment"]["streamProcessor"]["processedBucket"], "no-such-bucket")
    assert run(records) == {"batchItemFailures": [{"itemIdentifier": "9"}]}


def _fail_puts_under(monkeypatch, prefix):
    client = processor.s3()
    real = client.put_object

    def put_object(**kwargs):
        if kwargs["Key"].startswith(prefix):
            raise ClientError({"Error": {"Code": "SlowDown", "Message": "injected"}}, "PutObject")
        return real(**kwargs)

    monkeypatch.setattr(client, "put_object", put_object)


def test_a_failed_errors_object_fails_from_the_earliest_malformed_record(monkeypatch):
    _fail_puts_under(monkeypatch, "errors/")
    good = good_batch(3, first=300)
    records = [good[0], kinesis_record(b"junk", 301, "k", ARRIVAL), good[1], kinesis_record(b"junk", 303, "k", ARRIVAL)]
    assert run(records) == {"batchItemFailures": [{"itemIdentifier": "301"}]}
    assert bucket_keys("errors/") == []


def test_a_failed_data_object_fails_from_its_earliest_record(monkeypatch):
    _fail_puts_under(monkeypatch, "processed/")
    records = [kinesis_record(b"junk", 400, "k", ARRIVAL), *good_batch(2, first=401)]
    assert run(records) == {"batchItemFailures": [{"itemIdentifier": "401"}]}
    assert bucket_keys() == [f"errors/{DAY}/shardId-000000000000_400_402.jsonl.gz"]


def test_the_api_events_pass_the_processor_schema_end_to_end():
    _, created, _ = call(request("POST", "/api/items", {"name": "round trip"}))
    call(request("PUT", f"/api/items/{created['id']}", {"name": "renamed", "version": 1}))
    call(request("DELETE", f"/api/items/{created['id']}"))
    event = kinesis_event_from_stream()
    assert run(event["Records"]) == {"batchItemFailures": []}
    assert bucket_keys("errors/") == []
    [key] = bucket_keys("processed/")
    lines = stored_lines(key)
    assert [line["eventType"] for line in lines] == ["item.created", "item.updated", "item.deleted"]
    assert {line["itemId"] for line in lines} == {created["id"]}


def test_sequence_numbers_keep_their_full_precision():
    big = 49590338271490256608559692538361571095921575989136588898
    records = [kinesis_record(change_event(), big, "item-1", ARRIVAL)]
    run(records)
    [key] = bucket_keys()
    assert key.endswith(f"_{big}_{big}.jsonl.gz")
