/// The files an import reads: every file of the bucket's directory whose
/// key starts with the prefix, as S3 lists a prefix, less the manifests,
/// checksums and `_started` marker an export writes beside its data.
package enum ImportFiles {
    package static func list(root: String, bucket: String, prefix: String?) throws -> [String] {
        try list(directory: "\(root)/\(bucket)", prefix: prefix)
    }

    /// The same for every file under `directory` (`strata import`).
    package static func list(directory: String, prefix: String? = nil) throws -> [String] {
        guard FileSystem.isDirectory(directory) else { return [] }
        let prefix = prefix.map { String($0.drop { $0 == "/" }) } ?? ""
        return try FileSystem.files(under: directory).filter { key in
            guard key.hasPrefix(prefix) else { return false }
            let name = key.split(separator: "/").last.map(String.init) ?? key
            return !(name.hasPrefix("manifest-") || name == "_started" || name.hasSuffix(".checksum") || name.hasSuffix(".md5")
                || name.hasPrefix("."))
        }.map { "\(directory)/\($0)" }
    }

    /// Bytes of the file at `path`, for progress.
    package static func size(_ path: String) -> Int {
        FileSystem.size(of: path) ?? 0
    }
}
