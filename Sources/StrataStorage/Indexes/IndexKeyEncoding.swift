import StrataModel

/// Encodes index entries' keys so that memcmp order is the index's order:
///
///     [partition prefix] [sort component]... [the item's table key]
///
/// The partition prefix of a single partition-key attribute is the
/// table's own (`KeyEncoding.partitionPrefix`): a local index's entries
/// therefore share their item's partition, and hash alike. Several
/// attributes (a multi-attribute global index key) are hashed together.
/// Each sort component is order-preserving and self-delimiting, so that
/// the next component, or the table key that makes the entry unique and
/// breaks ties, compares only between equal components. The layout is on
/// disk: never change it.
package enum IndexKeyEncoding {
    package static func entryKey(_ values: IndexKeyValues, tableKey: [UInt8]) -> [UInt8] {
        var out = partitionPrefix(values.partition)
        for value in values.sort { appendSortComponent(value, to: &out) }
        out.append(contentsOf: tableKey)
        return out
    }

    /// The encoded entry key of a LastEvaluatedKey-shaped item.
    package static func entryKey(ofStart item: Item, in index: IndexDefinition, tableKey: KeySchema) throws(DynamoError) -> [UInt8] {
        guard let values = index.keyValues(of: item), let partition = item[tableKey.partitionKey.name] else {
            throw .validation("The provided starting key is invalid")
        }
        let sort = tableKey.sortKey.flatMap { item[$0.name] }
        if tableKey.sortKey != nil, sort == nil { throw .validation("The provided starting key is invalid") }
        return entryKey(values, tableKey: KeyEncoding.encode(PrimaryKey(partition: partition, sort: sort)))
    }

    /// The bytes every entry with these partition-key values starts with.
    package static func partitionPrefix(_ values: [AttributeValue]) -> [UInt8] {
        if values.count == 1 { return KeyEncoding.partitionPrefix(values[0]) }
        // Each value is tagged and length-prefixed, so that no two lists
        // of values share their bytes.
        var out = [UInt8](repeating: 0, count: 12)
        for value in values {
            let start = out.count
            out.append(contentsOf: [0, 0, 0, 0])
            KeyEncoding.appendCanonical(value, to: &out)
            let length = out.count - start - 4
            for index in 0..<4 { out[start + index] = UInt8(truncatingIfNeeded: length >> (24 - 8 * index)) }
        }
        let canonicalCount = out.count - 12
        let hash = out.withUnsafeBytes { MD5.prefix64(of: UnsafeRawBufferPointer(rebasing: $0[12...])) }
        for index in 0..<8 { out[index] = UInt8(truncatingIfNeeded: hash >> UInt64(56 - 8 * index)) }
        for index in 0..<4 { out[8 + index] = UInt8(truncatingIfNeeded: canonicalCount >> (24 - 8 * index)) }
        return out
    }

    /// The value's order-preserving bytes with every 0x00 escaped as
    /// 0x00 0xFF, then the terminator 0x00 0x00: a shorter value sorts
    /// before every longer one it begins, and no encoding is a prefix of
    /// another.
    static func appendSortComponent(_ value: AttributeValue, to out: inout [UInt8]) {
        appendEscaped(orderedBytes(value), to: &out)
        out.append(0)
        out.append(0)
    }

    private static func orderedBytes(_ value: AttributeValue) -> [UInt8] {
        var bytes: [UInt8] = []
        KeyEncoding.appendSortKey(value, to: &bytes)
        return bytes
    }

    private static func appendEscaped(_ bytes: [UInt8], to out: inout [UInt8]) {
        for byte in bytes {
            out.append(byte)
            if byte == 0 { out.append(0xFF) }
        }
    }

    /// The entries that meet a Query's key condition.
    package static func range(_ condition: IndexKeyCondition) -> KeyRange {
        var prefix = partitionPrefix(condition.partition)
        for value in condition.sortEqualities { appendSortComponent(value, to: &prefix) }
        guard let sortCondition = condition.sortCondition else { return .allKeys(withPrefix: prefix) }
        func component(_ value: AttributeValue) -> [UInt8] {
            var out = prefix
            appendSortComponent(value, to: &out)
            return out
        }
        /// Past every entry whose component is `value`.
        func after(_ value: AttributeValue) -> KeyRange.Bound? {
            KeyRange.successor(ofPrefix: component(value)).map { .init($0, inclusive: false) }
        }
        let all = KeyRange.allKeys(withPrefix: prefix)
        switch sortCondition {
        case .equal(let v):
            return .allKeys(withPrefix: component(v))
        case .less(let v):
            return KeyRange(lower: all.lower, upper: .init(component(v), inclusive: false))
        case .lessOrEqual(let v):
            return KeyRange(lower: all.lower, upper: after(v))
        case .greater(let v):
            return KeyRange(lower: after(v).map { .init($0.key, inclusive: true) }, upper: all.upper)
        case .greaterOrEqual(let v):
            return KeyRange(lower: .init(component(v), inclusive: true), upper: all.upper)
        case .between(let a, let b):
            return KeyRange(lower: .init(component(a), inclusive: true), upper: after(b))
        case .beginsWith(let v):
            // The escaped bytes without a terminator: every longer value too.
            var out = prefix
            appendEscaped(orderedBytes(v), to: &out)
            return .allKeys(withPrefix: out)
        }
    }
}
