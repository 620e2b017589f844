"""Items: PutItem, GetItem and DeleteItem with every attribute type, number
normalisation, ReturnValues, and DynamoDB's validation of keys, sets, numbers
and sizes. The low-level boto3 client is used so that numbers travel as the
exact strings DynamoDB sends and receives."""

from __future__ import annotations

import base64
import json

import pytest
from botocore.exceptions import ClientError

from helpers import DDBL_500, DDBL_MESSAGES, DDBL_NUMBERS, assert_client_error, raw_request, unique_name


def key_s(value):
    return {"p": {"S": value}}


def canonical(value):
    """An attribute value with sets turned into frozensets (set order is not part of DynamoDB's contract)."""
    (kind, inner), = value.items()
    if kind in ("SS", "NS", "BS"):
        return (kind, frozenset(inner))
    if kind == "M":
        return ("M", {k: canonical(v) for k, v in inner.items()})
    if kind == "L":
        return ("L", [canonical(v) for v in inner])
    return (kind, inner)


def canonical_item(item):
    return {k: canonical(v) for k, v in item.items()}


def get(dynamodb, table, key, **extra):
    return dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True, **extra)


# ---------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------

def every_type_item(key):
    return {
        "p": {"S": key},
        "str": {"S": "h\u00e9llo w\u00f6rld \u2713 \U0001d11e"},
        "nul": {"S": "a\x00b\x00"},
        "empty_str": {"S": ""},
        "num": {"N": "-12.5"},
        "big": {"N": "12345678901234567890123456789012345678"},
        "tiny": {"N": "0.000000000000000000000000000000000000000001"},
        "bin": {"B": bytes(range(256))},
        "empty_bin": {"B": b""},
        "yes": {"BOOL": True},
        "no": {"BOOL": False},
        "nothing": {"NULL": True},
        "ss": {"SS": ["a", "b", "\x00", "\u00e9", " "]},
        "ns": {"NS": ["1", "-2.5", "3000", "0.001"]},
        "bs": {"BS": [b"\x00", b"\xff\xfe", b"abc"]},
        "map": {"M": {
            "inner": {"S": "x"},
            "n": {"N": "7"},
            "deep": {"M": {"list": {"L": [
                {"N": "1"}, {"S": "two"}, {"NULL": True}, {"BOOL": False}, {"B": b"\x01"},
                {"SS": ["x"]}, {"M": {}}, {"L": []}]}}},
            "empty_map": {"M": {}},
            "empty_list": {"L": []},
        }},
        "list": {"L": [{"S": "a"}, {"L": [{"N": "1"}, {"L": [{"S": "nested"}]}]},
                       {"M": {"k": {"BS": [b"z"]}}}, {"NS": ["5"]}, {"S": "a"}]},
        "name with spaces.and#symbols": {"S": "v"},
        "\u00fcn\u00efcode_n\u00e4m\u00e9": {"S": "v2"},
    }


def test_round_trip_every_type(dynamodb, t_s):
    item = every_type_item(unique_name("k"))
    assert dynamodb.put_item(TableName=t_s, Item=item).get("Attributes") is None
    for consistent in (True, False):
        got = dynamodb.get_item(TableName=t_s, Key={"p": item["p"]}, ConsistentRead=consistent)["Item"]
        assert canonical_item(got) == canonical_item(item)
    # Lists keep their order and duplicates.
    assert got["list"]["L"][0] == got["list"]["L"][4] == {"S": "a"}


def test_round_trip_on_the_wire(strata, t_s):
    """The exact JSON sent back: base64 for binaries, strings for numbers."""
    key = unique_name("wire")
    item = {"p": {"S": key}, "b": {"B": "AAEC/w=="}, "n": {"N": "42"}, "bs": {"BS": ["AQ=="]},
            "m": {"M": {"x": {"B": ""}}}}
    response = raw_request(strata.url, "PutItem", {"TableName": t_s, "Item": item})
    assert response.status == 200, response
    assert response.json() == {}
    response = raw_request(strata.url, "GetItem", {"TableName": t_s, "Key": {"p": {"S": key}}})
    assert response.status == 200, response
    assert response.json() == {"Item": item}


@pytest.mark.strata_only(DDBL_NUMBERS)
def test_cli_put_get_delete(aws, dynamodb, t_sc):
    item = {"p": {"S": "cli"}, "c": {"S": "one"}, "n": {"N": "1.50"}, "flag": {"BOOL": True},
            "none": {"NULL": True}, "m": {"M": {"l": {"L": [{"N": "1e3"}, {"S": "x"}]}}},
            "ss": {"SS": ["b", "a"]}, "ns": {"NS": ["2", "1"]}}
    key = json.dumps({"p": item["p"], "c": item["c"]})
    assert aws("put-item", "--table-name", t_sc, "--item", json.dumps(item)) is None
    got = aws("get-item", "--table-name", t_sc, "--key", key, "--consistent-read")["Item"]
    expected = dict(item, n={"N": "1.5"}, m={"M": {"l": {"L": [{"N": "1000"}, {"S": "x"}]}}})
    assert canonical_item(got) == canonical_item(expected)

    replaced = aws("put-item", "--table-name", t_sc, "--item", json.dumps({"p": item["p"], "c": item["c"]}),
                   "--return-values", "ALL_OLD")
    assert canonical_item(replaced["Attributes"]) == canonical_item(expected)

    deleted = aws("delete-item", "--table-name", t_sc, "--key", key, "--return-values", "ALL_OLD")
    assert deleted["Attributes"] == {"p": item["p"], "c": item["c"]}
    after = aws("get-item", "--table-name", t_sc, "--key", key)
    assert after is None or "Item" not in after
    assert "Item" not in get(dynamodb, t_sc, {"p": item["p"], "c": item["c"]})


def test_put_replaces_the_whole_item(dynamodb, t_s):
    key = key_s(unique_name("replace"))
    dynamodb.put_item(TableName=t_s, Item={**key, "a": {"S": "1"}, "b": {"S": "2"}})
    dynamodb.put_item(TableName=t_s, Item={**key, "c": {"S": "3"}})
    assert get(dynamodb, t_s, key)["Item"] == {**key, "c": {"S": "3"}}


def test_missing_item_has_no_item_field(dynamodb, t_s, t_sn):
    for consistent in (True, False):
        response = dynamodb.get_item(TableName=t_s, Key=key_s(unique_name("absent")), ConsistentRead=consistent)
        assert "Item" not in response
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "Item" not in get(dynamodb, t_sn, {"p": {"S": "absent"}, "c": {"N": "1"}})


def test_delete_item(dynamodb, t_s):
    key = key_s(unique_name("del"))
    dynamodb.put_item(TableName=t_s, Item={**key, "v": {"N": "1"}})
    response = dynamodb.delete_item(TableName=t_s, Key=key)
    assert "Attributes" not in response
    assert "Item" not in get(dynamodb, t_s, key)
    # Deleting what is not there succeeds.
    response = dynamodb.delete_item(TableName=t_s, Key=key)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "Attributes" not in response


def test_sort_keys_make_distinct_items(dynamodb, t_sc, t_sn):
    p = {"S": unique_name("multi")}
    for c in ("a", "b", "a\x00", "A", "z"):
        dynamodb.put_item(TableName=t_sc, Item={"p": p, "c": {"S": c}, "v": {"S": c * 2}})
    for c in ("a", "b", "a\x00", "A", "z"):
        assert get(dynamodb, t_sc, {"p": p, "c": {"S": c}})["Item"]["v"] == {"S": c * 2}
    dynamodb.delete_item(TableName=t_sc, Key={"p": p, "c": {"S": "a"}})
    assert "Item" not in get(dynamodb, t_sc, {"p": p, "c": {"S": "a"}})
    assert "Item" in get(dynamodb, t_sc, {"p": p, "c": {"S": "a\x00"}})

    for c in ("1", "-1", "1.5", "100"):
        dynamodb.put_item(TableName=t_sn, Item={"p": p, "c": {"N": c}, "v": {"S": c}})
    for c in ("1", "-1", "1.5", "100"):
        assert get(dynamodb, t_sn, {"p": p, "c": {"N": c}})["Item"]["v"] == {"S": c}


def test_keys_with_nul_and_binary_bytes(dynamodb, t_s, t_b):
    base = unique_name("nul")
    for suffix in ("", "\x00", "\x00\x00", "\x00x"):
        dynamodb.put_item(TableName=t_s, Item={"p": {"S": base + suffix}, "v": {"S": repr(suffix)}})
    for suffix in ("", "\x00", "\x00\x00", "\x00x"):
        assert get(dynamodb, t_s, key_s(base + suffix))["Item"]["v"] == {"S": repr(suffix)}

    keys = [b"\x00", b"\x00\x00", b"\xff", b"\xff\x00", base.encode()]
    for i, k in enumerate(keys):
        dynamodb.put_item(TableName=t_b, Item={"p": {"B": k}, "i": {"N": str(i)}})
    for i, k in enumerate(keys):
        item = get(dynamodb, t_b, {"p": {"B": k}})["Item"]
        assert item == {"p": {"B": k}, "i": {"N": str(i)}}


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------

NORMALISED = [
    ("1.50", "1.5"),
    ("1e3", "1000"),
    ("1E+3", "1000"),
    ("-0", "0"),
    ("0.000", "0"),
    ("-0.0e5", "0"),
    ("0012", "12"),
    ("+7", "7"),
    (".25", "0.25"),
    ("2.5E-3", "0.0025"),
    ("-1.2300e2", "-123"),
    ("100e-2", "1"),
    ("123.4560e1", "1234.56"),
    ("-00.0100", "-0.01"),
    ("42", "42"),
    ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
    ("1.2345678901234567890123456789012345678e5", "123456.78901234567890123456789012345678"),
    ("1e125", "1" + "0" * 125),
    ("9.9999999999999999999999999999999999999E+125", "9" * 38 + "0" * 88),
    ("-9.9999999999999999999999999999999999999E+125", "-" + "9" * 38 + "0" * 88),
    ("1e-130", "0." + "0" * 129 + "1"),
    ("-1E-130", "-0." + "0" * 129 + "1"),
    ("1000000000000000000000000000000000000000000000000", "1" + "0" * 48),
]


@pytest.mark.strata_only(DDBL_NUMBERS)
def test_number_normalisation(dynamodb, t_s):
    key = unique_name("num")
    item = {"p": {"S": key}}
    for i, (text, _) in enumerate(NORMALISED):
        item[f"n{i}"] = {"N": text}
    item["in_map"] = {"M": {"x": {"N": "1.50"}}}
    item["in_list"] = {"L": [{"N": "1e3"}, {"N": "-0"}]}
    item["set"] = {"NS": ["1.50", "2e1", "-0.5"]}
    dynamodb.put_item(TableName=t_s, Item=item)
    got = get(dynamodb, t_s, key_s(key))["Item"]
    mismatches = [(text, expected, got[f"n{i}"]["N"]) for i, (text, expected) in enumerate(NORMALISED)
                  if got[f"n{i}"]["N"] != expected]
    assert mismatches == [], "(input, expected, actual)"
    assert got["in_map"] == {"M": {"x": {"N": "1.5"}}}
    assert got["in_list"] == {"L": [{"N": "1000"}, {"N": "0"}]}
    assert sorted(got["set"]["NS"]) == sorted(["1.5", "20", "-0.5"])


@pytest.mark.strata_only(DDBL_MESSAGES)
@pytest.mark.parametrize("text", ["dog", "NaN", "Infinity", "-Infinity", "1.2.3", "1e", "--1", "0x10",
                                  " 1", "1 ", "1,5", "e5", "."])
def test_invalid_numbers(dynamodb, t_s, text):
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_s, Item={"p": {"S": "badnum"}, "n": {"N": text}})
    assert_client_error(err, "ValidationException",
                        f"The parameter cannot be converted to a numeric value: {text}")


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_empty_number(dynamodb, t_s):
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_s, Item={"p": {"S": "badnum"}, "n": {"N": ""}})
    assert_client_error(err, "ValidationException", contains="numeric value")


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_number_limits(dynamodb, t_s):
    cases = [
        ("1" * 39, "Attempting to store more than 38 significant digits in a Number"),
        ("1.00000000000000000000000000000000000001", "Attempting to store more than 38 significant digits in a Number"),
        ("1e126", "Number overflow. Attempting to store a number with magnitude larger than supported range"),
        ("-1e126", "Number overflow. Attempting to store a number with magnitude larger than supported range"),
        ("1e-131", "Number underflow. Attempting to store a number with magnitude smaller than supported range"),
        ("-1e-131", "Number underflow. Attempting to store a number with magnitude smaller than supported range"),
    ]
    for text, message in cases:
        with pytest.raises(ClientError) as err:
            dynamodb.put_item(TableName=t_s, Item={"p": {"S": "limits"}, "n": {"N": text}})
        assert_client_error(err, "ValidationException", message)
        with pytest.raises(ClientError) as err:
            dynamodb.put_item(TableName=t_s, Item={"p": {"S": "limits"}, "ns": {"NS": ["1", text]}})
        assert_client_error(err, "ValidationException", message)
    assert "Item" not in get(dynamodb, t_s, key_s("limits"))
    # Trailing zeros of an integer are not significant digits.
    dynamodb.put_item(TableName=t_s, Item={"p": {"S": "limits"}, "n": {"N": "1" * 38 + "0" * 50}})
    assert get(dynamodb, t_s, key_s("limits"))["Item"]["n"] == {"N": "1" * 38 + "0" * 50}


def test_numeric_keys_are_addressed_by_value(dynamodb, t_n, t_sn):
    dynamodb.put_item(TableName=t_n, Item={"p": {"N": "1.0"}, "v": {"S": "first"}})
    for spelling in ("1", "1.00", "1e0", "0.1e1", "+1", "001"):
        item = get(dynamodb, t_n, {"p": {"N": spelling}})["Item"]
        assert item == {"p": {"N": "1"}, "v": {"S": "first"}}, spelling
    old = dynamodb.put_item(TableName=t_n, Item={"p": {"N": "10e-1"}, "v": {"S": "second"}},
                            ReturnValues="ALL_OLD")["Attributes"]
    assert old == {"p": {"N": "1"}, "v": {"S": "first"}}
    assert get(dynamodb, t_n, {"p": {"N": "1"}})["Item"]["v"] == {"S": "second"}

    # Zero has one key whatever its sign or spelling.
    dynamodb.put_item(TableName=t_n, Item={"p": {"N": "-0"}, "v": {"S": "zero"}})
    assert get(dynamodb, t_n, {"p": {"N": "0.000"}})["Item"] == {"p": {"N": "0"}, "v": {"S": "zero"}}

    # Large and tiny magnitudes are distinct keys from their neighbours.
    for text in ("1e125", "-1e125", "1e-130", "123456789012345678901234567890123456.78"):
        dynamodb.put_item(TableName=t_n, Item={"p": {"N": text}, "v": {"S": text}})
    for text in ("1e125", "-1e125", "1e-130", "123456789012345678901234567890123456.78"):
        assert get(dynamodb, t_n, {"p": {"N": text}})["Item"]["v"] == {"S": text}
    assert "Item" not in get(dynamodb, t_n, {"p": {"N": "2e-130"}})

    p = {"S": unique_name("sortnum")}
    dynamodb.put_item(TableName=t_sn, Item={"p": p, "c": {"N": "2.50"}})
    assert get(dynamodb, t_sn, {"p": p, "c": {"N": "25e-1"}})["Item"] == {"p": p, "c": {"N": "2.5"}}
    dynamodb.delete_item(TableName=t_sn, Key={"p": p, "c": {"N": "2.5000"}})
    assert "Item" not in get(dynamodb, t_sn, {"p": p, "c": {"N": "2.5"}})


# ---------------------------------------------------------------------------
# ReturnValues
# ---------------------------------------------------------------------------

def test_return_values_all_old(dynamodb, t_s):
    key = key_s(unique_name("rv"))
    first = {**key, "v": {"N": "1"}, "m": {"M": {"a": {"SS": ["x", "y"]}}}}
    response = dynamodb.put_item(TableName=t_s, Item=first, ReturnValues="ALL_OLD")
    assert "Attributes" not in response
    second = {**key, "v": {"N": "2"}}
    response = dynamodb.put_item(TableName=t_s, Item=second, ReturnValues="ALL_OLD")
    assert canonical_item(response["Attributes"]) == canonical_item(first)
    response = dynamodb.put_item(TableName=t_s, Item={**key, "v": {"N": "3"}}, ReturnValues="NONE")
    assert "Attributes" not in response
    response = dynamodb.delete_item(TableName=t_s, Key=key, ReturnValues="ALL_OLD")
    assert response["Attributes"] == {**key, "v": {"N": "3"}}
    response = dynamodb.delete_item(TableName=t_s, Key=key, ReturnValues="ALL_OLD")
    assert "Attributes" not in response
    response = dynamodb.delete_item(TableName=t_s, Key=key, ReturnValues="NONE")
    assert "Attributes" not in response


@pytest.mark.strata_only(DDBL_MESSAGES)
@pytest.mark.parametrize("value", ["ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"])
def test_return_values_not_allowed_for_put_and_delete(dynamodb, t_s, value):
    key = key_s("rv-invalid")
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_s, Item=key, ReturnValues=value)
    assert_client_error(err, "ValidationException", "ReturnValues can only be ALL_OLD or NONE")
    with pytest.raises(ClientError) as err:
        dynamodb.delete_item(TableName=t_s, Key=key, ReturnValues=value)
    assert_client_error(err, "ValidationException", "ReturnValues can only be ALL_OLD or NONE")
    assert "Item" not in get(dynamodb, t_s, key)


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_return_values_unknown_value(dynamodb, t_s):
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_s, Item=key_s("rv-bogus"), ReturnValues="EVERYTHING")
    assert_client_error(err, "ValidationException", contains=["'EVERYTHING'", "returnValues",
                                                               "Member must satisfy enum value set"])


# ---------------------------------------------------------------------------
# Key validation
# ---------------------------------------------------------------------------

SCHEMA_MISMATCH = "The provided key element does not match the schema"


@pytest.mark.strata_only(DDBL_MESSAGES)
@pytest.mark.parametrize("key", [
    pytest.param({}, id="empty"),
    pytest.param({"q": {"S": "x"}}, id="wrong-name"),
    pytest.param({"p": {"N": "1"}}, id="wrong-type"),
    pytest.param({"p": {"S": "x"}, "extra": {"S": "y"}}, id="extra-attribute"),
    pytest.param({"p": {"SS": ["x"]}}, id="set-type"),
])
def test_key_does_not_match_schema(dynamodb, t_s, key):
    with pytest.raises(ClientError) as err:
        dynamodb.get_item(TableName=t_s, Key=key)
    assert_client_error(err, "ValidationException", SCHEMA_MISMATCH)
    with pytest.raises(ClientError) as err:
        dynamodb.delete_item(TableName=t_s, Key=key)
    assert_client_error(err, "ValidationException", SCHEMA_MISMATCH)


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_composite_key_does_not_match_schema(dynamodb, t_sn):
    for key in ({"p": {"S": "x"}}, {"c": {"N": "1"}}, {"p": {"S": "x"}, "c": {"S": "1"}},
                {"p": {"S": "x"}, "c": {"N": "1"}, "d": {"N": "1"}}):
        with pytest.raises(ClientError) as err:
            dynamodb.get_item(TableName=t_sn, Key=key)
        assert_client_error(err, "ValidationException", SCHEMA_MISMATCH)


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_put_item_key_errors(dynamodb, t_s, t_sn):
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_s, Item={"v": {"S": "no key"}})
    assert_client_error(err, "ValidationException",
                        "One or more parameter values were invalid: Missing the key p in the item")
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_sn, Item={"p": {"S": "x"}})
    assert_client_error(err, "ValidationException",
                        "One or more parameter values were invalid: Missing the key c in the item")
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_s, Item={"p": {"N": "1"}})
    assert_client_error(err, "ValidationException",
                        "One or more parameter values were invalid: Type mismatch for key p expected: S actual: N")
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_sn, Item={"p": {"S": "x"}, "c": {"S": "1"}})
    assert_client_error(err, "ValidationException",
                        "One or more parameter values were invalid: Type mismatch for key c expected: N actual: S")
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_s, Item={"p": {"BOOL": True}})
    assert_client_error(err, "ValidationException",
                        "One or more parameter values were invalid: Type mismatch for key p expected: S actual: BOOL")


def test_empty_key_values(dynamodb, t_s, t_b, t_sc):
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_s, Item={"p": {"S": ""}})
    assert_client_error(err, "ValidationException",
                        "One or more parameter values are not valid. The AttributeValue for a key attribute "
                        "cannot contain an empty string value. Key: p")
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_b, Item={"p": {"B": b""}})
    assert_client_error(err, "ValidationException",
                        "One or more parameter values are not valid. The AttributeValue for a key attribute "
                        "cannot contain an empty binary value. Key: p")
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_sc, Item={"p": {"S": "x"}, "c": {"S": ""}})
    assert_client_error(err, "ValidationException", contains="cannot contain an empty string value. Key: c")
    for table, key in ((t_s, {"p": {"S": ""}}), (t_b, {"p": {"B": b""}})):
        with pytest.raises(ClientError) as err:
            dynamodb.get_item(TableName=table, Key=key)
        assert_client_error(err, "ValidationException", contains="The AttributeValue for a key attribute cannot "
                                                                 "contain an empty")
        with pytest.raises(ClientError) as err:
            dynamodb.delete_item(TableName=table, Key=key)
        assert_client_error(err, "ValidationException", contains="The AttributeValue for a key attribute cannot "
                                                                 "contain an empty")


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_items_of_a_missing_table(dynamodb):
    name = unique_name("gone")
    for call in (lambda: dynamodb.put_item(TableName=name, Item=key_s("x")),
                 lambda: dynamodb.get_item(TableName=name, Key=key_s("x")),
                 lambda: dynamodb.delete_item(TableName=name, Key=key_s("x"))):
        with pytest.raises(ClientError) as err:
            call()
        assert_client_error(err, "ResourceNotFoundException", contains="Requested resource not found")


# ---------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------

ITEM_LIMIT = 400 * 1024


def test_item_size_limit(dynamodb, t_s):
    key = unique_name("big")
    overhead = len("p") + len(key) + len("data")
    exact = {"p": {"S": key}, "data": {"S": "x" * (ITEM_LIMIT - overhead)}}
    dynamodb.put_item(TableName=t_s, Item=exact)
    assert get(dynamodb, t_s, key_s(key))["Item"] == exact

    too_big = {"p": {"S": key}, "data": {"S": "y" * (ITEM_LIMIT - overhead + 1)}}
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_s, Item=too_big)
    assert_client_error(err, "ValidationException", "Item size has exceeded the maximum allowed size")
    assert get(dynamodb, t_s, key_s(key))["Item"] == exact

    # Attribute names count too, and multi-byte characters count by UTF-8 bytes.
    names = {"p": {"S": key}, "\u00e9" * 100: {"S": "z" * (ITEM_LIMIT - len("p") - len(key) - 200)}}
    dynamodb.put_item(TableName=t_s, Item=names)
    names["\u00e9" * 100] = {"S": "z" * (ITEM_LIMIT - len("p") - len(key) - 200) + "\u00e9"}
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_s, Item=names)
    assert_client_error(err, "ValidationException", "Item size has exceeded the maximum allowed size")

    # Many attributes and a binary: the same arithmetic.
    parts = {f"a{i:03d}": {"B": b"\x00" * 1000} for i in range(400)}  # 400 * (4 + 1000)
    rest = ITEM_LIMIT - 400 * 1004 - len("p") - len(key) - len("r")
    dynamodb.put_item(TableName=t_s, Item={"p": {"S": key}, **parts, "r": {"S": "r" * rest}})
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_s, Item={"p": {"S": key}, **parts, "r": {"S": "r" * (rest + 1)}})
    assert_client_error(err, "ValidationException", "Item size has exceeded the maximum allowed size")


HASH_TOO_LONG = ("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size "
                 "limit of2048 bytes")
RANGE_TOO_LONG = ("One or more parameter values were invalid: Aggregated size of all range keys has exceeded "
                  "the size limit of 1024 bytes")


@pytest.mark.strata_only("DynamoDB Local 1.13 limits partition keys to 1024 bytes, AWS DynamoDB to 2048")
def test_partition_key_size_limit(dynamodb, t_s, t_b):
    for table, good, bad in (
            (t_s, {"S": "k" * 2048}, {"S": "k" * 2049}),
            (t_s, {"S": "\u00e9" * 1024}, {"S": "\u00e9" * 1024 + "k"}),
            (t_b, {"B": b"\x01" * 2048}, {"B": b"\x01" * 2049})):
        dynamodb.put_item(TableName=table, Item={"p": good, "v": {"S": "ok"}})
        assert get(dynamodb, table, {"p": good})["Item"] == {"p": good, "v": {"S": "ok"}}
        dynamodb.delete_item(TableName=table, Key={"p": good})
        with pytest.raises(ClientError) as err:
            dynamodb.put_item(TableName=table, Item={"p": bad})
        assert_client_error(err, "ValidationException", HASH_TOO_LONG)
        with pytest.raises(ClientError) as err:
            dynamodb.get_item(TableName=table, Key={"p": bad})
        assert_client_error(err, "ValidationException", HASH_TOO_LONG)


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_sort_key_size_limit(dynamodb, t_sc):
    p = {"S": "p" * 2048}
    for good, bad in (("c" * 1024, "c" * 1025), ("\u20ac" * 341 + "c", "\u20ac" * 342)):  # 1024 vs 1026 bytes
        dynamodb.put_item(TableName=t_sc, Item={"p": p, "c": {"S": good}})
        assert "Item" in get(dynamodb, t_sc, {"p": p, "c": {"S": good}})
        with pytest.raises(ClientError) as err:
            dynamodb.put_item(TableName=t_sc, Item={"p": p, "c": {"S": bad}})
        assert_client_error(err, "ValidationException", RANGE_TOO_LONG)
        with pytest.raises(ClientError) as err:
            dynamodb.get_item(TableName=t_sc, Key={"p": p, "c": {"S": bad}})
        assert_client_error(err, "ValidationException", RANGE_TOO_LONG)


# ---------------------------------------------------------------------------
# Sets
# ---------------------------------------------------------------------------

@pytest.mark.strata_only(DDBL_MESSAGES)
@pytest.mark.parametrize("value,message", [
    ({"SS": []}, "One or more parameter values were invalid: An string set  may not be empty"),
    ({"NS": []}, "One or more parameter values were invalid: An number set  may not be empty"),
    ({"BS": []}, "One or more parameter values were invalid: Binary sets should not be empty"),
])
def test_empty_sets_are_rejected(dynamodb, t_s, value, message):
    for item in ({"p": {"S": "emptyset"}, "s": value},
                 {"p": {"S": "emptyset"}, "m": {"M": {"inner": value}}},
                 {"p": {"S": "emptyset"}, "l": {"L": [{"S": "x"}, value]}}):
        with pytest.raises(ClientError) as err:
            dynamodb.put_item(TableName=t_s, Item=item)
        assert_client_error(err, "ValidationException", message)
    assert "Item" not in get(dynamodb, t_s, key_s("emptyset"))


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_duplicates_in_sets_are_rejected(dynamodb, t_s):
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_s, Item={"p": {"S": "dupset"}, "s": {"SS": ["a", "b", "a"]}})
    assert_client_error(err, "ValidationException",
                        "One or more parameter values were invalid: Input collection [a, b, a] contains duplicates.")
    for value in ({"NS": ["1", "2", "1"]}, {"NS": ["1", "1.0"]}, {"NS": ["100", "1e2"]},
                  {"BS": [b"x", b"y", b"x"]}, {"SS": ["\x00", "\x00"]}):
        with pytest.raises(ClientError) as err:
            dynamodb.put_item(TableName=t_s, Item={"p": {"S": "dupset"}, "m": {"M": {"s": value}}})
        assert_client_error(err, "ValidationException", contains="contains duplicates")
    assert "Item" not in get(dynamodb, t_s, key_s("dupset"))
    # Distinct members that merely look alike are fine.
    dynamodb.put_item(TableName=t_s, Item={"p": {"S": "dupset"}, "s": {"SS": ["a", "A", "a "]},
                                           "n": {"NS": ["1", "-1", "0.1"]}, "b": {"BS": [b"x", b"x\x00"]}})
    got = get(dynamodb, t_s, key_s("dupset"))["Item"]
    assert sorted(got["s"]["SS"]) == ["A", "a", "a "]
    assert sorted(got["b"]["BS"]) == [b"x", b"x\x00"]


# ---------------------------------------------------------------------------
# Malformed attribute values (sent as raw JSON: boto3 refuses to send them)
# ---------------------------------------------------------------------------

def put_raw(strata, table, attribute_json):
    body = '{"TableName": "%s", "Item": {"p": {"S": "raw"}, "a": %s}}' % (table, attribute_json)
    return raw_request(strata.url, "PutItem", body)


@pytest.mark.parametrize("attribute,message", [
    ("{}", "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
    ('{"S": "x", "N": "1"}',
     "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"),
    ('{"M": {"x": {"S": "a", "BOOL": true}}}',
     "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"),
    ('{"dog": "cat"}', "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
    ('{"NULL": false}', "One or more parameter values were invalid: Null attribute value types must have the value of true"),
])
def test_malformed_attribute_values(strata, dynamodb, t_s, attribute, message):
    response = put_raw(strata, t_s, attribute)
    assert response.status == 400, response
    assert response.json() == {"__type": "com.amazon.coral.validate#ValidationException", "message": message}
    assert "Item" not in get(dynamodb, t_s, key_s("raw"))


@pytest.mark.strata_only(DDBL_500)
@pytest.mark.parametrize("attribute", [
    '{"B": "YWJjZGVmZ2g"}',      # length not a multiple of 4
    '{"B": "YWJj??!!"}',         # not base64 at all
    '{"BS": ["YQ==", "Y"]}',
    '{"S": 5}',                  # a JSON number where a string belongs
    '{"N": 5}',
    '{"BOOL": "true"}',
    '{"SS": "a"}',
    '{"L": {"x": {"S": "y"}}}',
    '{"M": [{"S": "y"}]}',
    '"just a string"',
])
def test_wrongly_typed_attribute_values(strata, dynamodb, t_s, attribute):
    response = put_raw(strata, t_s, attribute)
    assert response.status == 400, response
    assert response.error_type == "com.amazon.coral.service#SerializationException", response
    assert "Item" not in get(dynamodb, t_s, key_s("raw"))


def test_nesting_limit(dynamodb, t_s):
    def nested(levels, leaf):
        value = leaf
        for i in range(levels):
            value = {"M": {"m": value}} if i % 2 else {"L": [value]}
        return value
    # The item is level 1 and every map or list adds one; 32 levels are allowed.
    deepest = {"p": {"S": "deep"}, "a": nested(31, {"S": "bottom"})}
    dynamodb.put_item(TableName=t_s, Item=deepest)
    assert get(dynamodb, t_s, key_s("deep"))["Item"] == deepest
    with pytest.raises(ClientError) as err:
        dynamodb.put_item(TableName=t_s, Item={"p": {"S": "deep"}, "a": nested(32, {"S": "bottom"})})
    assert_client_error(err, "ValidationException", contains="Nesting Levels have exceeded supported limits")
    assert get(dynamodb, t_s, key_s("deep"))["Item"] == deepest


def test_empty_attribute_name(strata, dynamodb, t_s):
    response = raw_request(strata.url, "PutItem",
                           {"TableName": t_s, "Item": {"p": {"S": "noname"}, "": {"S": "x"}}})
    assert response.status == 400, response
    assert response.error_type == "com.amazon.coral.validate#ValidationException"
    assert "Item" not in get(dynamodb, t_s, key_s("noname"))


def test_binary_is_base64_on_the_wire(strata, t_b):
    raw_key = bytes([0, 1, 2, 253, 254, 255])
    encoded = base64.b64encode(raw_key).decode()
    response = raw_request(strata.url, "PutItem", {"TableName": t_b, "Item": {"p": {"B": encoded}}})
    assert response.status == 200, response
    response = raw_request(strata.url, "GetItem", {"TableName": t_b, "Key": {"p": {"B": encoded}}})
    assert response.json() == {"Item": {"p": {"B": encoded}}}
