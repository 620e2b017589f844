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
import threading

import pytest
from botocore.exceptions import ClientError

from helpers import assert_check_passes, unique_name, wait_for
from index_model import assert_indexes_match

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


def random_key(rng, prefix="p"):
    return {"pk": {"S": f"{prefix}{rng.randrange(8)}"}, "sk": {"N": str(rng.randrange(12))}}


def random_attributes(rng):
    """Index attributes that are there or not, so that items come and go
    from every index."""
    candidates = {
        "color": lambda: {"S": rng.choice(["red", "green", "blue"])},
        "size": lambda: {"N": str(rng.randrange(-3, 4))},
        "tenant": lambda: {"S": rng.choice(["t1", "t2"])},
        "region": lambda: {"S": rng.choice(["eu", "us"])},
        "year": lambda: {"N": str(rng.randrange(2020, 2024))},
        "label": lambda: {"S": rng.choice(["a", "ab", "b"])},
        "rank": lambda: {"B": bytes([rng.randrange(3)]) * rng.randrange(1, 3)},
        "note": lambda: {"S": "x" * rng.randrange(1, 60)},
    }
    return {name: make() for name, make in candidates.items() if rng.random() < 0.75}


class Writer:
    """Random writes of every kind; `model` (if kept) is the table as the
    acknowledged writes leave it, for a writer that owns its keys."""

    def __init__(self, client, table, rng, prefix="p"):
        self.client, self.table, self.rng, self.prefix = client, table, rng, prefix
        self.model = {}

    @staticmethod
    def ident(key):
        return (key["pk"]["S"], key["sk"]["N"])

    def one(self):
        rng, client, table = self.rng, self.client, self.table
        choice = rng.randrange(10)
        key = random_key(rng, self.prefix)
        if choice < 3:
            item = {**key, **random_attributes(rng)}
            client.put_item(TableName=table, Item=item)
            self.model[self.ident(key)] = item
        elif choice < 6:
            sets = random_attributes(rng)
            removes = [name for name in ("color", "year", "rank", "label") if name not in sets and rng.random() < 0.3]
            names = {f"#a{i}": name for i, name in enumerate(sets)}
            values = {f":v{i}": value for i, value in enumerate(sets.values())}
            parts = []
            if sets:
                parts.append("SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(sets))))
            if removes:
                names.update({f"#r{i}": name for i, name in enumerate(removes)})
                parts.append("REMOVE " + ", ".join(f"#r{i}" for i in range(len(removes))))
            if not parts:
                return
            request = dict(TableName=table, Key=key, UpdateExpression=" ".join(parts), ExpressionAttributeNames=names,
                           ReturnValues="ALL_NEW")
            if values:
                request["ExpressionAttributeValues"] = values
            self.model[self.ident(key)] = client.update_item(**request)["Attributes"]
        elif choice < 7:
            client.delete_item(TableName=table, Key=key)
            self.model.pop(self.ident(key), None)
        elif choice < 9:
            batch = {}
            for _ in range(rng.randrange(2, 12)):
                k = random_key(rng, self.prefix)
                batch[self.ident(k)] = {**k, **random_attributes(rng)} if rng.random() < 0.7 else k
            requests = [{"PutRequest": {"Item": v}} if len(v) > 2 else {"DeleteRequest": {"Key": v}}
                        for v in batch.values()]
            unprocessed = {table: requests}
            while unprocessed:
                unprocessed = client.batch_write_item(RequestItems=unprocessed).get("UnprocessedItems") or {}
            for ident, value in batch.items():
                if len(value) > 2:
                    self.model[ident] = value
                else:
                    self.model.pop(ident, None)
        else:
            actions, chosen = [], {}
            for _ in range(rng.randrange(1, 5)):
                k = random_key(rng, self.prefix)
                if self.ident(k) in chosen:
                    continue
                if rng.random() < 0.7:
                    chosen[self.ident(k)] = {**k, **random_attributes(rng)}
                    actions.append({"Put": {"TableName": table, "Item": chosen[self.ident(k)]}})
                else:
                    chosen[self.ident(k)] = None
                    actions.append({"Delete": {"TableName": table, "Key": k}})
            try:
                client.transact_write_items(TransactItems=actions)
            except ClientError as error:
                if error.response["Error"]["Code"] != "TransactionCanceledException":
                    raise
                return
            for ident, value in chosen.items():
                if value is None:
                    self.model.pop(ident, None)
                else:
                    self.model[ident] = value


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
        stop = threading.Event()
        acknowledged = [0]
        lock = threading.Lock()

        def work(seed):
            writer = Writer(server.client(), name, random.Random(seed))
            while not stop.is_set():
                try:
                    writer.one()
                except Exception:  # the kill: connection refused, reset, timed out
                    return
                with lock:
                    acknowledged[0] += 1

        threads = [threading.Thread(target=work, args=(cycle * 100 + i,), daemon=True) for i in range(6)]
        for thread in threads:
            thread.start()
        wait_for(lambda: acknowledged[0] >= 400, timeout=60, what="writes before the kill")
        server.kill()
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        assert_check_passes(server.data_dir)
        server.start()
        assert_indexes_match(server.client(), name, INDEXES, TABLE_KEYS)
