// AttentionBlock.h — the two products of one block of fused attention (Dream3DCore/Ops/FusedAttention.swift)
// for a block of m query rows: scores S = scale·Q·Kᵀ with each row's maximum, and O = P·V. Attention
// heads are narrow (16 channels in the U-Net's 64² layers), so a GEMM library spends much of its time
// packing operands that are used for 16 multiply-adds per output; these kernels read K pre-transposed
// and V as they are, keep their accumulators in registers and pack nothing.
#pragma once

/// s[r, j] = Σc (scale·q[r, c])·kt[c, j] for r < m, j < lk (q [m, d] row-major, kt = kᵀ [d, lk]);
/// rowMax[r] = max over j of s[r, j]. Each score is summed over c in order, one fused multiply-add a term.
void d3d_attention_scores(const float *q, const float *kt, long m, long lk, long d, float scale,
                          float *s, float *rowMax);

/// o[r, c] = Σj p[r, j]·v[j, c] for r < m, c < dv (p [m, lk], v [lk, dv], both row-major), summed over j
/// in order, one fused multiply-add a term.
void d3d_attention_values(const float *p, const float *v, long m, long lk, long dv, float *o);
