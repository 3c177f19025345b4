// Dream3DMesh — marching cubes and mesh export.
