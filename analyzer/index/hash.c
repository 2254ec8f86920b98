/* Content hashes: XXH3-128 through libxxhash's x86 dispatcher where the
 * library was built with it (Debian's and Ubuntu's are, shared and
 * static), which picks AVX2 or AVX-512 at run time: 2-5 times the SSE2
 * code the plain entry points run. The hash is the same either way; the
 * dispatcher's symbols are weak, so a library without them links too. */
#include <xxhash.h>

#include "layerwaste/index.h"

#if defined(__x86_64__) && defined(__GNUC__)
XXH_errorcode XXH3_128bits_update_dispatch(XXH3_state_t *state,
					   const void *input, size_t len)
	__attribute__((weak));
XXH128_hash_t XXH3_128bits_dispatch(const void *input, size_t len)
	__attribute__((weak));
#define HAVE_DISPATCH 1
#endif

void lw_hash_update(struct XXH3_state_s *st, const void *p, size_t n)
{
#ifdef HAVE_DISPATCH
	if (XXH3_128bits_update_dispatch) {
		XXH3_128bits_update_dispatch(st, p, n);
		return;
	}
#endif
	XXH3_128bits_update(st, p, n);
}

struct lw_hash lw_hash_bytes(const void *p, size_t n)
{
	XXH128_hash_t h;
	struct lw_hash r;

#ifdef HAVE_DISPATCH
	if (XXH3_128bits_dispatch)
		h = XXH3_128bits_dispatch(p, n);
	else
#endif
		h = XXH3_128bits(p, n);
	r.lo = h.low64;
	r.hi = h.high64;
	return r;
}
