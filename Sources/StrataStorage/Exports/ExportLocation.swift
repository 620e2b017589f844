/// Where an export's files go: DynamoDB's S3 layout,
/// `PREFIX/AWSDynamoDB/EXPORT-ID/...`, with the bucket a directory under
/// the export directory standing in for S3.
package struct ExportLocation: Sendable {
    package var root: String
    package var bucket: String
    /// The S3 prefix, without slashes at either end; nil for none.
    package var prefix: String?
    package var id: String

    package init(root: String, bucket: String, prefix: String?, id: String) {
        self.root = root
        self.bucket = bucket
        let trimmed = prefix.map { String($0.drop { $0 == "/" }.reversed().drop { $0 == "/" }.reversed()) }
        self.prefix = trimmed?.isEmpty == false ? trimmed : nil
        self.id = id
    }

    /// The S3 key of the export's own folder.
    package var keyPrefix: String {
        (prefix.map { $0 + "/" } ?? "") + "AWSDynamoDB/\(id)"
    }

    /// The directory of the export's own folder.
    package var directory: String {
        "\(root)/\(bucket)/\(keyPrefix)"
    }

    /// The directory of the S3 folder `prefix` of `bucket`: where an import reads.
    package static func directory(root: String, bucket: String, prefix: String?) -> String {
        let trimmed = prefix.map { String($0.drop { $0 == "/" }.reversed().drop { $0 == "/" }.reversed()) } ?? ""
        return trimmed.isEmpty ? "\(root)/\(bucket)" : "\(root)/\(bucket)/\(trimmed)"
    }
}
