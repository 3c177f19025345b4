// CGLM.h — camera math for dream3d, a C API over GLM 0.9.9 (header-only, /usr/include/glm).
//
// Matrices are float[16] in column-major order, as in OpenGL and GLM: element (row r, column c) is
// m[4*c + r], so a translation sits in m[12], m[13], m[14]. Conventions are OpenGL's and NeRF's
// (nerfstudio, instant-ngp after their flip): right-handed, the camera looks down its −z axis with +y
// up, and clip-space depth runs −1 (near) … +1 (far). The functions pin these conventions by calling
// GLM's explicit variants (lookAtRH, perspectiveRH_NO), whatever GLM_FORCE_* macros say.
// Every pointer must be valid; outputs may not alias inputs unless stated.
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

/// World-to-camera (view) matrix of a camera at `eye` looking at `target`, `up` roughly up (gluLookAt).
/// The camera's +x is right, +y up, and it looks down −z. `up` must not be parallel to target − eye.
void d3d_look_at(const float eye[_Nonnull 3], const float target[_Nonnull 3], const float up[_Nonnull 3],
                 float out[_Nonnull 16]);

/// OpenGL perspective projection (gluPerspective): vertical field of view `fovy` in radians,
/// `aspect` = width / height, clip planes 0 < near < far. Maps view-space z = −near to NDC z = −1 and
/// z = −far to +1 after the divide by w = −z.
void d3d_perspective(float fovy, float aspect, float near, float far, float out[_Nonnull 16]);

/// Rotation by `angle` radians about `axis` (any non-zero length; normalised here), counter-clockwise
/// when the axis points at the viewer (right-hand rule).
void d3d_rotation(float angle, const float axis[_Nonnull 3], float out[_Nonnull 16]);

/// out = a · b (apply b first, then a). `out` may alias `a` or `b`.
void d3d_multiply(const float a[_Nonnull 16], const float b[_Nonnull 16], float out[_Nonnull 16]);

/// Inverse of `m` (e.g. camera-to-world from a view matrix). Returns 0 and leaves `out` untouched if
/// `m` is singular (|det| below 1e-12 × the size of its entries), else 1. `out` may alias `m`.
int d3d_inverse(const float m[_Nonnull 16], float out[_Nonnull 16]);

/// The point `p` (w = 1) transformed by `m`, divided by the resulting w (projective: for an affine
/// `m`, w stays 1; for a projection, `out` is in NDC). `out` may alias `p`.
void d3d_transform_point(const float m[_Nonnull 16], const float p[_Nonnull 3], float out[_Nonnull 3]);

/// The direction `d` (w = 0) transformed by `m`: rotation and scale apply, translation does not.
/// `out` may alias `d`.
void d3d_transform_direction(const float m[_Nonnull 16], const float d[_Nonnull 3], float out[_Nonnull 3]);

#ifdef __cplusplus
}
#endif
