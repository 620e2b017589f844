#!/usr/bin/env python3
"""Full Scans of one table in a loop from CLIENTS processes, for the
starvation benchmark (Benchmarks/starvation/run.sh) and its bounded version
in the end-to-end suite (Tests/e2e/test_starvation.py).

Each client is its own process (so that parsing 1 MB pages never holds the
GIL of the process measuring GetItem latency) with one keep-alive
connection; it pages through the whole table (Scan, LastEvaluatedKey) again
and again until SECONDS have passed or it has done MAX_SCANS full scans.
Once every client has received its first page, the parent prints "ready" on
stdout; at the end one JSON line: {"scans": full scans completed,
"items": items received, "seconds": ..., "wrong": full scans whose item
count was not EXPECT (when given), "errors": [...]}. SIGTERM stops the
clients early (after their current page) and still prints the summary.

Usage: scan_loop.py URL TABLE [--clients 4] [--seconds 10] [--max-scans 1000]
                    [--expect N] [--access-key bench]
"""
import argparse
import http.client
import json
import multiprocessing
import signal
import sys
import time
import urllib.parse


def scan_client(url, table, max_scans, expect, access_key, ready, stop, deadline, results):
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "DynamoDB_20120810.Scan",
        # Strata does not check signatures; DynamoDB Local only reads the key and region.
        "Authorization": f"AWS4-HMAC-SHA256 Credential={access_key}/20260101/us-east-1/dynamodb/aws4_request, "
                         "SignedHeaders=host, Signature=0",
    }
    scans = items = wrong = 0
    errors = []
    signalled = False
    try:
        for _ in range(max_scans):
            if time.monotonic() >= deadline or stop.is_set():
                break
            start_key = None
            count = 0
            for _ in range(1_000_000):  # pages of one scan; ends at the last page
                body = {"TableName": table}
                if start_key is not None:
                    body["ExclusiveStartKey"] = start_key
                conn.request("POST", "/", body=json.dumps(body), headers=headers)
                response = conn.getresponse()
                payload = response.read()
                if response.status != 200:
                    errors.append(f"{response.status} {payload[:200]!r}")
                    return
                page = json.loads(payload)
                count += page["Count"]
                if not signalled:
                    ready.release()
                    signalled = True
                start_key = page.get("LastEvaluatedKey")
                if start_key is None or time.monotonic() >= deadline or stop.is_set():
                    break
            items += count
            if start_key is None:
                scans += 1
                if expect is not None and count != expect:
                    wrong += 1
            else:
                break  # cut off by the deadline or the stop
    except (OSError, http.client.HTTPException, ValueError) as error:
        errors.append(repr(error))
    finally:
        if not signalled:
            ready.release()
        conn.close()
        results.put({"scans": scans, "items": items, "wrong": wrong, "errors": errors})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("table")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--max-scans", type=int, default=1000)
    parser.add_argument("--expect", type=int)
    parser.add_argument("--access-key", default="bench")
    args = parser.parse_args()

    context = multiprocessing.get_context("fork")
    ready = context.Semaphore(0)
    stop = context.Event()
    results = context.Queue()
    start = time.monotonic()
    # Every client stops at the same moment, however long the others took to start.
    deadline = start + args.seconds
    processes = [context.Process(target=scan_client, daemon=True,
                                 args=(args.url, args.table, args.max_scans, args.expect,
                                       args.access_key, ready, stop, deadline, results))
                 for _ in range(args.clients)]
    for process in processes:
        process.start()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    for _ in processes:
        if not ready.acquire(timeout=max(1.0, deadline - time.monotonic())):
            break
    print("ready", flush=True)
    summary = {"scans": 0, "items": 0, "wrong": 0, "errors": []}
    for _ in processes:
        part = results.get(timeout=max(1.0, deadline - time.monotonic()) + 60)
        for key in ("scans", "items", "wrong"):
            summary[key] += part[key]
        summary["errors"] += part["errors"]
    for process in processes:
        process.join(timeout=10)
    summary["seconds"] = round(time.monotonic() - start, 3)
    print(json.dumps(summary), flush=True)
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
