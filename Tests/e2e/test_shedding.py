"""Early shedding (issue 11): the in-flight cap is counted when a request's
head arrives, so a request over the cap is refused with ThrottlingException
before its body is read, for reads and writes alike, and the server's memory
never holds the refused bodies."""

from __future__ import annotations

import json
import socket
import time

import pytest

from helpers import STRATA_HTTP, wait_for

BODY_BYTES = 10 * 1024 * 1024
CAP = 8
CONNECTIONS = 64


def head(port: int, target: str = "PutItem", length: int = BODY_BYTES) -> bytes:
    return (f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-amz-json-1.0\r\n"
            f"X-Amz-Target: DynamoDB_20120810.{target}\r\nContent-Length: {length}\r\n\r\n").encode()


def read_response(sock: socket.socket, deadline: float) -> tuple[int, dict, bytes]:
    """One whole response (status, headers, body) or TimeoutError."""
    data = b""
    while b"\r\n\r\n" not in data:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed after {data!r}")
        data += chunk
    header_block, _, rest = data.partition(b"\r\n\r\n")
    lines = header_block.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:length]


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def is_throttled(response) -> bool:
    status, _, body = response
    return status == 400 and json.loads(body)["__type"].endswith("#ThrottlingException")


@pytest.mark.strata_only(STRATA_HTTP)
def test_requests_over_the_in_flight_cap_are_refused_before_their_bodies(server_factory):
    server = server_factory(extra_args=("--max-in-flight", str(CAP)))
    pid = server.process.pid
    holders: list[socket.socket] = []
    refused: list[socket.socket] = []
    try:
        # Requests whose bodies never finish hold every slot: a few more than
        # the cap, since a probe below may take a slot before the last heads
        # arrive (the holders it displaces are simply refused).
        for _ in range(CAP + 4):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            sock.sendall(head(server.port) + b"{" * 1024)
            holders.append(sock)

        def probe_throttled():
            # A whole small request: answered either way, throttled or not.
            body = b'{"TableName":"absent","Key":{"p":{"S":"x"}}}'
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as probe:
                probe.sendall(head(server.port, "GetItem", len(body)) + body)
                return is_throttled(read_response(probe, time.monotonic() + 5))
        wait_for(probe_throttled, timeout=10, what="every slot taken by the stalled requests")

        # Every other connection, reads and writes, is refused at once: the
        # answer comes although no byte of its 10 MB body was sent, and the
        # server closes the connection.
        started = time.monotonic()
        for index in range(CONNECTIONS - len(holders)):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            sock.sendall(head(server.port, "Scan" if index % 2 else "PutItem"))
            refused.append(sock)
        answers = [read_response(sock, time.monotonic() + 5) for sock in refused]
        elapsed = time.monotonic() - started
        assert all(is_throttled(answer) for answer in answers)
        assert all(answer[1].get("connection") == "close" for answer in answers)
        for sock in refused:
            sock.settimeout(5)
            assert sock.recv(1) == b"", "the server closes a refused connection"
        assert elapsed < 5, f"{len(refused)} refusals took {elapsed:.1f}s"
        assert rss_bytes(pid) < 100 * 1024 * 1024

        # Holders that give up free their slots for the next requests.
        for sock in holders:
            sock.close()
        wait_for(lambda: not probe_throttled(), timeout=10, what="a freed slot")
    finally:
        for sock in holders + refused:
            sock.close()
