
/// Where one SQLite database lives: a file, or SQLite's in-process `memdb`
/// VFS, which lets several connections share one in-memory database.
enum DatabaseLocation: Sendable {
    case file(String)
    case memory(name: String)

    var uri: String {
        switch self {
        case .file(let path): path
        case .memory(let name): "file:/\(name)?vfs=memdb"
        }
    }

    /// The file's path, or the in-memory database's name: how messages name it.
    var name: String {
        switch self {
        case .file(let path): path
        case .memory(let name): name
        }
    }

    var isFile: Bool {
        if case .file = self { true } else { false }
    }
}
