"""Creates and fills the index benchmark's tables (see run.sh):
idx_plain (no index) and idx_two (two global indexes) for PutItem, and
idx_range (items 0..29 of each group under pk=group, sk=n) and idx_queried
(the same items under their own keys, indexed by gp/gs) for Query. Each
item carries its idx_queried key `id` in both tables, so that the two
Queries answer with the same attributes and bytes and differ only in the
path they read by."""

import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

url = sys.argv[1]
groups = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
per_group = 30
client = boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1", aws_access_key_id="bench",
                      aws_secret_access_key="bench", config=Config(retries={"max_attempts": 10}))
payload = "x" * 900


def create(name, keys, attributes, indexes=()):
    request = dict(TableName=name, BillingMode="PAY_PER_REQUEST",
                   KeySchema=[{"AttributeName": n, "KeyType": t} for n, t in keys],
                   AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in attributes])
    if indexes:
        request["GlobalSecondaryIndexes"] = list(indexes)
    client.create_table(**request)


def gsi(name, hash_key, range_key, projection):
    return {"IndexName": name, "Projection": {"ProjectionType": projection},
            "KeySchema": [{"AttributeName": hash_key, "KeyType": "HASH"}, {"AttributeName": range_key, "KeyType": "RANGE"}]}


create("idx_plain", [("pk", "HASH")], [("pk", "S")])
create("idx_two", [("pk", "HASH")], [("pk", "S"), ("g1", "S"), ("n", "N"), ("g2", "S")],
       [gsi("byG1", "g1", "n", "ALL"), gsi("byG2", "g2", "pk", "KEYS_ONLY")])
create("idx_range", [("pk", "HASH"), ("sk", "RANGE")], [("pk", "S"), ("sk", "N")])
create("idx_queried", [("id", "HASH")], [("id", "S"), ("gp", "S"), ("gs", "N")], [gsi("byGroup", "gp", "gs", "ALL")])


def fill(group):
    for table in ("idx_range", "idx_queried"):
        items = []
        for n in range(per_group):
            g = {"S": "group%05d" % group}
            if table == "idx_range":
                items.append({"pk": g, "sk": {"N": str(n)}, "id": {"S": "i%05d-%02d" % (group, n)}, "payload": {"S": payload}})
            else:
                items.append({"id": {"S": "i%05d-%02d" % (group, n)}, "gp": g, "gs": {"N": str(n)}, "payload": {"S": payload}})
        for start in range(0, len(items), 25):
            pending = {table: [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]}
            while pending:
                pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


with ThreadPoolExecutor(8) as pool:
    list(pool.map(fill, range(groups)))
page = client.query(TableName="idx_queried", IndexName="byGroup", KeyConditionExpression="gp = :g",
                    ExpressionAttributeValues={":g": {"S": "group00000"}})
assert page["Count"] == per_group, page["Count"]
