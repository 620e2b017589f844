/// How much of the server's certificate TLS checks, as libpq's sslmode
/// require (nothing), verify-ca (the chain) and verify-full (the chain and
/// the host name).
public enum TLSVerification: Sendable, Equatable {
    case encryptionOnly
    /// The chain must lead to a root in `rootCertificates` (a PEM file),
    /// or in the system's trust store if nil.
    case certificate(rootCertificates: String?)
    /// The same, and the certificate must name the host connected to.
    case certificateAndHost(rootCertificates: String?)
}
