"""Differential harness (issue 17, first cut): sends the same seeded random
DynamoDB requests, valid and invalid, to two endpoints (Strata and DynamoDB
Local 1.13.3) and prints each distinct difference once, with the smallest
request that shows it.

    python3 Tests/differential/harness.py --strata URL --reference URL [--seed N] [--operations N]

Requests go as raw JSON over HTTP, so that malformed members reach the
servers as a client could send them. Neither server is asked to check
signatures (start Strata with --auth off)."""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import random
import sys
import urllib.parse

import known_differences

TABLES = {
    "dh_hash": [("pk", "S", "HASH")],
    "dh_range": [("pk", "S", "HASH"), ("sk", "N", "RANGE")],
    "dh_index": [("pk", "S", "HASH")],
}
# dh_index's global secondary indexes: by_g (g S, n N, everything) and
# by_n (n N, keys only).
INDEXES = {
    "dh_index": {
        "AttributeDefinitions": [{"AttributeName": "g", "AttributeType": "S"}, {"AttributeName": "n", "AttributeType": "N"}],
        "GlobalSecondaryIndexes": [
            {"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "ALL"}},
            {"IndexName": "by_n", "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}],
             "Projection": {"ProjectionType": "KEYS_ONLY"}},
        ],
    },
}
AUTH = "AWS4-HMAC-SHA256 Credential=AKIDDIFF/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"


class Endpoint:
    def __init__(self, url: str):
        parsed = urllib.parse.urlparse(url)
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)

    def call(self, operation: str, body) -> tuple[int, dict]:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        self.connection.request("POST", "/", body=data, headers={
            "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"DynamoDB_20120810.{operation}",
            "Authorization": AUTH, "X-Amz-Date": "20260101T000000Z"})
        response = self.connection.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw or b"{}")
        except ValueError:
            return response.status, {"unparsed": raw.decode("utf-8", "replace")}


# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------

def value(rng, kind=None):
    kind = kind or rng.choice("SNBLSNBMT")
    if kind == "M":
        return {"M": {"x": value(rng, "N"), "y": value(rng, "S")}}
    if kind == "T":  # a set
        return rng.choice([{"SS": ["a", "b"]}, {"NS": ["1", "2.0"]}, {"BS": ["AA=="]}])
    if kind == "S":
        return {"S": rng.choice(["a", "b", "ab", "", "x" * 3])}
    if kind == "N":
        return {"N": rng.choice(["1", "2", "-3", "1.50", "1e2", "0"])}
    if kind == "B":
        return {"B": rng.choice(["AA==", "AQ==", ""])}
    return {"L": [value(rng, "S")]}


def key(rng, table, broken=False):
    result = {"pk": {"S": rng.choice(["p1", "p2", "p3"])}}
    if table == "dh_range":
        result["sk"] = {"N": str(rng.randint(1, 4))}
    if broken:
        mutation = rng.choice(["missing", "type", "extra", "empty"])
        if mutation == "missing":
            result.pop("pk")
        elif mutation == "type":
            result["pk"] = {"N": "1"}
        elif mutation == "extra":
            result["zz"] = {"S": "x"}
        else:
            result["pk"] = {"S": ""}
    return result


MALFORMED_VALUES = [{"S": True}, {"N": 5}, {}, {"S": "a", "N": "1"}, {"SS": []}, {"NULL": False}, {"N": "x"}, {"BOOL": "true"}]


def request(rng):
    """One operation and its body; about a third are invalid on purpose."""
    table = rng.choice(list(TABLES))
    invalid = rng.random() < 0.35
    operation = rng.choice(["PutItem", "GetItem", "UpdateItem", "DeleteItem", "Query", "Scan"] * 3
                           + ["TransactWriteItems", "BatchGetItem", "BatchWriteItem", "DescribeTable", "ScratchTable"])
    if operation == "TransactWriteItems":
        return operation, transaction(rng, invalid)
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return operation, batch(rng, operation, invalid)
    if operation == "DescribeTable":
        return operation, {"TableName": rng.choice(list(TABLES) + (["dh_missing"] if invalid else []))}
    if operation == "ScratchTable":
        return operation, {"TableName": SCRATCH}
    body: dict = {"TableName": table}
    if invalid and rng.random() < 0.15:
        body["TableName"] = rng.choice(["dh_missing", "x", ""])
    if operation == "PutItem":
        item = key(rng, table, broken=invalid and rng.random() < 0.4)
        item["a"] = rng.choice(MALFORMED_VALUES) if invalid and rng.random() < 0.4 else value(rng)
        if table == "dh_index":
            index_attributes(rng, item, invalid)
        body["Item"] = item
        if rng.random() < 0.1:
            body["Expected"] = rng.choice([{"a": {"Exists": False}}, {"a": {"Value": value(rng)}}, {"a": {"ComparisonOperator": "NOT_NULL"}}])
        if rng.random() < 0.4:
            body["ConditionExpression"] = rng.choice(["attribute_not_exists(pk)", "a = :v", "a = :v AND :w = a", "size(a) > :v", "a BETWEEN :v AND :v"])
            body["ExpressionAttributeValues"] = {":v": value(rng), **({":unused": value(rng)} if invalid and rng.random() < 0.5 else {})}
            if ":w" in body["ConditionExpression"]:
                body["ExpressionAttributeValues"][":w"] = value(rng)
        if rng.random() < 0.2:
            body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    elif operation == "GetItem":
        body["Key"] = key(rng, table, broken=invalid and rng.random() < 0.6)
        if rng.random() < 0.3:
            body["ProjectionExpression"] = rng.choice(["a", "a, pk", "#n", "a.b[1]", "a, a"])
            if "#n" in body["ProjectionExpression"]:
                body["ExpressionAttributeNames"] = {"#n": "a"}
        if invalid and rng.random() < 0.3:
            body["ConsistentRead"] = "yes"
    elif operation == "UpdateItem":
        body["Key"] = key(rng, table, broken=invalid and rng.random() < 0.4)
        body["UpdateExpression"] = rng.choice([
            "SET a = :v", "SET a = a + :v", "ADD n :v", "REMOVE a", "SET a = :v REMOVE a", "SET pk = :v", "SET a = list_append(a, :v)",
            "SET a = if_not_exists(a, :v)", "SET a.x = :v", "SET a[0] = :v", "DELETE a :v", "SET g = :v", "SET n = :v", "REMOVE n, g"])
        if rng.random() < 0.25:
            body["ConditionExpression"] = rng.choice(["attribute_exists(a)", "attribute_type(a, :t)", "a <> :v", "contains(a, :v)"])
            if ":t" in body["ConditionExpression"]:
                body["ExpressionAttributeValues"] = {":t": {"S": rng.choice(["N", "S", "L", "XX"])}}
            if rng.random() < 0.5:
                body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        body.setdefault("ExpressionAttributeValues", {})[":v"] = rng.choice(MALFORMED_VALUES) if invalid and rng.random() < 0.3 else value(rng)
        if body["UpdateExpression"] in ("REMOVE a", "REMOVE n, g") and not invalid and ":v" not in body.get("ConditionExpression", ""):
            body["ExpressionAttributeValues"].pop(":v")
            if not body["ExpressionAttributeValues"]:
                body.pop("ExpressionAttributeValues")
        body["ReturnValues"] = rng.choice(["NONE", "ALL_NEW", "UPDATED_OLD", "ALL_OLD", "UPDATED_NEW"] + (["BOGUS"] if invalid else []))
    elif operation == "DeleteItem":
        body["Key"] = key(rng, table, broken=invalid and rng.random() < 0.6)
        if rng.random() < 0.3:
            body["ConditionExpression"] = "attribute_exists(a)"
        body["ReturnValues"] = rng.choice(["NONE", "ALL_OLD"] + (["ALL_NEW"] if invalid else []))
    else:
        if operation == "Query" and table == "dh_index" and rng.random() < 0.7:
            index_query(rng, body, invalid)
        elif operation == "Query" and rng.random() < 0.1:
            body["KeyConditions"] = {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": rng.choice(["p1", "p2", ""])}]}}
        elif operation == "Query":
            condition = rng.choice(["pk = :p", "pk = :p AND sk > :s", "pk = :p AND sk BETWEEN :s AND :s", "pk = :p AND begins_with(sk, :s)",
                                    "sk = :s", "pk = :p OR sk = :s", "pk = :p AND pk = :p"])
            body["KeyConditionExpression"] = condition
            values = {":p": {"S": rng.choice(["p1", "p2", "", "p3"])}}
            if ":s" in condition:
                values[":s"] = {"N": str(rng.randint(0, 5))} if not invalid else value(rng)
            body["ExpressionAttributeValues"] = values
            body["ScanIndexForward"] = rng.random() < 0.5
        elif rng.random() < 0.1:
            body["ScanFilter"] = {"a": rng.choice([{"ComparisonOperator": "NOT_NULL"}, {"ComparisonOperator": "EQ", "AttributeValueList": [value(rng)]}])}
        if rng.random() < 0.15:
            body["Select"] = rng.choice(["COUNT", "ALL_ATTRIBUTES"] + (["ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES"] if invalid else []))
        elif rng.random() < 0.15:
            body["ProjectionExpression"] = rng.choice(["a", "pk, a.x", "a[0], n"])
        if rng.random() < 0.4:
            body["FilterExpression"] = rng.choice(["attribute_exists(a)", "a <> :f", "contains(a, :f)", "pk = :f"])
            if ":f" in body["FilterExpression"]:
                body.setdefault("ExpressionAttributeValues", {})[":f"] = value(rng)
        if rng.random() < 0.6:
            body["Limit"] = rng.choice([1, 2, 3, 4, 12]) if not invalid else rng.choice([0, "2", -1, 2.5])
        if invalid and rng.random() < 0.3:
            body["Segment"] = rng.choice(["0", 0, 3])
            body["TotalSegments"] = rng.choice([2, "2"])
        if rng.random() < 0.25:
            start = key(rng, table, broken=invalid and rng.random() < 0.6)
            if operation == "Query" and not invalid and ":p" in body.get("ExpressionAttributeValues", {}):
                # A start key inside the queried partition, or (as a mistake) outside it.
                if rng.random() < 0.8 or not invalid:
                    start["pk"] = body["ExpressionAttributeValues"][":p"]
            body["ExclusiveStartKey"] = start
    return operation, body


def index_attributes(rng, item, invalid):
    """dh_index's index keys, sometimes missing, and when invalid sometimes
    empty or of the wrong type."""
    if rng.random() < 0.7:
        item["g"] = {"S": rng.choice(["g1", "g2"])} if not invalid else rng.choice([{"S": ""}, {"N": "1"}, {"S": "g1"}])
    if rng.random() < 0.7:
        item["n"] = {"N": str(rng.randint(1, 3))} if not invalid else rng.choice([{"S": "x"}, {"N": "2"}])


def index_query(rng, body, invalid):
    """A Query of one of dh_index's indexes."""
    if rng.random() < 0.6:
        body["IndexName"] = "by_g"
        body["KeyConditionExpression"] = rng.choice(["g = :g", "g = :g AND n > :n", "g = :g AND n BETWEEN :n AND :m"] + (["n = :n"] if invalid else []))
    else:
        body["IndexName"] = "by_n" if not invalid or rng.random() < 0.7 else "by_missing"
        body["KeyConditionExpression"] = "n = :n"
    values = {":g": {"S": rng.choice(["g1", "g2"] + ([""] if invalid else []))}, ":n": {"N": str(rng.randint(0, 3))}, ":m": {"N": "3"}}
    body["ExpressionAttributeValues"] = {k: v for k, v in values.items() if k in body["KeyConditionExpression"]}
    if invalid and rng.random() < 0.3:
        body["ConsistentRead"] = True
    if rng.random() < 0.3:
        body["Limit"] = rng.randint(1, 3)


def batch(rng, operation, invalid):
    """A BatchGetItem or BatchWriteItem over one or two tables, sometimes with
    the same key twice or a broken key."""
    requests = {}
    for table in rng.sample(list(TABLES), rng.randint(1, 2)):
        keys = [key(rng, table, broken=invalid and rng.random() < 0.2) for _ in range(rng.randint(1, 3))]
        if operation == "BatchGetItem":
            requests[table] = {"Keys": keys}
            if rng.random() < 0.2:
                requests[table]["ProjectionExpression"] = "a"
        else:
            writes = []
            for k in keys:
                if rng.random() < 0.6:
                    item = dict(k, a=value(rng))
                    if table == "dh_index":
                        index_attributes(rng, item, invalid)
                    writes.append({"PutRequest": {"Item": item}})
                else:
                    writes.append({"DeleteRequest": {"Key": k}})
            requests[table] = writes
    if invalid and rng.random() < 0.2:
        requests = {}
    return {"RequestItems": requests}


def transaction(rng, invalid):
    """A TransactWriteItems of one to three actions; an invalid one carries an
    expression error of the kinds DynamoDB reports either for the whole
    request or as a cancellation reason."""
    actions = []
    for _ in range(rng.randint(1, 3)):
        table = rng.choice(list(TABLES))
        kind = rng.choice(["Put", "Update", "Delete", "ConditionCheck"])
        action: dict = {"TableName": table}
        if kind == "Put":
            item = key(rng, table)
            item["a"] = value(rng)
            action["Item"] = item
        else:
            action["Key"] = key(rng, table)
        if kind == "Update":
            action["UpdateExpression"] = rng.choice(["SET a = :v", "ADD n :v", "SET a = a + :v", "SET a.b = :v", "SET a[1] = :v", "REMOVE a"])
            action["ExpressionAttributeValues"] = {":v": value(rng, "N")}
        if kind == "ConditionCheck" or rng.random() < 0.5:
            action["ConditionExpression"] = rng.choice(["attribute_exists(a)", "attribute_not_exists(a)", "a = :c", "size(a) > :c", "a < :c"])
            if ":c" in action["ConditionExpression"]:
                action.setdefault("ExpressionAttributeValues", {})[":c"] = value(rng)
            if rng.random() < 0.4:
                action["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        if "ExpressionAttributeValues" in action and action.get("UpdateExpression") == "REMOVE a" and ":c" not in action.get("ConditionExpression", ""):
            action.pop("ExpressionAttributeValues")
        if invalid and rng.random() < 0.5:
            mistake = rng.choice(["operand", "digits", "unused", "key"])
            if mistake == "operand":
                action["ConditionExpression"] = "size(a) > :bad"
                action.setdefault("ExpressionAttributeValues", {})[":bad"] = {"L": [{"S": "x"}]}
            elif mistake == "digits":
                action.setdefault("ExpressionAttributeValues", {})[":v"] = {"N": "1" * 40}
                action.setdefault("UpdateExpression", "SET a = :v") if kind == "Update" else None
            elif mistake == "unused":
                action.setdefault("ExpressionAttributeValues", {})[":unused"] = {"S": "x"}
            elif "Key" in action:
                action["Key"] = key(rng, table, broken=True)
        actions.append({kind: action})
    return {"TransactItems": actions}


SCRATCH = "dh_scratch"


def scratch_table(rng):
    """A CreateTable of the scratch table: either billing mode, sometimes
    with a secondary index or a stream."""
    body = {"TableName": SCRATCH, "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]}
    if rng.random() < 0.5:
        body["BillingMode"] = "PAY_PER_REQUEST"
    else:
        body["ProvisionedThroughput"] = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 3}
    if rng.random() < 0.4:
        body["AttributeDefinitions"].append({"AttributeName": "g", "AttributeType": "N"})
        index = {"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                 "Projection": {"ProjectionType": rng.choice(["ALL", "KEYS_ONLY"])}}
        if "ProvisionedThroughput" in body:
            index["ProvisionedThroughput"] = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
        body["GlobalSecondaryIndexes"] = [index]
    if rng.random() < 0.3:
        body["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    if rng.random() < 0.4:
        table_mistake(rng, body)
    return body


def table_mistake(rng, body):
    """One of the mistakes CreateTable must refuse, with DynamoDB's message."""
    mistake = rng.choice([
        "unused definition", "undefined key", "two hash keys", "range first", "bad type", "no billing",
        "throughput on demand", "index without throughput", "index same name", "index bad projection",
        "include without attributes", "attributes without include", "local on hash table", "bad stream", "zero throughput",
        "long name", "bad index name"])
    keys, definitions = body["KeySchema"], body["AttributeDefinitions"]
    if mistake == "unused definition":
        definitions.append({"AttributeName": "zz", "AttributeType": "S"})
    elif mistake == "undefined key":
        keys.append({"AttributeName": "sk", "KeyType": "RANGE"})
    elif mistake == "two hash keys":
        definitions.append({"AttributeName": "sk", "AttributeType": "S"})
        keys.append({"AttributeName": "sk", "KeyType": "HASH"})
    elif mistake == "range first":
        definitions.append({"AttributeName": "sk", "AttributeType": "S"})
        keys.insert(0, {"AttributeName": "sk", "KeyType": "RANGE"})
    elif mistake == "bad type":
        definitions[0]["AttributeType"] = rng.choice(["X", "BOOL", "SS"])
    elif mistake == "no billing":
        body.pop("BillingMode", None)
        body.pop("ProvisionedThroughput", None)
    elif mistake == "throughput on demand":
        body["BillingMode"] = "PAY_PER_REQUEST"
        body["ProvisionedThroughput"] = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
    elif mistake == "zero throughput":
        body.pop("BillingMode", None)
        body["ProvisionedThroughput"] = {"ReadCapacityUnits": 0, "WriteCapacityUnits": 1}
    elif mistake == "long name":
        body["TableName"] = "t" * 256
    elif mistake == "bad stream":
        body["StreamSpecification"] = rng.choice([{"StreamEnabled": True}, {"StreamEnabled": False, "StreamViewType": "NEW_IMAGE"},
                                                  {"StreamEnabled": True, "StreamViewType": "ALL"}])
    else:
        if "g" not in [d["AttributeName"] for d in definitions]:
            definitions.append({"AttributeName": "g", "AttributeType": "N"})
        index = {"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}
        indexes = body.setdefault("GlobalSecondaryIndexes", [index])
        index = indexes[0]
        if mistake == "index without throughput":
            body.pop("BillingMode", None)
            body["ProvisionedThroughput"] = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
            index.pop("ProvisionedThroughput", None)
        elif mistake == "index same name":
            indexes.append(dict(index))
        elif mistake == "index bad projection":
            index["Projection"] = {"ProjectionType": "SOME"}
        elif mistake == "include without attributes":
            index["Projection"] = {"ProjectionType": "INCLUDE"}
        elif mistake == "attributes without include":
            index["Projection"] = {"ProjectionType": "ALL", "NonKeyAttributes": ["a"]}
        elif mistake == "bad index name":
            index["IndexName"] = "x"
        else:  # a local index on a table without a sort key
            body.pop("GlobalSecondaryIndexes")
            body["LocalSecondaryIndexes"] = [{"IndexName": "by_g", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                                                 {"AttributeName": "g", "KeyType": "RANGE"}],
                                              "Projection": {"ProjectionType": "KEYS_ONLY"}}]


def table_change(rng):
    """An UpdateTable of the scratch table, sometimes one DynamoDB refuses."""
    body = {"TableName": SCRATCH}
    change = rng.choice(["on demand", "provisioned", "throughput", "stream on", "stream off", "nothing", "bad billing"])
    if change == "on demand":
        body["BillingMode"] = "PAY_PER_REQUEST"
    elif change == "provisioned":
        body["BillingMode"] = "PROVISIONED"
        if rng.random() < 0.7:
            body["ProvisionedThroughput"] = {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}
    elif change == "throughput":
        body["ProvisionedThroughput"] = {"ReadCapacityUnits": rng.choice([1, 7, 0]), "WriteCapacityUnits": 2}
    elif change == "stream on":
        body["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    elif change == "stream off":
        body["StreamSpecification"] = {"StreamEnabled": False}
    elif change == "bad billing":
        body["BillingMode"] = "FREE"
    return body


def ttl_change(rng):
    specification = rng.choice([{"Enabled": True, "AttributeName": "exp"}, {"Enabled": False, "AttributeName": "exp"},
                                {"Enabled": True, "AttributeName": ""}, {"Enabled": True}])
    return {"TableName": SCRATCH, "TimeToLiveSpecification": specification}


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------

# Description members whose values are the server's own (times, ids, ARNs
# with its region and account): only their presence is compared.
VOLATILE = {"CreationDateTime", "TableArn", "TableId", "LatestStreamArn", "LatestStreamLabel", "IndexArn",
            "LastIncreaseDateTime", "LastDecreaseDateTime", "LastUpdateToPayPerRequestDateTime"}


def scrub(value):
    if isinstance(value, dict):
        return {k: "<volatile>" if k in VOLATILE else scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def normalize(operation, status, response):
    """What must match: the status, the error type, message and any item
    it carries, the items (a Scan's in key order, as the two servers lay
    tables out differently), and descriptions less their volatile values."""
    if status != 200:
        kind = response.get("__type", "").split("#")[-1]
        result = {"status": status, "type": kind, "message": response.get("message", response.get("Message"))}
        for extra in ("Item", "CancellationReasons"):
            if extra in response:
                result[extra] = response[extra]
        return result
    result = scrub(dict(response))
    result.pop("ConsumedCapacity", None)
    if operation == "BatchGetItem" and "Responses" in result:
        result["Responses"] = {t: sorted(items, key=lambda i: json.dumps(i, sort_keys=True)) for t, items in result["Responses"].items()}
    if operation == "Scan" and "Items" in result:
        if "LastEvaluatedKey" in result:
            # A page of a Scan holds whatever the table's layout puts first:
            # only its size can be compared.
            result.pop("Items")
            result.pop("LastEvaluatedKey")
        else:
            result["Items"] = sorted(result["Items"], key=lambda i: json.dumps(i, sort_keys=True))
    return {"status": 200, **result}


def signature(operation, body, left, right):
    """What kind of difference this is, so that each kind is reported once."""
    if left["status"] != right["status"] or left.get("type") != right.get("type"):
        return (operation, "outcome", left["status"], left.get("type"), right["status"], right.get("type"))
    if left.get("message") != right.get("message"):
        return (operation, "message", left.get("type"), left.get("message"), right.get("message"))
    fields = sorted(k for k in set(left) | set(right) if left.get(k) != right.get(k))
    return (operation, "fields", tuple(fields))


WRITES = {"PutItem", "UpdateItem", "DeleteItem"}


def written_keys(operation, body):
    """The (table, key) pairs a write names, when they are well formed."""
    if operation == "TransactWriteItems":
        actions = [next(iter(a.values())) for a in body.get("TransactItems", []) if isinstance(a, dict) and a]
    elif operation == "BatchWriteItem":
        actions = [dict(next(iter(w.values())), TableName=table) for table, writes in body.get("RequestItems", {}).items() for w in writes]
    else:
        actions = [body]
    result = []
    for action in actions:
        table = action.get("TableName")
        if table not in TABLES:
            continue
        names = [name for name, _, _ in TABLES[table]]
        source = action.get("Key") or action.get("Item") or {}
        if isinstance(source, dict) and all(isinstance(source.get(n), dict) for n in names):
            result.append((table, {n: source[n] for n in names}))
    return result


def stored(endpoint, table, key):
    status, found = endpoint.call("GetItem", {"TableName": table, "Key": key, "ConsistentRead": True})
    return found.get("Item") if status == 200 else "unreadable"


def compare_stored(strata, reference, operation, body):
    """After a write, the items it named must be the same on both sides. If
    not, that is a difference of the write; Strata is then given the
    reference's item, so that it does not show up again in later reads."""
    found = []
    for table, key in written_keys(operation, body):
        mine, theirs = stored(strata, table, key), stored(reference, table, key)
        if mine == "unreadable" or theirs == "unreadable" or mine == theirs:
            continue
        found.append((mine, theirs))
        if theirs is None:
            strata.call("DeleteItem", {"TableName": table, "Key": key})
        elif strata.call("PutItem", {"TableName": table, "Item": theirs})[0] != 200:
            # An item Strata cannot hold (DynamoDB Local stored what AWS
            # refuses): the item goes from both sides instead.
            strata.call("DeleteItem", {"TableName": table, "Key": key})
            reference.call("DeleteItem", {"TableName": table, "Key": key})
    return found


class Report:
    """Distinct differences: each known one counted under its entry in
    KNOWN-DIFFERENCES.md, each other one kept with its shortest request."""

    def __init__(self):
        self.known = collections.Counter()
        self.unknown = {}

    def add(self, kind, operation, body, left, right):
        entry = known_differences.classify(operation, body, left, right)
        if entry:
            self.known[(entry, kind)] += 1
            return
        example = json.dumps(body, sort_keys=True)
        if kind not in self.unknown or len(example) < len(self.unknown[kind][0]):
            self.unknown[kind] = (example, left, right)

    def print(self, seed, operations):
        for number, (kind, (example, left, right)) in enumerate(sorted(self.unknown.items(), key=lambda d: str(d[0])), 1):
            print(f"U{number} {kind[0]} {kind[1]}\n  request: {example}\n  strata:    {json.dumps(left)[:6000]}\n  reference: {json.dumps(right)[:6000]}")
        entries = collections.Counter(entry for entry, _ in self.known)
        for entry, count in sorted(entries.items()):
            print(f"known: {entry}: {count} distinct")
        print(f"seed {seed}: {operations} operations, {len(self.known) + len(self.unknown)} distinct differences, "
              f"{len(self.known)} known, {len(self.unknown)} unclassified")


def exchange(strata, reference, report, operation, body):
    left = normalize(operation, *strata.call(operation, body))
    right = normalize(operation, *reference.call(operation, body))
    if left != right:
        report.add(signature(operation, body, left, right), operation, body, left, right)
    return left, right


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--strata", required=True)
    parser.add_argument("--reference", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--operations", type=int, default=300)
    args = parser.parse_args()
    if known_differences.undocumented():
        sys.exit(f"entries without a section in KNOWN-DIFFERENCES.md: {known_differences.undocumented()}")
    rng = random.Random(args.seed)
    strata, reference = Endpoint(args.strata), Endpoint(args.reference)
    for endpoint in (strata, reference):
        for name, keys in TABLES.items():
            endpoint.call("DeleteTable", {"TableName": name})
            definition = {
                "TableName": name, "BillingMode": "PAY_PER_REQUEST",
                "KeySchema": [{"AttributeName": n, "KeyType": k} for n, _, k in keys],
                "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t, _ in keys]}
            if name in INDEXES:
                definition["AttributeDefinitions"] += INDEXES[name]["AttributeDefinitions"]
                definition["GlobalSecondaryIndexes"] = INDEXES[name]["GlobalSecondaryIndexes"]
            endpoint.call("CreateTable", definition)
        endpoint.call("DeleteTable", {"TableName": SCRATCH})
    report = Report()
    for _ in range(args.operations):
        operation, body = request(rng)
        if operation == "ScratchTable":
            definition = scratch_table(rng)
            mine, theirs = exchange(strata, reference, report, "CreateTable", definition)
            if mine["status"] != 200 or theirs["status"] != 200:
                for endpoint in (strata, reference):  # whichever side created it
                    endpoint.call("DeleteTable", {"TableName": definition["TableName"]})
                continue
            if rng.random() < 0.5:
                mine, theirs = exchange(strata, reference, report, "UpdateTable", table_change(rng))
                if mine["status"] != theirs["status"]:  # the two tables now differ: start afresh
                    for endpoint in (strata, reference):
                        endpoint.call("DeleteTable", body)
                    continue
            if rng.random() < 0.3:
                exchange(strata, reference, report, "UpdateTimeToLive", ttl_change(rng))
                exchange(strata, reference, report, "DescribeTimeToLive", body)
            exchange(strata, reference, report, "DescribeTable", body)
            exchange(strata, reference, report, "DeleteTable", body)
            continue
        exchange(strata, reference, report, operation, body)
        if operation in WRITES or operation in ("TransactWriteItems", "BatchWriteItem"):
            for mine, theirs in compare_stored(strata, reference, operation, body):
                left, right = {"stored": mine}, {"stored": theirs}
                report.add((operation, "stored item", tuple(sorted(k for k in body if k != "TableName"))), operation, body, left, right)
    for name in TABLES:  # the stored state, item by item
        items = []
        for endpoint in (strata, reference):
            status, page = endpoint.call("Scan", {"TableName": name, "ConsistentRead": True})
            items.append(sorted(json.dumps(i, sort_keys=True) for i in page.get("Items", [])))
        if items[0] != items[1]:
            # In canonical order, so that a difference in numbers' text alone is seen as that.
            mine, theirs = (sorted(side, key=lambda i: json.dumps(known_differences.canonical_numbers(i), sort_keys=True))
                            for side in ([json.loads(i) for i in found] for found in items))
            report.add(("state", name), "Scan", {"TableName": name}, {"Items": mine}, {"Items": theirs})
    report.print(args.seed, args.operations)
    return 1 if report.unknown else 0


if __name__ == "__main__":
    sys.exit(main())
