import StrataModel

/// The primary keys of a transaction's items, checked in DynamoDB's order:
/// first that no item appears twice (a ValidationException for the whole
/// request, among the keys that fit their tables), then each key against
/// its table in request order, where the first that does not fit cancels
/// the transaction with a ValidationError reason at its place.
enum TransactionKeys {
    static func resolve(
        tables: [TableDefinition], key: (_ index: Int, _ table: TableDefinition) throws(DynamoError) -> PrimaryKey
    ) throws(DynamoError) -> [PrimaryKey] {
        var seen = Set<TransactionItemIdentity>()
        for (index, table) in tables.enumerated() {
            guard let key = try? key(index, table) else { continue }
            guard seen.insert(TransactionItemIdentity(table: table.name, key: key)).inserted else {
                throw .validation("Transaction request cannot include multiple operations on one item")
            }
        }
        var keys: [PrimaryKey] = []
        for (index, table) in tables.enumerated() {
            do {
                keys.append(try key(index, table))
            } catch {
                throw .transactionCanceled(at: index, of: tables.count, .validationError(error))
            }
        }
        return keys
    }
}

/// An item as transactions tell items apart: its table and its key.
struct TransactionItemIdentity: Hashable {
    let table: String
    let key: PrimaryKey
}

extension CancellationReason {
    /// An action whose parameters do not fit its table or item.
    static func validationError(_ error: any Error) -> CancellationReason {
        CancellationReason(code: "ValidationError", message: (error as? DynamoError)?.message)
    }
}
