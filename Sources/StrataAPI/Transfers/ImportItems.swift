import StrataModel
import StrataStorage

/// The formats ImportTable reads.
package enum ImportFormat: String, Sendable {
    case dynamoDBJSON = "DYNAMODB_JSON"
    case csv = "CSV"
}

/// Turns the lines of an import's files into items: DynamoDB JSON lines
/// (`{"Item": {...}}`), or CSV records whose columns are named by the
/// header. In CSV, a key attribute takes the type the table declares;
/// every other column is a String, and an empty one is left out.
package struct ImportItems {
    let format: ImportFormat
    let delimiter: UInt8
    /// Declared attribute types, for CSV.
    let types: [String: ScalarAttributeType]
    private(set) var header: [String]?

    package init(format: ImportFormat, delimiter: UInt8, header: [String]?, definitions: [KeyAttribute]) {
        self.format = format
        self.delimiter = delimiter
        self.header = header
        types = Dictionary(definitions.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
    }

    /// The key and stored form of one line's item for a table keyed by
    /// `schema`, nil for a line without one, or why the line holds no
    /// valid item.
    package mutating func entry(_ line: ArraySlice<UInt8>, schema: KeySchema) -> Result<(key: PrimaryKey, item: StoredItem)?, DynamoError> {
        do throws(DynamoError) {
            guard let item = try item(line) else { return .success(nil) }
            try ItemSize.check(item)
            return .success((try ItemKey.fromItem(item, schema: schema), StoredItem(item)))
        } catch {
            return .failure(error)
        }
    }

    /// The item of one line; nil for a line that holds none (a blank line,
    /// a file's CSV header when no header was given).
    mutating func item(_ line: ArraySlice<UInt8>) throws(DynamoError) -> Item? {
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return nil }
        switch format {
        case .dynamoDBJSON:
            let json: JSONValue
            do {
                json = try JSONParser.parse(Array(line))
            } catch {
                throw .validation("Not a JSON object: \(error)")
            }
            guard case .object(let object) = json, let item = object["Item"] else { throw .validation("A line must hold {\"Item\": ...}") }
            return try Item(itemJSON: item)
        case .csv:
            let fields = CSVFields.split(line, delimiter: delimiter)
            guard let header else {
                self.header = fields
                return nil
            }
            guard fields.count == header.count else {
                throw .validation("A record has \(fields.count) fields where the header names \(header.count)")
            }
            var item: Item = [:]
            for (name, text) in zip(header, fields) where !text.isEmpty {
                item[name] = try Self.value(text, as: types[name])
            }
            return item
        }
    }

    private static func value(_ text: String, as type: ScalarAttributeType?) throws(DynamoError) -> AttributeValue {
        switch type {
        case .number?:
            do {
                return .n(try DynamoNumber(parsing: text))
            } catch {
                throw .validation("\(text) is not a number")
            }
        case .binary?:
            guard let bytes = Base64.decode(text) else { throw .validation("\(text) is not base64") }
            return .b(bytes)
        default:
            return .s(text)
        }
    }
}
