// ImageError.swift — what a user's image file can get wrong, as facts (STYLE.md §5).
import Foundation   // String(format:)

/// An image file that cannot be read.
public enum ImageError: Error, CustomStringConvertible {
    /// The file could not be read (missing, a folder, no permission).
    case unreadable(path: String, reason: String)
    /// The file does not start with the 8-byte PNG signature; `firstBytes` are what it starts with.
    case notPNG(path: String, firstBytes: [UInt8])
    /// The file is a PNG that libpng could not decode; `reason` is libpng's message.
    case corrupt(path: String, reason: String)
    /// The image has more pixels than dream3d reads (`PNGLimits.maxPixels`).
    case tooLarge(path: String, width: Int, height: Int)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            """
            \(path): cannot read the image: \(reason)
            hint: check the path and that the file exists
            """
        case let .notPNG(path, firstBytes):
            """
            \(path): not a PNG file (it begins \(firstBytes.map { String(format: "%02x", $0) }.joined(separator: " ")), \
            a PNG begins 89 50 4e 47 0d 0a 1a 0a)
            hint: dream3d reads PNG only; convert the image, e.g. `convert in.jpg out.png` (ImageMagick)
            """
        case let .corrupt(path, reason):
            """
            \(path): the PNG could not be decoded: \(reason)
            hint: the file is damaged or incomplete; export or download it again
            """
        case let .tooLarge(path, width, height):
            """
            \(path): the image is \(width)×\(height) pixels, more than the \(PNGLimits.maxPixels) dream3d reads
            hint: downscale it first; dream3d renders and previews at a few hundred pixels a side
            """
        }
    }
}
