import Testing
@testable import Dream3DCore
@Test func placeholder() { #expect(Tensor(2).item == 2) }
