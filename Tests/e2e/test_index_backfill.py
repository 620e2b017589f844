"""Issue 13's backfill acceptance test: a global index created with
UpdateTable on a table of 100,000 items becomes ACTIVE while 8 clients
keep writing, and then holds exactly the table's items, each once."""

from __future__ import annotations

import random
import threading
import time

import pytest

from helpers import Connection, unique_name, wait_for
from index_model import assert_indexes_match

ITEMS = 100_000
WRITERS = 8
TABLE_KEYS = ["pk", "sk"]
INDEX = {"IndexName": "byGroup",
         "KeySchema": [{"AttributeName": "group", "KeyType": "HASH"}, {"AttributeName": "rank", "KeyType": "RANGE"}],
         "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["payload"]}}
BACKFILL_TIMEOUT_S = 300


def item(rng, pk, sk):
    value = {"pk": {"S": f"p{pk}"}, "sk": {"N": str(sk)}, "payload": {"S": "x" * rng.randrange(10, 100)}}
    if rng.random() < 0.9:  # some items lack the index key: sparse
        value["group"] = {"S": f"g{rng.randrange(50)}"}
        value["rank"] = {"N": str(rng.randrange(1000))}
    return value


def load(server, table, first, count, seed):
    rng = random.Random(seed)
    conn = Connection(server, timeout=60)
    try:
        for start in range(first, first + count, 25):
            requests = [{"PutRequest": {"Item": item(rng, n % 1000, n)}} for n in range(start, min(start + 25, first + count))]
            pending = {table: requests}
            while pending:
                status, body = conn.call("BatchWriteItem", {"RequestItems": pending})
                assert status == 200, body
                pending = body.get("UnprocessedItems") or {}
    finally:
        conn.close()


@pytest.mark.needs_binary
@pytest.mark.slow
def test_a_gsi_added_to_100k_items_under_writes_holds_every_item_once(server_factory):
    server = server_factory()
    client = server.client()
    name = unique_name("backfill")
    client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}])
    loaders = [threading.Thread(target=load, args=(server, name, i * (ITEMS // 8), ITEMS // 8, i)) for i in range(8)]
    for thread in loaders:
        thread.start()
    for thread in loaders:
        thread.join()

    stop = threading.Event()
    written = [0]
    errors = []

    def write(seed):
        rng = random.Random(seed)
        conn = Connection(server)
        try:
            while not stop.is_set():
                n = rng.randrange(ITEMS + 5_000)  # updates, and some new items
                if rng.random() < 0.15:
                    status, body = conn.call("DeleteItem", {"TableName": name, "Key": {"pk": {"S": f"p{n % 1000}"}, "sk": {"N": str(n)}}})
                else:
                    status, body = conn.call("PutItem", {"TableName": name, "Item": item(rng, n % 1000, n)})
                if status != 200:
                    errors.append(body)
                    return
                written[0] += 1
        finally:
            conn.close()

    writers = [threading.Thread(target=write, args=(100 + i,)) for i in range(WRITERS)]
    for thread in writers:
        thread.start()
    try:
        wait_for(lambda: written[0] >= 500, timeout=60, what="writes before the index")
        client.update_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": "group", "AttributeType": "S"}, {"AttributeName": "rank", "AttributeType": "N"}],
            GlobalSecondaryIndexUpdates=[{"Create": INDEX}])
        described = client.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"][0]
        assert described["IndexStatus"] == "CREATING"
        writes_at_start = written[0]

        def status():
            return client.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"][0]["IndexStatus"]
        started = time.monotonic()
        wait_for(lambda: status() == "ACTIVE", timeout=BACKFILL_TIMEOUT_S, what="the index to become ACTIVE")
        backfill_seconds = time.monotonic() - started
        assert written[0] > writes_at_start, "the writers stopped during the backfill"
    finally:
        stop.set()
        for thread in writers:
            thread.join()
    assert not errors, errors[:3]
    print(f"backfill of {ITEMS} items: {backfill_seconds:.1f} s, {written[0] - writes_at_start} writes meanwhile")
    assert_indexes_match(client, name, [INDEX], TABLE_KEYS)
