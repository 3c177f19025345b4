// Embedding.swift — row lookup in a table (torch.nn.functional.embedding): token and position
// embeddings of the text encoders. Backward scatters into the looked-up rows, in index order.

extension Tensor {
    /// Rows `ids` of table [V, D] → [ids.count, D] (reshape for batched ids).
    public static func embedding(_ ids: [Int], table: Tensor) -> Tensor {
        precondition(table.rank == 2, "embedding table must be [vocabulary, dim], got \(table.shape)")
        let v = table.shape[0], d = table.shape[1]
        var out = zeroedStorage(ids.count * d)
        for (row, id) in ids.enumerated() {
            precondition(id >= 0 && id < v, "token id \(id) outside a vocabulary of \(v)")
            for j in 0..<d { out[row * d + j] = table.scalars[id * d + j] }
        }
        return record(Tensor(shape: [ids.count, d], scalars: out), inputs: [table]) { y in
            let dy = y.gradScalars
            table.gradScalars.withUnsafeMutableBufferPointer { dt in
                for (row, id) in ids.enumerated() { for j in 0..<d { dt[id * d + j] += dy[row * d + j] } }
            }
        }
    }
}
