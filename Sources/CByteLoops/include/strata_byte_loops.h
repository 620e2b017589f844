#ifndef STRATA_BYTE_LOOPS_H
#define STRATA_BYTE_LOOPS_H
#include <stddef.h>
#include <stdint.h>

/* The byte loops of the request path, in C for the vector instructions
 * Swift does not reach (its SIMD types compile to scalar code here). */

/* CRC-32 (IEEE 802.3 / gzip / zlib), identical to zlib's crc32_z(crc, buf, len):
 * pass 0 to start, pass the previous result to continue. */
uint32_t strata_crc32(uint32_t crc, const unsigned char *buf, size_t len);

/* How many bytes from buf on JSON writes as they are: the length of the
 * longest prefix without '"', '\\' or a control character (below 0x20). */
size_t strata_json_unescaped_prefix(const unsigned char *buf, size_t len);

/* How many bytes from buf are plain ASCII string text: the length of the
 * longest prefix without '"', '\\', a control character or a byte >= 0x80. */
size_t strata_json_ascii_text_prefix(const unsigned char *buf, size_t len);

/* How many bytes from buf are an HTTP header value's content: the length
 * of the longest prefix of visible characters, bytes 0x80 and above,
 * spaces and tabs (it stops at the CR that ends the line). */
size_t strata_http_field_content_prefix(const unsigned char *buf, size_t len);

#endif
