import StrataModel
import StrataStorage

/// A stream's ARN, `arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL`,
/// taken apart: a malformed one is the client's error (ValidationException),
/// a well-formed one that names no stream is ResourceNotFoundException.
struct StreamARN: Sendable, Equatable {
    let text: String
    let tableARN: String
    let tableName: String
    let label: String

    init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"), parts[2] == "dynamodb" else { return nil }
        let resource = parts[5].split(separator: "/", omittingEmptySubsequences: false)
        guard resource.count == 4, resource[0] == "table", resource[2] == "stream",
              (3...255).contains(resource[1].utf8.count), StreamLabel.isWellFormed(resource[3])
        else { return nil }
        self.text = text
        tableName = String(resource[1])
        label = String(resource[3])
        tableARN = parts[0...4].joined(separator: ":") + ":table/" + tableName
    }

    /// The readable stream it names, with its table.
    func resolve(in storage: any StorageEngine, at now: Double) throws(DynamoError) -> (TableDefinition, StreamDefinition) {
        guard let table = storage.table(named: tableName), table.arn == tableARN,
              let stream = table.streams.first(where: { $0.label == label }), stream.isReadable(at: now)
        else { throw .resourceNotFound("Requested resource not found: Stream: \(text) not found") }
        return (table, stream)
    }
}
