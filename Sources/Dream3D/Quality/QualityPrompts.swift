// QualityPrompts.swift — the quality gate's fixed prompts (issue 9, item 5): every family of the shape
// library once (the apple and the umbrella in another colour than their default; the duck, the house
// and the ice cream cone with a view phrase), then the headline teddy bear and mug in another colour —
// 26 prompts, 4 colour swaps, 3 view phrases. Fixed in code so that every figure in docs/quality.md
// refers to the same list; QualityGateTests checks that it covers the library and that the prompt
// grammar reads every word of it. The teddy bear and the mug come first, so `--prompts 2` smoke-tests
// an organic shape and one with a handle.

/// The prompts `dream3d eval quality` generates, in order (`--prompts K` takes the first K).
public let qualityPrompts = [
    "a teddy bear", "a mug", "a snowman", "a mushroom", "a chair", "a table", "a lamp", "a tree",
    "a rocket", "a duck, side view", "a car", "a house, front view", "a donut", "a green apple",
    "a hamburger", "a cactus", "a robot", "a penguin", "a traffic cone", "a bench", "a bed", "a bottle",
    "a yellow umbrella", "an ice cream cone, from the side",
    "a blue teddy bear", "a red mug",
]
