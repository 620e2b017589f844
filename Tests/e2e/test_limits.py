"""Integer members of requests (issue 12).

Integer members (Scan and Query `Limit`, `Segment`, `TotalSegments`,
ListTables' `Limit`, ProvisionedThroughput's units) are sent as raw JSON,
since boto3 checks them before sending: a value that is no integer of the
member's Java type (Integer: 32 bits; Long: 64) is a SerializationException,
an integer outside the member's range a ValidationException naming it.
"""

from __future__ import annotations

import pytest

from helpers import DDBL_500, DDBL_MESSAGES, raw_request, unique_name

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
    assert_error(response, VALIDATION, constraint(0, "limit", "greater than or equal to 1"))
