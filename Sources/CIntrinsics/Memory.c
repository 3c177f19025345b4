// Memory.c — see include/Memory.h.
#include "Memory.h"

#if defined(__linux__)
#include <malloc.h>
#endif

void d3d_reuse_freed_memory(void) {
#if defined(__GLIBC__)                      // defined by the glibc headers above, so tested after them
    mallopt(M_MMAP_MAX, 0);                 // the main heap serves every size (other arenas still map)
    mallopt(M_TRIM_THRESHOLD, 0x7fffffff);  // and keeps what is freed
#endif
}
