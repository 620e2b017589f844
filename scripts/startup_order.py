#!/usr/bin/env python3
"""Writes Linking/startup-symbols.txt: the functions the release
binary touches from launch to its first few answers, in the order first
touched, so that the linker (lld's --symbol-ordering-file, Package.swift)
puts them side by side.

Why: the kernel maps a program's file pages 64 KB at a time around each
fault. The start-up touches about 180 code pages spread over the binary's
26 MB of text, so about 10 MB became resident for 0.7 MB of code run.

How: run the binary under `perf record -e page-faults`, drive it with
boto3, and map each fault inside the binary to the symbol covering it.
Faults only show the first page of each 64 KB window touched, so this
repeats, relinking with the list so far, until a round finds fewer than 5
new functions.

Usage: scripts/startup-order.sh (needs perf, boto3; Linux release build)."""

import bisect
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import boto3
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORDER = os.path.join(ROOT, "Linking", "startup-symbols.txt")


def code_segment(binary):
    """The executable segment's start and end addresses."""
    out = subprocess.run(["readelf", "-lW", binary], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if fields[:1] == ["LOAD"] and fields[-2] == "E":
            return int(fields[2], 16), int(fields[2], 16) + int(fields[5], 16)
    raise SystemExit("no executable segment")


def symbols(binary):
    """(address, name) of every function, sorted by address: data is left
    where it is, since the start-up touches most of it anyway."""
    out = subprocess.run(["nm", "--defined-only", "-n", binary], capture_output=True, text=True, check=True).stdout
    start, end = code_segment(binary)
    table = []
    for line in out.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[1] in "tTwW" and start <= int(parts[0], 16) < end:
            table.append((int(parts[0], 16), parts[2]))
    return table


def ambiguous(table):
    """Names that several local symbols share (`objectdestroyTm` is in
    hundreds of objects): the linker would move every section defining
    one, most of them never run at start."""
    seen = set()
    repeated = set()
    for _, name in table:
        (repeated if name in seen else seen).add(name)
    return repeated


def drive(port):
    """What a new user's first minute asks: list, create, write, read, query."""
    client = boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                          aws_access_key_id="a", aws_secret_access_key="b",
                          config=Config(retries={"max_attempts": 1}))
    client.list_tables()
    client.create_table(TableName="order", BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": "N"}])
    for n in range(3):
        client.put_item(TableName="order", Item={"pk": {"S": "a"}, "sk": {"N": str(n)}, "v": {"S": "x" * 900}})
    client.get_item(TableName="order", Key={"pk": {"S": "a"}, "sk": {"N": "1"}})
    client.query(TableName="order", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "a"}})
    client.update_item(TableName="order", Key={"pk": {"S": "a"}, "sk": {"N": "1"}}, UpdateExpression="SET n = :n",
                       ExpressionAttributeValues={":n": {"N": "1"}})
    client.describe_table(TableName="order")
    client.delete_table(TableName="order")


def record(binary, port):
    """The binary's fault addresses, as offsets into its file image, in order."""
    data = tempfile.mkdtemp()
    trace = os.path.join(data, "perf.data")
    server = subprocess.Popen(["perf", "record", "-q", "-e", "page-faults", "-c", "1", "-d", "-o", trace,
                               binary, "--port", str(port), "--data-dir", os.path.join(data, "db"), "--throttling", "off"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            drive(port)
            break
        except Exception:
            time.sleep(0.05)
    else:
        raise SystemExit("the server did not answer")
    server.send_signal(signal.SIGINT)
    server.wait(timeout=30)
    script = subprocess.run(["perf", "script", "-i", trace, "--show-mmap-events", "-F", "addr"],
                            capture_output=True, text=True).stdout
    shutil.rmtree(data, ignore_errors=True)
    base = None
    offsets = []
    real = os.path.realpath(binary)
    for line in script.splitlines():
        if "PERF_RECORD_MMAP" in line:
            m = re.search(r"\[(0x[0-9a-f]+)\((0x[0-9a-f]+)\) @ (0x[0-9a-f]+|0) ", line)
            if m and line.rstrip().endswith(real) and int(m.group(3), 16) == 0 and base is None:
                base = int(m.group(1), 16)
            continue
        field = line.strip()
        if base is not None and re.fullmatch(r"[0-9a-f]+", field):
            offsets.append(int(field, 16) - base)
    return offsets


def main():
    binary = sys.argv[1]
    port = int(sys.argv[2])
    relink = sys.argv[3:]
    order = []
    for round in range(40):
        table = symbols(binary)
        addresses = [a for a, _ in table]
        start, end = code_segment(binary)
        known = set(order) | ambiguous(table)
        new = []
        for offset in record(binary, port):
            at = bisect.bisect_right(addresses, offset) - 1
            if at < 0 or not start <= offset < end:
                continue
            name = table[at][1]
            if name not in known:
                known.add(name)
                new.append(name)
        print(f"round {round}: {len(new)} new symbols", flush=True)
        # Threads interleave differently each run, so a few stragglers
        # keep showing up; a handful is below what moves the figure.
        if len(new) < 5:
            break
        order += new
        with open(ORDER, "w") as f:
            f.write("\n".join(order) + "\n")
        subprocess.run(relink, check=True, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
