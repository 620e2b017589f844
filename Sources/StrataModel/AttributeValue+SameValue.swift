extension AttributeValue {
    /// Whether DynamoDB holds the two for the same value: sets are equal
    /// whatever the order of their members, at any depth.
    public func isSameValue(as other: AttributeValue) -> Bool {
        switch (self, other) {
        case (.ss(let a), .ss(let b)): a.count == b.count && Set(a) == Set(b)
        case (.ns(let a), .ns(let b)): a.count == b.count && Set(a) == Set(b)
        case (.bs(let a), .bs(let b)): a.count == b.count && Set(a) == Set(b)
        case (.m(let a), .m(let b)): a.isSameItem(as: b)
        case (.l(let a), .l(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.isSameValue(as: $1) }
        default: self == other
        }
    }
}

extension Dictionary where Key == String, Value == AttributeValue {
    /// Whether the two items hold the same values: a write of one over the
    /// other changes nothing.
    public func isSameItem(as other: Self) -> Bool {
        count == other.count && allSatisfy { name, value in other[name].map(value.isSameValue) ?? false }
    }
}
