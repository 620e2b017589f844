/// One `--name` of a subcommand: what it sets on the subcommand's value,
/// and the line `--help` shows for it.
struct CommandLineOption<Value>: Sendable {
    let name: String
    let help: String
    /// Whether it takes a value (`--port 8000` or `--port=8000`).
    let takesValue: Bool
    let apply: @Sendable (inout Value, String) throws(UsageError) -> Void

    static func value(_ name: String, _ help: String, _ set: @escaping @Sendable (inout Value, String) -> Void) -> Self {
        Self(name: name, help: help, takesValue: true) { value, text throws(UsageError) in set(&value, text) }
    }

    static func integer(_ name: String, _ help: String, _ set: @escaping @Sendable (inout Value, Int) -> Void) -> Self {
        Self(name: name, help: help, takesValue: true) { value, text throws(UsageError) in
            guard let number = Int(text) else { throw UsageError("--\(name) takes a whole number, not '\(text)'") }
            set(&value, number)
        }
    }

    static func flag(_ name: String, _ help: String, _ set: @escaping @Sendable (inout Value) -> Void) -> Self {
        Self(name: name, help: help, takesValue: false) { value, _ throws(UsageError) in set(&value) }
    }

    /// Applies `arguments` to `value`; `--help` is the caller's.
    static func parse(_ arguments: [String], into value: inout Value, options: [Self]) throws(UsageError) {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            guard argument.hasPrefix("--") else { throw UsageError("unexpected argument '\(argument)'") }
            let parts = argument.dropFirst(2).split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard let option = options.first(where: { $0.name == name }) else { throw UsageError("unknown option '--\(name)'") }
            if !option.takesValue {
                guard parts.count == 1 else { throw UsageError("--\(name) takes no value") }
                try option.apply(&value, "")
            } else if parts.count == 2 {
                try option.apply(&value, String(parts[1]))
            } else if let next = remaining.popFirst() {
                try option.apply(&value, next)
            } else {
                throw UsageError("--\(name) needs a value")
            }
        }
    }

    /// A subcommand's arguments: its one positional argument first (given
    /// to `positional`), then its options; nil after printing `help` for
    /// `--help`.
    static func parse(
        _ arguments: [String], help: String, options: [Self], into value: Value, positional: (inout Value, String) -> Void
    ) throws(UsageError) -> Value? {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(help + "\n" + helpLines(options))
            return nil
        }
        var value = value
        var rest = arguments
        if let first = rest.first, !first.hasPrefix("--") { positional(&value, rest.removeFirst()) }
        try parse(rest, into: &value, options: options)
        return value
    }

    /// The options' part of `--help`.
    static func helpLines(_ options: [Self]) -> String {
        options.map { option in
            let flag = "  --" + option.name + (option.takesValue ? " <value>" : "")
            return flag.padding(to: 28) + " " + option.help
        }.joined(separator: "\n")
    }
}

/// A command line the server cannot run with.
struct UsageError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self + "\n" + String(repeating: " ", count: width) : self + String(repeating: " ", count: width - count)
    }
}
