"""Expressions on single items: ConditionExpression on PutItem and DeleteItem
(with ReturnValuesOnConditionCheckFailure), ProjectionExpression on GetItem,
the legacy Expected / AttributesToGet parameters, and DynamoDB's validation of
expression names, values, reserved words and syntax. UpdateItem has its own
file (test_update_item.py)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from helpers import AwsCliError, DDBL_ON_FAILURE, assert_client_error, unique_name

CONDITION_FAILED = "The conditional request failed"


def key_of(value):
    return {"p": {"S": value}}


def get(dynamodb, table, key, **extra):
    return dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True, **extra)


def put_cond(dynamodb, table, item, condition, values=None, names=None, **extra):
    params = dict(TableName=table, Item=item, ConditionExpression=condition, **extra)
    if values:
        params["ExpressionAttributeValues"] = values
    if names:
        params["ExpressionAttributeNames"] = names
    return dynamodb.put_item(**params)


def assert_condition_failed(excinfo):
    assert_client_error(excinfo, "ConditionalCheckFailedException", CONDITION_FAILED)


# ---------------------------------------------------------------------------
# ConditionExpression on PutItem
# ---------------------------------------------------------------------------

def test_put_if_absent(dynamodb, t_s):
    key = key_of(unique_name("absent"))
    put_cond(dynamodb, t_s, {**key, "v": {"N": "1"}}, "attribute_not_exists(p)")
    with pytest.raises(ClientError) as err:
        put_cond(dynamodb, t_s, {**key, "v": {"N": "2"}}, "attribute_not_exists(p)")
    assert_condition_failed(err)
    assert get(dynamodb, t_s, key)["Item"] == {**key, "v": {"N": "1"}}


def test_put_only_if_present(dynamodb, t_s):
    key = key_of(unique_name("present"))
    with pytest.raises(ClientError) as err:
        put_cond(dynamodb, t_s, {**key, "v": {"N": "1"}}, "attribute_exists(p)")
    assert_condition_failed(err)
    assert "Item" not in get(dynamodb, t_s, key)
    dynamodb.put_item(TableName=t_s, Item={**key, "v": {"N": "1"}})
    put_cond(dynamodb, t_s, {**key, "v": {"N": "2"}}, "attribute_exists(p)")
    assert get(dynamodb, t_s, key)["Item"]["v"] == {"N": "2"}


def test_optimistic_locking_with_a_version(dynamodb, t_s):
    key = key_of(unique_name("version"))
    dynamodb.put_item(TableName=t_s, Item={**key, "version": {"N": "1"}, "data": {"S": "a"}})
    put_cond(dynamodb, t_s, {**key, "version": {"N": "2"}, "data": {"S": "b"}},
             "version = :expected", {":expected": {"N": "1"}})
    # A writer still holding version 1 loses.
    with pytest.raises(ClientError) as err:
        put_cond(dynamodb, t_s, {**key, "version": {"N": "2"}, "data": {"S": "stale"}},
                 "version = :expected", {":expected": {"N": "1"}})
    assert_condition_failed(err)
    assert get(dynamodb, t_s, key)["Item"] == {**key, "version": {"N": "2"}, "data": {"S": "b"}}


@pytest.mark.strata_only(DDBL_ON_FAILURE)
def test_failed_condition_returns_the_old_item_with_all_old(dynamodb, t_s):
    key = key_of(unique_name("rvccf"))
    old = {**key, "v": {"N": "7"}, "tags": {"SS": ["a", "b"]}, "m": {"M": {"x": {"L": [{"S": "y"}]}}}}
    dynamodb.put_item(TableName=t_s, Item=old)
    with pytest.raises(ClientError) as err:
        put_cond(dynamodb, t_s, {**key, "v": {"N": "8"}}, "v = :x", {":x": {"N": "1"}},
                 ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert_condition_failed(err)
    returned = err.value.response["Item"]
    assert sorted(returned["tags"]["SS"]) == ["a", "b"]
    assert {k: v for k, v in returned.items() if k != "tags"} == {k: v for k, v in old.items() if k != "tags"}

    # NONE (the default) returns no item.
    for extra in ({}, {"ReturnValuesOnConditionCheckFailure": "NONE"}):
        with pytest.raises(ClientError) as err:
            put_cond(dynamodb, t_s, {**key, "v": {"N": "8"}}, "v = :x", {":x": {"N": "1"}}, **extra)
        assert_condition_failed(err)
        assert "Item" not in err.value.response

    # On DeleteItem too.
    with pytest.raises(ClientError) as err:
        dynamodb.delete_item(TableName=t_s, Key=key, ConditionExpression="attribute_not_exists(v)",
                             ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert_condition_failed(err)
    assert err.value.response["Item"]["v"] == {"N": "7"}

    # When there is no item, a failed condition has nothing to return.
    with pytest.raises(ClientError) as err:
        put_cond(dynamodb, t_s, key_of(unique_name("none")), "attribute_exists(p)",
                 ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert_condition_failed(err)
    assert "Item" not in err.value.response
    assert get(dynamodb, t_s, key)["Item"]["v"] == {"N": "7"}


@pytest.mark.strata_only(DDBL_ON_FAILURE)
def test_return_values_on_condition_check_failure_is_validated(dynamodb, t_s):
    with pytest.raises(ClientError) as err:
        put_cond(dynamodb, t_s, key_of("rvccf-bad"), "attribute_exists(p)",
                 ReturnValuesOnConditionCheckFailure="ALL_NEW")
    assert_client_error(err, "ValidationException", contains="ALL_NEW")


def test_delete_with_condition(dynamodb, t_s):
    key = key_of(unique_name("cdel"))
    dynamodb.put_item(TableName=t_s, Item={**key, "state": {"S": "open"}})
    with pytest.raises(ClientError) as err:
        dynamodb.delete_item(TableName=t_s, Key=key, ConditionExpression="#s = :closed",
                             ExpressionAttributeNames={"#s": "state"},
                             ExpressionAttributeValues={":closed": {"S": "closed"}})
    assert_condition_failed(err)
    assert "Item" in get(dynamodb, t_s, key)
    response = dynamodb.delete_item(TableName=t_s, Key=key, ConditionExpression="#s = :open",
                                    ExpressionAttributeNames={"#s": "state"},
                                    ExpressionAttributeValues={":open": {"S": "open"}},
                                    ReturnValues="ALL_OLD")
    assert response["Attributes"] == {**key, "state": {"S": "open"}}
    assert "Item" not in get(dynamodb, t_s, key)
    # A condition that needs the item fails once it is gone.
    with pytest.raises(ClientError) as err:
        dynamodb.delete_item(TableName=t_s, Key=key, ConditionExpression="attribute_exists(p)")
    assert_condition_failed(err)


CONDITION_ITEM = {
    "s": {"S": "hello world"},
    "n": {"N": "10"},
    "neg": {"N": "-2.5"},
    "b": {"B": b"\x01\x02\x03"},
    "t": {"BOOL": True},
    "z": {"NULL": True},
    "ss": {"SS": ["red", "green"]},
    "ns": {"NS": ["1", "2", "3"]},
    "l": {"L": [{"S": "x"}, {"N": "5"}, {"M": {"deep": {"S": "yes"}}}]},
    "m": {"M": {"inr": {"N": "3"}, "lst": {"L": [{"N": "1"}, {"N": "2"}]}}},
    "empty_s": {"S": ""},
}

# (condition, values, expected outcome) against CONDITION_ITEM.
CONDITIONS = [
    ("n = :v", {":v": {"N": "10.0"}}, True),
    ("n <> :v", {":v": {"N": "10"}}, False),
    ("n < :v", {":v": {"N": "10.5"}}, True),
    ("n <= :v", {":v": {"N": "10"}}, True),
    ("n > :v", {":v": {"N": "9.99999"}}, True),
    ("n >= :v", {":v": {"N": "11"}}, False),
    ("neg < :v", {":v": {"N": "-2"}}, True),
    ("s < :v", {":v": {"S": "hello xorld"}}, True),
    ("b < :v", {":v": {"B": b"\x01\x02\x04"}}, True),
    ("b = :v", {":v": {"B": b"\x01\x02\x03"}}, True),
    # Comparing different types is false, not an error.
    ("n < :v", {":v": {"S": "20"}}, False),
    ("n = :v", {":v": {"S": "10"}}, False),
    ("n <> :v", {":v": {"S": "10"}}, True),
    # A missing attribute: = and < are false, <> is true.
    ("absent = :v", {":v": {"N": "1"}}, False),
    ("absent < :v", {":v": {"N": "1"}}, False),
    ("absent <> :v", {":v": {"N": "1"}}, True),
    ("n BETWEEN :lo AND :hi", {":lo": {"N": "10"}, ":hi": {"N": "20"}}, True),
    ("n BETWEEN :lo AND :hi", {":lo": {"N": "11"}, ":hi": {"N": "20"}}, False),
    ("s BETWEEN :lo AND :hi", {":lo": {"S": "a"}, ":hi": {"S": "i"}}, True),
    ("n IN (:a, :b, :c)", {":a": {"N": "1"}, ":b": {"N": "10"}, ":c": {"S": "x"}}, True),
    ("n IN (:a, :b)", {":a": {"N": "1"}, ":b": {"N": "2"}}, False),
    ("attribute_exists(m.inr)", None, True),
    ("attribute_exists(m.nope)", None, False),
    ("attribute_exists(l[2].deep)", None, True),
    ("attribute_exists(l[3])", None, False),
    ("attribute_not_exists(absent)", None, True),
    ("attribute_type(n, :t)", {":t": {"S": "N"}}, True),
    ("attribute_type(ss, :t)", {":t": {"S": "SS"}}, True),
    ("attribute_type(z, :t)", {":t": {"S": "NULL"}}, True),
    ("attribute_type(m, :t)", {":t": {"S": "L"}}, False),
    ("begins_with(s, :v)", {":v": {"S": "hello"}}, True),
    ("begins_with(s, :v)", {":v": {"S": "world"}}, False),
    ("begins_with(b, :v)", {":v": {"B": b"\x01"}}, True),
    ("contains(s, :v)", {":v": {"S": "o w"}}, True),
    ("contains(ss, :v)", {":v": {"S": "green"}}, True),
    ("contains(ss, :v)", {":v": {"S": "blue"}}, False),
    ("contains(ns, :v)", {":v": {"N": "2.0"}}, True),
    ("contains(l, :v)", {":v": {"N": "5"}}, True),
    ("contains(l, :v)", {":v": {"S": "y"}}, False),
    ("size(s) = :v", {":v": {"N": "11"}}, True),
    ("size(b) = :v", {":v": {"N": "3"}}, True),
    ("size(ss) = :v", {":v": {"N": "2"}}, True),
    ("size(l) = :v", {":v": {"N": "3"}}, True),
    ("size(m) = :v", {":v": {"N": "2"}}, True),
    ("size(empty_s) = :v", {":v": {"N": "0"}}, True),
    ("size(m.lst) > :v", {":v": {"N": "1"}}, True),
    ("m.inr = :v", {":v": {"N": "3"}}, True),
    ("m.lst[1] = :v", {":v": {"N": "2"}}, True),
    ("l[0] = :v", {":v": {"S": "x"}}, True),
    ("t = :v", {":v": {"BOOL": True}}, True),
    # Precedence: NOT binds tighter than AND, AND tighter than OR.
    ("n = :a OR n = :b AND n = :c", {":a": {"N": "10"}, ":b": {"N": "1"}, ":c": {"N": "2"}}, True),
    ("(n = :a OR n = :b) AND n = :c", {":a": {"N": "10"}, ":b": {"N": "1"}, ":c": {"N": "2"}}, False),
    ("NOT n = :a AND n = :b", {":a": {"N": "10"}, ":b": {"N": "1"}}, False),
    ("NOT (n = :a AND n = :b)", {":a": {"N": "10"}, ":b": {"N": "10"}}, False),
    ("not attribute_exists(absent) and size(ss) between :a and :b",
     {":a": {"N": "1"}, ":b": {"N": "2"}}, True),
]


@pytest.mark.parametrize("condition,values,expected", CONDITIONS,
                         ids=[f"{i}:{c}" for i, (c, _, _) in enumerate(CONDITIONS)])
def test_condition_evaluation(dynamodb, t_s, condition, values, expected):
    key = key_of(unique_name("eval"))
    dynamodb.put_item(TableName=t_s, Item={**key, **CONDITION_ITEM})
    marker = {"S": "written"}
    params = dict(TableName=t_s, Item={**key, **CONDITION_ITEM, "marker": marker},
                  ConditionExpression=condition)
    if values:
        params["ExpressionAttributeValues"] = values
    if expected:
        dynamodb.put_item(**params)
        assert get(dynamodb, t_s, key)["Item"]["marker"] == marker
    else:
        with pytest.raises(ClientError) as err:
            dynamodb.put_item(**params)
        assert_condition_failed(err)
        assert "marker" not in get(dynamodb, t_s, key)["Item"]


def test_condition_on_missing_item(dynamodb, t_s):
    """With no item, every attribute is missing: <> and attribute_not_exists hold."""
    for condition, values, expected in [
        ("attribute_not_exists(p)", None, True),
        ("attribute_not_exists(anything)", None, True),
        ("v <> :v", {":v": {"N": "1"}}, True),
        ("v = :v", {":v": {"N": "1"}}, False),
        ("attribute_exists(p)", None, False),
        ("NOT attribute_exists(p)", None, True),
    ]:
        key = key_of(unique_name("nomissing"))
        params = dict(TableName=t_s, Item=key, ConditionExpression=condition)
        if values:
            params["ExpressionAttributeValues"] = values
        if expected:
            dynamodb.put_item(**params)
            assert "Item" in get(dynamodb, t_s, key), condition
        else:
            with pytest.raises(ClientError) as err:
                dynamodb.put_item(**params)
            assert_condition_failed(err)
            assert "Item" not in get(dynamodb, t_s, key), condition


def test_cli_conditional_put(aws, dynamodb, t_s):
    key = unique_name("clicond")
    item = json.dumps({"p": {"S": key}, "v": {"N": "1"}})
    assert aws("put-item", "--table-name", t_s, "--item", item,
               "--condition-expression", "attribute_not_exists(p)") is None
    with pytest.raises(AwsCliError) as err:
        aws("put-item", "--table-name", t_s, "--item", json.dumps({"p": {"S": key}, "v": {"N": "2"}}),
            "--condition-expression", "attribute_not_exists(p)")
    assert "ConditionalCheckFailedException" in err.value.stderr
    assert CONDITION_FAILED in err.value.stderr
    assert get(dynamodb, t_s, key_of(key))["Item"]["v"] == {"N": "1"}


# ---------------------------------------------------------------------------
# Expression validation
# ---------------------------------------------------------------------------

def test_undefined_and_unused_placeholders(dynamodb, t_s):
    key = key_of("placeholders")
    with pytest.raises(ClientError) as err:
        put_cond(dynamodb, t_s, key, "a = :missing", {":other": {"N": "1"}})
    assert_client_error(err, "ValidationException",
                        "Invalid ConditionExpression: An expression attribute value used in expression "
                        "is not defined; attribute value: :missing")
    with pytest.raises(ClientError) as err:
        put_cond(dynamodb, t_s, key, "#missing = :v", {":v": {"N": "1"}})
    assert_client_error(err, "ValidationException",
                        "Invalid ConditionExpression: An expression attribute name used in the document "
                        "path is not defined; attribute name: #missing")
    with pytest.raises(ClientError) as err:
        put_cond(dynamodb, t_s, key, "a = :v", {":v": {"N": "1"}, ":unused": {"N": "2"}})
    assert_client_error(err, "ValidationException",
                        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}")
    with pytest.raises(ClientError) as err:
        put_cond(dynamodb, t_s, key, "a = :v", {":v": {"N": "1"}}, {"#unused": "a"})
    assert_client_error(err, "ValidationException",
                        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}")
    assert "Item" not in get(dynamodb, t_s, key)


def test_reserved_words_must_be_escaped(dynamodb, t_s):
    key = key_of(unique_name("reserved"))
    dynamodb.put_item(TableName=t_s, Item={**key, "name": {"S": "x"}, "status": {"S": "ok"}})
    with pytest.raises(ClientError) as err:
        put_cond(dynamodb, t_s, key, "attribute_exists(name)")
    assert_client_error(err, "ValidationException",
                        "Invalid ConditionExpression: Attribute name is a reserved keyword; "
                        "reserved keyword: name")
    with pytest.raises(ClientError) as err:
        put_cond(dynamodb, t_s, key, "Status = :v", {":v": {"S": "ok"}})
    assert_client_error(err, "ValidationException", contains=["reserved keyword", "Status"])
    put_cond(dynamodb, t_s, {**key, "name": {"S": "y"}}, "#n = :x AND #s = :ok",
             {":x": {"S": "x"}, ":ok": {"S": "ok"}}, {"#n": "name", "#s": "status"})
    assert get(dynamodb, t_s, key)["Item"] == {**key, "name": {"S": "y"}}


@pytest.mark.parametrize("condition", ["a = ", "a = :v AND", "(a = :v", "a == :v", "a = :v)", "",
                                       "size(a)", "a BETWEEN :v", "nofunction(a)"])
def test_invalid_condition_expressions(dynamodb, t_s, condition):
    values = {":v": {"N": "1"}} if ":v" in condition else None
    with pytest.raises(ClientError) as err:
        put_cond(dynamodb, t_s, key_of("badsyntax"), condition, values)
    message = assert_client_error(err, "ValidationException")
    assert "ConditionExpression" in message, message
    assert "Item" not in get(dynamodb, t_s, key_of("badsyntax"))


def test_syntax_error_message(dynamodb, t_s):
    with pytest.raises(ClientError) as err:
        put_cond(dynamodb, t_s, key_of("syntax"), "a = :v AND", {":v": {"N": "1"}})
    assert_client_error(err, "ValidationException",
                        contains=["Invalid ConditionExpression: Syntax error; token: ", "near: "])


def test_expression_and_legacy_parameters_do_not_mix(dynamodb, t_s):
    key = key_of("mix")
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_s, Item=key, ConditionExpression="attribute_not_exists(p)",
                          Expected={"p": {"Exists": False}})
    assert_client_error(err, "ValidationException",
                        "Can not use both expression and non-expression parameters in the same request: "
                        "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}")
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_s, Item=key, ExpressionAttributeValues={":v": {"N": "1"}})
    assert_client_error(err, "ValidationException",
                        contains="ExpressionAttributeValues can only be specified when using expressions")
    with pytest.raises(ClientError) as err:
        dynamodb.get_item(TableName=t_s, Key=key, ProjectionExpression="a", AttributesToGet=["a"])
    assert_client_error(err, "ValidationException",
                        "Can not use both expression and non-expression parameters in the same request: "
                        "Non-expression parameters: {AttributesToGet} Expression parameters: "
                        "{ProjectionExpression}")
    assert "Item" not in get(dynamodb, t_s, key)


# ---------------------------------------------------------------------------
# ProjectionExpression
# ---------------------------------------------------------------------------

PROJECTION_ITEM = {
    "a": {"S": "A"},
    "b": {"N": "2"},
    "name": {"S": "reserved"},
    "m": {"M": {"x": {"N": "1"}, "y": {"M": {"z": {"S": "deep"}, "w": {"S": "other"}}}}},
    "l": {"L": [{"S": "l0"}, {"M": {"k": {"S": "l1k"}, "j": {"S": "l1j"}}}, {"S": "l2"}]},
}


@pytest.fixture(scope="module")
def projected_key(dynamodb, t_s):
    key = key_of(unique_name("proj"))
    dynamodb.put_item(TableName=t_s, Item={**key, **PROJECTION_ITEM})
    return key


@pytest.mark.parametrize("projection,names,expected", [
    ("a", None, {"a": {"S": "A"}}),
    ("a, b, p", None, {"a": {"S": "A"}, "b": {"N": "2"}, "p": "KEY"}),
    ("#n", {"#n": "name"}, {"name": {"S": "reserved"}}),
    ("m.x", None, {"m": {"M": {"x": {"N": "1"}}}}),
    ("m.y.z, m.x", None, {"m": {"M": {"x": {"N": "1"}, "y": {"M": {"z": {"S": "deep"}}}}}}),
    ("l[1].k", None, {"l": {"L": [{"M": {"k": {"S": "l1k"}}}]}}),
    ("l[2], l[0]", None, {"l": {"L": [{"S": "l0"}, {"S": "l2"}]}}),
    ("a, nope, m.nope, l[7]", None, {"a": {"S": "A"}}),
    ("nope", None, {}),
    ("#m.#y.z", {"#m": "m", "#y": "y"}, {"m": {"M": {"y": {"M": {"z": {"S": "deep"}}}}}}),
])
def test_projection_expression(dynamodb, t_s, projected_key, projection, names, expected):
    params = dict(ProjectionExpression=projection)
    if names:
        params["ExpressionAttributeNames"] = names
    expected = {k: (projected_key["p"] if v == "KEY" else v) for k, v in expected.items()}
    assert get(dynamodb, t_s, projected_key, **params)["Item"] == expected


def test_projection_on_missing_item(dynamodb, t_s):
    assert "Item" not in get(dynamodb, t_s, key_of(unique_name("noproj")), ProjectionExpression="a")


def test_projection_validation(dynamodb, t_s, projected_key):
    with pytest.raises(ClientError) as err:
        get(dynamodb, t_s, projected_key, ProjectionExpression="a, a")
    assert_client_error(err, "ValidationException", contains=["Invalid ProjectionExpression", "overlap"])
    with pytest.raises(ClientError) as err:
        get(dynamodb, t_s, projected_key, ProjectionExpression="m, m.x")
    assert_client_error(err, "ValidationException", contains=["Invalid ProjectionExpression", "overlap"])
    with pytest.raises(ClientError) as err:
        get(dynamodb, t_s, projected_key, ProjectionExpression="m.x, m[0]")
    assert_client_error(err, "ValidationException", contains=["Invalid ProjectionExpression", "conflict"])
    with pytest.raises(ClientError) as err:
        get(dynamodb, t_s, projected_key, ProjectionExpression="name")
    assert_client_error(err, "ValidationException",
                        "Invalid ProjectionExpression: Attribute name is a reserved keyword; "
                        "reserved keyword: name")
    with pytest.raises(ClientError) as err:
        get(dynamodb, t_s, projected_key, ProjectionExpression="a,")
    assert_client_error(err, "ValidationException", contains=["Invalid ProjectionExpression", "Syntax error"])
    with pytest.raises(ClientError) as err:
        get(dynamodb, t_s, projected_key, ProjectionExpression="a", ExpressionAttributeNames={"#u": "u"})
    assert_client_error(err, "ValidationException",
                        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#u}")


def test_cli_get_item_projection(aws, t_s, projected_key):
    got = aws("get-item", "--table-name", t_s, "--key", json.dumps(projected_key),
              "--projection-expression", "#n, m.y.w, l[1].j", "--expression-attribute-names",
              json.dumps({"#n": "name"}))
    assert got["Item"] == {"name": {"S": "reserved"}, "m": {"M": {"y": {"M": {"w": {"S": "other"}}}}},
                           "l": {"L": [{"M": {"j": {"S": "l1j"}}}]}}


# ---------------------------------------------------------------------------
# Legacy parameters: Expected and AttributesToGet
# ---------------------------------------------------------------------------

def test_expected_exists_and_value(dynamodb, t_s):
    key = key_of(unique_name("expected"))
    dynamodb.put_item(TableName=t_s, Item={**key, "v": {"N": "1"}}, Expected={"p": {"Exists": False}})
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_s, Item={**key, "v": {"N": "2"}}, Expected={"p": {"Exists": False}})
    assert_condition_failed(err)
    # Value alone means "equals" (Exists defaults to true).
    dynamodb.put_item(TableName=t_s, Item={**key, "v": {"N": "2"}}, Expected={"v": {"Value": {"N": "1"}}})
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_s, Item={**key, "v": {"N": "3"}},
                          Expected={"v": {"Value": {"N": "1"}, "Exists": True}})
    assert_condition_failed(err)
    assert get(dynamodb, t_s, key)["Item"]["v"] == {"N": "2"}


def test_expected_comparison_operators(dynamodb, t_s):
    key = key_of(unique_name("expectedops"))
    dynamodb.put_item(TableName=t_s, Item={**key, "n": {"N": "5"}, "s": {"S": "abc"},
                                          "ss": {"SS": ["x", "y"]}})
    cases = [
        ({"n": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "4"}]}}, None, True),
        ({"n": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "4"}]}}, None, False),
        ({"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "5"}, {"N": "6"}]}}, None, True),
        ({"n": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}, {"N": "5"}]}}, None, True),
        ({"s": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "ab"}]}}, None, True),
        ({"ss": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "y"}]}}, None, True),
        ({"ss": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "y"}]}}, None, False),
        ({"absent": {"ComparisonOperator": "NULL"}}, None, True),
        ({"n": {"ComparisonOperator": "NOT_NULL"}}, None, True),
        ({"n": {"ComparisonOperator": "NE", "AttributeValueList": [{"N": "5"}]}}, None, False),
        # Several entries: AND by default, OR when asked.
        ({"n": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "5"}]},
          "s": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "nope"}]}}, None, False),
        ({"n": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "5"}]},
          "s": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "nope"}]}}, "OR", True),
        ({"n": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "5"}]},
          "s": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "abc"}]}}, "AND", True),
    ]
    for i, (expected, operator, holds) in enumerate(cases):
        params = dict(TableName=t_s, Key=key, AttributeUpdates={"case": {"Action": "PUT", "Value": {"N": str(i)}}},
                      Expected=expected)
        if operator:
            params["ConditionalOperator"] = operator
        if holds:
            dynamodb.update_item(**params)
            assert get(dynamodb, t_s, key)["Item"]["case"] == {"N": str(i)}, (i, expected)
        else:
            with pytest.raises(ClientError) as err:
                dynamodb.update_item(**params)
            assert_condition_failed(err)
            assert get(dynamodb, t_s, key)["Item"].get("case") != {"N": str(i)}, (i, expected)


def test_expected_on_delete(dynamodb, t_s):
    key = key_of(unique_name("expdel"))
    dynamodb.put_item(TableName=t_s, Item={**key, "v": {"S": "keep"}})
    with pytest.raises(ClientError) as err:
        dynamodb.delete_item(TableName=t_s, Key=key, Expected={"v": {"Value": {"S": "other"}}})
    assert_condition_failed(err)
    dynamodb.delete_item(TableName=t_s, Key=key, Expected={"v": {"Value": {"S": "keep"}}})
    assert "Item" not in get(dynamodb, t_s, key)


def test_attributes_to_get(dynamodb, t_s, projected_key):
    got = get(dynamodb, t_s, projected_key, AttributesToGet=["a", "name", "missing"])["Item"]
    assert got == {"a": {"S": "A"}, "name": {"S": "reserved"}}
    # A reserved word needs no escaping in the legacy parameter, and a dot is part of the name.
    assert get(dynamodb, t_s, projected_key, AttributesToGet=["m.x"])["Item"] == {}
