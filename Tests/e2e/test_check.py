"""`strata check --data-dir DIR`, the integrity check of a stopped server's
directory: it passes on what the server wrote, names the file of an item
corrupted behind the server's back, refuses a directory that is not one
and a running server's,
and a file from a newer build of Strata stops the server at start-up with
its name and both versions.

Every server here is started through `server_factory`, which stops it when
the test ends, whatever happens."""

from __future__ import annotations

import re
import sqlite3
import subprocess

import pytest

from helpers import (StrataServer, assert_check_passes, assert_start_fails, create_hash_table, strata_binary,
                     strata_check, unique_name)

PARTITIONS = 4
ITEMS = 40

NEWER_VERSION = 7
NEWER_VERSION_MESSAGE = f"has format version {NEWER_VERSION}, but this build of Strata reads at most version 1"


def stopped_server_with_items(server_factory):
    """A server's directory holding one table of ITEMS items, the server stopped."""
    server = server_factory(partitions=PARTITIONS)
    client = server.client()
    name = create_hash_table(client, unique_name("check"))
    for i in range(ITEMS):
        client.put_item(TableName=name, Item={"p": {"S": f"k{i}"}, "v": {"S": "x" * i}})
    assert server.stop() == 0, server.log_since_start()
    return server


def partition_files(data_dir):
    files = sorted(data_dir.glob("tables/*/p*.sqlite"))
    assert len(files) == PARTITIONS, files
    return files


def item_count(path):
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM items").fetchone()[0]


def set_user_version(path, version):
    db = sqlite3.connect(path)
    try:
        db.execute(f"PRAGMA user_version = {version}")
    finally:
        db.close()


@pytest.mark.sqlite_only("strata check reads the SQLite files")
def test_check_passes_and_counts_what_it_read(server_factory):
    server = stopped_server_with_items(server_factory)
    result = assert_check_passes(server.data_dir)
    assert f"1 tables, {PARTITIONS} partitions, {ITEMS} items in {PARTITIONS + 2} files: no problems" in result.stdout, \
        result.stdout


@pytest.mark.sqlite_only("strata check reads the SQLite files")
def test_check_names_the_file_of_a_corrupted_item(server_factory):
    server = stopped_server_with_items(server_factory)
    corrupted = next(path for path in partition_files(server.data_dir) if item_count(path) > 0)
    db = sqlite3.connect(corrupted)
    try:
        # 0x02 is not the item format's version byte: the value can never decode.
        db.execute("UPDATE items SET v = X'02' || randomblob(16) WHERE id = (SELECT min(id) FROM items)")
        db.commit()
    finally:
        db.close()

    result = strata_check(server.data_dir)
    assert result.returncode != 0, result.stdout
    relative = str(corrupted.relative_to(server.data_dir))
    findings = [line for line in result.stdout.splitlines() if relative in line]
    assert len(findings) == 1 and "does not decode" in findings[0], result.stdout
    assert re.search(r"\b1 problem\b", result.stdout), result.stdout


def test_check_refuses_a_directory_that_is_not_a_data_directory(tmp_path):
    missing = tmp_path / "missing"
    result = strata_check(missing)
    assert result.returncode != 0
    assert f"{missing} is not a Strata data directory" in result.stderr, result.stderr
    assert not missing.exists(), "check must not create the directory"

    empty = tmp_path / "empty"
    empty.mkdir()
    result = strata_check(empty)
    assert result.returncode != 0
    assert "is not a Strata data directory" in result.stderr, result.stderr
    assert list(empty.iterdir()) == [], "check must not write into the directory"


@pytest.mark.sqlite_only("strata check reads the SQLite files")
def test_check_refuses_a_running_servers_directory(server_factory):
    # The server holds its files locked: the check says so at once
    # instead of waiting on every file.
    server = server_factory(partitions=PARTITIONS)
    create_hash_table(server.client(), unique_name("live"))
    result = strata_check(server.data_dir, timeout=10)
    assert result.returncode != 0, result.stdout
    assert result.stderr.startswith(f"Error: Another Strata process is using the data directory {server.data_dir}"), \
        result.stderr
    assert server.client().list_tables()["TableNames"], "the server goes on answering"


@pytest.mark.sqlite_only("the format version is the SQLite files'")
def test_a_file_from_a_newer_build_stops_the_server_and_fails_the_check(server_factory, tmp_path):
    server = stopped_server_with_items(server_factory)
    newer = partition_files(server.data_dir)[-1]
    set_user_version(newer, NEWER_VERSION)

    refused = StrataServer(server.data_dir, tmp_path / "refused.log")
    assert_start_fails(refused)
    assert f"{newer} {NEWER_VERSION_MESSAGE}" in refused.log_text(), refused.log_text()
    assert "Fatal error" not in refused.log_text(), "a refusal is a message, not a crash"

    result = strata_check(server.data_dir)
    assert result.returncode != 0
    assert f"{newer}: {NEWER_VERSION_MESSAGE}" in result.stdout, result.stdout


def test_help_lists_the_subcommands_and_the_server_flags():
    top = subprocess.run([str(strata_binary()), "--help"], capture_output=True, text=True, timeout=20)
    assert top.returncode == 0
    assert "serve (default)" in top.stdout and "check" in top.stdout, top.stdout
    serve = subprocess.run([str(strata_binary()), "serve", "--help"], capture_output=True, text=True, timeout=20)
    assert serve.returncode == 0
    assert "--port" in serve.stdout and "--data-dir" in serve.stdout, serve.stdout
