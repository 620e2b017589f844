"""The transactions acceptance test: money moves between accounts with
TransactWriteItems, under conditions that forbid negative balances, across
several tables and partitions. Many clients run at once while the server is
killed with SIGKILL and restarted several times. The sum of all balances
never changes: TransactGetItems checks it during the run, a full Scan after
each restart.

Each transfer also puts a receipt (id, from, to, amount) into a fourth table
in the same transaction. After each restart every account's balance must be
exactly its opening balance plus the receipts paid to it minus the receipts
paid from it, so every transfer found applied was applied whole and once,
and every acknowledged transfer's receipt must be there. The request in
flight when the kill landed is sent again with its ClientRequestToken: if it
had committed, the repeat must answer success without applying it twice.
`strata check` must pass on the killed server's directory before each
restart.

The server runs on its data directory with 4 partitions per table, so the
accounts spread over partitions as well as tables, once with the default
durability and once with `--durability full`."""

from __future__ import annotations

import http.client
import json
import random
import threading

import pytest

from helpers import Connection, assert_check_passes, unique_name, wait_for

pytestmark = [pytest.mark.needs_binary, pytest.mark.slow]  # kill -9 and restarts, about a minute

CLIENTS = 8
CYCLES = 3
ACCOUNTS_PER_TABLE = 10                # 30 accounts: one TransactGetItems (at most 100) reads them all
OPENING_BALANCE = 1000
MAX_AMOUNT = 400
ACKED_BEFORE_KILL = 1000               # acknowledged transfers per cycle before the kill
MIN_AUDITS_BEFORE_KILL = 3
MAX_TRANSFERS_PER_CLIENT = 20_000      # a bound on the loop; the kill comes long before
MAX_AUDITS = 20_000
RUN_TIMEOUT_S = 30.0
JOIN_TIMEOUT_S = 30.0
PARTITIONS = 4
# Refusals that leave everything as it was: the loop goes on.
CANCEL_CODES = {"None", "ConditionalCheckFailed", "TransactionConflict"}


def error_code(body):
    return (body or {}).get("__type", "").rpartition("#")[2]


class Bank:
    """Three account tables of different key shapes and a receipts table."""

    def __init__(self, server):
        conn = Connection(server)
        try:
            self.flat = self._create(conn, unique_name("acct_s"), [("p", "S")])
            self.grouped = self._create(conn, unique_name("acct_sn"), [("p", "S"), ("c", "N")])
            self.numbered = self._create(conn, unique_name("acct_n"), [("p", "N")])
            self.receipts = self._create(conn, unique_name("receipts"), [("p", "S")])
            # (table, key) of each account; the grouped ones share three partition-key values.
            self.accounts = (
                [(self.flat, {"p": {"S": f"flat-{i}"}}) for i in range(ACCOUNTS_PER_TABLE)]
                + [(self.grouped, {"p": {"S": f"group-{i % 3}"}, "c": {"N": str(i)}}) for i in range(ACCOUNTS_PER_TABLE)]
                + [(self.numbered, {"p": {"N": str(1000 + 7 * i)}}) for i in range(ACCOUNTS_PER_TABLE)])
            for table, key in self.accounts:
                status, body = conn.call("PutItem", {"TableName": table, "Item": {
                    **key, "balance": {"N": str(OPENING_BALANCE)}}})
                assert status == 200, body
        finally:
            conn.close()
        self.total = OPENING_BALANCE * len(self.accounts)

    @staticmethod
    def _create(conn, name, keys):
        status, body = conn.call("CreateTable", {
            "TableName": name, "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": n, "KeyType": kt} for (n, _), kt in zip(keys, ("HASH", "RANGE"))],
            "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t in keys]})
        assert status == 200, body
        return name

    def transfer_request(self, receipt_id, source, target, amount):
        (from_table, from_key), (to_table, to_key) = self.accounts[source], self.accounts[target]
        value = {":a": {"N": str(amount)}}
        return {"ClientRequestToken": receipt_id, "TransactItems": [
            {"Update": {"TableName": from_table, "Key": from_key, "UpdateExpression": "SET balance = balance - :a",
                        "ConditionExpression": "balance >= :a", "ExpressionAttributeValues": value}},
            {"Update": {"TableName": to_table, "Key": to_key, "UpdateExpression": "SET balance = balance + :a",
                        "ExpressionAttributeValues": value}},
            {"Put": {"TableName": self.receipts, "ConditionExpression": "attribute_not_exists(p)", "Item": {
                "p": {"S": receipt_id}, "from": {"N": str(source)}, "to": {"N": str(target)},
                "amount": {"N": str(amount)}}}},
        ]}

    def audit_request(self):
        return {"TransactItems": [{"Get": {"TableName": t, "Key": k}} for t, k in self.accounts]}


class Transferer(threading.Thread):
    """Moves random amounts between two distinct random accounts until the
    server dies. Records the acknowledged transfers and the one in flight
    when the connection broke (its outcome is unknown)."""

    def __init__(self, server, bank, cycle, index):
        super().__init__(daemon=True)
        self.server, self.bank, self.cycle, self.index = server, bank, cycle, index
        self.rng = random.Random(cycle * 100 + index)
        self.acked: dict[str, tuple[int, int, int]] = {}     # receipt id -> (from, to, amount)
        self.sent: dict[str, tuple[int, int, int]] = {}
        self.in_flight: tuple[str, dict] | None = None
        self.cancelled = 0
        self.unexpected: list[str] = []
        self.ended_by_failure = False

    def run(self):
        conn = Connection(self.server)
        try:
            for seq in range(MAX_TRANSFERS_PER_CLIENT):
                source, target = self.rng.sample(range(len(self.bank.accounts)), 2)
                amount = self.rng.randint(1, MAX_AMOUNT)
                receipt = f"c{self.cycle}-t{self.index}-{seq}"
                request = self.bank.transfer_request(receipt, source, target, amount)
                self.sent[receipt] = (source, target, amount)
                self.in_flight = (receipt, request)
                status, body = conn.call("TransactWriteItems", request)
                self.in_flight = None
                if status == 200:
                    self.acked[receipt] = (source, target, amount)
                elif error_code(body) == "TransactionCanceledException" and \
                        {r["Code"] for r in body["CancellationReasons"]} <= CANCEL_CODES and \
                        body["CancellationReasons"][2]["Code"] == "None":
                    self.cancelled += 1
                else:
                    self.unexpected.append(f"{status} {body}"[:300])
        except (OSError, http.client.HTTPException):
            self.ended_by_failure = True
        except Exception as error:  # a test bug or a malformed answer
            self.unexpected.append(repr(error))
        finally:
            conn.close()


class Auditor(threading.Thread):
    """Reads every account in one TransactGetItems, over and over: the sum is
    always the opening total and no balance is negative."""

    def __init__(self, server, bank):
        super().__init__(daemon=True)
        self.server, self.bank = server, bank
        self.audits = 0
        self.failures: list[str] = []
        self.ended_by_failure = False

    def run(self):
        conn = Connection(self.server)
        request = self.bank.audit_request()
        try:
            for _ in range(MAX_AUDITS):
                status, body = conn.call("TransactGetItems", request)
                if status != 200:
                    self.failures.append(f"{status} {body}"[:300])
                    continue
                responses = body["Responses"]
                if len(responses) != len(self.bank.accounts) or not all("Item" in r for r in responses):
                    self.failures.append(f"accounts missing: {responses}"[:300])
                    continue
                balances = [int(r["Item"]["balance"]["N"]) for r in responses]
                if sum(balances) != self.bank.total or min(balances) < 0:
                    self.failures.append(f"sum {sum(balances)}, balances {balances}")
                self.audits += 1
        except (OSError, http.client.HTTPException):
            self.ended_by_failure = True
        except Exception as error:
            self.failures.append(repr(error))
        finally:
            conn.close()


def scan_all(conn, table):
    items, start = [], None
    for _ in range(10_000):
        request = {"TableName": table, "ConsistentRead": True, "Limit": 25}
        if start:
            request["ExclusiveStartKey"] = start
        status, body = conn.call("Scan", request)
        assert status == 200, body
        items += body["Items"]
        start = body.get("LastEvaluatedKey")
        if not start:
            return items
    raise AssertionError(f"scan of {table} did not end")


def resend_in_flight(server, bank, transferers):
    """Sends again, with the same token, each request whose answer the kill
    cut off. Returns the receipt ids the server now reports applied."""
    applied = set()
    conn = Connection(server)
    try:
        for transferer in transferers:
            if transferer.in_flight is None:
                continue
            receipt, request = transferer.in_flight
            status, body = conn.call("TransactWriteItems", request)
            if status == 200:
                applied.add(receipt)
                continue
            # Not applied before the kill, and refused now: only the balance may forbid it.
            assert error_code(body) == "TransactionCanceledException", (receipt, status, body)
            codes = [r["Code"] for r in body["CancellationReasons"]]
            assert codes == ["ConditionalCheckFailed", "None", "None"], (receipt, body)
    finally:
        conn.close()
    return applied


def verify_after_restart(server, bank, sent, acked):
    """Full scans: every account there, none negative, the sum intact, each
    balance explained by the receipts, every acknowledged receipt there."""
    conn = Connection(server, timeout=30)
    try:
        found = {}
        for table in (bank.flat, bank.grouped, bank.numbered):
            for item in scan_all(conn, table):
                key = json.dumps({k: item[k] for k in ("p", "c") if k in item}, sort_keys=True)
                assert key not in found, f"{table} scanned {key} twice"
                found[key] = (table, item)
        receipts = {item["p"]["S"]: item for item in scan_all(conn, bank.receipts)}
    finally:
        conn.close()

    assert len(found) == len(bank.accounts), f"{len(found)} accounts scanned, expected {len(bank.accounts)}"
    balances = []
    for table, key in bank.accounts:
        entry = found.get(json.dumps(key, sort_keys=True))
        assert entry is not None and entry[0] == table, f"account {table} {key} is missing"
        balances.append(int(entry[1]["balance"]["N"]))
    assert min(balances) >= 0, balances
    assert sum(balances) == bank.total, f"sum {sum(balances)} != {bank.total}: {balances}"

    unknown = set(receipts) - set(sent)
    assert unknown == set(), f"receipts nobody sent: {sorted(unknown)[:5]}"
    lost = [r for r in acked if r not in receipts]
    assert lost == [], f"{len(lost)} acknowledged transfers lost, e.g. {lost[:5]}"
    expected = [OPENING_BALANCE] * len(bank.accounts)
    for receipt_id, item in receipts.items():
        source, target, amount = (int(item[k]["N"]) for k in ("from", "to", "amount"))
        assert (source, target, amount) == sent[receipt_id], (receipt_id, item)
        expected[source] -= amount
        expected[target] += amount
    assert balances == expected, "balances do not match the receipts: a transfer was applied in part or twice"
    return receipts


@pytest.mark.parametrize("durability", [None, "full"], ids=["default", "full"])
def test_transfers_keep_the_total_across_sigkill_restarts(server_factory, durability):
    server = server_factory(partitions=PARTITIONS, durability=durability)
    bank = Bank(server)
    sent: dict[str, tuple[int, int, int]] = {}
    acked: set[str] = set()
    summary = []

    for cycle in range(CYCLES):
        transferers = [Transferer(server, bank, cycle, i) for i in range(CLIENTS)]
        auditor = Auditor(server, bank)
        threads = transferers + [auditor]
        for thread in threads:
            thread.start()
        try:
            wait_for(lambda: (sum(len(t.acked) for t in transferers) >= ACKED_BEFORE_KILL
                              and auditor.audits >= MIN_AUDITS_BEFORE_KILL)
                     or not all(t.is_alive() for t in threads),
                     timeout=RUN_TIMEOUT_S, what=f"cycle {cycle}: {ACKED_BEFORE_KILL} acknowledged transfers")
            assert all(t.is_alive() for t in threads), \
                [t.unexpected[:3] for t in transferers] + [auditor.failures[:3]]
        finally:
            server.kill()                 # SIGKILL mid-stream; every client runs into the dead server
            for thread in threads:
                thread.join(timeout=JOIN_TIMEOUT_S)
        assert not any(t.is_alive() for t in threads), "a client did not finish"
        assert [u for t in transferers for u in t.unexpected] == []
        assert auditor.failures == [], auditor.failures[:5]
        assert all(t.ended_by_failure for t in threads), "every client should have been cut off by the kill"

        for transferer in transferers:
            sent.update(transferer.sent)
            acked.update(transferer.acked)
        cycle_acked = sum(len(t.acked) for t in transferers)
        assert cycle_acked >= ACKED_BEFORE_KILL

        assert_check_passes(server.data_dir)   # what the kill left, pending transactions and all, is whole
        server.start()
        # Before anything else touches the accounts: what survived the kill is whole.
        receipts = verify_after_restart(server, bank, sent, acked)
        cut_off = [t.in_flight[0] for t in transferers if t.in_flight is not None]
        landed = sum(r in receipts for r in cut_off)
        # The cut-off requests, sent again with their tokens, apply at most once.
        acked |= resend_in_flight(server, bank, transferers)
        receipts = verify_after_restart(server, bank, sent, acked)
        summary.append(f"cycle {cycle}: {cycle_acked} acknowledged, "
                       f"{sum(t.cancelled for t in transferers)} cancelled, {auditor.audits} audits, "
                       f"{landed} of {len(cut_off)} cut-off transfers had landed, {len(receipts)} receipts in all")
    print("; ".join(summary))


def test_client_request_token_outlives_sigkill(server_factory):
    """A transfer acknowledged before a SIGKILL, sent again with its token
    after the restart, succeeds without moving the money twice; the token
    with another request is still refused."""
    server = server_factory(partitions=PARTITIONS)
    bank = Bank(server)
    request = bank.transfer_request("token-kill", 0, len(bank.accounts) - 1, 250)
    conn = Connection(server)
    try:
        status, body = conn.call("TransactWriteItems", request)
        assert status == 200, body
    finally:
        conn.close()
    server.restart(kill=True, check=True)
    conn = Connection(server)
    try:
        status, body = conn.call("TransactWriteItems", request)
        assert status == 200, body
        other = bank.transfer_request("token-kill", 0, 1, 250)
        status, body = conn.call("TransactWriteItems", other)
        assert status == 400 and error_code(body) == "IdempotentParameterMismatchException", body
    finally:
        conn.close()
    receipts = verify_after_restart(server, bank, {"token-kill": (0, len(bank.accounts) - 1, 250)}, {"token-kill"})
    assert list(receipts) == ["token-kill"]
