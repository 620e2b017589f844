#!/usr/bin/env python3
"""Loads ITEMS items with BatchWriteItem, then scans the table completely
with SEGMENTS parallel segments and checks that every item came back exactly
once. Samples the server's resident memory (by PID) throughout and prints
the load rate, the scan rate and the peak memory.

Usage: parallel_scan.py URL SERVER_PID   (ITEMS=1000000 SEGMENTS=8 WRITERS=8)
"""
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

url, pid = sys.argv[1], int(sys.argv[2])
items = int(os.environ.get("ITEMS", "1000000"))
segments = int(os.environ.get("SEGMENTS", "8"))
writers = int(os.environ.get("WRITERS", "8"))
table = "scan_bench"

client = boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1",
                      aws_access_key_id="bench", aws_secret_access_key="bench",
                      config=Config(max_pool_connections=max(writers, segments) + 2, retries={"max_attempts": 0}))

peak_kb = 0
sampling = True


def sample_memory():
    global peak_kb
    while sampling:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    peak_kb = max(peak_kb, int(line.split()[1]))
        time.sleep(0.2)


def load(start):
    stop = min(start + 25 * 400, items)
    for first in range(start, stop, 25):
        request = {table: [{"PutRequest": {"Item": {"pk": {"S": "item%08d" % i}, "n": {"N": str(i)},
                                                    "pad": {"S": "p" * 64}}}}
                           for i in range(first, min(first + 25, stop))]}
        response = client.batch_write_item(RequestItems=request)
        assert not response["UnprocessedItems"], "the server left items unprocessed"


def scan(segment):
    seen = []
    kwargs = {"TableName": table, "Segment": segment, "TotalSegments": segments}
    while True:
        page = client.scan(**kwargs)
        seen.extend(int(item["n"]["N"]) for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            return seen
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


sampler = threading.Thread(target=sample_memory, daemon=True)
sampler.start()
client.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
started = time.monotonic()
with ThreadPoolExecutor(writers) as pool:
    list(pool.map(load, range(0, items, 25 * 400)))
load_seconds = time.monotonic() - started
print(f"loaded {items} items in {load_seconds:.1f} s: {items / load_seconds:,.0f} items/s (BatchWriteItem, {writers} clients)")

started = time.monotonic()
with ThreadPoolExecutor(segments) as pool:
    results = list(pool.map(scan, range(segments)))
scan_seconds = time.monotonic() - started
sampling = False
sampler.join()
counts = [0] * items
for seen in results:
    for n in seen:
        counts[n] += 1
missing = sum(1 for c in counts if c == 0)
duplicated = sum(1 for c in counts if c > 1)
print(f"scanned {sum(len(s) for s in results)} items in {scan_seconds:.1f} s: {items / scan_seconds:,.0f} items/s "
      f"({segments} segments; per segment: {', '.join(str(len(s)) for s in results)})")
print(f"missing: {missing}, returned more than once: {duplicated}")
print(f"peak server memory (RSS): {peak_kb / 1024:.0f} MB")
sys.exit(0 if missing == 0 and duplicated == 0 else 1)
