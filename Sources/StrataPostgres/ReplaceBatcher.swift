import StrataPostgresWire
import Synchronization

/// Puts that replace an item whatever was there (`ReplaceIfTableUnchanged`)
/// go to the database together when it is queueing work, as a database's
/// group commit does: while a statement of a table's puts is out, the
/// table's new puts wait, and the next statement carries all of them
/// (`ReplaceManyIfTableUnchanged`). An upsert of eight rows costs
/// PostgreSQL a third of the time per row that eight single ones do.
///
/// Waiting pays only while the database (or this machine's cores) queue
/// statements. Across a network that answers at once, a put that waited
/// would add a round trip for nothing. So puts wait only while statements
/// take more than twice the fastest of late (`RoundTrips`); otherwise
/// each goes at once, alone (`PutsWait`). On 2 cores with the database
/// local, PutItem went from 23,000 to 29,000-31,500 req/s; with 0.5 ms
/// added to each round trip, 4 clients lost 2% and 32 gained 8-10%
/// (Benchmarks/README.md, session 24).
///
/// Each put stays its own. It is answered when the statement that holds
/// it has committed. A statement the database refused (an error, which
/// rolled it back) sends each of its puts again alone, so such an error
/// is only ever a put's own; a statement lost with its connection fails
/// each of its puts, as it would fail a put alone. A statement holds
/// puts of one table, each key at most once (an upsert may not touch a
/// row twice), in key order, so that two of them take their row locks in
/// one order and never deadlock each other.
final class ReplaceBatcher: Sendable {
    /// One put, and when its operation's time is up.
    struct Put: Sendable {
        let table: String
        let name: String
        let version: Int
        let key: [UInt8]
        let item: [UInt8]
        let size: Int
        let deadline: ContinuousClock.Instant

        var alone: ReplaceIfTableUnchanged {
            ReplaceIfTableUnchanged(table: table, key: key, item: item, size: size, name: name, version: version)
        }
    }

    /// What a waiting put is told to do.
    private enum Turn: Sendable {
        /// Another put's statement wrote it: the rows the put alone would have returned.
        case written([Int?])
        /// Run the statement for these puts, this one first.
        case lead([Waiting])
        /// The database refused the statement that held it: run it alone.
        case alone
        /// The statement that held it was lost.
        case failed(any Error)
    }

    private struct Waiting: Sendable {
        let put: Put
        let continuation: CheckedContinuation<Turn, Never>
    }

    /// One table's puts waiting, and its statements out.
    private struct Line {
        private(set) var waiting: [Waiting] = []
        /// The bytes of the items waiting.
        private var bytes = 0
        var out = 0

        mutating func append(_ next: Waiting) {
            waiting.append(next)
            bytes += next.put.item.count
        }

        /// Every statement that may go now: all that wait if `wait` is
        /// false; else one while nothing is out, and any that the puts
        /// waiting would fill. Each holds the first put waiting and those
        /// after it that may share its statement; the rest keep their places.
        mutating func ready(wait: Bool) -> [[Waiting]] {
            var batches: [[Waiting]] = []
            while !waiting.isEmpty, !wait || out == 0 || waiting.count > ReplaceBatcher.batchPuts || bytes > ReplaceBatcher.batchBytes {
                batches.append(takeNext())
                out += 1
            }
            return batches
        }

        private mutating func takeNext() -> [Waiting] {
            let first = waiting[0]
            var batch = [first]
            var keys: Set<[UInt8]> = [first.put.key]
            var batchBytes = first.put.item.count
            var left: [Waiting] = []
            for next in waiting.dropFirst() {
                let fits = batch.count < ReplaceBatcher.batchPuts && batchBytes + next.put.item.count <= ReplaceBatcher.batchBytes
                let shares = next.put.name == first.put.name && next.put.version == first.put.version
                if fits, shares, keys.insert(next.put.key).inserted {
                    batch.append(next)
                    batchBytes += next.put.item.count
                } else {
                    left.append(next)
                }
            }
            waiting = left
            bytes -= batchBytes
            return batch
        }
    }

    /// The most puts one statement carries, and the most bytes of their
    /// items (but for a first put larger alone): the statement stays
    /// within what the pool pipelines (`ConnectionPool.pipelineBytes`).
    static let batchPuts = 32
    static let batchBytes = 64 * 1024

    private let database: PostgresDatabase
    private let state = Mutex(State())

    private struct State {
        /// Each table's line, by table id.
        var lines: [String: Line] = [:]
        /// The statements' times, alone or together.
        var roundTrips = RoundTrips()
        /// Whether puts wait for their table's statement out.
        func waits(_ policy: PutsWait) -> Bool {
            switch policy {
            case .whenQueueing: roundTrips.queueing
            case .always: true
            }
        }
    }

    private let policy: PutsWait

    init(database: PostgresDatabase, policy: PutsWait) {
        self.database = database
        self.policy = policy
    }

    /// Puts waiting for a statement ahead of them.
    var waiting: Int {
        state.withLock { $0.lines.values.reduce(0) { $0 + $1.waiting.count } }
    }

    /// Writes the put; the rows `ReplaceIfTableUnchanged` returns (none if the table changed).
    func replace(_ put: Put) async throws -> [Int?] {
        let turn = await withCheckedContinuation { continuation in
            let batches = state.withLock { state in
                let wait = state.waits(policy)
                state.lines[put.table, default: Line()].append(Waiting(put: put, continuation: continuation))
                return state.lines[put.table]!.ready(wait: wait)
            }
            Self.start(batches)
        }
        switch turn {
        case .written(let rows): return rows
        case .alone: return try await database.run(put.alone, by: put.deadline)
        case .failed(let error): throw error
        case .lead(let batch): return try await lead(batch)
        }
    }

    /// Runs the statement for `batch`, whose first put is the caller's,
    /// and answers the others.
    private func lead(_ batch: [Waiting]) async throws -> [Int?] {
        let own = batch[0].put
        guard batch.count > 1 else { return try await send(own.alone, leading: own).get() }
        let puts = batch.map(\.put).sorted { $0.key.lexicographicallyPrecedes($1.key) }
        let statement = ReplaceManyIfTableUnchanged(
            table: own.table, keys: puts.map(\.key), items: puts.map(\.item), sizes: puts.map(\.size), name: own.name,
            version: own.version)
        switch await send(statement, leading: own) {
        case .success(let rows):
            let replaced = Dictionary(rows.map { ($0.key, $0.replaced) }, uniquingKeysWith: { first, _ in first })
            for waiting in batch.dropFirst() {
                waiting.continuation.resume(returning: .written(replaced[waiting.put.key].map { [$0] } ?? []))
            }
            return replaced[own.key].map { [$0] } ?? []
        case .failure(is ServerError):
            for waiting in batch.dropFirst() { waiting.continuation.resume(returning: .alone) }
            return try await database.run(own.alone, by: own.deadline)
        case .failure(let error):
            for waiting in batch.dropFirst() { waiting.continuation.resume(returning: .failed(error)) }
            throw error
        }
    }

    /// Runs the statement of `first`'s line, counts its time, and lets the
    /// line's next puts go.
    private func send<Statement: ItemStatement>(_ statement: Statement, leading first: Put) async -> Result<[Statement.Row], any Error> {
        let sent = ContinuousClock.now
        let outcome: Result<[Statement.Row], any Error>
        do {
            outcome = .success(try await database.run(statement, by: first.deadline))
        } catch {
            outcome = .failure(error)
        }
        let answered = ContinuousClock.now
        Self.start(state.withLock { state in
            if case .success = outcome { state.roundTrips.record(answered - sent, at: answered) }
            state.lines[first.table]!.out -= 1
            let next = state.lines[first.table]!.ready(wait: state.waits(policy))
            if state.lines[first.table]!.out == 0 { state.lines[first.table] = nil }
            return next
        })
        return outcome
    }

    private static func start(_ batches: [[Waiting]]) {
        for batch in batches { batch[0].continuation.resume(returning: .lead(batch)) }
    }
}
