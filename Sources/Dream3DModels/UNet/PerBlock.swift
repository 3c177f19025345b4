// PerBlock.swift — a config value diffusers writes either once for all blocks (`2`) or per block
// (`[2, 2, 2, 2]`): layers_per_block, attention_head_dim, transformer_layers_per_block.

public enum PerBlock<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    case all(Value), each([Value])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Value.self) { self = .all(value) } else { self = .each(try container.decode([Value].self)) }
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .all(v): try container.encode(v)
        case let .each(v): try container.encode(v)
        }
    }
    /// The value for each of `count` blocks; nil if a per-block list has the wrong length.
    public func values(count: Int) -> [Value]? {
        switch self {
        case let .all(v): return Array(repeating: v, count: count)
        case let .each(v): return v.count == count ? v : nil
        }
    }
}
