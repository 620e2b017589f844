import Foundation
import StrataModel

/// Table definitions the storage tests create.
enum TestTables {
    /// An on-demand table keyed by the string `pk` alone.
    static func hashKeyed(_ name: String) -> TableDefinition {
        TableDefinition(
            name: name, id: UUID().uuidString.lowercased(), arn: "arn:test", creationTime: 0,
            keySchema: KeySchema(partitionKey: KeyAttribute(name: "pk", type: .string), sortKey: nil),
            attributeDefinitions: [KeyAttribute(name: "pk", type: .string)],
            billingMode: .payPerRequest, throughput: nil)
    }
}
