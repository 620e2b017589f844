import StrataModel

/// The `RequestItems` map of BatchGetItem and BatchWriteItem.
enum RequestItemsInput {
    static func decode(_ request: RequestBody, operation: String) throws(DynamoError) -> JSONObject {
        guard let requestItems = try request.object("RequestItems") else {
            throw .validation("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null")
        }
        if requestItems.object.isEmpty {
            throw .validation("The requestItems parameter is required for \(operation)")
        }
        return requestItems.object
    }
}
