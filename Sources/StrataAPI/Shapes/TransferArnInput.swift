import StrataExpressions
import StrataModel

/// DescribeExport's request: an export's ARN.
struct ExportArnInput: OperationInput {
    let arn: String

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        arn = try TransferArn.decode(request, member: "ExportArn", path: "exportArn")
    }
}

/// DescribeImport's request: an import's ARN.
struct ImportArnInput: OperationInput {
    let arn: String

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        arn = try TransferArn.decode(request, member: "ImportArn", path: "importArn")
    }
}

/// ListExports' and ListImports' request: an optional table, a page size
/// and where the page starts.
struct TransferListInput: OperationInput {
    let tableArn: String?
    let limit: Int
    let nextToken: String?

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let arn = try request.string("TableArn")
        // ListExports says MaxResults; ListImports, PageSize.
        let maxResults = try request.integer("MaxResults")
        let pageSize = try request.integer("PageSize")
        let limit = maxResults ?? pageSize
        var violations = ConstraintViolations()
        violations.checkLength(arn, at: "tableArn", 1...1024)
        violations.checkRange(limit, at: maxResults != nil ? "maxResults" : "pageSize", 1...25)
        try violations.throwIfAny()
        tableArn = arn
        self.limit = limit ?? 25
        nextToken = try request.string("NextToken")
    }
}

enum TransferArn {
    static func decode(_ request: RequestBody, member: String, path: String) throws(DynamoError) -> String {
        let arn = try request.string(member)
        var violations = ConstraintViolations()
        violations.requireNonNull(arn, at: path)
        violations.checkLength(arn, at: path, 37...1024)
        try violations.throwIfAny()
        return arn ?? ""
    }
}
