import StrataModel

/// Document paths merged into a tree, so that projecting an item walks it
/// once however many paths there are.
struct ProjectionTree: Sendable {
    indirect enum Node: Sendable {
        /// Keep the whole value.
        case whole
        /// Keep these members of a map.
        case fields([String: Node])
        /// Keep these elements of a list, in index order.
        case elements([Int: Node])
    }

    private var roots: [String: Node] = [:]

    init(_ paths: [DocumentPath]) {
        for path in paths {
            roots[path.attributeName] = Self.insert(path.nested[...], into: roots[path.attributeName])
        }
    }

    private static func insert(_ elements: ArraySlice<DocumentPath.Element>, into node: Node?) -> Node {
        guard let first = elements.first else { return .whole }
        let rest = elements.dropFirst()
        switch (first, node) {
        case (_, .whole?):
            return .whole
        case (.attribute(let name), nil), (.attribute(let name), .fields?):
            var fields: [String: Node] = [:]
            if case .fields(let existing)? = node { fields = existing }
            fields[name] = insert(rest, into: fields[name])
            return .fields(fields)
        case (.index(let index), nil), (.index(let index), .elements?):
            var members: [Int: Node] = [:]
            if case .elements(let existing)? = node { members = existing }
            members[index] = insert(rest, into: members[index])
            return .elements(members)
        case (_, let node?):
            // A path that uses a map as a list (or the reverse) selects nothing.
            return node
        }
    }

    /// The parts of `item` the paths select. A path to nothing selects
    /// nothing; list elements keep their order but not their positions.
    func project(_ item: Item) -> Item {
        var result: Item = [:]
        for (name, node) in roots {
            if let value = item[name], let projected = Self.project(value, node) {
                result[name] = projected
            }
        }
        return result
    }

    private static func project(_ value: AttributeValue, _ node: Node) -> AttributeValue? {
        switch (node, value) {
        case (.whole, _):
            return value
        case (.fields(let fields), .m(let map)):
            var projected: [String: AttributeValue] = [:]
            for (name, child) in fields {
                if let member = map[name], let kept = project(member, child) { projected[name] = kept }
            }
            return projected.isEmpty ? nil : .m(projected)
        case (.elements(let members), .l(let list)):
            let kept = members.keys.sorted().compactMap { index in
                index < list.count ? project(list[index], members[index]!) : nil
            }
            return kept.isEmpty ? nil : .l(kept)
        default:
            return nil
        }
    }
}
