/// The operations Strata answers, named as in `X-Amz-Target`.
public enum Operation: String, Sendable, CaseIterable {
    case createTable = "CreateTable"
    case describeTable = "DescribeTable"
    case listTables = "ListTables"
    case updateTable = "UpdateTable"
    case deleteTable = "DeleteTable"
    case putItem = "PutItem"
    case getItem = "GetItem"
    case deleteItem = "DeleteItem"
    case updateItem = "UpdateItem"
    case query = "Query"
    case scan = "Scan"
    case batchGetItem = "BatchGetItem"
    case batchWriteItem = "BatchWriteItem"
    case describeLimits = "DescribeLimits"
    case transactWriteItems = "TransactWriteItems"
    case transactGetItems = "TransactGetItems"
}
