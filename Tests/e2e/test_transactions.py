"""TransactWriteItems and TransactGetItems: Put / Update / Delete /
ConditionCheck, all-or-nothing across tables, CancellationReasons (order,
codes, messages, ReturnValuesOnConditionCheckFailure), duplicate targets, the
100-action limit, ClientRequestToken idempotency, ConsumedCapacity,
TransactGetItems order / missing items / projections, missing tables, the
AWS CLI, and single-item writes racing transactions on the same items.

The crash acceptance test (money moved between accounts while the server is
killed) is in test_transactions_crash.py."""

from __future__ import annotations

import json
import random
import threading
import time
import uuid

import pytest
from botocore.exceptions import BotoCoreError, ClientError

from helpers import (AwsCliError, DDBL_MESSAGES, DDBL_ON_FAILURE, DDBL_TRANSACTIONS, assert_client_error,
                     make_client, unique_name)

CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons"
CONDITION_FAILED = "The conditional request failed"
ONE_ITEM = "Transaction request cannot include multiple operations on one item"
NOT_FOUND = "Requested resource not found"


# ---------------------------------------------------------------------------
# Request builders and checks
# ---------------------------------------------------------------------------

def put(table, item, condition=None, **extra):
    return {"Put": {"TableName": table, "Item": item, **_condition(condition), **extra}}


def update(table, key, expression, condition=None, **extra):
    return {"Update": {"TableName": table, "Key": key, "UpdateExpression": expression,
                       **_condition(condition), **extra}}


def delete(table, key, condition=None, **extra):
    return {"Delete": {"TableName": table, "Key": key, **_condition(condition), **extra}}


def check(table, key, condition, **extra):
    return {"ConditionCheck": {"TableName": table, "Key": key, "ConditionExpression": condition, **extra}}


def get_action(table, key, **extra):
    return {"Get": {"TableName": table, "Key": key, **extra}}


def _condition(condition):
    return {"ConditionExpression": condition} if condition else {}


def s(value):
    return {"S": value}


def n(value):
    return {"N": str(value)}


def get(dynamodb, table, key):
    return dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")


def body(response):
    """The response without boto3's ResponseMetadata."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def cancellation(excinfo, codes):
    """Checks a TransactionCanceledException: its message lists `codes`, its
    CancellationReasons have exactly those codes in order, with a Message for
    every code but None. Returns the reasons."""
    message = assert_client_error(excinfo, "TransactionCanceledException")
    assert message == f"{CANCELLED} [{', '.join(codes)}]"
    reasons = excinfo.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == list(codes)
    for reason in reasons:
        if reason["Code"] == "None":
            assert set(reason) == {"Code"}, reason
        else:
            assert reason.get("Message"), reason
    return reasons


# ---------------------------------------------------------------------------
# The four actions
# ---------------------------------------------------------------------------

def test_put_update_delete_and_condition_check_succeed_together(dynamodb, t_s, t_sc):
    run = unique_name("tx")
    new, updated, deleted, checked = (s(f"{run}-{x}") for x in ("new", "upd", "del", "chk"))
    dynamodb.put_item(TableName=t_sc, Item={"p": updated, "c": s("1"), "x": n(42), "tags": {"SS": ["a"]}})
    dynamodb.put_item(TableName=t_s, Item={"p": deleted, "v": s("bye")})
    dynamodb.put_item(TableName=t_sc, Item={"p": checked, "c": s("2"), "state": s("open")})

    response = dynamodb.transact_write_items(TransactItems=[
        put(t_s, {"p": new, "v": n(1)}, "attribute_not_exists(p)"),
        update(t_sc, {"p": updated, "c": s("1")}, "SET #x = #x + :one ADD tags :t REMOVE gone",
               "#x = :fortytwo", ExpressionAttributeNames={"#x": "x"},
               ExpressionAttributeValues={":one": n(1), ":fortytwo": n(42), ":t": {"SS": ["b"]}}),
        delete(t_s, {"p": deleted}, "v = :bye", ExpressionAttributeValues={":bye": s("bye")}),
        check(t_sc, {"p": checked, "c": s("2")}, "#st = :open",
              ExpressionAttributeNames={"#st": "state"}, ExpressionAttributeValues={":open": s("open")}),
    ])
    assert body(response) == {}
    assert get(dynamodb, t_s, {"p": new}) == {"p": new, "v": n(1)}
    stored = get(dynamodb, t_sc, {"p": updated, "c": s("1")})
    assert stored["x"] == n(43) and sorted(stored["tags"]["SS"]) == ["a", "b"]
    assert get(dynamodb, t_s, {"p": deleted}) is None
    # ConditionCheck writes nothing.
    assert get(dynamodb, t_sc, {"p": checked, "c": s("2")}) == {"p": checked, "c": s("2"), "state": s("open")}


def test_action_semantics_match_the_single_item_operations(dynamodb, t_s, t_sn):
    run = unique_name("txsem")
    replaced, upserted, absent = s(f"{run}-r"), s(f"{run}-u"), s(f"{run}-a")
    dynamodb.put_item(TableName=t_s, Item={"p": replaced, "a": s("1"), "b": s("2")})
    dynamodb.transact_write_items(TransactItems=[
        put(t_s, {"p": replaced, "c": s("3")}),                             # replaces, no merge
        update(t_sn, {"p": upserted, "c": n(7)}, "SET v = :v", ExpressionAttributeValues={":v": s("new")}),
        delete(t_s, {"p": absent}),                                          # deleting nothing is fine
    ])
    assert get(dynamodb, t_s, {"p": replaced}) == {"p": replaced, "c": s("3")}
    assert get(dynamodb, t_sn, {"p": upserted, "c": n(7)}) == {"p": upserted, "c": n(7), "v": s("new")}
    assert get(dynamodb, t_s, {"p": absent}) is None

    # A lone ConditionCheck is a legal transaction.
    assert body(dynamodb.transact_write_items(TransactItems=[check(t_s, {"p": absent}, "attribute_not_exists(p)")])) == {}
    # An Update whose condition fails on a missing item creates no item.
    ghost = s(f"{run}-ghost")
    with pytest.raises(ClientError) as err:
        dynamodb.transact_write_items(TransactItems=[
            update(t_s, {"p": ghost}, "SET v = :v", "attribute_exists(p)", ExpressionAttributeValues={":v": n(1)})])
    cancellation(err, ["ConditionalCheckFailed"])
    assert get(dynamodb, t_s, {"p": ghost}) is None


# ---------------------------------------------------------------------------
# All or nothing, CancellationReasons
# ---------------------------------------------------------------------------

@pytest.mark.strata_only(DDBL_TRANSACTIONS)
def test_failed_condition_cancels_every_action_across_two_tables(dynamodb, t_s, t_sc):
    run = unique_name("txatomic")
    kept, counter, checked = s(f"{run}-kept"), s(f"{run}-counter"), s(f"{run}-checked")
    dynamodb.put_item(TableName=t_s, Item={"p": kept, "v": s("old")})
    dynamodb.put_item(TableName=t_sc, Item={"p": counter, "c": s("0"), "x": n(5)})
    dynamodb.put_item(TableName=t_sc, Item={"p": checked, "c": s("0"), "state": s("closed")})
    before = {"kept": get(dynamodb, t_s, {"p": kept}), "counter": get(dynamodb, t_sc, {"p": counter, "c": s("0")})}

    with pytest.raises(ClientError) as err:
        dynamodb.transact_write_items(TransactItems=[
            put(t_s, {"p": s(f"{run}-new"), "v": s("new")}),
            put(t_s, {"p": kept, "v": s("new")}, "attribute_exists(p)"),
            update(t_sc, {"p": counter, "c": s("0")}, "SET x = x + :one", ExpressionAttributeValues={":one": n(1)}),
            delete(t_sc, {"p": counter, "c": s("1")}),
            check(t_sc, {"p": checked, "c": s("0")}, "#st = :open",
                  ExpressionAttributeNames={"#st": "state"}, ExpressionAttributeValues={":open": s("open")}),
        ])
    reasons = cancellation(err, ["None", "None", "None", "None", "ConditionalCheckFailed"])
    assert reasons[4]["Message"] == CONDITION_FAILED
    assert "CancellationReasons" in err.value.response and "Item" not in reasons[4]
    assert get(dynamodb, t_s, {"p": s(f"{run}-new")}) is None
    assert get(dynamodb, t_s, {"p": kept}) == before["kept"]
    assert get(dynamodb, t_sc, {"p": counter, "c": s("0")}) == before["counter"]


@pytest.mark.strata_only(DDBL_TRANSACTIONS)
def test_every_failed_condition_is_reported_in_order(dynamodb, t_s):
    run = unique_name("txreasons")
    existing = s(f"{run}-existing")
    dynamodb.put_item(TableName=t_s, Item={"p": existing})
    with pytest.raises(ClientError) as err:
        dynamodb.transact_write_items(TransactItems=[
            put(t_s, {"p": s(f"{run}-1")}),
            put(t_s, {"p": s(f"{run}-2")}, "attribute_not_exists(p)"),
            check(t_s, {"p": s(f"{run}-3")}, "attribute_exists(p)"),
            put(t_s, {"p": existing, "v": n(1)}, "attribute_not_exists(p)"),
            delete(t_s, {"p": s(f"{run}-4")}),
        ])
    reasons = cancellation(err, ["None", "None", "ConditionalCheckFailed", "ConditionalCheckFailed", "None"])
    assert reasons[2]["Message"] == reasons[3]["Message"] == CONDITION_FAILED
    for i in (1, 2):
        assert get(dynamodb, t_s, {"p": s(f"{run}-{i}")}) is None
    assert get(dynamodb, t_s, {"p": existing}) == {"p": existing}


@pytest.mark.strata_only(DDBL_TRANSACTIONS)
def test_key_of_the_wrong_type_is_a_validation_error_reason(dynamodb_unchecked, dynamodb, t_s):
    run = unique_name("txvalid")
    with pytest.raises(ClientError) as err:
        dynamodb_unchecked.transact_write_items(TransactItems=[
            put(t_s, {"p": n(7)}),
            put(t_s, {"p": n(8)}),
            put(t_s, {"p": s(f"{run}-ok")}, "attribute_exists(p)"),
        ])
    # Validation stops at the first bad action, and no condition is evaluated.
    reasons = cancellation(err, ["ValidationError", "None", "None"])
    assert "Type mismatch for key p expected: S actual: N" in reasons[0]["Message"]

    with pytest.raises(ClientError) as err:
        dynamodb.transact_write_items(TransactItems=[
            put(t_s, {"p": s(f"{run}-ok")}),
            delete(t_s, {"p": s(f"{run}-x"), "extra": s("y")}),
        ])
    reasons = cancellation(err, ["None", "ValidationError"])
    assert reasons[1]["Message"] == "The provided key element does not match the schema"
    assert get(dynamodb, t_s, {"p": s(f"{run}-ok")}) is None


@pytest.mark.strata_only(DDBL_TRANSACTIONS)
def test_update_failing_at_run_time_and_failed_condition_are_both_reported(dynamodb, t_s):
    run = unique_name("txruntime")
    text, other = s(f"{run}-text"), s(f"{run}-other")
    dynamodb.put_item(TableName=t_s, Item={"p": text, "x": s("not a number")})
    dynamodb.put_item(TableName=t_s, Item={"p": other, "v": n(1)})
    with pytest.raises(ClientError) as err:
        dynamodb.transact_write_items(TransactItems=[
            update(t_s, {"p": other}, "SET v = :two", ExpressionAttributeValues={":two": n(2)}),
            update(t_s, {"p": text}, "SET x = x + :one", ExpressionAttributeValues={":one": n(1)}),
            check(t_s, {"p": s(f"{run}-missing")}, "attribute_exists(p)"),
        ])
    reasons = cancellation(err, ["None", "ValidationError", "ConditionalCheckFailed"])
    assert "incorrect data type" in reasons[1]["Message"]
    assert get(dynamodb, t_s, {"p": other}) == {"p": other, "v": n(1)}


@pytest.mark.strata_only(DDBL_ON_FAILURE)
def test_return_values_on_condition_check_failure(dynamodb, dynamodb_unchecked, t_s, t_sc):
    run = unique_name("txallold")
    key = {"p": s(f"{run}-k")}
    item = {**key, "x": n(42), "y": s("dog"), "b": {"B": b"\x00\x01"}, "m": {"M": {"l": {"L": [n(1)]}}}}
    dynamodb.put_item(TableName=t_s, Item=item)
    other = {"p": s(f"{run}-o"), "c": s("1")}
    dynamodb.put_item(TableName=t_sc, Item={**other, "z": n(1)})

    with pytest.raises(ClientError) as err:
        dynamodb.transact_write_items(TransactItems=[
            update(t_s, key, "SET x = x + :one", "x = :fortythree",
                   ExpressionAttributeValues={":one": n(1), ":fortythree": n(43)},
                   ReturnValuesOnConditionCheckFailure="ALL_OLD"),
            check(t_sc, other, "z = :two", ExpressionAttributeValues={":two": n(2)},
                  ReturnValuesOnConditionCheckFailure="ALL_OLD"),
            check(t_s, {"p": s(f"{run}-missing")}, "attribute_exists(p)", ReturnValuesOnConditionCheckFailure="ALL_OLD"),
            put(t_s, {"p": s(f"{run}-new")}),
        ])
    reasons = cancellation(err, ["ConditionalCheckFailed", "ConditionalCheckFailed", "ConditionalCheckFailed", "None"])
    assert reasons[0]["Item"] == item                 # the whole item, every attribute
    assert reasons[1]["Item"] == {**other, "z": n(1)}
    assert "Item" not in reasons[2]                   # no item to return

    for mode in ("NONE", None):
        extra = {"ReturnValuesOnConditionCheckFailure": mode} if mode else {}
        with pytest.raises(ClientError) as err:
            dynamodb.transact_write_items(TransactItems=[
                delete(t_s, key, "x = :fortythree", ExpressionAttributeValues={":fortythree": n(43)}, **extra)])
        assert "Item" not in cancellation(err, ["ConditionalCheckFailed"])[0]
    assert get(dynamodb, t_s, key) == item

    for bad in ("all_old", "dog"):
        with pytest.raises(ClientError) as err:
            dynamodb_unchecked.transact_write_items(TransactItems=[
                delete(t_s, key, "x = :fortythree", ExpressionAttributeValues={":fortythree": n(43)},
                       ReturnValuesOnConditionCheckFailure=bad)])
        assert_client_error(err, "ValidationException", contains=[f"'{bad}'", "returnValuesOnConditionCheckFailure"])


# ---------------------------------------------------------------------------
# Validation: duplicates, limits, missing tables
# ---------------------------------------------------------------------------

@pytest.mark.strata_only(DDBL_TRANSACTIONS)
@pytest.mark.parametrize("actions", [
    pytest.param(lambda t, tsn, k: [put(t, {"p": k, "v": n(1)}), put(t, {"p": k, "v": n(2)})], id="put-put"),
    # The ConditionCheck would pass: duplicates are refused before any condition is evaluated.
    pytest.param(lambda t, tsn, k: [put(t, {"p": k}), check(t, {"p": k}, "attribute_not_exists(p)")],
                 id="put-check"),
    pytest.param(lambda t, tsn, k: [update(t, {"p": k}, "SET v = :v", ExpressionAttributeValues={":v": n(1)}),
                                    delete(t, {"p": k})], id="update-delete"),
    pytest.param(lambda t, tsn, k: [put(t, {"p": s(k["S"] + "-other")}),
                                    check(t, {"p": k}, "attribute_not_exists(p)"),
                                    check(t, {"p": k}, "attribute_not_exists(p)")], id="check-check"),
    # Numbers are compared by value: 1.50 and 15e-1 are one sort key.
    pytest.param(lambda t, tsn, k: [put(tsn, {"p": k, "c": n("1.50")}), delete(tsn, {"p": k, "c": n("15e-1")})],
                 id="same-number"),
])
def test_two_actions_on_one_item_are_refused(dynamodb, t_s, t_sn, actions):
    key = s(unique_name("txdup"))
    with pytest.raises(ClientError) as err:
        dynamodb.transact_write_items(TransactItems=actions(t_s, t_sn, key))
    assert_client_error(err, "ValidationException", ONE_ITEM)
    assert get(dynamodb, t_s, {"p": key}) is None
    assert get(dynamodb, t_s, {"p": s(key["S"] + "-other")}) is None
    assert get(dynamodb, t_sn, {"p": key, "c": n(1.5)}) is None


def test_same_key_in_two_tables_or_two_sort_keys_is_not_a_duplicate(dynamodb, t_s, t_sc):
    key = s(unique_name("txnotdup"))
    dynamodb.transact_write_items(TransactItems=[
        put(t_s, {"p": key}), put(t_sc, {"p": key, "c": s("a")}), put(t_sc, {"p": key, "c": s("b")})])
    assert get(dynamodb, t_s, {"p": key}) == {"p": key}
    assert get(dynamodb, t_sc, {"p": key, "c": s("b")}) == {"p": key, "c": s("b")}
    with pytest.raises(ClientError) as err:
        dynamodb.transact_get_items(TransactItems=[get_action(t_s, {"p": key}), get_action(t_s, {"p": key})])
    assert_client_error(err, "ValidationException", ONE_ITEM)


@pytest.mark.strata_only(DDBL_TRANSACTIONS)
def test_100_actions_are_accepted_and_101_refused(dynamodb, dynamodb_unchecked, t_s):
    run = unique_name("tx100")
    items = [{"p": s(f"{run}-{i}"), "x": n(i)} for i in range(100)]
    assert body(dynamodb.transact_write_items(TransactItems=[put(t_s, item) for item in items])) == {}
    # TransactGetItems answers in request order, whatever the order of the keys.
    order = list(range(100))
    random.Random(7).shuffle(order)
    response = dynamodb.transact_get_items(TransactItems=[get_action(t_s, {"p": items[i]["p"]}) for i in order])
    assert response["Responses"] == [{"Item": items[i]} for i in order]

    run = unique_name("tx101")
    with pytest.raises(ClientError) as err:
        dynamodb_unchecked.transact_write_items(TransactItems=[put(t_s, {"p": s(f"{run}-{i}")}) for i in range(101)])
    message = assert_client_error(err, "ValidationException", contains=["transactItems",
                                                                         "Member must have length less than or equal to 100"])
    assert message.startswith("1 validation error detected: ")
    assert get(dynamodb, t_s, {"p": s(f"{run}-0")}) is None
    with pytest.raises(ClientError) as err:
        dynamodb_unchecked.transact_get_items(TransactItems=[get_action(t_s, {"p": items[i % 100]["p"]})
                                                             for i in range(101)])
    assert_client_error(err, "ValidationException", contains=["transactItems",
                                                              "Member must have length less than or equal to 100"])
    with pytest.raises(ClientError) as err:
        dynamodb_unchecked.transact_write_items(TransactItems=[])
    assert_client_error(err, "ValidationException", contains=["transactItems",
                                                              "Member must have length greater than or equal to 1"])


@pytest.mark.strata_only(DDBL_MESSAGES)
@pytest.mark.parametrize("action, message", [
    pytest.param({}, "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request", id="no-kind"),
    pytest.param({"Put": {"TableName": "T", "Item": {"p": s("k")}}, "Delete": {"TableName": "T", "Key": {"p": s("k")}}},
                 "TransactItems can only contain one of Check, Put, Update or Delete", id="two-kinds"),
    pytest.param({"ConditionCheck": {"TableName": "T", "Key": {"p": s("k")}}},
                 "1 validation error detected: Value null at 'transactItems.2.member.conditionCheck.conditionExpression' "
                 "failed to satisfy constraint: Member must not be null", id="check-without-condition"),
    pytest.param(put("T", {"p": s("k")}, "attribute_exists(p)", ExpressionAttributeValues={":x": n(1)}),
                 "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}", id="unused-value"),
    pytest.param(put("T", {"p": s("k")}, "attribute_exists(#xyz)"),
                 "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; "
                 "attribute name: #xyz", id="undefined-name"),
    pytest.param(update("T", {"p": s("k")}, "SET v = v +"), None, id="update-syntax"),
    pytest.param(put("T", {"p": s("")}), "One or more parameter values are not valid. The AttributeValue for a key "
                 "attribute cannot contain an empty string value. Key: p", id="empty-key"),
    pytest.param(put("T", {"p": s("k"), "v": s("x" * 409_600)}), "Item size has exceeded the maximum allowed size",
                 id="item-over-400KB"),
])
def test_malformed_actions_refuse_the_whole_request(dynamodb_unchecked, dynamodb, t_s, action, message):
    action = json.loads(json.dumps(action).replace('"T"', json.dumps(t_s)))
    marker = unique_name("txbad")
    with pytest.raises(ClientError) as err:
        dynamodb_unchecked.transact_write_items(TransactItems=[put(t_s, {"p": s(marker)}), action])
    if message is None:
        assert_client_error(err, "ValidationException", contains="Invalid UpdateExpression: Syntax error")
    else:
        assert_client_error(err, "ValidationException", message)
    assert get(dynamodb, t_s, {"p": s(marker)}) is None


@pytest.mark.strata_only(DDBL_TRANSACTIONS)
def test_size_limits(dynamodb, t_s):
    run = unique_name("txsize")
    filler = "x" * 100_000
    # The 4 MB limit is on the request payload: 50 puts of 100 KB are refused, 30 accepted...
    with pytest.raises(ClientError) as err:
        dynamodb.transact_write_items(TransactItems=[put(t_s, {"p": s(f"{run}-{i}"), "v": s(filler)}) for i in range(50)])
    assert_client_error(err, "ValidationException", contains="size cannot exceed")
    assert get(dynamodb, t_s, {"p": s(f"{run}-0")}) is None
    dynamodb.transact_write_items(TransactItems=[put(t_s, {"p": s(f"{run}-{i}"), "v": s(filler)}) for i in range(30)])
    assert get(dynamodb, t_s, {"p": s(f"{run}-29")})["v"] == s(filler)
    # ...and a small request deleting 3 MB of items is fine, charged on the items' sizes.
    response = dynamodb.transact_write_items(TransactItems=[delete(t_s, {"p": s(f"{run}-{i}")}) for i in range(30)],
                                             ReturnConsumedCapacity="TOTAL")
    # Each item is about 100,030 B: 98 write units, doubled.
    assert response["ConsumedCapacity"] == [{"TableName": t_s, "CapacityUnits": 30 * 196.0,
                                             "WriteCapacityUnits": 30 * 196.0}]
    assert get(dynamodb, t_s, {"p": s(f"{run}-0")}) is None
    # An Update that would grow an item past 400 KB cancels the transaction.
    grown = {"p": s(f"{run}-grow")}
    dynamodb.put_item(TableName=t_s, Item={**grown, "v": s("y" * 300_000)})
    with pytest.raises(ClientError) as err:
        dynamodb.transact_write_items(TransactItems=[put(t_s, {"p": s(f"{run}-side")}), update(t_s, grown, "SET w = v")])
    reasons = cancellation(err, ["None", "ValidationError"])
    assert reasons[1]["Message"] == "Item size to update has exceeded the maximum allowed size"
    assert "w" not in get(dynamodb, t_s, grown)


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_missing_table_is_resource_not_found(dynamodb, t_s):
    run = unique_name("txnotable")
    missing = unique_name("missing")
    with pytest.raises(ClientError) as err:
        dynamodb.transact_write_items(TransactItems=[put(t_s, {"p": s(run)}), put(missing, {"p": s(run)})])
    assert_client_error(err, "ResourceNotFoundException", NOT_FOUND)
    assert get(dynamodb, t_s, {"p": s(run)}) is None
    with pytest.raises(ClientError) as err:
        dynamodb.transact_get_items(TransactItems=[get_action(t_s, {"p": s(run)}), get_action(missing, {"p": s(run)})])
    assert_client_error(err, "ResourceNotFoundException", NOT_FOUND)


# ---------------------------------------------------------------------------
# ClientRequestToken
# ---------------------------------------------------------------------------

def test_client_request_token_applies_a_repeated_request_once(dynamodb, dynamodb_unchecked, t_s):
    key = {"p": s(unique_name("txtoken"))}
    dynamodb.put_item(TableName=t_s, Item={**key, "x": n(0)})
    increment = [update(t_s, key, "SET x = x + :one", ExpressionAttributeValues={":one": n(1)})]

    def x():
        return int(get(dynamodb, t_s, key)["x"]["N"])

    dynamodb.transact_write_items(TransactItems=increment)
    dynamodb.transact_write_items(TransactItems=increment)
    assert x() == 2                                       # no token: applied each time
    token = uuid.uuid4().hex[:20]
    assert body(dynamodb.transact_write_items(TransactItems=increment, ClientRequestToken=token)) == {}
    assert x() == 3
    assert body(dynamodb.transact_write_items(TransactItems=increment, ClientRequestToken=token)) == {}
    assert x() == 3                                       # the repeat succeeded and changed nothing
    # A repeat reports read units, as if the touched items were read transactionally.
    response = dynamodb.transact_write_items(TransactItems=increment, ClientRequestToken=token,
                                             ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == [{"TableName": t_s, "CapacityUnits": 2.0, "ReadCapacityUnits": 2.0}]
    assert x() == 3

    # The same token with another request is refused, and nothing is applied.
    for other in ([update(t_s, key, "SET x = x + :one", ExpressionAttributeValues={":one": n(2)})],
                  increment + [put(t_s, {"p": s(key["p"]["S"] + "-more")})]):
        with pytest.raises(ClientError) as err:
            dynamodb.transact_write_items(TransactItems=other, ClientRequestToken=token)
        assert_client_error(err, "IdempotentParameterMismatchException")
    assert x() == 3
    assert get(dynamodb, t_s, {"p": s(key["p"]["S"] + "-more")}) is None

    # Tokens are 1..36 characters.
    with pytest.raises(ClientError) as err:
        dynamodb_unchecked.transact_write_items(TransactItems=increment, ClientRequestToken="t" * 37)
    assert_client_error(err, "ValidationException", contains=["clientRequestToken", "less than or equal to 36"])
    assert x() == 3
    assert body(dynamodb.transact_write_items(TransactItems=increment, ClientRequestToken=uuid.uuid4().hex[:4] + "x" * 32)) == {}
    assert x() == 4


def test_a_cancelled_request_does_not_use_up_its_token(dynamodb, t_s):
    key = {"p": s(unique_name("txtokencancel"))}
    token = uuid.uuid4().hex
    guarded = [update(t_s, key, "SET x = x + :one", "attribute_exists(p)", ExpressionAttributeValues={":one": n(1)})]
    with pytest.raises(ClientError) as err:
        dynamodb.transact_write_items(TransactItems=guarded, ClientRequestToken=token)
    cancellation(err, ["ConditionalCheckFailed"])
    dynamodb.put_item(TableName=t_s, Item={**key, "x": n(10)})
    dynamodb.transact_write_items(TransactItems=guarded, ClientRequestToken=token)   # runs now
    assert get(dynamodb, t_s, key)["x"] == n(11)
    dynamodb.transact_write_items(TransactItems=guarded, ClientRequestToken=token)   # and now repeats
    assert get(dynamodb, t_s, key)["x"] == n(11)


# ---------------------------------------------------------------------------
# ConsumedCapacity
# ---------------------------------------------------------------------------

@pytest.mark.strata_only(DDBL_TRANSACTIONS)
def test_transact_write_consumed_capacity(dynamodb, t_s, t_sc):
    run = unique_name("txcap")
    big = {"p": s(f"{run}-big"), "c": s("1"), "v": s("x" * 1500)}          # 2 write units
    checked = {"p": s(f"{run}-checked"), "c": s("1"), "v": s("z" * 2500)}   # 3 write units
    dynamodb.put_item(TableName=t_sc, Item=big)
    dynamodb.put_item(TableName=t_sc, Item=checked)

    response = dynamodb.transact_write_items(TransactItems=[put(t_s, {"p": s(f"{run}-a"), "v": n(1)})],
                                             ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == [{"TableName": t_s, "CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}]

    response = dynamodb.transact_write_items(TransactItems=[
        put(t_s, {"p": s(f"{run}-b"), "v": n(1)}),                                   # 2
        update(t_sc, {"p": big["p"], "c": s("1")}, "SET w = :w", ExpressionAttributeValues={":w": n(1)}),  # 4
        delete(t_s, {"p": s(f"{run}-never")}),                                      # 2: a missing item
        check(t_sc, {"p": checked["p"], "c": s("1")}, "attribute_exists(p)"),        # 6: a write of its size
    ], ReturnConsumedCapacity="TOTAL")
    # One entry per table, in the order tables first appear.
    assert response["ConsumedCapacity"] == [
        {"TableName": t_s, "CapacityUnits": 4.0, "WriteCapacityUnits": 4.0},
        {"TableName": t_sc, "CapacityUnits": 10.0, "WriteCapacityUnits": 10.0}]

    response = dynamodb.transact_write_items(TransactItems=[put(t_s, {"p": s(f"{run}-c")})],
                                             ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == [{"TableName": t_s, "CapacityUnits": 2.0, "WriteCapacityUnits": 2.0,
                                             "Table": {"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}}]
    for mode in ("NONE", None):
        extra = {"ReturnConsumedCapacity": mode} if mode else {}
        assert body(dynamodb.transact_write_items(TransactItems=[put(t_s, {"p": s(f"{run}-d")})], **extra)) == {}


@pytest.mark.strata_only(DDBL_TRANSACTIONS)
def test_transact_get_consumed_capacity(dynamodb, t_s, t_sc):
    run = unique_name("txgetcap")
    dynamodb.put_item(TableName=t_s, Item={"p": s(f"{run}-small"), "v": n(1)})
    dynamodb.put_item(TableName=t_s, Item={"p": s(f"{run}-big"), "v": s("y" * 5000)})     # 2 read units
    dynamodb.put_item(TableName=t_sc, Item={"p": s(run), "c": s("1")})
    items = [get_action(t_sc, {"p": s(run), "c": s("1")}),
             get_action(t_s, {"p": s(f"{run}-small")}),
             get_action(t_s, {"p": s(f"{run}-missing")}),
             get_action(t_s, {"p": s(f"{run}-big")})]
    response = dynamodb.transact_get_items(TransactItems=items, ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == [
        {"TableName": t_sc, "CapacityUnits": 2.0, "ReadCapacityUnits": 2.0},
        {"TableName": t_s, "CapacityUnits": 8.0, "ReadCapacityUnits": 8.0}]
    assert "ConsumedCapacity" not in dynamodb.transact_get_items(TransactItems=items)
    assert "ConsumedCapacity" not in dynamodb.transact_get_items(TransactItems=items, ReturnConsumedCapacity="NONE")


# ---------------------------------------------------------------------------
# TransactGetItems
# ---------------------------------------------------------------------------

@pytest.mark.strata_only(DDBL_TRANSACTIONS)
def test_transact_get_order_missing_items_and_projections(dynamodb, dynamodb_unchecked, t_s, t_sc):
    run = unique_name("txget")
    one = {"p": s(f"{run}-1"), "x": n(1), "y": n(2), "z": n(3), "m": {"M": {"a": s("A"), "b": s("B")}}}
    two = {"p": s(run), "c": s("2"), "name": s("reserved word")}
    dynamodb.put_item(TableName=t_s, Item=one)
    dynamodb.put_item(TableName=t_sc, Item=two)
    response = dynamodb.transact_get_items(TransactItems=[
        get_action(t_sc, {"p": s(run), "c": s("2")}),
        get_action(t_s, {"p": s(f"{run}-missing")}),
        get_action(t_s, {"p": one["p"]}),
        get_action(t_sc, {"p": s(run), "c": s("1")}),
    ])
    assert body(response) == {"Responses": [{"Item": two}, {}, {"Item": one}, {}]}

    response = dynamodb.transact_get_items(TransactItems=[
        get_action(t_s, {"p": one["p"]}, ProjectionExpression="z, x, m.b"),          # keys are not added
        get_action(t_sc, {"p": s(run), "c": s("2")}, ProjectionExpression="#n", ExpressionAttributeNames={"#n": "name"}),
        get_action(t_sc, {"p": s(run), "c": s("9")}, ProjectionExpression="c"),
    ])
    assert response["Responses"] == [{"Item": {"x": n(1), "z": n(3), "m": {"M": {"b": s("B")}}}},
                                     {"Item": {"name": s("reserved word")}}, {}]
    response = dynamodb.transact_get_items(TransactItems=[get_action(t_s, {"p": one["p"]}, ProjectionExpression="nothing")])
    assert response["Responses"] == [{"Item": {}}]

    with pytest.raises(ClientError) as err:
        dynamodb.transact_get_items(TransactItems=[get_action(t_s, {"p": one["p"]}, ProjectionExpression="#a, #b",
                                                              ExpressionAttributeNames={"#a": "x", "#b": "y", "#q": "z"})])
    assert_client_error(err, "ValidationException",
                        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#q}")
    with pytest.raises(ClientError) as err:
        dynamodb.transact_get_items(TransactItems=[get_action(t_s, {"p": one["p"]}, ProjectionExpression="#a, #zz",
                                                              ExpressionAttributeNames={"#a": "x"})])
    assert_client_error(err, "ValidationException", contains="#zz")
    # A key that does not fit the table cancels the read at that Get.
    with pytest.raises(ClientError) as err:
        dynamodb_unchecked.transact_get_items(TransactItems=[get_action(t_s, {"p": one["p"]}),
                                                             get_action(t_s, {"p": n(1)})])
    reasons = cancellation(err, ["None", "ValidationError"])
    assert reasons[1]["Message"] == "The provided key element does not match the schema"


# ---------------------------------------------------------------------------
# The AWS CLI
# ---------------------------------------------------------------------------

@pytest.mark.strata_only(DDBL_TRANSACTIONS)
def test_cli_transact_write_and_get(aws, dynamodb, t_s, t_sc, tmp_path):
    run = unique_name("txcli")
    dynamodb.put_item(TableName=t_sc, Item={"p": s(run), "c": s("1"), "x": n(5)})
    writes = tmp_path / "writes.json"
    writes.write_text(json.dumps([
        put(t_s, {"p": s(run), "v": s("from the cli")}, "attribute_not_exists(p)"),
        update(t_sc, {"p": s(run), "c": s("1")}, "SET x = x + :one", ExpressionAttributeValues={":one": n(1)}),
    ]))
    out = aws("transact-write-items", "--transact-items", f"file://{writes}", "--return-consumed-capacity", "TOTAL")
    assert out == {"ConsumedCapacity": [{"TableName": t_s, "CapacityUnits": 2.0, "WriteCapacityUnits": 2.0},
                                        {"TableName": t_sc, "CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}]}

    reads = tmp_path / "reads.json"
    reads.write_text(json.dumps([get_action(t_sc, {"p": s(run), "c": s("1")}, ProjectionExpression="x"),
                                 get_action(t_s, {"p": s(run)}),
                                 get_action(t_s, {"p": s(run + "-missing")})]))
    out = aws("transact-get-items", "--transact-items", f"file://{reads}")
    assert out == {"Responses": [{"Item": {"x": n(6)}}, {"Item": {"p": s(run), "v": s("from the cli")}}, {}]}

    # The same writes again: the Put's condition now fails, and nothing changes.
    with pytest.raises(AwsCliError) as err:
        aws("transact-write-items", "--transact-items", f"file://{writes}")
    assert "TransactionCanceledException" in err.value.stderr
    assert f"{CANCELLED} [ConditionalCheckFailed, None]" in err.value.stderr
    assert get(dynamodb, t_sc, {"p": s(run), "c": s("1")})["x"] == n(6)


# ---------------------------------------------------------------------------
# Single-item writes racing transactions
# ---------------------------------------------------------------------------

RACE_ACCOUNTS = 8
RACE_TRANSFER_THREADS = 4
RACE_SINGLE_THREADS = 3
RACE_SECONDS = 3.0
RACE_MAX_PER_THREAD = 2_000
RACE_JOIN_TIMEOUT_S = 60.0
START_BALANCE = 1000
THROTTLED = {"ProvisionedThroughputExceededException", "ThrottlingException"}


@pytest.mark.slow
def test_single_item_writes_racing_transactions_never_break_atomicity(strata, table):
    """Transfers between accounts of two tables race single-item UpdateItem
    `ADD touches :one` on the same accounts, and TransactGetItems audits.
    A single-item write either lands (and no transaction's write undoes it)
    or is refused with TransactionConflictException; the sum of balances
    never changes."""
    tables = [table(hash_key=("p", "S")), table(hash_key=("p", "S"), range_key=("c", "N"))]
    accounts = [(tables[i % 2], {"p": s(f"acct{i}")} if i % 2 == 0 else {"p": s("acct"), "c": n(i)})
                for i in range(RACE_ACCOUNTS)]
    setup = make_client(strata.url)
    for name, key in accounts:
        setup.put_item(TableName=name, Item={**key, "balance": n(START_BALANCE), "touches": n(0)})
    total = START_BALANCE * RACE_ACCOUNTS

    lock = threading.Lock()
    outcome = {"transfers": 0, "cancelled": 0, "touches": [0] * RACE_ACCOUNTS, "conflicts": 0, "throttled": 0,
               "audits": 0, "bad_audits": [], "errors": []}
    threads_total = RACE_TRANSFER_THREADS + RACE_SINGLE_THREADS + 1
    barrier = threading.Barrier(threads_total, timeout=30)
    clients = [make_client(strata.url) for _ in range(threads_total)]

    def record_error(what, error):
        with lock:
            outcome["errors"].append(f"{what}: {error!r}"[:300])

    def transfers(index):
        client, rng = clients[index], random.Random(index)
        barrier.wait()
        end = time.monotonic() + RACE_SECONDS
        for _ in range(RACE_MAX_PER_THREAD):
            if time.monotonic() > end:
                return
            (t_from, k_from), (t_to, k_to) = rng.sample(accounts, 2)
            amount = n(rng.randint(1, 400))
            try:
                client.transact_write_items(TransactItems=[
                    update(t_from, k_from, "SET balance = balance - :a", "balance >= :a",
                           ExpressionAttributeValues={":a": amount}),
                    update(t_to, k_to, "SET balance = balance + :a", ExpressionAttributeValues={":a": amount})])
            except ClientError as error:
                code = error.response["Error"]["Code"]
                codes = {r["Code"] for r in error.response.get("CancellationReasons", [])}
                if code == "TransactionCanceledException" and codes <= {"None", "ConditionalCheckFailed",
                                                                         "TransactionConflict"}:
                    with lock:
                        outcome["cancelled"] += 1
                elif code in THROTTLED:
                    with lock:
                        outcome["throttled"] += 1
                else:
                    record_error("transfer", error)
            except BotoCoreError as error:
                record_error("transfer", error)
            else:
                with lock:
                    outcome["transfers"] += 1

    def single_writes(index):
        client, rng = clients[index], random.Random(100 + index)
        barrier.wait()
        end = time.monotonic() + RACE_SECONDS
        for _ in range(RACE_MAX_PER_THREAD):
            if time.monotonic() > end:
                return
            account = rng.randrange(RACE_ACCOUNTS)
            name, key = accounts[account]
            try:
                client.update_item(TableName=name, Key=key, UpdateExpression="ADD touches :one",
                                   ConditionExpression="attribute_exists(balance)",
                                   ExpressionAttributeValues={":one": n(1)})
            except ClientError as error:
                code = error.response["Error"]["Code"]
                if code == "TransactionConflictException":
                    message = error.response["Error"]["Message"]
                    if message != "Transaction is ongoing for the item":
                        record_error("conflict message", message)
                    with lock:
                        outcome["conflicts"] += 1
                elif code in THROTTLED:
                    with lock:
                        outcome["throttled"] += 1
                else:
                    record_error("single write", error)
            except BotoCoreError as error:
                record_error("single write", error)
            else:
                with lock:
                    outcome["touches"][account] += 1

    def auditor(index):
        client = clients[index]
        barrier.wait()
        end = time.monotonic() + RACE_SECONDS
        for _ in range(RACE_MAX_PER_THREAD):
            if time.monotonic() > end:
                return
            try:
                response = client.transact_get_items(TransactItems=[get_action(t, k) for t, k in accounts])
            except ClientError as error:
                if error.response["Error"]["Code"] not in THROTTLED:
                    record_error("audit", error)
                continue
            except BotoCoreError as error:
                record_error("audit", error)
                continue
            balances = [int(r["Item"]["balance"]["N"]) for r in response["Responses"]]
            with lock:
                outcome["audits"] += 1
                if sum(balances) != total or min(balances) < 0:
                    outcome["bad_audits"].append(balances)

    workers = ([threading.Thread(target=transfers, args=(i,), daemon=True) for i in range(RACE_TRANSFER_THREADS)]
               + [threading.Thread(target=single_writes, args=(RACE_TRANSFER_THREADS + i,), daemon=True)
                  for i in range(RACE_SINGLE_THREADS)]
               + [threading.Thread(target=auditor, args=(threads_total - 1,), daemon=True)])
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=RACE_JOIN_TIMEOUT_S)
    assert not any(worker.is_alive() for worker in workers), "a client thread did not finish in time"

    print(f"{outcome['transfers']} transfers, {outcome['cancelled']} cancelled, {sum(outcome['touches'])} single "
          f"writes, {outcome['conflicts']} conflicts, {outcome['throttled']} throttled, {outcome['audits']} audits")
    assert outcome["errors"] == [], outcome["errors"][:5]
    assert outcome["bad_audits"] == [], outcome["bad_audits"][:3]
    assert outcome["transfers"] >= 50 and sum(outcome["touches"]) >= 50 and outcome["audits"] >= 5, outcome
    final = [setup.get_item(TableName=t, Key=k, ConsistentRead=True)["Item"] for t, k in accounts]
    balances = [int(item["balance"]["N"]) for item in final]
    assert sum(balances) == total and min(balances) >= 0, balances
    # No acknowledged single-item write was lost under a transaction's write, none applied twice.
    assert [int(item["touches"]["N"]) for item in final] == outcome["touches"]
