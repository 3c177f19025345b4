// CIntrinsics.h — compiler intrinsics Swift cannot spell, as static inline functions that the
// Swift compiler inlines at the call site (no call overhead).
#pragma once

#include "SoftmaxRow.h"    // vector kernels with per-CPU copies: fused attention
#include "Activations.h"   // and SiLU, GELU
#include "Memory.h"        // malloc settings

/// Asks the CPU to bring the cache line holding `address` closer for a read soon. The hash grid's
/// fine levels are random accesses into 4 MB tables; prefetching a block of points ahead lets many
/// cache misses overlap instead of waiting for each in turn.
static inline void d3d_prefetch_read(const void *address) { __builtin_prefetch(address, 0, 3); }

/// As `d3d_prefetch_read`, for a line that will be written (the gradient scatter).
static inline void d3d_prefetch_write(const void *address) { __builtin_prefetch(address, 1, 3); }
