// Activations.h — elementwise activations as vector kernels (SiLU in every U-Net ResnetBlock2D,
// exact-erf GELU in every GEGLU feed-forward, ReLU in the NeRF field's MLPs): Swift on Linux x86-64 compiles for
// SSE2, and calls libm's erff once per element; these run 16 lanes wide on AVX-512. Forward kernels
// write y; backward kernels add dy·f′(x) into dx, as every backward does.
#pragma once

/// y = x·σ(x) (torch.nn.functional.silu).
void d3d_silu(const float *x, float *y, long count);
/// dx += dy·σ(x)(1 + x(1 − σ(x))).
void d3d_silu_backward(const float *x, const float *dy, float *dx, long count);

/// y = max(x, 0).
void d3d_relu(const float *x, float *y, long count);
/// dx += dy where x > 0.
void d3d_relu_backward(const float *x, const float *dy, float *dx, long count);
/// sums[k] += Σ_r mask[r·width + first + k]·dy[r·width + first + k] for k < count, each sum taken in row order
/// (lanes are columns, so the vector and scalar paths give the same bits): the backward of a ReLU mask
/// applied to one row shared by every row (VanillaMLP's input gradient).
void d3d_masked_column_sums(const float *mask, const float *dy, long rows, long width, long first, long count, float *sums);

/// y = x·Φ(x) = 0.5x(1 + erf(x/√2)) (torch.nn.functional.gelu, approximate="none").
void d3d_gelu_erf(const float *x, float *y, long count);
/// dx += dy·(Φ(x) + x·φ(x)).
void d3d_gelu_erf_backward(const float *x, const float *dy, float *dx, long count);

/// GEGLU's gate over rows of h [rows, 2·half]: y[r, c] = h[r, c]·GELU(h[r, half + c]) (diffusers GEGLU,
/// exact-erf GELU), one pass instead of two slices, a GELU and a product.
void d3d_geglu(const float *h, float *y, long rows, long half);
/// dh[r, c] += dy[r, c]·GELU(b), dh[r, half + c] += dy[r, c]·a·GELU′(b), with a = h[r, c], b = h[r, half + c].
void d3d_geglu_backward(const float *h, const float *dy, float *dh, long rows, long half);
