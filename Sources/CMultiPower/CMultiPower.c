// The multi-power law's node sum with vector exp/log1p (see include/CMultiPower.h).
//
// Why C: a multi-power fit of one 24,000-step curve evaluates ~25,000 quadrature nodes x 3
// transcendental functions per objective evaluation, ~750 times; scalar exp/log (Swift's
// Foundation calls glibc's) take ~0.9 ms per evaluation. glibc ships vector versions of these
// functions (libmvec: 2 lanes on SSE2, 4 on AVX2), but Swift cannot call functions that take
// __m256d, and its SIMD types have no transcendental functions. libmvec is opened at run time
// (dlopen), so the binary has no link-time dependency on it: a machine without it (or without
// AVX2) takes the 2-lane or the scalar path.
#include "CMultiPower.h"

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>

static void scalar_range(const double *d, const double *s, const double *le, long n, double c,
                         double beta, double gamma, double *out) {
  double ld = 0, dc = 0, db = 0, dg = 0;
  for (long j = 0; j < n; j++) {
    double x = exp(c - gamma * le[j]) * s[j];
    double lu = log1p(x);
    double p = exp(-beta * lu);
    ld += d[j] * (1 - p);
    double q = d[j] * beta * p * x / (1 + x);
    dc += q;
    dg -= q * le[j];
    db += d[j] * p * lu;
  }
  out[0] = ld;
  out[1] = dc;
  out[2] = db;
  out[3] = dg;
}

#if defined(__x86_64__)
#include <string.h>

// GCC/Clang vector types: the same arithmetic compiles to SSE2 (2 lanes) or AVX2 (4 lanes), and
// they are passed in xmm/ymm registers like __m128d/__m256d, as libmvec's functions expect.
typedef double v2d __attribute__((vector_size(16)));
typedef double v4d __attribute__((vector_size(32)));
typedef v2d (*vec2_fn)(v2d);
typedef v4d (*vec4_fn)(v4d);
static vec2_fn exp2v, log1p2;
static vec4_fn exp4v, log1p4;
static int lanes = 1;
static int forced_scalar = 0;  // read and written atomically (tests flip it)
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void resolve(void) {
  void *h = dlopen("libmvec.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!h) return;
  exp2v = (vec2_fn)dlsym(h, "_ZGVbN2v_exp");
  log1p2 = (vec2_fn)dlsym(h, "_ZGVbN2v_log1p");  // glibc >= 2.35
  if (exp2v && log1p2) lanes = 2;
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) {
    exp4v = (vec4_fn)dlsym(h, "_ZGVdN4v_exp");
    log1p4 = (vec4_fn)dlsym(h, "_ZGVdN4v_log1p");
    if (exp4v && log1p4) lanes = 4;
  }
}

// The node loop over whole vectors of W lanes (type VT, functions EXP and LOG1P); returns how
// many nodes it took (the rest go to the scalar loop). Lane sums are added in lane order.
#define LANE_RANGE(NAME, VT, W, EXP, LOG1P, ATTR)                                                  \
  ATTR static long NAME(const double *d, const double *s, const double *le, long n, double c,      \
                        double beta, double gamma, double *out) {                                \
    VT ld = {0}, dc = {0}, db = {0}, dg = {0};                                                     \
    long j = 0;                                                                                    \
    for (; j + W <= n; j += W) {                                                                   \
      VT D, S, L;                                                                                  \
      memcpy(&D, d + j, sizeof D);                                                                 \
      memcpy(&S, s + j, sizeof S);                                                                 \
      memcpy(&L, le + j, sizeof L);                                                                \
      VT x = EXP(c - gamma * L) * S;                                                               \
      VT lu = LOG1P(x);                                                                            \
      VT p = EXP(-beta * lu);                                                                      \
      ld += D * (1.0 - p);                                                                         \
      VT q = D * beta * (p * x) / (1.0 + x);                                                      \
      dc += q;                                                                                     \
      dg -= q * L;                                                                                 \
      db += D * p * lu;                                                                            \
    }                                                                                              \
    out[0] = out[1] = out[2] = out[3] = 0;                                                         \
    for (int k = 0; k < W; k++) {                                                                  \
      out[0] += ld[k];                                                                             \
      out[1] += dc[k];                                                                             \
      out[2] += db[k];                                                                             \
      out[3] += dg[k];                                                                             \
    }                                                                                              \
    return j;                                                                                      \
  }

LANE_RANGE(sse2_range, v2d, 2, exp2v, log1p2, )
LANE_RANGE(avx2_range, v4d, 4, exp4v, log1p4, __attribute__((target("avx2"))))

void scaling_multipower_reduction(const double *drop, const double *area, const double *logRate,
                                  long count, double logC, double beta, double gamma, double *out) {
  pthread_once(&once, resolve);
  long done = 0;
  double head[4] = {0, 0, 0, 0};
  int scalar_only = __atomic_load_n(&forced_scalar, __ATOMIC_RELAXED);
  if (!scalar_only && lanes == 4) {
    done = avx2_range(drop, area, logRate, count, logC, beta, gamma, head);
  } else if (!scalar_only && lanes == 2) {
    done = sse2_range(drop, area, logRate, count, logC, beta, gamma, head);
  }
  double tail[4];
  scalar_range(drop + done, area + done, logRate + done, count - done, logC, beta, gamma, tail);
  for (int k = 0; k < 4; k++) out[k] = head[k] + tail[k];
}

int scaling_multipower_lanes(void) {
  pthread_once(&once, resolve);
  return __atomic_load_n(&forced_scalar, __ATOMIC_RELAXED) ? 1 : lanes;
}

void scaling_multipower_force_scalar(int on) { __atomic_store_n(&forced_scalar, on, __ATOMIC_RELAXED); }

#else

void scaling_multipower_reduction(const double *drop, const double *area, const double *logRate,
                                  long count, double logC, double beta, double gamma, double *out) {
  scalar_range(drop, area, logRate, count, logC, beta, gamma, out);
}

int scaling_multipower_lanes(void) { return 1; }

void scaling_multipower_force_scalar(int on) { (void)on; }

#endif
