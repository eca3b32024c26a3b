"""Shared set-up for the Lambda tests: fake AWS settings, handler modules, moto resources.

Everything AWS runs inside moto's `mock_aws`; the fake credentials below make sure that a
call escaping the mock fails to sign for a real account instead of reaching one.
"""

import base64
import gzip
import importlib.util
import json
import os
import sys
from pathlib import Path

# Before boto3 is imported anywhere: no profile, no real keys, the project's region.
for _name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
    os.environ.pop(_name, None)
os.environ.update(
    AWS_DEFAULT_REGION="us-west-2",
    AWS_REGION="us-west-2",
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_EC2_METADATA_DISABLED="true",
)

import boto3  # noqa: E402
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
LAMBDAS = ROOT / "lambdas"
CONTRACT = json.loads((LAMBDAS / "contract.json").read_text("utf-8"))
ORIGIN_VERIFY = "test-origin-verify-Zm9vYmFy"
os.environ[CONTRACT["environment"]["api"]["originVerify"]] = ORIGIN_VERIFY
ORIGIN_VERIFY_HEADER = CONTRACT["api"]["originVerifyHeader"]
TABLE = "items-test"
STREAM = "changes-test"
BUCKET = "processed-test"


def _load(name, path):
    """Each function folder has a `handler.py`; load them under distinct module names."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


sys.path.insert(0, str(LAMBDAS / "api"))  # the API handler's own modules (store, validation)
api = _load("api_handler", LAMBDAS / "api" / "handler.py")
processor = _load("stream_processor_handler", LAMBDAS / "stream_processor" / "handler.py")
edge = _load("edge_handler", LAMBDAS / "edge" / "handler.py")


class FakeContext:
    aws_request_id = "lambda-request-1"


def request(method, path, body=None, headers=None, query=None, b64=False, stage="prod", origin_verify=ORIGIN_VERIFY):
    """An API Gateway REST proxy (payload v1) event. A dict body is sent as JSON.

    The origin-verify header CloudFront adds is there unless `origin_verify` is None.
    """
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        headers = {"Content-Type": "application/json", **(headers or {})}
    if origin_verify is not None:
        headers = {**(headers or {}), ORIGIN_VERIFY_HEADER: origin_verify}
    if b64 and body is not None:
        body = base64.b64encode(body.encode("utf-8") if isinstance(body, str) else body).decode("ascii")
    return {
        "resource": "/api/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": None,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": {"proxy": path.split("/api/", 1)[-1]},
        "stageVariables": None,
        "requestContext": {"requestId": "apigw-request-1", "stage": stage, "httpMethod": method, "path": path},
        "body": body,
        "isBase64Encoded": b64,
    }


def call(event):
    """Invoke the API handler; returns (status, parsed body or None, headers)."""
    result = api.handler(event, FakeContext())
    body = json.loads(result["body"]) if result["body"] else None
    return result["statusCode"], body, result["headers"]


class Clients:
    """boto3 clients cost tens of milliseconds to make: the tests make them once."""

    def __init__(self):
        self.dynamodb = boto3.client("dynamodb")
        self.kinesis = boto3.client("kinesis")
        self.s3 = boto3.client("s3")
        self.table = boto3.resource("dynamodb").Table(TABLE)


def reset_resources(clients):
    """An empty table, an empty stream and an empty bucket, under the contract's names."""
    if TABLE in clients.dynamodb.list_tables()["TableNames"]:
        clients.dynamodb.delete_table(TableName=TABLE)
    clients.dynamodb.create_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": CONTRACT["table"]["partitionKey"]["name"], "KeyType": "HASH"}],
        BillingMode=CONTRACT["table"]["billingMode"],
    )
    if STREAM in clients.kinesis.list_streams()["StreamNames"]:
        clients.kinesis.delete_stream(StreamName=STREAM)
    clients.kinesis.create_stream(StreamName=STREAM, ShardCount=1)
    buckets = [b["Name"] for b in clients.s3.list_buckets()["Buckets"]]
    if BUCKET in buckets:
        while True:
            listing = clients.s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
            if not listing:
                break
            clients.s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": o["Key"]} for o in listing]})
    else:
        clients.s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    env = CONTRACT["environment"]
    os.environ[env["api"]["tableName"]] = TABLE
    os.environ[env["api"]["streamName"]] = STREAM
    os.environ[env["streamProcessor"]["processedBucket"]] = BUCKET


_session = {}  # the session's Clients, for the helpers below that tests call directly


@pytest.fixture(scope="session")
def moto_clients():
    """One moto account for the whole run; each test starts from reset resources."""
    with mock_aws():
        _session["clients"] = Clients()
        yield _session["clients"]
    api.reset_clients()
    processor.reset_clients()


@pytest.fixture
def aws(moto_clients):
    """A clean table, stream and bucket, and the handlers pointed at them."""
    reset_resources(moto_clients)
    yield moto_clients


def table_items():
    items = _session['clients'].table.scan(ConsistentRead=True)["Items"]
    return sorted((dict(i, version=int(i["version"])) for i in items), key=lambda i: i["id"])


def stream_records():
    """Every record in the stream, oldest first: (partition key, decoded JSON data, raw record)."""
    kinesis = _session['clients'].kinesis
    records = []
    for shard in kinesis.list_shards(StreamName=STREAM)["Shards"]:
        iterator = kinesis.get_shard_iterator(
            StreamName=STREAM, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = kinesis.get_records(ShardIterator=iterator, Limit=10000)
            records.extend((r["PartitionKey"], json.loads(r["Data"]), r, shard["ShardId"]) for r in page["Records"])
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return records


def state():
    """What a rejected request must leave exactly as it was."""
    return table_items(), [data["eventId"] for _, data, _, _ in stream_records()]



def kinesis_record(data, sequence, partition_key="item-1", arrival=1718000000.5, shard="shardId-000000000000"):
    """One record of a Kinesis event source mapping's event; `data` bytes are base64-encoded."""
    if isinstance(data, (dict, list)):
        data = json.dumps(data).encode("utf-8")
    if isinstance(data, bytes):
        data = base64.b64encode(data).decode("ascii")
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": partition_key,
            "sequenceNumber": str(sequence),
            "data": data,
            "approximateArrivalTimestamp": arrival,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"{shard}:{sequence}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": "arn:aws:iam::123456789012:role/stream-processor",
        "awsRegion": "us-west-2",
        "eventSourceARN": f"arn:aws:kinesis:us-west-2:123456789012:stream/{STREAM}",
    }


def kinesis_event_from_stream():
    """What the event source mapping would deliver for everything now in the stream."""
    return {
        "Records": [
            kinesis_record(
                raw["Data"],
                raw["SequenceNumber"],
                key,
                raw["ApproximateArrivalTimestamp"].timestamp(),
                shard,
            )
            for key, _, raw, shard in stream_records()
        ]
    }


def stored_lines(key):
    """The JSON Lines of one gzip object in the processed bucket."""
    body = _session["clients"].s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    return [json.loads(line) for line in gzip.decompress(body).decode("utf-8").splitlines()]


def bucket_keys(prefix=""):
    listing = _session["clients"].s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(obj["Key"] for obj in listing.get("Contents", []))
