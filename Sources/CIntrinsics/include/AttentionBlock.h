// AttentionBlock.h — the two products of one block of fused attention (Dream3DCore/Ops/FusedAttention.swift)
// for a block of m query rows: scores S = scale·Q·Kᵀ with each row's maximum, and O = P·V. Attention
// heads are narrow (16 channels in the U-Net's 64² layers), so a GEMM library spends much of its time
// packing operands that are used for 16 multiply-adds per output; these kernels read K packed once per
// call and V as it is, keep their accumulators in registers and pack nothing per block.
#pragma once

/// Floats `d3d_attention_pack_keys` writes for lk keys of d channels: lk rounded up to 64, times d.
static inline long d3d_attention_packed_keys_count(long lk, long d) { return (lk + 63) / 64 * 64 * d; }

/// k [lk, d] row-major → strips of 64 keys, each [d, 64] (kᵀ of the strip), the last padded with zero
/// keys: one strip of the scores kernel is one contiguous 4·d KB read.
void d3d_attention_pack_keys(const float *k, long lk, long d, float *packed);

/// s[r, j] = Σc (scale·q[r, c])·k[j, c] for r < m, j < lk (q [m, d] row-major, k as packed by
/// `d3d_attention_pack_keys`); rowMax[r] = max over j of s[r, j]. Each score is summed over c in order,
/// one fused multiply-add a term.
void d3d_attention_scores(const float *q, const float *packedKeys, long m, long lk, long d, float scale,
                          float *s, float *rowMax);

/// o[r, c] = Σj p[r, j]·v[j, c] for r < m, c < dv (p [m, lk], v [lk, dv], both row-major), summed over j
/// in order, one fused multiply-add a term.
void d3d_attention_values(const float *p, const float *v, long m, long lk, long dv, float *o);
