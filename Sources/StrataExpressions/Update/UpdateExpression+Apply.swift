import StrataModel

extension UpdateExpression {
    /// The item after the update. `item` is the current item, or nil when
    /// there is none (the update then creates it). Every value on the right
    /// of SET is computed from the item as it was before any action.
    public func apply(to item: Item?) throws(DynamoError) -> Item {
        var assignments: [(path: DocumentPath, value: AttributeValue)] = []
        var removals: [DocumentPath] = []
        for action in actions {
            switch action {
            case .set(let path, let operand): assignments.append((path, try operand.required(in: item)))
            case .remove(let path): removals.append(path)
            case .add, .delete: break
            }
        }
        var result = item ?? [:]
        // In path order, so appends past a list's end land in index order.
        for assignment in assignments.sorted(by: { $0.path < $1.path }) {
            try assignment.path.modify(in: &result) { (value: inout AttributeValue?) throws(DynamoError) in
                value = assignment.value
            }
        }
        for action in actions {
            switch action {
            case .add(let path, let operand):
                try path.modify(in: &result) { (value: inout AttributeValue?) throws(DynamoError) in
                    value = try add(operand, to: value)
                }
            case .delete(let path, let operand):
                try path.modify(in: &result) { (value: inout AttributeValue?) throws(DynamoError) in
                    value = try delete(operand, from: value)
                }
            case .set, .remove:
                break
            }
        }
        // From the back, so each list index still means its original element.
        for path in removals.sorted(by: >) {
            // DynamoDB ignores a nested REMOVE when there is no item at all.
            if item == nil, !path.isTopLevel { continue }
            try path.modify(in: &result) { (value: inout AttributeValue?) throws(DynamoError) in
                value = nil
            }
        }
        return result
    }

    private func add(_ operand: AttributeValue, to current: AttributeValue?) throws(DynamoError) -> AttributeValue {
        guard let current else { return operand }
        switch (current, operand) {
        case (.n(let a), .n(let b)):
            do throws(DynamoNumber.ParseError) {
                return .n(try a.adding(b))
            } catch let failure {
                throw DynamoError.validation(failure.message(input: ""))
            }
        case (.ss(let a), .ss(let b)): return .ss(Self.union(a, b))
        case (.ns(let a), .ns(let b)): return .ns(Self.union(a, b))
        case (.bs(let a), .bs(let b)): return .bs(Self.union(a, b))
        case (.l(let a), .l(let b)) where dialect == .attributeUpdates: return .l(a + b)
        default: throw dialect.typeMismatch
        }
    }

    /// Nil when nothing is left: DynamoDB has no empty sets.
    private func delete(_ operand: AttributeValue, from current: AttributeValue?) throws(DynamoError) -> AttributeValue? {
        guard let current else { return nil }
        switch (current, operand) {
        case (.ss(let a), .ss(let b)): return Self.difference(a, b).map(AttributeValue.ss)
        case (.ns(let a), .ns(let b)): return Self.difference(a, b).map(AttributeValue.ns)
        case (.bs(let a), .bs(let b)): return Self.difference(a, b).map(AttributeValue.bs)
        default: throw dialect.typeMismatch
        }
    }

    /// `a` followed by the members of `b` it lacks.
    private static func union<Member: Hashable>(_ a: [Member], _ b: [Member]) -> [Member] {
        var seen = Set(a)
        return a + b.filter { seen.insert($0).inserted }
    }

    private static func difference<Member: Hashable>(_ a: [Member], _ b: [Member]) -> [Member]? {
        let removed = Set(b)
        let remaining = a.filter { !removed.contains($0) }
        return remaining.isEmpty ? nil : remaining
    }
}
