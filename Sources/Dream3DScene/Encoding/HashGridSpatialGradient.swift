// HashGridSpatialGradient.swift — the exact spatial derivative of a linear read-out of the hash
// encoding, ∇ₓ Σ_d v_d·enc_d(x), for analytic normals (NeRFField). Inside a cell each level's features
// are trilinear in x, so the derivative is the same 8 corners with each weight's factor along the axis
// replaced by ±scale (HashGrid.c). It is linear in the table and in v, so its backward is a scatter of
// weight derivatives into the table and a product with the same Jacobian (kept from the forward) for v:
// no second-order terms.
import CIntrinsics
import Dream3DCore

extension HashGridEncoding {
    /// ∇ₓ (v · enc(x)) at each position [P, 3] (in [0, 1]³, as for `callAsFunction`) for read-out weights
    /// v [P, levels·2] → [P, 3], per unit of the normalised coordinate. Gradients reach the table and v,
    /// not the positions.
    public func spatialGradient(_ positions: Tensor, along v: Tensor) -> Tensor {
        let params = self.params, levels = self.levels
        let points = positions.shape[0], L = levels.count, width = 2 * L
        precondition(positions.shape == [points, 3] && v.shape == [points, width],
                     "spatial gradient of positions \(positions.shape) along \(v.shape): expected [P, 3] and [P, \(width)]")
        // Each thread takes whole levels and writes that level's partial sums; the levels are then added
        // in order, so the result does not depend on the thread count.
        // The Jacobians ([L][P][3][2]) are kept for the backward, which then reads no table entry.
        // v is read level-major (`levelMajor`), one level's pairs contiguous, as is dv in the backward.
        var perLevel = uninitializedStorage(L * points * 3), jacobians = uninitializedStorage(L * points * 6)
        let vPairs = levelMajor(v.scalars, points: points, levels: L)
        positions.scalars.withUnsafeBufferPointer { xyz in
            params.scalars.withUnsafeBufferPointer { table in
                vPairs.withUnsafeBufferPointer { v in
                    perLevel.withUnsafeMutableBufferPointer { out in
                        jacobians.withUnsafeMutableBufferPointer { jacobians in
                            let xyz = xyz.baseAddress!, table = table.baseAddress!, v = v.baseAddress!, out = out.baseAddress!
                            let jacobians = jacobians.baseAddress!
                            parallelFor(L) { l in
                                d3d_hash_grid_spatial_gradient(levels[l].kernelLevel, xyz, points, table + 2 * levels[l].offset,
                                                               v + l * points * 2, 2, jacobians + l * points * 6, out + l * points * 3)
                            }
                        }
                    }
                }
            }
        }
        var gradient = zeroedStorage(points * 3)
        perLevel.withUnsafeBufferPointer { src in
            gradient.withUnsafeMutableBufferPointer { dst in
                let src = src.baseAddress!, dst = dst.baseAddress!
                parallelChunks(3 * points, minChunk: 8192) { range in
                    for i in range { for l in 0..<L { dst[i] += src[l * points * 3 + i] } }
                }
            }
        }
        return Tensor.record(Tensor(shape: [points, 3], scalars: gradient), inputs: [params, v]) { y in
            let dy = y.gradScalars
            var dvPairs = zeroedStorage(L * points * 2)          // ∂/∂v, level-major; added into v's rows after
            positions.scalars.withUnsafeBufferPointer { xyz in
                jacobians.withUnsafeBufferPointer { jacobians in
                    vPairs.withUnsafeBufferPointer { vs in
                        dy.withUnsafeBufferPointer { dy in
                            params.withGradientBuffer { grad, isCurrent in
                                dvPairs.withUnsafeMutableBufferPointer { dv in
                                    let xyz = xyz.baseAddress!, jacobians = jacobians.baseAddress!, vs = vs.baseAddress!
                                    let dy = dy.baseAddress!, grad = grad.baseAddress!, dv = dv.baseAddress!
                                    parallelFor(L) { l in
                                        levels[l].zeroGradient(grad, unless: isCurrent)
                                        d3d_hash_grid_spatial_gradient_backward(levels[l].kernelLevel, xyz, points, jacobians + l * points * 6,
                                                                                vs + l * points * 2, 2, dy, dv + l * points * 2,
                                                                                grad + 2 * levels[l].offset)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if v.requiresGrad {
                let dv = rows(dvPairs, points: points, levels: L)
                dv.withUnsafeBufferPointer { dv in
                    let dv = dv.baseAddress!
                    v.addingIntoGradient(minChunk: 65536) { grad, range in for i in range { grad[i] += dv[i] } }
                }
            }
        }
    }
}
