"""Random writes of every kind (PutItem, UpdateItem, DeleteItem,
BatchWriteItem, TransactWriteItems) on a table keyed by `pk` (S) and `sk`
(N), whose attributes come and go: the workload of the index and stream
crash tests."""

from __future__ import annotations

import random
import threading

from botocore.exceptions import ClientError

from helpers import wait_for


def random_key(rng, prefix="p"):
    return {"pk": {"S": f"{prefix}{rng.randrange(8)}"}, "sk": {"N": str(rng.randrange(12))}}


def random_attributes(rng):
    """Index attributes that are there or not, so that items come and go
    from every index."""
    candidates = {
        "color": lambda: {"S": rng.choice(["red", "green", "blue"])},
        "size": lambda: {"N": str(rng.randrange(-3, 4))},
        "tenant": lambda: {"S": rng.choice(["t1", "t2"])},
        "region": lambda: {"S": rng.choice(["eu", "us"])},
        "year": lambda: {"N": str(rng.randrange(2020, 2024))},
        "label": lambda: {"S": rng.choice(["a", "ab", "b"])},
        "rank": lambda: {"B": bytes([rng.randrange(3)]) * rng.randrange(1, 3)},
        "note": lambda: {"S": "x" * rng.randrange(1, 60)},
    }
    return {name: make() for name, make in candidates.items() if rng.random() < 0.75}


class Writer:
    """Random writes of every kind; `model` (if kept) is the table as the
    acknowledged writes leave it, for a writer that owns its keys."""

    def __init__(self, client, table, rng, prefix="p"):
        self.client, self.table, self.rng, self.prefix = client, table, rng, prefix
        self.model = {}

    @staticmethod
    def ident(key):
        return (key["pk"]["S"], key["sk"]["N"])

    def one(self):
        rng, client, table = self.rng, self.client, self.table
        choice = rng.randrange(10)
        key = random_key(rng, self.prefix)
        if choice < 3:
            item = {**key, **random_attributes(rng)}
            client.put_item(TableName=table, Item=item)
            self.model[self.ident(key)] = item
        elif choice < 6:
            sets = random_attributes(rng)
            removes = [name for name in ("color", "year", "rank", "label") if name not in sets and rng.random() < 0.3]
            names = {f"#a{i}": name for i, name in enumerate(sets)}
            values = {f":v{i}": value for i, value in enumerate(sets.values())}
            parts = []
            if sets:
                parts.append("SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(sets))))
            if removes:
                names.update({f"#r{i}": name for i, name in enumerate(removes)})
                parts.append("REMOVE " + ", ".join(f"#r{i}" for i in range(len(removes))))
            if not parts:
                return
            request = dict(TableName=table, Key=key, UpdateExpression=" ".join(parts), ExpressionAttributeNames=names,
                           ReturnValues="ALL_NEW")
            if values:
                request["ExpressionAttributeValues"] = values
            self.model[self.ident(key)] = client.update_item(**request)["Attributes"]
        elif choice < 7:
            client.delete_item(TableName=table, Key=key)
            self.model.pop(self.ident(key), None)
        elif choice < 9:
            batch = {}
            for _ in range(rng.randrange(2, 12)):
                k = random_key(rng, self.prefix)
                batch[self.ident(k)] = {**k, **random_attributes(rng)} if rng.random() < 0.7 else k
            requests = [{"PutRequest": {"Item": v}} if len(v) > 2 else {"DeleteRequest": {"Key": v}}
                        for v in batch.values()]
            unprocessed = {table: requests}
            while unprocessed:
                unprocessed = client.batch_write_item(RequestItems=unprocessed).get("UnprocessedItems") or {}
            for ident, value in batch.items():
                if len(value) > 2:
                    self.model[ident] = value
                else:
                    self.model.pop(ident, None)
        else:
            actions, chosen = [], {}
            for _ in range(rng.randrange(1, 5)):
                k = random_key(rng, self.prefix)
                if self.ident(k) in chosen:
                    continue
                if rng.random() < 0.7:
                    chosen[self.ident(k)] = {**k, **random_attributes(rng)}
                    actions.append({"Put": {"TableName": table, "Item": chosen[self.ident(k)]}})
                else:
                    chosen[self.ident(k)] = None
                    actions.append({"Delete": {"TableName": table, "Key": k}})
            try:
                client.transact_write_items(TransactItems=actions)
            except ClientError as error:
                if error.response["Error"]["Code"] != "TransactionCanceledException":
                    raise
                return
            for ident, value in chosen.items():
                if value is None:
                    self.model.pop(ident, None)
                else:
                    self.model[ident] = value


def kill_while_writing(server, table: str, *, seed: int, writers: int, writes: int) -> None:
    """`writers` clients write at random until `writes` were acknowledged,
    then the server is killed with SIGKILL and the clients stop (a client
    whose write meets a transaction conflict goes on)."""
    stop = threading.Event()
    acknowledged = [0]
    lock = threading.Lock()

    def work(client_seed):
        writer = Writer(server.client(), table, random.Random(client_seed))
        while not stop.is_set():
            try:
                writer.one()
            except ClientError:  # a conflict between transactions, or the like
                continue
            except Exception:  # the kill: connection refused, reset, timed out
                return
            with lock:
                acknowledged[0] += 1

    threads = [threading.Thread(target=work, args=(seed + i,), daemon=True) for i in range(writers)]
    for thread in threads:
        thread.start()
    wait_for(lambda: acknowledged[0] >= writes, timeout=90, what="writes before the kill")
    server.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
