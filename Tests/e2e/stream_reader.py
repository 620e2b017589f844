"""Reading a whole DynamoDB stream with boto3's `dynamodbstreams` client:
every shard (DescribeStream paged), each from TRIM_HORIZON to where it
stands now."""

from __future__ import annotations


def shard_ids(streams, arn: str) -> list[str]:
    ids, start = [], None
    while True:
        request = {"StreamArn": arn, "Limit": 100}
        if start:
            request["ExclusiveStartShardId"] = start
        description = streams.describe_stream(**request)["StreamDescription"]
        ids += [shard["ShardId"] for shard in description["Shards"]]
        start = description.get("LastEvaluatedShardId")
        if not start:
            return ids


def read_shard(streams, arn: str, shard: str, **position) -> list[dict]:
    """The shard's records from TRIM_HORIZON, or from `position`
    (ShardIteratorType and SequenceNumber), to its current end."""
    position = position or {"ShardIteratorType": "TRIM_HORIZON"}
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, **position)["ShardIterator"]
    records = []
    while iterator:
        page = streams.get_records(ShardIterator=iterator, Limit=1000)
        records += page["Records"]
        if not page["Records"]:
            break
        iterator = page.get("NextShardIterator")
    return records


def read_stream(streams, arn: str) -> list[dict]:
    """Every record of every shard, shard after shard."""
    return [record for shard in shard_ids(streams, arn) for record in read_shard(streams, arn, shard)]
