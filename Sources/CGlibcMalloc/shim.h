#ifndef TRUSTLINE_CGLIBCMALLOC_SHIM_H
#define TRUSTLINE_CGLIBCMALLOC_SHIM_H
// glibc's malloc tuning (mallopt, M_ARENA_MAX, M_MMAP_THRESHOLD), which Swift's Glibc module does
// not export. Used by the trustline executable before it starts threads (GlibcMallocSettings).
#include <malloc.h>
#endif
