// ImageGridTests.swift — the preview grid's layout, worked out by hand from torchvision's make_grid rule:
// grid [C, rows·(H+p)+p, cols·(W+p)+p], tile k's top-left corner at (p + (k/cols)·(H+p), p + (k%cols)·(W+p)).
import Testing
@testable import Dream3DCore

@Suite struct ImageGridTests {
    /// Image k of shape [2, 2, 3] whose every value encodes (k, c, y, x), so a misplaced or transposed
    /// copy cannot pass: 1000k + 100c + 10y + x.
    func tile(_ k: Int) -> Tensor {
        var scalars: [Float] = []
        for c in 0..<2 { for y in 0..<2 { for x in 0..<3 { scalars.append(Float(1000 * k + 100 * c + 10 * y + x)) } } }
        return Tensor(shape: [2, 2, 3], scalars: scalars)
    }

    @Test func tilesLandWhereMakeGridPutsThem() {
        // 5 tiles of 2×3, 3 columns, padding 1: rows = 2, grid height 2·3+1 = 7, width 3·4+1 = 13.
        let grid = imageGrid((0..<5).map(tile), columns: 3, padding: 1, background: -1)
        #expect(grid.shape == [2, 7, 13])
        func at(_ c: Int, _ y: Int, _ x: Int) -> Float { grid.scalars[(c * 7 + y) * 13 + x] }
        // Tile 4 is in row 1, column 1: top 1 + 1·3 = 4, left 1 + 1·4 = 5.
        for c in 0..<2 { for y in 0..<2 { for x in 0..<3 {
            #expect(at(c, 4 + y, 5 + x) == Float(4000 + 100 * c + 10 * y + x), "tile 4 at c\(c) y\(y) x\(x)")
        } } }
        #expect(at(1, 1, 1) == 100)                     // tile 0's channel 1 starts at (1, 1)
        #expect(at(0, 2, 11) == 2012)                   // tile 2, bottom-right pixel: (1 + 1, 9 + 2)
        #expect(at(0, 0, 0) == -1 && at(1, 6, 12) == -1) // outer border
        #expect(at(0, 3, 2) == -1 && at(0, 1, 4) == -1)  // gaps between rows and between columns
        #expect(at(0, 4, 9) == -1 && at(1, 5, 11) == -1) // the empty sixth slot
    }

    @Test func fewerImagesThanColumnsGiveANarrowerGrid() {
        // make_grid uses min(columns, n) columns: 2 tiles, 8 columns, padding 2 → 1·(2+2)+2 by 2·(3+2)+2.
        let grid = imageGrid([tile(0), tile(1)], columns: 8)
        #expect(grid.shape == [2, 6, 12])
        #expect(grid.scalars[(0 * 6 + 2) * 12 + 7] == 1000)   // tile 1 at top 2, left 2 + 5 = 7
        #expect(grid.scalars[0] == 1)                          // default background: white
    }
}
