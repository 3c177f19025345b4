// CameraMath.cpp — the C API of CGLM.h, each function one GLM call. GLM matrices are column-major,
// the same layout as our float[16], so value_ptr / make_mat4 copy without transposing.
#include "CGLM.h"

#include <cmath>
#include <cstring>

#include <glm/glm.hpp>
#include <glm/ext/matrix_clip_space.hpp>
#include <glm/ext/matrix_transform.hpp>
#include <glm/gtc/type_ptr.hpp>

namespace {
glm::vec3 vec3(const float v[3]) { return glm::vec3(v[0], v[1], v[2]); }
void store(const glm::mat4 &m, float out[16]) { std::memcpy(out, glm::value_ptr(m), 16 * sizeof(float)); }
void store(const glm::vec3 &v, float out[3]) { out[0] = v.x; out[1] = v.y; out[2] = v.z; }
}  // namespace

extern "C" {

void d3d_look_at(const float eye[3], const float target[3], const float up[3], float out[16]) {
    store(glm::lookAtRH(vec3(eye), vec3(target), vec3(up)), out);
}

void d3d_perspective(float fovy, float aspect, float near, float far, float out[16]) {
    store(glm::perspectiveRH_NO(fovy, aspect, near, far), out);
}

void d3d_rotation(float angle, const float axis[3], float out[16]) {
    store(glm::rotate(glm::mat4(1.0f), angle, vec3(axis)), out);    // glm::rotate normalises the axis
}

void d3d_multiply(const float a[16], const float b[16], float out[16]) {
    store(glm::make_mat4(a) * glm::make_mat4(b), out);              // both read before out is written
}

int d3d_inverse(const float m[16], float out[16]) {
    // glm::inverse divides by the determinant without checking it; a singular camera matrix would
    // come back as inf/NaN and poison every ray. The threshold scales with the entries' size, since
    // det scales with the 4th power of a uniform scale.
    glm::mat4 a = glm::make_mat4(m);
    float scale = 0;
    for (int i = 0; i < 16; ++i) scale = std::fmax(scale, std::fabs(m[i]));
    float det = glm::determinant(a);
    if (!(std::fabs(det) > 1e-12f * scale * scale * scale * scale)) return 0;   // also catches NaN
    store(glm::inverse(a), out);
    return 1;
}

void d3d_transform_point(const float m[16], const float p[3], float out[3]) {
    glm::vec4 q = glm::make_mat4(m) * glm::vec4(vec3(p), 1.0f);
    store(glm::vec3(q) / q.w, out);
}

void d3d_transform_direction(const float m[16], const float d[3], float out[3]) {
    store(glm::vec3(glm::make_mat4(m) * glm::vec4(vec3(d), 0.0f)), out);
}

}  // extern "C"
