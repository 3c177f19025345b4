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

/// The 8 corner slots and weights of the point at p[0..<3].
static inline void locate_point(const d3d_hash_grid_level *level, const float *p, uint32_t slots[8], float weights[8]) {
    uint32_t cell[3];
    float frac[3];
    for (int a = 0; a < 3; a++) {
        float v = p[a] > 0 ? p[a] : 0;                       // clamp to [0, 1]; NaN → 0
        v = v < 1 ? v : 1;
        float position = v * level->scale + 0.5f;
        float lower = (float)(int32_t)position;              // truncation is floor: position ≥ 0.5
        lower = lower < level->limit ? lower : level->limit;
        frac[a] = position - lower;
        cell[a] = (uint32_t)lower;
    }
    uint32_t x = cell[0], y = cell[1], z = cell[2], keys[4];
    if (level->isDense) {
        uint32_t r = level->resolution, row = x + y * r + z * r * r;
        keys[0] = row; keys[1] = row + r; keys[2] = row + r * r; keys[3] = row + r + r * r;
    } else {
        uint32_t y0 = y * PRIME_Y, y1 = (y + 1) * PRIME_Y, z0 = z * PRIME_Z, z1 = (z + 1) * PRIME_Z;
        keys[0] = y0 ^ z0; keys[1] = y1 ^ z0; keys[2] = y0 ^ z1; keys[3] = y1 ^ z1;
    }
    float wx0 = 1 - frac[0], wy0 = 1 - frac[1], wz0 = 1 - frac[2];
    float yz[4] = { wy0 * wz0, frac[1] * wz0, wy0 * frac[2], frac[1] * frac[2] };
    for (int k = 0; k < 4; k++) {
        slots[2 * k] = level->isDense ? keys[k] : (x ^ keys[k]) & level->mask;
        slots[2 * k + 1] = level->isDense ? keys[k] + 1 : ((x + 1) ^ keys[k]) & level->mask;
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

static void encode_portable(const d3d_hash_grid_level *level, const float *xyz, long count, const float *table, float *out) {
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
            out[2 * (first + b)] = f0;
            out[2 * (first + b) + 1] = f1;
        }
    }
}

/// The scatter of one point's gradient (g0, g1) into its corners, in corner order.
static inline void scatter_point(const uint32_t slots[8], const float weights[8], float g0, float g1, float *grad) {
    for (int c = 0; c < 8; c++) {
        float *entry = grad + 2 * slots[c];
        entry[0] += weights[c] * g0;
        entry[1] += weights[c] * g1;
    }
}

static void scatter_portable(const d3d_hash_grid_level *level, const float *xyz, long count, const float *dy, long dyStride, float *grad) {
    uint32_t slots[BLOCK][8];
    float weights[BLOCK][8];
    for (long first = 0; first < count; first += BLOCK) {
        int n = count - first < BLOCK ? (int)(count - first) : BLOCK;
        locate_block(level, xyz + 3 * first, n, slots, weights, grad, 1);
        for (int b = 0; b < n; b++) {
            const float *g = dy + (first + b) * dyStride;
            scatter_point(slots[b], weights[b], g[0], g[1], grad);
        }
    }
}

#if defined(__x86_64__) && defined(__linux__)
#define VECTOR_TARGET __attribute__((target("avx2,avx512f")))

/// Corners of eight consecutive points, one register per corner: slot[c] and weight[c], lane = point.
typedef struct { __m256i slot[8]; __m256 weight[8]; } corners8;

/// `locate_point` for the eight points at p[0 ..< 24], lane by lane the same operations.
VECTOR_TARGET static inline void locate8(const d3d_hash_grid_level *level, const float *p, corners8 *corners) {
    // x, y and z of the eight points out of p[0 ..< 24] by two-table permutes of p[0 ..< 16] and
    // p[8 ..< 24] (indices ≥ 16 pick from the second); three gathers cost several times more.
    const __m512 low = _mm512_loadu_ps(p), high = _mm512_loadu_ps(p + 8);
    const __m512i axes[3] = {
        _mm512_setr_epi32(0, 3, 6, 9, 12, 15, 26, 29, 0, 0, 0, 0, 0, 0, 0, 0),
        _mm512_setr_epi32(1, 4, 7, 10, 13, 24, 27, 30, 0, 0, 0, 0, 0, 0, 0, 0),
        _mm512_setr_epi32(2, 5, 8, 11, 14, 25, 28, 31, 0, 0, 0, 0, 0, 0, 0, 0),
    };
    const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1), half = _mm256_set1_ps(0.5f);
    const __m256 scale = _mm256_set1_ps(level->scale), limit = _mm256_set1_ps(level->limit);
    __m256i cell[3];
    __m256 frac[3];
    for (int a = 0; a < 3; a++) {
        __m256 v = _mm512_castps512_ps256(_mm512_permutex2var_ps(low, axes[a], high));
        v = _mm256_min_ps(_mm256_max_ps(v, zero), one);       // max(v, 0) is 0 for NaN, as v > 0 ? v : 0
        __m256 position = _mm256_add_ps(_mm256_mul_ps(v, scale), half);
        __m256 lower = _mm256_min_ps(_mm256_cvtepi32_ps(_mm256_cvttps_epi32(position)), limit);
        frac[a] = _mm256_sub_ps(position, lower);
        cell[a] = _mm256_cvttps_epi32(lower);
    }
    __m256i x = cell[0], y = cell[1], z = cell[2], keys[4];
    const __m256i ones = _mm256_set1_epi32(1);
    if (level->isDense) {
        __m256i r = _mm256_set1_epi32((int)level->resolution), rr = _mm256_mullo_epi32(r, r);
        __m256i row = _mm256_add_epi32(_mm256_add_epi32(x, _mm256_mullo_epi32(y, r)), _mm256_mullo_epi32(_mm256_mullo_epi32(z, r), r));
        keys[0] = row; keys[1] = _mm256_add_epi32(row, r);
        keys[2] = _mm256_add_epi32(row, rr); keys[3] = _mm256_add_epi32(_mm256_add_epi32(row, r), rr);
        for (int k = 0; k < 4; k++) {
            corners->slot[2 * k] = keys[k];
            corners->slot[2 * k + 1] = _mm256_add_epi32(keys[k], ones);
        }
    } else {
        __m256i py = _mm256_set1_epi32((int)PRIME_Y), pz = _mm256_set1_epi32((int)PRIME_Z), mask = _mm256_set1_epi32((int)level->mask);
        __m256i y0 = _mm256_mullo_epi32(y, py), y1 = _mm256_mullo_epi32(_mm256_add_epi32(y, ones), py);
        __m256i z0 = _mm256_mullo_epi32(z, pz), z1 = _mm256_mullo_epi32(_mm256_add_epi32(z, ones), pz);
        keys[0] = _mm256_xor_si256(y0, z0); keys[1] = _mm256_xor_si256(y1, z0);
        keys[2] = _mm256_xor_si256(y0, z1); keys[3] = _mm256_xor_si256(y1, z1);
        __m256i x1 = _mm256_add_epi32(x, ones);
        for (int k = 0; k < 4; k++) {
            corners->slot[2 * k] = _mm256_and_si256(_mm256_xor_si256(x, keys[k]), mask);
            corners->slot[2 * k + 1] = _mm256_and_si256(_mm256_xor_si256(x1, keys[k]), mask);
        }
    }
    __m256 wx0 = _mm256_sub_ps(one, frac[0]), wy0 = _mm256_sub_ps(one, frac[1]), wz0 = _mm256_sub_ps(one, frac[2]);
    __m256 yz[4] = { _mm256_mul_ps(wy0, wz0), _mm256_mul_ps(frac[1], wz0), _mm256_mul_ps(wy0, frac[2]), _mm256_mul_ps(frac[1], frac[2]) };
    for (int k = 0; k < 4; k++) {
        corners->weight[2 * k] = _mm256_mul_ps(wx0, yz[k]);
        corners->weight[2 * k + 1] = _mm256_mul_ps(frac[0], yz[k]);
    }
}

/// Groups of eight points located ahead of their use: a group's corner lines are prefetched when it
/// is located, LEAD groups before it is gathered or scattered, so the fine levels' cache misses (2^19
/// tables are 4 MB, beyond L2) overlap with the work on the groups before.
enum { LEAD = 4 };

/// Prefetches the lines of a group's lower x-corners (the upper one is the next slot, same line but
/// at a line's end).
VECTOR_TARGET static inline void prefetch8(const corners8 *corners, const float *table, int forWriting) {
    _Alignas(32) uint32_t slots[8];
    for (int c = 0; c < 8; c += 2) {
        _mm256_store_si256((__m256i *)slots, corners->slot[c]);
        for (int lane = 0; lane < 8; lane++) {
            if (forWriting) __builtin_prefetch(table + 2 * slots[lane], 1, 3); else __builtin_prefetch(table + 2 * slots[lane], 0, 3);
        }
    }
}

/// Eight points per step: each corner's entries (a 64-bit pair of features) come in one gather, and
/// the weights are spread to both features of their point, so the sums land as [f0 f1] per point,
/// the output's layout.
VECTOR_TARGET static void encode_avx512(const d3d_hash_grid_level *level, const float *xyz, long count, const float *table, float *out) {
    const __m512i spread = _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
    long groups = count / 8;
    corners8 ahead[LEAD];
    for (long g = 0; g < groups && g < LEAD; g++) {
        locate8(level, xyz + 24 * g, &ahead[g]);
        prefetch8(&ahead[g], table, 0);
    }
    for (long g = 0; g < groups; g++) {
        corners8 corners = ahead[g % LEAD];
        if (g + LEAD < groups) {
            locate8(level, xyz + 24 * (g + LEAD), &ahead[g % LEAD]);
            prefetch8(&ahead[g % LEAD], table, 0);
        }
        __m512 sum = _mm512_setzero_ps();
        for (int c = 0; c < 8; c++) {
            __m512 entries = _mm512_castpd_ps(_mm512_i32gather_pd(corners.slot[c], (const double *)table, 8));
            __m512 weights = _mm512_permutexvar_ps(spread, _mm512_castps256_ps512(corners.weight[c]));
            sum = _mm512_add_ps(sum, _mm512_mul_ps(weights, entries));
        }
        _mm512_storeu_ps(out + 16 * g, sum);
    }
    long p = 8 * groups;
    if (p < count) encode_portable(level, xyz + 3 * p, count - p, table, out + 2 * p);
}

/// Corners found eight points at a time, LEAD groups ahead, then scattered point by point in order
/// (neighbouring points share corners, so the adds cannot be done lane-parallel).
VECTOR_TARGET static void scatter_avx512(const d3d_hash_grid_level *level, const float *xyz, long count, const float *dy, long dyStride, float *grad) {
    _Alignas(32) uint32_t slots[LEAD][8][8];               // [group % LEAD][corner][lane]
    _Alignas(32) float weights[LEAD][8][8];
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
            scatter_point(pointSlots, pointWeights, dy[p * dyStride], dy[p * dyStride + 1], grad);
        }
        if (g < groups) {                                    // into the entries just freed
            corners8 corners;
            locate8(level, xyz + 24 * g, &corners);
            prefetch8(&corners, grad, 1);
            for (int c = 0; c < 8; c++) {
                _mm256_store_si256((__m256i *)slots[g % LEAD][c], corners.slot[c]);
                _mm256_store_ps(weights[g % LEAD][c], corners.weight[c]);
            }
        }
    }
    long p = 8 * groups;
    if (p < count) scatter_portable(level, xyz + 3 * p, count - p, dy + p * dyStride, dyStride, grad);
}

static int hasAVX512(void) { return !forcedPortable && __builtin_cpu_supports("avx512f"); }
#else
static int hasAVX512(void) { return 0; }
#endif

void d3d_hash_grid_encode(d3d_hash_grid_level level, const float *xyz, long count, const float *table, float *out) {
#if defined(__x86_64__) && defined(__linux__)
    if (hasAVX512()) { encode_avx512(&level, xyz, count, table, out); return; }
#endif
    encode_portable(&level, xyz, count, table, out);
}

void d3d_hash_grid_scatter(d3d_hash_grid_level level, const float *xyz, long count, const float *dy, long dyStride, float *grad) {
#if defined(__x86_64__) && defined(__linux__)
    if (hasAVX512()) { scatter_avx512(&level, xyz, count, dy, dyStride, grad); return; }
#endif
    scatter_portable(&level, xyz, count, dy, dyStride, grad);
}
