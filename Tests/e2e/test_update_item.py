"""UpdateItem: SET (with + and -, if_not_exists, list_append), REMOVE (also of
list elements), ADD (numbers and sets), DELETE (from sets), upsert, refused
key updates and overlapping paths, every ReturnValues option, conditions, the
legacy AttributeUpdates parameter, and the AWS CLI's update-item."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from helpers import DDBL_NUMBERS, DDBL_ON_FAILURE, DDBL_UPDATES, assert_client_error, unique_name

CONDITION_FAILED = "The conditional request failed"
MISSING_OPERAND = "The provided expression refers to an attribute that does not exist in the item"
WRONG_OPERAND_TYPE = "An operand in the update expression has an incorrect data type"


def new_key():
    return {"p": {"S": unique_name("upd")}}


def sorted_sets(value):
    """Set members sorted, so that values compare whatever order the server lists them in."""
    if isinstance(value, dict):
        return {k: (sorted(v) if k in ("SS", "NS", "BS") else sorted_sets(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [sorted_sets(v) for v in value]
    return value


def get(dynamodb, table, key):
    return dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")


def update(dynamodb, table, key, expression, values=None, names=None, **extra):
    params = dict(TableName=table, Key=key, UpdateExpression=expression, **extra)
    if values:
        params["ExpressionAttributeValues"] = values
    if names:
        params["ExpressionAttributeNames"] = names
    return dynamodb.update_item(**params)


def N(text):
    return {"N": text}


def S(text):
    return {"S": text}


# ---------------------------------------------------------------------------
# Upsert
# ---------------------------------------------------------------------------

def test_update_creates_a_missing_item(dynamodb, t_s):
    key = new_key()
    response = update(dynamodb, t_s, key, "SET a = :a, b = :b", {":a": S("x"), ":b": N("1")},
                      ReturnValues="ALL_OLD")
    assert "Attributes" not in response
    assert get(dynamodb, t_s, key) == {**key, "a": S("x"), "b": N("1")}


def test_update_without_actions_creates_a_key_only_item(dynamodb, t_s, t_sn):
    key = new_key()
    dynamodb.update_item(TableName=t_s, Key=key)
    assert get(dynamodb, t_s, key) == key
    key = {"p": S(unique_name("sn")), "c": N("-1.5")}
    response = dynamodb.update_item(TableName=t_sn, Key=key, ReturnValues="ALL_NEW")
    assert response["Attributes"] == key
    assert get(dynamodb, t_sn, key) == key


@pytest.mark.strata_only(DDBL_UPDATES)
def test_remove_only_does_not_create_an_item(dynamodb, t_s):
    key = new_key()
    update(dynamodb, t_s, key, "REMOVE a, b.c, d[0]")
    assert get(dynamodb, t_s, key) is None


# ---------------------------------------------------------------------------
# SET
# ---------------------------------------------------------------------------

def test_set_arithmetic(dynamodb, t_s):
    key = new_key()
    dynamodb.put_item(TableName=t_s, Item={**key, "n": N("10"), "f": N("0.1"), "neg": N("-5")})
    update(dynamodb, t_s, key,
           "SET n = n + :one, f = f + :f, neg = neg - :ten, d = :a - :b, cp = n, e = n - n",
           {":one": N("1"), ":f": N("0.2"), ":ten": N("10"), ":a": N("1.5"), ":b": N("4")})
    # Operands are the values before the update: cp and e see n = 10.
    assert get(dynamodb, t_s, key) == {**key, "n": N("11"), "f": N("0.3"), "neg": N("-15"),
                                       "d": N("-2.5"), "cp": N("10"), "e": N("0")}


@pytest.mark.strata_only(DDBL_NUMBERS)
def test_set_arithmetic_is_exact(dynamodb, t_s):
    key = new_key()
    big = "9" * 37  # 37 nines: adding 1 gives 10^37, exactly representable
    dynamodb.put_item(TableName=t_s, Item={**key, "big": N(big), "small": N("0.00000000000000000001")})
    update(dynamodb, t_s, key, "SET big = big + :one, small = small + :one, frac = :x - :y",
           {":one": N("1"), ":x": N("1234567890.0987654321"), ":y": N("0.0987654321")})
    item = get(dynamodb, t_s, key)
    assert item["big"] == N("1" + "0" * 37)
    assert item["small"] == N("1.00000000000000000001")
    assert item["frac"] == N("1234567890")


def test_set_arithmetic_overflow(dynamodb, t_s):
    key = new_key()
    dynamodb.put_item(TableName=t_s, Item={**key, "n": N("9.9E+125")})
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "SET n = n + :n", {":n": N("9.9E+125")})
    assert_client_error(err, "ValidationException", contains="Number overflow")
    assert get(dynamodb, t_s, key)["n"] == N("99" + "0" * 124)


def test_set_arithmetic_errors(dynamodb, t_s):
    key = new_key()
    dynamodb.put_item(TableName=t_s, Item={**key, "n": N("1"), "s": S("text")})
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "SET n = absent + :one", {":one": N("1")})
    assert_client_error(err, "ValidationException", MISSING_OPERAND)
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "SET n = s + :one", {":one": N("1")})
    assert_client_error(err, "ValidationException", WRONG_OPERAND_TYPE)
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "SET n = n - :s", {":s": S("1")})
    assert_client_error(err, "ValidationException", contains="Incorrect operand type")
    # An increment of a missing item is refused and creates nothing.
    other = new_key()
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, other, "SET n = n + :one", {":one": N("1")})
    assert_client_error(err, "ValidationException", MISSING_OPERAND)
    assert get(dynamodb, t_s, other) is None
    assert get(dynamodb, t_s, key) == {**key, "n": N("1"), "s": S("text")}


def test_if_not_exists(dynamodb, t_s):
    key = new_key()
    values = {":zero": N("0"), ":one": N("1"), ":first": S("first")}
    expression = "SET n = if_not_exists(n, :zero) + :one, created = if_not_exists(created, :first)"
    update(dynamodb, t_s, key, expression, values)
    assert get(dynamodb, t_s, key) == {**key, "n": N("1"), "created": S("first")}
    update(dynamodb, t_s, key, expression, {**values, ":first": S("second")})
    assert get(dynamodb, t_s, key) == {**key, "n": N("2"), "created": S("first")}
    # if_not_exists on a nested path.
    update(dynamodb, t_s, key, "SET m = :m", {":m": {"M": {"x": N("5")}}})
    update(dynamodb, t_s, key, "SET y = if_not_exists(m.x, :d), z = if_not_exists(m.q, :d)", {":d": N("9")})
    item = get(dynamodb, t_s, key)
    assert (item["y"], item["z"]) == (N("5"), N("9"))


def test_list_append(dynamodb, t_s):
    key = new_key()
    dynamodb.put_item(TableName=t_s, Item={**key, "l": {"L": [S("b")]}})
    update(dynamodb, t_s, key, "SET l = list_append(l, :end)", {":end": {"L": [S("c"), N("4")]}})
    update(dynamodb, t_s, key, "SET l = list_append(:front, l)", {":front": {"L": [S("a")]}})
    assert get(dynamodb, t_s, key)["l"] == {"L": [S("a"), S("b"), S("c"), N("4")]}
    # Appending to a list that may not exist yet.
    update(dynamodb, t_s, key, "SET fresh = list_append(if_not_exists(fresh, :empty), :v)",
           {":empty": {"L": []}, ":v": {"L": [S("x")]}})
    update(dynamodb, t_s, key, "SET fresh = list_append(if_not_exists(fresh, :empty), :v)",
           {":empty": {"L": []}, ":v": {"L": [S("y")]}})
    assert get(dynamodb, t_s, key)["fresh"] == {"L": [S("x"), S("y")]}
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "SET l = list_append(l, :s)", {":s": S("not a list")})
    assert_client_error(err, "ValidationException",
                        "Invalid UpdateExpression: Incorrect operand type for operator or function; "
                        "operator or function: list_append, operand type: S")
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "SET l = list_append(absent, :v)", {":v": {"L": [S("x")]}})
    assert_client_error(err, "ValidationException", MISSING_OPERAND)
    assert get(dynamodb, t_s, key)["l"] == {"L": [S("a"), S("b"), S("c"), N("4")]}


def test_set_nested_paths_and_list_elements(dynamodb, t_s):
    key = new_key()
    dynamodb.put_item(TableName=t_s, Item={**key, "m": {"M": {"a": {"M": {}}}},
                                          "l": {"L": [S("zero"), S("one"), S("two")]}})
    update(dynamodb, t_s, key, "SET m.a.b = :v, m.#dot = :w, l[1] = :x, l[20] = :y",
           {":v": N("1"), ":w": N("2"), ":x": S("ONE"), ":y": S("appended")}, {"#dot": "with.dot"})
    assert get(dynamodb, t_s, key) == {
        **key,
        "m": {"M": {"a": {"M": {"b": N("1")}}, "with.dot": N("2")}},
        "l": {"L": [S("zero"), S("ONE"), S("two"), S("appended")]},
    }
    # A path through a missing map is an error, not an implicit creation.
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "SET nomap.b = :v", {":v": N("1")})
    assert_client_error(err, "ValidationException",
                        "The document path provided in the update expression is invalid for update")


def test_set_empty_values(dynamodb, t_s):
    key = new_key()
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "SET a = :v", {":v": {"SS": []}})
    assert_client_error(err, "ValidationException", contains="empty")
    assert get(dynamodb, t_s, key) is None
    update(dynamodb, t_s, key, "SET l = :l, m = :m, s = :s, b = :b",
           {":l": {"L": []}, ":m": {"M": {}}, ":s": S(""), ":b": {"B": b""}})
    assert get(dynamodb, t_s, key) == {**key, "l": {"L": []}, "m": {"M": {}}, "s": S(""), "b": {"B": b""}}


def test_update_cannot_grow_an_item_past_400_kb(dynamodb, t_s):
    key = new_key()
    dynamodb.put_item(TableName=t_s, Item={**key, "a": S("x" * 300_000)})
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "SET b = :b", {":b": S("y" * 200_000)})
    assert_client_error(err, "ValidationException", "Item size to update has exceeded the maximum allowed size")
    assert set(get(dynamodb, t_s, key)) == {"p", "a"}


# ---------------------------------------------------------------------------
# REMOVE
# ---------------------------------------------------------------------------

def test_remove_attributes_and_list_elements(dynamodb, t_s):
    key = new_key()
    dynamodb.put_item(TableName=t_s, Item={
        **key, "a": S("x"), "b": N("1"),
        "l": {"L": [N("0"), N("1"), N("2"), N("3"), N("4"), N("5")]},
        "m": {"M": {"x": N("1"), "y": {"L": [S("p"), S("q")]}}},
        "single": {"M": {"one": N("1")}},
    })
    # Indexes refer to the list before any removal; indexes past the end are ignored.
    update(dynamodb, t_s, key, "REMOVE a, l[1], l[3], l[99], m.y[0], single.one, absent")
    assert get(dynamodb, t_s, key) == {
        **key, "b": N("1"),
        "l": {"L": [N("0"), N("2"), N("4"), N("5")]},
        "m": {"M": {"x": N("1"), "y": {"L": [S("q")]}}},
        "single": {"M": {}},
    }
    update(dynamodb, t_s, key, "REMOVE l[0] SET l[2] = :v", {":v": S("set")})
    assert get(dynamodb, t_s, key)["l"] == {"L": [N("2"), S("set"), N("5")]}


# ---------------------------------------------------------------------------
# ADD and DELETE
# ---------------------------------------------------------------------------

def test_add_numbers(dynamodb, t_s):
    key = new_key()
    # ADD on a missing item creates it; a missing number counts as 0.
    update(dynamodb, t_s, key, "ADD n :five", {":five": N("5")})
    assert get(dynamodb, t_s, key) == {**key, "n": N("5")}
    update(dynamodb, t_s, key, "ADD n :d, n2 :d", {":d": N("-7.25")})
    assert get(dynamodb, t_s, key) == {**key, "n": N("-2.25"), "n2": N("-7.25")}


def test_add_sets(dynamodb, t_s):
    key = new_key()
    dynamodb.put_item(TableName=t_s, Item={**key, "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1"]},
                                          "bs": {"BS": [b"\x01"]}})
    update(dynamodb, t_s, key, "ADD ss :ss, ns :ns, bs :bs, fresh :fresh",
           {":ss": {"SS": ["b", "c"]}, ":ns": {"NS": ["1.0", "-2"]}, ":bs": {"BS": [b"\x02", b"\x01"]},
            ":fresh": {"SS": ["new"]}})
    assert sorted_sets(get(dynamodb, t_s, key)) == sorted_sets({
        **key, "ss": {"SS": ["a", "b", "c"]}, "ns": {"NS": ["1", "-2"]}, "bs": {"BS": [b"\x01", b"\x02"]},
        "fresh": {"SS": ["new"]}})


def test_add_type_errors(dynamodb, t_s):
    key = new_key()
    item = {**key, "ss": {"SS": ["a"]}, "n": N("1"), "s": S("x"), "l": {"L": [N("1")]}}
    dynamodb.put_item(TableName=t_s, Item=item)
    for expression, value in [("ADD ss :v", {"NS": ["1"]}), ("ADD n :v", {"SS": ["a"]}),
                              ("ADD s :v", N("1")), ("ADD n :v", S("1")), ("ADD l :v", {"L": [N("2")]})]:
        with pytest.raises(ClientError) as err:
            update(dynamodb, t_s, key, expression, {":v": value})
        assert_client_error(err, "ValidationException", contains="type")
    assert sorted_sets(get(dynamodb, t_s, key)) == sorted_sets(item)


def test_delete_from_sets(dynamodb, t_s):
    key = new_key()
    dynamodb.put_item(TableName=t_s, Item={**key, "ss": {"SS": ["dog", "cat", "mouse"]},
                                          "ns": {"NS": ["1", "2", "3"]}, "keep": S("k")})
    update(dynamodb, t_s, key, "DELETE ss :ss, ns :ns",
           {":ss": {"SS": ["cat", "pig"]}, ":ns": {"NS": ["2.0"]}})
    assert sorted_sets(get(dynamodb, t_s, key)) == sorted_sets(
        {**key, "ss": {"SS": ["dog", "mouse"]}, "ns": {"NS": ["1", "3"]}, "keep": S("k")})
    # Deleting every member removes the attribute; a missing attribute is left alone.
    update(dynamodb, t_s, key, "DELETE ss :ss, absent :ss", {":ss": {"SS": ["dog", "mouse"]}})
    assert sorted_sets(get(dynamodb, t_s, key)) == sorted_sets({**key, "ns": {"NS": ["1", "3"]}, "keep": S("k")})
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "DELETE ns :v", {":v": N("1")})
    assert_client_error(err, "ValidationException", contains="type")
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "DELETE ns :v", {":v": {"SS": ["1"]}})
    assert_client_error(err, "ValidationException", contains="type")


# ---------------------------------------------------------------------------
# Refused updates
# ---------------------------------------------------------------------------

def test_key_attributes_cannot_be_updated(dynamodb, t_s, t_sn):
    key = new_key()
    dynamodb.put_item(TableName=t_s, Item={**key, "v": N("1")})
    for expression, values in [("SET p = :v", {":v": S("other")}), ("REMOVE p", None),
                               ("SET v = :v, p = :v", {":v": S("x")}), ("ADD p :v", {":v": {"SS": ["x"]}})]:
        with pytest.raises(ClientError) as err:
            update(dynamodb, t_s, key, expression, values)
        assert_client_error(err, "ValidationException",
                            "One or more parameter values were invalid: Cannot update attribute p. "
                            "This attribute is part of the key")
    assert get(dynamodb, t_s, key) == {**key, "v": N("1")}

    key = {"p": S(unique_name("sn")), "c": N("1")}
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_sn, key, "SET c = c + :one", {":one": N("1")})
    assert_client_error(err, "ValidationException",
                        "One or more parameter values were invalid: Cannot update attribute c. "
                        "This attribute is part of the key")
    with pytest.raises(ClientError) as err:
        dynamodb.update_item(TableName=t_sn, Key=key, AttributeUpdates={"c": {"Action": "PUT", "Value": N("2")}})
    assert_client_error(err, "ValidationException", contains=["Cannot update attribute c", "part of the key"])
    assert get(dynamodb, t_sn, key) is None


@pytest.mark.parametrize("expression,values,word", [
    ("SET a = :v REMOVE a", {":v": N("1")}, "overlap"),
    ("SET a = :v, a = :w", {":v": N("1"), ":w": N("2")}, "overlap"),
    ("SET m.x = :v REMOVE m", {":v": N("1")}, "overlap"),
    ("ADD s :v DELETE s :v", {":v": {"SS": ["x"]}}, "overlap"),
    ("SET m.x = :v, m[0] = :w", {":v": N("1"), ":w": N("2")}, "conflict"),
])
def test_overlapping_and_conflicting_paths(dynamodb, t_s, expression, values, word):
    key = new_key()
    dynamodb.put_item(TableName=t_s, Item={**key, "a": N("0")})
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, expression, values)
    assert_client_error(err, "ValidationException",
                        contains=["Invalid UpdateExpression: Two document paths", word])
    assert get(dynamodb, t_s, key) == {**key, "a": N("0")}


@pytest.mark.strata_only("DynamoDB Local accepts an UpdateExpression AWS DynamoDB refuses")
def test_update_expression_validation(dynamodb, t_s):
    key = new_key()
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "SET a = :v", {":v": N("1"), ":extra": N("2")})
    assert_client_error(err, "ValidationException",
                        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:extra}")
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "SET a = :undefined")
    assert_client_error(err, "ValidationException",
                        "Invalid UpdateExpression: An expression attribute value used in expression is not "
                        "defined; attribute value: :undefined")
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "SET size = :v", {":v": N("1")})
    assert_client_error(err, "ValidationException",
                        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: size")
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "SET a = :v SET b = :v", {":v": N("1")})
    assert_client_error(err, "ValidationException", contains="Invalid UpdateExpression")
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "SET a :v", {":v": N("1")})
    assert_client_error(err, "ValidationException", contains=["Invalid UpdateExpression", "Syntax error"])
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "SET a = :v", {":v": N("1")}, AttributeUpdates={"b": {"Action": "PUT", "Value": N("1")}})
    assert_client_error(err, "ValidationException",
                        "Can not use both expression and non-expression parameters in the same request: "
                        "Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}")
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "SET a = :v", {":v": N("1")}, ReturnValues="EVERYTHING")
    assert_client_error(err, "ValidationException", contains=["EVERYTHING", "returnValues"])
    assert get(dynamodb, t_s, key) is None


# ---------------------------------------------------------------------------
# ReturnValues
# ---------------------------------------------------------------------------

RV_ITEM = {"a": S("old-a"), "b": N("10"), "gone": S("bye"), "untouched": S("same"),
           "m": {"M": {"x": S("old-x"), "y": S("y")}}}
RV_UPDATE = "SET a = :a, fresh = :f, m.x = :x REMOVE gone ADD b :inc"
RV_VALUES = {":a": S("new-a"), ":f": S("fresh"), ":x": S("new-x"), ":inc": N("5")}


@pytest.mark.strata_only(DDBL_UPDATES)
@pytest.mark.parametrize("mode,expected", [
    ("NONE", None),
    ("ALL_OLD", {**RV_ITEM}),
    ("UPDATED_OLD", {"a": S("old-a"), "b": N("10"), "gone": S("bye"), "m": {"M": {"x": S("old-x")}}}),
    ("ALL_NEW", {"a": S("new-a"), "b": N("15"), "untouched": S("same"), "fresh": S("fresh"),
                 "m": {"M": {"x": S("new-x"), "y": S("y")}}}),
    ("UPDATED_NEW", {"a": S("new-a"), "b": N("15"), "fresh": S("fresh"), "m": {"M": {"x": S("new-x")}}}),
])
def test_return_values(dynamodb, t_s, mode, expected):
    key = new_key()
    dynamodb.put_item(TableName=t_s, Item={**key, **RV_ITEM})
    response = update(dynamodb, t_s, key, RV_UPDATE, RV_VALUES, ReturnValues=mode)
    if expected is None:
        assert "Attributes" not in response
    else:
        if mode.startswith("ALL_"):
            expected = {**key, **expected}
        assert response["Attributes"] == expected
    assert get(dynamodb, t_s, key) == {**key, "a": S("new-a"), "b": N("15"), "untouched": S("same"),
                                       "fresh": S("fresh"), "m": {"M": {"x": S("new-x"), "y": S("y")}}}


def test_return_values_on_a_new_item(dynamodb, t_s):
    for mode, expected in [("ALL_OLD", None), ("UPDATED_OLD", None),
                           ("ALL_NEW", "ITEM"), ("UPDATED_NEW", {"v": N("1")})]:
        key = new_key()
        response = update(dynamodb, t_s, key, "SET v = :v", {":v": N("1")}, ReturnValues=mode)
        if expected is None:
            assert "Attributes" not in response, mode
        elif expected == "ITEM":
            assert response["Attributes"] == {**key, "v": N("1")}
        else:
            assert response["Attributes"] == expected, mode


@pytest.mark.strata_only(DDBL_UPDATES)
def test_return_values_of_list_elements(dynamodb, t_s):
    key = new_key()
    dynamodb.put_item(TableName=t_s, Item={**key, "l": {"L": [N("1"), N("2"), N("3")]}})
    response = update(dynamodb, t_s, key, "SET l[1] = :v", {":v": N("20")}, ReturnValues="UPDATED_OLD")
    assert response["Attributes"] == {"l": {"L": [N("2")]}}
    response = update(dynamodb, t_s, key, "SET l[1] = :v", {":v": N("200")}, ReturnValues="UPDATED_NEW")
    assert response["Attributes"] == {"l": {"L": [N("200")]}}


@pytest.mark.strata_only(DDBL_ON_FAILURE)
def test_update_with_condition(dynamodb, t_s):
    key = new_key()
    dynamodb.put_item(TableName=t_s, Item={**key, "version": N("1"), "v": S("a")})
    response = update(dynamodb, t_s, key, "SET v = :v, version = version + :one",
                      {":v": S("b"), ":one": N("1"), ":expected": N("1")},
                      ConditionExpression="version = :expected", ReturnValues="ALL_NEW")
    assert response["Attributes"] == {**key, "version": N("2"), "v": S("b")}
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, key, "SET v = :v, version = version + :one",
               {":v": S("c"), ":one": N("1"), ":expected": N("1")},
               ConditionExpression="version = :expected", ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert_client_error(err, "ConditionalCheckFailedException", CONDITION_FAILED)
    assert err.value.response["Item"] == {**key, "version": N("2"), "v": S("b")}
    # A failed condition on a missing item creates nothing.
    other = new_key()
    with pytest.raises(ClientError) as err:
        update(dynamodb, t_s, other, "SET v = :v", {":v": S("x")}, ConditionExpression="attribute_exists(p)")
    assert_client_error(err, "ConditionalCheckFailedException", CONDITION_FAILED)
    assert get(dynamodb, t_s, other) is None
    assert get(dynamodb, t_s, key) == {**key, "version": N("2"), "v": S("b")}


# ---------------------------------------------------------------------------
# Legacy AttributeUpdates
# ---------------------------------------------------------------------------

@pytest.mark.strata_only(DDBL_UPDATES)
def test_attribute_updates(dynamodb, t_s):
    key = new_key()
    dynamodb.put_item(TableName=t_s, Item={**key, "gone": S("x"), "n": N("1"), "ss": {"SS": ["a", "b", "c"]}})
    response = dynamodb.update_item(TableName=t_s, Key=key, ReturnValues="UPDATED_NEW", AttributeUpdates={
        "name": {"Action": "PUT", "Value": S("reserved words need no escaping here")},
        "n": {"Action": "ADD", "Value": N("2.5")},
        "counter": {"Action": "ADD", "Value": N("1")},
        "tags": {"Action": "ADD", "Value": {"SS": ["t1"]}},
        "ss": {"Action": "DELETE", "Value": {"SS": ["b"]}},
        "gone": {"Action": "DELETE"},
    })
    assert sorted_sets(response["Attributes"]) == sorted_sets({
        "name": S("reserved words need no escaping here"), "n": N("3.5"), "counter": N("1"),
        "tags": {"SS": ["t1"]}, "ss": {"SS": ["a", "c"]}})
    assert sorted_sets(get(dynamodb, t_s, key)) == sorted_sets({
        **key, "name": S("reserved words need no escaping here"), "n": N("3.5"), "counter": N("1"),
        "tags": {"SS": ["t1"]}, "ss": {"SS": ["a", "c"]}})
    # With Expected: applied only when it holds.
    with pytest.raises(ClientError) as err:
        dynamodb.update_item(TableName=t_s, Key=key, AttributeUpdates={"n": {"Action": "ADD", "Value": N("1")}},
                             Expected={"n": {"Value": N("1")}})
    assert_client_error(err, "ConditionalCheckFailedException", CONDITION_FAILED)
    dynamodb.update_item(TableName=t_s, Key=key, AttributeUpdates={"n": {"Action": "ADD", "Value": N("1")}},
                         Expected={"n": {"Value": N("3.5")}})
    assert get(dynamodb, t_s, key)["n"] == N("4.5")
    # Deleting an attribute of a missing item does not create it.
    other = new_key()
    dynamodb.update_item(TableName=t_s, Key=other, AttributeUpdates={"a": {"Action": "DELETE"}})
    assert get(dynamodb, t_s, other) is None


# ---------------------------------------------------------------------------
# The AWS CLI
# ---------------------------------------------------------------------------

def test_cli_update_item(aws, dynamodb, t_s):
    key = new_key()
    dynamodb.put_item(TableName=t_s, Item={**key, "n": N("41"), "tags": {"SS": ["a"]}, "l": {"L": []}})
    out = aws("update-item", "--table-name", t_s, "--key", json.dumps(key),
              "--update-expression", "SET n = n + :one, l = list_append(l, :l) ADD tags :t REMOVE absent",
              "--condition-expression", "attribute_exists(p) AND n = :n",
              "--expression-attribute-values",
              json.dumps({":one": N("1"), ":l": {"L": [S("x")]}, ":t": {"SS": ["b"]}, ":n": N("41")}),
              "--return-values", "ALL_NEW")
    assert sorted_sets(out["Attributes"]) == sorted_sets(
        {**key, "n": N("42"), "tags": {"SS": ["a", "b"]}, "l": {"L": [S("x")]}})
    assert sorted_sets(get(dynamodb, t_s, key)) == sorted_sets(out["Attributes"])
