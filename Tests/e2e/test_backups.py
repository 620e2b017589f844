"""On-demand backups and point-in-time recovery through boto3: the
lifecycle of a backup (CREATING, then AVAILABLE; described, listed with
filters and pages, deleted), restores with and without overrides, and
DynamoDB's errors. On the PostgreSQL engine backups are the database's own:
every call answers ContinuousBackupsUnavailableException."""

from __future__ import annotations

import datetime
import time

import pytest
from botocore.exceptions import ClientError

from helpers import assert_client_error, e2e_postgres, next_second, unique_name, wait_for

sqlite_backups = pytest.mark.sqlite_only("on PostgreSQL, backups are the database's own")
RESTORE_TIMEOUT_S = 60


def create_table(dynamodb, name, *, gsi=False, billing="PAY_PER_REQUEST"):
    attributes = [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}]
    request = dict(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                              {"AttributeName": "sk", "KeyType": "RANGE"}],
                   AttributeDefinitions=attributes, BillingMode=billing)
    if billing == "PROVISIONED":
        request["ProvisionedThroughput"] = {"ReadCapacityUnits": 50, "WriteCapacityUnits": 50}
    if gsi:
        attributes.append({"AttributeName": "color", "AttributeType": "S"})
        index = {"IndexName": "byColor", "KeySchema": [{"AttributeName": "color", "KeyType": "HASH"}],
                 "Projection": {"ProjectionType": "ALL"}}
        if billing == "PROVISIONED":
            index["ProvisionedThroughput"] = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
        request["GlobalSecondaryIndexes"] = [index]
    dynamodb.create_table(**request)
    return name


def item(n, color="red"):
    return {"pk": {"S": f"p{n % 5}"}, "sk": {"N": str(n)}, "color": {"S": color}, "n": {"N": str(n)}}


def scan_all(dynamodb, name, **extra):
    items, start = [], None
    while True:
        page = dynamodb.scan(TableName=name, **extra, **({"ExclusiveStartKey": start} if start else {}))
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return sorted(items, key=lambda i: (i["pk"]["S"], int(i["sk"]["N"])))


def available(dynamodb, arn):
    return wait_for(lambda: dynamodb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"]
                    == "AVAILABLE", timeout=RESTORE_TIMEOUT_S, what=f"backup {arn} to be AVAILABLE")


def restored(dynamodb, name):
    """Waits until a restored table is ACTIVE; returns its description."""
    def done():
        table = dynamodb.describe_table(TableName=name)["Table"]
        return table if table["TableStatus"] == "ACTIVE" else None
    return wait_for(done, timeout=RESTORE_TIMEOUT_S, what=f"restore of {name}")


@sqlite_backups
def test_a_backup_holds_the_table_as_it_was_and_restores_with_its_index(dynamodb):
    source = create_table(dynamodb, unique_name("backup-src"), gsi=True)
    for n in range(30):
        dynamodb.put_item(TableName=source, Item=item(n, "red" if n % 2 else "blue"))
    before = scan_all(dynamodb, source)
    created = dynamodb.create_backup(TableName=source, BackupName="nightly")["BackupDetails"]
    assert created["BackupName"] == "nightly"
    assert created["BackupType"] == "USER"
    assert created["BackupStatus"] in ("CREATING", "AVAILABLE")
    assert created["BackupArn"].startswith(dynamodb.describe_table(TableName=source)["Table"]["TableArn"] + "/backup/")
    arn = created["BackupArn"]
    # Changes after the backup are not in it.
    dynamodb.delete_item(TableName=source, Key={"pk": {"S": "p0"}, "sk": {"N": "0"}})
    dynamodb.put_item(TableName=source, Item=item(100))
    available(dynamodb, arn)

    description = dynamodb.describe_backup(BackupArn=arn)["BackupDescription"]
    assert description["BackupDetails"]["BackupSizeBytes"] > 0
    details = description["SourceTableDetails"]
    assert details["TableName"] == source
    assert details["ItemCount"] == 30
    assert details["BillingMode"] == "PAY_PER_REQUEST"
    assert [i["IndexName"] for i in description["SourceTableFeatureDetails"]["GlobalSecondaryIndexes"]] == ["byColor"]

    target = unique_name("backup-dst")
    answer = dynamodb.restore_table_from_backup(TargetTableName=target, BackupArn=arn)["TableDescription"]
    assert answer["TableName"] == target
    assert answer["RestoreSummary"]["SourceBackupArn"] == arn
    table = restored(dynamodb, target)
    assert table["RestoreSummary"]["RestoreInProgress"] is False
    assert table["ItemCount"] == 30
    assert scan_all(dynamodb, target) == before
    blue = dynamodb.query(TableName=target, IndexName="byColor", KeyConditionExpression="color = :c",
                          ExpressionAttributeValues={":c": {"S": "blue"}})["Items"]
    assert sorted(int(i["n"]["N"]) for i in blue) == list(range(0, 30, 2))


@sqlite_backups
def test_list_backups_filters_and_pages(dynamodb):
    first = create_table(dynamodb, unique_name("list-a"))
    second = create_table(dynamodb, unique_name("list-b"))
    arns = [dynamodb.create_backup(TableName=first, BackupName="b-0")["BackupDetails"]["BackupArn"]]
    boundary = next_second()
    for name in (second, first):
        time.sleep(0.002)  # distinct creation times, so that the order is known
        arns.append(dynamodb.create_backup(TableName=name, BackupName=f"b-{len(arns)}")["BackupDetails"]["BackupArn"])
    for arn in arns:
        available(dynamodb, arn)
    of_first = dynamodb.list_backups(TableName=first)["BackupSummaries"]
    assert [b["BackupArn"] for b in of_first] == [arns[0], arns[2]]
    assert {b["TableName"] for b in of_first} == {first}
    assert all(b["BackupStatus"] == "AVAILABLE" and b["BackupType"] == "USER" for b in of_first)
    assert dynamodb.list_backups(TableName=first, BackupType="SYSTEM")["BackupSummaries"] == []

    # Pages of one, in creation order.
    seen, start = [], None
    while True:
        page = dynamodb.list_backups(Limit=1, **({"ExclusiveStartBackupArn": start} if start else {}))
        seen += [b["BackupArn"] for b in page["BackupSummaries"]]
        start = page.get("LastEvaluatedBackupArn")
        if not start:
            break
    assert [arn for arn in seen if arn in arns] == arns

    # The time window: lower bound inclusive, upper bound exclusive.
    window = dynamodb.list_backups(TableName=first, TimeRangeLowerBound=boundary)["BackupSummaries"]
    assert [b["BackupArn"] for b in window] == [arns[2]]
    window = dynamodb.list_backups(TableName=first, TimeRangeUpperBound=boundary)["BackupSummaries"]
    assert [b["BackupArn"] for b in window] == [arns[0]]

    deleted = dynamodb.delete_backup(BackupArn=arns[0])["BackupDescription"]
    assert deleted["BackupDetails"]["BackupStatus"] == "DELETED"
    assert [b["BackupArn"] for b in dynamodb.list_backups(TableName=first)["BackupSummaries"]] == [arns[2]]
    with pytest.raises(ClientError) as excinfo:
        dynamodb.describe_backup(BackupArn=arns[0])
    assert_client_error(excinfo, "BackupNotFoundException", f"Backup not found: {arns[0]}")


@sqlite_backups
def test_a_restore_may_override_billing_and_indexes(dynamodb):
    source = create_table(dynamodb, unique_name("override-src"), gsi=True, billing="PROVISIONED")
    for n in range(10):
        dynamodb.put_item(TableName=source, Item=item(n))
    arn = dynamodb.create_backup(TableName=source, BackupName="before-change")["BackupDetails"]["BackupArn"]
    available(dynamodb, arn)

    kept = unique_name("override-same")
    dynamodb.restore_table_from_backup(TargetTableName=kept, BackupArn=arn)
    table = restored(dynamodb, kept)
    assert table["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 50
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["byColor"]

    changed = unique_name("override-new")
    dynamodb.restore_table_from_backup(TargetTableName=changed, BackupArn=arn, BillingModeOverride="PAY_PER_REQUEST",
                                       GlobalSecondaryIndexOverride=[])
    table = restored(dynamodb, changed)
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert "GlobalSecondaryIndexes" not in table
    assert len(scan_all(dynamodb, changed)) == 10


@sqlite_backups
def test_backup_and_restore_errors(dynamodb):
    source = create_table(dynamodb, unique_name("errors-src"))
    missing = unique_name("errors-missing")
    with pytest.raises(ClientError) as excinfo:
        dynamodb.create_backup(TableName=missing, BackupName="nope")
    assert_client_error(excinfo, "TableNotFoundException", f"Table not found: {missing}")
    with pytest.raises(ClientError) as excinfo:
        dynamodb.create_backup(TableName=source, BackupName="no spaces")
    assert_client_error(excinfo, "ValidationException", contains="at 'backupName' failed to satisfy constraint")

    arn = dynamodb.create_backup(TableName=source, BackupName="fine")["BackupDetails"]["BackupArn"]
    available(dynamodb, arn)
    with pytest.raises(ClientError) as excinfo:
        dynamodb.restore_table_from_backup(TargetTableName=source, BackupArn=arn)
    assert_client_error(excinfo, "TableAlreadyExistsException", f"Table already exists: {source}")
    unknown = arn[:-8] + "00000000"
    with pytest.raises(ClientError) as excinfo:
        dynamodb.restore_table_from_backup(TargetTableName=unique_name("errors-dst"), BackupArn=unknown)
    assert_client_error(excinfo, "BackupNotFoundException", f"Backup not found: {unknown}")
    with pytest.raises(ClientError) as excinfo:
        dynamodb.delete_backup(BackupArn=unknown)
    assert_client_error(excinfo, "BackupNotFoundException", f"Backup not found: {unknown}")


@sqlite_backups
def test_point_in_time_recovery_restores_any_moment_of_its_period(dynamodb):
    source = create_table(dynamodb, unique_name("pitr-src"))
    with pytest.raises(ClientError) as excinfo:
        dynamodb.restore_table_to_point_in_time(SourceTableName=source, TargetTableName=unique_name("pitr-no"),
                                                UseLatestRestorableTime=True)
    assert_client_error(excinfo, "PointInTimeRecoveryUnavailableException", contains=source)

    answer = dynamodb.update_continuous_backups(
        TableName=source, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 3})
    recovery = answer["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert answer["ContinuousBackupsDescription"]["ContinuousBackupsStatus"] == "ENABLED"
    assert recovery["PointInTimeRecoveryStatus"] == "ENABLED"
    assert recovery["RecoveryPeriodInDays"] == 3
    earliest = recovery["EarliestRestorableDateTime"]

    for n in range(5):
        dynamodb.put_item(TableName=source, Item=item(n))
    middle = next_second()
    dynamodb.delete_item(TableName=source, Key={"pk": {"S": "p0"}, "sk": {"N": "0"}})
    dynamodb.put_item(TableName=source, Item=item(7))

    at_middle = unique_name("pitr-mid")
    answer = dynamodb.restore_table_to_point_in_time(SourceTableName=source, TargetTableName=at_middle, RestoreDateTime=middle)
    assert answer["TableDescription"]["RestoreSummary"]["SourceTableArn"].endswith("/" + source)
    restored(dynamodb, at_middle)
    assert [int(i["n"]["N"]) for i in scan_all(dynamodb, at_middle)] == [0, 1, 2, 3, 4]

    latest = unique_name("pitr-now")
    dynamodb.restore_table_to_point_in_time(SourceTableName=source, TargetTableName=latest, UseLatestRestorableTime=True)
    restored(dynamodb, latest)
    assert scan_all(dynamodb, latest) == scan_all(dynamodb, source)

    with pytest.raises(ClientError) as excinfo:
        dynamodb.restore_table_to_point_in_time(SourceTableName=source, TargetTableName=unique_name("pitr-early"),
                                                RestoreDateTime=earliest - datetime.timedelta(seconds=60))
    assert_client_error(excinfo, "InvalidRestoreTimeException")

    answer = dynamodb.update_continuous_backups(
        TableName=source, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False})
    assert answer["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"] == {"PointInTimeRecoveryStatus": "DISABLED"}
    described = dynamodb.describe_continuous_backups(TableName=source)["ContinuousBackupsDescription"]
    assert described["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"


def test_update_continuous_backups_validates_its_request(dynamodb):
    source = create_table(dynamodb, unique_name("pitr-bad"))
    with pytest.raises(ClientError) as excinfo:
        dynamodb.update_continuous_backups(
            TableName=source, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 36})
    assert_client_error(excinfo, "ValidationException", contains="recoveryPeriodInDays")
    missing = unique_name("pitr-missing")
    with pytest.raises(ClientError) as excinfo:
        dynamodb.update_continuous_backups(
            TableName=missing, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    assert_client_error(excinfo, "TableNotFoundException", f"Table not found: {missing}")


@pytest.mark.skipif(not e2e_postgres(), reason="the PostgreSQL engine's answer")
def test_on_postgresql_backups_are_the_databases_own(dynamodb):
    source = create_table(dynamodb, unique_name("pg-backup"))
    with pytest.raises(ClientError) as excinfo:
        dynamodb.create_backup(TableName=source, BackupName="nope")
    assert_client_error(excinfo, "ContinuousBackupsUnavailableException", contains="the database's own tools")
    with pytest.raises(ClientError) as excinfo:
        dynamodb.update_continuous_backups(
            TableName=source, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    assert_client_error(excinfo, "ContinuousBackupsUnavailableException")
    assert dynamodb.list_backups(TableName=source)["BackupSummaries"] == []
