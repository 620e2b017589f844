"""File descriptors (issue 12): the server raises its open-files soft limit
to the hard one and keeps its tables' files within a budget derived from
it, closing idle tables' files and reopening them on demand. Under the
common limit of 1024 it serves DynamoDB's default quota of 2,500 tables,
each created, written and read; a request that cannot get descriptors at
all is refused with LimitExceededException, never a 500.

Every server here is started through `server_factory`, which stops it when
the test ends, whatever happens."""

from __future__ import annotations

import re
import shutil
import threading
import time

import pytest
from botocore.exceptions import ClientError

from helpers import (StrataServer, assert_check_passes, assert_client_error, assert_start_fails, create_hash_table,
                     join_all, unique_name)

pytestmark = [
    pytest.mark.needs_binary,  # every test here starts its own servers
    pytest.mark.skipif(shutil.which("prlimit") is None, reason="needs prlimit (util-linux)"),
]

LIMIT = 1024
TABLES = 2_500
CLIENTS = 8
# A bound on the whole run; it takes about 20 s on a 2-core machine.
DEADLINE_S = 300.0

_BUDGET = re.compile(r"connections=(\d+) limit=(\d+) raised_from=(\d+) reserve=(\d+) storage=(\d+)")
_ERROR_LINE = re.compile(r"^\S+ (error|critical) ", re.MULTILINE)


def logged_budget(server) -> dict[str, int]:
    match = _BUDGET.search(server.log_since_start())
    assert match, f"no descriptor budget in the log:\n{server.log_since_start()}"
    return dict(zip(("connections", "limit", "raised_from", "reserve", "storage"), map(int, match.groups())))


def under_limit(server_factory, *flags: str, limit: int = LIMIT):
    return server_factory(command_prefix=("prlimit", f"--nofile={limit}"), extra_args=flags)


@pytest.mark.slow
@pytest.mark.sqlite_only("the descriptor budget of the tables' SQLite files")
def test_2500_tables_are_created_written_and_read_under_a_1024_descriptor_limit(server_factory):
    server = under_limit(server_factory)
    budget = logged_budget(server)
    assert budget["limit"] == LIMIT and budget["storage"] + budget["reserve"] < LIMIT, budget

    names = [f"fd_{i:04d}_{unique_name('t')}" for i in range(TABLES)]
    started = time.monotonic()
    deadline = started + DEADLINE_S
    phases: dict[str, float] = {}
    peak = [server.open_descriptors()]
    failures: list[str] = []
    lock = threading.Lock()

    def run_phase(phase, action):
        """Runs `action(client, index, name)` for every table, spread over
        CLIENTS threads; notes the server's descriptors every 100 tables."""
        begun = time.monotonic()

        def work(offset):
            client = server.client()
            for index in range(offset, TABLES, CLIENTS):
                if time.monotonic() > deadline:
                    with lock:
                        failures.append(f"{phase}: past the {DEADLINE_S:.0f} s deadline at table {index}")
                    return
                try:
                    action(client, index, names[index])
                except Exception as error:  # noqa: BLE001 - reported below, with the table
                    with lock:
                        failures.append(f"{phase} {names[index]}: {error!r}")
                    return
                if index % 100 == 0:
                    count = server.open_descriptors()
                    with lock:
                        peak[0] = max(peak[0], count)

        threads = [threading.Thread(target=work, args=(offset,)) for offset in range(CLIENTS)]
        join_all(threads, timeout=DEADLINE_S, what=f"{phase} did not finish in time")
        phases[phase] = time.monotonic() - begun
        assert not failures, failures[:10]

    run_phase("CreateTable", lambda client, i, name: create_hash_table(client, name))
    run_phase("PutItem", lambda client, i, name: client.put_item(
        TableName=name, Item={"p": {"S": "key"}, "n": {"N": str(i)}}))

    def read_back(client, i, name):
        item = client.get_item(TableName=name, Key={"p": {"S": "key"}}, ConsistentRead=True).get("Item")
        assert item == {"p": {"S": "key"}, "n": {"N": str(i)}}, (name, item)

    run_phase("GetItem", read_back)
    total = time.monotonic() - started
    at_end = server.open_descriptors()
    peak[0] = max(peak[0], at_end)

    print(f"\n{TABLES} tables under prlimit --nofile={LIMIT} (storage budget {budget['storage']}, "
          f"{CLIENTS} clients): " + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in phases.items())
          + f", total {total:.1f} s; open descriptors at the end {at_end}, highest seen {peak[0]}")
    assert peak[0] < LIMIT
    assert at_end <= budget["storage"] + budget["reserve"], (at_end, budget)
    assert not _ERROR_LINE.search(server.log_since_start()), server.log_since_start()[-2000:]

    # Graceful shutdown closes everything cleanly; the directory checks out.
    assert server.stop() == 0, server.log_since_start()
    result = assert_check_passes(server.data_dir)
    assert f"{TABLES} tables" in result.stdout and f"{TABLES} items" in result.stdout, result.stdout


@pytest.mark.sqlite_only("the descriptor budget of the tables' SQLite files")
def test_a_request_that_cannot_get_descriptors_gets_limit_exceeded(server_factory):
    # One descriptor cannot open any table's files (2 for a writer).
    server = under_limit(server_factory, "--max-open-files", "1")
    assert logged_budget(server)["storage"] == 1
    client = server.client()
    name = create_hash_table(client, unique_name("fd"))
    # A table never written has no files to open: it reads as empty.
    assert "Item" not in client.get_item(TableName=name, Key={"p": {"S": "a"}})

    with pytest.raises(ClientError) as excinfo:
        client.put_item(TableName=name, Item={"p": {"S": "a"}})
    assert_client_error(excinfo, "LimitExceededException", contains="Too many open files")

    # Nothing was written, and the server goes on answering.
    assert client.describe_table(TableName=name)["Table"]["ItemCount"] == 0
    assert name in client.list_tables()["TableNames"]
    assert not _ERROR_LINE.search(server.log_since_start()), server.log_since_start()


@pytest.mark.sqlite_only("the descriptor budget of the tables' SQLite files")
def test_a_read_that_cannot_get_a_connection_gets_limit_exceeded(server_factory):
    # Room for a table's writer (2) but not for a reader beside it (2 more).
    server = under_limit(server_factory, "--max-open-files", "3")
    client = server.client()
    name = create_hash_table(client, unique_name("fd"))
    client.put_item(TableName=name, Item={"p": {"S": "a"}})
    with pytest.raises(ClientError) as excinfo:
        client.get_item(TableName=name, Key={"p": {"S": "a"}})
    assert_client_error(excinfo, "LimitExceededException", contains="Too many open files")
    # Writes still go through.
    client.put_item(TableName=name, Item={"p": {"S": "b"}})
    assert client.describe_table(TableName=name)["Table"]["ItemCount"] == 2


def test_the_soft_limit_is_raised_to_the_hard_limit(server_factory):
    server = server_factory(command_prefix=("prlimit", "--nofile=512:4096"))
    budget = logged_budget(server)
    assert budget["raised_from"] == 512 and budget["limit"] == 4096, budget
    with open(f"/proc/{server.pid}/limits") as limits:
        line = next(line for line in limits if line.startswith("Max open files"))
    assert line.split()[3:5] == ["4096", "4096"], line
    assert budget["storage"] == (4096 - budget["reserve"]) // 2
    assert budget["connections"] == 4096 - budget["reserve"] - budget["storage"]


@pytest.mark.parametrize("value", ["0", "many"])
def test_an_invalid_budget_is_refused(tmp_path, value):
    server = StrataServer(tmp_path / "data", tmp_path / "refused.log", extra_args=("--max-open-files", value))
    assert_start_fails(server)
    assert "max-open-files" in server.log_text() or "max_open_files" in server.log_text(), server.log_text()
