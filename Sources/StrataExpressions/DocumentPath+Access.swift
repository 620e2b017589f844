import StrataModel

extension DocumentPath {
    /// The value at this path, or nil when any step is missing or has the
    /// wrong type.
    func value(in item: Item?) -> AttributeValue? {
        guard var current = item?[attributeName] else { return nil }
        for element in nested {
            switch (element, current) {
            case (.attribute(let name), .m(let map)):
                guard let next = map[name] else { return nil }
                current = next
            case (.index(let index), .l(let list)):
                guard index < list.count else { return nil }
                current = list[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Hands `body` the value at this path (nil if absent) to replace or, by
    /// setting nil, remove. Every step before the last must exist and be a
    /// map or list as the path says, or the update path is invalid. Setting a
    /// list index past the end appends, as DynamoDB does.
    func modify(
        in item: inout Item,
        _ body: (inout AttributeValue?) throws(DynamoError) -> Void
    ) throws(DynamoError) {
        guard !nested.isEmpty else {
            var value = item[attributeName]
            try body(&value)
            item[attributeName] = value
            return
        }
        guard var root = item.removeValue(forKey: attributeName) else {
            throw ExpressionError.invalidUpdatePath
        }
        do {
            try Self.modify(&root, nested[...], body)
        } catch {
            item[attributeName] = root
            throw error
        }
        item[attributeName] = root
    }

    private static func modify(
        _ container: inout AttributeValue,
        _ elements: ArraySlice<Element>,
        _ body: (inout AttributeValue?) throws(DynamoError) -> Void
    ) throws(DynamoError) {
        let isLast = elements.count == 1
        switch (elements.first!, container) {
        case (.attribute(let name), .m(var map)):
            container = .null  // drops the second reference so the map is mutated in place
            defer { container = .m(map) }
            if isLast {
                var value = map[name]
                try body(&value)
                map[name] = value
            } else {
                guard var child = map.removeValue(forKey: name) else { throw ExpressionError.invalidUpdatePath }
                defer { map[name] = child }
                try modify(&child, elements.dropFirst(), body)
            }
        case (.index(let index), .l(var list)):
            container = .null
            defer { container = .l(list) }
            if isLast {
                var value: AttributeValue? = index < list.count ? list[index] : nil
                try body(&value)
                switch (value, index < list.count) {
                case (let value?, true): list[index] = value
                case (let value?, false): list.append(value)
                case (nil, true): list.remove(at: index)
                case (nil, false): break
                }
            } else {
                guard index < list.count else { throw ExpressionError.invalidUpdatePath }
                var child = list[index]
                list[index] = .null
                defer { list[index] = child }
                try modify(&child, elements.dropFirst(), body)
            }
        default:
            throw ExpressionError.invalidUpdatePath
        }
    }
}
