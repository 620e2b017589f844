"""Issue 13's randomized and crash tests, end to end: random PutItem,
UpdateItem, DeleteItem, BatchWriteItem and TransactWriteItems against a
table with two global indexes (one keyed by several attributes) and one
local index.

- `test_random_writes_keep_every_index_equal_to_the_model`: one client,
  an exact in-memory model of the table; after each phase every index
  equals the model's projection.
- `test_indexes_converge_after_kill_9`: several clients write while the
  server is killed with SIGKILL three times; after each restart `strata
  check` passes and every index equals a full Scan of the table,
  re-projected."""

from __future__ import annotations

import random

import pytest

from helpers import assert_check_passes, unique_name
from index_model import assert_indexes_match
from random_writes import Writer, kill_while_writing

TABLE_KEYS = ["pk", "sk"]
GLOBAL_INDEXES = [
    {"IndexName": "byColor",
     "KeySchema": [{"AttributeName": "color", "KeyType": "HASH"}, {"AttributeName": "size", "KeyType": "RANGE"}],
     "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["label"]}},
    {"IndexName": "byTenant",
     "KeySchema": [{"AttributeName": "tenant", "KeyType": "HASH"}, {"AttributeName": "region", "KeyType": "HASH"},
                   {"AttributeName": "year", "KeyType": "RANGE"}, {"AttributeName": "label", "KeyType": "RANGE"}],
     "Projection": {"ProjectionType": "ALL"}},
]
LOCAL_INDEXES = [
    {"IndexName": "byRank",
     "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "rank", "KeyType": "RANGE"}],
     "Projection": {"ProjectionType": "KEYS_ONLY"}},
]
INDEXES = GLOBAL_INDEXES + LOCAL_INDEXES
TYPES = {"pk": "S", "sk": "N", "color": "S", "size": "N", "tenant": "S", "region": "S", "year": "N", "label": "S",
         "rank": "B"}


def create_table(client, name):
    client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in TYPES.items()],
        GlobalSecondaryIndexes=GLOBAL_INDEXES, LocalSecondaryIndexes=LOCAL_INDEXES)


def test_random_writes_keep_every_index_equal_to_the_model(strata, dynamodb):
    name = unique_name("idxmodel")
    create_table(dynamodb, name)
    try:
        writer = Writer(dynamodb, name, random.Random(13))
        for _ in range(5):
            for _ in range(120):
                writer.one()
            assert_indexes_match(dynamodb, name, INDEXES, TABLE_KEYS, items=list(writer.model.values()))
    finally:
        dynamodb.delete_table(TableName=name)


@pytest.mark.needs_binary
@pytest.mark.slow
def test_indexes_converge_after_kill_9(server_factory):
    server = server_factory(partitions=4)
    name = unique_name("idxcrash")
    create_table(server.client(), name)
    for cycle in range(3):
        kill_while_writing(server, name, seed=cycle * 100, writers=6, writes=400)
        assert_check_passes(server.data_dir)
        server.start()
        assert_indexes_match(server.client(), name, INDEXES, TABLE_KEYS)
