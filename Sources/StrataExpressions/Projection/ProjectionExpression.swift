import StrataModel

/// A ProjectionExpression (or the legacy AttributesToGet): the document paths
/// to return from each item.
public struct ProjectionExpression: Sendable {
    public let paths: [DocumentPath]
    private let tree: ProjectionTree

    /// Projects onto paths already known to be valid.
    public init(paths: [DocumentPath]) {
        self.paths = paths
        self.tree = ProjectionTree(paths)
    }

    public static func parse(
        _ text: String,
        context: ExpressionContext,
        cache: ExpressionCache? = nil
    ) throws(DynamoError) -> ProjectionExpression {
        let syntax = try cache.syntax(for: .projection(text)) { () throws(DynamoError) in
            try Parser.parseProjection(text)
        }
        let resolver = Resolver(context: context, kind: .projection)
        var paths: [DocumentPath] = []
        paths.reserveCapacity(syntax.count)
        for path in syntax { paths.append(try resolver.path(path)) }
        try DocumentPath.checkDisjoint(paths, kind: .projection)
        return ProjectionExpression(paths: paths)
    }

    /// The top-level attributes the projection reads.
    public var attributeNames: Set<String> { Set(paths.map(\.attributeName)) }

    public func apply(to item: Item) -> Item {
        tree.project(item)
    }
}
