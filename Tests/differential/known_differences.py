"""The differences from DynamoDB Local 1.13.3 that are classified. Each
entry is named after its section in KNOWN-DIFFERENCES.md, which gives the
source for what AWS DynamoDB does. `classify` answers the entry a
difference belongs to, or None when it is not classified (a new difference,
to be fixed in Strata or classified here).

`left` is Strata's normalised answer, `right` the reference's."""

from __future__ import annotations

import decimal
import json
import pathlib
import re

ENTRIES = []


def entry(name):
    def register(match):
        ENTRIES.append((name, match))
        return match
    return register


def undocumented():
    """Entries without their section in KNOWN-DIFFERENCES.md."""
    path = pathlib.Path(__file__).with_name("KNOWN-DIFFERENCES.md")
    sections = set(re.findall(r"^## (\S+)$", path.read_text(), re.M))
    return sorted({name for name, _ in ENTRIES} - sections)


def classify(operation, body, left, right):
    for name, match in ENTRIES:
        if match(operation, body, left, right):
            return name
    return None


def error(side):
    return side.get("status", 200) != 200


def message(side):
    return side.get("message") or ""


# ---------------------------------------------------------------------------
# What AWS checks first. DynamoDB answers the first problem it finds, in this
# order: the JSON's types (SerializationException), the members' declared
# constraints ("N validation errors detected"), what can be checked without
# the table (attribute values, expressions, names and values used), the
# table's existence, and last what needs the table (the key schema).
# ---------------------------------------------------------------------------

SERIALIZATION, CONSTRAINTS, REQUEST, TABLE, SCHEMA, EXECUTION = range(6)

REQUEST_MESSAGES = re.compile(
    r"^(Invalid (Update|Condition|Projection|Filter|KeyCondition)Expression|ExpressionAttribute(Values|Names) |"
    r"Can not use both expression and non-expression parameters|Provided list of item keys contains duplicates|"
    r"ALL_PROJECTED_ATTRIBUTES can be used only when|Must specify the AttributesToGet or ProjectionExpression|"
    r"Cannot specify the ProjectionExpression when choosing"
    r"|Value provided in ExpressionAttributeValues unused|Supplied AttributeValue|One or more parameter values were "
    r"invalid: (Null attribute|An? \w+ set|Binary sets|Input collection)|The parameter cannot be converted|"
    r"Attempting to store more than 38|ReturnValues can only be|The Segment parameter is zero-based|"
    r"Transaction request cannot include multiple operations on one item|Two document paths)")
# DynamoDB Local's own words for a member constraint.
REFERENCE_CONSTRAINTS = re.compile(r"^(Invalid table/index name|Limit must be greater|Return values set to invalid value)")


def stage(side):
    if not error(side):
        return EXECUTION + 1
    if side["type"] in ("ConditionalCheckFailedException", "TransactionCanceledException"):
        return EXECUTION
    if side["type"] == "SerializationException":
        return SERIALIZATION
    text = message(side)
    if re.match(r"^\d+ validation errors? detected", text) or REFERENCE_CONSTRAINTS.match(text):
        return CONSTRAINTS
    if side["type"] == "ResourceNotFoundException":
        return TABLE
    if side["type"] == "ValidationException" and REQUEST_MESSAGES.match(text):
        return REQUEST
    return SCHEMA


@entry("wrong-json-type")
def wrong_json_type(operation, body, left, right):
    """Strata refuses a member of the wrong JSON type; DynamoDB Local
    converts it, or fails inside."""
    return left.get("type") == "SerializationException" and right.get("type") != "SerializationException"


@entry("validation-order")
def validation_order(operation, body, left, right):
    """Both refuse the request; Strata names a problem DynamoDB checks
    earlier than the one DynamoDB Local names."""
    return error(left) and error(right) and stage(left) < stage(right)


# ---------------------------------------------------------------------------
# Wording: the same error, in DynamoDB Local's words.
# ---------------------------------------------------------------------------

WORDINGS = [
    # (DynamoDB Local's message, Strata's (AWS's) message), both patterns;
    # KNOWN-DIFFERENCES.md's wording table gives each one's source.
    (r"^Cannot do operations on a non-existent table$", r"^Requested resource not found"),
    (r"^(Invalid table/index name|Limit must be greater|Return values set to invalid value)", r"^\d+ validation errors? detected"),
    (r"validation error detected: Value '\d+' at 'segment'", r"^The Segment parameter is zero-based"),
    (r"^Return values set to invalid value$", r"^ReturnValues can only be ALL_OLD or NONE$"),
    (r"^One or more parameter values were invalid: Type mismatch for key$",
     r"^(The provided key element does not match the schema|One or more parameter values were invalid: Type mismatch for key \w+ expected)"),
    (r"^The number of conditions on the keys is invalid$", r"^The provided key element does not match the schema$"),
    (r"^One of the required keys was not given a value$", r"^One or more parameter values were invalid: Missing the key"),
    (r"^One or more parameter values are not valid\. The AttributeValue for a key attribute cannot contain an empty",
     r"^One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain an empty"),
    (r"^Exclusive Start Key must have same size as table's key schema$|^Type mismatch for attribute to update$",
     r"^The provided starting key is invalid|^The provided exclusive start key is invalid"),
    (r"^INVALID_EXCLUSIVE_START: ", r"^The provided starting key is invalid: "),
    (r"^The provided starting key does not match the range key predicate$",
     r"^The provided starting key is outside query boundaries based on provided conditions$|^The provided exclusive start key is invalid"),
    (r"A value provided cannot be converted into a number", r"The parameter cannot be converted to a numeric value"),
    (r"^One or more parameter values were invalid: Type mismatch for Index Key$|^Invalid attribute value type$",
     r"^One or more parameter values were invalid: Type mismatch for Index Key \w+ Expected: \w+ Actual: \w+ IndexName: "),
    (r"IndexKey: \w+$", r"IndexName: \w+, IndexKey: \w+$"),
    (r"^Consistent read cannot be true when querying a GSI$", r"^Consistent reads are not supported on global secondary indexes$"),
    (r"^Query condition missed key schema element$", r"^Query condition missed key schema element: "),
    (r"^Range Key not specified in Attribute Definitions|^Hash Key not specified in Attribute Definitions",
     r"^Invalid KeySchema: Some index key attribute have no definition$"),
    (r"^Invalid key order\.", r"^Invalid KeySchema: The first KeySchemaElement is not a HASH key type$"),
    (r"^Too many hash keys specified", r"^Invalid KeySchema: The second KeySchemaElement is not a RANGE key type$"),
    (r"^Two global secondary indicies have the same name$", r"^One or more parameter values were invalid: Duplicate index name: "),
    (r"^No attributes should be specified to be projected unless projection type is INCLUDE$",
     r"^One or more parameter values were invalid: ProjectionType is \w+, but NonKeyAttributes is specified$"),
    (r"^If Projection type INCLUDE is specified, some non-key attributes",
     r"^One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified$"),
    (r"^No provisioned throughput specified for the global secondary index$",
     r"^One or more parameter values were invalid: ProvisionedThroughput is not specified for index: "),
    (r"^No provisioned throughput specified for the table$",
     r"^One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED$"),
    (r"^Invalid StreamViewType: ", r"^One or more parameter values were invalid: Table is being created with a stream"),
    (r"^Local Secondary indices are not allowed on hash tables",
     r"^One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex$"),
    (r"^Nothing to update$", r"^At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled"),
    (r"^Table has no stream to disable$", r"^Table has no stream to disable: TableName: "),
    (r"^Table already has an enabled stream$", r"^Table already has an enabled stream: TableName: "),
    (r"^The number of attributes in key schema must match the number of attributes",
     r"^One or more parameter values were invalid: (Number of attributes in KeySchema does not exactly match|Some AttributeDefinitions are not used)"),
    (r"^Batch(Get|Write)Item (must have some requests set|cannot have a null or no requests set)$",
     r"^The requestItems parameter is required for Batch(Get|Write)Item$"),
    (r"DynamoDB only supports precision up to 38 digits", r"Attempting to store more than 38 significant digits"),
]


@entry("wording")
def wording(operation, body, left, right):
    if not (error(left) and error(right) and left["type"] == right["type"]):
        return False
    if any(re.search(theirs, message(right)) and re.search(mine, message(left)) for theirs, mine in WORDINGS):
        return True
    # The valid types of attribute_type, a set each server lists in its own order.
    types = re.compile(r"(.*valid types: )\{(.*)\}$")
    a, b = types.match(message(left)), types.match(message(right))
    return bool(a and b and a.group(1) == b.group(1) and set(a.group(2).split(",")) == set(b.group(2).split(",")))


@entry("wording")
def reason_wording(operation, body, left, right):
    """The same cancellation reasons, their messages in DynamoDB Local's words
    (which also end "The conditional request failed" with a full stop)."""
    if left.get("type") != "TransactionCanceledException" or right.get("type") != "TransactionCanceledException":
        return False
    mine, theirs = left.get("CancellationReasons", []), right.get("CancellationReasons", [])
    if [r.get("Code") for r in mine] != [r.get("Code") for r in theirs]:
        return False
    for a, b in zip(mine, theirs):
        if a.get("Message") == b.get("Message") or a.get("Message", "") == b.get("Message", "").rstrip("."):
            continue
        if not wording(operation, body, {"status": 400, "type": "x", "message": a.get("Message")},
                       {"status": 400, "type": "x", "message": b.get("Message")}):
            return False
    return True


# ---------------------------------------------------------------------------
# Behaviour.
# ---------------------------------------------------------------------------

def canonical_numbers(value):
    """Every number in its canonical form, as DynamoDB stores it."""
    if isinstance(value, dict):
        if set(value) == {"N"} and isinstance(value["N"], str):
            try:
                number = decimal.Decimal(value["N"])
            except decimal.InvalidOperation:
                return value
            return {"N": format(number.normalize(), "f") if number != 0 else "0"}
        if set(value) == {"NS"} and isinstance(value["NS"], list):
            return {"NS": sorted(canonical_numbers({"N": n})["N"] for n in value["NS"])}
        return {k: canonical_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical_numbers(v) for v in value]
    return value


@entry("numbers-normalised")
def numbers_normalised(operation, body, left, right):
    """DynamoDB Local returns a number as it was written ("1.50", "1e2")."""
    return canonical_numbers(left) == canonical_numbers(right)


@entry("remove-only-update")
def remove_only_update(operation, body, left, right):
    """An UpdateItem whose actions only delete (REMOVE, or DELETE from a
    set) does not create the item."""
    actions = [body] if operation == "UpdateItem" else [
        a.get("Update", {}) for a in body.get("TransactItems", []) if isinstance(a, dict)]
    removes_only = any(str(a.get("UpdateExpression", "")).startswith(("REMOVE", "DELETE")) for a in actions)
    created = left.get("stored", "absent") is None and right.get("stored") not in (None, "absent") or (
        "Attributes" in right and "Attributes" not in left)
    return removes_only and created


@entry("rejected-write-stored")
def rejected_write_stored(operation, body, left, right):
    """A write Strata refused (for a JSON member of the wrong type, above)
    that DynamoDB Local stored: what each then holds differs."""
    return "stored" in left and json_type_mistake(body)


def json_type_mistake(body):
    text = repr(body)
    return any(s in text for s in ("'N': 5", "'S': True", "'BOOL': 'true'"))


@entry("last-page-key")
def last_page_key(operation, body, left, right):
    """A page that Limit filled exactly, with nothing after it: DynamoDB
    Local still returns a LastEvaluatedKey."""
    if "LastEvaluatedKey" not in right or "LastEvaluatedKey" in left:
        return False
    return canonical_numbers({k: v for k, v in right.items() if k != "LastEvaluatedKey"}) == canonical_numbers(left)


# What DynamoDB Local 1.13.3 leaves out of a description, and what it puts
# in DeleteTable's answer that DynamoDB does not.
DESCRIPTION_EXTRAS = {"TableId", "DeletionProtectionEnabled"}
DELETED_TABLE_EXTRAS = {"AttributeDefinitions", "KeySchema", "CreationDateTime", "TableStatus", "GlobalSecondaryIndexes",
                        "LocalSecondaryIndexes", "StreamSpecification", "LatestStreamArn", "LatestStreamLabel"}


def description_core(description, deleted):
    core = {k: v for k, v in description.items() if k not in DESCRIPTION_EXTRAS and not (deleted and k in DELETED_TABLE_EXTRAS)}
    if "ProvisionedThroughput" in core:
        core["ProvisionedThroughput"] = {k: v for k, v in core["ProvisionedThroughput"].items()
                                         if k not in ("LastIncreaseDateTime", "LastDecreaseDateTime", "NumberOfDecreasesToday")}
    if core.get("BillingModeSummary", {}).get("BillingMode") == "PROVISIONED":
        core.pop("BillingModeSummary")
    if "StreamSpecification" not in core:
        core.pop("LatestStreamArn", None)
        core.pop("LatestStreamLabel", None)
    if "GlobalSecondaryIndexes" in core:
        core["GlobalSecondaryIndexes"] = [
            {**{k: v for k, v in index.items() if k != "IndexSizeBytes"},
             "ProvisionedThroughput": {k: v for k, v in index.get("ProvisionedThroughput", {}).items() if k != "NumberOfDecreasesToday"}}
            for index in core["GlobalSecondaryIndexes"]]
    return core


@entry("descriptions")
def descriptions(operation, body, left, right):
    """Table descriptions: DynamoDB Local 1.13.3 lacks TableId and
    DeletionProtectionEnabled (and a provisioned table's BillingModeSummary,
    which AWS may give or not), gives throughput that never changed a
    LastIncreaseDateTime and LastDecreaseDateTime of 0 and never counts
    NumberOfDecreasesToday, leaves
    NumberOfDecreasesToday out of an index's throughput, counts whole items
    in a KEYS_ONLY index's IndexSizeBytes, describes the
    stream of a deleted table of the same name as the new table's latest,
    and answers DeleteTable with the whole description, ACTIVE."""
    if operation not in ("CreateTable", "DescribeTable", "UpdateTable", "DeleteTable") or error(left) or error(right):
        return False
    member = "Table" if operation == "DescribeTable" else "TableDescription"
    deleted = operation == "DeleteTable"
    return (left.get(member, {}).get("TableStatus", "DELETING") in (("DELETING",) if deleted else ("ACTIVE", "CREATING", "UPDATING"))
            and description_core(left.get(member, {}), deleted) == description_core(right.get(member, {}), deleted))


@entry("transaction-one-item")
def transaction_one_item(operation, body, left, right):
    """Two actions on one item: DynamoDB refuses the request before it runs
    any action; DynamoDB Local runs them."""
    return operation == "TransactWriteItems" and message(left) == "Transaction request cannot include multiple operations on one item"


@entry("transaction-reasons")
def transaction_reasons(operation, body, left, right):
    """Errors DynamoDB reports as a cancellation reason (ValidationError), of
    the first failing action only; DynamoDB Local reports some as a
    ValidationException for the request, or a reason for every action."""
    if operation != "TransactWriteItems" or left.get("type") != "TransactionCanceledException":
        return False
    if right.get("type") == "ValidationException":
        return True
    reasons = [r.get("Code") for r in left.get("CancellationReasons", [])]
    theirs = [r.get("Code") for r in right.get("CancellationReasons", [])]
    # Strata validates every action before it runs any, and stops at the
    # first invalid one: one ValidationError, every other reason None.
    return reasons.count("ValidationError") == 1 and set(reasons) == {"ValidationError", "None"} and theirs != reasons


@entry("segments")
def segments(operation, body, left, right):
    """Which segment of a parallel Scan holds an item is each server's own
    hashing: a segment's items, and whether a start key lies in it, differ."""
    if operation != "Scan" or not isinstance(body.get("Segment"), int) or not isinstance(body.get("TotalSegments"), int):
        return False
    return (not error(left) and not error(right)) or "segment" in (message(right) + message(left)).lower()


@entry("error-item")
def error_item(operation, body, left, right):
    """ReturnValuesOnConditionCheckFailure (2023) is newer than DynamoDB Local
    1.13.3, which leaves the item out of a ConditionalCheckFailedException."""
    return (left.get("type") == right.get("type") == "ConditionalCheckFailedException" and "Item" in left and "Item" not in right
            and body.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD")


@entry("hash-only-start-key")
def hash_only_start_key(operation, body, left, right):
    """A Query of a table with no sort key, given an ExclusiveStartKey: AWS
    refuses it, since such a Query returns at most one item."""
    return operation == "Query" and message(left).startswith("The provided exclusive start key is invalid: ExclusiveStartKey:")


@entry("start-key-at-range-edge")
def start_key_at_range_edge(operation, body, left, right):
    """A Query start key on the edge of its BETWEEN: DynamoDB Local refuses
    it; Strata reads on (no AWS source found either way)."""
    return (operation == "Query" and "BETWEEN" in body.get("KeyConditionExpression", "")
            and message(right) == "The provided starting key does not match the range key predicate")


@entry("scan-order")
def scan_order(operation, body, left, right):
    """A Scan's order is each server's own (DynamoDB's follows a hash of the
    partition key), so what follows an ExclusiveStartKey, and what a page
    cut short by Limit holds, differ."""
    if operation != "Scan" or error(left) or error(right):
        return False
    return "ExclusiveStartKey" in body or ("Limit" in body and left.get("ScannedCount") == right.get("ScannedCount"))


@entry("multi-request-order")
def multi_request_order(operation, body, left, right):
    """Two actions of one transaction, or two requests of one batch, each
    with a mistake: Strata reports the first's, DynamoDB Local sometimes a
    later one's."""
    return (operation in ("TransactWriteItems", "BatchWriteItem", "BatchGetItem") and error(left) and error(right)
            and left["type"] == right["type"] == "ValidationException")


def wrong_index_types(item):
    return isinstance(item, dict) and (
        set(item.get("g", {"S": 0})) != {"S"} or set(item.get("n", {"N": 0})) != {"N"} or item.get("g") == {"S": ""})


@entry("index-key-types")
def index_key_types(operation, body, left, right):
    """DynamoDB Local lets an UpdateItem give an index key attribute a value
    of the wrong type, which AWS refuses (Type mismatch for Index Key)."""
    refused = message(left).startswith("One or more parameter values were invalid: Type mismatch for Index Key") and not error(right)
    return refused or ("stored" in right and wrong_index_types(right["stored"]))


@entry("index-order")
def index_order(operation, body, left, right):
    """Items of an index that share its key values come in each server's own
    order, so a page cut short by Limit holds different ones."""
    if operation != "Query" or "IndexName" not in body or error(left) or error(right):
        return False
    key = lambda i: json.dumps(canonical_numbers(i), sort_keys=True)
    mine, theirs = sorted(map(key, left.get("Items", []))), sorted(map(key, right.get("Items", [])))
    return mine == theirs or ("Limit" in body and left.get("Count") == right.get("Count"))


@entry("nested-updated-values")
def nested_updated_values(operation, body, left, right):
    """UPDATED_OLD and UPDATED_NEW of an update to a nested path: AWS returns
    only the nested attribute; DynamoDB Local the whole top-level one."""
    expression = str(body.get("UpdateExpression", ""))
    return (operation == "UpdateItem" and str(body.get("ReturnValues", "")).startswith("UPDATED_")
            and ("." in expression or "[" in expression) and not error(left) and not error(right))


@entry("index-empty-of-wrong-type")
def index_empty_of_wrong_type(operation, body, left, right):
    """An empty binary given to a string index key (or the reverse): Strata
    reports the type mismatch, DynamoDB Local the empty value."""
    return (message(left).startswith("One or more parameter values were invalid: Type mismatch for Index Key")
            and "cannot contain an empty" in message(right))


@entry("throughput-on-demand")
def throughput_on_demand(operation, body, left, right):
    """ProvisionedThroughput given for a PAY_PER_REQUEST table: AWS refuses
    it; DynamoDB Local ignores it."""
    return operation in ("CreateTable", "UpdateTable") and not error(right) and (
        message(left).endswith("ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
        or re.match(r"One or more parameter values were invalid: ProvisionedThroughput should not be specified for index: \w+ when BillingMode is PAY_PER_REQUEST$", message(left)))


@entry("index-throughput-on-switch")
def index_throughput_on_switch(operation, body, left, right):
    """A table with global indexes switched between billing modes: AWS wants
    each index's throughput in the same request when it becomes PROVISIONED,
    and reports 0 for an index of a PAY_PER_REQUEST table; DynamoDB Local
    does neither."""
    if operation == "UpdateTable" and "BillingMode" in body:
        if message(left).startswith("One or more parameter values were invalid: ProvisionedThroughput must be specified for index: "):
            return not error(right)
    if operation not in ("UpdateTable", "DescribeTable") or error(left) or error(right):
        return False
    member = "Table" if operation == "DescribeTable" else "TableDescription"
    mine, theirs = left.get(member, {}), right.get(member, {})
    if mine.get("BillingModeSummary", {}).get("BillingMode") != "PAY_PER_REQUEST":
        return False
    strip = lambda d: {**description_core(d, False), "GlobalSecondaryIndexes": [
        {k: v for k, v in i.items() if k != "ProvisionedThroughput"} for i in description_core(d, False).get("GlobalSecondaryIndexes", [])]}
    return strip(mine) == strip(theirs)
