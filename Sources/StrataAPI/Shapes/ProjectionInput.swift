import StrataExpressions
import StrataModel

/// `ProjectionExpression` (with `ExpressionAttributeNames`) or the legacy
/// `AttributesToGet`.
enum ProjectionInput {
    static func decode(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) -> ProjectionExpression? {
        let expression = try request.string("ProjectionExpression")
        let attributesToGet = request.value("AttributesToGet")
        try ParameterMix.check(
            legacy: [("AttributesToGet", attributesToGet != nil)], expressions: [("ProjectionExpression", expression != nil)])
        let parameters = try ExpressionParameters.decode(request)
        try parameters.requireExpressions(anyExpression: expression != nil, valueExpression: false, valueUsers: "")
        try parameters.checkMembers()
        if let expression {
            let context = parameters.context()
            let projection = try ProjectionExpression.parse(expression, context: context, cache: cache)
            try context.checkAllUsed()
            return projection
        }
        if let attributesToGet {
            if case .array(let names) = attributesToGet {
                for case .string(let name) in names { try AttributeNames.check(name) }
            }
            return try ProjectionExpression(attributesToGet: attributesToGet)
        }
        return nil
    }
}
