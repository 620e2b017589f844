/* HTTP header value scan, sixteen bytes a step with SSE2 (every x86-64 has
 * it); a byte at a time elsewhere and for the last few bytes. */
#include "strata_byte_loops.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* RFC 9110's field-content, one byte of it: visible characters, obs-text
 * (0x80 and above), space and tab. */
static inline int is_field_content(unsigned char byte)
{
    return (byte >= 0x20 && byte != 0x7F) || byte == '\t';
}

size_t strata_http_field_content_prefix(const unsigned char *buf, size_t len)
{
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= len; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(buf + i));
        /* Below 0x20 (unsigned), but not a tab; or DEL. */
        __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
        __m128i tab = _mm_cmpeq_epi8(v, _mm_set1_epi8('\t'));
        __m128i del = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F));
        int mask = _mm_movemask_epi8(_mm_or_si128(_mm_andnot_si128(tab, control), del));
        if (mask) return i + (size_t)__builtin_ctz((unsigned)mask);
    }
#endif
    while (i < len && is_field_content(buf[i])) i++;
    return i;
}
