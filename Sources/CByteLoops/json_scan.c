/* JSON string scans, sixteen bytes a step with SSE2 (every x86-64 has it);
 * a byte at a time elsewhere and for the last few bytes. */
#include "strata_byte_loops.h"

#if defined(__SSE2__)
#include <emmintrin.h>

/* A 16-bit mask of the bytes that end a plain run: '"', '\\', below 0x20,
 * and, when `ascii_only`, 0x80 and above. */
static inline int stops(__m128i v, int ascii_only)
{
    __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
    __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
    __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    int mask = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(control, quote), backslash));
    return ascii_only ? mask | _mm_movemask_epi8(v) : mask;
}
#endif

static inline int is_stop(unsigned char byte, int ascii_only)
{
    return byte < 0x20 || byte == '"' || byte == '\\' || (ascii_only && byte >= 0x80);
}

static inline size_t prefix(const unsigned char *buf, size_t len, int ascii_only)
{
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= len; i += 16) {
        int mask = stops(_mm_loadu_si128((const __m128i *)(buf + i)), ascii_only);
        if (mask) return i + (size_t)__builtin_ctz((unsigned)mask);
    }
#endif
    while (i < len && !is_stop(buf[i], ascii_only)) i++;
    return i;
}

size_t strata_json_unescaped_prefix(const unsigned char *buf, size_t len)
{
    return prefix(buf, len, 0);
}

size_t strata_json_ascii_text_prefix(const unsigned char *buf, size_t len)
{
    return prefix(buf, len, 1);
}
