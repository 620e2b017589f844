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
import http.client
import json
import random
import urllib.parse

TABLES = {
    "dh_hash": [("pk", "S", "HASH")],
    "dh_range": [("pk", "S", "HASH"), ("sk", "N", "RANGE")],
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
    kind = kind or rng.choice("SNBL")
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
    operation = rng.choice(["PutItem", "GetItem", "UpdateItem", "DeleteItem", "Query", "Scan"])
    body: dict = {"TableName": table}
    if invalid and rng.random() < 0.15:
        body["TableName"] = rng.choice(["dh_missing", "x", ""])
    if operation == "PutItem":
        item = key(rng, table, broken=invalid and rng.random() < 0.4)
        item["a"] = rng.choice(MALFORMED_VALUES) if invalid and rng.random() < 0.4 else value(rng)
        body["Item"] = item
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
        body["UpdateExpression"] = rng.choice(["SET a = :v", "SET a = a + :v", "ADD n :v", "REMOVE a", "SET a = :v REMOVE a", "SET pk = :v", "SET a = list_append(a, :v)"])
        body["ExpressionAttributeValues"] = {":v": rng.choice(MALFORMED_VALUES) if invalid and rng.random() < 0.3 else value(rng)}
        if body["UpdateExpression"] == "REMOVE a" and not invalid:
            body.pop("ExpressionAttributeValues")
        body["ReturnValues"] = rng.choice(["NONE", "ALL_NEW", "UPDATED_OLD", "ALL_OLD", "UPDATED_NEW"] + (["BOGUS"] if invalid else []))
    elif operation == "DeleteItem":
        body["Key"] = key(rng, table, broken=invalid and rng.random() < 0.6)
        if rng.random() < 0.3:
            body["ConditionExpression"] = "attribute_exists(a)"
        body["ReturnValues"] = rng.choice(["NONE", "ALL_OLD"] + (["ALL_NEW"] if invalid else []))
    else:
        if operation == "Query":
            condition = rng.choice(["pk = :p", "pk = :p AND sk > :s", "pk = :p AND sk BETWEEN :s AND :s", "pk = :p AND begins_with(sk, :s)",
                                    "sk = :s", "pk = :p OR sk = :s", "pk = :p AND pk = :p"])
            body["KeyConditionExpression"] = condition
            values = {":p": {"S": rng.choice(["p1", "p2", "", "p3"])}}
            if ":s" in condition:
                values[":s"] = {"N": str(rng.randint(0, 5))} if not invalid else value(rng)
            body["ExpressionAttributeValues"] = values
            body["ScanIndexForward"] = rng.random() < 0.5
        if rng.random() < 0.4:
            body["FilterExpression"] = rng.choice(["attribute_exists(a)", "a <> :f", "contains(a, :f)", "pk = :f"])
            if ":f" in body["FilterExpression"]:
                body.setdefault("ExpressionAttributeValues", {})[":f"] = value(rng)
        if rng.random() < 0.6:
            body["Limit"] = rng.choice([1, 2, 3, 4, 12]) if not invalid else rng.choice([0, "2", -1, 2.5])
        if invalid and rng.random() < 0.3:
            body["Segment"] = rng.choice(["0", 0, 3])
            body["TotalSegments"] = rng.choice([2, "2"])
    return operation, body


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------

def normalize(operation, status, response):
    """What must match: the status, the error type and message, the items
    (a Scan's in key order, as the two servers lay tables out differently)."""
    if status != 200:
        kind = response.get("__type", "").split("#")[-1]
        return {"status": status, "type": kind, "message": response.get("message", response.get("Message"))}
    result = dict(response)
    result.pop("ConsumedCapacity", None)
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
        return (operation, "outcome", left["status"], left.get("type"), right["status"], right.get("type"),
                tuple(sorted(k for k in body if k != "TableName")))
    if left.get("message") != right.get("message"):
        return (operation, "message", left.get("type"), left.get("message"), right.get("message"))
    fields = sorted(k for k in set(left) | set(right) if left.get(k) != right.get(k))
    return (operation, "fields", tuple(fields))


WRITES = {"PutItem", "UpdateItem", "DeleteItem"}


def resync(strata, reference, body):
    """After a write the two answered differently, gives Strata the
    reference's item, so that one difference does not show up again in
    every later read of that item."""
    table = body.get("TableName")
    if table not in TABLES:
        return
    names = [name for name, _, _ in TABLES[table]]
    source = body.get("Key") or body.get("Item") or {}
    if not isinstance(source, dict) or not all(isinstance(source.get(n), dict) for n in names):
        return
    key = {n: source[n] for n in names}
    status, found = reference.call("GetItem", {"TableName": table, "Key": key, "ConsistentRead": True})
    if status != 200:
        return
    if "Item" in found:
        strata.call("PutItem", {"TableName": table, "Item": found["Item"]})
    else:
        strata.call("DeleteItem", {"TableName": table, "Key": key})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--strata", required=True)
    parser.add_argument("--reference", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--operations", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    strata, reference = Endpoint(args.strata), Endpoint(args.reference)
    for endpoint in (strata, reference):
        for name, keys in TABLES.items():
            endpoint.call("DeleteTable", {"TableName": name})
            endpoint.call("CreateTable", {
                "TableName": name, "BillingMode": "PAY_PER_REQUEST",
                "KeySchema": [{"AttributeName": n, "KeyType": k} for n, _, k in keys],
                "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t, _ in keys]})
    differences: dict = {}
    for _ in range(args.operations):
        operation, body = request(rng)
        left = normalize(operation, *strata.call(operation, body))
        right = normalize(operation, *reference.call(operation, body))
        if left == right:
            continue
        if operation in WRITES:
            resync(strata, reference, body)
        kind = signature(operation, body, left, right)
        example = json.dumps(body, sort_keys=True)
        if kind not in differences or len(example) < len(differences[kind][0]):
            differences[kind] = (example, left, right)
    for name in TABLES:  # the stored state, item by item
        items = []
        for endpoint in (strata, reference):
            status, page = endpoint.call("Scan", {"TableName": name, "ConsistentRead": True})
            items.append(sorted(json.dumps(i, sort_keys=True) for i in page.get("Items", [])))
        if items[0] != items[1]:
            differences[("state", name)] = (f"Scan {name}", {"only in strata": sorted(set(items[0]) - set(items[1]))[:3]},
                                             {"only in reference": sorted(set(items[1]) - set(items[0]))[:3]})
    for number, (kind, (example, left, right)) in enumerate(sorted(differences.items(), key=lambda d: str(d[0])), 1):
        print(f"D{number} {kind[0]} {kind[1]}\n  request: {example}\n  strata:    {json.dumps(left)[:400]}\n  reference: {json.dumps(right)[:400]}")
    print(f"seed {args.seed}: {args.operations} operations, {len(differences)} distinct differences")


if __name__ == "__main__":
    main()
