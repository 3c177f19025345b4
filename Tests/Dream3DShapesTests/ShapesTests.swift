import Testing
@testable import Dream3DShapes
