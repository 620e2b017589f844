/// One secondary index of a table: a global one (partitioned on its own
/// key, eventually consistent, added and removed at will) or a local one
/// (sharing the table's partition key and partitions, strongly
/// consistent, made with the table).
public struct IndexDefinition: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case global
        case local
    }

    public enum Status: String, Sendable {
        case creating = "CREATING"
        case updating = "UPDATING"
        case deleting = "DELETING"
        case active = "ACTIVE"
    }

    public var name: String
    public var kind: Kind
    public var keySchema: IndexKeySchema
    public var projection: IndexProjection
    /// A global index's own capacity on a PROVISIONED table; nil otherwise.
    public var throughput: TableDefinition.Throughput?
    /// Global indexes only; local ones are always active.
    public var status: Status
    /// Set for a global index that UpdateTable added, while it is CREATING:
    /// whether the table's existing items are still being copied into it.
    public var backfilling: Bool?

    public init(
        name: String, kind: Kind, keySchema: IndexKeySchema, projection: IndexProjection,
        throughput: TableDefinition.Throughput? = nil, status: Status = .active, backfilling: Bool? = nil
    ) {
        self.name = name
        self.kind = kind
        self.keySchema = keySchema
        self.projection = projection
        self.throughput = throughput
        self.status = status
        self.backfilling = backfilling
    }

    /// `<table ARN>/index/<name>`.
    public func arn(tableARN: String) -> String {
        "\(tableARN)/index/\(name)"
    }
}

/// An index's key: one to four partition-key attributes (more than one
/// only for a global index, DynamoDB's multi-attribute keys of 2025) and
/// zero to four sort-key attributes, in the order they were given.
public struct IndexKeySchema: Sendable, Hashable {
    public var partitionKeys: [KeyAttribute]
    public var sortKeys: [KeyAttribute]

    public init(partitionKeys: [KeyAttribute], sortKeys: [KeyAttribute] = []) {
        self.partitionKeys = partitionKeys
        self.sortKeys = sortKeys
    }

    public init(_ schema: KeySchema) {
        self.init(partitionKeys: [schema.partitionKey], sortKeys: schema.sortKey.map { [$0] } ?? [])
    }

    public var attributes: [KeyAttribute] {
        partitionKeys + sortKeys
    }

    public static let maximumAttributesPerRole = 4
}

/// Which attributes an index entry holds besides the keys.
public struct IndexProjection: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case all = "ALL"
        case keysOnly = "KEYS_ONLY"
        case include = "INCLUDE"
    }

    public var kind: Kind
    /// For INCLUDE: the top-level attributes copied, in the order given.
    public var nonKeyAttributes: [String]

    public init(kind: Kind, nonKeyAttributes: [String] = []) {
        self.kind = kind
        self.nonKeyAttributes = nonKeyAttributes
    }
}
