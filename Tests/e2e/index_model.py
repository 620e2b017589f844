"""What a table's secondary indexes should hold, computed from its items:
the projection rules of DynamoDB applied in Python, and readers that page
through a whole table or index. The index tests compare the two."""

from __future__ import annotations

import json


def key_attributes(key_schema):
    return [element["AttributeName"] for element in key_schema]


def entry(item, index, table_keys):
    """The entry `index` (a CreateTable-style index description) holds
    for `item`, or None if the item lacks one of its key attributes
    (sparse) or holds one of another type than `types` says."""
    names = key_attributes(index["KeySchema"])
    if any(name not in item for name in names):
        return None
    projection = index["Projection"]
    if projection["ProjectionType"] == "ALL":
        return dict(item)
    kept = set(names) | set(table_keys)
    if projection["ProjectionType"] == "INCLUDE":
        kept |= set(projection.get("NonKeyAttributes", []))
    return {name: value for name, value in item.items() if name in kept}


def canonical(item):
    """A hashable, order-free form of an item in low-level JSON."""
    return json.dumps(item, sort_keys=True, default=str)


def expected_entries(items, index, table_keys):
    entries = (entry(item, index, table_keys) for item in items)
    return sorted(canonical(e) for e in entries if e is not None)


def read_all(client, table, index=None, consistent=False):
    """Every item of a table, or every entry of one of its indexes, by
    paging a Scan."""
    request = {"TableName": table}
    if index:
        request["IndexName"] = index
    if consistent:
        request["ConsistentRead"] = True
    items = []
    while True:
        page = client.scan(**request)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def assert_indexes_match(client, table, indexes, table_keys, items=None):
    """Every index holds exactly the entries the table's items imply:
    those of `items` if given (a model), else of a full Scan."""
    items = read_all(client, table, consistent=True) if items is None else items
    for index in indexes:
        stored = sorted(canonical(e) for e in read_all(client, table, index["IndexName"]))
        wanted = expected_entries(items, index, table_keys)
        assert stored == wanted, (
            f"index {index['IndexName']}: {len(stored)} entries, {len(wanted)} expected; "
            f"first extra {sorted(set(stored) - set(wanted))[:1]}, first missing {sorted(set(wanted) - set(stored))[:1]}")
