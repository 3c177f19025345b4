// FusedAttention.swift — softmax(q·kᵀ·scale [+ causal mask])·v without materialising the [Lq, Lk] score
// matrix of every head at once: queries are taken a block of rows at a time (FlashAttention's tiling, Dao
// et al. 2022, one pass over the keys since a whole row of scores fits in cache here), so a U-Net's 4096-token
// self-attention needs a ~1 MB scratch instead of 64 MB per head, and the exponentials vectorise (CIntrinsics/SoftmaxRow.c).
// The two products of a block run in CIntrinsics/AttentionBlock.c rather than OpenBLAS: with 16-channel
// heads a GEMM spent a third of its time packing operands (measured on one 4096-token head, one core:
// 26.5 ms through OpenBLAS, 14.1 ms with these kernels, keys packed once per call, and the fused
// multiply-add exponential).
// Backward recomputes each block's probabilities from the rows' log-sum-exp (FlashAttention's backward):
//   dV += Pᵀ·dO,  dP = dO·vᵀ,  dS = P ∘ (dP − rowsum(dO ∘ O)),  dQ += scale·dS·k,  dK += scale·dSᵀ·q.
// Same result as `scaledDotProductAttention` (Attention.swift) up to rounding; that op stays the reference.
import CIntrinsics
import Foundation

/// In place over row[0..<count]: row[j] = exp(row[j] − shift); returns the sum. The C kernel
/// (CIntrinsics/SoftmaxRow.c) runs 16 lanes wide on AVX-512 where Swift's SSE2 baseline runs 4.
@inline(__always)
func expShiftedSum(_ row: UnsafeMutablePointer<Float>, _ count: Int, shift: Float) -> Float {
    d3d_exp_shifted_sum(row, count, shift)
}

/// max(row[0..<count]); −∞ for an empty row (CIntrinsics/SoftmaxRow.c).
@inline(__always)
func rowMaximum(_ row: UnsafePointer<Float>, _ count: Int) -> Float { d3d_row_maximum(row, count) }

/// Geometry of one fused attention call.
private struct AttentionShape {
    let heads, lq, lk, d, dv: Int
    let scale: Float, causal: Bool
    /// Most floats a block of scores may hold (tests lower it to force several blocks).
    var blockBudget = 1 << 18
    /// Query rows per block: a block's scores stay within ~1 MB.
    var blockRows: Int { max(1, min(lq, blockBudget / max(1, lk))) }
    /// Keys query row i may see: all, or 0...i + (lk − lq) when causal.
    func visibleKeys(_ i: Int) -> Int { causal ? min(lk, i + (lk - lq) + 1) : lk }
}

extension Tensor {
    /// q [..., Lq, d], k [..., Lk, d], v [..., Lk, dv] → [..., Lq, dv]: softmax(q·kᵀ·scale)·v with
    /// scale = 1/√d by default; `causal` lets query i see keys 0...i + (Lk − Lq). Leading axes must agree.
    public static func fusedAttention(query q: Tensor, key k: Tensor, value v: Tensor, causal: Bool = false, scale: Float? = nil) -> Tensor {
        fusedAttention(query: q, key: k, value: v, causal: causal, scale: scale, blockBudget: 1 << 18)
    }

    /// `fusedAttention` with the score block limited to `blockBudget` floats.
    static func fusedAttention(query q: Tensor, key k: Tensor, value v: Tensor, causal: Bool, scale: Float?, blockBudget: Int) -> Tensor {
        let d = q.shape.last!, lq = q.shape[q.rank - 2], lk = k.shape[k.rank - 2], dv = v.shape.last!
        precondition(q.rank >= 2 && k.shape.last == d && k.shape.dropLast(2) == q.shape.dropLast(2) && v.shape.dropLast(1) == k.shape.dropLast(1),
                     "attention: query \(q.shape), key \(k.shape), value \(v.shape) do not fit")
        precondition(!causal || lk >= lq, "causal attention needs at least as many keys as queries")
        let g = AttentionShape(heads: q.count / max(1, lq * d), lq: lq, lk: lk, d: d, dv: dv,
                               scale: scale ?? 1 / Float(d).squareRoot(), causal: causal, blockBudget: blockBudget)
        // Every block writes all its rows of both (the values kernel assigns), so neither needs a zero fill.
        var out = uninitializedStorage(g.heads * lq * dv)
        // Each row's maximum and sum of exponentials, for backward's log-sum-exp (a log per row is work
        // a forward without a tape should not pay: 1% of a U-Net forward's samples in logf).
        var rowStatistics = uninitializedStorage(2 * g.heads * lq)
        let keys = packedKeys(k, g), perHead = d3d_attention_packed_keys_count(lk, d)
        let rows = g.blockRows, blocks = (lq + rows - 1) / rows
        // Blocks are independent: one per core. Every block writes its own rows: deterministic.
        q.scalars.withUnsafeBufferPointer { qb in keys.withUnsafeBufferPointer { ktb in v.scalars.withUnsafeBufferPointer { vb in
        out.withUnsafeMutableBufferPointer { ob in rowStatistics.withUnsafeMutableBufferPointer { sb in
            let statistics = sb.baseAddress!, o = ob.baseAddress!
            parallelFor(g.heads * blocks) { item in
                let h = item / blocks, start = (item % blocks) * rows, m = min(rows, lq - start)
                let qh = qb.baseAddress! + h * lq * d, kth = ktb.baseAddress! + h * perHead, vh = vb.baseAddress! + h * lk * dv
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: m * lk + 2 * m)
                defer { scratch.deallocate() }
                let tops = scratch + m * lk, totals = tops + m
                d3d_attention_scores(qh + start * d, kth, m, lk, d, g.scale, scratch, tops)
                for r in 0..<m {
                    let row = scratch + r * lk, visible = g.visibleKeys(start + r)
                    let top = visible == lk ? tops[r] : rowMaximum(row, visible)
                    totals[r] = expShiftedSum(row, visible, shift: top)
                    for j in visible..<lk { row[j] = 0 }
                    statistics[2 * (h * lq + start + r)] = top
                    statistics[2 * (h * lq + start + r) + 1] = totals[r]
                }
                let oh = o + (h * lq + start) * dv
                d3d_attention_values(scratch, vh, m, lk, dv, oh)      // unnormalised, then rows ÷ their sums
                for r in 0..<m {
                    let inverse = 1 / totals[r]
                    for c in 0..<dv { oh[r * dv + c] *= inverse }
                }
            }
        } } } } }
        let outShape = Array(q.shape.dropLast()) + [dv]
        return record(Tensor(shape: outShape, scalars: out), inputs: [q, k, v]) { y in
            fusedAttentionBackward(g, q, k, v, y, rowStatistics)
        }
    }
}

/// Every head's keys packed for the scores kernel (CIntrinsics/AttentionBlock.h), one head per core.
private func packedKeys(_ k: Tensor, _ g: AttentionShape) -> [Float] {
    let perHead = d3d_attention_packed_keys_count(g.lk, g.d)
    return storage(g.heads * perHead) { out in
        k.scalars.withUnsafeBufferPointer { kb in
            guard let kb = kb.baseAddress, let ob = out.baseAddress else { return }
            parallelFor(g.heads) { h in d3d_attention_pack_keys(kb + h * g.lk * g.d, g.lk, g.d, ob + h * perHead) }
        }
    }
}

/// `rowStatistics` holds each query row's score maximum and sum of exponentials, interleaved.
private func fusedAttentionBackward(_ g: AttentionShape, _ q: Tensor, _ k: Tensor, _ v: Tensor, _ y: Tensor, _ rowStatistics: [Float]) {
    let (lq, lk, d, dv) = (g.lq, g.lk, g.d, g.dv), rows = g.blockRows
    var dq = [Float](repeating: 0, count: q.count), dk = [Float](repeating: 0, count: k.count), dvs = [Float](repeating: 0, count: v.count)
    let dy = y.gradScalars, keys = packedKeys(k, g), perHead = d3d_attention_packed_keys_count(lk, d)
    // One head per core (dK and dV sum over a head's query blocks), unsplit GEMMs as in forward.
    q.scalars.withUnsafeBufferPointer { qb in k.scalars.withUnsafeBufferPointer { kb in v.scalars.withUnsafeBufferPointer { vb in
    keys.withUnsafeBufferPointer { ktb in y.scalars.withUnsafeBufferPointer { ob in dy.withUnsafeBufferPointer { dob in
    dq.withUnsafeMutableBufferPointer { dqb in dk.withUnsafeMutableBufferPointer { dkb in dvs.withUnsafeMutableBufferPointer { dvb in
        parallelFor(g.heads) { h in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: 2 * rows * lk + rows), dp = p + rows * lk, tops = dp + rows * lk
            defer { p.deallocate() }
            let qh = qb.baseAddress! + h * lq * d, kh = kb.baseAddress! + h * lk * d, vh = vb.baseAddress! + h * lk * dv
            let kth = ktb.baseAddress! + h * perHead
            let oh = ob.baseAddress! + h * lq * dv, doh = dob.baseAddress! + h * lq * dv
            for start in stride(from: 0, to: lq, by: rows) {
                let m = min(rows, lq - start)
                d3d_attention_scores(qh + start * d, kth, m, lk, d, g.scale, p, tops)                               // scores, as forward
                gemm(transposeB: true, m: m, n: lk, k: dv, doh + start * dv, vh, dp, split: false)                      // dP = dO·vᵀ
                for r in 0..<m {
                    let i = start + r, row = p + r * lk, drow = dp + r * lk, visible = g.visibleKeys(i)
                    var delta: Float = 0                                                                  // rowsum(dO ∘ O)
                    for c in 0..<dv { delta += doh[i * dv + c] * oh[i * dv + c] }
                    let top = rowStatistics[2 * (h * lq + i)], total = rowStatistics[2 * (h * lq + i) + 1]
                    _ = expShiftedSum(row, visible, shift: top + Foundation.log(total))                   // P
                    for j in visible..<lk { row[j] = 0 }
                    for j in 0..<lk { drow[j] = row[j] * (drow[j] - delta) }                              // dS
                }
                gemm(transposeA: true, m: lk, n: dv, k: m, p, doh + start * dv, beta: 1, dvb.baseAddress! + h * lk * dv, split: false)
                gemm(m: m, n: d, k: lk, alpha: g.scale, dp, kh, beta: 1, dqb.baseAddress! + (h * lq + start) * d, split: false)
                gemm(transposeA: true, m: lk, n: d, k: m, alpha: g.scale, dp, qh + start * d, beta: 1, dkb.baseAddress! + h * lk * d, split: false)
            }
        }
    } } } } } } } } }
    for (t, grad) in [(q, dq), (k, dk), (v, dvs)] where t.requiresGrad {
        t.gradScalars.withUnsafeMutableBufferPointer { g in for i in 0..<grad.count { g[i] += grad[i] } }
    }
}
