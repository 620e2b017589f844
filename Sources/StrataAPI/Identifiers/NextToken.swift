import StrataModel

/// ExecuteStatement's NextToken: where a SELECT's page stopped (the
/// LastEvaluatedKey of the Query or Scan it lowered to), as base64 JSON.
enum NextToken {
    static func token(for key: Item) -> String {
        var writer = JSONWriter()
        writer.item(key)
        return Base64.encode(writer.bytes)
    }

    static func startKey(_ token: String) throws(DynamoError) -> Item {
        let invalid = DynamoError.validation("Invalid NextToken")
        guard let bytes = Base64.decode(token), let json = try? JSONParser.parse(bytes), let key = try? Item(itemJSON: json) else {
            throw invalid
        }
        return key
    }
}
