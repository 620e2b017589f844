"""Sequential requests on one keep-alive connection, for instruction counts.

    drive.py PORT setup          create the tables and 2,000 + 2,000 items
    drive.py PORT N get|put|query   N requests of one kind, random keys

Plain sockets, no SDK: the client should cost the machine little and the
server exactly one request at a time.
"""
import json
import random
import socket
import sys

port, count, kind = int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 3 else 0, sys.argv[-1]
payload = "x" * 900


def request(target, body):
    data = body.encode()
    head = (f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-amz-json-1.0\r\n"
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
