// Dream3DModels — diffusers-compatible models; see DESIGN.md §3.
