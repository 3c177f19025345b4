// ByteLevel.swift — GPT-2/CLIP's reversible byte ↔ printable-character table (bytes_to_unicode in OpenAI's
// CLIP simple_tokenizer.py and in the tokenizers crate's ByteLevel pre-tokenizer): the 188 printable
// Latin-1 bytes ('!'…'~', '¡'…'¬', '®'…'ÿ') map to themselves, the other 68 to U+0100 onwards in byte order.

/// byteToUnicode[b] is the character standing for byte b in BPE symbols.
let byteToUnicode: [Character] = {
    let printable = Array(33...126) + Array(161...172) + Array(174...255)
    var table = [Character](repeating: " ", count: 256)
    for b in printable { table[b] = Character(Unicode.Scalar(UInt8(b))) }
    var next = 256
    for b in 0..<256 where !printable.contains(b) {
        table[b] = Character(Unicode.Scalar(UInt32(next))!)
        next += 1
    }
    return table
}()
