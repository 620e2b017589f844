import StrataModel

/// A range of encoded keys, each end open, inclusive or exclusive.
public struct KeyRange: Sendable, Equatable {
    public struct Bound: Sendable, Equatable {
        public var key: [UInt8]
        public var inclusive: Bool

        public init(_ key: [UInt8], inclusive: Bool) {
            self.key = key
            self.inclusive = inclusive
        }
    }

    public var lower: Bound?
    public var upper: Bound?

    public init(lower: Bound? = nil, upper: Bound? = nil) {
        self.lower = lower
        self.upper = upper
    }

    /// The tighter of two lower bounds.
    package mutating func raiseLower(to bound: Bound) {
        guard let lower else {
            self.lower = bound
            return
        }
        if lower.key.sortsBefore(bound.key) || (lower.key == bound.key && !bound.inclusive) {
            self.lower = bound
        }
    }

    /// The tighter of two upper bounds.
    package mutating func lowerUpper(to bound: Bound) {
        guard let upper else {
            self.upper = bound
            return
        }
        if bound.key.sortsBefore(upper.key) || (bound.key == upper.key && !bound.inclusive) {
            self.upper = bound
        }
    }

    /// The smallest byte string greater than every string starting with
    /// `prefix`, or nil if there is none (all 0xFF).
    public static func successor(ofPrefix prefix: [UInt8]) -> [UInt8]? {
        var bytes = prefix
        while let last = bytes.last {
            if last < 0xFF {
                bytes[bytes.count - 1] = last + 1
                return bytes
            }
            bytes.removeLast()
        }
        return nil
    }
}

extension SortKeyCondition {
    /// The encoded keys of one partition-key value that satisfy the condition.
    package func keyRange(prefix: [UInt8]) -> KeyRange {
        func key(_ value: AttributeValue) -> [UInt8] {
            var out = prefix
            KeyEncoding.appendSortKey(value, to: &out)
            return out
        }
        let all = KeyRange.allKeys(withPrefix: prefix)
        switch self {
        case .equal(let v): return KeyRange(lower: .init(key(v), inclusive: true), upper: .init(key(v), inclusive: true))
        case .less(let v): return KeyRange(lower: all.lower, upper: .init(key(v), inclusive: false))
        case .lessOrEqual(let v): return KeyRange(lower: all.lower, upper: .init(key(v), inclusive: true))
        case .greater(let v): return KeyRange(lower: .init(key(v), inclusive: false), upper: all.upper)
        case .greaterOrEqual(let v): return KeyRange(lower: .init(key(v), inclusive: true), upper: all.upper)
        case .between(let a, let b): return KeyRange(lower: .init(key(a), inclusive: true), upper: .init(key(b), inclusive: true))
        case .beginsWith(let v): return KeyRange.allKeys(withPrefix: key(v))
        }
    }
}

extension KeyRange {
    /// Every key that starts with `prefix`.
    package static func allKeys(withPrefix prefix: [UInt8]) -> KeyRange {
        KeyRange(lower: .init(prefix, inclusive: true), upper: successor(ofPrefix: prefix).map { .init($0, inclusive: false) })
    }

    /// The keys whose partition hash lies in `hashes`.
    package static func hashes(_ hashes: ClosedRange<UInt64>) -> KeyRange {
        func bytes(_ hash: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: hash >> (56 - 8 * UInt64($0))) } }
        let upper: Bound? = hashes.upperBound == .max ? nil : .init(bytes(hashes.upperBound + 1), inclusive: false)
        return KeyRange(lower: .init(bytes(hashes.lowerBound), inclusive: true), upper: upper)
    }
}

extension KeyRange {
    /// Narrows the range to what is left after `key` when reading it
    /// forward (or backward): where a page, or a start key, leaves off.
    package mutating func resume(after key: [UInt8], forward: Bool) {
        let bound = Bound(key, inclusive: false)
        if forward { raiseLower(to: bound) } else { lowerUpper(to: bound) }
    }

    /// The table keys a Query of one partition-key value reads, given the
    /// value's encoded prefix (`KeyEncoding.partitionPrefix`).
    package static func query(
        prefix: [UInt8], _ condition: SortKeyCondition?, forward: Bool, after exclusiveStart: PrimaryKey?
    ) -> KeyRange {
        var range = condition?.keyRange(prefix: prefix) ?? allKeys(withPrefix: prefix)
        if let exclusiveStart { range.resume(after: KeyEncoding.encode(exclusiveStart), forward: forward) }
        return range
    }

    /// The entry keys a Query of an index reads; `exclusiveStart` is a
    /// LastEvaluatedKey of the index.
    package static func indexQuery(
        _ condition: IndexKeyCondition, of index: IndexDefinition, tableKey: KeySchema, forward: Bool, after exclusiveStart: Item?
    ) throws(DynamoError) -> KeyRange {
        var range = IndexKeyEncoding.range(condition)
        if let exclusiveStart {
            range.resume(after: try IndexKeyEncoding.entryKey(ofStart: exclusiveStart, in: index, tableKey: tableKey), forward: forward)
        }
        return range
    }
}
