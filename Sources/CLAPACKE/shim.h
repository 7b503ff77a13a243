// Only what Swift cannot import from <lapacke.h> directly.
#include <lapacke.h>

// lapack_int is a C macro (int, or int64_t in ILP64 builds); Swift cannot see macros
// that name types, so give it a typedef.
typedef lapack_int clapacke_int;
