// HashGrid.c — see include/HashGrid.h.
//
// Corner c of a point's cell has bit 0 = x, bit 1 = y, bit 2 = z; its weight is the product of the
// three 1D weights (1 − f or f per axis) taken as x-weight × (y-weight × z-weight), and the forward sum
// starts from 0 and adds corners 0…7 in order. The vector path keeps that order lane by lane.
#include "HashGrid.h"
#include <stdint.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#pragma clang fp contract(off)

#define PRIME_Y 2654435761u
#define PRIME_Z 805459861u

/// Points per block of the portable kernels: a block's slots are found and their cache lines
/// prefetched before any is used, so many misses (the fine levels of a 2^19 table are 4 MB, beyond
/// L2) are in flight at once.
enum { BLOCK = 32 };

static int forcedPortable = 0;

void d3d_hash_grid_force_portable(int portable) { forcedPortable = portable; }

/// Where coordinate v (clamped to [0, 1]; NaN → 0) falls in the level's grid along one axis: the lower
/// corner of its cell and the fraction past it. Returns ∂fraction/∂v: the level's scale inside (0, 1),
/// 0 where v is clamped.
static inline float axis_position(const d3d_hash_grid_level *level, float v, uint32_t *cell, float *frac) {
    float clamped = v > 0 ? v : 0;
    clamped = clamped < 1 ? clamped : 1;
    float position = clamped * level->scale + 0.5f;
    float lower = (float)(int32_t)position;                  // truncation is floor: position ≥ 0.5
    lower = lower < level->limit ? lower : level->limit;
    *frac = position - lower;
    *cell = (uint32_t)lower;
    return v > 0 && v < 1 ? level->scale : 0;
}

/// The table slots of the 8 corners of the cell with lower corner (x, y, z), in corner order.
static inline void corner_slots(const d3d_hash_grid_level *level, uint32_t x, uint32_t y, uint32_t z, uint32_t slots[8]) {
    uint32_t keys[4];
    if (level->isDense) {
        uint32_t r = level->resolution, row = x + y * r + z * r * r;
        keys[0] = row; keys[1] = row + r; keys[2] = row + r * r; keys[3] = row + r + r * r;
    } else {
        uint32_t y0 = y * PRIME_Y, y1 = (y + 1) * PRIME_Y, z0 = z * PRIME_Z, z1 = (z + 1) * PRIME_Z;
        keys[0] = y0 ^ z0; keys[1] = y1 ^ z0; keys[2] = y0 ^ z1; keys[3] = y1 ^ z1;
    }
    for (int k = 0; k < 4; k++) {
        slots[2 * k] = level->isDense ? keys[k] : (x ^ keys[k]) & level->mask;
        slots[2 * k + 1] = level->isDense ? keys[k] + 1 : ((x + 1) ^ keys[k]) & level->mask;
    }
}

/// The 8 corner slots and weights of the point at p[0..<3].
static inline void locate_point(const d3d_hash_grid_level *level, const float *p, uint32_t slots[8], float weights[8]) {
    uint32_t cell[3];
    float frac[3];
    for (int a = 0; a < 3; a++) axis_position(level, p[a], &cell[a], &frac[a]);
    corner_slots(level, cell[0], cell[1], cell[2], slots);
    float wx0 = 1 - frac[0], wy0 = 1 - frac[1], wz0 = 1 - frac[2];
    float yz[4] = { wy0 * wz0, frac[1] * wz0, wy0 * frac[2], frac[1] * frac[2] };
    for (int k = 0; k < 4; k++) {
        weights[2 * k] = wx0 * yz[k];
        weights[2 * k + 1] = frac[0] * yz[k];
    }
}

/// Slots and weights of the n ≤ BLOCK points at xyz, each point's cache lines in `entries` (the table
/// to read, or the gradient to write) prefetched as soon as its slots are known.
static inline void locate_block(const d3d_hash_grid_level *level, const float *xyz, int n, uint32_t slots[BLOCK][8],
                                float weights[BLOCK][8], const float *entries, int forWrite) {
    for (int b = 0; b < n; b++) {
        locate_point(level, xyz + 3 * b, slots[b], weights[b]);
        for (int k = 0; k < 8; k += 2) {
            // The builtin's read/write argument must be a constant; inlined, this test folds away.
            if (forWrite) __builtin_prefetch(entries + 2 * slots[b][k], 1, 3);
            else __builtin_prefetch(entries + 2 * slots[b][k], 0, 3);
        }
    }
}

static void encode_portable(const d3d_hash_grid_level *level, const float *xyz, long count, const float *table, float *out, long featureStride) {
    uint32_t slots[BLOCK][8];
    float weights[BLOCK][8];
    for (long first = 0; first < count; first += BLOCK) {
        int n = count - first < BLOCK ? (int)(count - first) : BLOCK;
        locate_block(level, xyz + 3 * first, n, slots, weights, table, 0);
        for (int b = 0; b < n; b++) {
            float f0 = 0, f1 = 0;
            for (int c = 0; c < 8; c++) {
                const float *entry = table + 2 * slots[b][c];
                f0 += weights[b][c] * entry[0];
                f1 += weights[b][c] * entry[1];
            }
            out[first + b] = f0;
            out[featureStride + first + b] = f1;
        }
    }
}

/// The scatter of one point's gradient (g0, g1) into its corners, in corner order.
static inline __attribute__((always_inline)) void scatter_point(const uint32_t slots[8], const float weights[8], float g0, float g1, float *grad) {
    for (int c = 0; c < 8; c++) {
        float *entry = grad + 2 * slots[c];
        entry[0] += weights[c] * g0;
        entry[1] += weights[c] * g1;
    }
}

static void scatter_portable(const d3d_hash_grid_level *level, const float *xyz, long count, const float *dy, long featureStride, float *grad) {
    uint32_t slots[BLOCK][8];
    float weights[BLOCK][8];
    for (long first = 0; first < count; first += BLOCK) {
        int n = count - first < BLOCK ? (int)(count - first) : BLOCK;
        locate_block(level, xyz + 3 * first, n, slots, weights, grad, 1);
        for (int b = 0; b < n; b++) scatter_point(slots[b], weights[b], dy[first + b], dy[featureStride + first + b], grad);
    }
}

/// The 8 corner slots of the point at p[0..<3] and the derivatives of the corner weights along each
/// axis, ∂w_c/∂x_a (per unit of x ∈ [0, 1]): the weight's factor along a, 1 − f or f, becomes −s or +s.
static inline void locate_point_derivatives(const d3d_hash_grid_level *level, const float *p, uint32_t slots[8], float derivatives[3][8]) {
    uint32_t cell[3];
    float frac[3], scale[3];
    for (int a = 0; a < 3; a++) scale[a] = axis_position(level, p[a], &cell[a], &frac[a]);
    corner_slots(level, cell[0], cell[1], cell[2], slots);
    for (int c = 0; c < 8; c++) {
        float factor[3], slope[3];
        for (int a = 0; a < 3; a++) {
            int upper = (c >> a) & 1;
            factor[a] = upper ? frac[a] : 1 - frac[a];
            slope[a] = upper ? scale[a] : -scale[a];
        }
        derivatives[0][c] = slope[0] * (factor[1] * factor[2]);
        derivatives[1][c] = factor[0] * (slope[1] * factor[2]);
        derivatives[2][c] = factor[0] * (factor[1] * slope[2]);
    }
}

/// jacobian[a][f] = Σ_c ∂w_c/∂x_a · table[slot_c][f]: the level's two features differentiated along x, y, z.
static inline void point_jacobian(const uint32_t slots[8], float derivatives[3][8], const float *table, float jacobian[3][2]) {
    for (int a = 0; a < 3; a++) {
        float j0 = 0, j1 = 0;
        for (int c = 0; c < 8; c++) {
            const float *entry = table + 2 * slots[c];
            j0 += derivatives[a][c] * entry[0];
            j1 += derivatives[a][c] * entry[1];
        }
        jacobian[a][0] = j0;
        jacobian[a][1] = j1;
    }
}

/// jacobians[6p + 2a + f] = ∂feature_f/∂x_a of every point p < count.
static void jacobians_portable(const d3d_hash_grid_level *level, const float *xyz, long count, const float *table, float *jacobians) {
    uint32_t slots[BLOCK][8];
    float derivatives[BLOCK][3][8];
    for (long first = 0; first < count; first += BLOCK) {
        int n = count - first < BLOCK ? (int)(count - first) : BLOCK;
        for (int b = 0; b < n; b++) {
            locate_point_derivatives(level, xyz + 3 * (first + b), slots[b], derivatives[b]);
            for (int c = 0; c < 8; c += 2) __builtin_prefetch(table + 2 * slots[b][c], 0, 3);
        }
        for (int b = 0; b < n; b++) point_jacobian(slots[b], derivatives[b], table, (float (*)[2])(jacobians + 6 * (first + b)));
    }
}

/// The backward of one point p of the spatial gradient for v: dv_f += Σ_a dOut_a · jacobian[a][f].
static inline __attribute__((always_inline)) void spatial_gradient_dv_point(long p, const float *jacobians, const float *dOut, float *dv, long vStride) {
    const float *g = dOut + 3 * p, *jacobian = jacobians + 6 * p;
    for (int f = 0; f < 2; f++) dv[p * vStride + f] += g[0] * jacobian[f] + g[1] * jacobian[2 + f] + g[2] * jacobian[4 + f];
}

/// The backward of one point p of the spatial gradient, given its slots and weight derivatives.
static inline __attribute__((always_inline)) void spatial_gradient_backward_point(long p, const uint32_t slots[8], float derivatives[3][8], const float *jacobians,
                                                   const float *v, long vStride, const float *dOut, float *dv, float *grad) {
    const float *g = dOut + 3 * p, *weights = v + p * vStride;
    spatial_gradient_dv_point(p, jacobians, dOut, dv, vStride);
    // ∂/∂table[slot_c][f] of Σ_a g_a Σ_f' v_f' jacobian[a][f'] is (Σ_a g_a ∂w_c/∂x_a) · v_f.
    float cornerWeights[8];
    for (int c = 0; c < 8; c++) cornerWeights[c] = g[0] * derivatives[0][c] + g[1] * derivatives[1][c] + g[2] * derivatives[2][c];
    scatter_point(slots, cornerWeights, weights[0], weights[1], grad);
}

static void spatial_gradient_backward_portable(const d3d_hash_grid_level *level, const float *xyz, long count, const float *jacobians,
                                               const float *v, long vStride, const float *dOut, float *dv, float *grad) {
    uint32_t slots[BLOCK][8];
    float derivatives[BLOCK][3][8];
    for (long first = 0; first < count; first += BLOCK) {
        int n = count - first < BLOCK ? (int)(count - first) : BLOCK;
        for (int b = 0; b < n; b++) {
            locate_point_derivatives(level, xyz + 3 * (first + b), slots[b], derivatives[b]);
            for (int c = 0; c < 8; c += 2) __builtin_prefetch(grad + 2 * slots[b][c], 1, 3);
        }
        for (int b = 0; b < n; b++) spatial_gradient_backward_point(first + b, slots[b], derivatives[b], jacobians, v, vStride, dOut, dv, grad);
    }
}

#if defined(__x86_64__) && defined(__linux__)
#define VECTOR_TARGET __attribute__((target("avx2,avx512f")))

/// Corners of eight consecutive points, one register per corner, lane = point: slot[c], and weight[s][c] for one
/// set of weights (the trilinear ones, `locate8`) or three (their derivatives along x, y and z, `locate8_derivatives`).
typedef struct { __m256i slot[8]; __m256 weight[3][8]; } corners8;

/// Cells of eight points along each axis: lower corner, fraction and ∂fraction/∂x (`axis_position`).
typedef struct { __m256i cell[3]; __m256 frac[3], slope[3]; } cells8;

/// Components a = 0, 1, 2 of eight consecutive 3-vectors p[0 ..< 24], one register each, lane = vector:
/// two-table permutes of p[0 ..< 16] and p[8 ..< 24] (indices ≥ 16 pick from the second); three gathers
/// cost several times more.
VECTOR_TARGET static inline void components8(const float *p, __m256 components[3]) {
    const __m512 low = _mm512_loadu_ps(p), high = _mm512_loadu_ps(p + 8);
    const __m512i axes[3] = {
        _mm512_setr_epi32(0, 3, 6, 9, 12, 15, 26, 29, 0, 0, 0, 0, 0, 0, 0, 0),
        _mm512_setr_epi32(1, 4, 7, 10, 13, 24, 27, 30, 0, 0, 0, 0, 0, 0, 0, 0),
        _mm512_setr_epi32(2, 5, 8, 11, 14, 25, 28, 31, 0, 0, 0, 0, 0, 0, 0, 0),
    };
    for (int a = 0; a < 3; a++) components[a] = _mm512_castps512_ps256(_mm512_permutex2var_ps(low, axes[a], high));
}

/// `axis_position` for the eight points at p[0 ..< 24], lane by lane the same operations.
VECTOR_TARGET static inline void locate_cells8(const d3d_hash_grid_level *level, const float *p, cells8 *cells) {
    __m256 coordinates[3];
    components8(p, coordinates);
    const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1), half = _mm256_set1_ps(0.5f);
    const __m256 scale = _mm256_set1_ps(level->scale), limit = _mm256_set1_ps(level->limit);
    for (int a = 0; a < 3; a++) {
        __m256 raw = coordinates[a];
        __m256 v = _mm256_min_ps(_mm256_max_ps(raw, zero), one);   // max(v, 0) is 0 for NaN, as v > 0 ? v : 0
        __m256 position = _mm256_add_ps(_mm256_mul_ps(v, scale), half);
        __m256 lower = _mm256_min_ps(_mm256_cvtepi32_ps(_mm256_cvttps_epi32(position)), limit);
        cells->frac[a] = _mm256_sub_ps(position, lower);
        cells->cell[a] = _mm256_cvttps_epi32(lower);
        __m256 inside = _mm256_and_ps(_mm256_cmp_ps(raw, zero, _CMP_GT_OQ), _mm256_cmp_ps(raw, one, _CMP_LT_OQ));
        cells->slope[a] = _mm256_and_ps(inside, scale);
    }
}

/// `corner_slots` for eight cells.
VECTOR_TARGET static inline void corner_slots8(const d3d_hash_grid_level *level, const cells8 *cells, __m256i slot[8]) {
    __m256i x = cells->cell[0], y = cells->cell[1], z = cells->cell[2], keys[4];
    const __m256i ones = _mm256_set1_epi32(1);
    if (level->isDense) {
        __m256i r = _mm256_set1_epi32((int)level->resolution), rr = _mm256_mullo_epi32(r, r);
        __m256i row = _mm256_add_epi32(_mm256_add_epi32(x, _mm256_mullo_epi32(y, r)), _mm256_mullo_epi32(_mm256_mullo_epi32(z, r), r));
        keys[0] = row; keys[1] = _mm256_add_epi32(row, r);
        keys[2] = _mm256_add_epi32(row, rr); keys[3] = _mm256_add_epi32(_mm256_add_epi32(row, r), rr);
        for (int k = 0; k < 4; k++) {
            slot[2 * k] = keys[k];
            slot[2 * k + 1] = _mm256_add_epi32(keys[k], ones);
        }
    } else {
        __m256i py = _mm256_set1_epi32((int)PRIME_Y), pz = _mm256_set1_epi32((int)PRIME_Z), mask = _mm256_set1_epi32((int)level->mask);
        __m256i y0 = _mm256_mullo_epi32(y, py), y1 = _mm256_mullo_epi32(_mm256_add_epi32(y, ones), py);
        __m256i z0 = _mm256_mullo_epi32(z, pz), z1 = _mm256_mullo_epi32(_mm256_add_epi32(z, ones), pz);
        keys[0] = _mm256_xor_si256(y0, z0); keys[1] = _mm256_xor_si256(y1, z0);
        keys[2] = _mm256_xor_si256(y0, z1); keys[3] = _mm256_xor_si256(y1, z1);
        __m256i x1 = _mm256_add_epi32(x, ones);
        for (int k = 0; k < 4; k++) {
            slot[2 * k] = _mm256_and_si256(_mm256_xor_si256(x, keys[k]), mask);
            slot[2 * k + 1] = _mm256_and_si256(_mm256_xor_si256(x1, keys[k]), mask);
        }
    }
}

/// `locate_point` for the eight points at p[0 ..< 24], lane by lane the same operations.
VECTOR_TARGET static inline void locate8(const d3d_hash_grid_level *level, const float *p, corners8 *corners) {
    cells8 cells;
    locate_cells8(level, p, &cells);
    corner_slots8(level, &cells, corners->slot);
    const __m256 one = _mm256_set1_ps(1);
    const __m256 *frac = cells.frac;
    __m256 wx0 = _mm256_sub_ps(one, frac[0]), wy0 = _mm256_sub_ps(one, frac[1]), wz0 = _mm256_sub_ps(one, frac[2]);
    __m256 yz[4] = { _mm256_mul_ps(wy0, wz0), _mm256_mul_ps(frac[1], wz0), _mm256_mul_ps(wy0, frac[2]), _mm256_mul_ps(frac[1], frac[2]) };
    for (int k = 0; k < 4; k++) {
        corners->weight[0][2 * k] = _mm256_mul_ps(wx0, yz[k]);
        corners->weight[0][2 * k + 1] = _mm256_mul_ps(frac[0], yz[k]);
    }
}

/// `locate_point_derivatives` for the eight points at p[0 ..< 24], lane by lane the same operations.
VECTOR_TARGET static inline void locate8_derivatives(const d3d_hash_grid_level *level, const float *p, corners8 *out) {
    cells8 cells;
    locate_cells8(level, p, &cells);
    corner_slots8(level, &cells, out->slot);
    const __m256 one = _mm256_set1_ps(1), sign = _mm256_set1_ps(-0.0f);
    for (int c = 0; c < 8; c++) {
        __m256 factor[3], slope[3];
        for (int a = 0; a < 3; a++) {
            int upper = (c >> a) & 1;
            factor[a] = upper ? cells.frac[a] : _mm256_sub_ps(one, cells.frac[a]);
            slope[a] = upper ? cells.slope[a] : _mm256_xor_ps(cells.slope[a], sign);      // −s, as the portable negation
        }
        out->weight[0][c] = _mm256_mul_ps(slope[0], _mm256_mul_ps(factor[1], factor[2]));
        out->weight[1][c] = _mm256_mul_ps(factor[0], _mm256_mul_ps(slope[1], factor[2]));
        out->weight[2][c] = _mm256_mul_ps(factor[0], _mm256_mul_ps(factor[1], slope[2]));
    }
}

/// Groups of eight points located ahead of their use: a group's corner lines are prefetched when it
/// is located, LEAD groups before it is gathered or scattered, so the fine levels' cache misses (2^19
/// tables are 4 MB, beyond L2) overlap with the work on the groups before.
enum { LEAD = 4 };

/// Prefetches the lines of a group's lower x-corners (the upper one is the next slot, same line but
/// at a line's end) into L2 (prefetcht1), not L1: the L1 tracks few misses, and with its buffers full of
/// 32 prefetches a group the gathers waited behind them; a 2^19 table's levels ran 1.6× slower (1-thread
/// harness, per level 3.0 ms → 1.8 ms for 196k points, both directions).
VECTOR_TARGET static inline void prefetch8(const __m256i slot[8], const float *table, int forWriting) {
    _Alignas(32) uint32_t slots[8];
    for (int c = 0; c < 8; c += 2) {
        _mm256_store_si256((__m256i *)slots, slot[c]);
        for (int lane = 0; lane < 8; lane++) {
            if (forWriting) __builtin_prefetch(table + 2 * slots[lane], 1, 2); else __builtin_prefetch(table + 2 * slots[lane], 0, 2);
        }
    }
}

/// Locates group `p` (its weights: one set, or three derivatives) and prefetches its lines of `table`
/// (the table to read, or the gradient to write) unless the level's table stays in cache: then all but
/// the first touch of a line hit, and the 32 prefetches of a group cost more instructions than its gather.
VECTOR_TARGET static inline __attribute__((always_inline)) void locate_ahead8(const d3d_hash_grid_level *level, const float *p, int sets,
                                                                              const float *table, int forWriting, corners8 *corners) {
    if (sets == 1) locate8(level, p, corners); else locate8_derivatives(level, p, corners);
    if (level->mask >= D3D_HASH_GRID_CACHED_ENTRIES) prefetch8(corners->slot, table, forWriting);
}

/// Eight points per step: each corner's entries (a 64-bit pair of features) come in one gather, and each
/// weight set is spread to both features of its point: sum_s[p][f] = Σ_c weight[s][c] · entry_c[f]. One set
/// is the encoding, stored feature-major (out[f·featureStride + p]); three are the Jacobian of
/// `jacobians_portable`, out[(p·3 + s)·2 + f]. Groups are located LEAD ahead. Inlined into each caller with
/// its constant `sets`, as `scatter_avx512` (the encoding's forward ran ~7% faster than with `sets` known at
/// run time).
VECTOR_TARGET static inline __attribute__((always_inline)) void gather_avx512(const d3d_hash_grid_level *level, const float *xyz, long count, const float *table, int sets,
                                                                              float *out, long featureStride) {
    const __m512i spread = _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
    const __m512i byFeature = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
    long groups = count / 8;
    corners8 ahead[LEAD];
    for (long g = 0; g < groups && g < LEAD; g++) locate_ahead8(level, xyz + 24 * g, sets, table, 0, &ahead[g]);
    for (long g = 0; g < groups; g++) {
        corners8 *corners = &ahead[g % LEAD];
        __m512 sum[3] = { _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps() };
        for (int c = 0; c < 8; c++) {
            __m512 entries = _mm512_castpd_ps(_mm512_i32gather_pd(corners->slot[c], (const double *)table, 8));
            for (int set = 0; set < sets; set++) {
                __m512 weights = _mm512_permutexvar_ps(spread, _mm512_castps256_ps512(corners->weight[set][c]));
                sum[set] = _mm512_add_ps(sum[set], _mm512_mul_ps(weights, entries));
            }
        }
        if (sets == 1) {
            __m512 features = _mm512_permutexvar_ps(byFeature, sum[0]);      // [f0 of the 8 points | f1 of them]
            _mm256_storeu_ps(out + 8 * g, _mm512_castps512_ps256(features));
            _mm256_storeu_ps(out + featureStride + 8 * g, _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(features), 1)));
        } else {
            _Alignas(64) float sums[3][16];                  // [set][2·lane + feature]
            for (int set = 0; set < sets; set++) _mm512_store_ps(sums[set], sum[set]);
            for (int lane = 0; lane < 8; lane++) {
                for (int set = 0; set < sets; set++) {
                    for (int f = 0; f < 2; f++) out[((8 * g + lane) * sets + set) * 2 + f] = sums[set][2 * lane + f];
                }
            }
        }
        if (g + LEAD < groups) locate_ahead8(level, xyz + 24 * (g + LEAD), sets, table, 0, corners);   // its slot is free now
    }
    long p = 8 * groups;
    if (p < count && sets == 1) encode_portable(level, xyz + 3 * p, count - p, table, out + p, featureStride);
    if (p < count && sets == 3) jacobians_portable(level, xyz + 3 * p, count - p, table, out + 6 * p);
}

/// What a backward pass sends to the table: the encoding's (one weight set, dy per point) or the spatial
/// gradient's (three sets, the weights' derivatives: `spatial_gradient_backward_point`).
typedef struct {
    int sets;
    const float *dy; long featureStride;                             // sets == 1
    const float *jacobians, *v; long vStride; const float *dOut; float *dv;   // sets == 3
} backward_job;

/// Corners found eight points at a time, LEAD groups ahead (their gradient lines prefetched for writing),
/// then scattered point by point in order (neighbouring points share corners, so the adds cannot be
/// done lane-parallel). The spatial gradient's corner weights, Σ_a dOut_a·∂w_c/∂x_a, are formed eight
/// points at a time too, as `spatial_gradient_backward_point` forms them (same operations, same order).
/// Inlined into each caller with its constant `job.sets`: a run-time `sets` (and the job read through a
/// pointer) made the encoding's backward 1.8× slower.
VECTOR_TARGET static inline __attribute__((always_inline)) void scatter_avx512(const d3d_hash_grid_level *level, const float *xyz, long count,
                                                                               const backward_job job, float *grad) {
    _Alignas(32) uint32_t slots[LEAD][8][8];                 // [group % LEAD][corner][lane]
    _Alignas(32) float weights[LEAD][8][8];                  // [group % LEAD][corner][lane]
    const int sets = job.sets;
    long groups = count / 8;
    for (long g = 0; g < groups + LEAD; g++) {
        long done = g - LEAD;                                // the group located LEAD steps ago
        for (int lane = 0; done >= 0 && lane < 8; lane++) {
            long p = 8 * done + lane;
            uint32_t pointSlots[8];
            float pointWeights[8];
            for (int c = 0; c < 8; c++) {
                pointSlots[c] = slots[done % LEAD][c][lane];
                pointWeights[c] = weights[done % LEAD][c][lane];
            }
            if (sets == 1) {
                scatter_point(pointSlots, pointWeights, job.dy[p], job.dy[job.featureStride + p], grad);
            } else {
                spatial_gradient_dv_point(p, job.jacobians, job.dOut, job.dv, job.vStride);
                scatter_point(pointSlots, pointWeights, job.v[p * job.vStride], job.v[p * job.vStride + 1], grad);
            }
        }
        if (g < groups) {                                    // into the entries just freed
            corners8 corners;
            locate_ahead8(level, xyz + 24 * g, sets, grad, 1, &corners);
            __m256 dOut[3];
            if (sets == 3) components8(job.dOut + 24 * g, dOut);
            for (int c = 0; c < 8; c++) {
                _mm256_store_si256((__m256i *)slots[g % LEAD][c], corners.slot[c]);
                __m256 weight = corners.weight[0][c];
                if (sets == 3) {
                    weight = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(dOut[0], corners.weight[0][c]), _mm256_mul_ps(dOut[1], corners.weight[1][c])),
                                           _mm256_mul_ps(dOut[2], corners.weight[2][c]));
                }
                _mm256_store_ps(weights[g % LEAD][c], weight);
            }
        }
    }
    long p = 8 * groups;
    if (p < count && sets == 1) scatter_portable(level, xyz + 3 * p, count - p, job.dy + p, job.featureStride, grad);
    if (p < count && sets == 3) spatial_gradient_backward_portable(level, xyz + 3 * p, count - p, job.jacobians + 6 * p,
                                                                   job.v + p * job.vStride, job.vStride, job.dOut + 3 * p,
                                                                   job.dv + p * job.vStride, grad);
}

VECTOR_TARGET static void encoding_backward_avx512(const d3d_hash_grid_level *level, const float *xyz, long count, const float *dy,
                                                  long featureStride, float *grad) {
    scatter_avx512(level, xyz, count, (backward_job){ .sets = 1, .dy = dy, .featureStride = featureStride }, grad);
}

VECTOR_TARGET static void spatial_gradient_backward_avx512(const d3d_hash_grid_level *level, const float *xyz, long count, const float *jacobians,
                                                           const float *v, long vStride, const float *dOut, float *dv, float *grad) {
    scatter_avx512(level, xyz, count, (backward_job){ .sets = 3, .jacobians = jacobians, .v = v, .vStride = vStride, .dOut = dOut, .dv = dv }, grad);
}

VECTOR_TARGET static void encode_avx512(const d3d_hash_grid_level *level, const float *xyz, long count, const float *table, float *out,
                                       long featureStride) {
    gather_avx512(level, xyz, count, table, 1, out, featureStride);
}

VECTOR_TARGET static void jacobians_avx512(const d3d_hash_grid_level *level, const float *xyz, long count, const float *table, float *jacobians) {
    gather_avx512(level, xyz, count, table, 3, jacobians, 0);
}

static int hasAVX512(void) { return !forcedPortable && __builtin_cpu_supports("avx512f"); }
#else
static int hasAVX512(void) { return 0; }
#endif

void d3d_hash_grid_encode(d3d_hash_grid_level level, const float *xyz, long count, const float *table, float *out, long featureStride) {
#if defined(__x86_64__) && defined(__linux__)
    if (hasAVX512()) { encode_avx512(&level, xyz, count, table, out, featureStride); return; }
#endif
    encode_portable(&level, xyz, count, table, out, featureStride);
}

void d3d_hash_grid_scatter(d3d_hash_grid_level level, const float *xyz, long count, const float *dy, long featureStride, float *grad) {
#if defined(__x86_64__) && defined(__linux__)
    if (hasAVX512()) { encoding_backward_avx512(&level, xyz, count, dy, featureStride, grad); return; }
#endif
    scatter_portable(&level, xyz, count, dy, featureStride, grad);
}

/// jacobians[6p + 2a + f] = ∂feature_f/∂x_a, on the vector path where there is one.
static void level_jacobians(const d3d_hash_grid_level *level, const float *xyz, long count, const float *table, float *jacobians) {
#if defined(__x86_64__) && defined(__linux__)
    if (hasAVX512()) { jacobians_avx512(level, xyz, count, table, jacobians); return; }
#endif
    jacobians_portable(level, xyz, count, table, jacobians);
}

void d3d_hash_grid_spatial_gradient(d3d_hash_grid_level level, const float *xyz, long count, const float *table,
                                    const float *v, long vStride, float *jacobians, float *out) {
    level_jacobians(&level, xyz, count, table, jacobians);
    for (long p = 0; p < count; p++) {
        const float *jacobian = jacobians + 6 * p, *weights = v + p * vStride;
        for (int a = 0; a < 3; a++) out[3 * p + a] = jacobian[2 * a] * weights[0] + jacobian[2 * a + 1] * weights[1];
    }
}

void d3d_hash_grid_spatial_gradient_backward(d3d_hash_grid_level level, const float *xyz, long count, const float *jacobians,
                                             const float *v, long vStride, const float *dOut, float *dv, float *grad) {
#if defined(__x86_64__) && defined(__linux__)
    if (hasAVX512()) { spatial_gradient_backward_avx512(&level, xyz, count, jacobians, v, vStride, dOut, dv, grad); return; }
#endif
    spatial_gradient_backward_portable(&level, xyz, count, jacobians, v, vStride, dOut, dv, grad);
}
