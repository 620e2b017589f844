import StrataExpressions
import StrataModel

/// What a Query or Scan returns of each matching item: `Select` together
/// with `ProjectionExpression` or `AttributesToGet`.
enum ReadSelection {
    case allAttributes
    case projection(ProjectionExpression)
    case count

    /// In the order AWS lists them (nubo-db/dynamodb-conformance, dynalite's test/scan.js).
    static let selectValues = ["SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"]

    /// `projectionParameter` names the parameter the projection came from, for messages.
    static func decode(
        select: String?, projection: ProjectionExpression?, projectionParameter: String, usesIndex: Bool
    ) throws(DynamoError) -> ReadSelection {
        switch select {
        case nil:
            return projection.map(ReadSelection.projection) ?? .allAttributes
        case "SPECIFIC_ATTRIBUTES":
            guard let projection else {
                throw .validation("Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES")
            }
            return .projection(projection)
        case "ALL_ATTRIBUTES":
            if projection != nil {
                throw .validation("Cannot specify the \(projectionParameter) when choosing to get ALL_ATTRIBUTES")
            }
            return .allAttributes
        case "COUNT":
            if projection != nil {
                throw .validation("Cannot specify the \(projectionParameter) when choosing to get only the Count")
            }
            return .count
        default:
            // ALL_PROJECTED_ATTRIBUTES
            if projection != nil {
                throw .validation("Cannot specify the \(projectionParameter) when choosing to get ALL_PROJECTED_ATTRIBUTES")
            }
            guard usesIndex else {
                throw .validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
            }
            return .allAttributes
        }
    }

    func apply(to item: Item) -> Item {
        if case .projection(let projection) = self { return projection.apply(to: item) }
        return item
    }
}
