"""Helpers shared by the end-to-end tests: the server process wrapper, client
construction, the AWS CLI runner, raw HTTP requests and error assertions.

Fixtures live in conftest.py; everything here is plain Python so that test
files can import it (`from helpers import ...`).
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BINARY = REPO_ROOT / ".build" / "release" / "strata"
REGION = "us-east-1"
ACCESS_KEY = "AKIDSTRATAE2ETESTING"
SECRET_KEY = "strata-e2e-dummy-secret-key"
TARGET_PREFIX = "DynamoDB_20120810."

# Deadlines: every wait in the suite is bounded by one of these.
STARTUP_TIMEOUT_S = 20.0
SHUTDOWN_TIMEOUT_S = 20.0
CHECK_TIMEOUT_S = 60.0
POLL_INTERVAL_S = 0.01

# Keep boto3 and the CLI away from any real AWS configuration.
for _name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
              "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ENDPOINT_URL",
              "AWS_ENDPOINT_URL_DYNAMODB"):
    os.environ.pop(_name, None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


def strata_binary() -> Path:
    return Path(os.environ.get("STRATA_BINARY") or DEFAULT_BINARY)


def e2e_endpoint() -> str | None:
    """STRATA_E2E_ENDPOINT: run the suite against the server at this URL
    (e.g. DynamoDB Local) instead of starting the Strata binary."""
    return os.environ.get("STRATA_E2E_ENDPOINT") or None


def e2e_postgres() -> str | None:
    """STRATA_E2E_POSTGRES=postgres://USER@/?host=SOCKET_DIR (what
    `scripts/postgres.sh start` prints): every server the suite starts runs
    on the PostgreSQL engine, each data directory standing for a database
    of its own there, so that a restart finds its tables again."""
    return os.environ.get("STRATA_E2E_POSTGRES") or None


def postgres_storage_for(data_dir: Path) -> str:
    """The --storage URL of the database that stands for `data_dir`,
    created on first use."""
    base = urllib.parse.urlsplit(e2e_postgres())
    name = "strata_" + uuid.uuid5(uuid.NAMESPACE_URL, str(Path(data_dir).resolve())).hex[:20]
    query = urllib.parse.parse_qs(base.query)
    host = query.get("host", ["localhost"])[0]
    user = base.username or "postgres"
    exists = subprocess.run(["psql", "-h", host, "-U", user, "-d", "postgres", "-tAc",
                             f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                            capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL).stdout.strip()
    if exists != "1":
        subprocess.run(["psql", "-h", host, "-U", user, "-d", "postgres", "-qc", f"CREATE DATABASE {name}"],
                       capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL)
    return urllib.parse.urlunsplit((base.scheme, base.netloc, "/" + name, base.query, ""))


def unique_name(prefix: str = "e2e") -> str:
    """A table name no other test uses (valid: [a-zA-Z0-9_.-], 3..255)."""
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


# ---------------------------------------------------------------------------
# The server process
# ---------------------------------------------------------------------------

_LIVE_SERVERS: set["StrataServer"] = set()
_LIVE_LOCK = threading.Lock()


def _kill_leftovers() -> None:
    with _LIVE_LOCK:
        servers = list(_LIVE_SERVERS)
    for server in servers:
        server.kill()


atexit.register(_kill_leftovers)

_LISTENING = re.compile(r"Strata listening")
_PORT = re.compile(r"\bport(?:=|\":\")(\d+)")  # text or JSON logs


class ServerExited(RuntimeError):
    pass


class StrataServer:
    """One `strata` process on a loopback port with its own data directory.

    The first start uses `--port 0` and reads the chosen port from the log;
    restarts reuse that port so that clients built for `url` keep working.
    `command_prefix` runs the binary through another command, such as
    `("prlimit", "--nofile=1024")`; `pid` is then the binary's own process,
    since such a command execs it.
    """

    def __init__(self, data_dir: Path, log_path: Path, *, in_memory: bool = False,
                 durability: str | None = None, partitions: int | None = None,
                 extra_args: tuple[str, ...] = (), binary: Path | None = None,
                 command_prefix: tuple[str, ...] = ()):
        self.binary = Path(binary or strata_binary())
        self.data_dir = Path(data_dir)
        # ExportTableToPointInTime's and ImportTable's S3, beside the data.
        self.export_dir = self.data_dir.parent / (self.data_dir.name + "-exports")
        self.log_path = Path(log_path)
        self.in_memory = in_memory
        self.durability = durability
        self.partitions = partitions
        self.extra_args = tuple(extra_args)
        self.command_prefix = tuple(command_prefix)
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        self._log_offset = 0

    # -- lifecycle ---------------------------------------------------------

    @property
    def url(self) -> str:
        assert self.port is not None, "server was never started"
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int:
        assert self.process is not None, "server was never started"
        return self.process.pid

    def open_descriptors(self) -> int:
        """How many file descriptors the server holds now (Linux)."""
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def command(self) -> list[str]:
        args = list(self.command_prefix) + [str(self.binary), "--host", "127.0.0.1", "--port", str(self.port or 0),
                "--data-dir", str(self.data_dir), "--export-dir", str(self.export_dir), "--log-level", "info"]
        if self.in_memory and not e2e_postgres():
            args.append("--in-memory")
        if self.durability:
            args += ["--durability", self.durability]
        if self.partitions is not None:
            args += ["--partitions", str(self.partitions)]
        if e2e_postgres() and not any(arg.startswith("--storage") for arg in self.extra_args):
            args += ["--storage", postgres_storage_for(self.data_dir)]
        return args + list(self.extra_args)

    def start(self, timeout: float = STARTUP_TIMEOUT_S) -> "StrataServer":
        assert not self.running, "server already running"
        if not self.binary.is_file():
            raise FileNotFoundError(
                f"strata binary not found at {self.binary}; build it with "
                f"`swift build -c release --product strata` or set STRATA_BINARY")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        # Only the environment the server needs: no STRATA_* leaking in from the caller.
        env = {k: v for k, v in os.environ.items() if not k.startswith("STRATA_")}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=log, env=env)
        with _LIVE_LOCK:
            _LIVE_SERVERS.add(self)
        try:
            deadline = time.monotonic() + timeout
            port = self._wait_for_port(deadline)
            if self.port is not None:
                assert port == self.port, f"restarted on port {port}, expected {self.port}"
            self.port = port
            self._wait_until_healthy(deadline)
        except BaseException:
            self.kill()
            raise
        return self

    def _wait_for_port(self, deadline: float) -> int:
        while True:
            for line in self.log_since_start().splitlines():
                if _LISTENING.search(line):
                    match = _PORT.search(line)
                    if match:
                        return int(match.group(1))
            if self.process.poll() is not None:
                raise ServerExited(f"strata exited with {self.process.returncode} before listening:\n"
                                   f"{self.log_since_start()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"strata did not log its port in time:\n{self.log_since_start()}")
            time.sleep(POLL_INTERVAL_S)

    def _wait_until_healthy(self, deadline: float) -> None:
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerExited(f"strata exited with {self.process.returncode}:\n{self.log_since_start()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                try:
                    conn.request("GET", "/")
                    response = conn.getresponse()
                    body = response.read()
                    if response.status == 200 and body.startswith(b"healthy"):
                        return
                    last_error = RuntimeError(f"health check answered {response.status} {body!r}")
                finally:
                    conn.close()
            except OSError as error:
                last_error = error
            time.sleep(POLL_INTERVAL_S)
        raise TimeoutError(f"strata never answered GET / ({last_error}):\n{self.log_since_start()}")

    def _signal_and_wait(self, signum: int, timeout: float) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            if self.process.poll() is not None:
                with _LIVE_LOCK:
                    _LIVE_SERVERS.discard(self)

    def stop(self, timeout: float = SHUTDOWN_TIMEOUT_S, signum: int = signal.SIGTERM) -> int | None:
        """Graceful shutdown: SIGTERM (or SIGINT) and wait. Returns the exit code.

        If the process does not exit in time it is killed and TimeoutError raised.
        """
        try:
            return self._signal_and_wait(signum, timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise TimeoutError(f"strata did not exit within {timeout}s of signal {signum}:\n"
                               f"{self.log_since_start()}") from None

    def kill(self) -> int | None:
        """SIGKILL and wait."""
        return self._signal_and_wait(signal.SIGKILL, SHUTDOWN_TIMEOUT_S)

    def restart(self, *, kill: bool = False, check: bool = False, **changes) -> "StrataServer":
        """Stop (gracefully, or with SIGKILL) and start again on the same data
        directory and port. With `check`, `strata check` must pass on the
        stopped server's directory first. Other keyword arguments change flags
        for the new run."""
        if kill:
            self.kill()
        else:
            code = self.stop()
            assert code == 0, f"graceful shutdown exited with {code}:\n{self.log_since_start()}"
        if check:
            assert_check_passes(self.data_dir)
        for key, value in changes.items():
            assert hasattr(self, key), key
            setattr(self, key, value)
        return self.start()

    # -- diagnostics -------------------------------------------------------

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_since_start(self) -> str:
        try:
            with open(self.log_path, "rb") as f:
                f.seek(self._log_offset)
                return f.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def client(self, service: str = "dynamodb", **config):
        return make_client(self.url, service, **config)

    def __repr__(self) -> str:
        return f"<StrataServer {self.url if self.port else '(not started)'} data={self.data_dir}>"


class ExternalServer:
    """The server at STRATA_E2E_ENDPOINT, in place of the session's
    StrataServer: it has a URL, a host and a port, and nothing to start,
    stop or read logs from."""

    running = True

    def __init__(self, url: str):
        parsed = urllib.parse.urlsplit(url)
        assert parsed.scheme == "http" and parsed.hostname and parsed.port, \
            f"STRATA_E2E_ENDPOINT must look like http://127.0.0.1:8000, not {url!r}"
        self.host = parsed.hostname
        self.port = parsed.port
        self.url = f"http://{self.host}:{self.port}"

    def log_text(self) -> str:
        return ""

    def client(self, service: str = "dynamodb", **config):
        return make_client(self.url, service, **config)

    def __repr__(self) -> str:
        return f"<ExternalServer {self.url}>"


# ---------------------------------------------------------------------------
# strata check
# ---------------------------------------------------------------------------

@contextlib.contextmanager
def running_server(root: Path):
    """A server on its own data directory under `root`, started, and
    stopped (killed if it will not stop) when the block ends."""
    server = StrataServer(root / "data", root / "strata.log")
    try:
        server.start()
        yield server
    finally:
        try:
            server.stop()
        finally:
            server.kill()


def strata_check(data_dir: Path, *, binary: Path | None = None,
                 timeout: float = CHECK_TIMEOUT_S) -> subprocess.CompletedProcess:
    """Runs `strata check --data-dir DATA_DIR` (on a stopped server's
    directory) and returns the finished process, output as text."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRATA_")}
    return subprocess.run([str(binary or strata_binary()), "check", "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL)


def assert_check_passes(data_dir: Path) -> subprocess.CompletedProcess | None:
    """`strata check` passes on a stopped server's directory; on the
    PostgreSQL engine there are no files to check (None)."""
    if e2e_postgres():
        return None
    result = strata_check(data_dir)
    assert result.returncode == 0, \
        f"strata check exited {result.returncode} on {data_dir}:\n{result.stdout}{result.stderr}"
    return result


# ---------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------

def make_client(url: str, service: str = "dynamodb", **config):
    """A boto3 client of `service` ("dynamodb" or "dynamodbstreams") for `url`."""
    options = dict(retries={"max_attempts": 0}, connect_timeout=5, read_timeout=30)
    options.update(config)
    return boto3.session.Session().client(
        service, endpoint_url=url, region_name=REGION,
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        config=Config(**options))


class AwsCliError(Exception):
    def __init__(self, args, returncode, stdout, stderr):
        super().__init__(f"aws {' '.join(args)} exited {returncode}: {stderr.strip()}")
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def _aws_cli_command() -> list[str]:
    found = shutil.which("aws")
    if found:
        return [found]
    return [sys.executable, "-m", "awscli"]


class AwsCli:
    """Runs `aws dynamodb <args> --endpoint-url URL --output json` with dummy
    credentials and no configuration files; returns the parsed JSON output
    (None when the command prints nothing) or raises AwsCliError."""

    def __init__(self, url: str, home: Path):
        self.url = url
        self.home = Path(home)
        self.home.mkdir(parents=True, exist_ok=True)
        self.command = _aws_cli_command()

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({
            "HOME": str(self.home),
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": str(self.home / "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.home / "no-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_RETRY_MODE": "standard",
            "AWS_PAGER": "",
        })
        return env

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        argv = self.command + ["dynamodb", *args, "--endpoint-url", self.url, "--output", "json"]
        return subprocess.run(argv, env=self.env(), capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)

    def __call__(self, *args: str, timeout: float = 60):
        result = self.run(*args, timeout=timeout)
        if result.returncode != 0:
            raise AwsCliError(args, result.returncode, result.stdout, result.stderr)
        return json.loads(result.stdout) if result.stdout.strip() else None


# ---------------------------------------------------------------------------
# Raw HTTP
# ---------------------------------------------------------------------------

class RawResponse:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    @property
    def error_type(self) -> str:
        return self.json().get("__type", "")

    def __repr__(self) -> str:
        return f"<RawResponse {self.status} {self.body[:300]!r}>"


def signed_headers(url: str, operation: str, body: bytes,
                   content_type: str = "application/x-amz-json-1.0") -> dict[str, str]:
    """Headers of a SigV4-signed DynamoDB request, as an SDK would send them."""
    request = botocore.awsrequest.AWSRequest(method="POST", url=url + "/", data=body, headers={
        "Content-Type": content_type,
        "X-Amz-Target": TARGET_PREFIX + operation,
    })
    credentials = botocore.credentials.Credentials(ACCESS_KEY, SECRET_KEY)
    botocore.auth.SigV4Auth(credentials, "dynamodb", REGION).add_auth(request)
    return dict(request.headers.items())


def raw_request(url: str, operation: str | None, body: bytes | str | dict,
                headers: dict[str, str] | None = None, method: str = "POST", path: str = "/",
                timeout: float = 30) -> RawResponse:
    """One request on a fresh connection. `operation=None` sends no X-Amz-Target."""
    if isinstance(body, dict):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    if operation is not None:
        all_headers = signed_headers(url, operation, body)
    else:
        all_headers = {"Content-Type": "application/x-amz-json-1.0"}
    all_headers.update(headers or {})
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, body=body if method != "GET" else None, headers=all_headers)
        response = conn.getresponse()
        return RawResponse(response.status, response.headers, response.read())
    finally:
        conn.close()


# ---------------------------------------------------------------------------
# Assertions
# ---------------------------------------------------------------------------

def error_of(excinfo) -> tuple[str, str]:
    """(code, message) of a pytest.raises(ClientError) result."""
    error = excinfo.value if hasattr(excinfo, "value") else excinfo
    assert isinstance(error, ClientError), error
    return error.response["Error"]["Code"], error.response["Error"].get("Message", "")


def assert_client_error(excinfo, code: str, message: str | None = None, *, contains=(),
                        status: int = 400) -> str:
    """Checks a ClientError's code, HTTP status and message (exact, or substrings)."""
    error = excinfo.value
    actual_code, actual_message = error_of(excinfo)
    assert actual_code == code, f"expected {code}, got {actual_code}: {actual_message}"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == status
    if message is not None:
        assert actual_message == message
    for part in ([contains] if isinstance(contains, str) else contains):
        assert part in actual_message, f"{part!r} not in {actual_message!r}"
    return actual_message


def wait_for(condition, *, timeout: float, what: str, interval: float = POLL_INTERVAL_S):
    """Polls `condition()` until it returns a truthy value or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def assert_start_fails(server) -> None:
    """Starts `server` expecting it to exit before it listens, with a
    non-zero status; kills it in case it did start."""
    try:
        with pytest.raises(ServerExited):
            server.start()
    finally:
        server.kill()
    assert server.process.returncode != 0


def join_all(threads, *, timeout: float, what: str) -> None:
    """Starts `threads`, waits for each at most `timeout`, and fails if any
    is still running."""
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), what


def next_second() -> int:
    """Sleeps into the next whole second and returns it: boto3 sends
    timestamps (RestoreDateTime, ExportTime, time ranges) in whole seconds."""
    now = time.time()
    second = math.floor(now) + 1
    time.sleep(second - now + 0.01)
    return second


def create_hash_table(client, name: str, key_type: str = "S") -> str:
    """Creates an on-demand table keyed by `p` alone, for tests that manage
    their own server (and so their own cleanup)."""
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "p", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "p", "AttributeType": key_type}])
    return name


def files_under(directory: Path) -> set[str]:
    """Relative paths of every regular file under `directory`."""
    directory = Path(directory)
    if not directory.exists():
        return set()
    return {str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file()}


class Connection:
    """A keep-alive HTTP connection speaking DynamoDB JSON, for load from
    many threads; raises OSError or http.client.HTTPException when the
    server is gone."""

    def __init__(self, server, timeout=10):
        self.server = server
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)

    def call(self, operation, body):
        data = json.dumps(body).encode()
        self.conn.request("POST", "/", body=data, headers=signed_headers(self.server.url, operation, data))
        response = self.conn.getresponse()
        payload = response.read()
        return response.status, (json.loads(payload) if payload else None)

    def close(self):
        self.conn.close()


# ---------------------------------------------------------------------------
# Why a test is marked strata_only (see conftest.py): the reasons, shared
# ---------------------------------------------------------------------------

DDBL_MESSAGES = "DynamoDB Local 1.13 words these errors differently from AWS DynamoDB"
DDBL_500 = "DynamoDB Local answers malformed or wrongly typed JSON with 500 InternalFailure, AWS DynamoDB with a 400"
DDBL_TABLE_ID = "DynamoDB Local's table descriptions have no TableId"
DDBL_NUMBERS = "DynamoDB Local does not store numbers in canonical form (1.50, 1e3) as AWS DynamoDB does"
DDBL_ON_FAILURE = "DynamoDB Local 1.13 predates ReturnValuesOnConditionCheckFailure (2023)"
DDBL_TRANSACTIONS = ("DynamoDB Local 1.13 has 2018's transaction rules (25 actions, capacity, cancellation reasons) "
                     "where AWS DynamoDB has moved on")
DDBL_UPDATES = "DynamoDB Local 1.13 gets UpdateItem's edge cases wrong (nested ReturnValues, REMOVE-only upsert, AttributeUpdates)"
DDBL_NO_THROTTLING = "DynamoDB Local does not throttle"
STRATA_HTTP = "Strata's HTTP front: health check, 404 for other paths, 413 body limits, response headers"
