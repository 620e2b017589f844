import StrataExpressions
import StrataModel

/// DescribeLimits takes no parameters.
struct DescribeLimitsInput: OperationInput {
    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {}
}
