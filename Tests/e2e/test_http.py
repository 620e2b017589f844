"""The HTTP front, spoken to directly: health check, routing, protocol
errors, body limits, response headers and connection reuse."""

from __future__ import annotations

import datetime
import email.utils
import http.client
import json
import socket
import threading
import time
import zlib

import pytest
import requests

from helpers import (DDBL_500, DDBL_MESSAGES, STRATA_HTTP, TARGET_PREFIX, raw_request, signed_headers,
                     unique_name)

JSON_10 = "application/x-amz-json-1.0"
MIB = 1024 * 1024
SERIALIZATION = "com.amazon.coral.service#SerializationException"
VALIDATION = "com.amazon.coral.validate#ValidationException"
UNKNOWN_OPERATION = "com.amazon.coral.service#UnknownOperationException"


def host_port(strata):
    return "127.0.0.1", strata.port


def assert_healthy(strata):
    response = raw_request(strata.url, None, b"", method="GET")
    assert response.status == 200
    assert response.body.decode().strip() == f"healthy: 127.0.0.1:{strata.port}"


# ---------------------------------------------------------------------------
# Routing
# ---------------------------------------------------------------------------

@pytest.mark.strata_only(STRATA_HTTP)
def test_health_check(strata):
    response = requests.get(strata.url + "/", timeout=10)
    assert response.status_code == 200
    assert response.text.strip() == f"healthy: 127.0.0.1:{strata.port}"
    assert response.headers["x-amzn-RequestId"]
    assert int(response.headers["x-amz-crc32"]) == zlib.crc32(response.content)


@pytest.mark.strata_only(STRATA_HTTP)
@pytest.mark.parametrize("path", ["/abc", "/index.html", "/-", "/healthy"])
def test_other_paths_are_not_found(strata, path):
    response = requests.get(strata.url + path, timeout=10)
    assert response.status_code == 404, response.text
    assert_healthy(strata)


@pytest.mark.strata_only("DynamoDB Local names UnknownOperationException in its own namespace, AWS DynamoDB in com.amazon.coral.service")
@pytest.mark.parametrize("target", [
    TARGET_PREFIX + "FlyToTheMoon",
    TARGET_PREFIX + "listtables",
    "DynamoDB_20111205.ListTables",
    "ListTables",
])
def test_unknown_operation(strata, target):
    body = b"{}"
    headers = signed_headers(strata.url, "ListTables", body)
    headers["X-Amz-Target"] = target
    response = raw_request(strata.url, None, body, headers=headers)
    assert response.status == 400, response
    assert response.error_type == UNKNOWN_OPERATION


def test_json_1_1_content_type_is_accepted(strata):
    body = b"{}"
    headers = signed_headers(strata.url, "ListTables", body, content_type="application/x-amz-json-1.1")
    response = raw_request(strata.url, None, body, headers=headers)
    assert response.status == 200, response
    assert "TableNames" in response.json()


# ---------------------------------------------------------------------------
# Protocol errors
# ---------------------------------------------------------------------------

@pytest.mark.strata_only(DDBL_500)
@pytest.mark.parametrize("body", [
    "{", "}", "{]", "not json", '{"TableName": }', '{"TableName": "a",}', '{"TableName" "x"}',
    "{'TableName': 'x'}", '{"TableName": "x"', '{"TableName": "\\x"}', '{"a": tru}', '\x00',
    '{"TableName": "x"} trailing',
])
def test_malformed_json_is_a_serialization_exception(strata, body):
    response = raw_request(strata.url, "DescribeTable", body)
    assert response.status == 400, response
    assert response.error_type == SERIALIZATION
    assert_healthy(strata)


@pytest.mark.strata_only("DynamoDB Local reads wrongly typed JSON members leniently instead of answering SerializationException")
@pytest.mark.parametrize("operation,body", [
    ("DescribeTable", '{"TableName": 123}'),
    ("DescribeTable", '{"TableName": {"name": "x"}}'),
    ("DescribeTable", '{"TableName": ["x"]}'),
    ("DescribeTable", '{"TableName": true}'),
    ("ListTables", '{"Limit": {}}'),
    ("ListTables", '{"Limit": [1]}'),
    ("ListTables", '{"Limit": "many"}'),
    ("PutItem", '{"TableName": "abc", "Item": []}'),
    ("PutItem", '{"TableName": "abc", "Item": "p"}'),
    ("GetItem", '{"TableName": "abc", "Key": [{"p": {"S": "x"}}]}'),
    ("CreateTable", '{"TableName": "abc", "KeySchema": {"AttributeName": "p", "KeyType": "HASH"}}'),
    ("CreateTable", '{"TableName": "abc", "KeySchema": [{"AttributeName": 5, "KeyType": "HASH"}]}'),
])
def test_wrong_json_types_are_a_serialization_exception(strata, operation, body):
    response = raw_request(strata.url, operation, body)
    assert response.status == 400, response
    assert response.error_type == SERIALIZATION


@pytest.mark.strata_only(DDBL_500)
@pytest.mark.parametrize("body", ["[]", "null", '"string"', "5", "true"])
def test_body_must_be_a_json_object(strata, body):
    response = raw_request(strata.url, "ListTables", body)
    assert response.status == 400, response
    assert response.error_type in (SERIALIZATION, VALIDATION)


@pytest.mark.strata_only(DDBL_500)
def test_deeply_nested_json_is_refused_not_crashed_on(strata):
    depth = 200_000
    for body in ('{"TableName": ' + "[" * depth + "]" * depth + "}",
                 '{"TableName": "abc", "Item": {"p": ' + '{"L": [' * 20_000 + "]}" * 20_000 + "}}",
                 "{" * depth):
        response = raw_request(strata.url, "PutItem", body)
        assert 400 <= response.status < 500, response
        assert response.error_type in (SERIALIZATION, VALIDATION)
    assert_healthy(strata)


@pytest.mark.strata_only(DDBL_500)
def test_client_mistakes_never_answer_500(strata, table):
    name = table()
    bodies = [
        ("PutItem", {"TableName": name}),
        ("PutItem", {"Item": {"p": {"S": "x"}}}),
        ("PutItem", {"TableName": name, "Item": {}}),
        ("PutItem", {"TableName": name, "Item": {"p": {}}}),
        ("PutItem", {"TableName": name, "Item": {"p": {"X": "y"}}}),
        ("PutItem", {"TableName": name, "Item": {"p": {"S": "x"}, "n": {"N": "1e999999999999"}}}),
        ("PutItem", {"TableName": name, "Item": {"p": {"S": "x"}, "n": {"N": "9" * 10000}}}),
        ("PutItem", {"TableName": name, "Item": {"p": {"S": "x"}}, "ReturnValues": 7}),
        ("GetItem", {"TableName": name}),
        ("GetItem", {"TableName": name, "Key": None}),
        ("GetItem", {"TableName": name, "Key": {"p": None}}),
        ("DeleteItem", {"TableName": name, "Key": {"p": {"S": None}}}),
        ("DeleteItem", {"TableName": "", "Key": {}}),
        ("CreateTable", {}),
        ("CreateTable", {"TableName": name}),
        ("CreateTable", {"TableName": unique_name(), "KeySchema": [None]}),
        ("CreateTable", {"TableName": unique_name(), "KeySchema": [{}], "AttributeDefinitions": [{}]}),
        ("CreateTable", {"TableName": unique_name(), "AttributeDefinitions": [{"AttributeName": "p"}],
                         "KeySchema": [{"AttributeName": "p", "KeyType": "HASH"}], "BillingMode": None}),
        ("CreateTable", {"TableName": unique_name(), "AttributeDefinitions": [{"AttributeName": "p", "AttributeType": "S"}],
                         "KeySchema": [{"AttributeName": "p", "KeyType": "HASH"}],
                         "ProvisionedThroughput": {"ReadCapacityUnits": 10 ** 30, "WriteCapacityUnits": -1}}),
        ("UpdateTable", {"TableName": name, "ProvisionedThroughput": {}}),
        ("UpdateTable", {"TableName": name, "BillingMode": "PROVISIONED", "ProvisionedThroughput": None}),
        ("DescribeTable", {}),
        ("DeleteTable", {}),
        ("ListTables", {"Limit": -1}),
        ("ListTables", {"Limit": 10 ** 20}),
        ("ListTables", {"ExclusiveStartTableName": ""}),
    ]
    for operation, body in bodies:
        response = raw_request(strata.url, operation, json.dumps(body))
        assert 400 <= response.status < 500, (operation, body, response)
        assert "#" in response.error_type, (operation, body, response)
    assert_healthy(strata)


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_error_bodies_are_valid_json_with_escaping(strata):
    name = 'quote"back\\slash\ttab'
    response = raw_request(strata.url, "DescribeTable", {"TableName": name})
    assert response.status == 400, response
    decoded = response.json()
    assert decoded["__type"] == VALIDATION
    assert name in decoded["message"]


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_error_shape(strata):
    name = unique_name("nosuch")
    response = raw_request(strata.url, "DescribeTable", {"TableName": name})
    assert response.status == 400
    assert response.json() == {"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
                               "message": f"Requested resource not found: Table: {name} not found"}


# ---------------------------------------------------------------------------
# Body size limit (16 MiB)
# ---------------------------------------------------------------------------

def read_response(sock, timeout=10):
    """Reads one HTTP response (status, headers, body) from a raw socket."""
    sock.settimeout(timeout)
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response.status, response.headers, response.read()


@pytest.mark.strata_only(STRATA_HTTP)
def test_body_over_16_mib_by_content_length_is_413(strata):
    with socket.create_connection(host_port(strata), timeout=10) as sock:
        headers = signed_headers(strata.url, "ListTables", b"{}")
        head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() != "content-length")
        head += f"Content-Length: {16 * MIB + 1}\r\n\r\n"
        sock.sendall(head.encode() + b"{")
        # The answer comes from the Content-Length alone, without the body.
        status, _, _ = read_response(sock)
        assert status == 413
    assert_healthy(strata)


@pytest.mark.strata_only(STRATA_HTTP)
def test_much_larger_content_length_is_413(strata):
    with socket.create_connection(host_port(strata), timeout=10) as sock:
        headers = signed_headers(strata.url, "ListTables", b"{}")
        head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() != "content-length")
        head += f"Content-Length: {10 ** 12}\r\n\r\n"
        sock.sendall(head.encode())
        status, _, _ = read_response(sock)
        assert status == 413
    assert_healthy(strata)


@pytest.mark.strata_only(STRATA_HTTP)
def test_chunked_body_over_16_mib_is_413(strata):
    sock = socket.create_connection(host_port(strata), timeout=10)
    try:
        headers = signed_headers(strata.url, "ListTables", b"{}")
        head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() != "content-length")
        sock.sendall(head.encode() + b"\r\n")
        chunk = b" " * MIB
        framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        sent = []

        def send_body():
            try:
                sock.sendall(b"1\r\n{\r\n")
                for _ in range(17):
                    sock.sendall(framed)
                    sent.append(len(chunk))
                sock.sendall(b"1\r\n}\r\n0\r\n\r\n")
            except OSError:
                pass  # the server may close once it has answered

        sender = threading.Thread(target=send_body, daemon=True)
        sender.start()
        status, _, _ = read_response(sock, timeout=20)
        assert status == 413
        sender.join(timeout=20)
        assert not sender.is_alive()
    finally:
        sock.close()
    assert_healthy(strata)


def test_body_of_exactly_16_mib_is_accepted(strata):
    body = b"{" + b" " * (16 * MIB - 2) + b"}"
    response = raw_request(strata.url, "ListTables", body, timeout=60)
    assert response.status == 200, response
    assert "TableNames" in response.json()


# ---------------------------------------------------------------------------
# Response headers
# ---------------------------------------------------------------------------

def check_headers(response, expected_status):
    assert response.status == expected_status, response
    headers = response.headers
    assert headers["Content-Type"] == JSON_10
    assert int(headers["Content-Length"]) == len(response.body)
    assert int(headers["x-amz-crc32"]) == zlib.crc32(response.body)
    request_id = headers["x-amzn-RequestId"]
    assert request_id and request_id.strip() == request_id
    date = email.utils.parsedate_to_datetime(headers["Date"])
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - date).total_seconds()) < 120, headers["Date"]
    assert headers["Date"].endswith(" GMT")
    return request_id


@pytest.mark.strata_only(STRATA_HTTP)
def test_response_headers_on_success_and_error(strata, table):
    name = table()
    ids = set()
    cases = [
        ("ListTables", {}, 200),
        ("DescribeTable", {"TableName": name}, 200),
        ("PutItem", {"TableName": name, "Item": {"p": {"S": "h\u00e9"}, "b": {"B": "AAEC"}}}, 200),
        ("GetItem", {"TableName": name, "Key": {"p": {"S": "h\u00e9"}}}, 200),
        ("GetItem", {"TableName": name, "Key": {"p": {"S": "missing"}}}, 200),
        ("DescribeTable", {"TableName": unique_name("absent")}, 400),
        ("PutItem", {"TableName": name, "Item": {}}, 400),
        ("DescribeTable", "{oops", 400),
    ]
    for operation, body, status in cases:
        response = raw_request(strata.url, operation, body)
        ids.add(check_headers(response, status))
        json.loads(response.body)
    assert len(ids) == len(cases), "request ids must be unique"


@pytest.mark.strata_only(STRATA_HTTP)
def test_crc32_of_a_large_body(strata, dynamodb, table):
    name = table()
    dynamodb.put_item(TableName=name, Item={"p": {"S": "big"}, "v": {"S": "\u00e9\u20ac" * 60000}})
    response = raw_request(strata.url, "GetItem", {"TableName": name, "Key": {"p": {"S": "big"}}})
    check_headers(response, 200)
    assert response.json()["Item"]["v"]["S"] == "\u00e9\u20ac" * 60000


def test_boto3_sees_request_id_and_verifies_crc32(dynamodb):
    # botocore checks x-amz-crc32 for DynamoDB responses and raises on a mismatch.
    response = dynamodb.list_tables()
    assert response["ResponseMetadata"]["RequestId"]
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amz-crc32"]


# ---------------------------------------------------------------------------
# Connections
# ---------------------------------------------------------------------------

@pytest.mark.strata_only(STRATA_HTTP)
def test_keep_alive_reuses_one_connection(strata, table):
    name = table()
    conn = http.client.HTTPConnection(*host_port(strata), timeout=10)
    try:
        conn.connect()
        first_socket = conn.sock
        local = first_socket.getsockname()
        for i in range(30):
            operation, body = [
                ("PutItem", {"TableName": name, "Item": {"p": {"S": f"k{i}"}}}),
                ("GetItem", {"TableName": name, "Key": {"p": {"S": f"k{i}"}}}),
                ("DescribeTable", {"TableName": "no-such-" + name}),  # errors keep the connection too
            ][i % 3]
            data = json.dumps(body).encode()
            conn.request("POST", "/", body=data, headers=signed_headers(strata.url, operation, data))
            response = conn.getresponse()
            payload = response.read()
            assert response.status == (400 if i % 3 == 2 else 200), payload
            assert not response.will_close
            assert response.getheader("Connection", "").lower() != "close"
            assert conn.sock is first_socket and conn.sock.getsockname() == local
        conn.request("GET", "/")
        response = conn.getresponse()
        assert response.read().startswith(b"healthy")
        assert conn.sock is first_socket
    finally:
        conn.close()


def test_connection_close_is_honoured(strata):
    with socket.create_connection(host_port(strata), timeout=10) as sock:
        headers = signed_headers(strata.url, "ListTables", b"{}")
        head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() != "content-length")
        sock.sendall(head.encode() + b"Content-Length: 2\r\n\r\n{}")
        status, response_headers, body = read_response(sock)
        assert status == 200
        assert "TableNames" in json.loads(body)
        # The server closes its side: the next read sees end of stream.
        deadline = time.monotonic() + 10
        leftover = b""
        while time.monotonic() < deadline:
            data = sock.recv(4096)
            if not data:
                break
            leftover += data
        else:
            pytest.fail("server kept the connection open after Connection: close")
        assert leftover == b""


def test_pipelined_requests_are_answered_in_order(strata, table):
    name = table()
    requests_bytes = b""
    for i in range(5):
        body = json.dumps({"TableName": name, "Item": {"p": {"S": f"pipe{i}"}, "i": {"N": str(i)}}}).encode()
        headers = signed_headers(strata.url, "PutItem", body)
        requests_bytes += ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() != "content-length")
            + f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    for i in range(5):
        body = json.dumps({"TableName": name, "Key": {"p": {"S": f"pipe{i}"}}}).encode()
        headers = signed_headers(strata.url, "GetItem", body)
        requests_bytes += ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() != "content-length")
            + f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    with socket.create_connection(host_port(strata), timeout=10) as sock:
        sock.sendall(requests_bytes)
        reader = sock.makefile("rb")
        for i in range(10):
            status, payload = read_plain_response(reader)
            assert status == 200, payload
            if i >= 5:
                assert json.loads(payload)["Item"]["i"] == {"N": str(i - 5)}


def read_plain_response(reader):
    """Status and body of one Content-Length delimited response from a buffered reader."""
    status = int(reader.readline().split()[1])
    length = 0
    for _ in range(100):
        line = reader.readline()
        assert line, "connection closed mid-response"
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    return status, reader.read(length)


def test_many_concurrent_connections(strata, table):
    name = table()
    errors: list[str] = []
    done = []

    def worker(w):
        conn = http.client.HTTPConnection(*host_port(strata), timeout=20)
        try:
            for i in range(15):
                body = json.dumps({"TableName": name, "Item": {"p": {"S": f"w{w}-{i}"}, "w": {"N": str(w)}}}).encode()
                conn.request("POST", "/", body=body, headers=signed_headers(strata.url, "PutItem", body))
                response = conn.getresponse()
                payload = response.read()
                if response.status != 200:
                    errors.append(f"{response.status} {payload[:200]!r}")
            done.append(w)
        except Exception as error:  # reported below
            errors.append(repr(error))
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert len(done) == 32
    response = raw_request(strata.url, "DescribeTable", {"TableName": name})
    assert response.json()["Table"]["ItemCount"] == 32 * 15


def test_large_answers_are_compressed_as_the_client_accepts(strata, dynamodb, table):
    import gzip
    import zlib
    name = table()
    dynamodb.put_item(TableName=name, Item={"p": {"S": "big"}, "x": {"S": "x" * 8000}})
    dynamodb.put_item(TableName=name, Item={"p": {"S": "small"}, "x": {"S": "x" * 100}})
    body = {"TableName": name, "Key": {"p": {"S": "big"}}}
    for header, inflate in [("gzip", gzip.decompress), ("br, deflate", zlib.decompress)]:
        response = raw_request(strata.url, "GetItem", body, headers={"Accept-Encoding": header})
        encoding = header.split(", ")[-1]
        assert response.status == 200 and response.headers["Content-Encoding"] == encoding
        assert len(response.body) < 500
        # The checksum is of the bytes sent.
        assert int(response.headers["x-amz-crc32"]) == zlib.crc32(response.body)
        assert json.loads(inflate(response.body))["Item"]["x"]["S"] == "x" * 8000
    for headers, key in [({"Accept-Encoding": "identity"}, "big"), ({}, "big"), ({"Accept-Encoding": "gzip"}, "small")]:
        response = raw_request(strata.url, "GetItem", {"TableName": name, "Key": {"p": {"S": key}}}, headers=headers)
        assert "Content-Encoding" not in response.headers
        assert response.json()["Item"]["p"]["S"] == key


def test_browsers_get_cors_headers_and_preflight_answers(strata):
    origin = {"Origin": "http://app.example"}
    preflight = raw_request(strata.url, None, b"", method="OPTIONS", headers={
        **origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-amz-target"})
    assert preflight.status == 200 and preflight.body == b""
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert preflight.headers["Access-Control-Allow-Methods"] == "POST"
    assert preflight.headers["Access-Control-Allow-Headers"] == "content-type,x-amz-target"
    assert int(preflight.headers["Access-Control-Max-Age"]) > 0
    answer = raw_request(strata.url, "ListTables", {}, headers=origin)
    assert answer.status == 200 and answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "x-amzn-RequestId" in answer.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Max-Age" not in answer.headers
    assert "Access-Control-Allow-Origin" not in raw_request(strata.url, "ListTables", {}).headers
