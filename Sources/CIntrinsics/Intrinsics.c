// The intrinsics are static inline functions in include/CIntrinsics.h; SwiftPM needs one source file.
#include "CIntrinsics.h"
