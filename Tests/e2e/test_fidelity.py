"""The classes of behaviour the fidelity sweep (issue 17) settled, one test
or more each, driven as raw JSON so that malformed members reach the server
as a client could send them. Each test names the source that shows what AWS
DynamoDB does; Tests/differential/KNOWN-DIFFERENCES.md has the fuller list.
"""

from __future__ import annotations

import json

import pytest

from helpers import raw_request, unique_name


def call(strata, operation, body):
    response = raw_request(strata.url, operation, body)
    payload = json.loads(response.body or b"{}")
    return response.status, payload


def error(strata, operation, body):
    status, payload = call(strata, operation, body)
    assert status == 400, payload
    return payload["__type"].split("#")[-1], payload.get("message", payload.get("Message"))


def put(strata, table, item):
    status, payload = call(strata, "PutItem", {"TableName": table, "Item": item})
    assert status == 200, payload


# ---------------------------------------------------------------------------
# Validation order: serialization, constraints, what needs no table, the
# table's existence, what needs the table. Source: dynalite's tests (run
# against live DynamoDB) make their validation requests against tables that
# do not exist, and get the validation error; validations/index.js orders
# type checks, constraints, then each operation's own checks.
# ---------------------------------------------------------------------------

def test_an_invalid_expression_wins_over_an_unknown_table(strata):
    kind, message = error(strata, "UpdateItem", {
        "TableName": unique_name("missing"), "Key": {"p": {"S": "a"}},
        "UpdateExpression": "SET a = a + :v", "ExpressionAttributeValues": {":v": {"S": "x"}}})
    assert kind == "ValidationException"
    assert message.startswith("Invalid UpdateExpression: Incorrect operand type")


def test_an_unused_value_wins_over_a_key_condition_on_a_non_key(strata, t_s):
    # The key condition names a sort key this table lacks (needs the table);
    # the unused value is visible without it.
    kind, message = error(strata, "Query", {
        "TableName": t_s, "KeyConditionExpression": "c = :c",
        "ExpressionAttributeValues": {":c": {"S": "x"}, ":unused": {"S": "y"}}})
    assert (kind, message) == ("ValidationException", "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}")


def test_a_table_name_constraint_wins_over_a_malformed_attribute_value(strata):
    kind, message = error(strata, "PutItem", {"TableName": "x", "Item": {"p": {"S": "a"}, "s": {"SS": []}}})
    assert kind == "ValidationException"
    assert message.startswith("1 validation error detected: Value 'x' at 'tableName'")


def test_values_without_an_expression_win_over_an_invalid_value(strata, t_s):
    # dynalite's validations/putItem.js: expression parameters are checked
    # before the values themselves.
    kind, message = error(strata, "PutItem", {
        "TableName": t_s, "Item": {"p": {"S": "a"}}, "ExpressionAttributeValues": {":v": {"N": "1" * 40}}})
    assert message == "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"


def test_a_serialization_error_wins_over_everything(strata):
    kind, _ = error(strata, "PutItem", {"TableName": "x y", "Item": {"p": {"S": True}, "s": {"SS": []}}})
    assert kind == "SerializationException"


# ---------------------------------------------------------------------------
# A JSON member of the wrong type. Sources: ScyllaDB's test_manual_requests.py
# ("DynamoDB generates a SerializationException error here" for {"N": 3});
# dynalite's helpers.js assertType messages.
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("operation,body,expected", [
    ("PutItem", {"Item": {"p": {"S": True}}}, ("SerializationException", "TRUE_VALUE cannot be converted to String")),
    ("PutItem", {"Item": {"p": {"S": "a"}, "n": {"N": 5}}}, ("SerializationException", "NUMBER_VALUE cannot be converted to String")),
    ("Scan", {"Limit": "2"}, ("SerializationException", "STRING_VALUE cannot be converted to Integer")),
    ("Scan", {"Segment": "0", "TotalSegments": 2}, ("SerializationException", "STRING_VALUE cannot be converted to Integer")),
    ("PutItem", {"Item": {"p": {"S": "a"}, "x": {}}},
     ("ValidationException", "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")),
])
def test_a_member_of_the_wrong_json_type(strata, t_s, operation, body, expected):
    assert error(strata, operation, {"TableName": t_s, **body}) == expected


# ---------------------------------------------------------------------------
# Paging at exactly Limit. Source: dynalite's test/query.js "should not return
# LastEvaluatedKey if Limit is at least size of response": against AWS, a
# page Limit filled exactly came with a LastEvaluatedKey for one partition
# and without one for another. Strata leaves it out whenever nothing follows,
# which spares the client an empty round trip.
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("filtered", [False, True])
def test_a_query_page_filled_exactly_by_limit(strata, t_sn, filtered):
    p = unique_name("page")
    for c in range(3):
        put(strata, t_sn, {"p": {"S": p}, "c": {"N": str(c)}, "x": {"S": "y"}})
    body = {"TableName": t_sn, "KeyConditionExpression": "p = :p", "ExpressionAttributeValues": {":p": {"S": p}}}
    if filtered:
        body["FilterExpression"] = "attribute_exists(x)"
    _, full = call(strata, "Query", {**body, "Limit": 3})
    assert full["Count"] == 3 and "LastEvaluatedKey" not in full
    _, partial = call(strata, "Query", {**body, "Limit": 2})
    assert partial["LastEvaluatedKey"] == {"p": {"S": p}, "c": {"N": "1"}}


def test_a_scan_page_filled_exactly_by_limit(strata, table):
    # A Scan does not look past its page across partitions: like AWS in the
    # other case dynalite found, it returns a LastEvaluatedKey, and the page
    # after it is empty and ends the Scan.
    name = table()
    for p in ("a", "b"):
        put(strata, name, {"p": {"S": p}})
    _, full = call(strata, "Scan", {"TableName": name, "Limit": 2})
    assert full["Count"] == 2 and "LastEvaluatedKey" in full
    _, last = call(strata, "Scan", {"TableName": name, "Limit": 2, "ExclusiveStartKey": full["LastEvaluatedKey"]})
    assert last["Count"] == 0 and "LastEvaluatedKey" not in last


# ---------------------------------------------------------------------------
# Expression errors inside a transaction. Sources: ScyllaDB's test_transact.py
# (a mistake visible in the request is a ValidationException; a key of the
# wrong type is a ValidationError reason, and only the first invalid action
# gets one, the others None); aws-sdk-net issue 1292 quotes AWS answering a
# missing attribute in an update with a ValidationError reason.
# ---------------------------------------------------------------------------

def test_transaction_operand_of_the_wrong_type_refuses_the_request(strata, t_s):
    kind, message = error(strata, "TransactWriteItems", {"TransactItems": [{"ConditionCheck": {
        "TableName": t_s, "Key": {"p": {"S": "a"}}, "ConditionExpression": "size(a) > :v",
        "ExpressionAttributeValues": {":v": {"L": []}}}}]})
    assert kind == "ValidationException" and message.startswith("Invalid ConditionExpression: Incorrect operand type")


def test_transaction_number_past_38_digits_refuses_the_request(strata, t_s):
    kind, message = error(strata, "TransactWriteItems", {"TransactItems": [{"Update": {
        "TableName": t_s, "Key": {"p": {"S": "a"}}, "UpdateExpression": "SET a = :v",
        "ExpressionAttributeValues": {":v": {"N": "1" * 40}}}}]})
    assert kind == "ValidationException"
    assert message == "ExpressionAttributeValues contains invalid value: Attempting to store more than 38 significant digits in a Number for key :v"


def test_transaction_missing_operand_is_a_reason_and_the_others_none(strata, t_s):
    p = unique_name("tx")
    status, payload = call(strata, "TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": t_s, "Item": {"p": {"S": p + "1"}}, "ConditionExpression": "attribute_exists(p)"}},
        {"Update": {"TableName": t_s, "Key": {"p": {"S": p + "2"}}, "UpdateExpression": "SET a = gone + :v",
                    "ExpressionAttributeValues": {":v": {"N": "1"}}}},
        {"Update": {"TableName": t_s, "Key": {"p": {"N": "3"}}, "UpdateExpression": "SET a = :v",
                    "ExpressionAttributeValues": {":v": {"N": "1"}}}},
    ]})
    assert status == 400 and payload["__type"].endswith("TransactionCanceledException")
    # Every action is validated before any runs: the wrong key type in the
    # third action is the only reason.
    assert [r["Code"] for r in payload["CancellationReasons"]] == ["None", "None", "ValidationError"]
    assert payload["CancellationReasons"][2]["Message"] == "The provided key element does not match the schema"


def test_transaction_missing_operand_when_applied(strata, t_s):
    status, payload = call(strata, "TransactWriteItems", {"TransactItems": [
        {"Update": {"TableName": t_s, "Key": {"p": {"S": unique_name("tx")}}, "UpdateExpression": "SET a = gone + :v",
                    "ExpressionAttributeValues": {":v": {"N": "1"}}}}]})
    assert status == 400
    assert payload["CancellationReasons"] == [
        {"Code": "ValidationError", "Message": "The provided expression refers to an attribute that does not exist in the item"}]


# ---------------------------------------------------------------------------
# Error bodies that carry an item. Source: the API reference, PutItem's
# ReturnValuesOnConditionCheckFailure; ScyllaDB's test_returnvalues.py.
# ---------------------------------------------------------------------------

def test_condition_failure_body_carries_the_item(strata, t_s):
    p = unique_name("item")
    put(strata, t_s, {"p": {"S": p}, "a": {"N": "1"}})
    response = raw_request(strata.url, "PutItem", {
        "TableName": t_s, "Item": {"p": {"S": p}}, "ConditionExpression": "attribute_not_exists(p)",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})
    assert response.status == 400
    assert json.loads(response.body) == {
        "__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
        "message": "The conditional request failed",
        "Item": {"p": {"S": p}, "a": {"N": "1"}}}


# ---------------------------------------------------------------------------
# Empty strings and binaries in key positions, and start keys outside the
# key condition. Sources: an AWS answer quoted in praetorian-inc/chariot-ui
# issue 353 (a Query with an empty index key value); dynalite's test/query.js
# for the start-key messages; ScyllaDB's test_query.py for a table without a
# sort key.
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("condition,values,message", [
    ("p = :p", {":p": {"S": ""}},
     "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: p"),
    ("p = :p AND c > :c", {":p": {"S": "a"}, ":c": {"S": ""}},
     "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: c"),
    ("p = :p AND begins_with(c, :c)", {":p": {"S": "a"}, ":c": {"S": ""}},
     "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: c"),
])
def test_empty_string_in_a_query_key_condition(strata, t_sc, condition, values, message):
    assert error(strata, "Query", {"TableName": t_sc, "KeyConditionExpression": condition,
                                   "ExpressionAttributeValues": values}) == ("ValidationException", message)


def test_empty_binary_in_a_query_key_condition(strata, table):
    name = table(hash_key=("p", "B"))
    assert error(strata, "Query", {"TableName": name, "KeyConditionExpression": "p = :p",
                                   "ExpressionAttributeValues": {":p": {"B": ""}}}) == (
        "ValidationException",
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: p")


def test_empty_string_in_an_index_key_condition(strata, t_gsi):
    assert error(strata, "Query", {"TableName": t_gsi, "IndexName": "by_g", "KeyConditionExpression": "g = :g",
                                   "ExpressionAttributeValues": {":g": {"S": ""}}}) == (
        "ValidationException",
        "One or more parameter values are not valid. A value specified for a secondary index key is not supported. "
        "The AttributeValue for a key attribute cannot contain an empty string value. IndexName: by_g, IndexKey: g")


@pytest.mark.parametrize("start,condition,values,message", [
    ({"p": {"S": "a"}, "c": {"S": ""}}, "p = :p", {":p": {"S": "a"}},
     "The provided starting key is invalid: One or more parameter values are not valid. "
     "The AttributeValue for a key attribute cannot contain an empty string value. Key: c"),
    ({"p": {"S": "b"}, "c": {"S": "x"}}, "p = :p", {":p": {"S": "a"}},
     "The provided starting key is outside query boundaries based on provided conditions"),
    ({"p": {"S": "a"}, "c": {"S": "a"}}, "p = :p AND c > :c", {":p": {"S": "a"}, ":c": {"S": "m"}},
     "The provided starting key does not match the range key predicate"),
    ({"p": {"S": "b"}, "c": {"S": "a"}}, "p = :p AND c < :c", {":p": {"S": "a"}, ":c": {"S": "m"}},
     "The query can return at most one row and cannot be restarted"),
])
def test_query_start_key_that_does_not_fit(strata, t_sc, start, condition, values, message):
    assert error(strata, "Query", {"TableName": t_sc, "KeyConditionExpression": condition,
                                   "ExpressionAttributeValues": values, "ExclusiveStartKey": start}) == ("ValidationException", message)


def test_query_start_key_on_a_table_without_sort_key(strata, t_s):
    assert error(strata, "Query", {"TableName": t_s, "KeyConditionExpression": "p = :p",
                                   "ExpressionAttributeValues": {":p": {"S": "k"}}, "ExclusiveStartKey": {"p": {"S": "k"}}}) == (
        "ValidationException", "The provided exclusive start key is invalid: ExclusiveStartKey: {p=AttributeValue: {S:k}}")


# ---------------------------------------------------------------------------
# DeleteTable's description. Source: ScyllaDB's test_table.py,
# test_delete_table_description.
# ---------------------------------------------------------------------------

def test_delete_table_description(strata):
    name = unique_name("del")
    status, _ = call(strata, "CreateTable", {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST", "KeySchema": [{"AttributeName": "p", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "p", "AttributeType": "S"}]})
    assert status == 200
    status, payload = call(strata, "DeleteTable", {"TableName": name})
    assert status == 200
    description = payload["TableDescription"]
    assert description["TableStatus"] == "DELETING"
    assert {"TableId", "TableArn", "BillingModeSummary", "ProvisionedThroughput", "TableName"} <= set(description)
    assert not {"KeySchema", "AttributeDefinitions", "CreationDateTime"} & set(description)
    assert description["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}


# ---------------------------------------------------------------------------
# More of the validation order, from the differential harness's findings.
# ---------------------------------------------------------------------------

def test_mixed_parameters_win_over_a_malformed_item_value(strata, t_s):
    # dynalite's validations/putItem.js: the expression parameters are
    # checked before the item's values.
    kind, message = error(strata, "PutItem", {
        "TableName": t_s, "Item": {"p": {"S": "a"}, "x": {"NULL": False}},
        "ConditionExpression": "attribute_not_exists(p)", "Expected": {"x": {"Exists": False}}})
    assert message.startswith("Can not use both expression and non-expression parameters in the same request")


def test_batch_get_duplicates_win_over_the_key_schema(strata, t_s):
    # dynalite's validations/batchGetItem.js compares the keys as written,
    # before any table is looked up.
    assert error(strata, "BatchGetItem", {"RequestItems": {t_s: {"Keys": [
        {"p": {"S": "a"}}, {"p": {"S": "b"}, "zz": {"S": "x"}}, {"p": {"S": "a"}}]}}}) == (
        "ValidationException", "Provided list of item keys contains duplicates")


@pytest.fixture(scope="module")
def t_gsi(strata, module_tables):
    """Partition key p (S); global index by_g on g (S), projecting keys only."""
    name = unique_name("gsi")
    status, payload = call(strata, "CreateTable", {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "p", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "p", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
        "GlobalSecondaryIndexes": [{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                    "Projection": {"ProjectionType": "KEYS_ONLY"}}]})
    assert status == 200, payload
    return module_tables.track(name)


def test_batch_write_checks_each_request_before_its_duplicate(strata, t_gsi):
    # dynalite's actions/batchWriteItem.js: each request is validated (its
    # index keys too), then checked against the keys before it.
    kind, message = error(strata, "BatchWriteItem", {"RequestItems": {t_gsi: [
        {"DeleteRequest": {"Key": {"p": {"S": "a"}}}},
        {"PutRequest": {"Item": {"p": {"S": "a"}, "g": {"S": ""}}}}]}})
    assert message.endswith("cannot contain an empty string value. IndexName: by_g, IndexKey: g")


def test_index_filter_is_checked_before_select(strata, t_gsi):
    # The select checks come after the filter's (docs/research/secondary-indexes.md §6.3, DynamoDB Local).
    assert error(strata, "Query", {
        "TableName": t_gsi, "IndexName": "by_g", "KeyConditionExpression": "g = :g", "FilterExpression": "attribute_exists(a)",
        "ExpressionAttributeValues": {":g": {"S": "x"}}, "Select": "ALL_ATTRIBUTES"}) == (
        "ValidationException",
        "One or more parameter values were invalid: Secondary index by_g does not project one or more filter attributes: [a]")


# ---------------------------------------------------------------------------
# Table operations. Source: a catalogue of ValidationException texts checked
# against AWS in 2026-10 (ack-api-quirks DDB-TABLE-442).
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("specification,message", [
    ({"StreamEnabled": False, "StreamViewType": "NEW_IMAGE"},
     "One or more parameter values were invalid: Table is being created with a stream disabled, UpdateViewType should not be specified"),
    ({"StreamEnabled": True},
     "One or more parameter values were invalid: Table is being created with a stream enabled, UpdateViewType is required"),
])
def test_create_table_stream_specification(strata, specification, message):
    assert error(strata, "CreateTable", {
        "TableName": unique_name("stream"), "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "p", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "p", "AttributeType": "S"}],
        "StreamSpecification": specification}) == ("ValidationException", message)


def test_update_table_stream_specification_and_nothing_to_update(strata, t_s):
    assert error(strata, "UpdateTable", {"TableName": t_s, "StreamSpecification": {"StreamEnabled": True}}) == (
        "ValidationException", "One or more parameter values were invalid: If stream is being enabled then UpdateViewType is required")
    kind, message = error(strata, "UpdateTable", {"TableName": t_s})
    assert message.startswith("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, ")
    assert message.endswith("DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required")


# ---------------------------------------------------------------------------
# Member constraints as AWS words them today. Source: nubo-db/dynamodb-
# conformance, tier3 error-messages (every test run against AWS in 2026).
# ---------------------------------------------------------------------------

def test_table_name_lengths(strata):
    # Outside CreateTable the member may hold an ARN: an empty name breaks
    # its "at least 1"; a short name still breaks a name's "at least 3"
    # (ScyllaDB's test_item.py, test_item_operations_improper_named_table).
    assert error(strata, "PutItem", {"TableName": "xx", "Item": {"p": {"S": "a"}}}) == (
        "ValidationException",
        "1 validation error detected: Value 'xx' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3")
    assert error(strata, "GetItem", {"TableName": "", "Key": {"p": {"S": "a"}}}) == (
        "ValidationException",
        "1 validation error detected: Value '' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 1")
    assert error(strata, "CreateTable", {
        "TableName": "ab", "BillingMode": "PAY_PER_REQUEST", "KeySchema": [{"AttributeName": "p", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "p", "AttributeType": "S"}]}) == (
        "ValidationException",
        "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3")


def test_query_and_scan_word_a_zero_limit_differently(strata, t_sn):
    assert error(strata, "Query", {"TableName": t_sn, "KeyConditionExpression": "p = :p",
                                   "ExpressionAttributeValues": {":p": {"S": "a"}}, "Limit": 0}) == (
        "ValidationException",
        "1 validation error detected: Value at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
    assert error(strata, "Scan", {"TableName": t_sn, "Limit": 0}) == (
        "ValidationException",
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")


def test_constraint_values_as_aws_quotes_them(strata, t_s, t_sn):
    # nubo-db/dynamodb-conformance, tier3 error-messages (run against AWS in 2026).
    assert error(strata, "Query", {"TableName": t_sn, "KeyConditionExpression": "p = :p",
                                   "ExpressionAttributeValues": {":p": {"S": "a"}}, "Select": "NONE"})[1].endswith(
        "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]")
    _, message = error(strata, "BatchWriteItem", {"RequestItems": {t_s: [
        {"PutRequest": {"Item": {"p": {"S": f"bw-{i}"}}}} for i in range(26)]}})
    assert message.startswith(f"1 validation error detected: Value '{{{t_s}=[")
    assert message.endswith("]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: "
                            "[Member must have length less than or equal to 25, Member must have length greater than or equal to 1]")
    _, message = error(strata, "CreateTable", {
        "TableName": unique_name("keys"), "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": n, "KeyType": t} for n, t in (("p", "HASH"), ("c", "RANGE"), ("d", "RANGE"))],
        "AttributeDefinitions": [{"AttributeName": n, "AttributeType": "S"} for n in "pcd"]})
    assert message == ("1 validation error detected: Value '[KeySchemaElement(attributeName=p, keyType=HASH), "
                       "KeySchemaElement(attributeName=c, keyType=RANGE), KeySchemaElement(attributeName=d, keyType=RANGE)]' "
                       "at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2")
