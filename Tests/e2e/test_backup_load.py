"""Backups and point-in-time restores checked against what clients were
told: writers record every write with the time it started and the time it
was acknowledged, and the test recomputes what a restored table must hold.

- A table of 100,000 items with a global index takes writes from 8 clients
  while a backup is taken; the table restored from it equals the source as
  of the backup's moment, and `strata check` passes on it.
- Random writes run for 60 s on a table with point-in-time recovery, with a
  `kill -9` and a restart in the middle; restores to 5 chosen seconds, all
  made after the restart, each equal the state recomputed for that second.

A write in flight at the moment may be in or out (its outcome is not
fixed by the moment); one whose answer was lost to the kill may have
happened at any time after it started. Everything else must be exact."""

from __future__ import annotations

import math
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError, ConnectionClosedError

from helpers import assert_check_passes, make_client, unique_name, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only("on PostgreSQL, backups are the database's own")]

RESTORE_TIMEOUT_S = 300
# Server and clients read one clock; a moment is rounded to the millisecond.
SLACK_S = 0.002
LOST = (EndpointConnectionError, ReadTimeoutError, ConnectionClosedError, ConnectionError)


class WriteLog:
    """Each key's writes by its one writer, in order: (value or None for
    a delete, started, acknowledged or None if the answer was lost)."""

    def __init__(self, initial: dict[str, str | None]):
        self.writes: dict[str, list[tuple[str | None, float, float | None]]] = {
            key: [(value, 0.0, 0.0)] for key, value in initial.items()}
        self.lock = threading.Lock()

    def record(self, key, value, started, acknowledged):
        with self.lock:
            self.writes.setdefault(key, [(None, 0.0, 0.0)]).append((value, started, acknowledged))

    def allowed(self, key, moment) -> set:
        """The values `key` may hold as of `moment`: the last write
        acknowledged before it, and any started before it whose outcome
        came after it (or never came)."""
        values = set()
        for value, started, acknowledged in self.writes.get(key, [(None, 0.0, 0.0)]):
            if acknowledged is not None and acknowledged <= moment - SLACK_S:
                values = {value}
            elif started <= moment + SLACK_S:
                values.add(value)
        return values

    def keys(self):
        return set(self.writes)

    def count(self) -> int:
        """Writes recorded so far, beyond the initial items."""
        with self.lock:
            return sum(len(writes) - 1 for writes in self.writes.values())


def scan_values(client, table, segments=4) -> dict[str, str]:
    def segment(number):
        found, start = {}, None
        while True:
            page = client.scan(TableName=table, Segment=number, TotalSegments=segments,
                               **({"ExclusiveStartKey": start} if start else {}))
            for item in page["Items"]:
                found[item["pk"]["S"]] = item["v"]["S"]
            start = page.get("LastEvaluatedKey")
            if not start:
                return found
    with ThreadPoolExecutor(segments) as pool:
        merged = {}
        for part in pool.map(segment, range(segments)):
            merged.update(part)
        return merged


def assert_equals_state(values: dict[str, str], log: WriteLog, moment: float, what: str):
    ambiguous = 0
    for key in log.keys() | set(values):
        allowed = log.allowed(key, moment)
        assert values.get(key) in allowed, f"{what}: {key} holds {values.get(key)!r}, allowed {allowed!r}"
        ambiguous += len(allowed) > 1
    # Only the writes in flight at the moment are ambiguous: a handful.
    assert ambiguous <= 64, f"{what}: {ambiguous} keys had writes in flight"


def wait_restored(client, table):
    def done():
        description = client.describe_table(TableName=table)["Table"]
        return description if description["TableStatus"] == "ACTIVE" else None
    return wait_for(done, timeout=RESTORE_TIMEOUT_S, what=f"restore of {table}")


def create_table(client, name, *, gsi):
    request = dict(TableName=name, BillingMode="PAY_PER_REQUEST",
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    if gsi:
        request["AttributeDefinitions"].append({"AttributeName": "g", "AttributeType": "S"})
        request["GlobalSecondaryIndexes"] = [{"IndexName": "byGroup", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                              "Projection": {"ProjectionType": "ALL"}}]
    client.create_table(**request)


def item(key, value):
    return {"pk": {"S": key}, "v": {"S": value}, "g": {"S": f"g{hash(key) % 50}"}}


def load(url, table, keys, value):
    def batch(chunk):
        client = make_client(url)
        for start in range(0, len(chunk), 25):
            requests = [{"PutRequest": {"Item": item(key, value)}} for key in chunk[start:start + 25]]
            while requests:
                answer = client.batch_write_item(RequestItems={table: requests})
                requests = answer.get("UnprocessedItems", {}).get(table, [])
    chunks = [keys[i::8] for i in range(8)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(batch, chunks))


def writer(url, table, keys, log, stop, seed, tolerate_loss=False):
    """Writes random values (or deletes) to its own keys until `stop`."""
    client = make_client(url, read_timeout=10)
    rng = random.Random(seed)
    count = 0
    while not stop.is_set():
        key = rng.choice(keys)
        value = None if rng.random() < 0.15 else f"{seed}-{count}"
        count += 1
        started = time.time()
        try:
            if value is None:
                client.delete_item(TableName=table, Key={"pk": {"S": key}})
            else:
                client.put_item(TableName=table, Item=item(key, value))
            log.record(key, value, started, time.time())
        except LOST:
            if not tolerate_loss:
                raise
            log.record(key, value, started, None)
            time.sleep(0.05)
        except ClientError as error:
            if not tolerate_loss or error.response["Error"]["Code"] not in ("InternalServerError", "ServiceUnavailable"):
                raise
            log.record(key, value, started, None)
    return count


def test_a_backup_under_load_equals_the_table_at_its_moment(server_factory):
    server = server_factory()
    client = server.client()
    table = unique_name("loaded")
    create_table(client, table, gsi=True)
    keys = [f"k{n:06d}" for n in range(100_000)]
    load(server.url, table, keys, "initial")
    log = WriteLog({key: "initial" for key in keys})

    stop = threading.Event()
    with ThreadPoolExecutor(8) as pool:
        writers = [pool.submit(writer, server.url, table, keys[w::8], log, stop, w) for w in range(8)]
        wait_for(lambda: log.count() >= 200, timeout=60, what="the writers to be under way")
        arn = client.create_backup(TableName=table, BackupName="under-load")["BackupDetails"]["BackupArn"]
        # Writes go on while the backup is copied.
        after = log.count()
        wait_for(lambda: log.count() >= after + 200, timeout=60, what="writes after the backup")
        stop.set()
        written = sum(w.result() for w in writers)
    assert written > 100
    wait_for(lambda: client.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"] == "AVAILABLE",
             timeout=RESTORE_TIMEOUT_S, what="the backup")

    restored = unique_name("restored")
    client.restore_table_from_backup(TargetTableName=restored, BackupArn=arn)
    description = wait_restored(client, restored)
    moment = description["RestoreSummary"]["RestoreDateTime"].timestamp()
    assert_equals_state(scan_values(client, restored), log, moment, "restored from the backup")
    assert [i["IndexName"] for i in description["GlobalSecondaryIndexes"]] == ["byGroup"]
    assert server.stop() == 0
    assert_check_passes(server.data_dir)


def test_point_in_time_restores_after_kill_9_equal_each_chosen_second(server_factory):
    server = server_factory()
    client = server.client()
    table = unique_name("pitr")
    create_table(client, table, gsi=False)
    client.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    keys = [f"k{n:04d}" for n in range(2_000)]
    log = WriteLog({})

    stop = threading.Event()
    began = time.time()
    with ThreadPoolExecutor(4) as pool:
        writers = [pool.submit(writer, server.url, table, keys[w::4], log, stop, w, True) for w in range(4)]
        time.sleep(30)
        server.kill()
        server.start()
        time.sleep(30)
        stop.set()
        written = sum(w.result() for w in writers)
    assert written > 1_000
    # Five whole seconds (boto3 sends whole seconds): three before the kill, two after.
    first = math.ceil(began)
    chosen = [first + 5, first + 15, first + 25, first + 40, first + 55]
    client = server.client()
    for second in chosen:
        target = unique_name("at")
        client.restore_table_to_point_in_time(SourceTableName=table, TargetTableName=target, RestoreDateTime=second)
        wait_restored(client, target)
        assert_equals_state(scan_values(client, target), log, second, f"restored to {second - first}s")
