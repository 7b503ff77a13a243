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
#include <immintrin.h>

typedef __m256d (*vec4_fn)(__m256d);
typedef __m128d (*vec2_fn)(__m128d);
static vec4_fn exp4, log1p4;
static vec2_fn exp2v, log1p2;
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
    exp4 = (vec4_fn)dlsym(h, "_ZGVdN4v_exp");
    log1p4 = (vec4_fn)dlsym(h, "_ZGVdN4v_log1p");
    if (exp4 && log1p4) lanes = 4;
  }
}

__attribute__((target("avx2"))) static long avx2_range(const double *d, const double *s,
                                                        const double *le, long n, double c,
                                                        double beta, double gamma, double *out) {
  __m256d ld = _mm256_setzero_pd(), dc = ld, db = ld, dg = ld;
  const __m256d vc = _mm256_set1_pd(c), vb = _mm256_set1_pd(beta), vg = _mm256_set1_pd(gamma);
  const __m256d one = _mm256_set1_pd(1), mb = _mm256_set1_pd(-beta);
  long j = 0;
  for (; j + 4 <= n; j += 4) {
    __m256d D = _mm256_loadu_pd(d + j), S = _mm256_loadu_pd(s + j), L = _mm256_loadu_pd(le + j);
    __m256d x = _mm256_mul_pd(exp4(_mm256_sub_pd(vc, _mm256_mul_pd(vg, L))), S);
    __m256d lu = log1p4(x);
    __m256d p = exp4(_mm256_mul_pd(mb, lu));
    ld = _mm256_add_pd(ld, _mm256_mul_pd(D, _mm256_sub_pd(one, p)));
    __m256d q = _mm256_div_pd(_mm256_mul_pd(_mm256_mul_pd(D, vb), _mm256_mul_pd(p, x)),
                              _mm256_add_pd(one, x));
    dc = _mm256_add_pd(dc, q);
    dg = _mm256_sub_pd(dg, _mm256_mul_pd(q, L));
    db = _mm256_add_pd(db, _mm256_mul_pd(_mm256_mul_pd(D, p), lu));
  }
  double a[4], b[4], e[4], f[4];
  _mm256_storeu_pd(a, ld);
  _mm256_storeu_pd(b, dc);
  _mm256_storeu_pd(e, db);
  _mm256_storeu_pd(f, dg);
  out[0] = (a[0] + a[1]) + (a[2] + a[3]);
  out[1] = (b[0] + b[1]) + (b[2] + b[3]);
  out[2] = (e[0] + e[1]) + (e[2] + e[3]);
  out[3] = (f[0] + f[1]) + (f[2] + f[3]);
  return j;
}

static long sse2_range(const double *d, const double *s, const double *le, long n, double c,
                       double beta, double gamma, double *out) {
  __m128d ld = _mm_setzero_pd(), dc = ld, db = ld, dg = ld;
  const __m128d vc = _mm_set1_pd(c), vb = _mm_set1_pd(beta), vg = _mm_set1_pd(gamma);
  const __m128d one = _mm_set1_pd(1), mb = _mm_set1_pd(-beta);
  long j = 0;
  for (; j + 2 <= n; j += 2) {
    __m128d D = _mm_loadu_pd(d + j), S = _mm_loadu_pd(s + j), L = _mm_loadu_pd(le + j);
    __m128d x = _mm_mul_pd(exp2v(_mm_sub_pd(vc, _mm_mul_pd(vg, L))), S);
    __m128d lu = log1p2(x);
    __m128d p = exp2v(_mm_mul_pd(mb, lu));
    ld = _mm_add_pd(ld, _mm_mul_pd(D, _mm_sub_pd(one, p)));
    __m128d q = _mm_div_pd(_mm_mul_pd(_mm_mul_pd(D, vb), _mm_mul_pd(p, x)), _mm_add_pd(one, x));
    dc = _mm_add_pd(dc, q);
    dg = _mm_sub_pd(dg, _mm_mul_pd(q, L));
    db = _mm_add_pd(db, _mm_mul_pd(_mm_mul_pd(D, p), lu));
  }
  double a[2], b[2], e[2], f[2];
  _mm_storeu_pd(a, ld);
  _mm_storeu_pd(b, dc);
  _mm_storeu_pd(e, db);
  _mm_storeu_pd(f, dg);
  out[0] = a[0] + a[1];
  out[1] = b[0] + b[1];
  out[2] = e[0] + e[1];
  out[3] = f[0] + f[1];
  return j;
}

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
