// Activations.c — see include/Activations.h.
#include "Activations.h"
#include "FastExp.h"

#pragma clang fp contract(off)

/// σ(x) = 1/(1 + e^−x); e^−x saturates instead of overflowing, so σ is ~1e-39 (not 0) far below −88,
/// an absolute error far under a float ulp of the values it multiplies.
static inline float sigmoid(float x) { return 1 / (1 + d3d_fast_exp(-x)); }

/// erf by Abramowitz & Stegun 7.1.26 (Hastings): 1 − (a₁t + … + a₅t⁵)·e^−x², t = 1/(1 + 0.3275911·|x|),
/// odd in x; absolute error ≤ 1.5e-7 by the formula, ≤ 2.4e-7 against glibc's erff in float
/// (ActivationsTests checks the GELU built on it against Foundation.erf).
static inline float fast_erf(float x) {
    float a = x < 0 ? -x : x;
    float t = 1 / (1 + 0.3275911f * a);
    float p = 1.061405429f;
    p = p * t - 1.453152027f;
    p = p * t + 1.421413741f;
    p = p * t - 0.284496736f;
    p = p * t + 0.254829592f;
    float e = 1 - p * t * d3d_fast_exp(-a * a);
    return x < 0 ? -e : e;
}

D3D_VECTOR_CLONES
void d3d_silu(const float *x, float *y, long count) {
    for (long i = 0; i < count; i++) y[i] = x[i] * sigmoid(x[i]);
}

D3D_VECTOR_CLONES
void d3d_silu_backward(const float *x, const float *dy, float *dx, long count) {
    for (long i = 0; i < count; i++) {
        float s = sigmoid(x[i]);
        dx[i] += dy[i] * (s * (1 + x[i] * (1 - s)));
    }
}

D3D_VECTOR_CLONES
void d3d_relu(const float *x, float *y, long count) {
    for (long i = 0; i < count; i++) y[i] = x[i] > 0 ? x[i] : 0;
}

D3D_VECTOR_CLONES
void d3d_relu_backward(const float *x, const float *dy, float *dx, long count) {
    for (long i = 0; i < count; i++) dx[i] += x[i] > 0 ? dy[i] : 0;
}

D3D_VECTOR_CLONES
void d3d_masked_column_sums(const float *restrict mask, const float *restrict dy, long rows, long width, long first, long count,
                            float *restrict sums) {
    for (long r = 0; r < rows; r++) {
        const float *m = mask + r * width + first, *d = dy + r * width + first;
        for (long k = 0; k < count; k++) sums[k] += m[k] * d[k];
    }
}

/// GELU(x) = x·Φ(x) = 0.5x(1 + erf(x/√2)).
static inline float gelu_erf(float x) { return 0.5f * x * (1 + fast_erf(x * 0.70710678118654752f)); }

/// GELU′(x) = Φ(x) + x·φ(x).
static inline float gelu_erf_derivative(float x) {
    float cdf = 0.5f * (1 + fast_erf(x * 0.70710678118654752f));
    float pdf = d3d_fast_exp(-0.5f * x * x) * 0.39894228040143268f;   // 1/√(2π)
    return cdf + x * pdf;
}

D3D_VECTOR_CLONES
void d3d_gelu_erf(const float *x, float *y, long count) {
    for (long i = 0; i < count; i++) y[i] = gelu_erf(x[i]);
}

D3D_VECTOR_CLONES
void d3d_gelu_erf_backward(const float *x, const float *dy, float *dx, long count) {
    for (long i = 0; i < count; i++) dx[i] += dy[i] * gelu_erf_derivative(x[i]);
}

D3D_VECTOR_CLONES
void d3d_geglu(const float *h, float *y, long rows, long half) {
    for (long r = 0; r < rows; r++) {
        const float *a = h + r * 2 * half, *b = a + half;
        float *o = y + r * half;
        for (long c = 0; c < half; c++) o[c] = a[c] * gelu_erf(b[c]);
    }
}

D3D_VECTOR_CLONES
void d3d_geglu_backward(const float *h, const float *dy, float *dh, long rows, long half) {
    for (long r = 0; r < rows; r++) {
        const float *a = h + r * 2 * half, *b = a + half, *g = dy + r * half;
        float *da = dh + r * 2 * half, *db = da + half;
        for (long c = 0; c < half; c++) {
            da[c] += g[c] * gelu_erf(b[c]);
            db[c] += g[c] * a[c] * gelu_erf_derivative(b[c]);
        }
    }
}
