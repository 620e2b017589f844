"""`GET /metrics`: Prometheus' text format, which promtool accepts; the
request counters move by exactly what a known workload did (successes and
failures by operation, errors by type, throttles by table); the gauges
report each table's items and the requests in flight."""

from __future__ import annotations

import re
import subprocess

import pytest
from botocore.exceptions import ClientError

from helpers import raw_request, unique_name, wait_for

SAMPLE = re.compile(r'^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$')


def scrape(server) -> tuple[str, dict[str, float]]:
    response = raw_request(server.url, None, b"", method="GET", path="/metrics")
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.body.decode()
    samples = {}
    for line in text.splitlines():
        match = SAMPLE.match(line)
        if match:
            samples[match.group(1) + (match.group(2) or "")] = float(match.group(3))
    return text, samples


@pytest.mark.needs_binary
def test_counters_move_by_exactly_the_workload_and_promtool_accepts(server_factory):
    server = server_factory()
    client = server.client()
    name = unique_name("metrics")
    client.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    _, before = scrape(server)
    for n in range(7):
        client.put_item(TableName=name, Item={"pk": {"S": f"k{n}"}})
    for n in range(3):
        client.get_item(TableName=name, Key={"pk": {"S": f"k{n}"}})
    for _ in range(2):
        with pytest.raises(ClientError):
            client.describe_table(TableName=name + "-missing")
    # 600 strongly consistent reads of a 1 RCU table drain its 300 s of burst.
    throttled = 0
    for _ in range(400):
        try:
            client.batch_get_item(RequestItems={name: {"Keys": [{"pk": {"S": f"k{n}"}} for n in range(7)], "ConsistentRead": True}})
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
            throttled += 1
    assert throttled > 0
    text, after = scrape(server)

    def moved(sample):
        return after.get(sample, 0) - before.get(sample, 0)

    assert moved('strata_requests_total{operation="PutItem",outcome="success"}') == 7
    assert moved('strata_requests_total{operation="GetItem",outcome="success"}') == 3
    assert moved('strata_requests_total{operation="DescribeTable",outcome="ResourceNotFoundException"}') == 2
    assert moved('strata_errors_total{type="ResourceNotFoundException"}') == 2
    assert moved(f'strata_throttled_requests_total{{table="{name}",reason="ProvisionedThroughputExceededException"}}') == throttled
    assert moved('strata_request_duration_seconds_count{operation="PutItem"}') == 7
    # The PostgreSQL engine counts a table's items when a scrape asks, for a later scrape.
    wait_for(lambda: scrape(server)[1].get(f'strata_table_items{{table="{name}"}}') == 7, timeout=10, what="the item count")
    assert after["strata_requests_in_flight"] == 0
    assert after["process_resident_memory_bytes"] > 1_000_000 and after["process_open_fds"] > 3
    subprocess.run(["promtool", "check", "metrics"], input=text, text=True, check=True, capture_output=True)


@pytest.mark.needs_binary
def test_metrics_may_ask_for_a_token(server_factory):
    server = server_factory(extra_args=("--metrics-auth", "s3cret-scrape"))
    assert raw_request(server.url, None, b"", method="GET", path="/metrics").status == 401
    assert raw_request(server.url, None, b"", method="GET", path="/metrics", headers={"Authorization": "Bearer nope"}).status == 401
    granted = raw_request(server.url, None, b"", method="GET", path="/metrics", headers={"Authorization": "Bearer s3cret-scrape"})
    assert granted.status == 200 and b"strata_requests_in_flight" in granted.body
    assert raw_request(server.url, None, b"", method="GET").status == 200
