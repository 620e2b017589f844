"""Hardening of the HTTP front (issue 12): the request-body memory budget,
the timeouts of a connection, the connection cap under a small descriptor
limit, closes after protocol errors, backpressure on clients that do not
read, refusals at the in-flight cap, gzip bombs, `Expect: 100-continue`,
half-closes and the Host check.

Raw sockets throughout; every wait is bounded. Each test starts its own
server with the flags it needs (short timeouts, small budgets), so that
it finishes in seconds.
"""

from __future__ import annotations

import gzip
import http.client
import json
import multiprocessing
import os
import select
import socket
import statistics
import subprocess
import threading
import time

import pytest

from helpers import raw_request, signed_headers, unique_name

pytestmark = pytest.mark.needs_binary

MIB = 1024 * 1024
THROTTLING = "com.amazon.coral.availability#ThrottlingException"


# -- small tools --------------------------------------------------------------

def rss_of(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_sockets(pid: int) -> int:
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                count += 1
        except FileNotFoundError:
            pass
    return count


def wait_until_accepted(port: int, timeout: float = 5.0) -> None:
    """Waits until the server has taken every connection from its listening
    socket's queue: for a listening socket, /proc/net/tcp's rx_queue is the
    number of connections not yet accepted."""
    local = f"0100007F:{port:04X}"
    deadline = time.monotonic() + timeout
    while True:
        with open("/proc/net/tcp") as table:
            queued = [int(fields[4].split(":")[1], 16) for fields in (line.split() for line in table)
                      if fields[1] == local and fields[3] == "0A"]
        if queued and queued[0] == 0:
            return
        assert time.monotonic() < deadline, f"connections still waiting to be accepted: {queued}"
        time.sleep(0.01)


def address(server) -> tuple[str, int]:
    return "127.0.0.1", server.port


def api_request(server, operation: str, body: bytes, extra: str = "") -> bytes:
    headers = signed_headers(server.url, operation, body)
    return ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() != "content-length")
        + extra + f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def read_response(sock, timeout: float = 5.0):
    sock.settimeout(timeout)
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response.status, response.headers, response.read()


def closed_by_server(sock, timeout: float) -> bool:
    """Whether the server closes its side within `timeout` (end of stream or reset)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            if not sock.recv(65536):
                return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
    return False


class Prober:
    """Times the health check and a GetItem, each on its own keep-alive
    connection, over and over on a thread, while a test does its worst."""

    def __init__(self, server, table: str, interval: float = 0.0):
        self.server = server
        self.table = table
        self.interval = interval
        self.health: list[float] = []
        self.get_item: list[float] = []
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self):
        host, port = address(self.server)
        health = http.client.HTTPConnection(host, port, timeout=5)
        api = http.client.HTTPConnection(host, port, timeout=5)
        body = json.dumps({"TableName": self.table, "Key": {"pk": {"S": "probe"}}}).encode()
        headers = signed_headers(self.server.url, "GetItem", body)
        while not self._stop.is_set():
            try:
                start = time.perf_counter()
                health.request("GET", "/")
                reply = health.getresponse().read()
                self.health.append(time.perf_counter() - start)
                assert reply.startswith(b"healthy"), reply
                start = time.perf_counter()
                api.request("POST", "/", body=body, headers=headers)
                response = api.getresponse()
                reply = response.read()
                self.get_item.append(time.perf_counter() - start)
                assert response.status == 200 and b"probe" in reply, reply
            except Exception as error:  # noqa: BLE001 - recorded and asserted by the test
                self.failures.append(repr(error))
                return
            if self.interval:
                self._stop.wait(self.interval)


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def make_table(server, items: int = 0, item_bytes: int = 100) -> str:
    client = server.client()
    name = unique_name("hard")
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    client.put_item(TableName=name, Item={"pk": {"S": "probe"}})
    for start in range(0, items, 25):
        client.batch_write_item(RequestItems={name: [
            {"PutRequest": {"Item": {"pk": {"S": f"k{i}"}, "d": {"S": "x" * item_bytes}}}}
            for i in range(start, min(items, start + 25))]})
    return name


# -- the request-body budget ----------------------------------------------------

@pytest.mark.slow
def test_stalled_bodies_are_refused_beyond_the_budget_and_cut_off_below_the_minimum_rate(server_factory):
    """80 connections each stall 1 byte short of a 16 MB body. Those that
    fit the 64 MB budget are read, then cut off once their rate falls below
    the minimum; the rest get ThrottlingException before their body is
    read. RSS stays under the budget plus 64 MB, and the health check and
    a GetItem answer within 100 ms throughout."""
    budget = 64 * MIB
    server = server_factory(extra_args=("--max-body-memory", "64M", "--max-in-flight", "1000"))
    table = make_table(server)
    body_bytes = 16 * 1000 * 1000
    head = api_request(server, "PutItem", b"")[:-len("Content-Length: 0\r\n\r\n")] + \
        f"Content-Length: {body_bytes}\r\n\r\n".encode()
    chunk = b"x" * MIB
    refused, stalled = [], []
    peak_rss = 0
    with Prober(server, table, interval=0.02) as prober:
        for _ in range(80):
            sock = socket.create_connection(address(server))
            sock.sendall(head)
            # A refusal comes at once, before any of the body is sent.
            readable, _, _ = select.select([sock], [], [], 0.2)
            if readable:
                status, _, reply = read_response(sock)
                assert status == 400 and THROTTLING.encode() in reply, reply
                refused.append(sock)
                continue
            remaining = body_bytes - 1
            while remaining:
                sent = sock.send(chunk[:min(len(chunk), remaining)])
                remaining -= sent
            stalled.append(sock)
            peak_rss = max(peak_rss, rss_of(server.process.pid))
        stall_started = time.monotonic()
        while time.monotonic() - stall_started < 1:
            peak_rss = max(peak_rss, rss_of(server.process.pid))
            time.sleep(0.05)
        # At 1 KiB/s over 5 s windows, a stalled body is cut off within two windows.
        cut = [closed_by_server(sock, timeout=13 - (time.monotonic() - stall_started)) for sock in stalled]
    print(f"\n{len(stalled)} bodies read and stalled, {len(refused)} refused; peak RSS {peak_rss / MIB:.1f} MB; "
          f"health p99 {p99(prober.health) * 1000:.1f} ms, GetItem p99 {p99(prober.get_item) * 1000:.1f} ms "
          f"over {len(prober.get_item)} probes")
    assert not prober.failures, prober.failures
    assert len(stalled) == budget // body_bytes and len(refused) == 80 - len(stalled)
    assert all(cut), "a stalled body was not cut off"
    assert peak_rss < budget + 64 * MIB
    assert max(prober.health) < 0.1 and max(prober.get_item) < 0.1
    for sock in refused + stalled:
        sock.close()


# -- timeouts -------------------------------------------------------------------

def _slowloris(port: int, connections: int, seconds: float, results) -> None:
    """Opens `connections` and sends one byte of a request head per second
    on each, until the server closes it; records when each was closed,
    counted from its first byte."""
    head = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: DynamoDB_20120810.GetItem\r\n" * 100
    socks = {}
    for _ in range(connections):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setblocking(False)
        socks[sock] = [0, time.monotonic()]
    closed_after = []
    deadline = time.monotonic() + seconds
    while socks and time.monotonic() < deadline:
        for sock, state in list(socks.items()):
            try:
                sock.send(head[state[0]:state[0] + 1])
                state[0] += 1
            except (BrokenPipeError, ConnectionResetError):
                closed_after.append(time.monotonic() - state[1])
                del socks[sock]
                continue
            try:
                if sock.recv(1024) == b"":
                    closed_after.append(time.monotonic() - state[1])
                    del socks[sock]
            except BlockingIOError:
                pass
            except ConnectionResetError:
                closed_after.append(time.monotonic() - state[1])
                del socks[sock]
        time.sleep(1)
    results.put((closed_after, len(socks)))


@pytest.mark.slow
def test_slowloris_connections_are_closed_at_the_header_timeout_without_slowing_get_item(server_factory):
    server = server_factory(extra_args=("--header-timeout", "2"))
    table = make_table(server)
    results = multiprocessing.Queue()
    loris = multiprocessing.Process(target=_slowloris, args=(server.port, 200, 8, results))
    loris.start()
    with Prober(server, table) as prober:
        closed_after, still_open = results.get(timeout=20)
    loris.join(timeout=5)
    print(f"\n200 slowloris connections: closed after {min(closed_after):.1f}-{max(closed_after):.1f} s; "
          f"GetItem p99 {p99(prober.get_item) * 1000:.2f} ms over {len(prober.get_item)} requests")
    assert not prober.failures, prober.failures
    assert still_open == 0 and len(closed_after) == 200
    # Closed at the 2 s timeout; this client looks once a second.
    assert max(closed_after) < 3.5
    assert p99(prober.get_item) < 0.005


def test_an_idle_connection_is_closed_after_the_idle_timeout_and_a_busy_one_is_not(server_factory):
    server = server_factory(extra_args=("--idle-timeout", "2"))
    table = make_table(server)
    idle = socket.create_connection(address(server))
    busy = http.client.HTTPConnection(*address(server), timeout=5)
    body = json.dumps({"TableName": table, "Key": {"pk": {"S": "probe"}}}).encode()
    started = time.monotonic()
    # A request every half second keeps a connection open past the timeout.
    while time.monotonic() - started < 3.5:
        busy.request("POST", "/", body=body, headers=signed_headers(server.url, "GetItem", body))
        assert busy.getresponse().read()
        time.sleep(0.5)
    assert closed_by_server(idle, timeout=0.1)
    busy.close()


@pytest.mark.slow
def test_a_client_that_pipelines_scans_and_reads_nothing_is_held_back_then_dropped(server_factory):
    """3,000 pipelined Scans, each answered with ~300 KB, and nothing read:
    the server stops reading the connection while the answer waits, stays
    under 200 MB, and drops the connection after the write timeout."""
    server = server_factory(extra_args=("--write-timeout", "3", "--throttling", "off"))
    table = make_table(server, items=30, item_bytes=10_000)
    request = api_request(server, "Scan", json.dumps({"TableName": table}).encode())
    payload = request * 3000
    sock = socket.create_connection(address(server))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    sock.setblocking(False)
    sent, peak_rss = 0, 0
    started = time.monotonic()
    while time.monotonic() - started < 10:
        try:
            sent += sock.send(payload[sent:sent + 65536])
        except BlockingIOError:
            pass
        except (BrokenPipeError, ConnectionResetError):
            break
        peak_rss = max(peak_rss, rss_of(server.process.pid))
        if sent == len(payload):
            break
        time.sleep(0.01)
    closed = closed_by_server_unread(sock, timeout=8)
    print(f"\nsent {sent / MIB:.1f} of {len(payload) / MIB:.1f} MB of pipelined Scans; peak RSS {peak_rss / MIB:.1f} MB")
    assert peak_rss < 200 * MIB
    assert closed, "the connection whose answers were never read was kept open"
    sock.close()


def closed_by_server_unread(sock, timeout: float) -> bool:
    """Whether the server closes a connection whose answers this client
    does not read: the kernel reports it hung up (EPOLLRDHUP/POLLHUP) or
    reset, without this side reading the data."""
    poller = select.poll()
    poller.register(sock, select.POLLRDHUP | select.POLLHUP | select.POLLERR)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if poller.poll(100):
            return True
    return False


# -- connections and descriptors -----------------------------------------------

@pytest.mark.slow
def test_at_a_descriptor_limit_of_256_idle_connections_neither_spin_nor_stall_the_server(server_factory):
    """Under `prlimit --nofile=256`, 400 idle connections: the connection cap
    (derived from the limit) keeps the server below it, so accepting never
    fails and the CPU stays idle; a connection opened before the flood is
    answered at once, new ones are refused at once, and once the idle
    timeout frees descriptors new clients are served."""
    server = server_factory(command_prefix=("prlimit", "--nofile=256"), extra_args=("--idle-timeout", "3"))
    table = make_table(server)
    kept = http.client.HTTPConnection(*address(server), timeout=5)
    kept.request("GET", "/")
    assert kept.getresponse().read().startswith(b"healthy")
    flood = []
    for _ in range(400):
        try:
            flood.append(socket.create_connection(address(server), timeout=1))
        except OSError:
            break
    wait_until_accepted(server.port)
    cpu_before, measured_at = cpu_seconds(server.process.pid), time.monotonic()
    start = time.perf_counter()
    kept.request("GET", "/")
    assert kept.getresponse().read().startswith(b"healthy")
    kept_latency = time.perf_counter() - start
    time.sleep(1.5)
    cpu_share = (cpu_seconds(server.process.pid) - cpu_before) / (time.monotonic() - measured_at)
    descriptors = len(os.listdir(f"/proc/{server.process.pid}/fd"))
    print(f"\n{len(flood)} connections opened; server descriptors {descriptors}; CPU {cpu_share * 100:.1f}%; "
          f"health check on a kept connection {kept_latency * 1000:.1f} ms")
    assert kept_latency < 0.1
    assert cpu_share < 0.05
    assert descriptors < 256
    # After the idle timeout, the flood is gone and a new client is served.
    deadline = time.monotonic() + 10
    while True:
        try:
            response = raw_request(server.url, "GetItem", {"TableName": table, "Key": {"pk": {"S": "probe"}}}, timeout=2)
            if response.status == 200:
                break
        except (ConnectionError, http.client.HTTPException, OSError):
            pass
        assert time.monotonic() < deadline, "no new client was served after the idle timeout"
        time.sleep(0.2)
    for sock in flood:
        sock.close()


def test_malformed_requests_leave_no_server_socket_open(server_factory):
    server = server_factory()
    pid = server.process.pid
    baseline = open_sockets(pid)
    clients = []
    for index in range(500):
        sock = socket.create_connection(address(server))
        sock.sendall(b"THIS IS NOT HTTP\r\n\r\n" if index % 2 else b"GET /\r\n\r\n")
        clients.append(sock)
    answered = 0
    for sock in clients:
        data = b""
        sock.settimeout(2)
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
        assert data.count(b"HTTP/1.1 400") == 1, data
        answered += 1
    deadline = time.monotonic() + 1
    while open_sockets(pid) > baseline and time.monotonic() < deadline:
        time.sleep(0.05)
    assert open_sockets(pid) <= baseline
    assert answered == 500
    for sock in clients:
        sock.close()


# -- the in-flight cap ------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.sqlite_only("a timing of the front's refusals: on this 2-core machine the PostgreSQL serving the 8 admitted "
                         "Scans runs beside it at full priority (p50 5.9 ms once in CI), where the SQLite engine's Scans run niced")
def test_at_the_in_flight_cap_excess_scans_are_refused_at_once(server_factory):
    """With --max-in-flight 8, 512 connections each send a Scan: those
    beyond the cap get ThrottlingException at once, their p50 under half
    the time of the fastest admitted Scan (a refusal that waited for a slot
    would take at least one Scan's time). A fixed 5 ms bound failed on a
    2-core machine shared with the 8 Scans and this client: the same build
    measured a p50 of 2.1-11 ms within one hour, the Scans 27-40 ms."""
    server = server_factory(extra_args=("--max-in-flight", "8", "--throttling", "on"))
    table = make_table(server, items=1000, item_bytes=1000)
    request = api_request(server, "Scan", json.dumps({"TableName": table}).encode())
    socks = [socket.create_connection(address(server)) for _ in range(512)]
    # Connections are accepted in order: once a later one is answered, the
    # server has accepted all 512, and the figures are of the refusals alone.
    assert raw_request(server.url, None, b"", method="GET").status == 200
    by_fd = {sock.fileno(): sock for sock in socks}
    poller = select.poll()
    sent_at, arrived_at = {}, {}

    def note_arrivals(timeout_ms: int) -> None:
        # Stamped when seen, parsed later: this client's own pace stays out of the figures.
        ready = poller.poll(timeout_ms)
        now = time.perf_counter()
        for fd, _ in ready:
            arrived_at[fd] = now
            poller.unregister(fd)

    for sock in socks:
        sock.sendall(request)
        sent_at[sock.fileno()] = time.perf_counter()
        poller.register(sock, select.POLLIN)
        note_arrivals(0)
    deadline = time.monotonic() + 30
    while len(arrived_at) < len(socks) and time.monotonic() < deadline:
        note_arrivals(100)
    refusals, answers = [], []
    for fd, sock in by_fd.items():
        status, _, reply = read_response(sock)
        if status == 400 and THROTTLING.encode() in reply:
            refusals.append(arrived_at[fd] - sent_at[fd])
        else:
            assert status == 200, reply
            answers.append(arrived_at[fd] - sent_at[fd])
    print(f"\n{len(refusals)} refused (p50 {statistics.median(refusals) * 1000:.2f} ms), "
          f"{len(answers)} answered (fastest {min(answers) * 1000:.2f} ms)")
    assert len(refusals) > 400
    assert statistics.median(refusals) < min(answers) / 2
    for sock in socks:
        sock.close()


# -- work kept off the event loop ------------------------------------------------------

def _gzip_bombs(url: str, seconds: float) -> None:
    bomb = gzip.compress(b"\0" * (64 * MIB))
    headers = signed_headers(url, "PutItem", bomb)
    headers["Content-Encoding"] = "gzip"
    host, port = url.removeprefix("http://").split(":")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("POST", "/", body=bomb, headers=headers)
        assert connection.getresponse().status == 413
        connection.close()


@pytest.mark.slow
def test_gzip_bombs_from_four_clients_leave_get_item_fast(server_factory):
    server = server_factory(extra_args=("--throttling", "off"))
    table = make_table(server)
    bombers = [multiprocessing.Process(target=_gzip_bombs, args=(server.url, 4)) for _ in range(4)]
    for bomber in bombers:
        bomber.start()
    with Prober(server, table) as prober:
        for bomber in bombers:
            bomber.join(timeout=20)
    print(f"\nGetItem beside 4 gzip bombers: p99 {p99(prober.get_item) * 1000:.2f} ms over {len(prober.get_item)}")
    assert all(bomber.exitcode == 0 for bomber in bombers)
    assert not prober.failures, prober.failures
    assert p99(prober.get_item) < 0.010


def test_a_curl_upload_with_expect_100_continue_takes_no_extra_second(server_factory, tmp_path):
    server = server_factory()
    table = make_table(server)
    body = json.dumps({"TableName": table, "Item": {"pk": {"S": "big"}, "d": {"S": "x" * 300_000}}}).encode()
    (tmp_path / "body.json").write_bytes(body)
    headers = signed_headers(server.url, "PutItem", body)
    arguments = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{time_total}",
                 "--data-binary", f"@{tmp_path / 'body.json'}", "-H", "Expect: 100-continue"]
    for name, value in headers.items():
        if name.lower() != "content-length":
            arguments += ["-H", f"{name}: {value}"]
    status, seconds = subprocess.run(arguments + [server.url + "/"], capture_output=True, text=True,
                                     timeout=10, check=True).stdout.split()
    assert status == "200"
    assert float(seconds) < 0.5


def test_expect_100_continue_gets_the_refusal_instead_when_the_body_would_be_refused(server_factory):
    server = server_factory()
    sock = socket.create_connection(address(server))
    head = api_request(server, "PutItem", b"")[:-len("Content-Length: 0\r\n\r\n")]
    sock.sendall(head + b"Expect: 100-continue\r\nContent-Length: 17000000\r\n\r\n")
    status, _, reply = read_response(sock)
    assert status == 413
    assert closed_by_server(sock, timeout=1)


def test_a_complete_request_is_answered_after_the_client_half_closes(server_factory):
    server = server_factory()
    table = make_table(server)
    sock = socket.create_connection(address(server))
    sock.sendall(api_request(server, "GetItem", json.dumps({"TableName": table, "Key": {"pk": {"S": "probe"}}}).encode()))
    sock.shutdown(socket.SHUT_WR)
    status, _, reply = read_response(sock)
    assert status == 200 and b"probe" in reply
    assert closed_by_server(sock, timeout=1)


# -- the Host check -----------------------------------------------------------------

def test_a_loopback_server_refuses_foreign_host_names(server_factory):
    server = server_factory(extra_args=("--allowed-host", "strata.internal"))
    body = {"TableName": "missing"}
    refused = raw_request(server.url, "DescribeTable", body, headers={"Host": "attacker.example.com"})
    assert refused.status == 400
    assert refused.error_type.endswith("#AccessDeniedException")
    assert raw_request(server.url, "DescribeTable", body, headers={"Host": "localhost:1234"}).error_type \
        .endswith("#ResourceNotFoundException")
    assert raw_request(server.url, "DescribeTable", body, headers={"Host": "strata.internal"}).error_type \
        .endswith("#ResourceNotFoundException")
    health = raw_request(server.url, None, b"", method="GET", headers={"Host": "strata.internal:8000"})
    assert health.body == b"healthy: strata.internal:8000"
