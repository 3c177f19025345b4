// ShapeOps.swift — ops that move values without changing them: reshape, permute/transpose, slice,
// concat and split. Their backward moves the gradient back the same way.

extension Tensor {
    /// The same values in a new shape; one extent may be -1 (inferred). Shares storage until written.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            resolved[unknown] = count / known
        }
        precondition(resolved.reduce(1, *) == count, "cannot reshape \(shape) (\(count) values) to \(newShape)")
        let x = self
        return Tensor.record(Tensor(shape: resolved, scalars: scalars), inputs: [x]) { y in
            let dy = y.gradScalars
            x.gradScalars.withUnsafeMutableBufferPointer { dx in
                for i in 0..<dy.count { dx[i] += dy[i] }
            }
        }
    }

    /// Reorders axes: output axis i is input axis `order[i]` (torch.permute).
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "permutation \(order) of a rank-\(rank) tensor")
        let outShape = order.map { shape[$0] }
        let inStrides = contiguousStrides(shape)
        // Reading the input at strides permuted like its axes walks it in output order.
        let loop = StridedLoop(shape: outShape, strides: [order.map { inStrides[$0] }])
        var out = uninitializedStorage(count)                // the loop visits every output position once
        scalars.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in loop.forEach1 { i, a in y[i] = x[a] } }
        }
        let x = self
        return Tensor.record(Tensor(shape: outShape, scalars: out), inputs: [x]) { y in
            let dy = y.gradScalars
            x.gradScalars.withUnsafeMutableBufferPointer { dx in loop.forEach1 { i, a in dx[a] += dy[i] } }
        }
    }

    /// Swaps two axes (torch.transpose).
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var order = Array(0..<rank)
        order.swapAt(normalizedAxis(a), normalizedAxis(b))
        return permuted(order)
    }

    /// The elements whose index along `axis` lies in `range` (torch.narrow).
    public func sliced(axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = normalizedAxis(axis)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "slice \(range) out of bounds for axis \(axis) of extent \(shape[axis])")
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        outShape[axis] = range.count
        let block = range.count * inner, rowIn = shape[axis] * inner, start = range.lowerBound * inner
        var out = uninitializedStorage(outer * block)         // every (o, j) written below
        scalars.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                for o in 0..<outer { for j in 0..<block { y[o * block + j] = x[o * rowIn + start + j] } }
            }
        }
        let x = self
        return Tensor.record(Tensor(shape: outShape, scalars: out), inputs: [x]) { y in
            let dy = y.gradScalars
            x.gradScalars.withUnsafeMutableBufferPointer { dx in
                for o in 0..<outer { for j in 0..<block { dx[o * rowIn + start + j] += dy[o * block + j] } }
            }
        }
    }

    /// Splits along `axis` into consecutive pieces of the given extents (torch.split).
    public func split(axis: Int, sizes: [Int]) -> [Tensor] {
        precondition(sizes.reduce(0, +) == shape[normalizedAxis(axis)], "split sizes \(sizes) along axis \(axis) of \(shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return sliced(axis: axis, start..<(start + size))
        }
    }

    /// Joins tensors along `axis`; all other extents must agree (torch.cat).
    public static func concatenate(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate of no tensors")
        let first = tensors[0], axis = first.normalizedAxis(axis)
        for t in tensors {
            precondition(t.rank == first.rank && t.shape.indices.allSatisfy { $0 == axis || t.shape[$0] == first.shape[$0] },
                         "cannot concatenate \(t.shape) with \(first.shape) along axis \(axis)")
        }
        let outer = first.shape[..<axis].reduce(1, *), inner = first.shape[(axis + 1)...].reduce(1, *)
        var outShape = first.shape
        outShape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
        let rowOut = outShape[axis] * inner
        var out = uninitializedStorage(outer * rowOut)        // the pieces tile every row
        var starts: [Int] = []
        var start = 0
        for t in tensors {
            starts.append(start)
            let block = t.shape[axis] * inner
            t.scalars.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { y in
                    for o in 0..<outer { for j in 0..<block { y[o * rowOut + start + j] = x[o * block + j] } }
                }
            }
            start += block
        }
        return record(Tensor(shape: outShape, scalars: out), inputs: tensors) { y in
            let dy = y.gradScalars
            for (t, start) in zip(tensors, starts) where t.requiresGrad {
                let block = t.shape[axis] * inner
                t.gradScalars.withUnsafeMutableBufferPointer { dx in
                    for o in 0..<outer { for j in 0..<block { dx[o * block + j] += dy[o * rowOut + start + j] } }
                }
            }
        }
    }
}
