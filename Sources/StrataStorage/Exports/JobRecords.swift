import StrataModel

/// The records of exports or imports, one JSON file each in a directory
/// of their own, so that DescribeExport and ListImports outlive a restart.
package struct JobRecords: Sendable {
    package let directory: String

    package init(directory: String) {
        self.directory = directory
    }

    package func save(id: String, _ record: JSONValue) throws {
        try FileSystem.createDirectories(directory)
        try FileSystem.writeFile("\(directory)/\(id).json", record.serialized, mode: 0o600)
    }

    /// Every record, in no order; unreadable files are left out.
    package func all() -> [JSONValue] {
        guard let names = try? FileSystem.contents(of: directory) else { return [] }
        return names.filter { $0.hasSuffix(".json") }.compactMap { name in
            guard let bytes = try? FileSystem.readFile("\(directory)/\(name)") else { return nil }
            return try? JSONParser.parse(bytes)
        }
    }
}
