#!/usr/bin/env python3
"""Creates the benchmark table and writes KEYS items of ~1 KB with PutItem."""
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

url, keys = sys.argv[1], int(os.environ.get("KEYS", "20000"))
client = boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1",
                      aws_access_key_id="bench", aws_secret_access_key="bench",
                      config=Config(max_pool_connections=16, retries={"max_attempts": 0}))
client.create_table(TableName="bench", BillingMode="PAY_PER_REQUEST",
                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
payload = "p" * 900


def put(start):
    for i in range(start, min(start + 500, keys)):
        client.put_item(TableName="bench", Item={"pk": {"S": "key%08d" % i}, "n": {"N": str(i)}, "payload": {"S": payload}})


with ThreadPoolExecutor(16) as pool:
    list(pool.map(put, range(0, keys, 500)))
