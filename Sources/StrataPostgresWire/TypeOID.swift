/// The type identifiers (pg_type.oid) of the types Strata sends and reads.
/// They are fixed for the built-in types in PostgreSQL and the databases
/// that speak its protocol.
public enum TypeOID {
    public static let bool: UInt32 = 16
    public static let bytea: UInt32 = 17
    public static let name: UInt32 = 19
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let float4: UInt32 = 700
    public static let float8: UInt32 = 701
    public static let bpchar: UInt32 = 1042
    public static let varchar: UInt32 = 1043
    public static let int4Array: UInt32 = 1007
    public static let byteaArray: UInt32 = 1001
}
