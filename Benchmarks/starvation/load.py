#!/usr/bin/env python3
"""Creates table TABLE (partition key pk, S) and writes ITEMS items of
~PAYLOAD bytes with BatchWriteItem (25 a call) from WRITERS threads, each
with its own keep-alive connection. Keys are key00000000..., as
Benchmarks/http/requests.lua reads them.

Usage: load.py URL   (TABLE=starve ITEMS=200000 PAYLOAD=300 WRITERS=8)
"""
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

url = sys.argv[1]
table = os.environ.get("TABLE", "starve")
items = int(os.environ.get("ITEMS", "200000"))
payload = "p" * int(os.environ.get("PAYLOAD", "300"))
writers = int(os.environ.get("WRITERS", "8"))
parsed = urllib.parse.urlsplit(url)
AUTH = ("AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=host, Signature=0")


def call(conn, operation, body):
    conn.request("POST", "/", body=json.dumps(body), headers={
        "Content-Type": "application/x-amz-json-1.0", "Authorization": AUTH,
        "X-Amz-Target": "DynamoDB_20120810." + operation})
    response = conn.getresponse()
    data = json.loads(response.read() or b"{}")
    if response.status != 200:
        raise RuntimeError(f"{operation}: {response.status} {data}")
    return data


conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
call(conn, "CreateTable", {"TableName": table, "BillingMode": "PAY_PER_REQUEST",
                           "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                           "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
conn.close()

failures = []


def writer(index):
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    try:
        for first in range(index * 25, items, writers * 25):
            requests = [{"PutRequest": {"Item": {"pk": {"S": "key%08d" % i}, "n": {"N": str(i)},
                                                 "payload": {"S": payload}}}}
                        for i in range(first, min(first + 25, items))]
            # Unprocessed items (never expected with --throttling off) are sent again, a bounded number of times.
            for _ in range(100):
                left = call(conn, "BatchWriteItem", {"RequestItems": {table: requests}})["UnprocessedItems"]
                if not left:
                    break
                requests = left[table]
            else:
                raise RuntimeError("items stayed unprocessed")
    except Exception as error:  # reported below; the run fails
        failures.append(repr(error))
    finally:
        conn.close()


start = time.monotonic()
threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
if failures:
    sys.exit(f"load failed: {failures[:3]}")
elapsed = time.monotonic() - start
print(f"loaded {items} items of ~{len(payload) + 30} bytes in {elapsed:.1f}s ({items / elapsed:,.0f} items/s)")
