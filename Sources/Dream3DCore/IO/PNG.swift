// PNG.swift — 8-bit RGB and RGBA PNG files to and from [C, H, W] Float32 tensors in [0, 1].
//
// Uses libpng's simplified API (png.h, "Simplified API" section; libpng ≥ 1.6.22 for write-to-memory):
// it decodes every PNG colour type and bit depth into the 8-bit format we ask for, so grey becomes
// RGB, grey+alpha and palettes with transparency become RGBA, and 16-bit samples drop to 8 bits.
// Values are the file's sRGB-encoded samples divided by 255, as torchvision's `to_tensor` gives;
// alpha is straight (not premultiplied). The tensor is channel-major like PyTorch (NCHW, DESIGN.md §3).
import CPNG
import Foundation

/// Bounds on what `readPNG` accepts.
public enum PNGLimits {
    /// Largest image read, in pixels (2^28: 1 GiB as RGBA floats). libpng itself allows a million
    /// pixels a side, which a crafted header could use to ask for terabytes.
    public static let maxPixels = 1 << 28
}

/// The PNG at `url` as a [C, H, W] tensor in [0, 1]: C = 4 if the file has alpha (an alpha channel
/// or a transparent palette entry), else 3.
public func readPNG(_ url: URL) throws(ImageError) -> Tensor {
    let path = url.path
    let file: MappedFile
    do { file = try MappedFile(path: path) } catch { throw .unreadable(path: path, reason: error.reason) }
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard file.bytes.starts(with: signature) else { throw .notPNG(path: path, firstBytes: Array(file.bytes.prefix(8))) }

    defer { withExtendedLifetime(file) {} }               // libpng reads the mapping until finish_read

    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    defer { png_image_free(&image) }                      // no-op once finish_read has cleaned up
    let began = png_image_begin_read_from_memory(&image, file.bytes.baseAddress, file.bytes.count)
    guard began != 0 else { throw .corrupt(path: path, reason: message(of: &image)) }

    let width = Int(image.width), height = Int(image.height)
    guard width * height <= PNGLimits.maxPixels else { throw .tooLarge(path: path, width: width, height: height) }
    let channels = image.format & PNG_FORMAT_FLAG_ALPHA != 0 ? 4 : 3
    image.format = pngFormat(channels: channels)
    image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)      // 16-bit files without gAMA are sRGB in practice
    var pixels = [UInt8](repeating: 0, count: width * height * channels)
    let finished = pixels.withUnsafeMutableBytes {
        png_image_finish_read(&image, nil, $0.baseAddress, Int32(width * channels), nil)
    }
    guard finished != 0 else { throw .corrupt(path: path, reason: message(of: &image)) }

    // Interleaved HWC bytes → planar CHW floats.
    let plane = width * height
    var scalars = [Float](repeating: 0, count: channels * plane)
    for p in 0..<plane {
        for c in 0..<channels { scalars[c * plane + p] = Float(pixels[p * channels + c]) / 255 }
    }
    return Tensor(shape: [channels, height, width], scalars: scalars)
}

/// Writes a [3 or 4, H, W] tensor as an 8-bit RGB or RGBA PNG, atomically (AtomicWrite.swift).
/// Values are clamped to [0, 1] and rounded to k/255 (NaN writes 0), so k/255 round-trips exactly.
/// Precondition (images come from our own renderers, so a wrong shape is our bug): the shape is
/// [3 or 4, H, W] with H, W ≥ 1.
public func writePNG(_ image: Tensor, to url: URL) throws(FileWriteError) {
    try writeAtomically(pngBytes(image), to: url)
}

/// The PNG file `writePNG` writes, as bytes.
func pngBytes(_ tensor: Tensor) -> Data {
    precondition(tensor.rank == 3 && (tensor.shape[0] == 3 || tensor.shape[0] == 4) && tensor.shape[1] > 0
                 && tensor.shape[2] > 0, "writePNG needs a [3 or 4, H, W] image, got shape \(tensor.shape)")
    let channels = tensor.shape[0], height = tensor.shape[1], width = tensor.shape[2]
    let plane = width * height
    var pixels = [UInt8](repeating: 0, count: channels * plane)
    tensor.scalars.withUnsafeBufferPointer { s in
        for p in 0..<plane {
            for c in 0..<channels {
                let v = s[c * plane + p]
                pixels[p * channels + c] = v.isNaN ? 0 : UInt8((min(max(v, 0), 1) * 255).rounded())
            }
        }
    }

    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    image.width = UInt32(width)
    image.height = UInt32(height)
    image.format = pngFormat(channels: channels)
    let stride = Int32(width * channels)
    // First call measures, second writes (png.h: png_image_write_get_memory_size).
    var size: png_alloc_size_t = 0
    let measured = pixels.withUnsafeBytes { png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, stride, nil) }
    precondition(measured != 0, "libpng could not encode a \(width)×\(height) image: \(message(of: &image))")
    var encoded = Data(count: Int(size))
    let written = encoded.withUnsafeMutableBytes { out in
        pixels.withUnsafeBytes { png_image_write_to_memory(&image, out.baseAddress, &size, 0, $0.baseAddress, stride, nil) }
    }
    precondition(written != 0, "libpng could not encode a \(width)×\(height) image: \(message(of: &image))")
    return encoded.prefix(Int(size))
}

/// PNG_FORMAT_RGB or PNG_FORMAT_RGBA (composite macros, which Swift does not import).
private func pngFormat(channels: Int) -> UInt32 {
    channels == 4 ? PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA : PNG_FORMAT_FLAG_COLOR
}

/// libpng's error text, kept in the png_image's fixed 64-byte message field.
private func message(of image: inout png_image) -> String {
    withUnsafeBytes(of: &image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
}
