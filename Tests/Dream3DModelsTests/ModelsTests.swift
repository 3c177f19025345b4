import Testing
@testable import Dream3DModels
