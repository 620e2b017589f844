"""Fixtures of Strata's end-to-end suite.

The suite runs the real `strata` binary (env STRATA_BINARY, default
<repo>/.build/release/strata) on loopback ports with temporary data
directories and drives it with boto3, the AWS CLI and raw HTTP.

- `strata`: one server for the whole session (default flags).
- `server_factory`: starts extra servers for a single test (own data dir,
  own flags); every one of them is stopped when the test ends.
- `dynamodb`: a boto3 client for `strata` (dummy credentials, no retries);
  `dynamodb_unchecked` also skips botocore's client-side parameter checks.
- `aws`: runs `aws dynamodb ...` against `strata`, returns the parsed JSON.
- `table` / `module_tables`: create uniquely named tables and delete them
  afterwards.

Test files per area: test_tables.py, test_items.py, test_http.py,
test_durability.py; later features (conditions, UpdateItem, Query/Scan...)
get their own files using the same fixtures.

STRATA_E2E_ENDPOINT=http://127.0.0.1:PORT runs the suite against that server
(e.g. DynamoDB Local): `strata` is then an ExternalServer for the URL, and
tests that start servers of their own are skipped ("needs a Strata binary").

Markers:
- `needs_binary`: the test starts, kills or restarts its own Strata server
  (set automatically for tests using `server_factory`).
- `strata_only("reason")`: behaviour DynamoDB Local lacks, or where it is
  known to differ from AWS DynamoDB; skipped when the endpoint is set.
- `sqlite_only("reason")`: about the SQLite engine's files (data
  directory, descriptors, integrity check); skipped when
  STRATA_E2E_POSTGRES runs the suite on the PostgreSQL engine.
- `slow`: long tests (rate windows, kill -9, concurrency); `scripts/test.sh
  --quick` runs `-m "not slow"`.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

pytest.register_assert_rewrite("helpers")

from helpers import (AwsCli, ExternalServer, StrataServer, e2e_endpoint, e2e_postgres, make_client, strata_binary,
                     running_server, unique_name)

NEEDS_BINARY = "needs a Strata binary"


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a long test (rate windows, kill -9, concurrency); "
                                       "scripts/test.sh --quick leaves it out")
    config.addinivalue_line("markers", "needs_binary: starts, kills or restarts its own Strata server")
    config.addinivalue_line("markers", "sqlite_only(reason): about the SQLite engine's files; "
                                       "skipped when STRATA_E2E_POSTGRES is set")
    config.addinivalue_line("markers", "strata_only(reason): behaviour DynamoDB Local lacks or gets wrong; "
                                       "skipped when STRATA_E2E_ENDPOINT is set")


def pytest_collection_modifyitems(config, items):
    if e2e_postgres():
        for item in items:
            marker = item.get_closest_marker("sqlite_only")
            if marker is not None:
                reason = marker.args[0] if marker.args else ""
                item.add_marker(pytest.mark.skip(reason=f"SQLite engine only: {reason}"))
    if not e2e_endpoint():
        return
    for item in items:
        if "server_factory" in item.fixturenames or item.get_closest_marker("needs_binary"):
            item.add_marker(pytest.mark.skip(reason=NEEDS_BINARY))
            continue
        marker = item.get_closest_marker("strata_only")
        if marker is not None:
            reason = marker.args[0] if marker.args else marker.kwargs.get("reason", "")
            item.add_marker(pytest.mark.skip(reason=f"Strata only: {reason}"))


def pytest_sessionstart(session):
    if e2e_endpoint():
        return
    binary = strata_binary()
    if not binary.is_file():
        raise pytest.UsageError(
            f"strata binary not found at {binary}: build it with "
            f"`swift build -c release --product strata` or set STRATA_BINARY")


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------

_REPORTED_SERVERS: list[StrataServer] = []


@pytest.fixture(scope="session")
def strata(tmp_path_factory):
    endpoint = e2e_endpoint()
    if endpoint:
        yield ExternalServer(endpoint)
        return
    with running_server(tmp_path_factory.mktemp("strata-session")) as server:
        _REPORTED_SERVERS.append(server)
        try:
            yield server
        finally:
            _REPORTED_SERVERS.remove(server)


@pytest.fixture
def server_factory(tmp_path):
    """`server_factory(**flags)` starts a new server on its own data dir
    (`data_dir=` to choose one). All of them are stopped after the test."""
    if e2e_endpoint():
        pytest.skip(NEEDS_BINARY)
    servers: list[StrataServer] = []

    def start(*, data_dir=None, name=None, **flags) -> StrataServer:
        name = name or f"server{len(servers)}"
        server = StrataServer(data_dir or tmp_path / f"{name}-data", tmp_path / f"{name}.log", **flags)
        servers.append(server)
        _REPORTED_SERVERS.append(server)
        return server.start()

    try:
        yield start
    finally:
        for server in servers:
            try:
                if server.running:
                    server.stop(timeout=10)
            except TimeoutError:
                pass
            finally:
                server.kill()
                _REPORTED_SERVERS.remove(server)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for server in _REPORTED_SERVERS:
            tail = "\n".join(server.log_text().splitlines()[-40:])
            report.sections.append((f"strata log {server.log_path.name} (last lines)", tail))


# ---------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def dynamodb(strata):
    return make_client(strata.url)


@pytest.fixture(scope="session")
def dynamodb_unchecked(strata):
    """A boto3 client that sends parameters botocore itself would refuse."""
    return make_client(strata.url, parameter_validation=False)


@pytest.fixture(scope="session")
def aws(strata, tmp_path_factory):
    return AwsCli(strata.url, tmp_path_factory.mktemp("aws-home"))


@pytest.fixture(scope="session")
def aws_for(tmp_path_factory):
    """`aws_for(server)`: an AWS CLI runner bound to another server."""
    home = tmp_path_factory.mktemp("aws-home-other")
    return lambda server: AwsCli(server.url, home)


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------

class TableFactory:
    """Creates uniquely named tables; `cleanup()` deletes the ones still there."""

    def __init__(self, client):
        self.client = client
        self.created: list[tuple[object, str]] = []

    def __call__(self, *, hash_key=("p", "S"), range_key=None, billing_mode="PAY_PER_REQUEST",
                 throughput=None, name=None, prefix="e2e", client=None, **extra) -> str:
        client = client or self.client
        name = name or unique_name(prefix)
        keys = [hash_key] + ([range_key] if range_key else [])
        params = dict(
            TableName=name,
            KeySchema=[{"AttributeName": n, "KeyType": kt} for (n, _), kt in zip(keys, ("HASH", "RANGE"))],
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in keys],
            **extra)
        if billing_mode is not None:
            params["BillingMode"] = billing_mode
        if throughput is not None:
            params["ProvisionedThroughput"] = {"ReadCapacityUnits": throughput[0],
                                               "WriteCapacityUnits": throughput[1]}
        client.create_table(**params)
        self.created.append((client, name))
        return name

    def track(self, name: str, client=None) -> str:
        """Deletes `name` at cleanup too (for tables created by other means)."""
        self.created.append((client or self.client, name))
        return name

    def cleanup(self):
        for client, name in reversed(self.created):
            try:
                client.delete_table(TableName=name)
            except ClientError as error:
                if error.response["Error"]["Code"] != "ResourceNotFoundException":
                    raise
            except Exception:
                pass  # that server is already gone
        self.created.clear()


def _tables(client):
    factory = TableFactory(client)
    try:
        yield factory
    finally:
        factory.cleanup()


@pytest.fixture
def table(dynamodb):
    """`table(hash_key=("p", "S"), range_key=None, billing_mode=..., throughput=...)`
    creates a table on the session server and returns its name."""
    yield from _tables(dynamodb)


@pytest.fixture(scope="module")
def module_tables(dynamodb):
    """Like `table`, but the tables live for the whole test module."""
    yield from _tables(dynamodb)


# Module-scoped tables of the common key shapes, shared by the test files.


@pytest.fixture(scope="module")
def t_s(module_tables):
    """Partition key p (S)."""
    return module_tables(hash_key=("p", "S"))


@pytest.fixture(scope="module")
def t_n(module_tables):
    """Partition key p (N)."""
    return module_tables(hash_key=("p", "N"))


@pytest.fixture(scope="module")
def t_b(module_tables):
    """Partition key p (B)."""
    return module_tables(hash_key=("p", "B"))


@pytest.fixture(scope="module")
def t_sc(module_tables):
    """Partition key p (S), sort key c (S)."""
    return module_tables(hash_key=("p", "S"), range_key=("c", "S"))


@pytest.fixture(scope="module")
def t_sn(module_tables):
    """Partition key p (S), sort key c (N)."""
    return module_tables(hash_key=("p", "S"), range_key=("c", "N"))
