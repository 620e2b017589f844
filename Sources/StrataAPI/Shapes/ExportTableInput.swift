import StrataExpressions
import StrataModel

/// ExportTableToPointInTime's request: a full export in DynamoDB JSON to
/// an S3 bucket, which the server maps onto its export directory.
struct ExportTableInput: OperationInput {
    let tableArn: String
    /// Seconds since 1970; nil: now.
    let exportTime: Double?
    let bucket: String
    let prefix: String?
    let clientToken: String?

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let arn = try request.string("TableArn")
        let bucket = try request.string("S3Bucket")
        let prefix = try request.string("S3Prefix")
        let format = try request.string("ExportFormat")
        let type = try request.string("ExportType")
        let token = try request.string("ClientToken")
        var violations = ConstraintViolations()
        violations.requireNonNull(arn, at: "tableArn")
        violations.checkLength(arn, at: "tableArn", 1...1024)
        violations.requireNonNull(bucket, at: "s3Bucket")
        violations.checkLength(bucket, at: "s3Bucket", 0...255)
        violations.checkLength(prefix, at: "s3Prefix", 0...1024)
        violations.checkEnum(format, at: "exportFormat", allowed: ["DYNAMODB_JSON", "ION"])
        violations.checkEnum(type, at: "exportType", allowed: ["FULL_EXPORT", "INCREMENTAL_EXPORT"])
        violations.checkEnum(try request.string("S3SseAlgorithm"), at: "s3SseAlgorithm", allowed: ["AES256", "KMS"])
        try violations.throwIfAny()
        if format == "ION" { throw .validation("This server exports in DYNAMODB_JSON only, not ION") }
        if type == "INCREMENTAL_EXPORT" { throw .validation("This server makes full exports only, not incremental ones") }
        guard let arn, let bucket, !bucket.isEmpty, !bucket.contains("/"), bucket != ".", bucket != ".." else {
            throw .validation("Invalid S3Bucket: \(bucket ?? "")")
        }
        if prefix?.split(separator: "/").contains(where: { $0 == ".." }) == true { throw .validation("Invalid S3Prefix: \(prefix!)") }
        tableArn = arn
        exportTime = try request.timestamp("ExportTime")
        self.bucket = bucket
        self.prefix = prefix
        clientToken = token
    }
}
