// PNGTests.swift — PNG files to and from [C, H, W] tensors: exact round trips of 8-bit values, clamping
// and rounding, a greyscale file made outside libpng, and the errors a user's file can cause.
import Foundation
import Testing
@testable import Dream3DCore

@Suite struct PNGTests {
    /// A [channels, height, width] image of values k/255 with k drawn at random.
    func randomImage(channels: Int, height: Int, width: Int) -> Tensor {
        var rng = SeededGenerator(seed: 1)
        let count = channels * height * width
        return Tensor(shape: [channels, height, width], scalars: (0..<count).map { _ in Float(UInt8.random(in: 0...255, using: &rng)) / 255 })
    }

    @Test(arguments: [3, 4])
    func roundTripIsExactForEightBitValues(channels: Int) throws {
        // Non-square, so a swapped height and width would show; 7 × 5 pixels.
        let image = randomImage(channels: channels, height: 5, width: 7)
        try withTemporaryDirectory { folder in
            let url = folder.appendingPathComponent("image.png")
            try writePNG(image, to: url)
            #expect(try Data(contentsOf: url).starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            let back = try readPNG(url)
            #expect(back.shape == [channels, 5, 7])
            #expect(back.scalars == image.scalars)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["image.png"])   // no temporaries
        }
    }

    @Test func writingClampsAndRounds() throws {
        // −0.5 → 0; 1.7 → 255; 0.5 → 127.5 rounds half away from zero to 128; 0.2 → 51 exactly; NaN → 0.
        let image = Tensor(shape: [3, 1, 2], scalars: [-0.5, 1.7, 0.5, 0.2, .nan, 1])
        try withTemporaryDirectory { folder in
            let url = folder.appendingPathComponent("clamped.png")
            try writePNG(image, to: url)
            #expect(try readPNG(url).scalars == [0, 1, 128.0 / 255, 51.0 / 255, 0, 1])
        }
    }

    @Test func greyscaleFileReadsAsRGB() throws {
        // A 2×1 8-bit greyscale PNG (colour type 0), samples 0x40 and 0xC0, built without libpng by:
        //   python3 -c "import zlib,struct; c=lambda t,d: struct.pack('>I',len(d))+t+d+struct.pack('>I',zlib.crc32(t+d)&0xffffffff);
        //   print((b'\x89PNG\r\n\x1a\n'+c(b'IHDR',struct.pack('>IIBBBBB',2,1,8,0,0,0,0))+c(b'IDAT',zlib.compress(b'\x00\x40\xc0'))+c(b'IEND',b'')).hex())"
        let hex = "89504e470d0a1a0a0000000d4948445200000002000000010800000000d14920560000000b49444154789c6370380000014301010511777c0000000049454e44ae426082"
        let bytes = stride(from: 0, to: hex.count, by: 2).map { i -> UInt8 in
            UInt8(hex[hex.index(hex.startIndex, offsetBy: i)..<hex.index(hex.startIndex, offsetBy: i + 2)], radix: 16)!
        }
        try withTemporaryDirectory { folder in
            let url = folder.appendingPathComponent("grey.png")
            try Data(bytes).write(to: url)
            let image = try readPNG(url)
            #expect(image.shape == [3, 1, 2])
            #expect(image.scalars == [64, 192, 64, 192, 64, 192].map { Float($0) / 255 })
        }
    }

    @Test func fileThatIsNotPNG() throws {
        try withTemporaryDirectory { folder in
            let url = folder.appendingPathComponent("notes.png")
            try Data("hello, world".utf8).write(to: url)
            do throws(ImageError) {
                _ = try readPNG(url)
                Issue.record("read a text file as PNG")
            } catch {
                guard case .notPNG(_, firstBytes: Array("hello, w".utf8)) = error else { Issue.record("wrong case: \(error)"); return }
                #expect(error.description.hasPrefix(url.path + ": not a PNG file (it begins 68 65 6c 6c"))
                #expect(error.description.contains("\nhint: "))
            }
        }
    }

    @Test func truncatedPNG() throws {
        try withTemporaryDirectory { folder in
            let url = folder.appendingPathComponent("cut.png")
            try writePNG(randomImage(channels: 3, height: 16, width: 16), to: url)
            let whole = try Data(contentsOf: url)
            try whole.prefix(whole.count / 2).write(to: url)
            do throws(ImageError) {
                _ = try readPNG(url)
                Issue.record("read a truncated PNG")
            } catch {
                guard case .corrupt = error else { Issue.record("wrong case: \(error)"); return }
                #expect(error.description.hasPrefix(url.path + ": the PNG could not be decoded: "))
            }
        }
    }

    @Test func missingFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).png")
        do throws(ImageError) {
            _ = try readPNG(url)
            Issue.record("read a missing file")
        } catch {
            guard case .unreadable = error else { Issue.record("wrong case: \(error)"); return }
            #expect(error.description.hasPrefix(url.path + ": cannot read the image: "))
            #expect(error.description.contains("No such file"))
        }
    }
}
