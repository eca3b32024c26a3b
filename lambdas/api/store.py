"""DynamoDB and Kinesis access for the items API.

Every write is conditional, so nothing is overwritten silently:
  create  PutItem     attribute_not_exists(id)               -> ItemExists
  update  UpdateItem  attribute_exists(id) AND version = :v  -> ItemNotFound / VersionMismatch
  delete  DeleteItem  attribute_exists(id)                   -> ItemNotFound
Each write has an `undo_*` counterpart, conditional on the state the write left, that the
handler calls when the change event cannot be published (see lambdas/README.md).
"""

import json

from botocore.exceptions import ClientError

# DynamoDB reserves `name`; aliasing every attribute keeps the expressions uniform.
_NAMES = {"#id": "id", "#name": "name", "#desc": "description", "#ver": "version", "#upd": "updatedAt"}


class ItemNotFound(Exception):
    pass


class ItemExists(Exception):
    pass


class VersionMismatch(Exception):
    def __init__(self, current_version):
        super().__init__(current_version)
        self.current_version = current_version


def _conditional_failure(err):
    return err.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def public_item(record):
    """A stored item as the API shows it (DynamoDB numbers come back as Decimal)."""
    return {
        "id": record["id"],
        "name": record.get("name", ""),
        "description": record.get("description", ""),
        "version": int(record.get("version", 0)),
        "createdAt": record.get("createdAt", ""),
        "updatedAt": record.get("updatedAt", ""),
    }


class ItemStore:
    def __init__(self, table, kinesis, stream_name):
        self.table = table
        self.kinesis = kinesis
        self.stream_name = stream_name

    def get(self, item_id):
        # Consistent read: a client reads the version it will send back in a PUT.
        found = self.table.get_item(Key={"id": item_id}, ConsistentRead=True).get("Item")
        return public_item(found) if found else None

    def page(self, limit, start_key):
        args = {"Limit": limit}
        if start_key:
            args["ExclusiveStartKey"] = start_key
        result = self.table.scan(**args)
        return [public_item(i) for i in result.get("Items", [])], result.get("LastEvaluatedKey")

    def create(self, item):
        try:
            self.table.put_item(
                Item=item,
                ConditionExpression="attribute_not_exists(#id)",
                ExpressionAttributeNames={"#id": "id"},
            )
        except ClientError as err:
            if _conditional_failure(err):
                raise ItemExists() from None
            raise
        return public_item(item)

    def update(self, item_id, fields, expected_version, now):
        """Returns (before, after) so the caller can publish `after` or restore `before`."""
        try:
            old = self.table.update_item(
                Key={"id": item_id},
                UpdateExpression="SET #name = :name, #desc = :desc, #ver = :next, #upd = :now",
                ConditionExpression="attribute_exists(#id) AND #ver = :expected",
                ExpressionAttributeNames=_NAMES,
                ExpressionAttributeValues={
                    ":name": fields["name"],
                    ":desc": fields["description"],
                    ":next": expected_version + 1,
                    ":now": now,
                    ":expected": expected_version,
                },
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )["Attributes"]
        except ClientError as err:
            if not _conditional_failure(err):
                raise
            current = err.response.get("Item")
            if current is None:
                raise ItemNotFound() from None
            raise VersionMismatch(_stored_version(current)) from None
        before = public_item(old)
        after = dict(before, **fields, version=expected_version + 1, updatedAt=now)
        return before, after

    def delete(self, item_id):
        try:
            old = self.table.delete_item(
                Key={"id": item_id},
                ConditionExpression="attribute_exists(#id)",
                ExpressionAttributeNames={"#id": "id"},
                ReturnValues="ALL_OLD",
            )["Attributes"]
        except ClientError as err:
            if _conditional_failure(err):
                raise ItemNotFound() from None
            raise
        return public_item(old)

    # Compensations: each only succeeds if nobody changed the item since our write,
    # so an undo can never destroy someone else's later change.
    def undo_create(self, created):
        self.table.delete_item(
            Key={"id": created["id"]},
            ConditionExpression="#ver = :ver",
            ExpressionAttributeNames={"#ver": "version"},
            ExpressionAttributeValues={":ver": created["version"]},
        )

    def undo_update(self, before, after):
        self.table.put_item(
            Item=before,
            ConditionExpression="#ver = :ver",
            ExpressionAttributeNames={"#ver": "version"},
            ExpressionAttributeValues={":ver": after["version"]},
        )

    def undo_delete(self, before):
        self.table.put_item(
            Item=before,
            ConditionExpression="attribute_not_exists(#id)",
            ExpressionAttributeNames={"#id": "id"},
        )

    def publish(self, event):
        # Partition key = item id: all events of one item land on one shard, in order.
        self.kinesis.put_record(
            StreamName=self.stream_name,
            Data=json.dumps(event, separators=(",", ":")).encode("utf-8"),
            PartitionKey=event["itemId"],
        )


def _stored_version(raw_item):
    """The version in an error response's item, which boto3 leaves in wire format ({"N": "3"})."""
    try:
        return int(raw_item["version"]["N"])
    except (KeyError, TypeError, ValueError):
        return None
