import StrataModel

extension Condition {
    /// Whether `item` (nil: no item) satisfies the condition. A missing
    /// attribute or a type mismatch makes a test false, never an error.
    func isSatisfied(by item: Item?) -> Bool {
        switch self {
        case .comparison(let comparator, let left, let right):
            guard let a = left.value(in: item), let b = right.value(in: item) else {
                return comparator == .notEqual
            }
            switch comparator {
            case .equal: return a.isEqual(to: b)
            case .notEqual: return !a.isEqual(to: b)
            case .less: return a.order(comparedTo: b).map { $0 < 0 } ?? false
            case .lessOrEqual: return a.order(comparedTo: b).map { $0 <= 0 } ?? false
            case .greater: return a.order(comparedTo: b).map { $0 > 0 } ?? false
            case .greaterOrEqual: return a.order(comparedTo: b).map { $0 >= 0 } ?? false
            }
        case .between(let subject, let lower, let upper):
            guard let value = subject.value(in: item), let low = lower.value(in: item),
                  let high = upper.value(in: item),
                  let fromLow = value.order(comparedTo: low), let toHigh = value.order(comparedTo: high)
            else { return false }
            return fromLow >= 0 && toHigh <= 0
        case .in(let subject, let candidates):
            guard let value = subject.value(in: item) else { return false }
            return candidates.contains { $0.value(in: item).map(value.isEqual) ?? false }
        case .exists(let path):
            return path.value(in: item) != nil
        case .notExists(let path):
            return path.value(in: item) == nil
        case .hasType(let subject, let typeName):
            return subject.value(in: item)?.typeName == typeName
        case .beginsWith(let subject, let prefix):
            guard let value = subject.value(in: item), let prefix = prefix.value(in: item) else { return false }
            return value.begins(with: prefix)
        case .contains(let container, let member):
            guard let value = container.value(in: item), let member = member.value(in: item) else { return false }
            return value.contains(member)
        case .notContains(let container, let member):
            guard let value = container.value(in: item), let member = member.value(in: item) else { return false }
            return !value.contains(member)
        case .and(let terms):
            return terms.allSatisfy { $0.isSatisfied(by: item) }
        case .or(let terms):
            return terms.contains { $0.isSatisfied(by: item) }
        case .not(let term):
            return !term.isSatisfied(by: item)
        }
    }
}
