#ifndef SCALING_CMULTIPOWER_H
#define SCALING_CMULTIPOWER_H

/// The multi-power law's loss-reduction sum over quadrature nodes j = 0..<count,
///
///     x_j = exp(logC - gamma * logRate_j) * area_j,   p_j = (1 + x_j)^-beta,
///     out[0] = sum drop_j * (1 - p_j)                        (LD)
///     out[1] = sum drop_j * beta * p_j * x_j / (1 + x_j)      (dLD / d ln C)
///     out[2] = sum drop_j * p_j * ln(1 + x_j)                 (dLD / d beta)
///     out[3] = -sum drop_j * beta * p_j * x_j / (1 + x_j) * logRate_j   (dLD / d gamma)
///
/// with glibc's vector exp/log1p (libmvec, 4 lanes with AVX2, else 2 with SSE2) where the machine
/// has them, else the scalar libm functions. The vector and scalar paths agree to a few ulps of
/// each term (libmvec's stated accuracy is 4 ulp); the sums are added in lane order, so the same
/// machine gives the same bytes every run.
void scaling_multipower_reduction(const double *drop, const double *area, const double *logRate,
                                  long count, double logC, double beta, double gamma, double *out);

/// The path the kernel takes on this machine: 4 (AVX2 libmvec), 2 (SSE2 libmvec) or 1 (scalar).
int scaling_multipower_lanes(void);

/// Forces the scalar path (1) or lets the kernel pick (0): lets tests compare the two paths.
void scaling_multipower_force_scalar(int on);

#endif
