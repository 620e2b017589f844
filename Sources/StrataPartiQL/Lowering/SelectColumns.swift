import StrataModel

/// A SELECT's projection as DynamoDB answers it: each path's value comes
/// back under the path's last name and any list indexes after it
/// (`SELECT a.b, l[1]` gives `b` and `l[1]`), not nested as a
/// ProjectionExpression would give it.
public struct SelectColumns: Sendable {
    private let columns: [(name: String, path: PathSyntax)]

    /// nil when every path is a top-level attribute, whose value comes back
    /// as the read returns it.
    init?(_ paths: [PathSyntax]?) throws(DynamoError) {
        guard let paths, paths.contains(where: { !$0.isTopLevel }) else {
            if let paths { try Self.checkDistinct(paths.map(\.name)) }
            return nil
        }
        columns = paths.map { (Self.name(of: $0), $0) }
        try Self.checkDistinct(columns.map(\.name))
    }

    /// The column of each path found in `item`.
    public func apply(to item: Item) -> Item {
        var result: Item = [:]
        for (name, path) in columns {
            guard var value = item[path.name] else { continue }
            var found = true
            for step in path.steps {
                switch (step, value) {
                case (.name(let key), .m(let map)) where map[key] != nil: value = map[key]!
                case (.index(let index), .l(let list)) where index < list.count: value = list[index]
                default: found = false
                }
                if !found { break }
            }
            if found { result[name] = value }
        }
        return result
    }

    private static func name(of path: PathSyntax) -> String {
        var name = path.name
        for step in path.steps {
            switch step {
            case .name(let key): name = key
            case .index(let index): name += "[\(index)]"
            }
        }
        return name
    }

    private static func checkDistinct(_ names: [String]) throws(DynamoError) {
        var seen: Set<String> = []
        for name in names where !seen.insert(name).inserted {
            throw .validation("Duplicate identifiers in select clause: \(name)")
        }
    }
}
