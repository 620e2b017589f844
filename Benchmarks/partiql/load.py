"""Creates the PartiQL benchmark's table `pqbench` (hash key pk) and KEYS items of
a 100-byte payload: python3 load.py URL KEYS"""
import sys

import boto3

url, keys = sys.argv[1], int(sys.argv[2])
client = boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1",
                      aws_access_key_id="bench", aws_secret_access_key="bench")
client.create_table(TableName="pqbench", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
for start in range(0, keys, 25):
    client.batch_write_item(RequestItems={"pqbench": [
        {"PutRequest": {"Item": {"pk": {"S": f"user{k:06d}"}, "payload": {"S": "x" * 100}}}}
        for k in range(start, min(start + 25, keys))]})
