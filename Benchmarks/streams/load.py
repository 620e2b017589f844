"""Creates the stream benchmark's tables (see run.sh): st_plain, without a
stream, and st_stream, with a NEW_AND_OLD_IMAGES stream."""

import sys

import boto3

client = boto3.client("dynamodb", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="bench",
                      aws_secret_access_key="bench")
for name, stream in [("st_plain", None), ("st_stream", "NEW_AND_OLD_IMAGES")]:
    request = dict(TableName=name, BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    if stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream}
    client.create_table(**request)
