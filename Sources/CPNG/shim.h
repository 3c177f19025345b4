// libpng 1.6 (Debian: libpng-dev). Used through the simplified png_image API.
#include <png.h>
