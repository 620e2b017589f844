/// The fields of one CSV line: separated by `delimiter`, a field in double
/// quotes may hold the delimiter, and `""` inside it is one quote. (A
/// quoted field cannot span lines: each line is a record.)
enum CSVFields {
    static func split(_ line: ArraySlice<UInt8>, delimiter: UInt8) -> [String] {
        let quote = UInt8(ascii: "\"")
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var index = line.startIndex
        while index < line.endIndex {
            let byte = line[index]
            if quoted {
                if byte == quote {
                    if line.index(after: index) < line.endIndex, line[line.index(after: index)] == quote {
                        field.append(quote)
                        index = line.index(after: index)
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == quote, field.isEmpty {
                quoted = true
            } else if byte == delimiter {
                fields.append(String(decoding: field, as: UTF8.self))
                field = []
            } else {
                field.append(byte)
            }
            index = line.index(after: index)
        }
        fields.append(String(decoding: field, as: UTF8.self))
        return fields
    }
}
