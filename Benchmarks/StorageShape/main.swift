// Measures the partition table shapes DESIGN.md asks us to choose between:
// a rowid table with a unique index on the key versus a WITHOUT ROWID table,
// at several page sizes, on ~1 KB items with Strata-shaped keys.
// Run: swift run -c release StorageShapeBenchmark [items]
import CSQLite
import Foundation

let itemCount = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 20000 : 20000
let value = [UInt8](repeating: 0x61, count: 1000)

func check(_ rc: Int32, _ db: OpaquePointer?, _ what: String) {
    if rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW {
        fatalError("\(what): \(String(cString: sqlite3_errmsg(db)))")
    }
}

func exec(_ db: OpaquePointer?, _ sql: String) {
    check(sqlite3_exec(db, sql, nil, nil, nil), db, sql)
}

/// A key shaped like Strata's: 8 hash bytes, a length prefix, the partition key.
func key(_ i: Int) -> [UInt8] {
    var h = UInt64(truncatingIfNeeded: i) &* 0x9E37_79B9_7F4A_7C15
    var out: [UInt8] = []
    for _ in 0..<8 { out.append(UInt8(truncatingIfNeeded: h >> 56)); h <<= 8 }
    let pk = Array("user\(String(format: "%09d", i))".utf8)
    out += [0, 0, 0, UInt8(pk.count + 1), 1] + pk
    return out
}

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

struct Shape {
    let name: String
    let ddl: String
    let insert: String
    let select: String
}

let shapes = [
    Shape(name: "rowid + unique key index",
          ddl: "CREATE TABLE items(id INTEGER PRIMARY KEY, k BLOB NOT NULL UNIQUE, v BLOB NOT NULL)",
          insert: "INSERT INTO items(k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
          select: "SELECT v FROM items WHERE k = ?"),
    Shape(name: "WITHOUT ROWID",
          ddl: "CREATE TABLE items(k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID",
          insert: "INSERT INTO items(k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
          select: "SELECT v FROM items WHERE k = ?"),
]

let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("strata-shape-\(getpid())").path
try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

print("items: \(itemCount) of \(value.count) bytes; WAL, synchronous=NORMAL")
print("shape                     page   1-row commits/s   64-row commits: rows/s   point reads/s   file MB")
for shape in shapes {
    for pageSize in [4096, 8192, 16384] {
        let path = "\(directory)/\(shape.name.prefix(5))-\(pageSize).db"
        var db: OpaquePointer?
        check(sqlite3_open(path, &db), db, "open")
        exec(db, "PRAGMA page_size=\(pageSize)")
        exec(db, "PRAGMA journal_mode=WAL")
        exec(db, "PRAGMA synchronous=NORMAL")
        exec(db, shape.ddl)
        var insert: OpaquePointer?
        check(sqlite3_prepare_v2(db, shape.insert, -1, &insert, nil), db, "prepare")
        func put(_ i: Int) {
            let k = key(i)
            sqlite3_bind_blob(insert, 1, k, Int32(k.count), transient)
            sqlite3_bind_blob(insert, 2, value, Int32(value.count), transient)
            check(sqlite3_step(insert), db, "insert")
            sqlite3_reset(insert)
        }
        // Single-row transactions over the first half, 64-row ones over the second.
        let half = itemCount / 2
        let single = seconds {
            for i in 0..<half {
                exec(db, "BEGIN")
                put(i)
                exec(db, "COMMIT")
            }
        }
        let batched = seconds {
            var i = half
            while i < itemCount {
                exec(db, "BEGIN")
                for j in i..<min(i + 64, itemCount) { put(j) }
                exec(db, "COMMIT")
                i += 64
            }
        }
        var select: OpaquePointer?
        check(sqlite3_prepare_v2(db, shape.select, -1, &select, nil), db, "prepare")
        var found = 0
        let reads = itemCount * 3
        var rng = SystemRandomNumberGenerator()
        let readTime = seconds {
            for _ in 0..<reads {
                let k = key(Int.random(in: 0..<itemCount, using: &rng))
                sqlite3_bind_blob(select, 1, k, Int32(k.count), transient)
                if sqlite3_step(select) == SQLITE_ROW { found += Int(sqlite3_column_bytes(select, 0)) > 0 ? 1 : 0 }
                sqlite3_reset(select)
            }
        }
        precondition(found == reads)
        exec(db, "PRAGMA wal_checkpoint(TRUNCATE)")
        sqlite3_finalize(insert)
        sqlite3_finalize(select)
        sqlite3_close(db)
        let size = Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) / 1e6
        let label = shape.name.padding(toLength: 25, withPad: " ", startingAt: 0)
        print(label + String(format: " %5d %17.0f %24.0f %15.0f %9.1f", pageSize,
                     Double(half) / single, Double(itemCount - half) / batched, Double(reads) / readTime, size))
    }
}
