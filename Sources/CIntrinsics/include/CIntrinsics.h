// CIntrinsics.h — kernels and system calls Swift cannot spell well: vector loops with per-CPU copies,
// the hash encoding's gathers, malloc settings.
#pragma once

#include "SoftmaxRow.h"               // vector kernels with per-CPU copies: fused attention
#include "AttentionBlock.h"           // and its two products
#include "Activations.h"              // and SiLU, GELU
#include "NormalizationStatistics.h"  // and GroupNorm's and LayerNorm's statistics
#include "HashGrid.h"                 // the hash encoding's gather and scatter
#include "Memory.h"                   // malloc settings
