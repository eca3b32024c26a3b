"""Stream processor: Kinesis change events -> gzip JSON Lines objects in the processed bucket.

Invoked by a Kinesis event source mapping with ReportBatchItemFailures (settings in
lambdas/contract.json, `eventSourceMapping`). For each batch:

* Every record's `data` is decoded (base64 -> UTF-8 -> JSON) and checked against the
  change-event schema (version 1, see lambdas/README.md). Good events become one line
  each (the event plus its `sequenceNumber`) of ONE gzip JSON Lines object:
      processed/year=YYYY/month=MM/day=DD/<shardId>_<firstSeq>_<lastSeq>.jsonl.gz
* A malformed record will be just as malformed on every retry, so it is not failed:
  it is kept whole (its original base64 `data` and the reason) in one object per batch
  under the same key with the `errors/` prefix. Nothing is dropped.
* Keys depend only on the batch (shard, first and last sequence number, and the first
  record's arrival date, never the clock) and gzip is written with mtime 0, so a retried
  batch rewrites byte-identical objects: a retry is idempotent.
* If an S3 write fails, the earliest sequence number among the records that object held
  goes to `batchItemFailures`; Lambda checkpoints before it and retries from there.
  Any other exception fails the whole batch (bisected, then the on-failure destination).

Environment: PROCESSED_BUCKET (name in lambdas/contract.json).
"""

import base64
import binascii
import datetime
import gzip
import json
import os
import re
import sys
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

_HERE = Path(__file__).resolve().parent
CONTRACT = json.loads(
    next(p for p in (_HERE / "contract.json", _HERE.parent / "contract.json") if p.is_file()).read_text("utf-8")
)
PROCESSED = CONTRACT["processed"]
SCHEMA_VERSION = CONTRACT["events"]["schemaVersion"]
EVENT_TYPES = frozenset(CONTRACT["events"]["types"])
ID_PATTERN = re.compile(CONTRACT["item"]["idPattern"])
EVENT_FIELDS = frozenset({"schemaVersion", "eventId", "eventType", "itemId", "version", "occurredAt", "item"})
ITEM_TEXT_FIELDS = ("id", "createdAt", "updatedAt", *CONTRACT["item"]["fields"])
ITEM_FIELDS = frozenset({*ITEM_TEXT_FIELDS, "version"})

_s3 = None


class Malformed(Exception):
    """A record that no retry can fix; the message says what is wrong with it."""


def log(level, message, **fields):
    record = {"level": level, "message": message, **fields}
    sys.stdout.write(json.dumps(record, default=str, separators=(",", ":")) + "\n")


def s3():
    global _s3
    if _s3 is None:
        _s3 = boto3.client("s3", config=Config(retries={"mode": "standard", "max_attempts": 3}))
    return _s3


def reset_clients():
    """For tests and the local dev server: forget clients made under other settings."""
    global _s3
    _s3 = None


def _whole_number(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def check_event(event, partition_key):
    """Raises Malformed unless `event` is a version-1 change event for `partition_key`."""
    if not isinstance(event, dict):
        raise Malformed("event is not a JSON object")
    if set(event) != EVENT_FIELDS:
        missing, extra = sorted(EVENT_FIELDS - set(event)), sorted(set(event) - EVENT_FIELDS)
        raise Malformed(f"event fields differ from schema: missing {missing}, unexpected {extra[:10]}")
    if type(event["schemaVersion"]) is not int or event["schemaVersion"] != SCHEMA_VERSION:
        raise Malformed(f"unsupported schemaVersion {event['schemaVersion']!r:.40}")
    if not isinstance(event["eventType"], str) or event["eventType"] not in EVENT_TYPES:
        raise Malformed("unknown eventType")
    if not isinstance(event["eventId"], str) or not 1 <= len(event["eventId"]) <= 64:
        raise Malformed("eventId must be a string of 1 to 64 characters")
    if not isinstance(event["itemId"], str) or not ID_PATTERN.fullmatch(event["itemId"]):
        raise Malformed("itemId is not a valid item id")
    if event["itemId"] != partition_key:
        raise Malformed("partition key differs from itemId")
    if not _whole_number(event["version"]):
        raise Malformed("version must be a whole number of at least 1")
    try:
        datetime.datetime.fromisoformat(event["occurredAt"])
    except (TypeError, ValueError):
        raise Malformed("occurredAt is not an ISO 8601 timestamp") from None
    item = event["item"]
    if not isinstance(item, dict) or set(item) != ITEM_FIELDS:
        raise Malformed("item snapshot does not have the item fields")
    if not all(isinstance(item[name], str) for name in ITEM_TEXT_FIELDS) or not _whole_number(item["version"]):
        raise Malformed("item snapshot has a field of the wrong type")
    if item["id"] != event["itemId"] or item["version"] != event["version"]:
        raise Malformed("item snapshot does not match itemId/version")


def decode(kinesis):
    """The change event carried by one Kinesis record, or Malformed."""
    try:
        raw = base64.b64decode(kinesis.get("data"), validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise Malformed("data is not valid base64") from None
    try:
        event = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise Malformed("data is not UTF-8") from None
    except (ValueError, RecursionError):
        raise Malformed("data is not valid JSON") from None
    check_event(event, kinesis.get("partitionKey"))
    return event


def batch_key(prefix, records):
    """Deterministic per batch: a retry of the same records yields the same key."""
    first, last = records[0], records[-1]
    shard_id = re.sub(r"[^A-Za-z0-9-]", "_", str(first.get("eventID", "")).split(":", 1)[0]) or "unknown-shard"
    # Arrival time of the first record, not the clock: a retry after midnight must not move the key.
    arrived = datetime.datetime.fromtimestamp(
        float(first["kinesis"]["approximateArrivalTimestamp"]), tz=datetime.timezone.utc
    )
    return (
        f"{prefix}year={arrived:%Y}/month={arrived:%m}/day={arrived:%d}/"
        f"{shard_id}_{first['kinesis']['sequenceNumber']}_{last['kinesis']['sequenceNumber']}.jsonl.gz"
    )


def _jsonl_gzip(lines):
    text = "".join(json.dumps(line, separators=(",", ":"), sort_keys=True) + "\n" for line in lines)
    return gzip.compress(text.encode("utf-8"), mtime=0)  # mtime 0: identical bytes on a retry


def _put(bucket, key, lines):
    """True when the object is stored; a failure is logged and left to the caller to report."""
    try:
        s3().put_object(
            Bucket=bucket,
            Key=key,
            Body=_jsonl_gzip(lines),
            ContentType=PROCESSED["contentType"],
            ContentEncoding=PROCESSED["contentEncoding"],
        )
    except (BotoCoreError, ClientError) as err:
        log("ERROR", "s3 write failed", key=key, records=len(lines), error=repr(err))
        return False
    return True


def handler(event, context):
    records = (event or {}).get("Records") or []
    if not records:
        return {"batchItemFailures": []}
    bucket = os.environ[CONTRACT["environment"]["streamProcessor"]["processedBucket"]]
    good, bad = [], []
    for record in records:
        kinesis = record["kinesis"]
        sequence = kinesis["sequenceNumber"]
        try:
            good.append(dict(decode(kinesis), sequenceNumber=sequence))
        except Malformed as err:
            log("WARNING", "malformed record kept under errors/", sequenceNumber=sequence, reason=str(err))
            bad.append(
                {
                    "sequenceNumber": sequence,
                    "partitionKey": kinesis.get("partitionKey"),
                    "approximateArrivalTimestamp": kinesis.get("approximateArrivalTimestamp"),
                    "eventID": record.get("eventID"),
                    "reason": str(err),
                    "data": kinesis.get("data"),
                }
            )
    failed = []
    for prefix, lines in ((PROCESSED["dataPrefix"], good), (PROCESSED["errorsPrefix"], bad)):
        if lines and not _put(bucket, batch_key(prefix, records), lines):
            failed.extend(line["sequenceNumber"] for line in lines)
    log(
        "INFO",
        "batch processed",
        awsRequestId=getattr(context, "aws_request_id", None),
        records=len(records),
        good=len(good),
        malformed=len(bad),
        failedWrites=bool(failed),
    )
    if not failed:
        return {"batchItemFailures": []}
    # Sequence numbers are decimal strings of up to 128 bits: compare them as integers.
    return {"batchItemFailures": [{"itemIdentifier": min(failed, key=int)}]}
