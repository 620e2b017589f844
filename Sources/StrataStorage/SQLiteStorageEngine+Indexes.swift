import StrataModel

extension SQLiteStorageEngine {
    public func queryIndex(
        table: String, index: String, condition: IndexKeyCondition, forward: Bool, exclusiveStart: Item?, limit: PageLimit
    ) async throws -> ItemPage {
        throw DynamoError.internalFailure("Secondary indexes are not built yet")
    }

    public func scanIndex(
        table: String, index: String, segment: Int, totalSegments: Int, exclusiveStart: Item?, limit: PageLimit
    ) async throws -> ItemPage {
        throw DynamoError.internalFailure("Secondary indexes are not built yet")
    }

    public func indexStatistics(ofTable name: String) async throws -> [String: PartitionStatistics] {
        [:]
    }

    public func itemCollectionSize(table: String, partitionKey: AttributeValue) async throws -> Int {
        0
    }
}
