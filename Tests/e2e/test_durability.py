"""Durability and process lifecycle: data survives graceful restarts and
SIGKILL under concurrent writes (with both durability levels), graceful
shutdown under load, in-memory mode, and file cleanup on DeleteTable.
`strata check` must pass on the stopped server's directory before each
restart after a kill.

Every server here is started through `server_factory`, which stops it when
the test ends, whatever happens."""

from __future__ import annotations

import base64
import http.client
import random
import signal
import threading

import pytest
from botocore.exceptions import ClientError

from helpers import (Connection, StrataServer, assert_check_passes, assert_client_error, assert_start_fails,
                     create_hash_table, files_under, unique_name, wait_for)

pytestmark = pytest.mark.needs_binary  # every test here starts its own servers

WRITERS = 6
MAX_WRITES_PER_THREAD = 50_000      # a bound on the loop; the kill comes long before
ACKED_BEFORE_KILL = 1_500           # the writers have done real work when the kill lands
WRITE_PHASE_TIMEOUT_S = 30.0


def create_table(server, name, *, range_key=None):
    keys = [("p", "S")] + ([range_key] if range_key else [])
    conn = Connection(server)
    try:
        status, body = conn.call("CreateTable", {
            "TableName": name, "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": n, "KeyType": kt} for (n, _), kt in zip(keys, ("HASH", "RANGE"))],
            "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t in keys]})
        assert status == 200, body
        return body["TableDescription"]
    finally:
        conn.close()


def writer_item(thread, seq, rng):
    return {
        "p": {"S": f"t{thread}-{seq}"},
        "thread": {"N": str(thread)},
        "seq": {"N": str(seq)},
        "payload": {"S": "".join(rng.choice("abcdefghijklmnopqrstuvwxyz\u00e9\u20ac") for _ in range(rng.randint(1, 300)))},
        "bin": {"B": base64.b64encode(rng.randbytes(rng.randint(1, 64))).decode()},
        "nested": {"M": {"l": {"L": [{"N": str(seq * 7)}, {"BOOL": seq % 2 == 0}, {"NULL": True}]},
                         "ss": {"SS": [f"a{seq}", f"b{seq}"]}}},
    }


class Writer(threading.Thread):
    """Puts distinct items as fast as it can, overwrites a per-thread counter
    item, and deletes some of its earlier items. Records what was sent and
    what was acknowledged (HTTP 200); stops at the first connection failure."""

    def __init__(self, server, table, index, stop):
        super().__init__(daemon=True)
        self.server, self.table, self.index, self.stop = server, table, index, stop
        self.rng = random.Random(index)
        self.acked: dict[str, dict] = {}          # key -> item, acknowledged puts
        self.deletes_sent: set[str] = set()
        self.deletes_acked: set[str] = set()
        self.counter_sent = -1
        self.counter_acked = -1
        self.unexpected: list[str] = []          # answers other than 200
        self.ended_by_failure = False
        self.puts_sent = 0

    @property
    def counter_key(self):
        return f"counter-{self.index}"

    def run(self):
        conn = Connection(self.server)
        try:
            for seq in range(MAX_WRITES_PER_THREAD):
                if self.stop.is_set():
                    return
                item = writer_item(self.index, seq, self.rng)
                self.puts_sent += 1
                status, body = conn.call("PutItem", {"TableName": self.table, "Item": item})
                if status != 200:
                    self.unexpected.append(f"PutItem {status} {body}")
                    continue
                self.acked[item["p"]["S"]] = item
                if seq % 4 == 0:
                    self.counter_sent = seq
                    status, body = conn.call("PutItem", {"TableName": self.table, "Item": {
                        "p": {"S": self.counter_key}, "v": {"N": str(seq)}}})
                    if status != 200:
                        self.unexpected.append(f"counter {status} {body}")
                        continue
                    self.counter_acked = seq
                if seq % 7 == 3:
                    victim = f"t{self.index}-{seq - 2}"
                    if victim in self.acked:
                        self.deletes_sent.add(victim)
                        status, body = conn.call("DeleteItem", {"TableName": self.table,
                                                                "Key": {"p": {"S": victim}}})
                        if status != 200:
                            self.unexpected.append(f"DeleteItem {status} {body}")
                            continue
                        self.deletes_acked.add(victim)
        except (OSError, http.client.HTTPException):
            self.ended_by_failure = True
        except Exception as error:  # anything else is a test bug or a malformed answer
            self.unexpected.append(repr(error))
        finally:
            conn.close()


def run_writers(server, table, stop):
    writers = [Writer(server, table, i, stop) for i in range(WRITERS)]
    for writer in writers:
        writer.start()
    return writers


def acked_count(writers):
    return sum(len(w.acked) for w in writers)


def join_all(writers, stop, *, ask_to_stop=True):
    """Waits for the writers; `ask_to_stop=False` lets them run into the dead server instead."""
    if ask_to_stop:
        stop.set()
    for writer in writers:
        writer.join(timeout=30)
    stop.set()
    assert not any(w.is_alive() for w in writers), "a writer did not finish"


def verify_writers(server, table, writers):
    """Every acknowledged write is there, with its exact content."""
    conn = Connection(server, timeout=30)
    missing, wrong, resurrected = [], [], []
    try:
        for writer in writers:
            for key, item in writer.acked.items():
                status, body = conn.call("GetItem", {"TableName": table, "Key": {"p": {"S": key}},
                                                     "ConsistentRead": True})
                assert status == 200, body
                stored = body.get("Item")
                if key in writer.deletes_acked:
                    if stored is not None:
                        resurrected.append(key)
                elif key in writer.deletes_sent:
                    assert stored is None or sets_sorted(stored) == sets_sorted(item), key  # either side
                elif stored is None:
                    missing.append(key)
                elif sets_sorted(stored) != sets_sorted(item):
                    wrong.append((key, item, stored))
            status, body = conn.call("GetItem", {"TableName": table, "Key": {"p": {"S": writer.counter_key}},
                                                 "ConsistentRead": True})
            if writer.counter_acked >= 0:
                stored = int(body["Item"]["v"]["N"])
                assert writer.counter_acked <= stored <= writer.counter_sent, (writer.index, stored)
        assert missing == [], f"{len(missing)} acknowledged puts lost, e.g. {missing[:5]}"
        assert wrong == [], f"{len(wrong)} items with wrong content, e.g. {wrong[:2]}"
        assert resurrected == [], f"{len(resurrected)} acknowledged deletes undone, e.g. {resurrected[:5]}"
    finally:
        conn.close()


def sets_sorted(value):
    """Sets sorted, so that items compare whatever order the server lists set members in."""
    if isinstance(value, dict):
        return {k: (sorted(v) if k in ("SS", "NS", "BS") else sets_sorted(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [sets_sorted(v) for v in value]
    return value


# ---------------------------------------------------------------------------
# kill -9 under concurrent writes
# ---------------------------------------------------------------------------

# With 16 partitions and room for the files of about 13 (3 descriptors
# each), writes keep closing idle partitions and reopening them; the 6
# writers never hold more than 6 at once, so none is refused.
CLOSING_IDLE_PARTITIONS = {"partitions": 16, "extra_args": ("--max-open-files", "40")}


@pytest.mark.slow
@pytest.mark.parametrize("flags", [{}, {"durability": "full"}, CLOSING_IDLE_PARTITIONS],
                         ids=["default", "full", "closing-idle-partitions"])
def test_sigkill_under_concurrent_writes_loses_no_acknowledged_write(server_factory, flags):
    server = server_factory(**flags)
    table = unique_name("kill")
    create_table(server, table)
    doomed = unique_name("doomed")
    create_table(server, doomed)
    conn = Connection(server)
    status, body = conn.call("DeleteTable", {"TableName": doomed})
    conn.close()
    assert status == 200, body

    stop = threading.Event()
    writers = run_writers(server, table, stop)
    try:
        wait_for(lambda: acked_count(writers) >= ACKED_BEFORE_KILL or not any(w.is_alive() for w in writers),
                 timeout=WRITE_PHASE_TIMEOUT_S, what=f"{ACKED_BEFORE_KILL} acknowledged writes")
        assert all(w.is_alive() for w in writers), [w.unexpected[:3] for w in writers]
        server.kill()                                  # SIGKILL while every writer is mid-stream
        join_all(writers, stop, ask_to_stop=False)     # each runs into the dead server
    finally:
        join_all(writers, stop)

    assert [u for w in writers for u in w.unexpected] == []
    assert all(w.ended_by_failure for w in writers), "every writer should have been cut off by the kill"
    total = acked_count(writers)
    assert total >= ACKED_BEFORE_KILL

    assert_check_passes(server.data_dir)              # what the kill left, before a start touches it
    server.start()
    verify_writers(server, table, writers)
    conn = Connection(server)
    try:
        status, body = conn.call("DescribeTable", {"TableName": table})
        assert status == 200, body
        present_at_least = total - sum(len(w.deletes_sent) for w in writers)
        sent = sum(w.puts_sent for w in writers) + WRITERS
        assert present_at_least <= body["Table"]["ItemCount"] <= sent
        status, body = conn.call("DescribeTable", {"TableName": doomed})
        assert status == 400 and body["__type"].endswith("#ResourceNotFoundException"), body
        # The restarted server takes writes again.
        status, body = conn.call("PutItem", {"TableName": table, "Item": {"p": {"S": "after-restart"}}})
        assert status == 200, body
    finally:
        conn.close()


@pytest.mark.slow
def test_sigkill_right_after_acknowledged_writes(server_factory):
    """No concurrency: one put, one delete, one create, then SIGKILL at once."""
    server = server_factory()
    client = server.client()
    name = unique_name("quick")
    create_hash_table(client, name)
    client.put_item(TableName=name, Item={"p": {"S": "stay"}, "v": {"S": "1"}})
    client.put_item(TableName=name, Item={"p": {"S": "go"}, "v": {"S": "1"}})
    client.delete_item(TableName=name, Key={"p": {"S": "go"}})
    client.put_item(TableName=name, Item={"p": {"S": "stay"}, "v": {"S": "2"}})
    server.restart(kill=True, check=True)
    client = server.client()
    assert client.get_item(TableName=name, Key={"p": {"S": "stay"}}, ConsistentRead=True)["Item"] == \
        {"p": {"S": "stay"}, "v": {"S": "2"}}
    assert "Item" not in client.get_item(TableName=name, Key={"p": {"S": "go"}}, ConsistentRead=True)


# ---------------------------------------------------------------------------
# Graceful restarts
# ---------------------------------------------------------------------------

STABLE_FIELDS = ("TableName", "TableArn", "TableId", "CreationDateTime", "KeySchema", "AttributeDefinitions",
                 "BillingModeSummary", "ProvisionedThroughput", "ItemCount", "TableSizeBytes", "TableStatus")


def test_data_persists_across_graceful_restart(server_factory):
    server = server_factory()
    client = server.client()
    s_table, sn_table, b_table, gone_table = (unique_name(x) for x in ("s", "sn", "b", "gone"))
    create_hash_table(client, s_table)
    client.create_table(TableName=sn_table, ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
                        KeySchema=[{"AttributeName": "p", "KeyType": "HASH"}, {"AttributeName": "c", "KeyType": "RANGE"}],
                        AttributeDefinitions=[{"AttributeName": "p", "AttributeType": "S"},
                                              {"AttributeName": "c", "AttributeType": "N"}])
    client.create_table(TableName=b_table, BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "B"}])
    create_hash_table(client, gone_table)

    rich = {"p": {"S": "rich"}, "s": {"S": "h\u00e9\x00llo"}, "n": {"N": "-1.5"}, "b": {"B": b"\x00\xff"},
            "t": {"BOOL": True}, "z": {"NULL": True}, "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]},
            "bs": {"BS": [b"x", b"y"]}, "m": {"M": {"l": {"L": [{"S": "x"}, {"M": {}}]}}}, "e": {"S": ""}}
    client.put_item(TableName=s_table, Item=rich)
    for i in range(200):
        client.put_item(TableName=s_table, Item={"p": {"S": f"k{i}"}, "i": {"N": str(i)}})
    for i in range(0, 200, 10):
        client.delete_item(TableName=s_table, Key={"p": {"S": f"k{i}"}})
    for c in ("1", "-2.5", "1e10"):
        client.put_item(TableName=sn_table, Item={"p": {"S": "x"}, "c": {"N": c}})
    client.put_item(TableName=b_table, Item={"k": {"B": b"\x00\x01"}, "v": {"S": "bin"}})
    client.update_table(TableName=sn_table, ProvisionedThroughput={"ReadCapacityUnits": 6, "WriteCapacityUnits": 8})
    client.update_table(TableName=b_table, BillingMode="PROVISIONED",
                        ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 2})
    client.delete_table(TableName=gone_table)

    before = {t: client.describe_table(TableName=t)["Table"] for t in (s_table, sn_table, b_table)}
    listed_before = client.list_tables()["TableNames"]

    for how in ("SIGTERM", "SIGINT", "SIGKILL"):
        if how == "SIGKILL":
            server.restart(kill=True, check=True)
        else:
            code = server.stop(signum=getattr(signal, how))
            assert code == 0, f"{how}: exit code {code}\n{server.log_since_start()}"
            assert_check_passes(server.data_dir)
            server.start()
        client = server.client()
        assert client.list_tables()["TableNames"] == listed_before, how
        assert gone_table not in listed_before
        for table, desc in before.items():
            after = client.describe_table(TableName=table)["Table"]
            for field in STABLE_FIELDS:
                assert after.get(field) == desc.get(field), (how, table, field)
        got = client.get_item(TableName=s_table, Key={"p": {"S": "rich"}}, ConsistentRead=True)["Item"]
        assert sets_sorted(got) == sets_sorted(rich), how
        for i in range(200):
            item = client.get_item(TableName=s_table, Key={"p": {"S": f"k{i}"}}, ConsistentRead=True).get("Item")
            assert item == (None if i % 10 == 0 else {"p": {"S": f"k{i}"}, "i": {"N": str(i)}}), (how, i)
        assert client.get_item(TableName=sn_table, Key={"p": {"S": "x"}, "c": {"N": "10000000000"}},
                               ConsistentRead=True)["Item"]["c"] == {"N": "10000000000"}
        assert client.get_item(TableName=b_table, Key={"k": {"B": b"\x00\x01"}},
                               ConsistentRead=True)["Item"]["v"] == {"S": "bin"}
        with pytest.raises(ClientError) as err:
            client.describe_table(TableName=gone_table)
        assert_client_error(err, "ResourceNotFoundException")


@pytest.mark.slow
def test_graceful_shutdown_under_load(server_factory):
    server = server_factory()
    table = unique_name("term")
    create_table(server, table)
    stop = threading.Event()
    writers = run_writers(server, table, stop)
    try:
        wait_for(lambda: acked_count(writers) >= 500 or not any(w.is_alive() for w in writers),
                 timeout=WRITE_PHASE_TIMEOUT_S, what="500 acknowledged writes")
        assert all(w.is_alive() for w in writers)
        code = server.stop()
    finally:
        join_all(writers, stop)
    assert code == 0, server.log_since_start()
    # Requests in flight were answered, not failed with a server error.
    assert [u for w in writers for u in w.unexpected] == []
    server.start()
    verify_writers(server, table, writers)


def test_restart_with_other_partition_count_keeps_existing_tables(server_factory):
    server = server_factory(partitions=2)
    client = server.client()
    name = unique_name("parts")
    create_hash_table(client, name)
    for i in range(150):
        client.put_item(TableName=name, Item={"p": {"S": f"k{i}"}, "i": {"N": str(i)}})
    server.restart(partitions=5)
    client = server.client()
    for i in range(150):
        assert client.get_item(TableName=name, Key={"p": {"S": f"k{i}"}})["Item"]["i"] == {"N": str(i)}
    assert client.describe_table(TableName=name)["Table"]["ItemCount"] == 150
    other = unique_name("parts")
    create_hash_table(client, other)
    for i in range(50):
        client.put_item(TableName=other, Item={"p": {"S": f"k{i}"}})
    assert client.describe_table(TableName=other)["Table"]["ItemCount"] == 50


@pytest.mark.parametrize("partitions", [1, 16])
def test_partition_counts(server_factory, partitions):
    server = server_factory(partitions=partitions)
    client = server.client()
    name = unique_name("pc")
    create_hash_table(client, name, "N")
    for i in range(100):
        client.put_item(TableName=name, Item={"p": {"N": str(i)}, "sq": {"N": str(i * i)}})
    server.restart(kill=True, check=True)
    client = server.client()
    for i in range(100):
        assert client.get_item(TableName=name, Key={"p": {"N": str(i)}})["Item"]["sq"] == {"N": str(i * i)}


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------

@pytest.mark.sqlite_only("--in-memory is the SQLite engine's")
def test_in_memory_mode_writes_no_files_and_forgets_on_restart(server_factory, tmp_path):
    data_dir = tmp_path / "memory-data"
    data_dir.mkdir()
    server = server_factory(data_dir=data_dir, in_memory=True)
    client = server.client()
    name = unique_name("mem")
    create_hash_table(client, name)
    for i in range(50):
        client.put_item(TableName=name, Item={"p": {"S": f"k{i}"}, "v": {"S": "x" * 1000}})
    assert client.get_item(TableName=name, Key={"p": {"S": "k7"}})["Item"]["v"] == {"S": "x" * 1000}
    client.delete_item(TableName=name, Key={"p": {"S": "k8"}})
    assert client.describe_table(TableName=name)["Table"]["ItemCount"] == 49
    assert files_under(data_dir) == set()
    assert server.stop() == 0
    assert files_under(data_dir) == set()

    server.start()
    client = server.client()
    assert name not in client.list_tables()["TableNames"]
    with pytest.raises(ClientError) as err:
        client.describe_table(TableName=name)
    assert_client_error(err, "ResourceNotFoundException")
    assert files_under(data_dir) == set()


@pytest.mark.sqlite_only("a table's SQLite files")
def test_delete_table_removes_its_files(server_factory):
    server = server_factory()
    client = server.client()
    warm_up = unique_name("warm")
    create_hash_table(client, warm_up)
    client.put_item(TableName=warm_up, Item={"p": {"S": "x"}})
    before = files_under(server.data_dir)

    name = unique_name("files")
    create_hash_table(client, name)
    for i in range(100):
        client.put_item(TableName=name, Item={"p": {"S": f"k{i}"}, "v": {"S": "y" * 500}})
    table_files = files_under(server.data_dir) - before
    assert table_files, "a table with items should have files of its own"

    client.delete_table(TableName=name)
    assert files_under(server.data_dir) & table_files == set()
    # The other table is untouched, also after a restart.
    server.restart()
    client = server.client()
    assert client.get_item(TableName=warm_up, Key={"p": {"S": "x"}})["Item"] == {"p": {"S": "x"}}
    assert files_under(server.data_dir) & table_files == set()


# ---------------------------------------------------------------------------
# Start-up failures end the process instead of leaving it half started
# ---------------------------------------------------------------------------

def test_port_in_use_is_a_clean_start_up_failure(strata, tmp_path):
    server = StrataServer(tmp_path / "data", tmp_path / "busy.log")
    server.port = strata.port          # already taken by the session server
    assert_start_fails(server)
    # The server that owns the port is unaffected.
    assert "TableNames" in strata.client().list_tables()


@pytest.mark.parametrize("flags", [("--durability", "sometimes"), ("--partitions", "0"),
                                   ("--port", "70000"), ("--no-such-flag",)])
def test_invalid_flags_are_refused(tmp_path, flags):
    server = StrataServer(tmp_path / "data", tmp_path / "flags.log", extra_args=flags)
    assert_start_fails(server)
    assert server.log_text().strip(), "the reason should be printed"
