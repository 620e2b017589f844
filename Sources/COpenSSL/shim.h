// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP,
// but EVP fetches the algorithm and takes a lock on every one-shot call,
// which cost a signed request more than its hashing did (Benchmarks/auth).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/md5.h>
#include <openssl/sha.h>
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
// TLS for the PostgreSQL client (StrataPostgresWire).
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>  // X509_CHECK_FLAG_* for the host check
