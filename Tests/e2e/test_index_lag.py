"""--index-lag: global indexes trail their table as DynamoDB's do. A write
is acknowledged before its index entry exists; the entry appears once the
lag has passed; a local index, strongly consistent, never lags."""

from __future__ import annotations

import time

import pytest

from helpers import unique_name, wait_for

LAG_MS = 1500


@pytest.mark.needs_binary
@pytest.mark.sqlite_only("the PostgreSQL engine writes index entries in the item's own transaction")
def test_a_global_index_trails_the_table_by_the_lag(server_factory):
    server = server_factory(extra_args=("--index-lag", str(LAG_MS)))
    client = server.client()
    name = unique_name("lag")
    client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "g", "l")],
        GlobalSecondaryIndexes=[{"IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}}],
        LocalSecondaryIndexes=[{"IndexName": "byL", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                                  {"AttributeName": "l", "KeyType": "RANGE"}],
                                "Projection": {"ProjectionType": "ALL"}}])

    def global_count():
        return client.query(TableName=name, IndexName="byG", KeyConditionExpression="g = :g",
                            ExpressionAttributeValues={":g": {"S": "x"}})["Count"]

    written = time.monotonic()
    client.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "1"}, "g": {"S": "x"}, "l": {"S": "y"}})
    acknowledged = time.monotonic() - written
    assert acknowledged < LAG_MS / 1000, "the write waited for its index"
    # The local index and the table have it at once; the global index not yet.
    local = client.query(TableName=name, IndexName="byL", KeyConditionExpression="pk = :p",
                         ExpressionAttributeValues={":p": {"S": "a"}}, ConsistentRead=True)
    assert local["Count"] == 1
    if time.monotonic() - written < LAG_MS / 1000:
        assert global_count() == 0
    wait_for(lambda: global_count() == 1, timeout=30, what="the entry to reach the global index")
    assert time.monotonic() - written >= LAG_MS / 1000
