"""Query and Scan: key conditions on S, N and B sort keys in DynamoDB's order,
ScanIndexForward, Limit and LastEvaluatedKey paging, filters applied after
Limit (Count vs ScannedCount), Select, projections, the 1 MB page limit,
parallel scan segments, the legacy KeyConditions / QueryFilter / ScanFilter,
and the AWS CLI's query and scan (which follow LastEvaluatedKey themselves)."""

from __future__ import annotations

import json
import threading
from collections import Counter
from decimal import Context, Decimal

import pytest
from botocore.exceptions import ClientError

from helpers import DDBL_MESSAGES, assert_client_error, create_hash_table, join_all, make_client, unique_name

MAX_PAGES = 10_000  # every paging loop is bounded


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------

NUMBERS = ["-1e10", "-100", "-10.5", "-10", "-1", "-0.5", "-0.001", "0", "0.001", "0.5", "1", "1.5",
           "2", "9", "10", "10.5", "11", "100", "1000", "1e10", "12345678901234567890123456789012345678",
           "-12345678901234567890123456789012345678", "1e-130", "-1e-130", "9.99e125", "-9.99e125"]
NUMBERS_SORTED = sorted(NUMBERS, key=Decimal)

STRINGS = ["A", "AB", "Z", "a", "aa", "ab", "abc", "b", "0", "9", " ", "a b", "\u00e9", "\u00e9t\u00e9",
           "\u20ac", "\ufffd", "\U0001d11e", "\U0001d11e\U0001d11e", "z", "~", "a\x00", "a\x01"]
STRINGS_SORTED = sorted(STRINGS, key=lambda s: s.encode("utf-8"))  # DynamoDB orders S by UTF-8 bytes

BINARIES = [b"\x00", b"\x00\x00", b"\x00\x01", b"\x01", b"\x7f", b"\x80", b"\x80\x00", b"\xfe", b"\xff",
            b"\xff\x00", b"\xff\xff", b"a", b"ab", b"abc", b"b"]
BINARIES_SORTED = sorted(BINARIES)  # unsigned bytes


def normal_number(text):
    """DynamoDB's canonical spelling of a number (as it sends it back)."""
    value = Decimal(text).normalize(Context(prec=60))
    sign, digits, exponent = value.as_tuple()
    if exponent >= 0:
        body = "".join(map(str, digits)) + "0" * exponent
    else:
        digits_text = "".join(map(str, digits)).rjust(-exponent + 1, "0")
        body = digits_text[:exponent] + "." + digits_text[exponent:]
    return ("-" if sign and body != "0" else "") + body


def page_through(call, params, *, limit=None, max_pages=MAX_PAGES):
    """Follows LastEvaluatedKey; returns (items, pages). Each page is a response."""
    params = dict(params)
    if limit is not None:
        params["Limit"] = limit
    items, pages = [], []
    for _ in range(max_pages):
        response = call(**params)
        pages.append(response)
        items.extend(response.get("Items", []))
        if limit is not None:
            assert response["ScannedCount"] <= limit
        if "LastEvaluatedKey" not in response:
            return items, pages
        params["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    raise AssertionError(f"more than {max_pages} pages")


@pytest.fixture(scope="module")
def sorted_tables(dynamodb, module_tables):
    """Three tables (sort key N, S, B), each with one partition 'q' holding
    every test value and neighbouring partitions that must never leak in."""
    tables = {
        "N": module_tables(hash_key=("p", "S"), range_key=("c", "N")),
        "S": module_tables(hash_key=("p", "S"), range_key=("c", "S")),
        "B": module_tables(hash_key=("p", "S"), range_key=("c", "B")),
    }
    for kind, values in (("N", NUMBERS), ("S", STRINGS), ("B", BINARIES)):
        for i, value in enumerate(values):
            dynamodb.put_item(TableName=tables[kind], Item={
                "p": {"S": "q"}, "c": {kind: value}, "i": {"N": str(i)}, "even": {"BOOL": i % 2 == 0}})
        for neighbour in ("p", "qq", "r", "Q"):
            dynamodb.put_item(TableName=tables[kind], Item={"p": {"S": neighbour}, "c": {kind: values[0]},
                                                            "i": {"N": "-1"}})
    return tables


def query_values(dynamodb, table, kind, condition=None, values=None, **extra):
    expression = "p = :p" + (f" AND {condition}" if condition else "")
    attribute_values = {":p": {"S": "q"}, **(values or {})}
    items, _ = page_through(dynamodb.query, dict(TableName=table, KeyConditionExpression=expression,
                                                 ExpressionAttributeValues=attribute_values, **extra))
    assert all(item["p"] == {"S": "q"} for item in items)
    return [item["c"][kind] for item in items]


# ---------------------------------------------------------------------------
# Key conditions and order
# ---------------------------------------------------------------------------

def test_query_returns_a_partition_in_sort_key_order(dynamodb, sorted_tables):
    expected = {"N": [normal_number(n) for n in NUMBERS_SORTED], "S": STRINGS_SORTED, "B": BINARIES_SORTED}
    for kind, table in sorted_tables.items():
        assert query_values(dynamodb, table, kind) == expected[kind], kind
        backwards = query_values(dynamodb, table, kind, ScanIndexForward=False)
        assert backwards == expected[kind][::-1], kind


OPERATORS = {
    "=": lambda x, a, b: x == a,
    "<": lambda x, a, b: x < a,
    "<=": lambda x, a, b: x <= a,
    ">": lambda x, a, b: x > a,
    ">=": lambda x, a, b: x >= a,
    "BETWEEN": lambda x, a, b: a <= x <= b,
}


def condition_text(op):
    return "c BETWEEN :a AND :b" if op == "BETWEEN" else f"c {op} :a"


@pytest.mark.parametrize("op", list(OPERATORS))
def test_number_sort_key_conditions(dynamodb, sorted_tables, op):
    for a, b in [("-10", "10"), ("-0.5", "0.001"), ("0", "1e10"), ("10.5", "10.5"), ("1.25", "1.75"),
                 ("-1e-130", "1e-130"), ("-1e100", "-2")]:
        values = {":a": {"N": a}} | ({":b": {"N": b}} if op == "BETWEEN" else {})
        expected = [normal_number(n) for n in NUMBERS_SORTED if OPERATORS[op](Decimal(n), Decimal(a), Decimal(b))]
        got = query_values(dynamodb, sorted_tables["N"], "N", condition_text(op), values)
        assert got == expected, (op, a, b)
        backwards = query_values(dynamodb, sorted_tables["N"], "N", condition_text(op), values,
                                 ScanIndexForward=False)
        assert backwards == expected[::-1], (op, a, b)


@pytest.mark.parametrize("op", list(OPERATORS) + ["begins_with"])
def test_string_sort_key_conditions(dynamodb, sorted_tables, op):
    for a, b in [("a", "b"), ("A", "z"), ("\u00e9", "\U0001d11e"), ("a\x00", "ab"), ("\ufffd", "\ufffd"),
                 ("\U0001d11e", "\U0001d11e\U0001d11e")]:
        if op == "begins_with":
            condition, values = "begins_with(c, :a)", {":a": {"S": a}}
            expected = [s for s in STRINGS_SORTED if s.startswith(a)]
        else:
            condition = condition_text(op)
            values = {":a": {"S": a}} | ({":b": {"S": b}} if op == "BETWEEN" else {})
            expected = [s for s in STRINGS_SORTED
                        if OPERATORS[op](s.encode(), a.encode(), b.encode())]
        assert query_values(dynamodb, sorted_tables["S"], "S", condition, values) == expected, (op, a, b)


@pytest.mark.parametrize("op", list(OPERATORS) + ["begins_with"])
def test_binary_sort_key_conditions(dynamodb, sorted_tables, op):
    for a, b in [(b"\x00", b"\x01"), (b"\x7f", b"\xff"), (b"a", b"abc"), (b"\xff", b"\xff\xff")]:
        if op == "begins_with":
            condition, values = "begins_with(c, :a)", {":a": {"B": a}}
            expected = [x for x in BINARIES_SORTED if x.startswith(a)]
        else:
            condition = condition_text(op)
            values = {":a": {"B": a}} | ({":b": {"B": b}} if op == "BETWEEN" else {})
            expected = [x for x in BINARIES_SORTED if OPERATORS[op](x, a, b)]
        assert query_values(dynamodb, sorted_tables["B"], "B", condition, values) == expected, (op, a, b)


def test_key_condition_with_names_and_reversed_operands(dynamodb, sorted_tables):
    got = query_values(dynamodb, sorted_tables["N"], "N", "#c > :a", {":a": {"N": "1000"}},
                       ExpressionAttributeNames={"#c": "c"})
    assert got == [normal_number(n) for n in NUMBERS_SORTED if Decimal(n) > 1000]
    assert got[-1] == "999" + "0" * 123
    # `:a < c` means c > :a.
    assert query_values(dynamodb, sorted_tables["N"], "N", ":a < c", {":a": {"N": "1000"}}) == got


def test_legacy_key_conditions_and_query_filter(dynamodb, sorted_tables):
    table = sorted_tables["S"]
    response = dynamodb.query(TableName=table, KeyConditions={
        "p": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "q"}]},
        "c": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "a"}]},
    })
    expected = [s for s in STRINGS_SORTED if s.startswith("a")]
    assert [item["c"]["S"] for item in response["Items"]] == expected
    response = dynamodb.query(TableName=table, KeyConditions={
        "p": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "q"}]},
        "c": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"S": "A"}, {"S": "b"}]},
    }, QueryFilter={"even": {"ComparisonOperator": "EQ", "AttributeValueList": [{"BOOL": True}]}})
    in_range = [s for s in STRINGS_SORTED if b"A" <= s.encode() <= b"b"]
    assert [item["c"]["S"] for item in response["Items"]] == [
        s for s in in_range if STRINGS.index(s) % 2 == 0]
    assert response["ScannedCount"] == len(in_range)
    assert response["Count"] == len(response["Items"])
    with pytest.raises(ClientError) as err:
        dynamodb.query(TableName=table, KeyConditionExpression="p = :p", ExpressionAttributeValues={":p": {"S": "q"}},
                       KeyConditions={"p": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "q"}]}})
    assert_client_error(err, "ValidationException", contains="Can not use both expression and non-expression")


def test_query_on_a_missing_partition_is_empty(dynamodb, sorted_tables):
    response = dynamodb.query(TableName=sorted_tables["N"], KeyConditionExpression="p = :p",
                              ExpressionAttributeValues={":p": {"S": unique_name("nothing")}})
    assert response["Items"] == [] and response["Count"] == 0 and response["ScannedCount"] == 0
    assert "LastEvaluatedKey" not in response


@pytest.mark.strata_only(DDBL_MESSAGES)
@pytest.mark.parametrize("expression,values,message", [
    ("c = :c", {":c": {"N": "1"}}, "Query condition missed key schema element: p"),
    ("p < :p", {":p": {"S": "q"}}, "Query key condition not supported"),
    ("p = :p AND begins_with(c, :c)", {":p": {"S": "q"}, ":c": {"N": "1"}},
     "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
     "operator or function: begins_with, operand type: N"),
    ("p = :p AND c = :c", {":p": {"S": "q"}, ":c": {"S": "1"}},
     "One or more parameter values were invalid: Condition parameter type does not match schema type"),
    ("p = :p AND i = :c", {":p": {"S": "q"}, ":c": {"N": "1"}}, "Query condition missed key schema element: c"),
    ("p = :p OR c = :c", {":p": {"S": "q"}, ":c": {"N": "1"}}, "Invalid operator used in KeyConditionExpression: OR"),
    ("p = :p AND c > :c AND c < :c", {":p": {"S": "q"}, ":c": {"N": "1"}},
     "KeyConditionExpressions must only contain one condition per key"),
    ("p = :p", {":p": {"S": "q"}, ":unused": {"N": "1"}},
     "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"),
    ("p = :p AND c BETWEEN :a AND :b", {":p": {"S": "q"}, ":a": {"N": "10"}, ":b": {"N": "-10"}},
     "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal "
     "to lower bound; lower bound operand: AttributeValue: {N:10}, upper bound operand: AttributeValue: {N:-10}"),
])
def test_invalid_key_conditions(dynamodb, sorted_tables, expression, values, message):
    with pytest.raises(ClientError) as err:
        dynamodb.query(TableName=sorted_tables["N"], KeyConditionExpression=expression,
                       ExpressionAttributeValues=values)
    assert_client_error(err, "ValidationException", message)


def test_filter_on_key_attributes_is_refused(dynamodb, sorted_tables):
    with pytest.raises(ClientError) as err:
        dynamodb.query(TableName=sorted_tables["N"], KeyConditionExpression="p = :p", FilterExpression="c > :c",
                       ExpressionAttributeValues={":p": {"S": "q"}, ":c": {"N": "1"}})
    assert_client_error(err, "ValidationException",
                        "Filter Expression can only contain non-primary key attributes: "
                        "Primary key attribute: c")


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_exclusive_start_key_validation(dynamodb, sorted_tables):
    base = dict(TableName=sorted_tables["N"], KeyConditionExpression="p = :p",
                ExpressionAttributeValues={":p": {"S": "q"}})
    for start, message in [({"p": {"S": "q"}}, "The provided starting key is invalid"),
                           ({"p": {"S": "q"}, "c": {"N": "1"}, "x": {"N": "1"}}, "The provided starting key is invalid"),
                           ({"p": {"S": "q"}, "c": {"S": "1"}}, "The provided key element does not match the schema")]:
        with pytest.raises(ClientError) as err:
            dynamodb.query(**base, ExclusiveStartKey=start)
        assert_client_error(err, "ValidationException", contains=message)
    with pytest.raises(ClientError) as err:
        dynamodb.query(**base, ExclusiveStartKey={"p": {"S": "other"}, "c": {"N": "1"}})
    assert_client_error(err, "ValidationException",
                        "The provided starting key is outside query boundaries based on provided conditions")
    # A start key that is not an existing item is fine: the page starts after it.
    response = dynamodb.query(**base, ExclusiveStartKey={"p": {"S": "q"}, "c": {"N": "10.25"}})
    assert [item["c"]["N"] for item in response["Items"]] == [
        normal_number(n) for n in NUMBERS_SORTED if Decimal(n) > Decimal("10.25")]


# ---------------------------------------------------------------------------
# Paging, filters, Select, projections
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("forward", [True, False], ids=["forward", "backward"])
def test_query_paging_returns_every_item_exactly_once(dynamodb, sorted_tables, forward):
    table = sorted_tables["N"]
    expected = [normal_number(n) for n in NUMBERS_SORTED]
    if not forward:
        expected.reverse()
    params = dict(TableName=table, KeyConditionExpression="p = :p", ExpressionAttributeValues={":p": {"S": "q"}},
                  ScanIndexForward=forward)
    for limit in (1, 2, 3, 7, len(NUMBERS) - 1, len(NUMBERS), len(NUMBERS) + 5):
        items, pages = page_through(dynamodb.query, params, limit=limit)
        assert [item["c"]["N"] for item in items] == expected, limit
        full_pages = len(NUMBERS) // limit
        assert all(len(page["Items"]) == limit for page in pages[:full_pages]), limit
        assert len(pages) in (full_pages, full_pages + 1), limit
        # LastEvaluatedKey is the key of the last item returned.
        for page in pages:
            if "LastEvaluatedKey" in page:
                last = page["Items"][-1]
                assert page["LastEvaluatedKey"] == {"p": last["p"], "c": last["c"]}
    # Paging inside a key range.
    params["KeyConditionExpression"] = "p = :p AND c BETWEEN :a AND :b"
    params["ExpressionAttributeValues"] = {":p": {"S": "q"}, ":a": {"N": "-10"}, ":b": {"N": "10"}}
    items, _ = page_through(dynamodb.query, params, limit=4)
    in_range = [n for n in expected if Decimal(-10) <= Decimal(n) <= Decimal(10)]
    assert [item["c"]["N"] for item in items] == in_range


def test_query_filter_applies_after_limit(dynamodb, sorted_tables):
    table = sorted_tables["N"]
    by_index = {normal_number(n): i for i, n in enumerate(NUMBERS)}
    params = dict(TableName=table, KeyConditionExpression="p = :p", FilterExpression="even = :t",
                  ExpressionAttributeValues={":p": {"S": "q"}, ":t": {"BOOL": True}})
    first = dynamodb.query(**params, Limit=5)
    assert first["ScannedCount"] == 5
    expected_first = [n for n in (normal_number(x) for x in NUMBERS_SORTED[:5]) if by_index[n] % 2 == 0]
    assert [item["c"]["N"] for item in first["Items"]] == expected_first
    assert first["Count"] == len(expected_first) < 5
    assert first["LastEvaluatedKey"]["c"] == {"N": normal_number(NUMBERS_SORTED[4])}
    items, pages = page_through(dynamodb.query, params, limit=5)
    assert [item["c"]["N"] for item in items] == [
        normal_number(n) for n in NUMBERS_SORTED if NUMBERS.index(n) % 2 == 0]
    assert sum(page["ScannedCount"] for page in pages) == len(NUMBERS)
    assert sum(page["Count"] for page in pages) == len(items)
    # A filter that matches nothing still pages through everything.
    params["ExpressionAttributeValues"][":t"] = {"S": "never"}
    items, pages = page_through(dynamodb.query, params, limit=10)
    assert items == [] and sum(page["ScannedCount"] for page in pages) == len(NUMBERS)


def test_query_select(dynamodb, sorted_tables):
    table = sorted_tables["N"]
    base = dict(TableName=table, KeyConditionExpression="p = :p AND c >= :zero",
                ExpressionAttributeValues={":p": {"S": "q"}, ":zero": {"N": "0"}})
    non_negative = [n for n in NUMBERS_SORTED if Decimal(n) >= 0]
    response = dynamodb.query(**base, Select="COUNT")
    assert "Items" not in response
    assert response["Count"] == response["ScannedCount"] == len(non_negative)
    filtered = dict(base, FilterExpression="even = :t",
                    ExpressionAttributeValues={**base["ExpressionAttributeValues"], ":t": {"BOOL": True}})
    response = dynamodb.query(**filtered, Select="COUNT")
    assert "Items" not in response
    assert response["ScannedCount"] == len(non_negative)
    assert response["Count"] == sum(1 for n in non_negative if NUMBERS.index(n) % 2 == 0)
    response = dynamodb.query(**base, Select="COUNT", Limit=3)
    assert (response["Count"], response["ScannedCount"]) == (3, 3) and "LastEvaluatedKey" in response
    response = dynamodb.query(**base, Select="ALL_ATTRIBUTES", Limit=1)
    assert set(response["Items"][0]) == {"p", "c", "i", "even"}
    response = dynamodb.query(**base, Select="SPECIFIC_ATTRIBUTES", ProjectionExpression="i", Limit=2)
    assert [set(item) for item in response["Items"]] == [{"i"}, {"i"}]
    response = dynamodb.query(TableName=table, AttributesToGet=["c", "even"], Limit=2, KeyConditions={
        "p": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "q"}]}})
    assert [set(item) for item in response["Items"]] == [{"c", "even"}, {"c", "even"}]
    with pytest.raises(ClientError) as err:
        dynamodb.query(**base, AttributesToGet=["c"])
    assert_client_error(err, "ValidationException",
                        "Can not use both expression and non-expression parameters in the same request: "
                        "Non-expression parameters: {AttributesToGet} Expression parameters: "
                        "{KeyConditionExpression}")
    with pytest.raises(ClientError) as err:
        dynamodb.query(**base, Select="SPECIFIC_ATTRIBUTES")
    assert_client_error(err, "ValidationException", contains="Must specify the AttributesToGet or "
                        "ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES")
    with pytest.raises(ClientError) as err:
        dynamodb.query(**base, Select="COUNT", ProjectionExpression="i")
    assert_client_error(err, "ValidationException",
                        contains="Cannot specify the ProjectionExpression when choosing to get only the Count")


def test_query_projection_and_consistent_read(dynamodb, sorted_tables):
    response = dynamodb.query(TableName=sorted_tables["B"], KeyConditionExpression="p = :p AND c = :c",
                              ExpressionAttributeValues={":p": {"S": "q"}, ":c": {"B": b"\x80"}},
                              ProjectionExpression="#i, c", ExpressionAttributeNames={"#i": "i"},
                              ConsistentRead=True)
    assert response["Items"] == [{"c": {"B": b"\x80"}, "i": {"N": str(BINARIES.index(b"\x80"))}}]


# ---------------------------------------------------------------------------
# The 1 MB page limit
# ---------------------------------------------------------------------------

BIG_ITEMS = 24
BIG_PAYLOAD = 100_000
ONE_MB = 1024 * 1024


@pytest.fixture(scope="module")
def big_table(dynamodb, module_tables):
    table = module_tables(hash_key=("p", "S"), range_key=("c", "N"))
    for i in range(BIG_ITEMS):
        dynamodb.put_item(TableName=table, Item={"p": {"S": "big"}, "c": {"N": str(i)},
                                                "payload": {"S": chr(ord("a") + i % 26) * BIG_PAYLOAD}})
    return table


def check_megabyte_pages(items, pages):
    assert len(pages) >= 3, f"{BIG_ITEMS} items of {BIG_PAYLOAD} bytes fit in {len(pages)} pages"
    for page in pages[:-1]:
        size = sum(len(item["payload"]["S"]) for item in page["Items"])
        assert "LastEvaluatedKey" in page
        # A page stops at about 1 MB: never far below it (one more item would
        # have fit), never more than one item above it.
        assert ONE_MB - BIG_PAYLOAD <= size <= ONE_MB + BIG_PAYLOAD, size
        assert page["Count"] == page["ScannedCount"] == len(page["Items"]) < BIG_ITEMS
    assert sorted(int(item["c"]["N"]) for item in items) == list(range(BIG_ITEMS))


@pytest.mark.strata_only("DynamoDB Local applies the 1 MB page limit to the data returned, AWS DynamoDB to the data read")
def test_query_pages_stop_at_one_megabyte(dynamodb, big_table):
    items, pages = page_through(dynamodb.query, dict(TableName=big_table, KeyConditionExpression="p = :p",
                                                     ExpressionAttributeValues={":p": {"S": "big"}}))
    check_megabyte_pages(items, pages)
    assert [int(item["c"]["N"]) for item in items] == list(range(BIG_ITEMS))
    # The limit counts the data read, not the data returned: with a filter that
    # drops everything, pages still stop at about 1 MB.
    _, pages = page_through(dynamodb.query, dict(TableName=big_table, KeyConditionExpression="p = :p",
                                                 FilterExpression="attribute_not_exists(payload)",
                                                 ExpressionAttributeValues={":p": {"S": "big"}}))
    assert len(pages) >= 3
    assert all(page["Count"] == 0 for page in pages)
    assert sum(page["ScannedCount"] for page in pages) == BIG_ITEMS


def test_scan_pages_stop_at_one_megabyte(dynamodb, big_table):
    items, pages = page_through(dynamodb.scan, dict(TableName=big_table))
    check_megabyte_pages(items, pages)


# ---------------------------------------------------------------------------
# Scan
# ---------------------------------------------------------------------------

SCAN_PARTITIONS = 100
SCAN_SORT_KEYS = 3


@pytest.fixture(scope="module")
def scan_table(dynamodb, module_tables):
    table = module_tables(hash_key=("p", "S"), range_key=("c", "N"))
    for i in range(SCAN_PARTITIONS):
        for c in range(SCAN_SORT_KEYS):
            dynamodb.put_item(TableName=table, Item={"p": {"S": f"k{i:03d}"}, "c": {"N": str(c)},
                                                    "n": {"N": str(i * SCAN_SORT_KEYS + c)},
                                                    "tag": {"S": "x" if i % 5 == 0 else "y"}})
    return table


ALL_SCAN_KEYS = {(f"k{i:03d}", str(c)) for i in range(SCAN_PARTITIONS) for c in range(SCAN_SORT_KEYS)}


def scan_keys(items):
    keys = [(item["p"]["S"], item["c"]["N"]) for item in items]
    duplicates = [k for k, n in Counter(keys).items() if n > 1]
    assert duplicates == [], f"returned more than once: {duplicates[:5]}"
    return set(keys)


def test_scan_returns_every_item_once(dynamodb, scan_table):
    items, pages = page_through(dynamodb.scan, dict(TableName=scan_table))
    assert scan_keys(items) == ALL_SCAN_KEYS
    assert len(pages) == 1 and pages[0]["Count"] == pages[0]["ScannedCount"] == len(ALL_SCAN_KEYS)
    # The items of one partition key come together, in sort-key order.
    order = [item["p"]["S"] for item in items]
    assert [order[i] for i in range(0, len(order), SCAN_SORT_KEYS)] == list(dict.fromkeys(order))
    for i in range(0, len(items), SCAN_SORT_KEYS):
        assert [item["c"]["N"] for item in items[i:i + SCAN_SORT_KEYS]] == ["0", "1", "2"]
    # The order is stable.
    again, _ = page_through(dynamodb.scan, dict(TableName=scan_table))
    assert again == items


@pytest.mark.parametrize("limit", [1, 7, 100, 299, 300, 1000])
def test_scan_paging(dynamodb, scan_table, limit):
    full, _ = page_through(dynamodb.scan, dict(TableName=scan_table))
    items, pages = page_through(dynamodb.scan, dict(TableName=scan_table), limit=limit)
    assert items == full
    assert all(page["Count"] == limit for page in pages[:-1])
    for page in pages:
        if "LastEvaluatedKey" in page:
            last = page["Items"][-1]
            assert page["LastEvaluatedKey"] == {"p": last["p"], "c": last["c"]}


@pytest.mark.parametrize("total", [1, 2, 3, 8, 64, 300])
def test_parallel_scan_segments_cover_every_item_once(dynamodb, scan_table, total):
    seen = Counter()
    for segment in range(total):
        items, _ = page_through(dynamodb.scan, dict(TableName=scan_table, Segment=segment, TotalSegments=total),
                                limit=40)
        seen.update(scan_keys(items))
    assert set(seen) == ALL_SCAN_KEYS
    assert [k for k, n in seen.items() if n > 1] == []


def test_parallel_scan_from_concurrent_threads(strata, scan_table):
    total = 8
    results: dict[int, list] = {}
    errors: list[str] = []

    def worker(segment):
        try:
            client = make_client(strata.url)
            results[segment], _ = page_through(client.scan, dict(TableName=scan_table, Segment=segment,
                                                                 TotalSegments=total), limit=16)
        except Exception as error:  # reported below
            errors.append(f"segment {segment}: {error!r}")

    join_all([threading.Thread(target=worker, args=(s,), daemon=True) for s in range(total)],
             timeout=60, what="a segment scan did not finish")
    assert errors == []
    everything = [item for segment in range(total) for item in results[segment]]
    assert len(everything) == len(ALL_SCAN_KEYS)
    assert scan_keys(everything) == ALL_SCAN_KEYS
    # Every partition key lives in exactly one segment.
    owners = {}
    for segment, items in results.items():
        for item in items:
            assert owners.setdefault(item["p"]["S"], segment) == segment


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_parallel_scan_validation(dynamodb, scan_table, dynamodb_unchecked):
    with pytest.raises(ClientError) as err:
        dynamodb.scan(TableName=scan_table, Segment=4, TotalSegments=4)
    assert_client_error(err, "ValidationException",
                        contains=["The Segment parameter is zero-based and must be less than parameter "
                                  "TotalSegments", "Segment: 4", "TotalSegments: 4"])
    with pytest.raises(ClientError) as err:
        dynamodb.scan(TableName=scan_table, Segment=0)
    assert_client_error(err, "ValidationException",
                        "The TotalSegments parameter is required but was not present in the request when "
                        "Segment parameter is present")
    with pytest.raises(ClientError) as err:
        dynamodb.scan(TableName=scan_table, TotalSegments=2)
    assert_client_error(err, "ValidationException",
                        "The Segment parameter is required but was not present in the request when "
                        "parameter TotalSegments is present")
    with pytest.raises(ClientError) as err:
        dynamodb_unchecked.scan(TableName=scan_table, Segment=0, TotalSegments=1000001)
    assert_client_error(err, "ValidationException", contains=["1000001", "totalSegments",
                                                               "less than or equal to 1000000"])
    with pytest.raises(ClientError) as err:
        dynamodb_unchecked.scan(TableName=scan_table, Segment=0, TotalSegments=0)
    assert_client_error(err, "ValidationException", contains=["totalSegments", "greater than or equal to 1"])
    # A start key from another segment is refused.
    first, _ = page_through(dynamodb.scan, dict(TableName=scan_table, Segment=0, TotalSegments=2))
    second, _ = page_through(dynamodb.scan, dict(TableName=scan_table, Segment=1, TotalSegments=2))
    assert first and second
    foreign = {"p": second[0]["p"], "c": second[0]["c"]}
    with pytest.raises(ClientError) as err:
        dynamodb.scan(TableName=scan_table, Segment=0, TotalSegments=2, ExclusiveStartKey=foreign)
    assert_client_error(err, "ValidationException", contains="The provided starting key is invalid")
    # The largest allowed TotalSegments works.
    response = dynamodb.scan(TableName=scan_table, Segment=999_999, TotalSegments=1_000_000)
    assert response["Count"] == len(response["Items"])


def test_scan_filters(dynamodb, scan_table):
    expected = {k for k in ALL_SCAN_KEYS if int(k[0][1:]) % 5 == 0 and k[1] != "1"}
    items, pages = page_through(dynamodb.scan, dict(
        TableName=scan_table, FilterExpression="tag = :x AND c <> :one",
        ExpressionAttributeValues={":x": {"S": "x"}, ":one": {"N": "1"}}), limit=25)
    assert scan_keys(items) == expected
    assert sum(page["ScannedCount"] for page in pages) == len(ALL_SCAN_KEYS)
    assert sum(page["Count"] for page in pages) == len(expected)
    assert all(page["ScannedCount"] == 25 for page in pages[:-1])
    # Key attributes may be filtered in a Scan.
    items, _ = page_through(dynamodb.scan, dict(TableName=scan_table, FilterExpression="begins_with(p, :k) AND c = :c",
                                                ExpressionAttributeValues={":k": {"S": "k09"}, ":c": {"N": "2"}}))
    assert scan_keys(items) == {(f"k09{d}", "2") for d in range(10)}
    # The legacy ScanFilter.
    items, _ = page_through(dynamodb.scan, dict(TableName=scan_table, ScanFilter={
        "tag": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]},
        "c": {"ComparisonOperator": "NE", "AttributeValueList": [{"N": "1"}]},
    }))
    assert scan_keys(items) == expected
    items, _ = page_through(dynamodb.scan, dict(TableName=scan_table, ConditionalOperator="OR", ScanFilter={
        "n": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "2"}]},
        "p": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "k099"}]},
    }))
    assert scan_keys(items) == {("k000", "0"), ("k000", "1"), ("k099", "0"), ("k099", "1"), ("k099", "2")}
    response = dynamodb.scan(TableName=scan_table, Select="COUNT", FilterExpression="tag = :x",
                             ExpressionAttributeValues={":x": {"S": "x"}})
    assert "Items" not in response
    assert (response["Count"], response["ScannedCount"]) == (SCAN_PARTITIONS // 5 * SCAN_SORT_KEYS,
                                                             len(ALL_SCAN_KEYS))
    response = dynamodb.scan(TableName=scan_table, ProjectionExpression="n", Limit=3)
    assert [set(item) for item in response["Items"]] == [{"n"}] * 3
    with pytest.raises(ClientError) as err:
        dynamodb.scan(TableName=scan_table, FilterExpression="tag = :x", ExpressionAttributeValues={":x": {"S": "x"}},
                      ScanFilter={"tag": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]}})
    assert_client_error(err, "ValidationException", contains="Can not use both expression and non-expression")


def test_scan_order_survives_a_restart(server_factory):
    server = server_factory()
    client = server.client()
    table = unique_name("restart")
    create_hash_table(client, table)
    for i in range(60):
        client.put_item(TableName=table, Item={"p": {"S": f"item-{i}"}})
    before, _ = page_through(client.scan, dict(TableName=table), limit=9)
    segments_before = [page_through(client.scan, dict(TableName=table, Segment=s, TotalSegments=3))[0]
                       for s in range(3)]
    server.restart()
    client = server.client()
    after, _ = page_through(client.scan, dict(TableName=table), limit=9)
    assert after == before
    assert [page_through(client.scan, dict(TableName=table, Segment=s, TotalSegments=3))[0]
            for s in range(3)] == segments_before
    assert len({item["p"]["S"] for item in after}) == 60


# ---------------------------------------------------------------------------
# The AWS CLI
# ---------------------------------------------------------------------------

def test_cli_query(aws, sorted_tables):
    table = sorted_tables["N"]
    # The CLI follows LastEvaluatedKey itself; --page-size sets Limit.
    out = aws("query", "--table-name", table, "--key-condition-expression", "p = :p AND c BETWEEN :a AND :b",
              "--expression-attribute-values", json.dumps({":p": {"S": "q"}, ":a": {"N": "-10.5"}, ":b": {"N": "10.5"}}),
              "--no-scan-index-forward", "--page-size", "3")
    expected = [normal_number(n) for n in NUMBERS_SORTED if Decimal("-10.5") <= Decimal(n) <= Decimal("10.5")]
    assert [item["c"]["N"] for item in out["Items"]] == expected[::-1]
    assert out["Count"] == out["ScannedCount"] == len(expected)
    out = aws("query", "--table-name", table, "--key-condition-expression", "p = :p",
              "--filter-expression", "even = :t", "--select", "COUNT",
              "--expression-attribute-values", json.dumps({":p": {"S": "q"}, ":t": {"BOOL": True}}))
    assert out["Count"] == (len(NUMBERS) + 1) // 2
    assert out["ScannedCount"] == len(NUMBERS)


def test_cli_scan(aws, scan_table):
    out = aws("scan", "--table-name", scan_table, "--page-size", "17", "--filter-expression", "tag = :x",
              "--expression-attribute-values", json.dumps({":x": {"S": "x"}}))
    expected = {k for k in ALL_SCAN_KEYS if int(k[0][1:]) % 5 == 0}
    assert scan_keys(out["Items"]) == expected
    assert out["Count"] == len(expected)
    assert out["ScannedCount"] == len(ALL_SCAN_KEYS)
    seen = Counter()
    for segment in range(2):
        out = aws("scan", "--table-name", scan_table, "--segment", str(segment), "--total-segments", "2",
                  "--page-size", "50", "--projection-expression", "p, c")
        seen.update(scan_keys(out["Items"]))
    assert set(seen) == ALL_SCAN_KEYS and max(seen.values()) == 1
