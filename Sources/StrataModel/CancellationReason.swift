/// Why one action of a cancelled transaction did not happen, as
/// TransactionCanceledException reports it: one reason per action, in
/// request order, with code `None` for the actions that were fine.
public struct CancellationReason: Sendable, Equatable {
    public var code: String
    public var message: String?
    /// The item as it stood, when the request asked for it.
    public var item: Item?

    public init(code: String, message: String? = nil, item: Item? = nil) {
        self.code = code
        self.message = message
        self.item = item
    }

    public static let none = CancellationReason(code: "None")
}

extension DynamoError {
    /// TransactionCanceledException, its message naming every reason's code.
    public static func transactionCanceled(_ reasons: [CancellationReason]) -> DynamoError {
        .transactionCanceled(
            "Transaction cancelled, please refer cancellation reasons for specific reasons [\(reasons.map(\.code).joined(separator: ", "))]",
            reasons: reasons)
    }

    /// A transaction cancelled for one action's reason; every other action's is `None`.
    public static func transactionCanceled(at index: Int, of count: Int, _ reason: CancellationReason) -> DynamoError {
        var reasons = [CancellationReason](repeating: .none, count: count)
        reasons[index] = reason
        return transactionCanceled(reasons)
    }
}
