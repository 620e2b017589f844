"""Private files (issue 12): a data directory the server creates is 0700 and
every file in it 0600 (the catalog, the transaction log, each partition,
and SQLite's -wal files beside them), while it runs and after it stops.
There is no -shm file: the server keeps the logs' index in its memory. A `--data-dir` that already exists keeps its mode, with a warning in
the log at start-up if other users may look into it."""

from __future__ import annotations

import os
import stat

import pytest

from helpers import Connection, create_hash_table, unique_name

pytestmark = [pytest.mark.needs_binary, pytest.mark.sqlite_only("the modes of the SQLite files")]

WARNING = "The data directory is open to other users"


def modes(directory):
    """{relative path: (permission bits, is a directory)} of everything under `directory`."""
    result = {}
    for root, dirs, files in os.walk(directory):
        for name in dirs + files:
            path = os.path.join(root, name)
            status = os.lstat(path)
            result[os.path.relpath(path, directory)] = (stat.S_IMODE(status.st_mode), stat.S_ISDIR(status.st_mode))
    return result


def write_some(server, table):
    conn = Connection(server)
    try:
        for i in range(50):
            status, body = conn.call("PutItem", {"TableName": table, "Item": {"p": {"S": f"k{i}"}, "v": {"S": "x" * 500}}})
            assert status == 200, body
    finally:
        conn.close()


def assert_private(directory):
    found = modes(directory)
    assert "catalog.sqlite" in found and "transactions.sqlite" in found, found
    assert any(name.endswith(".sqlite") and name.startswith("tables/") for name in found), found
    wrong = {name: oct(mode) for name, (mode, is_dir) in found.items() if mode != (0o700 if is_dir else 0o600)}
    assert wrong == {}, f"not private: {wrong}"
    return found


def test_a_new_data_directory_and_its_files_are_private(server_factory, tmp_path):
    directory = tmp_path / "new" / "data"
    server = server_factory(data_dir=directory, partitions=2)
    client = server.client()
    write_some(server, create_hash_table(client, unique_name("private")))
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(directory.parent).st_mode) == 0o700  # created for it too
    found = assert_private(directory)
    assert any(name.endswith("-wal") for name in found) and not any(name.endswith("-shm") for name in found), found
    assert WARNING not in server.log_text()
    assert server.stop() == 0
    assert_private(directory)
    # A restart on its own directory has nothing to warn about either.
    server.start()
    write_some(server, create_hash_table(server.client(), unique_name("again")))
    assert_private(directory)
    assert WARNING not in server.log_text()


def test_an_existing_open_directory_keeps_its_mode_with_a_warning(server_factory, tmp_path):
    directory = tmp_path / "shared"
    directory.mkdir()
    os.chmod(directory, 0o755)
    server = server_factory(data_dir=directory)
    write_some(server, create_hash_table(server.client(), unique_name("shared")))
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o755
    found = modes(directory)
    files = {name: oct(mode) for name, (mode, is_dir) in found.items() if not is_dir}
    assert files and all(mode == oct(0o600) for mode in files.values()), files
    warnings = [line for line in server.log_text().splitlines() if WARNING in line]
    assert len(warnings) == 1, server.log_text()
    assert str(directory) in warnings[0] and "mode=755" in warnings[0] and "warning" in warnings[0].lower()


@pytest.mark.parametrize("mode", [0o750, 0o701])
def test_group_or_other_access_is_warned_about(server_factory, tmp_path, mode):
    directory = tmp_path / "data"
    directory.mkdir()
    os.chmod(directory, mode)
    server = server_factory(data_dir=directory)
    assert stat.S_IMODE(os.stat(directory).st_mode) == mode
    assert WARNING in server.log_text()


def test_an_existing_private_directory_is_not_warned_about(server_factory, tmp_path):
    directory = tmp_path / "data"
    directory.mkdir()
    os.chmod(directory, 0o700)
    server = server_factory(data_dir=directory)
    assert WARNING not in server.log_text()
