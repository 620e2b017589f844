"""Logs: with `--log-format json` every line is one JSON object (jq reads
them); `--access-log on` adds a line per API request at info with its
operation, table, status, error type, duration and signer; health checks
log at debug; no secret appears at any level."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from botocore.exceptions import ClientError

from helpers import ACCESS_KEY, SECRET_KEY, raw_request, unique_name
from test_auth import client


@pytest.mark.needs_binary
def test_json_lines_with_an_access_log_and_no_secret(server_factory):
    server = server_factory(extra_args=(
        "--log-format", "json", "--access-log", "on", "--log-level", "trace",
        "--auth", "sigv4", "--credentials", f"{ACCESS_KEY}:{SECRET_KEY}"))
    good = client(server)
    name = unique_name("logs")
    good.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                      AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    good.put_item(TableName=name, Item={"pk": {"S": "a"}})
    with pytest.raises(ClientError):
        good.describe_table(TableName=name + "-missing")
    with pytest.raises(ClientError):
        client(server, secret="wrong-secret").list_tables()
    assert raw_request(server.url, None, b"", method="GET").status == 200
    server.stop()

    text = server.log_text()
    assert SECRET_KEY not in text and "wrong-secret" not in text
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert all({"time", "level", "message"} <= line.keys() for line in lines)
    if shutil.which("jq"):
        subprocess.run(["jq", "-e", "."], input=text, text=True, check=True, capture_output=True)
    requests = [line for line in lines if line["message"] == "Request"]
    put = next(line for line in requests if line["operation"] == "PutItem")
    assert put["level"] == "info" and put["table"] == name and put["status"] == 200 and put["principal"] == ACCESS_KEY
    assert isinstance(put["duration_ms"], (int, float)) and put["request-id"]
    missing = next(line for line in requests if line["operation"] == "DescribeTable")
    assert missing["status"] == 400 and missing["error"] == "ResourceNotFoundException"
    assert any(line["message"] == "Plain request" and line["level"] == "debug" for line in lines)
    assert any(line["message"] == "Request refused by its signature" for line in lines)


@pytest.mark.needs_binary
def test_no_access_log_unless_asked(server_factory):
    server = server_factory(extra_args=("--log-format", "json"))
    server.client().list_tables()
    server.stop()
    assert not any(json.loads(line)["message"] == "Request" for line in server.log_text().splitlines() if line.strip())
