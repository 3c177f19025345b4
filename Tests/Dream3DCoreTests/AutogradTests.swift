// The graph itself: accumulation, grad mode, detach, release, and deep graphs.
import Testing
@testable import Dream3DCore

@Suite struct AutogradTests {
    @Test func gradientsAccumulateOverUsesAndBackwardCalls() {
        let x = Tensor(shape: [2], scalars: [3, -1]).requiringGrad()
        (x * x + x).sum().backward()                   // d/dx (x² + x) = 2x + 1
        #expect(x.gradScalars == [7, -1])
        (x * 2).sum().backward()                       // adds 2 until zeroGrad
        #expect(x.gradScalars == [9, 1])
        x.zeroGrad()
        #expect(!x.hasGrad && x.gradScalars == [0, 0])
    }

    @Test func noGradAndDetachRecordNothing() {
        let x = Tensor(shape: [2], scalars: [1, 2]).requiringGrad()
        let y = withoutGrad { x * 3 }
        #expect(!y.requiresGrad && y.isLeaf)
        let z = x.detached() * 3
        #expect(!z.requiresGrad)
        #expect((x * 3).requiresGrad)
    }

    @Test func backwardWithSeedAppliesAnImageGradient() {
        let x = Tensor(shape: [3], scalars: [1, 2, 3]).requiringGrad()
        let y = x.square()
        y.backward(seed: [1, 0, -1])
        #expect(x.gradScalars == [2, 0, -6])
        #expect(y.isLeaf)                              // the graph is released after backward
    }

    @Test func deepGraphsDoNotOverflowTheStack() {
        let x = Tensor(shape: [1], scalars: [1]).requiringGrad()
        var y = x
        for _ in 0..<100_000 { y = y + 0 }
        y.sum().backward()
        #expect(x.gradScalars == [1])
    }
}
