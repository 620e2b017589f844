"""The HTTP front against hostile bytes (issue 12): garbage, oversized and
conflicting headers, request smuggling shapes, bad chunking, bad request
lines, NUL bytes, pipelined mixes of good and bad requests, half-closes and
seeded random mutations of a valid request, all on raw sockets.

For every case: the server stays up (its process runs and `GET /` answers
after the case); every complete request gets exactly one valid HTTP answer,
in order (a malformed one a 400); nothing is answered twice; and after a
protocol error, or once the client has half-closed and everything it sent
is answered, the server closes the connection within 1 s.

Each case ends with the client's half-close (or a `Connection: close`
request) so that the whole exchange can be read up to the server's close
and nothing can hide behind a still-open connection. One server serves the
module, so that a crash shows up as a dead process at the case that caused it.
"""

from __future__ import annotations

import random
import socket
import time

import pytest

from helpers import STRATA_HTTP, running_server, signed_headers

pytestmark = [pytest.mark.needs_binary, pytest.mark.strata_only(STRATA_HTTP)]

SEED = 1204
# Reading an exchange never takes longer than this, whatever the server does.
EXCHANGE_DEADLINE_S = 4.0
# After a protocol error, or once everything a half-closed client sent is answered.
CLOSE_WITHIN_S = 1.0


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("fuzz")) as server:
        yield server


# ---------------------------------------------------------------------------
# Building requests
# ---------------------------------------------------------------------------

def api_request(url: str, operation: str = "ListTables", body: bytes = b"{}", *, close: bool = False,
                extra: str = "") -> bytes:
    """A complete, valid, signed API request."""
    headers = signed_headers(url, operation, body)
    head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() != "content-length")
    if close:
        head += "Connection: close\r\n"
    return (head + extra + f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def api_head(url: str, *, body: bytes = b"{}", framing: str) -> bytes:
    """A signed request head whose body framing headers (`framing`, CRLF
    terminated) the caller writes; the body is not included."""
    headers = signed_headers(url, "ListTables", body)
    return ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() != "content-length") + framing + "\r\n").encode()


# ---------------------------------------------------------------------------
# Reading answers
# ---------------------------------------------------------------------------

class Exchange:
    """What the server sent on one connection until it closed it (or the
    deadline passed): the parsed responses, when each was complete, and
    when the connection ended."""

    def __init__(self):
        self.responses: list[tuple[int, dict[str, str], bytes]] = []
        self.completed_at: list[float] = []
        self.leftover = b""
        self.eof_at: float | None = None
        self.reset = False
        self.malformed: str | None = None
        self.sent_at = 0.0

    @property
    def statuses(self) -> list[int]:
        return [status for status, _, _ in self.responses]

    def describe(self) -> str:
        eof = f"EOF after {self.eof_at - self.sent_at:.2f}s" if self.eof_at else \
            ("reset" if self.reset else "no EOF")
        extra = f", {len(self.leftover)} unparsed bytes {self.leftover[:80]!r}" if self.leftover else ""
        bad = f", malformed answer: {self.malformed}" if self.malformed else ""
        return f"statuses {self.statuses}, {eof}{extra}{bad}"


def parse_responses(data: bytes, exchange: Exchange, now: float) -> bytes:
    """Takes every complete response off the front of `data`; returns the rest."""
    while True:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            return data
        lines = data[:end].decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or parts[0] != "HTTP/1.1" or not parts[1].isdigit() or len(parts[1]) != 3:
            exchange.malformed = f"status line {lines[0]!r}"
            return data
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon:
                exchange.malformed = f"header line {line!r}"
                return data
            if name.strip().lower() in headers:
                exchange.malformed = f"header {name!r} twice"
                return data
            headers[name.strip().lower()] = value.strip()
        if "content-length" not in headers or not headers["content-length"].isdigit():
            exchange.malformed = f"no Content-Length in {headers}"
            return data
        length = int(headers["content-length"])
        if len(data) < end + 4 + length:
            return data
        exchange.responses.append((int(parts[1]), headers, data[end + 4:end + 4 + length]))
        exchange.completed_at.append(now)
        data = data[end + 4 + length:]


def exchange(server, pieces: list[bytes], *, half_close: bool = True) -> Exchange:
    """Sends `pieces` (each with sendall; a server that closes early may
    refuse the rest), half-closes, and reads until the server closes."""
    result = Exchange()
    with socket.create_connection(("127.0.0.1", server.port), timeout=EXCHANGE_DEADLINE_S) as sock:
        try:
            for piece in pieces:
                sock.sendall(piece)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server answered and closed, or stopped reading, before it had everything
        result.sent_at = time.monotonic()
        deadline = result.sent_at + EXCHANGE_DEADLINE_S
        buffer = b""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            sock.settimeout(remaining)
            try:
                data = sock.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                result.reset = True
                result.eof_at = time.monotonic()
                break
            now = time.monotonic()
            if not data:
                result.eof_at = now
                break
            buffer = parse_responses(buffer + data, result, now)
        result.leftover = buffer
    return result


def assert_alive(server):
    assert server.running, f"the server died:\n{server.log_since_start()[-3000:]}"
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        result = Exchange()
        sock.settimeout(5)
        buffer = b""
        while not result.responses:
            data = sock.recv(65536)
            assert data, "the health check got no answer"
            buffer = parse_responses(buffer + data, result, time.monotonic())
        assert result.statuses == [200] and result.responses[0][2].startswith(b"healthy")


def assert_exchange(result: Exchange, expected: list[int]):
    """Exactly `expected` answers, in order, each a well-formed response;
    nothing after them; and the server's close within 1 s of the last
    answer (or of the half-close when nothing is answered)."""
    what = result.describe()
    assert result.malformed is None, what
    assert result.statuses == expected, what
    assert result.leftover == b"", what
    assert result.eof_at is not None, what
    last = result.completed_at[-1] if result.completed_at else result.sent_at
    assert result.eof_at - max(last, result.sent_at) <= CLOSE_WITHIN_S, what
    for status, headers, body in result.responses:
        if status == 400 and headers.get("content-type") == "text/plain":
            assert headers.get("connection", "").lower() == "close", headers


# ---------------------------------------------------------------------------
# The cases: (name, pieces to send, expected statuses)
# ---------------------------------------------------------------------------

def fixed_cases(url: str) -> list[tuple[str, list[bytes], list[int]]]:
    ok = api_request(url)
    rng = random.Random(SEED)
    garbage = [bytes(rng.randrange(1, 256) for _ in range(rng.randrange(1, 200))) + b"\r\n\r\n"
               for _ in range(6)]
    printable = ["".join(chr(rng.randrange(33, 127)) for _ in range(rng.randrange(1, 60))) + "\r\n\r\n"
                 for _ in range(4)]
    cases = [
        ("valid", [ok], [200]),
        ("valid, Connection: close, no half-close", [api_request(url, close=True)], [200]),
        ("two pipelined valid", [ok + ok], [200, 200]),
        ("only a half-close", [], []),
    ]
    cases += [(f"garbage {i}", [g], [400]) for i, g in enumerate(garbage)]
    cases += [(f"printable garbage {i}", [g.encode()], [400]) for i, g in enumerate(printable)]
    cases += [
        # Sizes
        ("a 64 KiB header", [b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 65536 + b"\r\n\r\n"], [400]),
        ("2000 headers", [b"GET / HTTP/1.1\r\nHost: localhost\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(2000))
                          + b"\r\n"], [400]),
        ("a 100 KB URI", [b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n"], [400]),
        ("a 1 MB request line with no end", [b"GET /" + b"a" * 1_000_000], [400]),
        # Framing
        ("conflicting Content-Length", [api_head(url, framing="Content-Length: 2\r\nContent-Length: 3\r\n") + b"{} "],
         [400]),
        ("Content-Length list", [api_head(url, framing="Content-Length: 2, 3\r\n") + b"{} "], [400]),
        ("negative Content-Length", [api_head(url, framing="Content-Length: -2\r\n") + b"{}"], [400]),
        ("Content-Length not a number", [api_head(url, framing="Content-Length: two\r\n") + b"{}"], [400]),
        ("Content-Length with Transfer-Encoding",
         [api_head(url, framing="Content-Length: 2\r\nTransfer-Encoding: chunked\r\n") + b"2\r\n{}\r\n0\r\n\r\n"], [400]),
        ("Transfer-Encoding with Content-Length",
         [api_head(url, framing="Transfer-Encoding: chunked\r\nContent-Length: 2\r\n") + b"2\r\n{}\r\n0\r\n\r\n"], [400]),
        ("unknown Transfer-Encoding", [api_head(url, framing="Transfer-Encoding: gzip\r\n") + b"{}"], [400]),
        ("chunk size not hex", [api_head(url, framing="Transfer-Encoding: chunked\r\n") + b"zz\r\n{}\r\n0\r\n\r\n"],
         [400]),
        ("chunk longer than its size",
         [api_head(url, framing="Transfer-Encoding: chunked\r\n") + b"1\r\n{}\r\n0\r\n\r\n"], [400]),
        ("chunk without its CRLF", [api_head(url, framing="Transfer-Encoding: chunked\r\n") + b"2\r\n{}0\r\n\r\n"],
         [400]),
        ("chunk size overflowing 64 bits",
         [api_head(url, framing="Transfer-Encoding: chunked\r\n") + b"1" + b"0" * 20 + b"\r\n{}\r\n0\r\n\r\n"], [400]),
        ("valid chunked", [api_head(url, framing="Transfer-Encoding: chunked\r\n") + b"1\r\n{\r\n1\r\n}\r\n0\r\n\r\n"],
         [200]),
        # Request lines
        ("unknown method", [b"BREW / HTTP/1.1\r\nHost: localhost\r\n\r\n"], [400]),
        ("lowercase method", [b"get / HTTP/1.1\r\nHost: localhost\r\n\r\n"], [400]),
        ("no version", [b"GET /\r\nHost: localhost\r\n\r\n"], [400]),
        ("no version, bare line", [b"GET /\r\n\r\n"], [400]),
        ("version 9.9", [b"GET / HTTP/9.9\r\nHost: localhost\r\n\r\n"], [400]),
        ("version letters", [b"GET / HTTP/1.x\r\nHost: localhost\r\n\r\n"], [400]),
        ("not HTTP", [b"GET / HTTX/1.1\r\nHost: localhost\r\n\r\n"], [400]),
        ("header without colon", [b"GET / HTTP/1.1\r\nHost x\r\n\r\n"], [400]),
        ("space before colon", [b"GET / HTTP/1.1\r\nHost : x\r\n\r\n"], [400]),
        ("obsolete line folding", [b"GET / HTTP/1.1\r\nHost: localhost\r\nX-A: a\r\n b\r\n\r\n"], [400]),
        # NUL bytes
        ("NUL in the method", [b"GE\x00T / HTTP/1.1\r\nHost: localhost\r\n\r\n"], [400]),
        ("NUL in the URI", [b"GET /a\x00b HTTP/1.1\r\nHost: localhost\r\n\r\n"], [400]),
        ("NUL in a header value", [b"GET / HTTP/1.1\r\nHost: localhost\r\nX-A: a\x00b\r\n\r\n"], [400]),
        ("NUL in a header name", [b"GET / HTTP/1.1\r\nHost: localhost\r\nX-\x00A: a\r\n\r\n"], [400]),
        ("only NUL bytes", [b"\x00" * 64], [400]),
        # Pipelined mixes: nothing after a malformed request is answered
        ("valid, valid, garbage, valid", [ok + ok + b"\x01\x02junk\r\n\r\n" + ok], [200, 200, 400]),
        ("garbage, valid", [b"junk junk\r\n\r\n" + ok], [400]),
        ("valid, no version, valid", [ok + b"GET /\r\n\r\n" + ok], [200, 400]),
        ("valid, conflicting Content-Length",
         [ok + api_head(url, framing="Content-Length: 2\r\nContent-Length: 3\r\n") + b"{} "], [200, 400]),
        ("valid, bad chunk, valid",
         [ok + api_head(url, framing="Transfer-Encoding: chunked\r\n") + b"zz\r\n{}\r\n0\r\n\r\n" + ok], [200, 400]),
        ("valid in two pieces, then garbage", [ok[:20], ok[20:] + b"\x7f\x7f\r\n\r\n"], [200, 400]),
        ("health check, API request, health check",
         [b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n" + ok + b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"], [200, 200, 200]),
        ("valid, valid with Connection: close", [ok + api_request(url, close=True)], [200, 200]),
        ("health check, valid with Connection: close",
         [b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n" + api_request(url, close=True)], [200, 200]),
        ("valid chunked with Connection: close",
         [api_head(url, framing="Transfer-Encoding: chunked\r\nConnection: close\r\n") + b"2\r\n{}\r\n0\r\n\r\n"],
         [200]),
        # Half-closes
        ("no version, half-close", [b"GET /\r\n\r\n"], [400]),
        ("garbage, half-close", [b"junk junk\r\n\r\n"], [400]),
        ("incomplete head, half-close", [ok[:30]], []),
        ("incomplete body, half-close", [ok[:-1]], []),
        ("complete, then an incomplete one, half-close", [ok + ok[:-1]], [200]),
    ]
    return cases


def half_closes(name: str, expected: list[int]) -> bool:
    """Whether the client half-closes after sending: not when the exchange
    ends in a protocol error (the server must close by itself), nor after a
    `Connection: close` request; otherwise it does, to end the exchange."""
    if "Connection: close" in name:
        return False
    return not expected or expected[-1] != 400 or "half-close" in name


CASE_NAMES = [name for name, _, _ in fixed_cases("http://127.0.0.1:1")]  # rebuilt per server URL


@pytest.mark.parametrize("name", CASE_NAMES)
def test_malformed_and_pipelined_requests(server, name):
    cases = {case_name: (pieces, expected) for case_name, pieces, expected in fixed_cases(server.url)}
    pieces, expected = cases[name]
    result = exchange(server, pieces, half_close=half_closes(name, expected))
    assert_alive(server)
    assert_exchange(result, expected)


def mutations(url: str, count: int) -> list[bytes]:
    """`count` seeded random mutations of one valid request: bytes flipped,
    dropped, duplicated or inserted, or the request cut short."""
    rng = random.Random(SEED)
    base = api_request(url, "PutItem", b'{"TableName": "fuzz", "Item": {"p": {"S": "x"}}}')
    result = []
    for _ in range(count):
        data = bytearray(base)
        for _ in range(rng.randrange(1, 4)):
            position = rng.randrange(len(data))
            kind = rng.randrange(5)
            if kind == 0:
                data[position] = rng.randrange(256)
            elif kind == 1:
                del data[position]
            elif kind == 2:
                data[position:position] = data[position:position + rng.randrange(1, 40)]
            elif kind == 3:
                data[position:position] = bytes(rng.choice([b"\r\n", b"\x00", b":", b" ", b"\r\n\r\n", b"0\r\n"]))
            else:
                del data[position:]
                break
        result.append(bytes(data))
    return result


def test_random_mutations_of_a_valid_request(server):
    """Whatever a mutation breaks, every answer is a well-formed response,
    a 400 from the front is the last one, and the half-closed connection
    ends within 1 s."""
    started = time.monotonic()
    for index, data in enumerate(mutations(server.url, 150)):
        result = exchange(server, [data])
        what = f"mutation {index} {data[:120]!r}...: {result.describe()}"
        assert server.running, what
        assert result.malformed is None, what
        # A mutation can end the head early, so that the rest reads as a
        # second request; after a 400 from the front, nothing more.
        assert len(result.statuses) <= 2 and result.leftover == b"", what
        for status, headers, _ in result.responses[:-1]:
            assert not (status == 400 and headers.get("content-type") == "text/plain"), what
        assert result.eof_at is not None, what
        last = result.completed_at[-1] if result.completed_at else result.sent_at
        assert result.eof_at - last <= CLOSE_WITHIN_S, what
        assert time.monotonic() - started < 60, "the mutations took too long"
        if index % 10 == 9:
            assert_alive(server)
    assert_alive(server)
