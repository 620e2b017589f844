"""Sequential requests on one keep-alive connection, for instruction counts.

    drive.py PORT setup          create the tables and 2,000 + 2,000 items
    drive.py PORT N get|put|query   N requests of one kind, random keys

Plain sockets, no SDK: the client should cost the machine little and the
server exactly one request at a time. With CLIENT=sdk each request also
carries the headers the AWS CLI (botocore) sends: Accept-Encoding:
identity, a User-Agent, X-Amz-Date, an Authorization header (its
signature is not checked by a server without credentials) and the SDK's
invocation id and attempt.
"""
import json
import os
import random
import socket
import sys
import uuid

port, count, kind = int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 3 else 0, sys.argv[-1]
payload = "x" * 900


sdk = os.environ.get("CLIENT", "bare") == "sdk"


def sdk_headers():
    return ("Accept-Encoding: identity\r\n"
            "User-Agent: aws-cli/1.45.11 md/Botocore#1.43.11 ua/2.1 os/linux md/arch#x86_64 lang/python#3.11.7 "
            "md/pyimpl#CPython cfg/retry-mode#legacy botocore/1.43.11\r\n"
            "X-Amz-Date: 20261207T012916Z\r\n"
            "Authorization: AWS4-HMAC-SHA256 Credential=bench/20261207/us-east-1/dynamodb/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
            "Signature=90fc0e7c4a9570ba5aab7ee88cb6e3cede812f1c531f635c510019be33b5d51c\r\n"
            f"amz-sdk-invocation-id: {uuid.uuid4()}\r\namz-sdk-request: attempt=1\r\n")


def request(target, body):
    data = body.encode()
    head = (f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{sdk_headers() if sdk else ''}"
            f"Content-Type: application/x-amz-json-1.0\r\n"
            f"X-Amz-Target: DynamoDB_20120810.{target}\r\nContent-Length: {len(data)}\r\n\r\n")
    return head.encode() + data


def call(connection, data):
    connection.sendall(data)
    received = b""
    while b"\r\n\r\n" not in received:
        received += connection.recv(65536)
    head, body = received.split(b"\r\n\r\n", 1)
    length = int(next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")).split(b":")[1])
    while len(body) < length:
        body += connection.recv(65536)
    if not head.startswith(b"HTTP/1.1 200"):
        sys.exit(f"{head.splitlines()[0]!r}: {body[:200]!r}")


connection = socket.create_connection(("127.0.0.1", port))
random.seed(1)
if kind == "setup":
    for name, key in (("bench", [("pk", "S", "HASH")]), ("bench_range", [("pk", "S", "HASH"), ("sk", "N", "RANGE")])):
        call(connection, request("CreateTable", json.dumps({
            "TableName": name, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": a, "AttributeType": t} for a, t, _ in key],
            "KeySchema": [{"AttributeName": a, "KeyType": k} for a, _, k in key]})))
    for i in range(2000):
        call(connection, request("PutItem", json.dumps(
            {"TableName": "bench", "Item": {"pk": {"S": "user%09d" % i}, "n": {"N": "1"}, "payload": {"S": payload}}})))
        call(connection, request("PutItem", json.dumps({"TableName": "bench_range", "Item": {
            "pk": {"S": "part%06d" % (i // 100)}, "sk": {"N": str(i % 100)}, "payload": {"S": payload[:200]}}})))
    sys.exit()
for i in range(count):
    key = "user%09d" % random.randrange(2000)
    if kind == "get":
        call(connection, request("GetItem", '{"TableName":"bench","Key":{"pk":{"S":"%s"}}}' % key))
    elif kind == "put":
        call(connection, request("PutItem", '{"TableName":"bench","Item":{"pk":{"S":"%s"},"n":{"N":"%d"},"payload":{"S":"%s"}}}'
                                 % (key, i, payload)))
    else:
        call(connection, request("Query", '{"TableName":"bench_range","KeyConditionExpression":"pk = :p AND sk BETWEEN :a AND :b",'
                                 '"ExpressionAttributeValues":{":p":{"S":"part%06d"},":a":{"N":"10"},":b":{"N":"19"}}}'
                                 % random.randrange(20)))
