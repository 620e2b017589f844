"""Integer members of requests and DynamoDB's limits at their boundaries
(issue 12).

Integer members (Scan and Query `Limit`, `Segment`, `TotalSegments`,
ListTables' `Limit`, ProvisionedThroughput's units) are sent as raw JSON,
since boto3 checks them before sending: a value that is no integer of the
member's Java type (Integer: 32 bits; Long: 64) is a SerializationException,
an integer outside the member's range a ValidationException naming it.

Each limit is tried at exactly its value (accepted) and one past it
(refused, with DynamoDB's message); the item, key, number and nesting
limits of PutItem are in test_items.py, the batch and transaction counts
in test_batch.py and test_transactions.py, the 16 MiB body in test_http.py.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from helpers import DDBL_500, DDBL_MESSAGES, assert_client_error, raw_request, unique_name

SERIALIZATION = "com.amazon.coral.service#SerializationException"
VALIDATION = "com.amazon.coral.validate#ValidationException"


def constraint(value, member, text):
    return (f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
            f"Member must have value {text}")


def assert_error(response, type_name, message):
    assert response.status == 400, response
    assert response.json() == {"__type": type_name, "message": message}


# ---------------------------------------------------------------------------
# Integer members
# ---------------------------------------------------------------------------

NOT_INTEGERS = [
    ("1e400", "DECIMAL_VALUE"),
    ("-1e400", "DECIMAL_VALUE"),
    ("2.5", "DECIMAL_VALUE"),
    ("1.0", "DECIMAL_VALUE"),
    ("1e2", "DECIMAL_VALUE"),
    ("2147483648", "NUMBER_VALUE"),
    ("9223372036854775808", "NUMBER_VALUE"),
    ("-9223372036854775809", "NUMBER_VALUE"),
    ("1" + "0" * 400, "NUMBER_VALUE"),
    ('"10"', "STRING_VALUE"),
    ("true", "TRUE_VALUE"),
]


@pytest.mark.strata_only(DDBL_500)
@pytest.mark.parametrize("value,token", NOT_INTEGERS, ids=[value[:24] for value, _ in NOT_INTEGERS])
def test_integer_members_must_be_integers(strata, t_s, value, token):
    message = f"{token} cannot be converted to Integer"
    bodies = [
        ("Scan", '{"TableName": "%s", "Limit": %s}' % (t_s, value)),
        ("Query", '{"TableName": "%s", "Limit": %s, "KeyConditionExpression": "p = :p", '
                  '"ExpressionAttributeValues": {":p": {"S": "x"}}}' % (t_s, value)),
        ("ListTables", '{"Limit": %s}' % value),
        ("Scan", '{"TableName": "%s", "Segment": %s, "TotalSegments": 4}' % (t_s, value)),
        ("Scan", '{"TableName": "%s", "Segment": 0, "TotalSegments": %s}' % (t_s, value)),
    ]
    for operation, body in bodies:
        assert_error(raw_request(strata.url, operation, body), SERIALIZATION, message)


@pytest.mark.strata_only(DDBL_500)
def test_capacity_units_must_be_longs(strata):
    def create(read, write):
        return ('{"TableName": "%s", "KeySchema": [{"AttributeName": "p", "KeyType": "HASH"}], '
                '"AttributeDefinitions": [{"AttributeName": "p", "AttributeType": "S"}], '
                '"ProvisionedThroughput": {"ReadCapacityUnits": %s, "WriteCapacityUnits": %s}}'
                % (unique_name("units"), read, write))
    for read, write, message in [
            ("9223372036854775808", "1", "NUMBER_VALUE cannot be converted to Long"),
            ("1", "1e400", "DECIMAL_VALUE cannot be converted to Long"),
            ("1.5", "1", "DECIMAL_VALUE cannot be converted to Long"),
            ('"5"', "1", "STRING_VALUE cannot be converted to Long")]:
        assert_error(raw_request(strata.url, "CreateTable", create(read, write)), SERIALIZATION, message)


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_capacity_units_range(strata, dynamodb):
    def create(name, read, write):
        return ('{"TableName": "%s", "KeySchema": [{"AttributeName": "p", "KeyType": "HASH"}], '
                '"AttributeDefinitions": [{"AttributeName": "p", "AttributeType": "S"}], '
                '"ProvisionedThroughput": {"ReadCapacityUnits": %s, "WriteCapacityUnits": %s}}' % (name, read, write))
    name = unique_name("units")
    assert_error(raw_request(strata.url, "CreateTable", create(name, "0", "1")), VALIDATION,
                 constraint(0, "provisionedThroughput.readCapacityUnits", "greater than or equal to 1"))
    assert_error(raw_request(strata.url, "CreateTable", create(name, "1", "1000000000001")), VALIDATION,
                 "Given value 1000000000001 for WriteCapacityUnits is out of bounds")
    assert_error(raw_request(strata.url, "CreateTable", create(name, "9223372036854775807", "1")), VALIDATION,
                 "Given value 9223372036854775807 for ReadCapacityUnits is out of bounds")
    response = raw_request(strata.url, "CreateTable", create(name, "1", "1000000000000"))
    try:
        assert response.status == 200, response
        throughput = response.json()["TableDescription"]["ProvisionedThroughput"]
        assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (1, 1_000_000_000_000)
    finally:
        dynamodb.delete_table(TableName=name)


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_read_integers_at_the_edges_of_their_ranges(strata, t_s):
    def scan(extra):
        return raw_request(strata.url, "Scan", '{"TableName": "%s", %s}' % (t_s, extra))
    for extra in ('"Limit": 1', '"Limit": 2147483647', '"Segment": 0, "TotalSegments": 1',
                  '"Segment": 999999, "TotalSegments": 1000000'):
        response = scan(extra)
        assert response.status == 200, (extra, response)
    for extra, value, member, text in [
            ('"Limit": 0', 0, "limit", "greater than or equal to 1"),
            ('"Limit": -2147483648', -2147483648, "limit", "greater than or equal to 1"),
            ('"Segment": -1, "TotalSegments": 2', -1, "segment", "greater than or equal to 0"),
            ('"Segment": 1000000, "TotalSegments": 1000000', 1000000, "segment", "less than or equal to 999999"),
            ('"Segment": 0, "TotalSegments": 0', 0, "totalSegments", "greater than or equal to 1"),
            ('"Segment": 0, "TotalSegments": 1000001', 1000001, "totalSegments", "less than or equal to 1000000")]:
        assert_error(scan(extra), VALIDATION, constraint(value, member, text))
    response = raw_request(strata.url, "Query", '{"TableName": "%s", "Limit": 0, "KeyConditionExpression": "p = :p", '
                                                '"ExpressionAttributeValues": {":p": {"S": "x"}}}' % t_s)
    # Query's message has no value and a capital L (nubo-db/dynamodb-conformance, checked against AWS in 2026).
    assert_error(response, VALIDATION, "1 validation error detected: Value at 'Limit' failed to satisfy constraint: "
                                       "Member must have value greater than or equal to 1")


# ---------------------------------------------------------------------------
# Limits at their boundaries
# ---------------------------------------------------------------------------

def get(dynamodb, table, key):
    return dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_attribute_names_up_to_65535_bytes(dynamodb, t_s):
    key = {"p": {"S": unique_name("names")}}
    for name in ("n" * 65535, "\u20ac" * 21845):  # 65535 bytes of UTF-8 either way
        dynamodb.put_item(TableName=t_s, Item={**key, name: {"S": "v"}})
        assert name in get(dynamodb, t_s, key)
    for name in ("n" * 65536, "\u20ac" * 21845 + "n"):
        with pytest.raises(ClientError) as err:
            dynamodb.put_item(TableName=t_s, Item={**key, name: {"S": "v"}})
        assert_client_error(err, "ValidationException",
                            "1 validation error detected: Attribute name is too large, must be less than 65536 bytes")


def test_update_may_grow_an_item_to_exactly_400_kb(dynamodb, t_s):
    value = unique_name("grow")
    key = {"p": {"S": value}}
    dynamodb.put_item(TableName=t_s, Item={**key, "a": {"S": "x" * 300_000}})
    # What is left for "b" and its value: 400 KB less p, the key, a and its value.
    room = 400 * 1024 - (1 + len(value)) - (1 + 300_000) - 1

    def set_b(length):
        dynamodb.update_item(TableName=t_s, Key=key, UpdateExpression="SET b = :b",
                             ExpressionAttributeValues={":b": {"S": "y" * length}})
    with pytest.raises(ClientError) as err:
        set_b(room + 1)
    assert_client_error(err, "ValidationException", "Item size to update has exceeded the maximum allowed size")
    assert "b" not in get(dynamodb, t_s, key)
    set_b(room)
    assert get(dynamodb, t_s, key)["b"] == {"S": "y" * room}


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_expressions_up_to_4_kb(dynamodb, t_s):
    key = {"p": {"S": unique_name("expr")}}
    dynamodb.put_item(TableName=t_s, Item={**key, "a": {"N": "1"}})

    def update(expression, condition, value):
        dynamodb.update_item(TableName=t_s, Key=key, UpdateExpression=expression, ConditionExpression=condition,
                             ExpressionAttributeValues={":v": {"N": value}, ":one": {"N": "1"}})
    # Padded with spaces to exactly 4096 bytes, then one more.
    condition = "a = :one" + " " * (4096 - 8)
    expression = "SET b = :v" + " " * (4096 - 10)
    update(expression, condition, "2")
    assert get(dynamodb, t_s, key)["b"] == {"N": "2"}
    for expression, condition, parameter in ((expression, condition + " ", "ConditionExpression"),
                                             (expression + " ", condition, "UpdateExpression")):
        with pytest.raises(ClientError) as err:
            update(expression, condition, "3")
        assert_client_error(err, "ValidationException", f"Invalid {parameter}: Expression size has exceeded the "
                                                        f"maximum allowed size; expression size: 4097")
    assert get(dynamodb, t_s, key)["b"] == {"N": "2"}


def nested(levels, leaf):
    value = leaf
    for i in range(levels):
        value = {"M": {"m": value}} if i % 2 else {"L": [value]}
    return value


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_nesting_limit_applies_to_expression_values(dynamodb, t_s):
    key = {"p": {"S": unique_name("deepvalue")}}
    # As in an item: 31 maps and lists around a value are allowed, 32 are not.
    dynamodb.update_item(TableName=t_s, Key=key, UpdateExpression="SET a = :v",
                         ExpressionAttributeValues={":v": nested(31, {"S": "bottom"})})
    assert get(dynamodb, t_s, key)["a"] == nested(31, {"S": "bottom"})
    with pytest.raises(ClientError) as err:
        dynamodb.update_item(TableName=t_s, Key=key, UpdateExpression="SET a = :v",
                             ExpressionAttributeValues={":v": nested(32, {"S": "bottom"})})
    assert_client_error(err, "ValidationException", contains="Nesting Levels have exceeded supported limits")
    assert get(dynamodb, t_s, key)["a"] == nested(31, {"S": "bottom"})


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_document_paths_up_to_32_levels(dynamodb, t_s):
    key = {"p": {"S": unique_name("deeppath")}}
    dynamodb.put_item(TableName=t_s, Item={**key, "a": nested(31, {"S": "bottom"})})
    # The deepest value of that item is 32 elements away: a[0].m[0].m...
    elements = ["a"] + ["[0]" if i % 2 == 0 else ".m" for i in range(31)]
    path = "".join(elements)
    assert dynamodb.get_item(TableName=t_s, Key=key, ProjectionExpression=path)["Item"]["a"] == nested(31, {"S": "bottom"})
    with pytest.raises(ClientError) as err:
        dynamodb.get_item(TableName=t_s, Key=key, ProjectionExpression=path + ".m")
    assert_client_error(err, "ValidationException", "Invalid ProjectionExpression: The document path has too many "
                                                    "nesting levels; nesting levels: 33")
