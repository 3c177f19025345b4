// FixtureSupport.swift — reading the committed fixtures (made by Tests/Fixtures/make_fixtures.py with
// diffusers/transformers; versions in each file's metadata) and comparing tensors like llm.c's
// check_tensor: a failure names the worst element.
import Foundation
import Testing
import Dream3DCore

/// URL of a fixture file or folder under Fixtures/.
func fixtureURL(_ path: String) throws -> URL {
    let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil), "Fixtures folder not bundled")
    let url = root.appendingPathComponent(path)
    try #require(FileManager.default.fileExists(atPath: url.path), "missing fixture \(path)")
    return url
}

func fixtureFile(_ path: String) throws -> SafetensorsFile { try SafetensorsFile(contentsOf: fixtureURL(path)) }

/// Expects |actual − expected| ≤ atol + rtol·|expected| everywhere; reports the worst element.
func expectClose(_ actual: Tensor, _ expected: Tensor, atol: Float, rtol: Float = 0, _ label: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "\(label): shape \(actual.shape), reference \(expected.shape)", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    var worst = 0, worstExcess: Float = -.infinity, maxAbs: Float = 0
    for i in 0..<actual.count {
        let error = abs(actual.scalars[i] - expected.scalars[i])
        maxAbs = max(maxAbs, error)
        let excess = error - (atol + rtol * abs(expected.scalars[i]))
        if excess > worstExcess || excess.isNaN { worstExcess = excess.isNaN ? .infinity : excess; worst = i }
    }
    #expect(worstExcess <= 0, "\(label): index \(worst) is \(actual.scalars[worst]), reference \(expected.scalars[worst]) (max abs error \(maxAbs))",
            sourceLocation: sourceLocation)
}

/// Largest absolute value (for scale-relative tolerances).
func maxAbs(_ t: Tensor) -> Float { t.scalars.reduce(0) { max($0, abs($1)) } }
