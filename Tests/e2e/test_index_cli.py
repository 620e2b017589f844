"""Issue 13 with the AWS CLI, as a new user would: a table with a global
and a local index, queries of both, a second global index added with
update-table, waited for until ACTIVE, and deleted again."""

from __future__ import annotations

import json

from helpers import unique_name, wait_for


def test_the_cli_creates_queries_adds_and_deletes_indexes(aws):
    name = unique_name("cli_idx")
    aws("create-table", "--table-name", name, "--billing-mode", "PAY_PER_REQUEST",
        "--attribute-definitions", "AttributeName=pk,AttributeType=S", "AttributeName=sk,AttributeType=S",
        "AttributeName=email,AttributeType=S", "AttributeName=created,AttributeType=N",
        "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE",
        "--global-secondary-indexes",
        json.dumps([{"IndexName": "byEmail", "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
                     "Projection": {"ProjectionType": "ALL"}}]),
        "--local-secondary-indexes",
        json.dumps([{"IndexName": "byCreated",
                     "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "created", "KeyType": "RANGE"}],
                     "Projection": {"ProjectionType": "KEYS_ONLY"}}]))
    try:
        for sk, email, created in [("a", "ann@example.com", 3), ("b", "bob@example.com", 1), ("c", "ann@example.com", 2)]:
            aws("put-item", "--table-name", name, "--item",
                json.dumps({"pk": {"S": "u"}, "sk": {"S": sk}, "email": {"S": email}, "created": {"N": str(created)},
                            "city": {"S": "Oslo"}}))

        by_email = aws("query", "--table-name", name, "--index-name", "byEmail",
                       "--key-condition-expression", "email = :e",
                       "--expression-attribute-values", json.dumps({":e": {"S": "ann@example.com"}}))
        assert sorted(item["sk"]["S"] for item in by_email["Items"]) == ["a", "c"]
        assert all(item["city"] == {"S": "Oslo"} for item in by_email["Items"])

        by_created = aws("query", "--table-name", name, "--index-name", "byCreated",
                         "--key-condition-expression", "pk = :p AND created > :c",
                         "--expression-attribute-values", json.dumps({":p": {"S": "u"}, ":c": {"N": "1"}}))
        assert [item["sk"]["S"] for item in by_created["Items"]] == ["c", "a"]
        assert set(by_created["Items"][0]) == {"pk", "sk", "created"}

        aws("update-table", "--table-name", name,
            "--attribute-definitions", "AttributeName=city,AttributeType=S",
            "--global-secondary-index-updates",
            json.dumps([{"Create": {"IndexName": "byCity", "KeySchema": [{"AttributeName": "city", "KeyType": "HASH"}],
                                    "Projection": {"ProjectionType": "KEYS_ONLY"}}}]))

        def index_status(index):
            table = aws("describe-table", "--table-name", name)["Table"]
            return next((i["IndexStatus"] for i in table.get("GlobalSecondaryIndexes", []) if i["IndexName"] == index), None)
        wait_for(lambda: index_status("byCity") == "ACTIVE", timeout=30, what="byCity to become ACTIVE")
        by_city = aws("query", "--table-name", name, "--index-name", "byCity",
                      "--key-condition-expression", "city = :c",
                      "--expression-attribute-values", json.dumps({":c": {"S": "Oslo"}}), "--select", "COUNT")
        assert by_city["Count"] == 3

        aws("update-table", "--table-name", name,
            "--global-secondary-index-updates", json.dumps([{"Delete": {"IndexName": "byCity"}}]))
        wait_for(lambda: index_status("byCity") is None, timeout=30, what="byCity to go")
        assert index_status("byEmail") == "ACTIVE"
    finally:
        aws("delete-table", "--table-name", name)
