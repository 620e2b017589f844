"""SigV4 with `--auth sigv4`: the AWS CLI, boto3 and its streams client
signing with a configured key work; a wrong secret, an unknown key, a
signature for another region, a request signed 20 minutes ago and an
unsigned one get DynamoDB's errors; the health check stays open; no
secret reaches the log, even at trace level. Credentials also come from a
file, and `--auth sigv4` without any refuses to start."""

from __future__ import annotations

import datetime
from unittest import mock

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from helpers import (ACCESS_KEY, REGION, SECRET_KEY, StrataServer, assert_start_fails, raw_request, signed_headers,
                     unique_name)

SIGV4 = ("--auth", "sigv4", "--log-level", "trace")


def client(server, key=ACCESS_KEY, secret=SECRET_KEY, region=REGION, service="dynamodb"):
    return boto3.session.Session().client(
        service, endpoint_url=server.url, region_name=region, aws_access_key_id=key, aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 0}))


def error_of(call):
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


@pytest.mark.needs_binary
def test_signed_requests_pass_and_the_rest_get_dynamodbs_errors(server_factory, aws_for):
    server = server_factory(extra_args=SIGV4 + ("--credentials", f"{ACCESS_KEY}:{SECRET_KEY}"))
    name = unique_name("auth")
    aws = aws_for(server)
    aws("create-table", "--table-name", name, "--attribute-definitions", "AttributeName=pk,AttributeType=S",
        "--key-schema", "AttributeName=pk,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST",
        "--stream-specification", "StreamEnabled=true,StreamViewType=KEYS_ONLY")
    assert name in aws("list-tables")["TableNames"]
    good = client(server)
    good.put_item(TableName=name, Item={"pk": {"S": "a"}})
    assert good.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"] == {"pk": {"S": "a"}}
    assert client(server, service="dynamodbstreams").list_streams(TableName=name)["Streams"][0]["TableName"] == name

    code, message = error_of(lambda: client(server, secret="not-the-secret").list_tables())
    assert code == "InvalidSignatureException" and message.startswith("The request signature we calculated does not match")
    assert error_of(lambda: client(server, key="AKIDUNKNOWN").list_tables()) == (
        "UnrecognizedClientException", "The security token included in the request is invalid.")
    assert error_of(lambda: client(server, region="eu-west-1").list_tables()) == (
        "InvalidSignatureException", "Credential should be scoped to a valid region. ")

    # The same request, signed 20 minutes ago: replayed now, it is stale.
    real = datetime.datetime

    class TwentyMinutesAgo(real):
        @classmethod
        def utcnow(cls):
            return real.utcnow() - datetime.timedelta(minutes=20)

        @classmethod
        def now(cls, tz=None):
            return real.now(tz) - datetime.timedelta(minutes=20)

    body = b'{"TableName": "%s"}' % name.encode()
    with mock.patch("botocore.auth.datetime.datetime", TwentyMinutesAgo):
        stale = signed_headers(server.url, "DescribeTable", body)
    response = raw_request(server.url, None, body, headers=stale)
    assert response.status == 400 and response.error_type.endswith("#InvalidSignatureException")
    assert "Signature expired" in response.json()["message"]

    unsigned = raw_request(server.url, None, body, headers={"X-Amz-Target": "DynamoDB_20120810.DescribeTable"})
    assert unsigned.status == 400 and unsigned.error_type.endswith("#MissingAuthenticationTokenException")
    assert raw_request(server.url, None, b"", method="GET").status == 200

    log = server.log_text()
    assert "Request refused by its signature" in log
    assert SECRET_KEY not in log and "not-the-secret" not in log


@pytest.mark.needs_binary
def test_credentials_come_from_a_file(server_factory, tmp_path):
    credentials = tmp_path / "credentials"
    credentials.write_text(f"# the team's keys\nAKIDOTHER:other-secret\n\n{ACCESS_KEY}:{SECRET_KEY}\n")
    server = server_factory(extra_args=SIGV4 + ("--credentials-file", str(credentials)))
    assert client(server).list_tables()["TableNames"] == []
    assert client(server, key="AKIDOTHER", secret="other-secret").list_tables()["TableNames"] == []


@pytest.mark.needs_binary
def test_sigv4_without_credentials_does_not_start(tmp_path):
    server = StrataServer(tmp_path / "data", tmp_path / "refused.log", extra_args=("--auth", "sigv4"))
    assert_start_fails(server)
    assert "needs at least one credential" in server.log_text()
