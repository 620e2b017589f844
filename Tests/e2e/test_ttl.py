"""Time to live that deletes: with `--ttl-interval 1`, items whose TTL
attribute (a Number of epoch seconds) has passed are gone within the
interval plus a second, from the table and from its global index; items
without it, with a future expiry or with a non-Number never expire. The AWS CLI turns it on and reads it back.
Each deletion leaves a REMOVE stream record of DynamoDB's own service, and
costs the table no capacity: a provisioned table drained by its writes is
still swept, and keeps what its writes left."""

from __future__ import annotations

import time

import pytest

from helpers import unique_name, wait_for
from stream_reader import read_stream

INTERVAL_S = 1


@pytest.mark.needs_binary
def test_expired_items_vanish_from_the_table_and_its_index(server_factory, aws_for):
    server = server_factory(extra_args=("--ttl-interval", str(INTERVAL_S), "--ttl-cooldown", "0"))
    client = server.client()
    name = unique_name("ttl")
    client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}}])
    aws = aws_for(server)
    aws("update-time-to-live", "--table-name", name, "--time-to-live-specification", "Enabled=true,AttributeName=expires")
    assert aws("describe-time-to-live", "--table-name", name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}

    now = int(time.time())
    items = {
        "past": {"N": str(now - 10)},
        "soon": {"N": str(now + 2)},
        "future": {"N": str(now + 3600)},
        "string": {"S": str(now - 10)},
        "none": None,
    }
    for key, expires in items.items():
        item = {"pk": {"S": key}, "g": {"S": "all"}}
        if expires:
            item["expires"] = expires
        client.put_item(TableName=name, Item=item)

    def keys_in(index=None):
        request = {"TableName": name}
        if index:
            request["IndexName"] = index
        return sorted(i["pk"]["S"] for i in client.scan(**request)["Items"])

    written = time.monotonic()
    wait_for(lambda: "past" not in keys_in(), timeout=INTERVAL_S + 1.5, what="the expired item to go")
    wait_for(lambda: "soon" not in keys_in(), timeout=INTERVAL_S + 4, what="the item expiring in 2 s to go")
    assert time.monotonic() - written >= 1.0
    assert keys_in() == ["future", "none", "string"]
    assert keys_in("byG") == ["future", "none", "string"]


# The Streams API's Identity shape, as boto3 reads it.
SERVICE = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}


@pytest.mark.needs_binary
def test_expiry_leaves_service_remove_records_and_costs_no_capacity(server_factory):
    server = server_factory(extra_args=("--ttl-interval", str(INTERVAL_S), "--ttl-cooldown", "0"))
    client, streams = server.client(), server.client("dynamodbstreams")
    name = unique_name("ttlstream")
    # 1 write unit a second, and DynamoDB's 300 seconds of burst.
    throughput = {"ReadCapacityUnits": 50, "WriteCapacityUnits": 1}
    client.create_table(
        TableName=name, ProvisionedThroughput=throughput,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "KEYS_ONLY"}, "ProvisionedThroughput": throughput}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    client.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})

    # 220 of the 300 burst units: 200 items that expire in 2 s, 20 that stay.
    expires = int(time.time()) + 2
    items = [{"pk": {"S": f"gone{n}"}, "g": {"S": "all"}, "expires": {"N": str(expires)}} for n in range(200)]
    items += [{"pk": {"S": f"kept{n}"}, "g": {"S": "all"}, "expires": {"N": str(expires + 3600)}} for n in range(20)]
    for start in range(0, len(items), 25):
        unprocessed = {name: [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]}
        while unprocessed:
            unprocessed = client.batch_write_item(RequestItems=unprocessed).get("UnprocessedItems") or {}

    def count(**request):
        return client.scan(TableName=name, Select="COUNT", **request)["Count"]

    wait_for(lambda: count() == 20, timeout=expires + INTERVAL_S + 1 - time.time(), what="every expired item to go")
    assert count(IndexName="byG") == 20

    records = read_stream(streams, client.describe_table(TableName=name)["Table"]["LatestStreamArn"])
    removes = [r for r in records if r["eventName"] == "REMOVE"]
    assert sorted(r["dynamodb"]["Keys"]["pk"]["S"] for r in removes) == sorted(f"gone{n}" for n in range(200))
    assert all(r["userIdentity"] == SERVICE for r in removes)
    assert all("userIdentity" not in r for r in records if r["eventName"] != "REMOVE")
    assert all(r["dynamodb"]["OldImage"]["expires"] == {"N": str(expires)} for r in removes)

    # Had the 200 deletions been charged, the table would be 120 units in
    # debt; it still has the 80 its writes left (and what refilled since).
    for n in range(60):
        client.put_item(TableName=name, Item={"pk": {"S": f"after{n}"}, "g": {"S": "all"}})
