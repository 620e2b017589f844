"""Control plane: CreateTable, DescribeTable, ListTables, UpdateTable and
DeleteTable, through both the AWS CLI and boto3."""

from __future__ import annotations

import datetime
import re
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from helpers import AwsCliError, DDBL_MESSAGES, DDBL_TABLE_ID, assert_client_error, unique_name

ARN = re.compile(r"^arn:aws:dynamodb:[a-z0-9-]+:\d{12}:table/(.+)$")
NOT_FOUND = "Requested resource not found: Table: {} not found"


def hash_table_params(name, key="p", key_type="S", **extra):
    return dict(TableName=name, KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": key, "AttributeType": key_type}], **extra)


def assert_uuid(text):
    assert str(uuid.UUID(text)) == text.lower()
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text), text


# ---------------------------------------------------------------------------
# The AWS CLI: a full create / describe / list / update / delete cycle
# ---------------------------------------------------------------------------

@pytest.mark.strata_only(DDBL_TABLE_ID)
def test_cli_table_lifecycle_output_shapes(aws, dynamodb):
    name = unique_name("cli")
    before = time.time()
    try:
        created = aws("create-table", "--table-name", name,
                      "--attribute-definitions", "AttributeName=p,AttributeType=S", "AttributeName=c,AttributeType=N",
                      "--key-schema", "AttributeName=p,KeyType=HASH", "AttributeName=c,KeyType=RANGE",
                      "--billing-mode", "PAY_PER_REQUEST")
        after = time.time()
        desc = created["TableDescription"]
        assert desc["TableName"] == name
        assert desc["TableStatus"] == "ACTIVE"
        assert desc["KeySchema"] == [{"AttributeName": "p", "KeyType": "HASH"},
                                     {"AttributeName": "c", "KeyType": "RANGE"}]
        assert sorted(desc["AttributeDefinitions"], key=lambda d: d["AttributeName"]) == [
            {"AttributeName": "c", "AttributeType": "N"}, {"AttributeName": "p", "AttributeType": "S"}]
        # The CLI prints CreationDateTime as seconds since the epoch.
        assert isinstance(desc["CreationDateTime"], (int, float))
        assert before - 2 <= desc["CreationDateTime"] <= after + 2
        match = ARN.match(desc["TableArn"])
        assert match and match.group(1) == name, desc["TableArn"]
        assert_uuid(desc["TableId"])
        assert desc["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        assert desc["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0,
                                                 "WriteCapacityUnits": 0}
        assert desc["ItemCount"] == 0
        assert desc["TableSizeBytes"] == 0

        described = aws("describe-table", "--table-name", name)["Table"]
        for field in ("TableName", "TableArn", "TableId", "CreationDateTime", "KeySchema", "TableStatus",
                      "BillingModeSummary", "ProvisionedThroughput"):
            assert described[field] == desc[field], field

        listed = aws("list-tables")["TableNames"]
        assert name in listed

        aws("put-item", "--table-name", name, "--item", '{"p": {"S": "a"}, "c": {"N": "1"}, "v": {"S": "xyz"}}')
        assert aws("describe-table", "--table-name", name)["Table"]["ItemCount"] == 1

        updated = aws("update-table", "--table-name", name, "--billing-mode", "PROVISIONED",
                      "--provisioned-throughput", "ReadCapacityUnits=3,WriteCapacityUnits=4")["TableDescription"]
        assert updated["TableName"] == name
        assert updated["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
        assert updated["ProvisionedThroughput"]["WriteCapacityUnits"] == 4
        described = aws("describe-table", "--table-name", name)["Table"]
        assert described["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
        assert described["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
        assert described["ProvisionedThroughput"]["WriteCapacityUnits"] == 4

        deleted = aws("delete-table", "--table-name", name)["TableDescription"]
        assert deleted["TableName"] == name
        assert deleted["TableStatus"] == "DELETING"
        assert deleted["TableArn"] == desc["TableArn"]
        assert deleted["TableId"] == desc["TableId"]
    finally:
        try:
            dynamodb.delete_table(TableName=name)
        except ClientError:
            pass

    with pytest.raises(AwsCliError) as err:
        aws("describe-table", "--table-name", name)
    assert "ResourceNotFoundException" in err.value.stderr
    assert NOT_FOUND.format(name) in err.value.stderr
    assert name not in aws("list-tables")["TableNames"]


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_cli_errors(aws, table):
    name = table()
    with pytest.raises(AwsCliError) as err:
        aws("create-table", "--table-name", name,
            "--attribute-definitions", "AttributeName=p,AttributeType=S",
            "--key-schema", "AttributeName=p,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST")
    assert "ResourceInUseException" in err.value.stderr
    assert f"Table already exists: {name}" in err.value.stderr

    missing = unique_name("missing")
    for command in (["delete-table"], ["update-table", "--billing-mode", "PAY_PER_REQUEST"]):
        with pytest.raises(AwsCliError) as err:
            aws(command[0], "--table-name", missing, *command[1:])
        assert "ResourceNotFoundException" in err.value.stderr, command

    with pytest.raises(AwsCliError) as err:
        aws("create-table", "--table-name", "ab",
            "--attribute-definitions", "AttributeName=p,AttributeType=S",
            "--key-schema", "AttributeName=p,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST")
    assert "ValidationException" in err.value.stderr


def test_cli_list_tables_pagination(aws, table):
    prefix = unique_name("clilist")
    names = sorted(table(name=f"{prefix}_{i}") for i in range(5))
    # The CLI follows LastEvaluatedTableName itself: page size 2 still lists everything.
    listed = aws("list-tables", "--page-size", "2")["TableNames"]
    assert [n for n in listed if n.startswith(prefix)] == names
    assert listed == sorted(listed)
    assert len(listed) == len(set(listed))
    # --max-items stops early and hands back a NextToken to continue from.
    first = aws("list-tables", "--max-items", "2")
    assert len(first["TableNames"]) == 2
    assert "NextToken" in first
    rest = aws("list-tables", "--starting-token", first["NextToken"])["TableNames"]
    assert first["TableNames"] + rest == listed


# ---------------------------------------------------------------------------
# boto3: CreateTable / DescribeTable shapes
# ---------------------------------------------------------------------------

@pytest.mark.strata_only(DDBL_TABLE_ID)
def test_create_provisioned_table_shape(dynamodb, table):
    before = datetime.datetime.now(datetime.timezone.utc)
    name = table(hash_key=("k", "N"), billing_mode="PROVISIONED", throughput=(5, 7))
    after = datetime.datetime.now(datetime.timezone.utc)
    desc = dynamodb.describe_table(TableName=name)["Table"]
    assert desc["TableName"] == name
    assert desc["TableStatus"] == "ACTIVE"
    assert desc["KeySchema"] == [{"AttributeName": "k", "KeyType": "HASH"}]
    assert desc["AttributeDefinitions"] == [{"AttributeName": "k", "AttributeType": "N"}]
    created = desc["CreationDateTime"]
    assert isinstance(created, datetime.datetime) and created.tzinfo is not None
    assert before - datetime.timedelta(seconds=2) <= created <= after + datetime.timedelta(seconds=2)
    assert desc["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert desc["ProvisionedThroughput"]["WriteCapacityUnits"] == 7
    assert desc["ProvisionedThroughput"]["NumberOfDecreasesToday"] == 0
    assert desc.get("BillingModeSummary", {"BillingMode": "PROVISIONED"})["BillingMode"] == "PROVISIONED"
    assert desc["ItemCount"] == 0 and desc["TableSizeBytes"] == 0
    assert ARN.match(desc["TableArn"]).group(1) == name
    assert_uuid(desc["TableId"])


def test_provisioned_is_the_default_billing_mode(dynamodb, table):
    name = table(billing_mode=None, throughput=(2, 3))
    desc = dynamodb.describe_table(TableName=name)["Table"]
    assert desc.get("BillingModeSummary", {"BillingMode": "PROVISIONED"})["BillingMode"] == "PROVISIONED"
    assert desc["ProvisionedThroughput"]["ReadCapacityUnits"] == 2
    assert desc["ProvisionedThroughput"]["WriteCapacityUnits"] == 3


@pytest.mark.strata_only(DDBL_TABLE_ID)
def test_create_response_matches_describe(dynamodb, table):
    name = unique_name()
    created = dynamodb.create_table(**hash_table_params(name, BillingMode="PAY_PER_REQUEST"))["TableDescription"]
    table.track(name)
    described = dynamodb.describe_table(TableName=name)["Table"]
    for field in ("TableName", "TableArn", "TableId", "CreationDateTime", "KeySchema",
                  "AttributeDefinitions", "BillingModeSummary", "ProvisionedThroughput", "TableStatus"):
        assert created[field] == described[field], field


@pytest.mark.strata_only(DDBL_TABLE_ID)
def test_table_ids_are_unique_and_stable(dynamodb, table):
    names = [table() for _ in range(3)]
    ids = [dynamodb.describe_table(TableName=n)["Table"]["TableId"] for n in names]
    assert len(set(ids)) == 3
    assert ids == [dynamodb.describe_table(TableName=n)["Table"]["TableId"] for n in names]


def test_tags_are_accepted(dynamodb, table):
    name = table(Tags=[{"Key": "team", "Value": "storage"}, {"Key": "env", "Value": ""}])
    assert dynamodb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"


def test_item_count_and_size_follow_writes(dynamodb, table):
    name = table()
    # Item size = attribute name bytes + value bytes (strings: UTF-8 length).
    items = [{"p": {"S": "k1"}, "a": {"S": "hello"}},          # 1+2 + 1+5 = 9
             {"p": {"S": "k2"}, "ab": {"S": "h\u00e9"}},        # 1+2 + 2+3 = 8
             {"p": {"S": "k3"}}]                                # 1+2 = 3
    for item in items:
        dynamodb.put_item(TableName=name, Item=item)
    desc = dynamodb.describe_table(TableName=name)["Table"]
    assert desc["ItemCount"] == 3
    assert desc["TableSizeBytes"] == 20
    dynamodb.delete_item(TableName=name, Key={"p": {"S": "k1"}})
    dynamodb.put_item(TableName=name, Item={"p": {"S": "k3"}, "z": {"S": "0123456789"}})  # 3 + 1+10
    desc = dynamodb.describe_table(TableName=name)["Table"]
    assert desc["ItemCount"] == 2
    assert desc["TableSizeBytes"] == 8 + 14


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_duplicate_table(dynamodb, table):
    name = table()
    with pytest.raises(ClientError) as err:
        dynamodb.create_table(**hash_table_params(name, BillingMode="PAY_PER_REQUEST"))
    assert_client_error(err, "ResourceInUseException", f"Table already exists: {name}")
    # A different schema under the same name is just as much a duplicate.
    with pytest.raises(ClientError) as err:
        dynamodb.create_table(**hash_table_params(name, key="other", key_type="N", BillingMode="PAY_PER_REQUEST"))
    assert_client_error(err, "ResourceInUseException")


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_missing_table_errors(dynamodb):
    name = unique_name("missing")
    with pytest.raises(ClientError) as err:
        dynamodb.describe_table(TableName=name)
    assert_client_error(err, "ResourceNotFoundException", NOT_FOUND.format(name))
    with pytest.raises(ClientError) as err:
        dynamodb.delete_table(TableName=name)
    assert_client_error(err, "ResourceNotFoundException", contains="Requested resource not found")
    with pytest.raises(ClientError) as err:
        dynamodb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
    assert_client_error(err, "ResourceNotFoundException", contains="Requested resource not found")


@pytest.mark.strata_only(DDBL_TABLE_ID)
def test_delete_then_recreate_gives_a_new_empty_table(dynamodb, table):
    name = table()
    old_id = dynamodb.describe_table(TableName=name)["Table"]["TableId"]
    dynamodb.put_item(TableName=name, Item={"p": {"S": "x"}, "v": {"S": "old"}})
    deleted = dynamodb.delete_table(TableName=name)["TableDescription"]
    assert deleted["TableStatus"] == "DELETING"
    assert deleted["TableName"] == name
    with pytest.raises(ClientError) as err:
        dynamodb.delete_table(TableName=name)
    assert_client_error(err, "ResourceNotFoundException")
    with pytest.raises(ClientError) as err:
        dynamodb.get_item(TableName=name, Key={"p": {"S": "x"}})
    assert_client_error(err, "ResourceNotFoundException", contains="Requested resource not found")

    table(name=name, hash_key=("p", "S"))
    desc = dynamodb.describe_table(TableName=name)["Table"]
    assert desc["TableId"] != old_id
    assert desc["ItemCount"] == 0
    assert "Item" not in dynamodb.get_item(TableName=name, Key={"p": {"S": "x"}}, ConsistentRead=True)


# ---------------------------------------------------------------------------
# Table names
# ---------------------------------------------------------------------------

LENGTH_MIN = "Member must have length greater than or equal to 3"
LENGTH_MAX = "Member must have length less than or equal to 255"
PATTERN = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"


@pytest.mark.strata_only(DDBL_MESSAGES)
@pytest.mark.parametrize("name,constraint", [
    ("ab", LENGTH_MIN),
    ("x" * 256, LENGTH_MAX),
    ("has space", PATTERN),
    ("slash/name", PATTERN),
    ("colon:name", PATTERN),
    ("t\u00e9ble", PATTERN),
])
def test_invalid_table_names(dynamodb, name, constraint):
    with pytest.raises(ClientError) as err:
        dynamodb.create_table(**hash_table_params(name, BillingMode="PAY_PER_REQUEST"))
    assert_client_error(err, "ValidationException",
                        f"1 validation error detected: Value '{name}' at 'tableName' "
                        f"failed to satisfy constraint: {constraint}")


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_table_name_with_two_violations(dynamodb):
    with pytest.raises(ClientError) as err:
        dynamodb.create_table(**hash_table_params("a!", BillingMode="PAY_PER_REQUEST"))
    message = assert_client_error(err, "ValidationException", contains=[LENGTH_MIN, PATTERN])
    assert message.startswith("2 validation errors detected: ")


def test_table_name_edges_are_valid(dynamodb, table):
    base = unique_name("edge")
    longest = table(name=(base + "_" * 255)[:255])
    assert len(longest) == 255
    punctuated = table(name=f"{base}-A.b_9")
    shortest = table(name=uuid.uuid4().hex[:3])
    for name in (longest, punctuated, shortest):
        assert dynamodb.describe_table(TableName=name)["Table"]["TableName"] == name


# ---------------------------------------------------------------------------
# Key schemas and attribute definitions
# ---------------------------------------------------------------------------

def k(name, key_type):
    return {"AttributeName": name, "KeyType": key_type}


def a(name, attribute_type):
    return {"AttributeName": name, "AttributeType": attribute_type}


@pytest.mark.strata_only(DDBL_MESSAGES)
@pytest.mark.parametrize("key_schema,definitions,message,contains", [
    pytest.param([k("p", "RANGE")], [a("p", "S")],
                 "Invalid KeySchema: The first KeySchemaElement is not a HASH key type", (), id="range-only"),
    pytest.param([k("p", "RANGE"), k("c", "HASH")], [a("p", "S"), a("c", "S")],
                 "Invalid KeySchema: The first KeySchemaElement is not a HASH key type", (), id="range-first"),
    pytest.param([k("p", "HASH"), k("c", "HASH")], [a("p", "S"), a("c", "S")],
                 None, (), id="two-hash-keys"),
    # nubo-db/dynamodb-conformance (CreateTable, run against AWS in 2026).
    pytest.param([k("p", "HASH"), k("p", "RANGE")], [a("p", "S")],
                 "Invalid KeySchema: Some index key attribute have no definition", (),
                 id="same-name"),
    pytest.param([k("p", "HASH")], [a("x", "S")],
                 "One or more parameter values were invalid: Some index key attributes are not defined in "
                 "AttributeDefinitions. Keys: [p], AttributeDefinitions: [x]", (), id="undefined-key"),
    pytest.param([k("p", "HASH")], [a("p", "S"), a("extra", "N")],
                 "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly "
                 "match number of attributes defined in AttributeDefinitions", (), id="extra-definition"),
    pytest.param([k("p", "HASH")], [a("p", "S"), a("p", "N")],
                 None, ("uplicate", "p"), id="duplicate-definition"),
    pytest.param([k("p", "HASH"), k("c", "RANGE"), k("d", "RANGE")], [a("p", "S"), a("c", "S"), a("d", "S")],
                 None, ("keySchema", "Member must have length less than or equal to 2"), id="three-keys"),
    pytest.param([], [a("p", "S")],
                 None, ("keySchema", "Member must have length greater than or equal to 1"), id="empty-schema"),
    pytest.param([k("p", "PRIMARY")], [a("p", "S")],
                 None, ("keySchema.1.member.keyType", "Member must satisfy enum value set"), id="bad-key-type"),
    pytest.param([k("p", "HASH")], [a("p", "BOOL")],
                 None, ("attributeDefinitions.1.member.attributeType", "Member must satisfy enum value set"),
                 id="bad-attribute-type"),
])
def test_invalid_key_schemas(dynamodb, dynamodb_unchecked, key_schema, definitions, message, contains):
    name = unique_name("badschema")
    with pytest.raises(ClientError) as err:
        dynamodb_unchecked.create_table(TableName=name, KeySchema=key_schema, AttributeDefinitions=definitions,
                              BillingMode="PAY_PER_REQUEST")
    assert_client_error(err, "ValidationException", message, contains=contains)
    with pytest.raises(ClientError) as err:
        dynamodb.describe_table(TableName=name)
    assert_client_error(err, "ResourceNotFoundException")


def test_missing_required_parameters(dynamodb):
    name = unique_name("noschema")
    with pytest.raises(ClientError) as err:
        dynamodb.create_table(TableName=name, KeySchema=[k("p", "HASH")], AttributeDefinitions=[],
                              BillingMode="PAY_PER_REQUEST")
    assert_client_error(err, "ValidationException")


def test_all_key_types_are_accepted(dynamodb, table):
    for key_type in ("S", "N", "B"):
        for range_type in ("S", "N", "B"):
            name = table(hash_key=("h", key_type), range_key=("r", range_type))
            desc = dynamodb.describe_table(TableName=name)["Table"]
            assert desc["KeySchema"] == [k("h", "HASH"), k("r", "RANGE")]
            assert sorted(desc["AttributeDefinitions"], key=lambda d: d["AttributeName"]) == [
                a("h", key_type), a("r", range_type)]


# ---------------------------------------------------------------------------
# Billing mode and throughput at creation
# ---------------------------------------------------------------------------

@pytest.mark.strata_only(DDBL_MESSAGES)
def test_billing_mode_errors(dynamodb_unchecked):
    dynamodb = dynamodb_unchecked  # these values never get past botocore's own checks
    name = unique_name("billing")
    with pytest.raises(ClientError) as err:
        dynamodb.create_table(**hash_table_params(name, BillingMode="PROVISIONED"))
    assert_client_error(err, "ValidationException",
                        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits "
                        "must both be specified when BillingMode is PROVISIONED")
    with pytest.raises(ClientError) as err:
        dynamodb.create_table(**hash_table_params(
            name, BillingMode="PAY_PER_REQUEST",
            ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}))
    assert_client_error(err, "ValidationException",
                        "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
                        "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
    with pytest.raises(ClientError) as err:
        dynamodb.create_table(**hash_table_params(name, BillingMode="FREE_OF_CHARGE"))
    assert_client_error(err, "ValidationException", contains=["'FREE_OF_CHARGE'", "billingMode",
                                                               "Member must satisfy enum value set"])
    with pytest.raises(ClientError) as err:
        dynamodb.create_table(**hash_table_params(name))  # neither mode nor throughput
    assert_client_error(err, "ValidationException")
    with pytest.raises(ClientError) as err:
        dynamodb.describe_table(TableName=name)
    assert_client_error(err, "ResourceNotFoundException")


@pytest.mark.strata_only(DDBL_MESSAGES)
@pytest.mark.parametrize("read,write,field", [(0, 1, "readCapacityUnits"), (1, 0, "writeCapacityUnits")],
                         ids=["read", "write"])
def test_throughput_must_be_positive(dynamodb_unchecked, read, write, field):
    name = unique_name("zero")
    with pytest.raises(ClientError) as err:
        dynamodb_unchecked.create_table(**hash_table_params(
            name, ProvisionedThroughput={"ReadCapacityUnits": read, "WriteCapacityUnits": write}))
    # Constraint messages quote the offending value, numbers included.
    assert_client_error(err, "ValidationException",
                        f"1 validation error detected: Value '0' at 'provisionedThroughput.{field}' "
                        f"failed to satisfy constraint: Member must have value greater than or equal to 1")


# ---------------------------------------------------------------------------
# UpdateTable
# ---------------------------------------------------------------------------

@pytest.mark.strata_only("DynamoDB Local does not count NumberOfDecreasesToday")
def test_update_throughput(dynamodb, table):
    name = table(billing_mode="PROVISIONED", throughput=(5, 5))
    dynamodb.put_item(TableName=name, Item={"p": {"S": "keep"}, "v": {"N": "1"}})
    response = dynamodb.update_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 10,
                                                                           "WriteCapacityUnits": 12})
    assert response["TableDescription"]["TableName"] == name
    desc = dynamodb.describe_table(TableName=name)["Table"]
    assert desc["TableStatus"] == "ACTIVE"
    assert desc["ProvisionedThroughput"]["ReadCapacityUnits"] == 10
    assert desc["ProvisionedThroughput"]["WriteCapacityUnits"] == 12
    assert "LastIncreaseDateTime" in desc["ProvisionedThroughput"]
    assert desc["ProvisionedThroughput"]["NumberOfDecreasesToday"] == 0

    dynamodb.update_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 12})
    desc = dynamodb.describe_table(TableName=name)["Table"]
    assert desc["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    assert desc["ProvisionedThroughput"]["WriteCapacityUnits"] == 12
    assert "LastDecreaseDateTime" in desc["ProvisionedThroughput"]
    assert desc["ProvisionedThroughput"]["NumberOfDecreasesToday"] == 1

    # The data is untouched by the change.
    item = dynamodb.get_item(TableName=name, Key={"p": {"S": "keep"}}, ConsistentRead=True)["Item"]
    assert item == {"p": {"S": "keep"}, "v": {"N": "1"}}


def test_update_billing_mode_both_ways(dynamodb, table):
    name = table(billing_mode="PAY_PER_REQUEST")
    dynamodb.put_item(TableName=name, Item={"p": {"S": "keep"}})
    dynamodb.update_table(TableName=name, BillingMode="PROVISIONED",
                          ProvisionedThroughput={"ReadCapacityUnits": 4, "WriteCapacityUnits": 6})
    desc = dynamodb.describe_table(TableName=name)["Table"]
    assert desc["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert desc["ProvisionedThroughput"]["ReadCapacityUnits"] == 4
    assert desc["ProvisionedThroughput"]["WriteCapacityUnits"] == 6

    before = datetime.datetime.now(datetime.timezone.utc)
    dynamodb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
    desc = dynamodb.describe_table(TableName=name)["Table"]
    assert desc["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    switched = desc["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"]
    assert switched >= before - datetime.timedelta(seconds=2)
    assert desc["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    assert desc["ProvisionedThroughput"]["WriteCapacityUnits"] == 0
    assert "Item" in dynamodb.get_item(TableName=name, Key={"p": {"S": "keep"}}, ConsistentRead=True)


@pytest.mark.strata_only(DDBL_MESSAGES)
def test_update_table_errors(dynamodb_unchecked, table):
    dynamodb = dynamodb_unchecked  # these values never get past botocore's own checks
    provisioned = table(billing_mode="PROVISIONED", throughput=(5, 5))
    on_demand = table(billing_mode="PAY_PER_REQUEST")

    with pytest.raises(ClientError) as err:
        dynamodb.update_table(TableName=provisioned,
                              ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    assert_client_error(err, "ValidationException",
                        contains="The provisioned throughput for the table will not change. "
                                 "The requested value equals the current value.")

    with pytest.raises(ClientError) as err:
        dynamodb.update_table(TableName=on_demand,
                              ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    assert_client_error(err, "ValidationException")

    with pytest.raises(ClientError) as err:
        dynamodb.update_table(TableName=on_demand, BillingMode="PROVISIONED")
    assert_client_error(err, "ValidationException")

    with pytest.raises(ClientError) as err:
        dynamodb.update_table(TableName=provisioned,
                              ProvisionedThroughput={"ReadCapacityUnits": 0, "WriteCapacityUnits": 5})
    assert_client_error(err, "ValidationException", contains="Member must have value greater than or equal to 1")

    with pytest.raises(ClientError) as err:
        dynamodb.update_table(TableName=provisioned, BillingMode="SOMETIMES")
    assert_client_error(err, "ValidationException", contains="Member must satisfy enum value set")

    with pytest.raises(ClientError) as err:
        dynamodb.update_table(TableName=provisioned)  # nothing to change
    assert_client_error(err, "ValidationException")

    # None of the failed updates changed anything.
    desc = dynamodb.describe_table(TableName=provisioned)["Table"]
    assert desc["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert desc["ProvisionedThroughput"]["WriteCapacityUnits"] == 5
    assert dynamodb.describe_table(TableName=on_demand)["Table"]["BillingModeSummary"]["BillingMode"] \
        == "PAY_PER_REQUEST"


# ---------------------------------------------------------------------------
# ListTables
# ---------------------------------------------------------------------------

def list_all(dynamodb, limit, max_pages=200):
    names, pages, start = [], 0, None
    while True:
        params = {"Limit": limit} if limit else {}
        if start:
            params["ExclusiveStartTableName"] = start
        page = dynamodb.list_tables(**params)
        pages += 1
        assert pages <= max_pages, "ListTables never stopped paging"
        if limit:
            assert len(page["TableNames"]) <= limit
        names += page["TableNames"]
        start = page.get("LastEvaluatedTableName")
        if not start:
            return names
        assert start == page["TableNames"][-1]


def test_list_tables_pagination(dynamodb, table):
    prefix = unique_name("list")
    ours = sorted(table(name=f"{prefix}_{i:02d}") for i in range(7))
    everything = list_all(dynamodb, None)
    assert everything == sorted(everything)
    assert len(everything) == len(set(everything))
    for limit in (1, 2, 3, 100):
        paged = list_all(dynamodb, limit)
        assert paged == everything, limit
    assert [n for n in everything if n.startswith(prefix)] == ours

    page = dynamodb.list_tables(ExclusiveStartTableName=ours[1], Limit=3)
    assert page["TableNames"][:3] == ours[2:5]
    assert page["LastEvaluatedTableName"] == ours[4]

    # The start name need not be a table: listing resumes after it.
    page = dynamodb.list_tables(ExclusiveStartTableName=ours[2] + "0", Limit=2)
    assert page["TableNames"] == ours[3:5]

    # Past the last table: an empty page without a LastEvaluatedTableName.
    page = dynamodb.list_tables(ExclusiveStartTableName="z" * 200)
    assert page["TableNames"] == []
    assert "LastEvaluatedTableName" not in page


@pytest.mark.strata_only(DDBL_MESSAGES)
@pytest.mark.parametrize("limit,constraint", [(0, "Member must have value greater than or equal to 1"),
                                               (101, "Member must have value less than or equal to 100")],
                         ids=["0", "101"])
def test_list_tables_limit_bounds(dynamodb_unchecked, limit, constraint):
    with pytest.raises(ClientError) as err:
        dynamodb_unchecked.list_tables(Limit=limit)
    # Constraint messages quote the offending value, numbers included.
    assert_client_error(err, "ValidationException",
                        f"1 validation error detected: Value '{limit}' at 'limit' "
                        f"failed to satisfy constraint: {constraint}")


def test_list_tables_limit_100_is_allowed(dynamodb):
    assert "TableNames" in dynamodb.list_tables(Limit=100)


def test_deleted_table_is_not_listed(dynamodb, table):
    name = table()
    assert name in list_all(dynamodb, 100)
    dynamodb.delete_table(TableName=name)
    assert name not in list_all(dynamodb, 100)


def test_tools_reading_settings_get_answers_with_the_features_off(aws, table):
    """What Terraform and the CDK call besides DescribeTable."""
    name = table()
    endpoint = aws("describe-endpoints")["Endpoints"][0]
    assert endpoint["CachePeriodInMinutes"] == 1440 and endpoint["Address"].startswith("127.0.0.1:")
    backups = aws("describe-continuous-backups", "--table-name", name)["ContinuousBackupsDescription"]
    assert backups == {"ContinuousBackupsStatus": "DISABLED",
                       "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}}
    assert aws("describe-contributor-insights", "--table-name", name)["ContributorInsightsStatus"] == "DISABLED"
    assert aws("describe-kinesis-streaming-destination", "--table-name", name)["KinesisDataStreamDestinations"] == []
