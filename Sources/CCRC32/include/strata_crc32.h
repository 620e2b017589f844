#ifndef STRATA_CRC32_H
#define STRATA_CRC32_H
#include <stddef.h>
#include <stdint.h>

/* CRC-32 (IEEE 802.3 / gzip / zlib), identical to zlib's crc32_z(crc, buf, len):
 * pass 0 to start, pass the previous result to continue. */
uint32_t strata_crc32(uint32_t crc, const unsigned char *buf, size_t len);

#endif
