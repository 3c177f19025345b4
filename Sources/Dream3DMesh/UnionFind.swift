// UnionFind.swift — disjoint sets over 0..<count (path halving, union by smaller index), used to weld
// vertices and to find connected components. The smaller index becomes the root, so the sets' names do
// not depend on the order unions arrive in.

struct UnionFind {
    private(set) var parent: [Int]

    init(count: Int) { parent = Array(0..<count) }

    mutating func find(_ x: Int) -> Int {
        var x = x
        while parent[x] != x {
            parent[x] = parent[parent[x]]
            x = parent[x]
        }
        return x
    }

    mutating func union(_ a: Int, _ b: Int) {
        let ra = find(a), rb = find(b)
        if ra < rb { parent[rb] = ra } else if rb < ra { parent[ra] = rb }
    }
}
