"""Prints a wrk Lua script that sends one GetItem, signed with SigV4 now by
botocore as an SDK signs it (valid for the server's 15 minutes): every
request then costs the server a full signature check."""

import os
import sys

import botocore.auth
import botocore.awsrequest
import botocore.credentials

url, table, key, secret = sys.argv[1:5]
body = '{"TableName": "%s", "Key": {"pk": {"S": "k1"}}}' % table
request = botocore.awsrequest.AWSRequest(method="POST", url=url + "/", data=body, headers={
    "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.GetItem"})
botocore.auth.SigV4Auth(botocore.credentials.Credentials(key, secret), "dynamodb", "us-east-1").add_auth(request)
headers = {k: v for k, v in request.headers.items()}
lua_headers = ",\n".join(f'  ["{k}"] = "{v}"' for k, v in headers.items())
common = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "wrk-common.lua")
print(f"""dofile("{common}")
local body = '{body}'
local headers = {{
{lua_headers}
}}
request = function() return wrk.format("POST", "/", headers, body) end""")
