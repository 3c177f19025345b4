// NormalizationStatistics.c — see include/NormalizationStatistics.h. Vector types (8 doubles: one
// AVX-512 register, two AVX2 ones, four SSE ones) so every copy runs the same lanes in the same order.
#include "NormalizationStatistics.h"
#include "FastExp.h"

#pragma clang fp contract(off)

typedef float v8f __attribute__((vector_size(32), aligned(4)));
typedef double v8d __attribute__((vector_size(64)));

/// The eight lanes of a partial sum added pairwise: (0+4, 1+5, 2+6, 3+7), then (0+2, 1+3), then 0+1.
#define PAIRWISE(s) ((((s)[0] + (s)[4]) + ((s)[2] + (s)[6])) + (((s)[1] + (s)[5]) + ((s)[3] + (s)[7])))

D3D_VECTOR_CLONES
void d3d_mean_inverse_std(const float *x, long count, float eps, float *mean, float *inverseStd) {
    long whole = count - count % 8;
    v8d lanes = { 0 };
    for (long i = 0; i < whole; i += 8) lanes += __builtin_convertvector(*(const v8f *)(x + i), v8d);
    double sum = PAIRWISE(lanes);
    for (long i = whole; i < count; i++) sum += x[i];
    double mu = sum / (double)count;
    v8d squares = { 0 };
    for (long i = 0; i < whole; i += 8) {
        v8d d = __builtin_convertvector(*(const v8f *)(x + i), v8d) - mu;
        squares += d * d;
    }
    double total = PAIRWISE(squares);
    for (long i = whole; i < count; i++) total += (x[i] - mu) * (x[i] - mu);
    *mean = (float)mu;
    *inverseStd = (float)(1 / __builtin_sqrt(total / (double)count + (double)eps));
}
