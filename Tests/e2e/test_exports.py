"""ExportTableToPointInTime and ImportTable through boto3, with the
server's export directory standing in for S3, and `strata export` /
`strata import` on a stopped server's data directory:

- an export, imported under a new name, equals its source (every
  attribute type, a global index), and follows DynamoDB's documented
  layout (manifest-summary.json, manifest-files.json with each data file's
  item count and MD5, gzip data files of {"Item": ...} lines);
- a directory written by hand from that specification imports too;
- CSV imports type the key attributes and count the bad lines;
- an export at a past ExportTime holds the table as it was then;
- the CLI round trip, and its refusal while a server holds the directory.

Imports run on both engines; exports need the SQLite engine's history."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from helpers import assert_client_error, next_second, strata_binary, unique_name, wait_for

pytestmark = pytest.mark.needs_binary
exports_on_sqlite = pytest.mark.sqlite_only("on PostgreSQL, exports are the database's own; imports run on both")
TIMEOUT_S = 120


def every_type(n):
    return {"pk": {"S": f"item{n:03d}"}, "sk": {"N": str(n)}, "s": {"S": "é✓ \"quoted\"\n"}, "n": {"N": "-12.5e3"},
            "b": {"B": base64.b64decode(base64.b64encode(bytes([n % 256, 0, 255])))}, "bool": {"BOOL": n % 2 == 0},
            "null": {"NULL": True}, "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.5"]}, "bs": {"BS": [b"\x00", b"\x01"]},
            "l": {"L": [{"S": "x"}, {"N": "1"}, {"M": {"deep": {"L": []}}}]}, "m": {"M": {"k": {"S": "v"}}},
            "color": {"S": ["red", "blue"][n % 2]}}


KEY = dict(KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
           AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                                 {"AttributeName": "color", "AttributeType": "S"}],
           BillingMode="PAY_PER_REQUEST",
           GlobalSecondaryIndexes=[{"IndexName": "byColor", "KeySchema": [{"AttributeName": "color", "KeyType": "HASH"}],
                                    "Projection": {"ProjectionType": "ALL"}}])


def scan_all(client, table):
    items, start = [], None
    while True:
        page = client.scan(TableName=table, **({"ExclusiveStartKey": start} if start else {}))
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return sorted(items, key=lambda i: (i["pk"]["S"], float(i["sk"]["N"])))


def finished(client, describe, key, arn):
    def done():
        description = describe(arn)[key]
        status = description.get("ExportStatus") or description.get("ImportStatus")
        return description if status != "IN_PROGRESS" else None
    return wait_for(done, timeout=TIMEOUT_S, what=f"{arn} to finish")


def export(client, table, bucket, prefix=None, **extra):
    arn = client.describe_table(TableName=table)["Table"]["TableArn"]
    answer = client.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket, **({"S3Prefix": prefix} if prefix else {}), **extra)
    assert answer["ExportDescription"]["ExportStatus"] == "IN_PROGRESS"
    description = finished(client, lambda a: client.describe_export(ExportArn=a), "ExportDescription",
                           answer["ExportDescription"]["ExportArn"])
    assert description["ExportStatus"] == "COMPLETED", description
    return description


def import_table(client, table, bucket, prefix, *, format="DYNAMODB_JSON", key=KEY, **extra):
    answer = client.import_table(S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": prefix}, InputFormat=format,
                                 TableCreationParameters={"TableName": table, **key}, **extra)
    description = answer["ImportTableDescription"]
    assert description["ImportStatus"] == "IN_PROGRESS"
    assert client.describe_table(TableName=table)["Table"]["TableStatus"] in ("CREATING", "ACTIVE")
    description = finished(client, lambda a: client.describe_import(ImportArn=a), "ImportTableDescription", description["ImportArn"])
    assert description["ImportStatus"] == "COMPLETED", description
    assert client.describe_table(TableName=table)["Table"]["TableStatus"] == "ACTIVE"
    return description


def with_recovery(client, table):
    client.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})


@exports_on_sqlite
def test_an_export_imported_under_a_new_name_equals_its_source(strata, dynamodb):
    source = unique_name("export-src")
    dynamodb.create_table(TableName=source, **KEY)
    for n in range(60):
        dynamodb.put_item(TableName=source, Item=every_type(n))
    with pytest.raises(ClientError) as excinfo:
        export(dynamodb, source, "bucket-a")
    assert_client_error(excinfo, "PointInTimeRecoveryUnavailableException", contains=source)
    with_recovery(dynamodb, source)
    description = export(dynamodb, source, "bucket-a", "nightly/run1")
    assert description["ItemCount"] == 60
    assert description["ExportFormat"] == "DYNAMODB_JSON"
    assert description["ExportManifest"].startswith("nightly/run1/AWSDynamoDB/")

    # The layout DynamoDB documents.
    folder = Path(strata.export_dir) / "bucket-a" / description["ExportManifest"].rsplit("/", 1)[0]
    summary = json.loads((folder / "manifest-summary.json").read_text())
    assert summary["itemCount"] == 60 and summary["outputFormat"] == "DYNAMODB_JSON"
    assert summary["exportArn"] == description["ExportArn"] and summary["s3Bucket"] == "bucket-a"
    assert (folder / "_started").exists()
    lines = 0
    for entry in map(json.loads, (folder / "manifest-files.json").read_text().splitlines()):
        data = Path(strata.export_dir) / "bucket-a" / entry["dataFileS3Key"]
        raw = data.read_bytes()
        assert entry["md5Checksum"] == base64.b64encode(hashlib.md5(raw).digest()).decode()
        items = [json.loads(line) for line in gzip.decompress(raw).decode().splitlines()]
        assert all(set(item) == {"Item"} for item in items)
        assert entry["itemCount"] == len(items)
        lines += len(items)
    assert lines == 60

    target = unique_name("export-dst")
    imported = import_table(dynamodb, target, "bucket-a", description["ExportManifest"].rsplit("/", 1)[0] + "/data/",
                            InputCompressionType="GZIP")
    assert imported["ImportedItemCount"] == 60 and imported["ErrorCount"] == 0
    assert scan_all(dynamodb, target) == scan_all(dynamodb, source)
    red = dynamodb.query(TableName=target, IndexName="byColor", KeyConditionExpression="color = :c",
                         ExpressionAttributeValues={":c": {"S": "red"}})["Items"]
    assert len(red) == 30

    exports = dynamodb.list_exports(TableArn=description["TableArn"])["ExportSummaries"]
    assert [e["ExportArn"] for e in exports] == [description["ExportArn"]]
    imports = dynamodb.list_imports(TableArn=imported["TableArn"])["ImportSummaryList"]
    assert [i["ImportArn"] for i in imports] == [imported["ImportArn"]]
    with pytest.raises(ClientError) as excinfo:
        dynamodb.describe_export(ExportArn=description["ExportArn"] + "0")
    assert_client_error(excinfo, "ExportNotFoundException")
    with pytest.raises(ClientError) as excinfo:
        dynamodb.describe_import(ImportArn=imported["ImportArn"] + "0")
    assert_client_error(excinfo, "ImportNotFoundException")
    with pytest.raises(ClientError) as excinfo:
        import_table(dynamodb, target, "bucket-a", "nightly/")
    assert_client_error(excinfo, "ResourceInUseException")


def test_a_directory_written_from_the_specification_imports(strata, dynamodb):
    """An export as AWS documents it, written here by hand: what a file
    DynamoDB wrote looks like."""
    folder = Path(strata.export_dir) / "from-aws" / "AWSDynamoDB" / "01234567890123-a1b2c3d4"
    (folder / "data").mkdir(parents=True)
    items = [{"Item": {"pk": {"S": "p1"}, "sk": {"N": "1"}, "color": {"S": "red"}, "price": {"N": "12.50"},
                       "tags": {"SS": ["new", "sale"]}, "dims": {"M": {"w": {"N": "3"}, "h": {"N": "4"}}}}},
             {"Item": {"pk": {"S": "p1"}, "sk": {"N": "2"}, "image": {"B": "AAEC/w=="}, "ok": {"BOOL": False}, "gone": {"NULL": True}}},
             {"Item": {"pk": {"S": "p2"}, "sk": {"N": "10"}, "history": {"L": [{"S": "a"}, {"NS": ["1", "2"]}]}}}]
    data = gzip.compress("".join(json.dumps(item) + "\n" for item in items).encode())
    key = "AWSDynamoDB/01234567890123-a1b2c3d4/data/asdl123dasas.json.gz"
    (Path(strata.export_dir) / "from-aws" / key).write_bytes(data)
    (folder / "manifest-files.json").write_text(json.dumps(
        {"itemCount": 3, "md5Checksum": base64.b64encode(hashlib.md5(data).digest()).decode(),
         "etag": hashlib.md5(data).hexdigest(), "dataFileS3Key": key}) + "\n")
    (folder / "manifest-summary.json").write_text(json.dumps({"version": "2020-06-30", "itemCount": 3, "outputFormat": "DYNAMODB_JSON"}))
    (folder / "_started").write_text("")

    table = unique_name("from-aws")
    # The whole export folder: its manifests are not data.
    description = import_table(dynamodb, table, "from-aws", "AWSDynamoDB/")
    assert description["ImportedItemCount"] == 3 and description["ErrorCount"] == 0
    got = scan_all(dynamodb, table)
    assert [(i["pk"]["S"], i["sk"]["N"]) for i in got] == [("p1", "1"), ("p1", "2"), ("p2", "10")]
    assert got[0]["dims"] == {"M": {"w": {"N": "3"}, "h": {"N": "4"}}}
    assert got[1]["image"] == {"B": b"\x00\x01\x02\xff"}
    assert got[2]["history"]["L"][1] == {"NS": ["1", "2"]}


def test_csv_imports_type_the_keys_and_count_bad_lines(strata, dynamodb):
    folder = Path(strata.export_dir) / "csv-bucket" / "drop"
    folder.mkdir(parents=True)
    (folder / "part1.csv").write_text('pk,sk,note\nalpha,1,"a, b"\nbeta,2,\ngamma,not-a-number,x\n')
    (folder / "part2.csv.gz").write_bytes(gzip.compress(b"pk,sk,note\ndelta,4,\"say \"\"hi\"\"\"\n,5,missing key\n"))
    table = unique_name("csv")
    description = import_table(dynamodb, table, "csv-bucket", "drop/", format="CSV")
    assert description["ProcessedItemCount"] == 5
    assert description["ImportedItemCount"] == 3
    assert description["ErrorCount"] == 2
    got = scan_all(dynamodb, table)
    assert [(i["pk"]["S"], i["sk"]["N"], i.get("note", {}).get("S")) for i in got] == \
        [("alpha", "1", "a, b"), ("beta", "2", None), ("delta", "4", 'say "hi"')]

    semicolons = Path(strata.export_dir) / "csv-bucket" / "semi"
    semicolons.mkdir()
    (semicolons / "rows.txt").write_text("one;1\ntwo;2\n")
    table = unique_name("csv-semi")
    description = import_table(dynamodb, table, "csv-bucket", "semi/", format="CSV",
                               InputFormatOptions={"Csv": {"Delimiter": ";", "HeaderList": ["pk", "sk"]}},
                               InputCompressionType="NONE")
    assert description["ImportedItemCount"] == 2


@exports_on_sqlite
def test_an_export_at_a_past_time_holds_the_table_as_it_was(strata, dynamodb):
    source = unique_name("export-past")
    dynamodb.create_table(TableName=source, **KEY)
    with_recovery(dynamodb, source)
    for n in range(5):
        dynamodb.put_item(TableName=source, Item=every_type(n))
    second = next_second()
    dynamodb.delete_item(TableName=source, Key={"pk": {"S": "item000"}, "sk": {"N": "0"}})
    description = export(dynamodb, source, "bucket-past", ExportTime=second)
    assert description["ItemCount"] == 5
    with pytest.raises(ClientError) as excinfo:
        export(dynamodb, source, "bucket-past", ExportTime=second - 3600)
    assert_client_error(excinfo, "InvalidExportTimeException")


def run_strata(*arguments):
    return subprocess.run([str(strata_binary()), *arguments], capture_output=True, text=True, timeout=TIMEOUT_S,
                          stdin=subprocess.DEVNULL)


@exports_on_sqlite
def test_the_command_line_exports_and_imports_a_stopped_servers_tables(server_factory, tmp_path):
    server = server_factory()
    client = server.client()
    client.create_table(TableName="cli-source", **KEY)
    for n in range(200):
        client.put_item(TableName="cli-source", Item=every_type(n))
    before = scan_all(client, "cli-source")

    refused = run_strata("export", "cli-source", "--to", str(tmp_path / "out"), "--data-dir", str(server.data_dir))
    assert refused.returncode != 0 and "Another Strata process is using the data directory" in refused.stderr

    assert server.stop() == 0
    exported = run_strata("export", "cli-source", "--to", str(tmp_path / "out"), "--data-dir", str(server.data_dir))
    assert exported.returncode == 0, exported.stderr
    assert "Exported 200 items of cli-source" in exported.stdout and "items/s" in exported.stdout
    imported = run_strata("import", str(tmp_path / "out"), "--table", "cli-copy", "--key", "pk:S,sk:N",
                          "--data-dir", str(server.data_dir))
    assert imported.returncode == 0, imported.stderr
    assert "Imported 200 items into cli-copy" in imported.stdout
    missing_key = run_strata("import", str(tmp_path / "out"), "--table", "cli-other", "--data-dir", str(server.data_dir))
    assert missing_key.returncode != 0 and "--key" in missing_key.stderr

    server.start()
    client = server.client()
    assert scan_all(client, "cli-copy") == before


def test_the_command_line_exports_and_imports_through_a_running_server(strata, dynamodb, tmp_path):
    source = unique_name("cli-remote")
    dynamodb.create_table(TableName=source, **KEY)
    for n in range(120):
        dynamodb.put_item(TableName=source, Item=every_type(n))
    env_free = ("--endpoint", strata.url)
    exported = run_strata("export", source, "--to", str(tmp_path / "remote"), *env_free)
    assert exported.returncode == 0, exported.stderr
    assert f"Exported 120 items of {source}" in exported.stdout
    copy = unique_name("cli-remote-copy")
    imported = run_strata("import", str(tmp_path / "remote"), "--table", copy, "--key", "pk:S,sk:N", *env_free)
    assert imported.returncode == 0, imported.stderr
    assert f"Imported 120 items into {copy}" in imported.stdout
    assert scan_all(dynamodb, copy) == scan_all(dynamodb, source)
