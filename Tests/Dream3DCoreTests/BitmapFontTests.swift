// The label font: every glyph is 7 rows of 5 pixels, and strips put the glyphs where the layout says.
import Testing
@testable import Dream3DCore

@Suite struct BitmapFontTests {
    @Test func everyGlyphIsSevenRowsOfFivePixels() {
        for (character, rows) in bitmapFontGlyphs {
            let split = rows.split(separator: " ")
            #expect(split.count == 7 && split.allSatisfy { $0.count == 5 && $0.allSatisfy { $0 == "#" || $0 == "." } }, "\(character)")
        }
        // Letters, digits and the punctuation of prompts and figures are all there.
        for character in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-+/%()'\"!?=_<>#*" {
            #expect(bitmapFontGlyphs[character] != nil, "no glyph for \(character)")
        }
    }

    @Test func stripsPlaceGlyphsCellByCell() {
        // "1" is ..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.: 10 ink pixels; at scale 2 each is 2×2.
        func inkPixels(_ t: Tensor) -> Int { (0..<(t.shape[1] * t.shape[2])).filter { t.scalars[$0] == 0 }.count }
        let one = textStrip("1", width: 20)
        #expect(one.shape == [3, 7 + 4, 20])
        #expect(inkPixels(one) == 10)
        #expect(inkPixels(textStrip("1", width: 20, scale: 2)) == 40)
        // The top ink of "1" is column 2 of the glyph, row 0: pixel (margin, margin + 2).
        #expect(one.scalars[2 * 20 + 2 + 2] == 0 && one.scalars[2 * 20 + 2 + 1] == 1)
        // The second character starts one cell (6 pixels) further right; "11" has twice the ink.
        #expect(inkPixels(textStrip("11", width: 20)) == 20)
        #expect(one.scalars[2 * 20 + 2 + 6 + 2] == 1 && textStrip("11", width: 20).scalars[2 * 20 + 2 + 6 + 2] == 0)
        // What does not fit is left out; unknown characters are drawn as "?".
        #expect(inkPixels(textStrip("111", width: 14)) == 20)
        #expect(textStrip("~", width: 10).scalars == textStrip("?", width: 10).scalars)
        // Colours: ink and background as asked, per channel.
        let red = textStrip("1", width: 10, ink: SIMD3(1, 0, 0), background: SIMD3(0, 0, 1))
        #expect(red.scalars[2 * 10 + 4] == 1 && red.scalars[11 * 10 + 2 * 10 + 4] == 0 && red.scalars[2 * 11 * 10] == 1)
    }
}
