#include "CGLM.h"
