// HashGrid.h — the inner loops of the multiresolution hash encoding (Dream3DScene's HashGridEncoding,
// Müller et al. 2022 §3) for one level: corner slots and trilinear weights of each point, then the
// gather of the forward pass or the scatter of the backward pass. Written in C so that the corners of
// eight points are found at once in vector registers and their table entries (two features, one
// 64-bit pair) fetched with AVX-512 gathers; Swift on Linux x86-64 compiles for SSE2 and does one
// point at a time. A portable scalar copy runs on CPUs without AVX-512. Both do the same IEEE
// operations in the same order (no FMA contraction), so their results are bit-identical to each
// other and to the Swift kernels they replace.
#pragma once

/// Tables (and their gradients) of up to this many entries, 1 MB, fit the L2 cache of a core (Zen 4's;
/// Intel's since Ice Lake are larger): the kernels do not prefetch their lines.
#define D3D_HASH_GRID_CACHED_ENTRIES (1 << 17)

/// One level's geometry, as HashGridLevel in Swift computes it.
typedef struct {
    /// s_l = N_min·b^l − 1: a point x ∈ [0, 1] sits at x·s_l + 0.5 in the level's grid.
    float scale;
    /// resolution − 2, the lower corner of the last cell along an axis.
    float limit;
    /// Grid vertices per axis.
    unsigned resolution;
    /// Table entries − 1 (hashed levels: a power of two).
    unsigned mask;
    /// Dense levels index vertices x + y·r + z·r²; hashed ones by x ⊕ y·π₂ ⊕ z·π₃ mod T.
    int isDense;
} d3d_hash_grid_level;

/// out[f·featureStride + p] = Σ over the 8 corners of point p (positions xyz[3p ..< 3p + 3], clamped to
/// [0, 1]) of trilinear weight × table entry f, for p < count and f = 0, 1: feature-major, each feature's
/// values contiguous. `table` is the level's first entry.
void d3d_hash_grid_encode(d3d_hash_grid_level level, const float *xyz, long count, const float *table, float *out, long featureStride);

/// grad[2·slot + f] += weight × dy[f·featureStride + p] for every corner of every point p < count (dy
/// feature-major, as `d3d_hash_grid_encode` writes), points in order and corners in order (a
/// deterministic sum). `grad` is the level's first entry.
void d3d_hash_grid_scatter(d3d_hash_grid_level level, const float *xyz, long count, const float *dy, long featureStride, float *grad);

/// The spatial gradient of a linear read-out of the level's features: out[3p + a] = Σ_f v[p·vStride + f] ·
/// ∂feature_f/∂x_a at point p, the derivative of the trilinear interpolation inside the point's cell
/// (0 along an axis where the point is clamped). Each point's Jacobian ∂feature_f/∂x_a goes to
/// jacobians[6p + 2a + f] for the backward.
void d3d_hash_grid_spatial_gradient(d3d_hash_grid_level level, const float *xyz, long count, const float *table,
                                    const float *v, long vStride, float *jacobians, float *out);

/// The backward of `d3d_hash_grid_spatial_gradient` for upstream gradients dOut[3p + a], given the
/// Jacobians it wrote: adds Σ_a dOut_a·∂feature_f/∂x_a to dv[p·vStride + f] and scatters
/// (Σ_a dOut_a·∂w_c/∂x_a)·v_f into grad[2·slot_c + f], points and corners in order (a deterministic sum).
void d3d_hash_grid_spatial_gradient_backward(d3d_hash_grid_level level, const float *xyz, long count, const float *jacobians,
                                             const float *v, long vStride, const float *dOut, float *dv, float *grad);

/// Makes every kernel take the portable scalar path even where AVX-512 is available (tests compare
/// the two paths); 0 restores the automatic choice.
void d3d_hash_grid_force_portable(int portable);
