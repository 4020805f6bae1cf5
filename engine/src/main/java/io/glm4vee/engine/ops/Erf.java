package io.glm4vee.engine.ops;

/**
 * erf(x) in double precision (Java has no Math.erf). Maclaurin series for |x| < 2.5 (the
 * terms stay small enough there that cancellation costs under 4 digits) and a continued
 * fraction for erfc beyond; both converge to better than 1e-13, far below f32 rounding.
 */
public final class Erf {
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    private Erf() {
    }

    public static double erf(double x) {
        double ax = Math.abs(x);
        if (Double.isNaN(x)) {
            return x;
        }
        if (ax >= 6.0) {
            return Math.copySign(1.0, x);
        }
        if (ax < 2.5) {
            // erf(x) = 2/√π · Σ (-1)^n x^(2n+1) / (n! (2n+1))
            double x2 = x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n < 80; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            return TWO_OVER_SQRT_PI * sum;
        }
        return Math.copySign(1.0 - erfcContinuedFraction(ax), x);
    }

    /** erfc(x) for x ≥ 2.5: e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))). */
    private static double erfcContinuedFraction(double x) {
        double f = x;
        for (int k = 60; k >= 1; k--) {
            f = x + (k / 2.0) / f;
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }
}
