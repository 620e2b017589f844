/* CRC-32/gzip by carry-less multiplication (PCLMULQDQ), written from the math.
 *
 * Bit order: the CRC is "reflected", so 16 bytes loaded little-endian form a
 * polynomial whose bit i is the coefficient of x^(127-i). A carry-less multiply
 * of two reflected values comes out one power of x short; the constant
 * exponents absorb that. constants.py derives every constant and checks a
 * bit-exact model of this file against zlib.
 *
 * Invariant while folding: the message (with ~crc XORed into its first 4
 * bytes) is congruent mod P to  acc * x^(8*remaining) + remaining bytes, and
 * the raw CRC register of a message M is M * x^32 mod P. */
#include "strata_byte_loops.h"
#include <zlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define SIMD __attribute__((target("pclmul,sse4.1")))

/* refl32(x^e mod P). Qword 0 multiplies the low qword of acc (its
 * high-degree half, 64 bits further from the end), qword 1 the high qword. */
#define K_FOLD512 _mm_set_epi64x(0x01d9513d7, 0x08f352d95) /* x^479, x^543 */
#define K_FOLD128 _mm_set_epi64x(0x0ccaa009e, 0x0ae689191) /* x^95,  x^159 */
#define K_RED     _mm_set_epi64x(0x0b8bc6765, 0x0ccaa009e) /* x^63,  x^95  */
#define K_BARRETT _mm_set_epi64x(0x1db710641, 0x1f7011641) /* P, floor(x^64/P), 33-bit */

/* pshufb controls for byte shifts by a variable count; 0x80 yields zero. */
static const unsigned char shuf[48] = {
    0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,
    0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,
    0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80,0x80 };

/* acc * x^N mod P, kept in 128 bits: each 64-bit half times its x^e mod P
 * fits in 95 bits, and the XOR is congruent to the shifted acc. */
static inline SIMD __m128i fold(__m128i x, __m128i k)
{
    return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00),
                         _mm_clmulepi64_si128(x, k, 0x11));
}

static inline SIMD __m128i ld(const unsigned char *p)
{
    return _mm_loadu_si128((const __m128i *)p);
}

/* Requires len >= 16. */
static SIMD uint32_t crc32_clmul(uint32_t crc, const unsigned char *p, size_t len)
{
    const unsigned char *end = p + len;
    __m128i k = K_FOLD128, t;
    /* zlib's register starts at ~crc; XORing it into the first 32 message bits
     * lets the fold start from a zero register (the CRC is linear). */
    __m128i x0 = _mm_xor_si128(ld(p), _mm_cvtsi32_si128((int)~crc));

    if (len >= 64) {
        /* Four independent lanes hide the clmul latency; each lane's next
         * block is 64 bytes on, hence the x^512 constants. */
        __m128i x1 = ld(p + 16), x2 = ld(p + 32), x3 = ld(p + 48), k4 = K_FOLD512;
        for (p += 64; end - p >= 64; p += 64) {
            x0 = _mm_xor_si128(fold(x0, k4), ld(p));
            x1 = _mm_xor_si128(fold(x1, k4), ld(p + 16));
            x2 = _mm_xor_si128(fold(x2, k4), ld(p + 32));
            x3 = _mm_xor_si128(fold(x3, k4), ld(p + 48));
        }
        x1 = _mm_xor_si128(fold(x0, k), x1);        /* lanes are 128 bits apart */
        x2 = _mm_xor_si128(fold(x1, k), x2);
        x0 = _mm_xor_si128(fold(x2, k), x3);
    } else {
        p += 16;
    }
    for (; end - p >= 16; p += 16)
        x0 = _mm_xor_si128(fold(x0, k), ld(p));

    if (p != end) {
        /* n = 1..15 tail bytes: acc||tail = U*x^128 + V, U = first n bytes of
         * acc, V = rest of acc then the tail. The tail is the top of the
         * (overlapping) final 16-byte load, so nothing is read out of bounds. */
        size_t n = (size_t)(end - p);
        __m128i m1 = ld(shuf + n), m2 = ld(shuf + 16 + n);
        __m128i u = _mm_shuffle_epi8(x0, m1);
        __m128i v = _mm_blendv_epi8(_mm_shuffle_epi8(x0, m2), ld(end - 16), m2);
        x0 = _mm_xor_si128(fold(u, k), v);
    }

    /* Raw register = acc * x^32 mod P.  128 -> 96 bits: the high-degree
     * qword H*x^96 == H*(x^95 mod P)*x, the clmul supplies the *x. */
    k = K_RED;
    x0 = _mm_xor_si128(_mm_srli_si128(x0, 8), _mm_clmulepi64_si128(x0, k, 0x00));
    /* 96 -> 64 bits: top 32 bits B*x^64 == B*(x^63 mod P)*x; mask so only B
     * enters the multiply. */
    t  = _mm_and_si128(x0, _mm_cvtsi32_si128(-1));
    x0 = _mm_xor_si128(_mm_srli_si128(x0, 4), _mm_clmulepi64_si128(t, k, 0x10));
    /* Barrett, exact for degree < 64: q = floor(C_hi * mu / x^32) is the low
     * dword of the reflected product (it depends only on C_hi); C mod P is
     * the low 32 coefficients of C - q*P, which sit in dword 1. */
    k = K_BARRETT;
    t  = _mm_and_si128(_mm_clmulepi64_si128(x0, k, 0x00), _mm_cvtsi32_si128(-1));
    x0 = _mm_xor_si128(x0, _mm_clmulepi64_si128(t, k, 0x10));
    return ~(uint32_t)_mm_extract_epi32(x0, 1);
}

uint32_t strata_crc32(uint32_t crc, const unsigned char *buf, size_t len)
{
    /* Below one block zlib's byte loop is the only option without padding. */
    if (len >= 16 && __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1"))
        return crc32_clmul(crc, buf, len);
    return (uint32_t)crc32_z(crc, buf, len);
}

#else
uint32_t strata_crc32(uint32_t crc, const unsigned char *buf, size_t len)
{
    return (uint32_t)crc32_z(crc, buf, len);
}
#endif
