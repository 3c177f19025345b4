/// dream3d's version, printed by `dream3d --version` and recorded in the files it writes.
public let dream3dVersion = "0.1.0"
