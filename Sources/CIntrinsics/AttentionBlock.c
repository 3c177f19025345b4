// AttentionBlock.c — see include/AttentionBlock.h. Written with clang's vector extensions (16 floats),
// which the x86-64-v4 copy runs as one AVX-512 register, the x86-64-v3 copy as two AVX2 registers and the
// baseline copy as four SSE registers. Every term is one fused multiply-add (the baseline copy calls
// libm's fmaf, which rounds the same way), so all copies give the same bits (DESIGN.md §6).
#include "AttentionBlock.h"
#include "FastExp.h"

#pragma clang fp contract(off)

typedef float v16 __attribute__((vector_size(64), aligned(4)));   // aligned(4): rows start anywhere

// Macros, not functions: a 16-float vector argument would need one calling convention for all copies.
#define LOAD(p) (*(const v16 *)(p))
#define STORE(p, x) (*(v16 *)(p) = (x))
#define FMA(a, b, c) __builtin_elementwise_fma((a), (b), (c))
#define SPLAT(x) ((x) - (v16){ 0 })   /* x − (+0) is x for every x (x + 0 is not, for −0): a plain broadcast */
#define VMAX(a, b) __builtin_elementwise_max((a), (b))

void d3d_attention_pack_keys(const float *k, long lk, long d, float *packed) {
    for (long strip = 0; strip * 64 < lk; strip++)
        for (long c = 0; c < d; c++)
            for (long l = 0; l < 64; l++) {
                long key = strip * 64 + l;
                packed[(strip * d + c) * 64 + l] = key < lk ? k[key * d + c] : 0;
            }
}

/// One score from a scaled query row by the same fused multiply-adds, in the same order, as the vector paths.
static inline float score(const float *qs, const float *kp, long d, long j) {
    const float *column = kp + (j / 64) * d * 64 + j % 64;
    float x = qs[0] * column[0];
    for (long c = 1; c < d; c++) x = __builtin_fmaf(qs[c], column[c * 64], x);
    return x;
}

D3D_VECTOR_CLONES
void d3d_attention_scores(const float *q, const float *kp, long m, long lk, long d, float scale,
                          float *s, float *rowMax) {
    if (d <= 0) {                       // no channels: every score is the empty sum
        for (long i = 0; i < m * lk; i++) s[i] = 0;
        for (long r = 0; r < m; r++) rowMax[r] = lk > 0 ? 0 : -__builtin_inff();
        return;
    }
    long r = 0;
    // 4 rows × 64 keys: 16 accumulators, and per channel 4 loads of one strip of keys (contiguous in
    // the packing) shared by 4 rows. The 4 query rows are scaled once into qs, so each multiply-add
    // takes its broadcast operand from memory.
    float qs[4 * d];
    for (; r + 4 <= m; r += 4) {
        for (long i = 0; i < 4 * d; i++) qs[i] = q[r * d + i] * scale;
        v16 top[4];
        for (int i = 0; i < 4; i++) top[i] = SPLAT(-__builtin_inff());
        long j = 0;
        for (; j + 64 <= lk; j += 64) {
            const float *strip = kp + j * d;
            v16 a[4][4];
            for (int t = 0; t < 4; t++) {
                v16 k = LOAD(strip + 16 * t);
                for (int i = 0; i < 4; i++) a[i][t] = SPLAT(qs[i * d]) * k;
            }
            for (long c = 1; c < d; c++) {
                const float *kc = strip + c * 64;
                v16 k0 = LOAD(kc), k1 = LOAD(kc + 16), k2 = LOAD(kc + 32), k3 = LOAD(kc + 48);
                for (int i = 0; i < 4; i++) {
                    v16 x = SPLAT(qs[i * d + c]);
                    a[i][0] = FMA(x, k0, a[i][0]); a[i][1] = FMA(x, k1, a[i][1]);
                    a[i][2] = FMA(x, k2, a[i][2]); a[i][3] = FMA(x, k3, a[i][3]);
                }
            }
            for (int i = 0; i < 4; i++)
                for (int t = 0; t < 4; t++) { STORE(s + (r + i) * lk + j + 16 * t, a[i][t]); top[i] = VMAX(top[i], a[i][t]); }
        }
        // The last strip, 16 keys at a time; its padding keys are zeros, computed and not stored.
        for (; j < lk; j += 16) {
            const float *keys = kp + (j / 64) * d * 64 + j % 64;
            long valid = lk - j < 16 ? lk - j : 16;
            v16 a[4];
            for (int i = 0; i < 4; i++) a[i] = SPLAT(qs[i * d]) * LOAD(keys);
            for (long c = 1; c < d; c++) {
                v16 k = LOAD(keys + c * 64);
                for (int i = 0; i < 4; i++) a[i] = FMA(SPLAT(qs[i * d + c]), k, a[i]);
            }
            for (int i = 0; i < 4; i++) {
                if (valid == 16) {
                    STORE(s + (r + i) * lk + j, a[i]);
                    top[i] = VMAX(top[i], a[i]);
                } else {
                    for (long l = 0; l < valid; l++) {
                        s[(r + i) * lk + j + l] = a[i][l];
                        top[i][l] = a[i][l] > top[i][l] ? a[i][l] : top[i][l];
                    }
                }
            }
        }
        for (int i = 0; i < 4; i++) {
            float best = top[i][0];
            for (int l = 1; l < 16; l++) best = top[i][l] > best ? top[i][l] : best;
            rowMax[r + i] = best;
        }
    }
    for (; r < m; r++) {
        for (long c = 0; c < d; c++) qs[c] = q[r * d + c] * scale;
        float best = -__builtin_inff();
        for (long j = 0; j < lk; j++) {
            float x = score(qs, kp, d, j);
            s[r * lk + j] = x;
            best = x > best ? x : best;
        }
        rowMax[r] = best;
    }
}

D3D_VECTOR_CLONES
void d3d_attention_values(const float *p, const float *v, long m, long lk, long dv, float *o) {
    if (lk <= 0) {                      // no keys: the empty sum
        for (long i = 0; i < m * dv; i++) o[i] = 0;
        return;
    }
    long c0 = 0;
    // 16 output channels × 8 rows: 8 accumulators, one load of v per key shared by the 8 rows.
    for (; c0 + 16 <= dv; c0 += 16) {
        long r = 0;
        for (; r + 8 <= m; r += 8) {
            v16 a[8], v0 = LOAD(v + c0);
            for (int i = 0; i < 8; i++) a[i] = SPLAT(p[(r + i) * lk]) * v0;
            for (long j = 1; j < lk; j++) {
                v16 vj = LOAD(v + j * dv + c0);
                for (int i = 0; i < 8; i++) a[i] = FMA(SPLAT(p[(r + i) * lk + j]), vj, a[i]);
            }
            for (int i = 0; i < 8; i++) STORE(o + (r + i) * dv + c0, a[i]);
        }
        for (; r < m; r++) {
            v16 a = SPLAT(p[r * lk]) * LOAD(v + c0);
            for (long j = 1; j < lk; j++) a = FMA(SPLAT(p[r * lk + j]), LOAD(v + j * dv + c0), a);
            STORE(o + r * dv + c0, a);
        }
    }
    for (; c0 < dv; c0++)
        for (long r = 0; r < m; r++) {
            float a = p[r * lk] * v[c0];
            for (long j = 1; j < lk; j++) a = __builtin_fmaf(p[r * lk + j], v[j * dv + c0], a);
            o[r * dv + c0] = a;
        }
}
