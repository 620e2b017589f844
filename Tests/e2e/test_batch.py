"""BatchWriteItem and BatchGetItem: puts and deletes across tables, the 25 and
100 request limits, duplicate keys, per-table projections, UnprocessedItems /
UnprocessedKeys (present and empty; filled past the 16 MB response limit),
and the AWS CLI's batch-write-item / batch-get-item."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from botocore.exceptions import ClientError

from helpers import DDBL_MESSAGES, assert_client_error, unique_name

DUPLICATES = "Provided list of item keys contains duplicates"
NOT_FOUND = "Requested resource not found"
MAX_ROUNDS = 100  # every retry loop is bounded


def put(item):
    return {"PutRequest": {"Item": item}}


def delete(key):
    return {"DeleteRequest": {"Key": key}}


def get(dynamodb, table, key):
    return dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")


# ---------------------------------------------------------------------------
# BatchWriteItem
# ---------------------------------------------------------------------------

def test_batch_write_puts_and_deletes_across_tables(dynamodb, t_s, t_sn):
    run = unique_name("bw")
    for i in range(5):
        dynamodb.put_item(TableName=t_s, Item={"p": {"S": f"{run}-old{i}"}, "v": {"N": "0"}})
        dynamodb.put_item(TableName=t_sn, Item={"p": {"S": run}, "c": {"N": str(100 + i)}})
    response = dynamodb.batch_write_item(RequestItems={
        t_s: [put({"p": {"S": f"{run}-{i}"}, "v": {"N": str(i)}, "ss": {"SS": [str(i), "x"]}}) for i in range(10)]
             + [delete({"p": {"S": f"{run}-old{i}"}}) for i in range(4)]
             + [delete({"p": {"S": f"{run}-never-existed"}})],
        t_sn: [put({"p": {"S": run}, "c": {"N": str(i)}, "b": {"B": bytes([i])}}) for i in range(8)]
              + [delete({"p": {"S": run}, "c": {"N": "100"}}), delete({"p": {"S": run}, "c": {"N": "101"}})],
    })
    assert response["UnprocessedItems"] == {}
    for i in range(10):
        item = get(dynamodb, t_s, {"p": {"S": f"{run}-{i}"}})
        assert item["v"] == {"N": str(i)} and sorted(item["ss"]["SS"]) == sorted([str(i), "x"])
    assert [get(dynamodb, t_s, {"p": {"S": f"{run}-old{i}"}}) is None for i in range(5)] == [True] * 4 + [False]
    assert get(dynamodb, t_s, {"p": {"S": f"{run}-never-existed"}}) is None
    items = dynamodb.query(TableName=t_sn, KeyConditionExpression="p = :p",
                           ExpressionAttributeValues={":p": {"S": run}})["Items"]
    assert [item["c"]["N"] for item in items] == [str(i) for i in range(8)] + ["102", "103", "104"]
    assert items[3]["b"] == {"B": b"\x03"}


def test_batch_put_replaces_whole_items(dynamodb, t_s):
    key = {"p": {"S": unique_name("bwreplace")}}
    dynamodb.put_item(TableName=t_s, Item={**key, "a": {"S": "1"}, "b": {"S": "2"}})
    dynamodb.batch_write_item(RequestItems={t_s: [put({**key, "c": {"S": "3"}})]})
    assert get(dynamodb, t_s, key) == {**key, "c": {"S": "3"}}


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_batch_write_limit_is_25(dynamodb, dynamodb_unchecked, t_s):
    run = unique_name("bw25")
    response = dynamodb.batch_write_item(RequestItems={
        t_s: [put({"p": {"S": f"{run}-{i}"}}) for i in range(25)]})
    assert response["UnprocessedItems"] == {}
    assert all(get(dynamodb, t_s, {"p": {"S": f"{run}-{i}"}}) for i in range(25))

    run = unique_name("bw26")
    with pytest.raises(ClientError) as err:
        dynamodb_unchecked.batch_write_item(RequestItems={t_s: [put({"p": {"S": f"{run}-{i}"}}) for i in range(26)]})
    assert_client_error(err, "ValidationException", contains="25")
    assert get(dynamodb, t_s, {"p": {"S": f"{run}-0"}}) is None


def test_batch_write_limit_counts_requests_of_every_table(dynamodb, dynamodb_unchecked, t_s, t_sn):
    """13 + 13 across two tables is 26 requests: refused, though each table's list is under 25."""
    run = unique_name("bw13")
    with pytest.raises(ClientError) as err:
        dynamodb_unchecked.batch_write_item(RequestItems={
            t_s: [put({"p": {"S": f"{run}-{i}"}}) for i in range(13)],
            t_sn: [put({"p": {"S": run}, "c": {"N": str(i)}}) for i in range(13)]})
    assert_client_error(err, "ValidationException", contains="Too many items requested for the BatchWriteItem call")
    assert get(dynamodb, t_s, {"p": {"S": f"{run}-0"}}) is None
    assert get(dynamodb, t_sn, {"p": {"S": run}, "c": {"N": "0"}}) is None


@pytest.mark.parametrize("requests", [
    pytest.param(lambda k: [put({"p": {"S": k}, "v": {"N": "1"}}), put({"p": {"S": k}, "v": {"N": "2"}})],
                 id="put-put"),
    pytest.param(lambda k: [put({"p": {"S": k}}), delete({"p": {"S": k}})], id="put-delete"),
    pytest.param(lambda k: [delete({"p": {"S": k}}), delete({"p": {"S": k}})], id="delete-delete"),
])
def test_batch_write_refuses_duplicate_keys(dynamodb, t_s, requests):
    key = unique_name("bwdup")
    with pytest.raises(ClientError) as err:
        dynamodb.batch_write_item(RequestItems={t_s: [put({"p": {"S": key + "-other"}})] + requests(key)})
    assert_client_error(err, "ValidationException", DUPLICATES)
    assert get(dynamodb, t_s, {"p": {"S": key}}) is None
    assert get(dynamodb, t_s, {"p": {"S": key + "-other"}}) is None


def test_batch_write_duplicates_are_compared_by_value(dynamodb, t_n, t_sn):
    with pytest.raises(ClientError) as err:
        dynamodb.batch_write_item(RequestItems={t_n: [put({"p": {"N": "1000"}}), put({"p": {"N": "1e3"}})]})
    assert_client_error(err, "ValidationException", DUPLICATES)
    run = unique_name("bwdupn")
    with pytest.raises(ClientError) as err:
        dynamodb.batch_write_item(RequestItems={t_sn: [put({"p": {"S": run}, "c": {"N": "1.50"}}),
                                                       delete({"p": {"S": run}, "c": {"N": "15e-1"}})]})
    assert_client_error(err, "ValidationException", DUPLICATES)
    # Same partition key, different sort keys: no duplicates. Same key in two tables: fine.
    response = dynamodb.batch_write_item(RequestItems={
        t_sn: [put({"p": {"S": run}, "c": {"N": "1"}}), put({"p": {"S": run}, "c": {"N": "2"}})],
        t_n: [put({"p": {"N": "-7.5"}})],
    })
    assert response["UnprocessedItems"] == {}
    assert get(dynamodb, t_n, {"p": {"N": "-75e-1"}}) == {"p": {"N": "-7.5"}}


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_batch_write_validation(dynamodb, dynamodb_unchecked, t_s, t_sn):
    key = unique_name("bwbad")
    cases = [
        ({t_s: [put({"v": {"S": "no key"}})]}, "ValidationException",
         "One or more parameter values were invalid: Missing the key p in the item"),
        ({t_sn: [delete({"p": {"S": key}})]}, "ValidationException",
         "The provided key element does not match the schema"),
        ({t_s: [{"PutRequest": {"Item": {"p": {"S": key}}}, "DeleteRequest": {"Key": {"p": {"S": key}}}}]},
         "ValidationException", None),
        ({t_s: [put({"p": {"S": key}, "big": {"S": "x" * 410_000}})]}, "ValidationException",
         "Item size has exceeded the maximum allowed size"),
        ({t_s: [put({"p": {"S": ""}})]}, "ValidationException", None),
        ({t_s: [{}]}, "ValidationException", None),
        ({}, "ValidationException", None),
        ({t_s: []}, "ValidationException", None),
    ]
    for request_items, code, message in cases:
        with pytest.raises(ClientError) as err:
            dynamodb_unchecked.batch_write_item(RequestItems=request_items)
        assert_client_error(err, code, message)
    # A missing table fails the whole batch.
    with pytest.raises(ClientError) as err:
        dynamodb.batch_write_item(RequestItems={t_s: [put({"p": {"S": key}})],
                                                unique_name("nosuchtable"): [put({"p": {"S": key}})]})
    assert_client_error(err, "ResourceNotFoundException", NOT_FOUND)
    assert get(dynamodb, t_s, {"p": {"S": key}}) is None


# ---------------------------------------------------------------------------
# BatchGetItem
# ---------------------------------------------------------------------------

@pytest.mark.strata_only("DynamoDB Local refuses AttributesToGet on one table beside ProjectionExpression on another")
def test_batch_get_across_tables(dynamodb, t_s, t_sn):
    run = unique_name("bg")
    for i in range(6):
        dynamodb.put_item(TableName=t_s, Item={"p": {"S": f"{run}-{i}"}, "v": {"N": str(i)}, "name": {"S": f"n{i}"},
                                              "m": {"M": {"x": {"N": str(i)}, "y": {"S": "drop"}}}})
        dynamodb.put_item(TableName=t_sn, Item={"p": {"S": run}, "c": {"N": str(i)}, "w": {"S": f"w{i}"},
                                               "z": {"S": "z"}})
    response = dynamodb.batch_get_item(RequestItems={
        t_s: {"Keys": [{"p": {"S": f"{run}-{i}"}} for i in (0, 2, 4, 99)],
              "ProjectionExpression": "#n, m.x", "ExpressionAttributeNames": {"#n": "name"},
              "ConsistentRead": True},
        t_sn: {"Keys": [{"p": {"S": run}, "c": {"N": c}} for c in ("1", "3.0", "7")],
               "AttributesToGet": ["c", "w"]},
    })
    assert response["UnprocessedKeys"] == {}
    assert set(response["Responses"]) == {t_s, t_sn}
    got_s = sorted(response["Responses"][t_s], key=lambda item: item["name"]["S"])
    assert got_s == [{"name": {"S": f"n{i}"}, "m": {"M": {"x": {"N": str(i)}}}} for i in (0, 2, 4)]
    got_sn = sorted(response["Responses"][t_sn], key=lambda item: item["c"]["N"])
    assert got_sn == [{"c": {"N": "1"}, "w": {"S": "w1"}}, {"c": {"N": "3"}, "w": {"S": "w3"}}]

    # Full items without a projection; a table with nothing found still has its (empty) list.
    response = dynamodb.batch_get_item(RequestItems={
        t_s: {"Keys": [{"p": {"S": f"{run}-5"}}]},
        t_sn: {"Keys": [{"p": {"S": run}, "c": {"N": "42"}}]},
    })
    assert response["UnprocessedKeys"] == {}
    assert response["Responses"][t_s] == [{"p": {"S": f"{run}-5"}, "v": {"N": "5"}, "name": {"S": "n5"},
                                           "m": {"M": {"x": {"N": "5"}, "y": {"S": "drop"}}}}]
    assert response["Responses"][t_sn] == []


def test_batch_get_100_keys(dynamodb, dynamodb_unchecked, t_s, t_n):
    run = unique_name("bg100")
    for start in range(0, 100, 25):
        dynamodb.batch_write_item(RequestItems={t_s: [put({"p": {"S": f"{run}-{i}"}, "i": {"N": str(i)}})
                                                      for i in range(start, start + 25)]})
    response = dynamodb.batch_get_item(RequestItems={t_s: {"Keys": [{"p": {"S": f"{run}-{i}"}} for i in range(100)]}})
    assert response["UnprocessedKeys"] == {}
    assert sorted(int(item["i"]["N"]) for item in response["Responses"][t_s]) == list(range(100))
    # One table's 101 keys break its list's constraint; 101 across tables, the
    # request's limit (nubo-db/dynamodb-conformance, checked against AWS in 2026).
    with pytest.raises(ClientError) as err:
        dynamodb_unchecked.batch_get_item(RequestItems={t_s: {"Keys": [{"p": {"S": f"{run}-{i}"}} for i in range(101)]}})
    assert_client_error(err, "ValidationException",
                        f"1 validation error detected: Value at 'RequestItems.{t_s}.member.Keys' failed to satisfy constraint: "
                        "Member must have length less than or equal to 100")
    with pytest.raises(ClientError) as err:
        dynamodb_unchecked.batch_get_item(RequestItems={
            t_s: {"Keys": [{"p": {"S": f"{run}-{i}"}} for i in range(60)]},
            t_n: {"Keys": [{"p": {"N": str(i)}} for i in range(41)]}})
    assert_client_error(err, "ValidationException", contains="Too many items requested for the BatchGetItem call")


@pytest.mark.strata_only("DynamoDB Local accepts duplicate keys in BatchGetItem, AWS DynamoDB refuses them")
def test_batch_get_refuses_duplicate_keys(dynamodb, t_s, t_sn, t_n):
    run = unique_name("bgdup")
    for request_items in ({t_s: {"Keys": [{"p": {"S": run}}, {"p": {"S": run}}]}},
                          {t_n: {"Keys": [{"p": {"N": "10"}}, {"p": {"N": "1e1"}}]}},
                          {t_sn: {"Keys": [{"p": {"S": run}, "c": {"N": "2"}}, {"p": {"S": run}, "c": {"N": "2.0"}}]}}):
        with pytest.raises(ClientError) as err:
            dynamodb.batch_get_item(RequestItems=request_items)
        assert_client_error(err, "ValidationException", DUPLICATES)
    # The same key in two different tables is not a duplicate.
    response = dynamodb.batch_get_item(RequestItems={t_s: {"Keys": [{"p": {"S": run}}]},
                                                     t_n: {"Keys": [{"p": {"N": "10"}}]}})
    assert response["UnprocessedKeys"] == {}


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_batch_get_validation(dynamodb, dynamodb_unchecked, t_s, t_sn):
    with pytest.raises(ClientError) as err:
        dynamodb.batch_get_item(RequestItems={t_sn: {"Keys": [{"p": {"S": "x"}}]}})
    assert_client_error(err, "ValidationException", "The provided key element does not match the schema")
    with pytest.raises(ClientError) as err:
        dynamodb.batch_get_item(RequestItems={unique_name("nosuchtable"): {"Keys": [{"p": {"S": "x"}}]}})
    assert_client_error(err, "ResourceNotFoundException", NOT_FOUND)
    with pytest.raises(ClientError) as err:
        dynamodb_unchecked.batch_get_item(RequestItems={})
    assert_client_error(err, "ValidationException")
    with pytest.raises(ClientError) as err:
        dynamodb.batch_get_item(RequestItems={t_s: {"Keys": [{"p": {"S": "x"}}], "ProjectionExpression": "a",
                                                    "AttributesToGet": ["a"]}})
    assert_client_error(err, "ValidationException", contains="Can not use both expression and non-expression")
    with pytest.raises(ClientError) as err:
        dynamodb.batch_get_item(RequestItems={t_s: {"Keys": [{"p": {"S": "x"}}], "ProjectionExpression": "a",
                                                    "ExpressionAttributeNames": {"#unused": "b"}}})
    assert_client_error(err, "ValidationException",
                        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}")


def test_batch_get_past_16_megabytes_returns_unprocessed_keys(dynamodb, t_sn):
    """60 items of ~350 KB (about 21 MB) cannot come back in one response:
    the rest is handed back in UnprocessedKeys, and following it returns
    every item exactly once. Each item has its own partition key: 21 MB
    written to one key would exceed DynamoDB's per-key 1,000 WCU/s."""
    run = unique_name("bg16")
    payload = "x" * 350_000
    for i in range(60):
        dynamodb.put_item(TableName=t_sn, Item={"p": {"S": f"{run}-{i}"}, "c": {"N": str(i)}, "payload": {"S": payload}})
    request = {t_sn: {"Keys": [{"p": {"S": f"{run}-{i}"}, "c": {"N": str(i)}} for i in range(60)], "ConsistentRead": True}}
    seen = Counter()
    returned_sizes = []
    rounds = 0
    while request:
        rounds += 1
        assert rounds <= MAX_ROUNDS, "UnprocessedKeys never drained"
        response = dynamodb.batch_get_item(RequestItems=request)
        assert "UnprocessedKeys" in response
        items = response["Responses"].get(t_sn, [])
        assert all(item["payload"]["S"] == payload for item in items)
        returned_sizes.append(sum(len(item["payload"]["S"]) for item in items))
        seen.update(int(item["c"]["N"]) for item in items)
        request = response["UnprocessedKeys"]
        if request:
            assert items, "a response with UnprocessedKeys made no progress"
            # The unprocessed request keeps the table's options.
            assert request[t_sn].get("ConsistentRead") is True
    assert rounds >= 2
    assert sorted(seen) == list(range(60)) and max(seen.values()) == 1
    # No response carries more than 16 MB of items (the payloads alone are a
    # lower bound of DynamoDB's item sizes).
    assert max(returned_sizes) <= 16 * 1024 * 1024, returned_sizes


# ---------------------------------------------------------------------------
# The AWS CLI
# ---------------------------------------------------------------------------

def test_cli_batch_write_and_get(aws, t_s, t_sn):
    run = unique_name("bgcli")
    out = aws("batch-write-item", "--request-items", json.dumps({
        t_s: [put({"p": {"S": f"{run}-{i}"}, "v": {"N": str(i)}}) for i in range(3)],
        t_sn: [put({"p": {"S": run}, "c": {"N": "1"}, "w": {"S": "one"}})],
    }))
    assert out == {"UnprocessedItems": {}}
    out = aws("batch-get-item", "--request-items", json.dumps({
        t_s: {"Keys": [{"p": {"S": f"{run}-{i}"}} for i in range(4)], "ProjectionExpression": "v"},
        t_sn: {"Keys": [{"p": {"S": run}, "c": {"N": "1"}}]},
    }))
    assert out["UnprocessedKeys"] == {}
    assert sorted(item["v"]["N"] for item in out["Responses"][t_s]) == ["0", "1", "2"]
    assert out["Responses"][t_sn] == [{"p": {"S": run}, "c": {"N": "1"}, "w": {"S": "one"}}]
