// SafetensorsError.swift — everything a user's safetensors file can get wrong, as facts.
//
// Each case carries the file's path and what was found; `description` renders the problem and a
// `hint:` line with the next step (STYLE.md §5). The checks and their order follow the reference
// reader (huggingface/safetensors, safetensors/src/tensor.rs: read_metadata and validate), so a
// file we refuse is one the reference refuses too.

/// A safetensors file that cannot be read, or a tensor that cannot be loaded from it.
public enum SafetensorsError: Error, CustomStringConvertible {
    /// The file could not be opened or mapped (missing, a folder, no permission).
    case unreadable(path: String, reason: String)
    /// The file ends before the 8-byte header length or before the header it announces.
    case truncated(path: String, fileSize: Int, needed: Int)
    /// The header length is not plausible: under 2 bytes, or over the reference limit of 100 MB.
    case badHeaderLength(path: String, headerLength: UInt64, fileSize: Int)
    /// The header is not UTF-8, not a JSON object, or an entry lacks or mistypes a key.
    case badJSON(path: String, problem: String)
    /// A tensor's "dtype" is not one safetensors defines.
    case unknownDType(path: String, tensor: String, dtype: String)
    /// A tensor's byte range does not hold product(shape) elements of its dtype.
    case sizeMismatch(path: String, tensor: String, dtype: SafetensorsDType, shape: [Int], byteCount: Int)
    /// A tensor's byte range runs past the end of the file.
    case offsetsOutOfRange(path: String, tensor: String, offsets: [Int], dataSize: Int)
    /// A tensor does not begin where the previous one ends (a gap, an overlap, or end < begin).
    case offsetsNotContiguous(path: String, tensor: String, offsets: [Int], expectedBegin: Int)
    /// Bytes after the last tensor that no tensor claims.
    case unclaimedData(path: String, claimed: Int, dataSize: Int)
    /// The tensor's dtype is valid safetensors but does not load as Float32 (FP8, sub-byte, complex).
    case unsupportedDType(path: String, tensor: String, dtype: SafetensorsDType)
    /// No tensor of that name; `available` are the file's names, closest first.
    case missingTensor(path: String, name: String, available: [String])

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            """
            \(path): cannot read the file: \(reason)
            hint: check the path; a diffusers folder keeps weights in e.g. unet/diffusion_pytorch_model.safetensors
            """
        case let .truncated(path, fileSize, needed):
            """
            \(path): file is truncated: it has \(fileSize) bytes, its header needs at least \(needed)
            hint: the file is incomplete (an interrupted download or copy?): fetch it again
            """
        case let .badHeaderLength(path, headerLength, fileSize):
            """
            \(path): bad header length \(headerLength) (file size \(fileSize) bytes; a header needs 2 bytes \
            to 100 MB): this is probably not a safetensors file
            hint: safetensors files begin with an 8-byte little-endian header length; a PyTorch .bin or .ckpt \
            is a zip archive: convert it with safetensors.torch.save_file
            """
        case let .badJSON(path, problem):
            """
            \(path): bad JSON header: \(problem)
            hint: the header must be a JSON object mapping tensor names to {"dtype", "shape", "data_offsets"}, \
            plus an optional "__metadata__" of strings; save the file again with safetensors.torch.save_file
            """
        case let .unknownDType(path, tensor, dtype):
            """
            \(path): tensor "\(tensor)" has unknown dtype "\(dtype)"
            hint: safetensors defines \(SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")); \
            of these dream3d loads \(SafetensorsDType.loadableNames)
            """
        case let .sizeMismatch(path, tensor, dtype, shape, byteCount):
            """
            \(path): tensor "\(tensor)" has \(byteCount) bytes of data, but shape \(shape) of \(dtype.rawValue) \
            needs \(Self.expectedBytes(dtype, shape))
            hint: the header contradicts itself; save the file again with safetensors.torch.save_file
            """
        case let .offsetsOutOfRange(path, tensor, offsets, dataSize):
            """
            \(path): tensor "\(tensor)" has data_offsets \(offsets), past the \(dataSize) bytes of data the file holds
            hint: the file is probably truncated (an interrupted download or copy?): fetch it again
            """
        case let .offsetsNotContiguous(path, tensor, offsets, expectedBegin):
            """
            \(path): tensor "\(tensor)" has data_offsets \(offsets), but tensors must tile the data back to \
            back and this one should begin at \(expectedBegin) (overlap, gap or end before begin)
            hint: the header is corrupt; save the file again with safetensors.torch.save_file
            """
        case let .unclaimedData(path, claimed, dataSize):
            """
            \(path): the tensors cover \(claimed) bytes of data, but the file holds \(dataSize) after the header
            hint: bytes were appended, or the header is stale; save the file again with safetensors.torch.save_file
            """
        case let .unsupportedDType(path, tensor, dtype):
            """
            \(path): tensor "\(tensor)" has dtype \(dtype.rawValue), which dream3d does not load as Float32
            hint: supported are \(SafetensorsDType.loadableNames); convert it in PyTorch (tensor.float()) and save again
            """
        case let .missingTensor(path, name, available):
            """
            \(path): no tensor named "\(name)" (\(available.count) tensors\(available.isEmpty ? "" : ", closest: " +
                available.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ")))
            hint: check the name against the checkpoint's keys; they are the reference implementation's names, verbatim
            """
        }
    }

    /// Bytes that `shape` of `dtype` occupies, as text ("overflows" if it cannot be counted).
    private static func expectedBytes(_ dtype: SafetensorsDType, _ shape: [Int]) -> String {
        guard let bits = elementCount(shape)?.multipliedReportingOverflow(by: dtype.bitWidth),
              !bits.overflow else { return "more than fits in 64 bits" }
        return bits.partialValue % 8 == 0 ? "\(bits.partialValue / 8)" : "\(bits.partialValue) bits (not whole bytes)"
    }
}
