"""PartiQL: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction
through boto3 and the AWS CLI. Every statement form, SELECT on the table and
on its indexes, NextToken paging, parameters, RETURNING, cancelled
transactions, per-statement batch errors, and a randomized check that each
SELECT answers exactly as the Query or Scan it stands for (items, order and
consumed capacity)."""

from __future__ import annotations

import json
import random

import pytest
from botocore.exceptions import ClientError

from helpers import assert_client_error, unique_name

MAX_PAGES = 1_000  # every paging loop is bounded

S = lambda v: {"S": v}  # noqa: E731
N = lambda v: {"N": str(v)}  # noqa: E731


@pytest.fixture
def music(dynamodb, table):
    """Artist (S) / Song (S), a global index ByYear (Year, Song) and a local
    index ByRating (Artist, Rating)."""
    name = unique_name("partiql")
    dynamodb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "Artist", "KeyType": "HASH"}, {"AttributeName": "Song", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "Artist", "AttributeType": "S"},
            {"AttributeName": "Song", "AttributeType": "S"},
            {"AttributeName": "Year", "AttributeType": "N"},
            {"AttributeName": "Rating", "AttributeType": "N"},
        ],
        GlobalSecondaryIndexes=[{
            "IndexName": "ByYear",
            "KeySchema": [{"AttributeName": "Year", "KeyType": "HASH"}, {"AttributeName": "Song", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"},
        }],
        LocalSecondaryIndexes=[{
            "IndexName": "ByRating",
            "KeySchema": [{"AttributeName": "Artist", "KeyType": "HASH"}, {"AttributeName": "Rating", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }])
    return table.track(name)


def execute(dynamodb, statement, *parameters, **extra):
    if parameters:
        extra["Parameters"] = list(parameters)
    return dynamodb.execute_statement(Statement=statement, **extra)


def select_all(dynamodb, statement, *parameters, **extra):
    """Every item of a SELECT, following NextToken."""
    items, token = [], None
    for _ in range(MAX_PAGES):
        page = execute(dynamodb, statement, *parameters, **extra, **({"NextToken": token} if token else {}))
        items += page["Items"]
        token = page.get("NextToken")
        if token is None:
            return items
    raise AssertionError("paging did not end")


def fill(dynamodb, music):
    songs = [("Acme", "One", 2001, 5), ("Acme", "Two", 2005, 3), ("Acme", "Three", 2001, 4), ("Zed", "Alpha", 1999, 1)]
    for artist, song, year, rating in songs:
        execute(dynamodb, f'INSERT INTO "{music}" VALUE {{\'Artist\': ?, \'Song\': ?, \'Year\': ?, \'Rating\': ?}}',
                S(artist), S(song), N(year), N(rating))
    return songs


# ---------------------------------------------------------------------------
# Statement forms
# ---------------------------------------------------------------------------

def test_insert_then_select_the_item(dynamodb, music):
    result = execute(dynamodb, f"INSERT INTO \"{music}\" VALUE {{'Artist': 'Acme', 'Song': 'One', 'Tags': <<'a', 'b'>>, "
                               f"'Meta': {{'plays': 3, 'ok': true, 'none': null, 'list': [1, 'x']}}}}")
    assert result["Items"] == []
    item = dynamodb.get_item(TableName=music, Key={"Artist": S("Acme"), "Song": S("One")})["Item"]
    assert item["Tags"] == {"SS": ["a", "b"]}
    assert item["Meta"] == {"M": {"plays": N(3), "ok": {"BOOL": True}, "none": {"NULL": True}, "list": {"L": [N(1), S("x")]}}}
    selected = execute(dynamodb, f'SELECT * FROM "{music}" WHERE Artist = ? AND Song = ?', S("Acme"), S("One"))
    assert selected["Items"] == [item]


def test_insert_of_a_taken_key_is_a_duplicate(dynamodb, music):
    execute(dynamodb, f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'b'}}")
    with pytest.raises(ClientError) as excinfo:
        execute(dynamodb, f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'b', 'x': 1}}")
    assert_client_error(excinfo, "DuplicateItemException", "Duplicate primary key exists in table")
    assert "x" not in dynamodb.get_item(TableName=music, Key={"Artist": S("a"), "Song": S("b")})["Item"]


def test_select_projects_nested_paths(dynamodb, music):
    execute(dynamodb, f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'b', 'm': {{'x': 1, 'y': 2}}, 'l': [10, 20, 30]}}")
    # Each path's value answers under its last name, with any list index.
    result = execute(dynamodb, f'SELECT m.x, l[1], Song FROM "{music}" WHERE Artist = \'a\' AND Song = \'b\'')
    assert result["Items"] == [{"x": N(1), "l[1]": N(20), "Song": S("b")}]
    queried = execute(dynamodb, f'SELECT m.y FROM "{music}" WHERE Artist = \'a\'')
    assert queried["Items"] == [{"y": N(2)}]
    batch = dynamodb.batch_execute_statement(Statements=[{"Statement": f'SELECT m.y FROM "{music}" WHERE Artist = \'a\' AND Song = \'b\''}])
    assert batch["Responses"] == [{"TableName": music, "Item": {"y": N(2)}}]


def test_select_of_a_missing_item_is_empty(dynamodb, music):
    assert execute(dynamodb, f'SELECT * FROM "{music}" WHERE Artist = \'no\' AND Song = \'such\'')["Items"] == []


def test_query_with_order_and_sort_key_conditions(dynamodb, music):
    fill(dynamodb, music)
    songs = lambda items: [i["Song"]["S"] for i in items]  # noqa: E731
    assert songs(select_all(dynamodb, f'SELECT Song FROM "{music}" WHERE Artist = ?', S("Acme"))) == ["One", "Three", "Two"]
    assert songs(select_all(dynamodb, f'SELECT Song FROM "{music}" WHERE Artist = ? ORDER BY Song DESC', S("Acme"))) == ["Two", "Three", "One"]
    assert songs(select_all(dynamodb, f'SELECT * FROM "{music}" WHERE Artist = \'Acme\' AND Song BETWEEN \'P\' AND \'Tz\'')) == ["Three", "Two"]
    assert songs(select_all(dynamodb, f'SELECT * FROM "{music}" WHERE Artist = \'Acme\' AND begins_with(Song, \'T\') AND Year = 2001')) == ["Three"]
    assert songs(select_all(dynamodb, f'SELECT * FROM "{music}" WHERE Artist = \'Acme\' AND Year IN [2005, 1999]')) == ["Two"]


def test_in_and_or_on_the_partition_key_query_each_value(dynamodb, music):
    fill(dynamodb, music)
    for i in range(10):
        execute(dynamodb, f"INSERT INTO \"{music}\" VALUE {{'Artist': 'Many', 'Song': ?}}", S(f"m{i}"))
    songs = [i["Song"]["S"] for i in select_all(dynamodb, f'SELECT Song FROM "{music}" WHERE Artist IN [\'Zed\', \'Many\', \'Acme\']', Limit=4)]
    assert songs == ["Alpha"] + [f"m{i}" for i in range(10)] + ["One", "Three", "Two"]
    either = execute(dynamodb, f'SELECT Song FROM "{music}" WHERE (Artist = \'Zed\' OR Artist = \'Acme\') AND Year <> 2005',
                     ReturnConsumedCapacity="TOTAL")
    assert [i["Song"]["S"] for i in either["Items"]] == ["Alpha", "One", "Three"]
    # Two Queries, each reading less than 4 KB: 0.5 units apiece.
    assert either["ConsumedCapacity"] == {"TableName": music, "CapacityUnits": 1.0}


def test_scan_with_conditions(dynamodb, music):
    fill(dynamodb, music)
    songs = lambda statement: sorted(i["Song"]["S"] for i in select_all(dynamodb, statement))  # noqa: E731
    assert songs(f'SELECT * FROM "{music}"') == ["Alpha", "One", "Three", "Two"]
    assert songs(f'SELECT * FROM "{music}" WHERE Year < 2002 AND NOT Rating = 4') == ["Alpha", "One"]
    assert songs(f'SELECT * FROM "{music}" WHERE Year = 1999 OR Rating >= 5') == ["Alpha", "One"]
    assert songs(f'SELECT * FROM "{music}" WHERE Label IS MISSING AND Year IS NOT MISSING AND size(Song) = 3') == ["One", "Two"]
    assert songs(f'SELECT * FROM "{music}" WHERE contains(Song, \'h\') OR attribute_type(Year, \'S\')') == ["Alpha", "Three"]


def test_select_from_a_global_and_a_local_index(dynamodb, music):
    fill(dynamodb, music)
    by_year = select_all(dynamodb, f'SELECT Song, Artist FROM "{music}"."ByYear" WHERE Year = 2001 ORDER BY Song DESC')
    assert by_year == [{"Song": S("Three"), "Artist": S("Acme")}, {"Song": S("One"), "Artist": S("Acme")}]
    by_rating = select_all(dynamodb, f'SELECT * FROM "{music}"."ByRating" WHERE Artist = \'Acme\' AND Rating >= 4')
    assert [i["Song"]["S"] for i in by_rating] == ["Three", "One"]
    assert set(by_rating[0]) == {"Artist", "Song", "Rating"}  # keys only
    with pytest.raises(ClientError) as excinfo:
        execute(dynamodb, f'SELECT * FROM "{music}"."ByYear" WHERE Year = 2001', ConsistentRead=True)
    assert_client_error(excinfo, "ValidationException", "Strongly consistent read is not supported on Global Secondary Indexes")


def test_paging_with_next_token(dynamodb, music):
    for i in range(25):
        execute(dynamodb, f"INSERT INTO \"{music}\" VALUE {{'Artist': 'p', 'Song': ?, 'n': ?}}", S(f"s{i:02}"), N(i))
    pages, token, seen = 0, None, []
    for _ in range(MAX_PAGES):
        page = execute(dynamodb, f'SELECT Song FROM "{music}" WHERE Artist = \'p\' AND n >= 5', Limit=7,
                       **({"NextToken": token} if token else {}))
        pages += 1
        seen += [i["Song"]["S"] for i in page["Items"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == [f"s{i:02}" for i in range(5, 25)]
    assert pages == 4  # Limit counts the items read, before the filter
    scanned = select_all(dynamodb, f'SELECT * FROM "{music}"', Limit=4)
    assert len(scanned) == 25


def test_update_forms_and_returning(dynamodb, music):
    execute(dynamodb, f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'b', 'n': 1, 'l': [1], 's': <<'x', 'y'>>, 'gone': 1}}")
    key = f"WHERE Artist = 'a' AND Song = 'b'"
    new = execute(dynamodb, f'UPDATE "{music}" SET n = n + 2 SET l = list_append(l, [2, 3]) REMOVE gone {key} RETURNING ALL NEW *')
    assert new["Items"] == [{"Artist": S("a"), "Song": S("b"), "n": N(3), "l": {"L": [N(1), N(2), N(3)]}, "s": {"SS": ["x", "y"]}}]
    modified = execute(dynamodb, f'UPDATE "{music}" SET s = set_add(s, <<\'z\'>>) {key} RETURNING MODIFIED NEW *')
    assert {"s": {"SS": sorted(modified["Items"][0]["s"]["SS"])}} == {"s": {"SS": ["x", "y", "z"]}}
    old = execute(dynamodb, f'UPDATE "{music}" SET s = set_delete(s, <<\'x\', \'y\'>>), n = ? {key} RETURNING MODIFIED OLD *', N(10))
    assert old["Items"][0]["n"] == N(3)
    all_old = execute(dynamodb, f'UPDATE "{music}" SET tag = \'t\' {key} RETURNING ALL OLD *')
    assert all_old["Items"][0]["s"] == {"SS": ["z"]} and "tag" not in all_old["Items"][0]
    assert execute(dynamodb, f'UPDATE "{music}" SET tag = \'u\' {key}')["Items"] == []


def test_update_needs_an_existing_item_and_its_condition(dynamodb, music):
    with pytest.raises(ClientError) as excinfo:
        execute(dynamodb, f'UPDATE "{music}" SET x = 1 WHERE Artist = \'no\' AND Song = \'such\'')
    assert_client_error(excinfo, "ConditionalCheckFailedException")
    assert "Item" not in dynamodb.get_item(TableName=music, Key={"Artist": S("no"), "Song": S("such")})
    execute(dynamodb, f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'b', 'n': 1}}")
    with pytest.raises(ClientError) as excinfo:
        execute(dynamodb, f'UPDATE "{music}" SET x = 1 WHERE Artist = \'a\' AND Song = \'b\' AND n > 1',
                ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert_client_error(excinfo, "ConditionalCheckFailedException")
    assert excinfo.value.response["Item"]["n"] == N(1)


def test_delete_with_condition_and_returning(dynamodb, music):
    execute(dynamodb, f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'b', 'n': 1}}")
    with pytest.raises(ClientError) as excinfo:
        execute(dynamodb, f'DELETE FROM "{music}" WHERE Artist = \'a\' AND Song = \'b\' AND n = 2')
    assert_client_error(excinfo, "ConditionalCheckFailedException")
    deleted = execute(dynamodb, f'DELETE FROM "{music}" WHERE Artist = ? AND Song = ? RETURNING ALL OLD *', S("a"), S("b"))
    assert deleted["Items"] == [{"Artist": S("a"), "Song": S("b"), "n": N(1)}]
    assert "Item" not in dynamodb.get_item(TableName=music, Key={"Artist": S("a"), "Song": S("b")})
    # A DELETE of an item that is not there succeeds and returns nothing.
    assert execute(dynamodb, f'DELETE FROM "{music}" WHERE Artist = \'a\' AND Song = \'b\' RETURNING ALL OLD *')["Items"] == []


def test_parameters_of_every_type(dynamodb, music):
    values = [S("a"), N("1.5"), {"B": b"\x00\x01"}, {"BOOL": False}, {"NULL": True}, {"L": [S("x")]},
              {"M": {"k": N(1)}}, {"SS": ["p", "q"]}, {"NS": ["1", "2"]}, {"BS": [b"\x01"]}]
    for position, value in enumerate(values):
        execute(dynamodb, f"INSERT INTO \"{music}\" VALUE {{'Artist': 'params', 'Song': ?, 'v': ?}}", S(str(position)), value)
    for position, value in enumerate(values):
        found = execute(dynamodb, f'SELECT v FROM "{music}" WHERE Artist = \'params\' AND Song = ? AND v = ?', S(str(position)), value)
        assert len(found["Items"]) == 1, value


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("statement, message", [
    ("SELEC * FROM t", "Statement wasn't well formed, can't be processed: Expected data manipulation"),
    ("SELECT * FROM \"t\" garbage", "Statement wasn't well formed, can't be processed: Unexpected token after expression"),
    ("SELECT * FROM \"t\" WHERE a = 'open", "Statement wasn't well formed, can't be processed: "),
    # OPEN is one of PartiQL's reserved words: it names an attribute only in double quotes.
    ("SELECT * FROM \"t\" WHERE open = 1", "Statement wasn't well formed, can't be processed: Unexpected keyword"),
])
def test_syntax_errors(dynamodb, statement, message):
    with pytest.raises(ClientError) as excinfo:
        execute(dynamodb, statement)
    assert_client_error(excinfo, "ValidationException", message)


def test_statement_errors(dynamodb, music):
    cases = [
        ('SELECT * FROM "no-such-table"', (), "ResourceNotFoundException", "Requested resource not found"),
        (f'SELECT * FROM "{music}"."Nope"', (), "ValidationException", "The table does not have the specified index"),
        (f'SELECT * FROM "{music}" WHERE Artist = 1', (), "ValidationException",
         "Key attribute's data type should match its data type in table's schema: Key Artist"),
        (f'SELECT a.z, b.z FROM "{music}"', (), "ValidationException", "Duplicate identifiers in select clause: z"),
        (f'UPDATE "{music}" SET x = 1 WHERE Artist = \'a\'', (), "ValidationException",
         "Where clause does not contain a mandatory equality on all key attributes"),
        (f'DELETE FROM "{music}" WHERE Artist = ?', (S("a"), S("b")), "ValidationException",
         "Number of parameters in request and statement don't match."),
        (f'SELECT * FROM "{music}" ORDER BY Song', (), "ValidationException",
         "Must have WHERE clause in the statement when using ORDER BY clause."),
        (f'UPDATE "{music}" SET Song = \'x\' WHERE Artist = \'a\' AND Song = \'b\'', (), "ValidationException",
         "One or more parameter values were invalid: Cannot update attribute Song. This attribute is part of the key"),
        (f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a'}}", (), "ValidationException",
         "One or more parameter values were invalid: Missing the key Song in the item"),
        (f'UPDATE "{music}" SET n = n + \'x\' WHERE Artist = \'a\' AND Song = \'b\'', (), "ValidationException",
         "Incorrect operand type for operator or function; operator or function: +, operand type: S"),
        (f'UPDATE "{music}" SET s = set_add(t, <<1>>) WHERE Artist = \'a\' AND Song = \'b\'', (), "ValidationException",
         "The first argument to SET_ADD must equal the assignment value"),
        (f'EXISTS(SELECT * FROM "{music}" WHERE Artist = \'a\' AND Song = \'b\')', (), "ValidationException",
         "EXISTS can only be used in ExecuteTransaction write requests."),
    ]
    for statement, parameters, code, message in cases:
        with pytest.raises(ClientError) as excinfo:
            execute(dynamodb, statement, *parameters)
        assert_client_error(excinfo, code, message)
    with pytest.raises(ClientError) as excinfo:
        execute(dynamodb, f'SELECT * FROM "{music}" WHERE attribute_type(n, \'X\')')
    assert_client_error(excinfo, "ValidationException", contains="Invalid attribute type name found; type: X, valid types:")


def test_request_validation(dynamodb_unchecked):
    with pytest.raises(ClientError) as excinfo:
        dynamodb_unchecked.execute_statement(Statement="")
    assert_client_error(excinfo, "ValidationException",
                        "1 validation error detected: Value '' at 'statement' failed to satisfy constraint: "
                        "Member must have length greater than or equal to 1")
    with pytest.raises(ClientError) as excinfo:
        dynamodb_unchecked.execute_statement(Statement="SELECT * FROM t", Parameters=[])
    assert_client_error(excinfo, "ValidationException", contains="Member must have length greater than or equal to 1")
    with pytest.raises(ClientError) as excinfo:
        dynamodb_unchecked.execute_statement(Statement="SELECT * FROM t", Limit=0)
    assert_client_error(excinfo, "ValidationException", contains="at 'limit' failed to satisfy constraint")
    with pytest.raises(ClientError) as excinfo:
        dynamodb_unchecked.batch_execute_statement(Statements=[{"Statement": "SELECT * FROM t"}] * 26)
    assert_client_error(excinfo, "ValidationException",
                        "1 validation error detected: Value '26' at 'statements' failed to satisfy constraint: "
                        "Member must have length less than or equal to 25")
    with pytest.raises(ClientError) as excinfo:
        dynamodb_unchecked.execute_transaction(TransactStatements=[])
    assert_client_error(excinfo, "ValidationException",
                        "1 validation error detected: Value '[]' at 'transactStatements' failed to satisfy constraint: "
                        "Member must have length greater than or equal to 1")


# ---------------------------------------------------------------------------
# BatchExecuteStatement and ExecuteTransaction
# ---------------------------------------------------------------------------

def test_batch_reports_each_statements_error(dynamodb, music):
    execute(dynamodb, f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'taken'}}")
    execute(dynamodb, f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'other'}}")
    result = dynamodb.batch_execute_statement(Statements=[
        {"Statement": f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'new'}}"},
        {"Statement": f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'taken'}}"},
        {"Statement": f'UPDATE "{music}" SET x = 1 WHERE Artist = ? AND Song = ? AND x = 5',
         "Parameters": [S("a"), S("other")], "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
        {"Statement": "DELETE FROM \"no-such-table\" WHERE a = 1"},
        {"Statement": "DELET"},
    ], ReturnConsumedCapacity="TOTAL")
    responses = result["Responses"]
    assert responses[0] == {"TableName": music}
    assert responses[1]["Error"] == {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"}
    # DynamoDB returns no item with a member's error, ALL_OLD or not.
    assert responses[2]["Error"] == {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}
    assert responses[3]["Error"]["Code"] == "ResourceNotFound"
    assert responses[4]["Error"]["Code"] == "ValidationError"
    assert result["ConsumedCapacity"] == [{"TableName": music, "CapacityUnits": 1.0}]
    assert "Item" in dynamodb.get_item(TableName=music, Key={"Artist": S("a"), "Song": S("new")})


def test_batch_reads(dynamodb, music):
    fill(dynamodb, music)
    result = dynamodb.batch_execute_statement(Statements=[
        {"Statement": f'SELECT Year FROM "{music}" WHERE Artist = ? AND Song = ?', "Parameters": [S("Acme"), S("One")]},
        {"Statement": f'SELECT * FROM "{music}" WHERE Artist = ? AND Song = ?', "Parameters": [S("Acme"), S("Nope")]},
        {"Statement": f'SELECT * FROM "{music}" WHERE Artist = ?', "Parameters": [S("Acme")]},
    ])
    responses = result["Responses"]
    assert responses[0] == {"TableName": music, "Item": {"Year": N(2001)}}
    assert responses[1] == {"TableName": music}
    assert responses[2]["Error"] == {
        "Code": "ValidationError", "Message": "Select statements within BatchExecuteStatement must specify the primary key in the where clause."}


def test_batches_refused_whole(dynamodb, music):
    with pytest.raises(ClientError) as excinfo:
        dynamodb.batch_execute_statement(Statements=[
            {"Statement": f'SELECT * FROM "{music}" WHERE Artist = \'a\' AND Song = \'b\''},
            {"Statement": f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'b'}}"},
        ])
    assert_client_error(excinfo, "ValidationException", "Read and write requests together in the same batch is not supported.")
    with pytest.raises(ClientError) as excinfo:
        dynamodb.batch_execute_statement(Statements=[
            {"Statement": f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'b'}}"},
            {"Statement": f'DELETE FROM "{music}" WHERE Artist = \'a\' AND Song = \'b\''},
        ])
    assert_client_error(excinfo, "ValidationException", "Provided list of item keys contains duplicates")
    assert "Item" not in dynamodb.get_item(TableName=music, Key={"Artist": S("a"), "Song": S("b")})


def test_transaction_of_writes_and_its_cancellation(dynamodb, music):
    execute(dynamodb, f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'taken', 'n': 1}}")
    with pytest.raises(ClientError) as excinfo:
        dynamodb.execute_transaction(TransactStatements=[
            {"Statement": f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'new'}}"},
            {"Statement": f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'taken'}}"},
            {"Statement": f'UPDATE "{music}" SET n = n + 1 WHERE Artist = \'a\' AND Song = \'other\''},
        ])
    assert_client_error(excinfo, "TransactionCanceledException")
    reasons = excinfo.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "DuplicateItem", "ConditionalCheckFailed"]
    assert "Item" not in dynamodb.get_item(TableName=music, Key={"Artist": S("a"), "Song": S("new")})

    dynamodb.execute_transaction(TransactStatements=[
        {"Statement": f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'new'}}"},
        {"Statement": f'UPDATE "{music}" SET n = n + ? WHERE Artist = ? AND Song = ?', "Parameters": [N(5), S("a"), S("taken")]},
    ], ClientRequestToken="token-1")
    assert dynamodb.get_item(TableName=music, Key={"Artist": S("a"), "Song": S("taken")})["Item"]["n"] == N(6)


def test_transaction_condition_check_with_exists(dynamodb, music):
    execute(dynamodb, f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'gate', 'open': false}}")
    statements = [
        {"Statement": f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'through'}}"},
        {"Statement": f'EXISTS(SELECT * FROM "{music}" WHERE Artist = \'a\' AND Song = \'gate\' AND "open" = true)'},
    ]
    with pytest.raises(ClientError) as excinfo:
        dynamodb.execute_transaction(TransactStatements=statements)
    assert [r["Code"] for r in excinfo.value.response["CancellationReasons"]] == ["None", "ConditionalCheckFailed"]
    execute(dynamodb, f'UPDATE "{music}" SET "open" = true WHERE Artist = \'a\' AND Song = \'gate\'')
    dynamodb.execute_transaction(TransactStatements=statements)
    assert "Item" in dynamodb.get_item(TableName=music, Key={"Artist": S("a"), "Song": S("through")})


def test_transaction_rules(dynamodb, music):
    key = "WHERE Artist = 'a' AND Song = 'b'"
    cases = [
        ([f'SELECT * FROM "{music}" {key}', f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'c'}}"],
         "ExecuteTransaction API does not support both read and write operations in the same request."),
        ([f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'c'}}", f'DELETE FROM "{music}" {key} RETURNING ALL OLD *'],
         "Validation failed in TransactStatements[1]: RETURNING clause is not supported in ExecuteTransaction."),
        ([f'SELECT * FROM "{music}" WHERE Artist = \'a\''],
         "Validation failed in TransactStatements[0]: Select statements within ExecuteTransaction must specify the primary key in the where clause."),
        ([f'SELECT * FROM "{music}"."ByYear" WHERE Year = 1 AND Song = \'b\''],
         "Validation failed in TransactStatements[0]: Reads on indices are not supported within transactions."),
        ([f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'c'}}", f'EXISTS(SELECT * FROM "{music}" {key})'],
         "Validation failed in TransactStatements[1]: EXISTS() must contain a single item read with additional condition"),
        (["SELEC"], "Validation failed in TransactStatements[0]: Statement wasn't well formed, can't be processed: Expected data manipulation"),
    ]
    for statements, message in cases:
        with pytest.raises(ClientError) as excinfo:
            dynamodb.execute_transaction(TransactStatements=[{"Statement": s} for s in statements])
        assert_client_error(excinfo, "ValidationException", message)
    # A missing table cancels the transaction, with a reason of its own.
    with pytest.raises(ClientError) as excinfo:
        dynamodb.execute_transaction(TransactStatements=[
            {"Statement": f"INSERT INTO \"{music}\" VALUE {{'Artist': 'a', 'Song': 'c'}}"},
            {"Statement": "INSERT INTO \"no-such-table\" VALUE {'p': 1}"},
        ])
    assert_client_error(excinfo, "TransactionCanceledException")
    assert excinfo.value.response["CancellationReasons"] == [
        {"Code": "None"}, {"Code": "ResourceNotFound", "Message": "Requested resource not found"}]


def test_transaction_of_reads(dynamodb, music):
    fill(dynamodb, music)
    result = dynamodb.execute_transaction(TransactStatements=[
        {"Statement": f'SELECT Year FROM "{music}" WHERE Artist = ? AND Song = ?', "Parameters": [S("Acme"), S("One")]},
        {"Statement": f'SELECT * FROM "{music}" WHERE Artist = ? AND Song = ?', "Parameters": [S("Acme"), S("Nope")]},
        {"Statement": f'SELECT Song FROM "{music}" WHERE Artist = ? AND Song = ?', "Parameters": [S("Zed"), S("Alpha")]},
    ], ReturnConsumedCapacity="TOTAL")
    assert result["Responses"] == [{"Item": {"Year": N(2001)}}, {}, {"Item": {"Song": S("Alpha")}}]
    assert result["ConsumedCapacity"][0]["TableName"] == music


# ---------------------------------------------------------------------------
# The AWS CLI
# ---------------------------------------------------------------------------

def test_the_aws_cli(aws, music):
    aws("execute-statement", "--statement", f"INSERT INTO \"{music}\" VALUE {{'Artist': 'cli', 'Song': 'one', 'n': 1}}")
    found = aws("execute-statement", "--statement", f'SELECT * FROM "{music}" WHERE Artist = ?',
                "--parameters", json.dumps([S("cli")]))
    assert found["Items"] == [{"Artist": S("cli"), "Song": S("one"), "n": N(1)}]
    batch = aws("batch-execute-statement", "--statements", json.dumps([
        {"Statement": f"INSERT INTO \"{music}\" VALUE {{'Artist': 'cli', 'Song': 'two'}}"},
        {"Statement": f"INSERT INTO \"{music}\" VALUE {{'Artist': 'cli', 'Song': 'one'}}"},
    ]))
    assert [r.get("Error", {}).get("Code") for r in batch["Responses"]] == [None, "DuplicateItem"]
    aws("execute-transaction", "--transact-statements", json.dumps([
        {"Statement": f'UPDATE "{music}" SET n = n + 1 WHERE Artist = \'cli\' AND Song = \'one\''},
        {"Statement": f'DELETE FROM "{music}" WHERE Artist = \'cli\' AND Song = \'two\''},
    ]))
    after = aws("execute-statement", "--statement", f'SELECT Song, n FROM "{music}" WHERE Artist = \'cli\'')
    assert after["Items"] == [{"Song": S("one"), "n": N(2)}]


# ---------------------------------------------------------------------------
# Every SELECT answers as the Query or Scan it stands for
# ---------------------------------------------------------------------------

def _random_items(rng):
    items = []
    for p in range(6):
        for s in rng.sample(range(40), rng.randint(1, 15)):
            item = {"pk": S(f"p{p}"), "sk": N(s)}
            if rng.random() < 0.8:
                item["a"] = N(rng.randint(0, 9))
            if rng.random() < 0.5:
                item["b"] = S(rng.choice(["x", "xy", "y", "yz"]))
            if rng.random() < 0.3:
                item["pad"] = S("z" * rng.randint(100, 3000))  # pages of several read units
            items.append(item)
    return items


def _random_condition(rng):
    """A SELECT's WHERE terms beyond the partition key, and the same as a
    key condition on sk and a filter, with expression values."""
    terms, key, filters, values = [], None, [], {}
    if rng.random() < 0.6:
        low, high = sorted(rng.sample(range(40), 2))
        key_form = rng.choice(["=", "<", "<=", ">", ">=", "between"])
        if key_form == "between":
            terms.append(f"sk BETWEEN {low} AND {high}")
            key, values[":lo"], values[":hi"] = "sk BETWEEN :lo AND :hi", N(low), N(high)
        else:
            terms.append(f"sk {key_form} {low}")
            key, values[":lo"] = f"sk {key_form} :lo", N(low)
    if rng.random() < 0.6:
        value = rng.randint(0, 9)
        op = rng.choice(["=", "<>", "<", ">="])
        terms.append(f"a {op} {value}")
        # In PartiQL `a <> v` is false where `a` is missing.
        filters.append("attribute_exists(a) AND a <> :a" if op == "<>" else f"a {op} :a")
        values[":a"] = N(value)
    if rng.random() < 0.4:
        terms.append("begins_with(b, 'x')")
        filters.append("begins_with(b, :b)")
        values[":b"] = S("x")
    if rng.random() < 0.2:
        terms.append("b IS MISSING")
        filters.append("attribute_not_exists(b)")
    return terms, key, filters, values


def test_every_select_answers_as_its_query_or_scan(dynamodb, table):
    rng = random.Random(20261205)
    name = table(hash_key=("pk", "S"), range_key=("sk", "N"))
    for item in _random_items(rng):
        dynamodb.put_item(TableName=name, Item=item)
    for round_ in range(60):
        terms, key, filters, values = _random_condition(rng)
        by_partition = rng.random() < 0.7
        descending = by_partition and rng.random() < 0.3
        limit = rng.choice([None, 3, 10])
        consistent = rng.random() < 0.3
        where = ([f"pk = 'p{rng.randint(0, 6)}'"] if by_partition else []) + terms
        statement = f'SELECT * FROM "{name}"' + (" WHERE " + " AND ".join(where) if where else "")
        if descending:
            statement += " ORDER BY sk DESC"
        extra = {"ReturnConsumedCapacity": "TOTAL", "ConsistentRead": consistent, **({"Limit": limit} if limit else {})}

        request = {"TableName": name, **extra}
        expression_values = dict(values)
        if by_partition:
            expression_values[":pk"] = S(where[0].split("'")[1])
            request["KeyConditionExpression"] = "pk = :pk" + (f" AND {key}" if key else "")
            filter_terms = filters
            if descending:
                request["ScanIndexForward"] = False
        else:
            filter_terms = ([key] if key else []) + filters
        if filter_terms:
            request["FilterExpression"] = " AND ".join(filter_terms)
        if expression_values and (filter_terms or by_partition):
            request["ExpressionAttributeValues"] = expression_values
        operation = dynamodb.query if by_partition else dynamodb.scan

        token, start = None, None
        for _ in range(MAX_PAGES):
            page = execute(dynamodb, statement, **extra, **({"NextToken": token} if token else {}))
            expected = operation(**request, **({"ExclusiveStartKey": start} if start else {}))
            assert page["Items"] == expected["Items"], (round_, statement)
            assert page["ConsumedCapacity"] == expected["ConsumedCapacity"], (round_, statement)
            token, start = page.get("NextToken"), expected.get("LastEvaluatedKey")
            assert (token is None) == (start is None), (round_, statement)
            if token is None:
                break
