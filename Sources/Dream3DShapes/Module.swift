// Dream3DShapes — the procedural object library; see DESIGN.md §3 and issue 6.
