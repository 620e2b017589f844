"""Load shedding at the HTTP front (issue 11): with `--max-in-flight N`, an
API request takes one of N slots when its head arrives and keeps it until
its response is written; a request finding every slot taken gets
ThrottlingException before its body is read, and its connection closes.

Raw sockets throughout. Whether the server has taken a slot for a request
is observed, without sleeping, through the kernel: once the server has read
every byte a client sent (the server-side socket's receive queue in
/proc/net/tcp is empty) and those bytes span more than one read, it has
decoded the head, since a head is handled before the next read.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time

from helpers import raw_request, signed_headers

MIB = 1024 * 1024
MAX_IN_FLIGHT = 8
REFUSED = 56
BODY_BYTES = 10 * MIB
HELD_PART = 1 * MIB           # what a slot holder sends of its body before it stalls
REFUSED_PART = 64 * 1024      # what a slowly sending client sends before it reads the answer
RSS_LIMIT = 100 * MIB
DEADLINE_S = 20.0

THROTTLING = "com.amazon.coral.availability#ThrottlingException"
SHED_MESSAGE = "Rate of requests exceeds the allowed throughput."


def api_head(server, content_length: int) -> bytes:
    headers = signed_headers(server.url, "ListTables", b"{}")
    return ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() != "content-length")
        + f"Content-Length: {content_length}\r\n\r\n").encode()


def list_tables_body(size: int) -> bytes:
    """A valid ListTables body of `size` bytes."""
    return b"{" + b" " * (size - 2) + b"}"


def server_unread_bytes(server_port: int, client_port: int) -> int | None:
    """Bytes the server's socket for this connection has received but the
    server has not read yet (None while the kernel lists no such socket)."""
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            if local_port == server_port and remote_port == client_port:
                return int(fields[4].split(":")[1], 16)
    return None


def poll(condition, what: str, deadline: float):
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def memory_of(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak) of a process, in bytes."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0]) * 1024
    return values


def read_response(sock, deadline: float):
    sock.settimeout(max(0.1, deadline - time.monotonic()))
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response.status, response.headers, response.read()


def assert_closed_by_server(sock, deadline: float):
    """The server closes its side: reads see end of stream (or a reset,
    when unread body bytes were still arriving)."""
    while True:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            if not sock.recv(65536):
                return
        except ConnectionResetError:
            return
        assert time.monotonic() < deadline, "the server kept the connection open"


def is_answered(sock) -> bool:
    """Whether the server has answered or closed this connection (without waiting)."""
    sock.setblocking(False)
    try:
        sock.recv(1, socket.MSG_PEEK)
        return True
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        sock.settimeout(DEADLINE_S)


def try_to_hold_slots(server, count: int, deadline: float) -> list[socket.socket] | None:
    """`count` API requests that never finish their body, each holding a
    slot once the server has read its head and part of its body; None (all
    closed) if any of them was refused."""
    holders = []
    try:
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=DEADLINE_S)
            holders.append(sock)
            sock.sendall(api_head(server, BODY_BYTES) + list_tables_body(BODY_BYTES)[:HELD_PART])
        for sock in holders:
            port = sock.getsockname()[1]
            # A refused request's socket is closed (gone from the table) instead.
            poll(lambda: server_unread_bytes(server.port, port) in (0, None),
                 "the server to read a slot holder's head", deadline)
        if not any(is_answered(sock) for sock in holders):
            return holders
    except OSError:
        pass  # refused and reset while sending
    except BaseException:
        for sock in holders:
            sock.close()
        raise
    for sock in holders:
        sock.close()
    return None


def refuse(server, all_at_once: bool, start: threading.Barrier, deadline: float) -> dict:
    """One API request beyond the cap, with a 10 MB body: sent slowly (the
    head and 64 KB, then the answer is read) or all at once (a thread sends
    the whole body while the answer is read)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if all_at_once:
            # A small send buffer, so that the 10 MB can only leave if the server reads them.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        sock.settimeout(DEADLINE_S)
        sock.connect(("127.0.0.1", server.port))
        start.wait(timeout=DEADLINE_S)
        sent_in_full = []
        sender = None
        if all_at_once:
            def send_everything():
                try:
                    sock.sendall(api_head(server, BODY_BYTES) + list_tables_body(BODY_BYTES))
                    sent_in_full.append(True)
                except OSError:
                    pass  # the server answered and closed without reading the body

            sender = threading.Thread(target=send_everything, daemon=True)
            sender.start()
        else:
            sock.sendall(api_head(server, BODY_BYTES) + list_tables_body(BODY_BYTES)[:REFUSED_PART])
        status, headers, body = read_response(sock, deadline)
        assert_closed_by_server(sock, deadline)
        if sender:
            sender.join(timeout=max(0.1, deadline - time.monotonic()))
            assert not sender.is_alive(), "the body was still being sent after the server closed"
        return {"status": status, "connection": headers.get("Connection", ""), "body": body,
                "sent_in_full": bool(sent_in_full)}
    finally:
        sock.close()


def test_requests_beyond_max_in_flight_are_refused_before_their_body(server_factory):
    server = server_factory(in_memory=True, extra_args=("--max-in-flight", str(MAX_IN_FLIGHT)))
    pid = server.process.pid
    deadline = time.monotonic() + 60
    holders = try_to_hold_slots(server, MAX_IN_FLIGHT, deadline)
    assert holders, "a request under the in-flight cap was refused"
    try:
        start = threading.Barrier(REFUSED)
        outcomes: list[dict | BaseException] = [None] * REFUSED

        def run(index):
            try:
                outcomes[index] = refuse(server, index % 2 == 1, start, deadline)
            except BaseException as error:  # reported below
                outcomes[index] = error

        threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(REFUSED)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(0.1, deadline - time.monotonic()))
        assert not any(thread.is_alive() for thread in threads), "a refused request was never answered"
        errors = [o for o in outcomes if isinstance(o, BaseException)]
        assert not errors, errors[:3]
        for outcome in outcomes:
            assert outcome["status"] == 400, outcome
            assert json.loads(outcome["body"]) == {"__type": THROTTLING, "message": SHED_MESSAGE}
            assert outcome["connection"].lower() == "close"
            assert not outcome["sent_in_full"], "the server read a refused request's whole body"

        # The slot holders are untouched, and the server never took in the refused bodies.
        assert not any(is_answered(sock) for sock in holders), "a request holding a slot was answered"
        memory = memory_of(pid)
        print(f"\nmax-in-flight {MAX_IN_FLIGHT}: {REFUSED} refused; server RSS "
              f"{memory['VmRSS'] / MIB:.1f} MB, peak {memory['VmHWM'] / MIB:.1f} MB")
        assert memory["VmRSS"] < RSS_LIMIT and memory["VmHWM"] < RSS_LIMIT, memory

        # A slot holder that finishes its body is answered.
        first = holders.pop(0)
        first.sendall(list_tables_body(BODY_BYTES)[HELD_PART:])
        status, _, body = read_response(first, deadline)
        assert status == 200, body
        assert "TableNames" in json.loads(body)
        first.close()
    finally:
        for sock in holders:
            sock.close()

    # The connections that died mid-body give their slots back: all 8 can
    # be held again (once the server has seen them close), and the next
    # request is refused.
    holders = poll(lambda: try_to_hold_slots(server, MAX_IN_FLIGHT, deadline), "the slots to be released", deadline)
    try:
        outcome = refuse(server, False, threading.Barrier(1), deadline)
        assert outcome["status"] == 400 and json.loads(outcome["body"])["__type"] == THROTTLING, outcome
    finally:
        for sock in holders:
            sock.close()


def test_without_throttling_no_request_is_refused(server_factory):
    server = server_factory(in_memory=True, extra_args=("--max-in-flight", "1", "--throttling", "off"))
    deadline = time.monotonic() + 30
    holders = try_to_hold_slots(server, 4, deadline)
    assert holders, "a request was refused with throttling off"
    try:
        response = raw_request(server.url, "ListTables", b"{}")
        assert response.status == 200, response
    finally:
        for sock in holders:
            sock.close()
