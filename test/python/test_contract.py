"""lambdas/contract.json is read by infra, the handlers and tools/dev: keep it valid and in step."""

import json

import pytest
from conftest import CONTRACT, call, processor, request


def test_event_source_mapping_settings_are_within_aws_limits():
    esm = CONTRACT["eventSourceMapping"]
    assert esm["startingPosition"] in {"TRIM_HORIZON", "LATEST"}
    assert 1 <= esm["batchSize"] <= 10000
    assert 0 <= esm["maximumBatchingWindowInSeconds"] <= 300
    assert 0 <= esm["maximumRetryAttempts"] <= 10000  # bounded: -1 (forever) is not allowed here
    assert 60 <= esm["maximumRecordAgeInSeconds"] <= 604800
    assert 1 <= esm["parallelizationFactor"] <= 10
    assert esm["bisectBatchOnFunctionError"] is True
    assert esm["functionResponseTypes"] == ["ReportBatchItemFailures"]


def test_the_key_template_describes_the_keys_the_processor_writes():
    records = [
        {"eventID": "shardId-000000000003:7", "kinesis": {"sequenceNumber": "7", "approximateArrivalTimestamp": 0}},
        {"eventID": "shardId-000000000003:9", "kinesis": {"sequenceNumber": "9", "approximateArrivalTimestamp": 5}},
    ]
    for prefix in (CONTRACT["processed"]["dataPrefix"], CONTRACT["processed"]["errorsPrefix"]):
        expected = CONTRACT["processed"]["keyTemplate"].format(
            prefix=prefix, YYYY="1970", MM="01", DD="01", shardId="shardId-000000000003",
            firstSequenceNumber="7", lastSequenceNumber="9",
        )
        assert processor.batch_key(prefix, records) == expected


def test_names_and_limits_are_coherent():
    assert CONTRACT["table"]["partitionKey"] == {"name": "id", "type": "S"}
    assert CONTRACT["events"]["partitionKey"] == "itemId"
    limit = CONTRACT["api"]["listLimit"]
    assert 1 <= limit["default"] <= limit["max"]
    env = CONTRACT["environment"]
    assert env["api"] == {"tableName": "TABLE_NAME", "streamName": "STREAM_NAME", "originVerify": "ORIGIN_VERIFY"}
    assert CONTRACT["api"]["originVerifyHeader"] == CONTRACT["api"]["originVerifyHeader"].lower()
    assert env["streamProcessor"] == {"processedBucket": "PROCESSED_BUCKET"}


@pytest.mark.usefixtures("aws")
def test_the_largest_valid_item_fits_the_body_limit_however_the_client_escapes_it():
    fields = CONTRACT["item"]["fields"]
    # Astral characters escaped as two \\uXXXX sequences: 12 bytes each, the worst case.
    body = json.dumps(
        {"name": "😀" * fields["name"]["maxLength"], "description": "😀" * fields["description"]["maxLength"]},
        ensure_ascii=True,
    )
    status, answer, _ = call(request("POST", "/api/items", body, {"Content-Type": "application/json"}))
    assert status == 201, answer
