/// Where an export's files go: DynamoDB's S3 layout,
/// `PREFIX/AWSDynamoDB/EXPORT-ID/...`, under a directory standing in for
/// the S3 bucket and prefix.
package struct ExportLocation: Sendable {
    /// The directory of the bucket and prefix.
    package var base: String
    package var bucket: String
    /// The S3 prefix, without slashes at either end; nil for none.
    package var prefix: String?
    package var id: String

    /// The export `id` to bucket `bucket`, prefix `prefix`, which are
    /// directories under `root` (the server's export directory).
    package init(root: String, bucket: String, prefix: String?, id: String) {
        let trimmed = prefix.map { String($0.drop { $0 == "/" }.reversed().drop { $0 == "/" }.reversed()) }
        self.prefix = trimmed?.isEmpty == false ? trimmed : nil
        self.bucket = bucket
        self.id = id
        base = "\(root)/\(bucket)" + (self.prefix.map { "/\($0)" } ?? "")
    }

    /// The export `id` into `directory` itself (`strata export --to`),
    /// named in the manifests as bucket `local`.
    package init(directory: String, id: String) {
        base = directory
        bucket = "local"
        prefix = nil
        self.id = id
    }

    /// The S3 key of the export's own folder.
    package var keyPrefix: String {
        (prefix.map { $0 + "/" } ?? "") + "AWSDynamoDB/\(id)"
    }

    /// The directory of the export's own folder.
    package var directory: String {
        "\(base)/AWSDynamoDB/\(id)"
    }
}
