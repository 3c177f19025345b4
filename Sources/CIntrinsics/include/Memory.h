// Memory.h — malloc settings Swift's Glibc module does not expose (malloc.h's mallopt).
#pragma once

/// Keeps freed memory in the heap for reuse: the main thread's blocks of every size come from the heap
/// (none from mmap, which glibc would unmap on free), and the heap is never trimmed. See Dream3DCore's
/// Storage.swift for why.
void d3d_reuse_freed_memory(void);
