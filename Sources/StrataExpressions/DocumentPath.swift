import StrataModel

/// A resolved document path: a top-level attribute name followed by map keys
/// and list indexes (`a.b[3].c`). Placeholders are already substituted, so a
/// name may contain any character, dots included.
public struct DocumentPath: Sendable, Hashable {
    public enum Element: Sendable, Hashable {
        case attribute(String)
        case index(Int)
    }

    public let attributeName: String
    /// The elements after the top-level name.
    public let nested: [Element]

    public init(_ attributeName: String, _ nested: [Element] = []) {
        self.attributeName = attributeName
        self.nested = nested
    }

    /// All elements, the top-level name first.
    public var elements: [Element] { [.attribute(attributeName)] + nested }

    public var isTopLevel: Bool { nested.isEmpty }
}

extension DocumentPath: CustomStringConvertible {
    /// DynamoDB's rendering in error messages: `[a, b, [3]]`.
    public var description: String {
        let parts = elements.map { element in
            switch element {
            case .attribute(let name): name
            case .index(let index): "[\(index)]"
            }
        }
        return "[" + parts.joined(separator: ", ") + "]"
    }
}

extension DocumentPath {
    /// How two paths of one expression relate: DynamoDB refuses to read or
    /// write both a path and a part of it, or to use one value both as a map
    /// and as a list.
    enum Relation {
        case independent
        case overlapping
        case conflicting
    }

    func relation(to other: DocumentPath) -> Relation {
        let mine = elements, theirs = other.elements
        for (a, b) in zip(mine, theirs) {
            switch (a, b) {
            case (.attribute(let x), .attribute(let y)) where x != y: return .independent
            case (.index(let x), .index(let y)) where x != y: return .independent
            case (.attribute, .index), (.index, .attribute): return .conflicting
            default: continue
            }
        }
        return .overlapping
    }

    /// Rejects the first pair of paths that overlap or conflict.
    static func checkDisjoint(_ paths: [DocumentPath], kind: ExpressionKind) throws(DynamoError) {
        // Grouping by top-level name keeps this near-linear for typical lists.
        var byName: [String: [DocumentPath]] = [:]
        for path in paths {
            for earlier in byName[path.attributeName, default: []] {
                switch earlier.relation(to: path) {
                case .independent: continue
                case .overlapping: throw ExpressionError.pathsOverlap(kind, earlier, path)
                case .conflicting: throw ExpressionError.pathsConflict(kind, earlier, path)
                }
            }
            byName[path.attributeName, default: []].append(path)
        }
    }
}

/// Orders paths element by element (indexes numerically) so that list
/// appends happen in index order and removals can run from the back.
extension DocumentPath: Comparable {
    public static func < (lhs: DocumentPath, rhs: DocumentPath) -> Bool {
        for (a, b) in zip(lhs.elements, rhs.elements) {
            switch (a, b) {
            case (.attribute(let x), .attribute(let y)) where x != y: return x < y
            case (.index(let x), .index(let y)) where x != y: return x < y
            case (.attribute, .index): return true
            case (.index, .attribute): return false
            default: continue
            }
        }
        return lhs.nested.count < rhs.nested.count
    }
}
