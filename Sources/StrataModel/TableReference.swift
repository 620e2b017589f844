/// A table named by its name or, as DynamoDB accepts since 2024 wherever
/// it takes a TableName, by its ARN (`arn:aws:dynamodb:REGION:ACCOUNT:table/NAME`).
public enum TableReference {
    /// The longest TableName DynamoDB accepts: room for an ARN.
    public static let maximumLength = 1024

    public static func isARN(_ text: String) -> Bool {
        text.hasPrefix("arn:")
    }

    /// The table name a table ARN holds, or nil if `text` is not one (an
    /// index's or a stream's ARN is not).
    public static func name(inARN text: String) -> String? {
        guard isARN(text) else { return nil }
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[2] == "dynamodb" else { return nil }
        let resource = parts[5].split(separator: "/", omittingEmptySubsequences: false)
        guard resource.count == 2, resource[0] == "table", !resource[1].isEmpty else { return nil }
        return String(resource[1])
    }
}
