"""Drains a table's stream from TRIM_HORIZON as fast as GetRecords allows:
one poller thread per shard, Limit 1000, plain HTTP and the C JSON parser
so that the client costs little beside the server. Prints the records read
and the rate."""

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlparse

url, table = sys.argv[1], sys.argv[2]
address = urlparse(url)


def call(connection, target, body):
    connection.request("POST", "/", json.dumps(body), {
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target})
    response = connection.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"{target}: {response.status} {data[:200]!r}")
    return json.loads(data)


def connect():
    return http.client.HTTPConnection(address.hostname, address.port, timeout=60)


control = connect()
arn = call(control, "DynamoDB_20120810.DescribeTable", {"TableName": table})["Table"]["LatestStreamArn"]
shards = [s["ShardId"] for s in call(control, "DynamoDBStreams_20120810.DescribeStream", {"StreamArn": arn})
          ["StreamDescription"]["Shards"]]
counts = [0] * len(shards)


def drain(position, shard):
    connection = connect()
    iterator = call(connection, "DynamoDBStreams_20120810.GetShardIterator",
                    {"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"})["ShardIterator"]
    while iterator:
        page = call(connection, "DynamoDBStreams_20120810.GetRecords", {"ShardIterator": iterator, "Limit": 1000})
        counts[position] += len(page["Records"])
        if not page["Records"]:
            return
        iterator = page.get("NextShardIterator")


started = time.monotonic()
threads = [threading.Thread(target=drain, args=(n, shard)) for n, shard in enumerate(shards)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
elapsed = time.monotonic() - started
print(f"RESULT records={sum(counts)} seconds={elapsed:.2f} rate={sum(counts) / elapsed:.0f}")
