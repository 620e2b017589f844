"""Admission control against the real server, in real time.

The token-bucket arithmetic (refill, the 300 s burst, debt, hot keys,
UpdateTable, the on-demand maximum, throttling off) is tested exactly on an
injected clock in Tests/StrataAdmissionTests. What is left here needs the
real server and real time, or is not time-dependent at all:

- One provisioned write-rate window: 32 concurrent connections for 10 s get
  10 +- 1 writes/s on a 10 WCU table (after its full 300 s burst), the rest
  ProvisionedThroughputExceededException; boto3's standard retry mode
  completes every write.
- Batches hand refused items back in UnprocessedKeys / UnprocessedItems; a
  hot partition key answers ThrottlingException with DynamoDB's message;
  UpdateTable to on-demand reaches the admission buckets.
- `--throttling off` refuses nothing; `--max-in-flight 1` sheds load with
  ThrottlingException and never answers 500.
- DescribeLimits and the ConsumedCapacity arithmetic.

How the rate is measured: client threads (each its own boto3 client, so its
own connection, retries off) start together on a barrier and send requests
back to back until a deadline. Before the window the table's bucket is
emptied (requests until the first refusal), so the window starts with no
saved capacity. The server lets a request in while the bucket is not empty
and charges its real cost afterwards, so when the bucket turns positive all
the connections whose requests arrive before the first of them is charged
get in together and leave it in debt, which the refill then repays. The
long-run rate is exactly the refill rate, but the round admitted last in a
window is paid for after it; so the window closes when a probe is admitted
again (the debt repaid), and the bare count is only held to the rate plus
one round of connections.

Sleeps: only where a rate-limited bucket is left to refill for a known time
(the refill is the behaviour under test): UnprocessedKeys (0.2 s) and
UpdateTable to on-demand (0.05 s). Every loop is bounded by a deadline and a
maximum count.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from typing import Callable, NamedTuple

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from helpers import ACCESS_KEY, DDBL_NO_THROTTLING, REGION, SECRET_KEY, assert_client_error, unique_name

CONNECTIONS = 32
WINDOW_S = 10.0
BURST_S = 300
BARRIER_TIMEOUT_S = 60.0
JOIN_SLACK_S = 60.0

WRITE_WCU = 10
READ_RCU = 100
KB = 1024

PROVISIONED_MESSAGE = ("The level of configured provisioned throughput for the table was exceeded. "
                       "Consider increasing your provisioning level with the UpdateTable API.")
HOT_KEY_MESSAGE = ("Throughput exceeds the current capacity of your table or index. DynamoDB is "
                   "automatically scaling your table or index so please try again shortly. If "
                   "exceptions persist, check if you have a hot key: "
                   "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html")
SHED_MESSAGE = "Rate of requests exceeds the allowed throughput."
PTEE = "ProvisionedThroughputExceededException"
THROTTLING = "ThrottlingException"

# Hot-key limits of one partition-key value (DynamoDB's per-partition maximums).
HOT_KEY_WCU = 1000
HOT_KEY_BURST_S = 3


# ---------------------------------------------------------------------------
# Items of an exact size
# ---------------------------------------------------------------------------

def sized_item(size: int, **keys: str) -> dict:
    """An item of exactly `size` bytes by DynamoDB's rule (attribute name +
    value bytes, S values only): the keys plus a padding attribute `d`."""
    used = sum(len(name) + len(value.encode()) for name, value in keys.items()) + len("d")
    assert size >= used, (size, used)
    item = {name: {"S": value} for name, value in keys.items()}
    item["d"] = {"S": "x" * (size - used)}
    return item


def units_of(response: dict) -> float:
    consumed = response.get("ConsumedCapacity")
    if consumed is None:
        return 0.0
    if isinstance(consumed, list):
        return sum(entry["CapacityUnits"] for entry in consumed)
    return consumed["CapacityUnits"]


# ---------------------------------------------------------------------------
# Clients and load
# ---------------------------------------------------------------------------

def make_clients(url: str, count: int, **config) -> list:
    """`count` boto3 clients (own connection pools), made from one session
    because a new session per client costs ~0.2 s of model loading."""
    options = dict(retries={"max_attempts": 0}, connect_timeout=5, read_timeout=60)
    options.update(config)
    session = boto3.session.Session()
    return [session.client("dynamodb", endpoint_url=url, region_name=REGION,
                           aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                           config=Config(**options))
            for _ in range(count)]


@pytest.fixture(scope="module")
def pool(strata):
    """CONNECTIONS clients of the session server, each already connected."""
    clients = make_clients(strata.url, CONNECTIONS)
    for client in clients:
        client.describe_limits()
    return clients


class Outcome(NamedTuple):
    sent: float          # monotonic time the request was sent
    ok: bool
    units: float         # ConsumedCapacity of an admitted request (0 if not asked)
    code: str | None
    message: str | None
    status: int | None


class Load(NamedTuple):
    outcomes: list[Outcome]
    start: float
    end: float
    failures: list[str]  # anything but a DynamoDB answer (transport errors, bugs)

    @property
    def seconds(self) -> float:
        return self.end - self.start

    @property
    def admitted(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.ok]

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]


def run_load(clients: list, call: Callable, seconds: float, *, max_per_thread: int = 200_000,
             stop: threading.Event | None = None) -> Load:
    """Each client's thread calls `call(client, thread, n)` back to back from a
    common start until `seconds` have passed (or `max_per_thread` calls, or
    `stop` is set). Requests sent before the deadline are all counted."""
    barrier = threading.Barrier(len(clients) + 1, timeout=BARRIER_TIMEOUT_S)
    outcomes: list[list[Outcome]] = [[] for _ in clients]
    failures: list[str] = []
    window = {}

    def worker(index: int, client) -> None:
        barrier.wait()
        deadline = window["start"] + seconds
        mine = outcomes[index]
        for n in range(max_per_thread):
            sent = time.monotonic()
            if sent >= deadline or (stop is not None and stop.is_set()):
                return
            try:
                response = call(client, index, n)
            except ClientError as error:
                mine.append(Outcome(sent, False, 0.0, error.response["Error"]["Code"],
                                    error.response["Error"].get("Message"),
                                    error.response["ResponseMetadata"].get("HTTPStatusCode")))
            except (BotoCoreError, OSError, AssertionError) as error:
                failures.append(f"thread {index}: {error!r}")
                return
            else:
                mine.append(Outcome(sent, True, units_of(response), None, None,
                                    response["ResponseMetadata"]["HTTPStatusCode"]))

    threads = [threading.Thread(target=worker, args=(i, c), daemon=True) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    window["start"] = time.monotonic()
    barrier.wait()
    for thread in threads:
        thread.join(timeout=seconds + JOIN_SLACK_S)
    assert not any(thread.is_alive() for thread in threads), "a load thread did not finish in time"
    return Load([o for mine in outcomes for o in mine], window["start"], window["start"] + seconds, failures)


def assert_refusals(load: Load, code: str, message: str) -> None:
    assert not load.failures, load.failures[:5]
    wrong = [o for o in load.refused if (o.code, o.message, o.status) != (code, message, 400)]
    assert not wrong, f"{len(wrong)} unexpected refusals, e.g. {wrong[:3]}"


def out_of_debt_at(probe: Callable, code: str, *, max_probes: int = 100_000, timeout: float = 60.0) -> float:
    """Sends `probe()` back to back until one is admitted and returns when that
    one was sent: the moment the bucket is no longer in debt."""
    deadline = time.monotonic() + timeout
    for _ in range(max_probes):
        sent = time.monotonic()
        assert sent < deadline, "the bucket never came out of debt"
        try:
            probe()
        except ClientError as error:
            assert is_error(error, code), error
            continue
        return sent
    pytest.fail("the bucket never came out of debt")


def is_error(error: ClientError, code: str) -> bool:
    return error.response["Error"]["Code"] == code


# ---------------------------------------------------------------------------
# Spending a provisioned table's burst
# ---------------------------------------------------------------------------

class Spent(NamedTuple):
    units: float         # capacity admitted before the first refusal
    seconds: float       # from the first request to the first refusal
    refusal: ClientError | None


_keys = itertools.count()


def next_key(prefix: str) -> str:
    return f"{prefix}{next(_keys):08d}"


def put_until_refused(client, table: str, *, item_size: int = KB, key_prefix: str = "w",
                      max_puts: int = 20_000, code: str = PTEE) -> tuple[int, ClientError | None]:
    """Puts `item_size` items until the first refusal with `code`; returns how
    many were admitted before it. Leaves the bucket at most one item in debt."""
    for admitted in range(max_puts):
        try:
            client.put_item(TableName=table, Item=sized_item(item_size, p=next_key(key_prefix)))
        except ClientError as error:
            if not is_error(error, code):
                raise
            return admitted, error
    return max_puts, None


def spend_write_burst(client, table: str, rate: float, *, big_items: bool = False) -> Spent:
    """Writes to a new provisioned table until its first refusal. The table is
    expected to hold `BURST_S * rate` units; most of them go in 399 KB puts
    (`big_items`) or 25-item batches of 1 KB items while the estimate says
    there is room, the rest in single 1 KB puts, so that the first refusal is
    met within one unit of the bucket's real content."""
    start = time.monotonic()
    units = 0.0

    def room() -> float:
        return BURST_S * rate + rate * (time.monotonic() - start) - units

    def refused(error: ClientError) -> Spent:
        assert is_error(error, PTEE), error
        return Spent(units, time.monotonic() - start, error)

    for _ in range(1000):
        if not big_items or room() <= 1000:
            break
        try:
            response = client.put_item(TableName=table, Item=sized_item(399 * KB, p=next_key("big")),
                                       ReturnConsumedCapacity="TOTAL")
        except ClientError as error:
            return refused(error)
        units += units_of(response)
    for _ in range(10_000):
        if room() <= 60:
            break
        batch = [{"PutRequest": {"Item": sized_item(KB, p=next_key("b"))}} for _ in range(25)]
        try:
            response = client.batch_write_item(RequestItems={table: batch}, ReturnConsumedCapacity="TOTAL")
        except ClientError as error:
            return refused(error)
        units += units_of(response)
        if response["UnprocessedItems"]:
            # Refused before the estimate said so: the bucket was smaller.
            return Spent(units, time.monotonic() - start, None)
    admitted, error = put_until_refused(client, table)
    units += admitted
    return Spent(units, time.monotonic() - start, error)


def spend_read_burst(client, table: str, rate: float, keys: list[str]) -> Spent:
    """Reads a new provisioned table until its first refusal: strongly
    consistent Scans of Limit 4 KB items (1 RCU each, Select=COUNT so that
    nothing is sent back) while the estimate says there is room, then
    GetItems of one 4 KB item (1 RCU) until refused."""
    start = time.monotonic()
    units = 0.0

    def room() -> float:
        return BURST_S * rate + rate * (time.monotonic() - start) - units

    for _ in range(10_000):
        if room() <= 20:
            break
        try:
            response = client.scan(TableName=table, ConsistentRead=True, Select="COUNT",
                                   Limit=max(1, min(len(keys), int(room()) - 10)), ReturnConsumedCapacity="TOTAL")
        except ClientError as error:
            assert is_error(error, PTEE), error
            return Spent(units, time.monotonic() - start, error)
        units += units_of(response)
    for _ in range(100_000):
        try:
            response = client.get_item(TableName=table, Key={"p": {"S": random.choice(keys)}},
                                       ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
        except ClientError as error:
            assert is_error(error, PTEE), error
            return Spent(units, time.monotonic() - start, error)
        units += units_of(response)
    return Spent(units, time.monotonic() - start, None)


class _Raised:
    """Lets assert_client_error check an error caught by hand."""

    def __init__(self, error: ClientError):
        self.value = error


def assert_full_burst(spent: Spent, rate: float) -> None:
    """A new table admitted its whole burst, 300 s x rate, plus the refill
    while it was being spent (within the last request's cost)."""
    assert spent.refusal is not None, (
        f"no {PTEE} where expected: {spent.units} units admitted in {spent.seconds:.2f}s, then none or part of a batch")
    assert_client_error(_Raised(spent.refusal), PTEE, PROVISIONED_MESSAGE)
    expected = BURST_S * rate + rate * spent.seconds
    # At most one 1-unit request beyond the content, and at most a few ms of
    # refill less than the client's clock counted.
    assert expected - max(2.0, rate * 0.05) <= spent.units <= expected + 1, (spent, expected)


# ---------------------------------------------------------------------------
# Write throttling
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def write_table(module_tables, dynamodb, pool):
    """A 10 WCU table (50 RCU) whose burst has been spent."""
    name = module_tables(billing_mode="PROVISIONED", throughput=(50, WRITE_WCU), prefix="e2e_wcu")
    return name, spend_write_burst(dynamodb, name, WRITE_WCU)


@pytest.mark.strata_only(DDBL_NO_THROTTLING)
@pytest.mark.slow
def test_write_throttling_admits_the_provisioned_rate(dynamodb, pool, write_table):
    name, spent = write_table
    # A new table starts with its full burst: 300 s x 10 WCU of 1 KB writes.
    assert_full_burst(spent, WRITE_WCU)
    print(f"\nburst: {spent.units:.0f} WCU admitted in {spent.seconds:.2f}s before the first refusal")

    # Empty the bucket again (a few puts at most), then 32 connections of 1 KB puts.
    admitted, refusal = put_until_refused(dynamodb, name)
    assert refusal is not None

    def put(client, thread, n):
        return client.put_item(TableName=name, Item=sized_item(KB, p=f"t{thread:02d}-{n:07d}"))

    load = run_load(pool, put, WINDOW_S)
    # Requests that find the bucket not empty all start before any of them
    # is charged, so when it turns positive several connections may get in
    # at once and leave it in debt, which the next refill repays. Whatever
    # debt the last of them left past the window's end was paid for after
    # it: the window closes when the bucket is out of debt again.
    repaid = out_of_debt_at(lambda: dynamodb.put_item(TableName=name, Item=sized_item(KB, p=next_key("probe"))), PTEE)
    assert_refusals(load, PTEE, PROVISIONED_MESSAGE)
    admitted = len(load.admitted)
    rate = admitted / (repaid - load.start)
    print(f"write window: {admitted} admitted, {len(load.refused)} refused in {load.seconds:.1f}s "
          f"({admitted / load.seconds:.2f}/s); debt repaid {repaid - load.end:.2f}s after the window: "
          f"{rate:.2f} writes/s")
    assert len(load.refused) > 10 * admitted, "the load did not exceed the rate"
    assert WRITE_WCU - 1 <= rate <= WRITE_WCU + 1, rate
    # Over the bare window: the rate, plus at most one round of connections
    # admitted together at the end.
    assert WRITE_WCU * WINDOW_S - 2 <= admitted <= WRITE_WCU * WINDOW_S + CONNECTIONS + 2, admitted
    # Spread over the window, not spent at once: each half holds about half
    # (give or take one such round).
    for half in range(2):
        low = load.start + half * WINDOW_S / 2
        in_half = sum(1 for o in load.admitted if low <= o.sent < low + WINDOW_S / 2)
        assert abs(in_half - WRITE_WCU * WINDOW_S / 2) <= CONNECTIONS + 2, (half, in_half)


@pytest.mark.strata_only(DDBL_NO_THROTTLING)
@pytest.mark.slow
def test_standard_retry_mode_completes_every_write(strata, dynamodb, write_table):
    name, _ = write_table
    admitted, refusal = put_until_refused(dynamodb, name)
    assert refusal is not None, "the table should be throttled"
    threads, per_thread = 4, 10
    clients = make_clients(strata.url, threads, retries={"mode": "standard", "max_attempts": 10})
    keys = [[f"retry-{t}-{i}" for i in range(per_thread)] for t in range(threads)]
    retries = [0] * threads
    failures: list[str] = []
    barrier = threading.Barrier(threads, timeout=BARRIER_TIMEOUT_S)

    def worker(t: int) -> None:
        barrier.wait()
        for key in keys[t]:
            try:
                response = clients[t].put_item(TableName=name, Item=sized_item(KB, p=key))
            except (ClientError, BotoCoreError) as error:
                failures.append(f"{key}: {error!r}")
                continue
            retries[t] += response["ResponseMetadata"]["RetryAttempts"]

    start = time.monotonic()
    workers = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in workers)
    elapsed = time.monotonic() - start
    print(f"\nstandard retries: {threads * per_thread} writes in {elapsed:.1f}s, {sum(retries)} retries")
    assert not failures, failures
    assert sum(retries) > 0, "no write was throttled"
    # 40 writes at 10 WCU from an empty bucket take about 4 s (less the few
    # that may be admitted together at the end).
    assert elapsed >= (threads * per_thread - threads - 2) / WRITE_WCU, elapsed
    for key in itertools.chain.from_iterable(keys):
        item = dynamodb.get_item(TableName=name, Key={"p": {"S": key}}).get("Item")
        assert item == sized_item(KB, p=key), key


# ---------------------------------------------------------------------------
# Read throttling
# ---------------------------------------------------------------------------

READ_ITEMS = 256  # of 4 KB: 1 MB


@pytest.fixture(scope="module")
def read_table(module_tables, dynamodb):
    """A 100 RCU table of 256 items of exactly 4 KB (1 RCU each, strongly
    consistent) whose read burst has been spent."""
    name = module_tables(billing_mode="PROVISIONED", throughput=(READ_RCU, 100), prefix="e2e_rcu")
    keys = [f"r{i:04d}" for i in range(READ_ITEMS)]
    for first in range(0, READ_ITEMS, 25):
        batch = [{"PutRequest": {"Item": sized_item(4 * KB, p=key)}} for key in keys[first:first + 25]]
        response = dynamodb.batch_write_item(RequestItems={name: batch})
        assert response["UnprocessedItems"] == {}
    return name, keys, spend_read_burst(dynamodb, name, READ_RCU, keys)


def get_until_refused(client, table: str, keys: list[str], max_gets: int = 100_000) -> ClientError | None:
    for _ in range(max_gets):
        try:
            client.get_item(TableName=table, Key={"p": {"S": random.choice(keys)}}, ConsistentRead=True)
        except ClientError as error:
            assert is_error(error, PTEE), error
            return error
    return None


@pytest.mark.strata_only(DDBL_NO_THROTTLING)
def test_batch_get_returns_refused_keys_unprocessed(dynamodb, read_table):
    name, keys, spent = read_table
    # A new table starts with its full burst: 300 s x 100 RCU of 4 KB reads.
    assert_full_burst(spent, READ_RCU)
    assert get_until_refused(dynamodb, name, keys) is not None
    # The bucket is empty (within one unit); let it refill for 0.2 s at 100
    # RCU/s: about 20 of the next 100 one-unit reads fit.
    time.sleep(0.2)
    requested = keys[:100]
    response = dynamodb.batch_get_item(
        RequestItems={name: {"Keys": [{"p": {"S": k}} for k in requested], "ConsistentRead": True}},
        ReturnConsumedCapacity="TOTAL")
    returned = sorted(item["p"]["S"] for item in response["Responses"].get(name, []))
    unprocessed = response["UnprocessedKeys"].get(name, {"Keys": []})
    left = [key["p"]["S"] for key in unprocessed["Keys"]]
    assert 10 <= len(returned) <= 60, len(returned)
    assert sorted(returned + left) == requested
    assert unprocessed.get("ConsistentRead") is True
    assert response["ConsumedCapacity"] == [{"TableName": name, "CapacityUnits": float(len(returned))}]


# ---------------------------------------------------------------------------
# Hot keys
# ---------------------------------------------------------------------------

@pytest.mark.strata_only(DDBL_NO_THROTTLING)
def test_hot_key_is_throttled_and_batches_return_it_unprocessed(dynamodb, table):
    name = table()  # on demand: 40,000 WCU/s for the table
    hot = "hot"
    hot_item = sized_item(100 * KB, p=hot)  # 100 WCU a put

    # One key gets 3 s of its 1,000 WCU/s, then ThrottlingException.
    start = time.monotonic()
    spent = 0.0
    refusal = None
    for _ in range(1000):
        try:
            response = dynamodb.put_item(TableName=name, Item=hot_item, ReturnConsumedCapacity="TOTAL")
        except ClientError as error:
            refusal = error
            break
        spent += units_of(response)
    refused_at = time.monotonic()
    elapsed = refused_at - start
    assert refusal is not None, f"one key took {spent} WCU unthrottled"
    assert_client_error(_Raised(refusal), THROTTLING, HOT_KEY_MESSAGE)
    expected = HOT_KEY_WCU * (HOT_KEY_BURST_S + elapsed)
    print(f"\nhot key: {spent:.0f} WCU in {elapsed:.2f}s before ThrottlingException (expected ~{expected:.0f})")
    assert expected - 60 <= spent <= expected + 100, (spent, expected)
    # The table has room: another key is written at once.
    dynamodb.put_item(TableName=name, Item=sized_item(100 * KB, p="cold"))

    # A batch: the hot key's write comes back in UnprocessedItems, the others
    # are written. Put the key deep in debt first: after a refusal, keep
    # putting 399 KB items until one is admitted; that one leaves the bucket
    # ~399 units below zero, ~0.4 s of refill, so the next requests are refused.
    huge = sized_item(399 * KB, p=hot)
    refused_once = False
    for _ in range(5000):
        try:
            dynamodb.put_item(TableName=name, Item=huge)
        except ClientError as error:
            assert is_error(error, THROTTLING), error
            refused_once = True
            continue
        if refused_once:
            break
    else:
        pytest.fail("the hot key never recovered")
    batch = [{"PutRequest": {"Item": sized_item(KB, p=hot)}}] + \
            [{"PutRequest": {"Item": sized_item(KB, p=f"batch{i}")}} for i in range(4)]
    response = dynamodb.batch_write_item(RequestItems={name: batch}, ReturnConsumedCapacity="TOTAL")
    assert response["UnprocessedItems"] == {name: batch[:1]}
    assert response["ConsumedCapacity"] == [{"TableName": name, "CapacityUnits": 4.0}]
    # Nothing of the batch can be admitted: the whole call is refused.
    with pytest.raises(ClientError) as excinfo:
        dynamodb.batch_write_item(RequestItems={name: batch[:1]})
    assert_client_error(excinfo, THROTTLING, HOT_KEY_MESSAGE)
    for i in range(4):
        assert "Item" in dynamodb.get_item(TableName=name, Key={"p": {"S": f"batch{i}"}})


# ---------------------------------------------------------------------------
# UpdateTable
# ---------------------------------------------------------------------------

@pytest.mark.strata_only(DDBL_NO_THROTTLING)
def test_update_table_to_on_demand_takes_effect_at_once(dynamodb, table):
    # 1 WCU: a 399 KB put takes the whole 300-unit burst and leaves 99 units
    # of debt, 99 s of refill at 1 WCU.
    name = table(billing_mode="PROVISIONED", throughput=(1, 1), prefix="e2e_ondemand")
    dynamodb.put_item(TableName=name, Item=sized_item(399 * KB, p="big"))
    with pytest.raises(ClientError) as excinfo:
        dynamodb.put_item(TableName=name, Item=sized_item(KB, p="before"))
    assert_client_error(excinfo, PTEE, PROVISIONED_MESSAGE)

    description = dynamodb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
    assert description["TableDescription"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    # On demand the table may use 40,000 WCU/s: 0.05 s of that (2,000 units)
    # covers the provisioned debt many times, if it is kept at all.
    time.sleep(0.05)
    response = dynamodb.put_item(TableName=name, Item=sized_item(KB, p="after"), ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == {"TableName": name, "CapacityUnits": 1.0}


# ---------------------------------------------------------------------------
# --throttling off, --max-in-flight
# ---------------------------------------------------------------------------

def test_throttling_off_never_refuses(server_factory):
    server = server_factory(extra_args=("--throttling", "off"))
    admin = server.client()
    name = unique_name("e2e_off")
    admin.create_table(TableName=name, KeySchema=[{"AttributeName": "p", "KeyType": "HASH"}],
                       AttributeDefinitions=[{"AttributeName": "p", "AttributeType": "S"}],
                       BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    hot_item = sized_item(40 * KB, p="hot")  # 40 WCU to write, 10 RCU to read
    admin.put_item(TableName=name, Item=hot_item)

    # Over every budget: the table's 300 s x 1 unit, and the hot key's 3,000 WCU + 1,000/s.
    def call(client, thread, n):
        if thread % 2 == 0:
            return client.put_item(TableName=name, Item=hot_item, ReturnConsumedCapacity="TOTAL")
        if n % 2 == 0:
            return client.get_item(TableName=name, Key={"p": {"S": "hot"}}, ConsistentRead=True,
                                   ReturnConsumedCapacity="TOTAL")
        return client.put_item(TableName=name, Item=sized_item(KB, p=f"o{thread}-{n}"), ReturnConsumedCapacity="TOTAL")

    load = run_load(make_clients(server.url, CONNECTIONS), call, 2.0)
    assert not load.failures, load.failures[:3]
    assert not load.refused, load.refused[:3]
    hot_writes = sum(o.units for o in load.outcomes if o.units == 40.0)
    reads = sum(o.units for o in load.outcomes if o.units == 10.0)  # 40 KB read strongly
    all_units = sum(o.units for o in load.outcomes)
    print(f"\nthrottling off: {len(load.outcomes)} requests, {hot_writes:.0f} WCU on one key, "
          f"{reads:.0f} RCU, none refused")
    # ConsumedCapacity is still reported, and the load really was over budget.
    assert all(o.units > 0 for o in load.outcomes)
    assert hot_writes > HOT_KEY_WCU * (HOT_KEY_BURST_S + load.seconds) + 1000, hot_writes
    assert reads > 300 + load.seconds, reads
    assert all_units - reads > 300 + load.seconds
    response = admin.batch_write_item(
        RequestItems={name: [{"PutRequest": {"Item": sized_item(40 * KB, p=f"batch{i}")}} for i in range(25)]},
        ReturnConsumedCapacity="TOTAL")
    assert response["UnprocessedItems"] == {}
    assert response["ConsumedCapacity"] == [{"TableName": name, "CapacityUnits": 1000.0}]


SCAN_ITEMS = 300  # of 4 KB: the Scan stops at its 1 MB page limit


def test_max_in_flight_sheds_load_with_throttling_exception(server_factory):
    server = server_factory(extra_args=("--max-in-flight", "1", "--table-max-units", "1000000"))
    admin = server.client()
    # The limits in force, from the flag.
    limits = admin.describe_limits()
    assert {k: v for k, v in limits.items() if k != "ResponseMetadata"} == {
        "AccountMaxReadCapacityUnits": 2_000_000, "AccountMaxWriteCapacityUnits": 2_000_000,
        "TableMaxReadCapacityUnits": 1_000_000, "TableMaxWriteCapacityUnits": 1_000_000}
    name = unique_name("e2e_shed")
    admin.create_table(TableName=name, KeySchema=[{"AttributeName": "p", "KeyType": "HASH"}],
                       AttributeDefinitions=[{"AttributeName": "p", "AttributeType": "S"}],
                       BillingMode="PAY_PER_REQUEST")
    for first in range(0, SCAN_ITEMS, 25):
        batch = [{"PutRequest": {"Item": sized_item(4 * KB, p=f"s{i:04d}")}}
                 for i in range(first, min(first + 25, SCAN_ITEMS))]
        assert admin.batch_write_item(RequestItems={name: batch})["UnprocessedItems"] == {}

    stop = threading.Event()
    counts = {"ok": 0, "shed": 0}
    lock = threading.Lock()

    def scan(client, thread, n):
        # A whole 1 MB page read on the server; only a count comes back.
        try:
            response = client.scan(TableName=name, ConsistentRead=True, Select="COUNT")
        except ClientError as error:
            with lock:
                counts["shed"] += 1
                if counts["shed"] >= 20 and counts["ok"] >= 20:
                    stop.set()
            raise
        with lock:
            counts["ok"] += 1
        return response

    load = run_load(make_clients(server.url, 16), scan, 5.0, stop=stop)
    assert not load.failures, load.failures[:3]
    shed = load.refused
    print(f"\nmax-in-flight 1: {len(load.admitted)} scans answered, {len(shed)} shed in "
          f"{max(o.sent for o in load.outcomes) - load.start:.2f}s")
    assert all(o.status == 200 for o in load.admitted)
    assert shed, "16 concurrent 1 MB scans never exceeded one request in flight"
    assert_refusals(load, THROTTLING, SHED_MESSAGE)
    assert load.admitted, "every request was shed"
    # After the load the server answers normally.
    assert admin.scan(TableName=name, Select="COUNT", Limit=5)["Count"] == 5


# ---------------------------------------------------------------------------
# DescribeLimits, ConsumedCapacity arithmetic
# ---------------------------------------------------------------------------

def test_describe_limits_reports_the_defaults(dynamodb):
    limits = dynamodb.describe_limits()
    assert {k: v for k, v in limits.items() if k != "ResponseMetadata"} == {
        "AccountMaxReadCapacityUnits": 80000, "AccountMaxWriteCapacityUnits": 80000,
        "TableMaxReadCapacityUnits": 40000, "TableMaxWriteCapacityUnits": 40000}


@pytest.mark.strata_only("DynamoDB Local's BatchWriteItem ConsumedCapacity differs from AWS DynamoDB's arithmetic")
def test_consumed_capacity_arithmetic(dynamodb, table):
    one = table()
    two = table()
    ranged = table(range_key=("r", "S"))

    def total(units, name=one):
        return {"TableName": name, "CapacityUnits": units}

    def put(size, key, name=one, **extra):
        return dynamodb.put_item(TableName=name, Item=sized_item(size, p=key), **extra)

    # Writes: 1 KB units of the larger of the old and the new item.
    assert put(1024, "a", ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"] == total(1.0)
    assert put(1025, "b", ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"] == total(2.0)
    assert put(4096, "c", ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"] == total(4.0)
    assert put(4097, "d", ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"] == {
        "TableName": one, "CapacityUnits": 5.0, "Table": {"CapacityUnits": 5.0}}
    assert "ConsumedCapacity" not in put(10, "e")
    assert "ConsumedCapacity" not in put(10, "e", ReturnConsumedCapacity="NONE")

    # Reads: 4 KB units, halved when eventually consistent (the default); a
    # missing item costs the minimum.
    def get(key, **extra):
        return dynamodb.get_item(TableName=one, Key={"p": {"S": key}}, ReturnConsumedCapacity="TOTAL",
                                 **extra)["ConsumedCapacity"]

    assert get("c", ConsistentRead=True) == total(1.0)
    assert get("c") == total(0.5)
    assert get("d", ConsistentRead=True) == total(2.0)
    assert get("d", ConsistentRead=False) == total(1.0)
    assert get("missing", ConsistentRead=True) == total(1.0)
    assert get("missing") == total(0.5)
    # The projection does not change the price.
    assert get("d", ConsistentRead=True, ProjectionExpression="p") == total(2.0)

    # Overwrite with a small item: the old item's size. Update that grows an
    # item: the new size. Delete: the old item's size, 1 if missing.
    assert put(10, "d", ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"] == total(5.0)
    update = dynamodb.update_item(TableName=one, Key={"p": {"S": "a"}}, UpdateExpression="SET b = :v",
                                  ExpressionAttributeValues={":v": {"S": "x"}}, ReturnConsumedCapacity="TOTAL")
    assert update["ConsumedCapacity"] == total(2.0)  # 1024 + 2 bytes
    delete = dynamodb.delete_item(TableName=one, Key={"p": {"S": "b"}}, ReturnConsumedCapacity="TOTAL")
    assert delete["ConsumedCapacity"] == total(2.0)
    delete = dynamodb.delete_item(TableName=one, Key={"p": {"S": "nothing"}}, ReturnConsumedCapacity="TOTAL")
    assert delete["ConsumedCapacity"] == total(1.0)

    # BatchWriteItem: each write rounded on its own, summed per table.
    response = dynamodb.batch_write_item(RequestItems={
        one: [{"PutRequest": {"Item": sized_item(500, p="f")}},
              {"PutRequest": {"Item": sized_item(3584, p="g")}}],           # 1 + 4
        two: [{"PutRequest": {"Item": sized_item(1024, p="h")}},
              {"DeleteRequest": {"Key": {"p": {"S": "none"}}}}],            # 1 + 1
    }, ReturnConsumedCapacity="TOTAL")
    assert response["UnprocessedItems"] == {}
    assert sorted(response["ConsumedCapacity"], key=lambda c: c["TableName"] != one) == [total(5.0), total(2.0, two)]

    # BatchGetItem: each item rounded on its own (1.5 KB + 6.5 KB = 1 + 2
    # strongly consistent), summed per table.
    put(1536, "i")
    put(6656, "j")
    for key in ("k", "l", "m"):
        put(20, key, name=two)
    response = dynamodb.batch_get_item(RequestItems={
        one: {"Keys": [{"p": {"S": "i"}}, {"p": {"S": "j"}}], "ConsistentRead": True},
        two: {"Keys": [{"p": {"S": k}} for k in ("k", "l", "m")]},
    }, ReturnConsumedCapacity="TOTAL")
    assert response["UnprocessedKeys"] == {}
    assert sorted(response["ConsumedCapacity"], key=lambda c: c["TableName"] != one) == [total(3.0), total(1.5, two)]

    # Query: the page's items are summed, then rounded once (3 x 1,500 B =
    # 4,500 B: 2 units, not 3).
    for r in ("1", "2", "3"):
        dynamodb.put_item(TableName=ranged, Item=sized_item(1500, p="q", r=r))
    query = dict(TableName=ranged, KeyConditionExpression="p = :p",
                 ExpressionAttributeValues={":p": {"S": "q"}}, ReturnConsumedCapacity="TOTAL")
    assert dynamodb.query(**query, ConsistentRead=True)["ConsumedCapacity"] == total(2.0, ranged)
    assert dynamodb.query(**query)["ConsumedCapacity"] == total(1.0, ranged)
    assert dynamodb.query(**query, Select="COUNT", ConsistentRead=True)["ConsumedCapacity"] == total(2.0, ranged)
