import StrataModel

/// One on-demand backup (or a restore's own copy): the table as it was
/// then, where it stands, and what it holds.
public struct BackupRecord: Sendable, Equatable {
    public enum Status: String, Sendable {
        case creating = "CREATING"
        case available = "AVAILABLE"
        case deleted = "DELETED"
    }

    public enum Kind: String, Sendable {
        /// Made by CreateBackup.
        case user = "USER"
        /// Made by a point-in-time restore, and dropped after it.
        case system = "SYSTEM"
    }

    public var arn: String
    public var name: String
    /// The table's definition when the backup was taken.
    public var table: TableDefinition
    /// Seconds since 1970: when CreateBackup was called.
    public var created: Double
    /// Milliseconds since 1970: the moment the items are as of.
    public var moment: Int
    public var status: Status
    public var kind: Kind
    /// Known once the backup is AVAILABLE.
    public var itemCount = 0
    public var sizeBytes = 0

    /// The file name: the last part of the ARN (`backup/ID`).
    var id: String {
        String(arn[arn.index(after: arn.lastIndex(of: "/")!)...])
    }

    /// DynamoDB's id of a backup, an export or an import: the creation
    /// time in milliseconds and a random tail.
    package static func newID(now: Double) -> String {
        var generator = SystemRandomNumberGenerator()
        let tail = String(generator.next() as UInt32, radix: 16)
        return UTCCalendar.pad(Int((now * 1000).rounded(.down)), 14) + "-" + String(repeating: "0", count: 8 - tail.count) + tail
    }

    var json: JSONValue {
        .object(JSONObject([
            ("arn", .string(arn)), ("name", .string(name)), ("table", CatalogRecord(definition: table, partitionCount: 0).json),
            ("created", .number(String(created))), ("moment", .number(String(moment))),
            ("status", .string(status.rawValue)), ("kind", .string(kind.rawValue)),
            ("itemCount", .number(String(itemCount))), ("sizeBytes", .number(String(sizeBytes))),
        ]))
    }

    init(arn: String, name: String, table: TableDefinition, created: Double, moment: Int, status: Status, kind: Kind) {
        self.arn = arn
        self.name = name
        self.table = table
        self.created = created
        self.moment = moment
        self.status = status
        self.kind = kind
    }

    init(json: JSONValue) throws(CatalogRecord.Corrupt) {
        guard case .object(let o) = json, case .string(let arn)? = o["arn"], case .string(let name)? = o["name"],
              let table = o["table"], case .number(let created)? = o["created"], let createdValue = Double(created),
              case .number(let moment)? = o["moment"], let momentValue = Int(moment),
              case .string(let statusText)? = o["status"], let status = Status(rawValue: statusText),
              case .string(let kindText)? = o["kind"], let kind = Kind(rawValue: kindText),
              case .number(let count)? = o["itemCount"], case .number(let size)? = o["sizeBytes"]
        else { throw CatalogRecord.Corrupt() }
        self.init(
            arn: arn, name: name, table: try CatalogRecord(json: table).definition, created: createdValue, moment: momentValue,
            status: status, kind: kind)
        itemCount = Int(count) ?? 0
        sizeBytes = Int(size) ?? 0
    }
}
