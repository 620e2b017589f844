"""Item collections of a table with a local index: the items of one
partition-key value and their index entries. `--item-collection-limit`
lowers DynamoDB's 10 GB so that a test can reach it; a write that would
grow a collection past it is refused, one that shrinks it is not, and
ItemCollectionMetrics reports a collection's size when asked."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from helpers import unique_name

LIMIT = 64 * 1024


@pytest.mark.needs_binary
def test_a_collection_stops_at_the_limit(server_factory):
    server = server_factory(extra_args=("--item-collection-limit", "64K"))
    client = server.client()
    name = unique_name("coll")
    client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "l")],
        LocalSecondaryIndexes=[{"IndexName": "byL", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                                  {"AttributeName": "l", "KeyType": "RANGE"}],
                                "Projection": {"ProjectionType": "ALL"}}])

    def put(pk, sk, size=4000):
        return client.put_item(TableName=name, ReturnItemCollectionMetrics="SIZE",
                               Item={"pk": {"S": pk}, "sk": {"S": sk}, "l": {"S": sk}, "x": {"S": "x" * size}})

    answer = put("full", "0")
    assert answer["ItemCollectionMetrics"] == {"ItemCollectionKey": {"pk": {"S": "full"}}, "SizeEstimateRangeGB": [0.0, 1.0]}
    refused = None
    for n in range(1, 40):
        try:
            put("full", str(n))
        except ClientError as error:
            refused = (n, error.response["Error"]["Code"])
            break
    # Each item counts twice (the item and its ALL-projected entry): 8 KB.
    assert refused is not None and refused[1] == "ItemCollectionSizeLimitExceededException", refused
    assert 6 <= refused[0] <= 9, refused
    assert "Item" not in client.get_item(TableName=name, Key={"pk": {"S": "full"}, "sk": {"S": str(refused[0])}})
    # Another collection is not affected; shrinking the full one is allowed.
    put("other", "0")
    put("full", "0", size=10)
    client.delete_item(TableName=name, Key={"pk": {"S": "full"}, "sk": {"S": "1"}})
    put("full", str(refused[0]))
    # No metrics unless asked for them.
    assert "ItemCollectionMetrics" not in client.put_item(
        TableName=name, Item={"pk": {"S": "other"}, "sk": {"S": "1"}, "l": {"S": "1"}})
