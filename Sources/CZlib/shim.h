// The system zlib, for inflating the deflate entries of XLSX workbooks and checking their CRC-32.
#include <zlib.h>
