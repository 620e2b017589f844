"""Time to live that deletes: with `--ttl-interval 1`, items whose TTL
attribute (a Number of epoch seconds) has passed are gone within the
interval plus a second, from the table and from its global index; items
without it, with a future expiry or with a non-Number never expire. The AWS CLI turns it on and reads it back."""

from __future__ import annotations

import time

import pytest

from helpers import unique_name, wait_for

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
