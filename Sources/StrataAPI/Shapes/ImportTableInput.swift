import StrataExpressions
import StrataModel

/// ImportTable's request: files under an S3 bucket and prefix (a
/// directory under the server's export directory), their format, and the
/// table to create for them.
struct ImportTableInput: OperationInput {
    let bucket: String
    let prefix: String?
    let format: ImportFormat
    /// GZIP or NONE; nil: decided per file by its first bytes.
    let compression: String?
    let csvDelimiter: UInt8
    let csvHeader: [String]?
    let table: CreateTableInput
    let clientToken: String?
    /// The request's members, echoed in the import's description.
    let source: JSONValue
    let creationParameters: JSONValue
    let formatOptions: JSONValue?

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let source = try request.object("S3BucketSource")
        let bucket = try source?.string("S3Bucket")
        let prefix = try source?.string("S3KeyPrefix")
        let format = try request.string("InputFormat")
        let compression = try request.string("InputCompressionType")
        let options = try request.object("InputFormatOptions")?.object("Csv")
        let delimiter = try options?.string("Delimiter")
        let header = try options?.strings("HeaderList")
        let parameters = try request.object("TableCreationParameters")
        var violations = ConstraintViolations()
        violations.requireNonNull(source, at: "s3BucketSource")
        if source != nil { violations.requireNonNull(bucket, at: "s3BucketSource.s3Bucket") }
        violations.requireNonNull(format, at: "inputFormat")
        violations.checkEnum(format, at: "inputFormat", allowed: ["DYNAMODB_JSON", "ION", "CSV"])
        violations.checkEnum(compression, at: "inputCompressionType", allowed: ["GZIP", "ZSTD", "NONE"])
        violations.checkLength(delimiter, at: "inputFormatOptions.csv.delimiter", 1...1)
        violations.requireNonNull(parameters, at: "tableCreationParameters")
        try violations.throwIfAny()
        guard let bucket, let parameters, let format, let parsed = ImportFormat(rawValue: format) else {
            throw .validation("This server imports DYNAMODB_JSON and CSV, not ION")
        }
        if compression == "ZSTD" { throw .validation("This server reads GZIP or uncompressed files, not ZSTD") }
        if bucket.isEmpty || bucket.contains("/") || bucket == "." || bucket == ".." { throw .validation("Invalid S3Bucket: \(bucket)") }
        if prefix?.split(separator: "/").contains(where: { $0 == ".." }) == true { throw .validation("Invalid S3KeyPrefix: \(prefix!)") }
        if parsed != .csv, options != nil { throw .validation("InputFormatOptions are for the CSV format") }
        self.bucket = bucket
        self.prefix = prefix
        self.format = parsed
        self.compression = compression
        csvDelimiter = delimiter?.utf8.first ?? UInt8(ascii: ",")
        csvHeader = header
        table = try CreateTableInput(parameters, cache: cache)
        clientToken = try request.string("ClientToken")
        self.source = request.value("S3BucketSource") ?? .null
        creationParameters = request.value("TableCreationParameters") ?? .null
        formatOptions = request.value("InputFormatOptions")
    }
}
