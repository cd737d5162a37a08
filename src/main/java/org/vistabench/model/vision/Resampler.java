package org.vistabench.model.vision;

/**
 * Separable antialiased resampling of 8-bit planes, the way both references do it: per output pixel a filter
 * centred at {@code (i + 0.5) * scale} with support widened by the downscale factor, weights normalised to sum 1 and
 * quantised to fixed point; a horizontal pass then a vertical one, each rounding and clipping back to 0..255.
 * <ul>
 *   <li>{@link Backend#TORCHVISION}: torch's uint8 {@code _upsample_bicubic2d_aa} / bilinear aa kernel (what
 *   torchvision's {@code resize(antialias=True)} runs on a uint8 tensor): int16 weights whose precision is the largest
 *   that keeps the biggest weight below 2^15.</li>
 *   <li>{@link Backend#PIL}: Pillow's {@code ImagingResample}: 22-bit int32 weights.</li>
 * </ul>
 * Bicubic uses a = -0.5 in both (the antialiased kernels' value, not interpolate's -0.75).
 */
final class Resampler {
    enum Backend { TORCHVISION, PIL }

    enum Filter {
        BILINEAR(1.0), BICUBIC(2.0);

        final double support;

        Filter(double support) {
            this.support = support;
        }

        double apply(double x) {
            if (this == BILINEAR) {
                x = Math.abs(x);
                return x < 1.0 ? 1.0 - x : 0.0;
            }
            final double a = -0.5;
            x = Math.abs(x);
            if (x < 1.0) {
                return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
            }
            if (x < 2.0) {
                return (((x - 5) * x + 8) * x - 4) * a;
            }
            return 0.0;
        }
    }

    /** Fixed-point weights of one dimension. */
    record Coeffs(int[] start, int[] size, int[][] weights, int precision) {
    }

    private Resampler() {
    }

    static Coeffs coeffs(int inSize, int outSize, Filter filter, Backend backend) {
        double scale = (double) inSize / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = filter.support * filterscale;
        double ss = 1.0 / filterscale;
        int[] start = new int[outSize];
        int[] size = new int[outSize];
        double[][] w = new double[outSize][];
        double maxW = 0;
        for (int i = 0; i < outSize; i++) {
            double center = (i + 0.5) * scale;
            // C casts truncate toward zero; so does Java's (int)
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize);
            int n = xmax - xmin;
            double[] k = new double[Math.max(n, 0)];
            double total = 0;
            for (int j = 0; j < n; j++) {
                k[j] = filter.apply((j + xmin - center + 0.5) * ss);
                total += k[j];
            }
            if (total != 0) {
                for (int j = 0; j < n; j++) {
                    k[j] /= total;
                    maxW = Math.max(maxW, k[j]);
                }
            }
            start[i] = xmin;
            size[i] = n;
            w[i] = k;
        }
        int precision;
        if (backend == Backend.PIL) {
            precision = 32 - 8 - 2;
        } else {
            // torch compute_index_ranges_int16_weights
            precision = 0;
            for (; precision < 22; precision++) {
                int next = (int) (0.5 + maxW * (1 << (precision + 1)));
                if (next >= (1 << 15)) {
                    break;
                }
            }
        }
        int[][] q = new int[outSize][];
        double one = 1 << precision;
        for (int i = 0; i < outSize; i++) {
            q[i] = new int[w[i].length];
            for (int j = 0; j < w[i].length; j++) {
                double v = w[i][j] * one;
                int r = (int) (v < 0 ? v - 0.5 : v + 0.5);
                q[i][j] = backend == Backend.TORCHVISION ? (short) r : r;
            }
        }
        return new Coeffs(start, size, q, precision);
    }

    /** Resizes channel planes {@code [c][h * w]} of values 0..255 to {@code outH × outW}. */
    static int[][] resize(int[][] planes, int inH, int inW, int outH, int outW, Filter filter, Backend backend) {
        int[][] cur = planes;
        int curW = inW;
        if (outW != inW) {
            Coeffs cx = coeffs(inW, outW, filter, backend);
            int[][] next = new int[planes.length][inH * outW];
            for (int c = 0; c < planes.length; c++) {
                int[] src = cur[c];
                int[] dst = next[c];
                for (int y = 0; y < inH; y++) {
                    int row = y * curW;
                    for (int x = 0; x < outW; x++) {
                        int[] k = cx.weights()[x];
                        int s0 = cx.start()[x];
                        int acc = 1 << (cx.precision() - 1);
                        for (int j = 0; j < k.length; j++) {
                            acc += src[row + s0 + j] * k[j];
                        }
                        dst[y * outW + x] = clip8(acc >> cx.precision());
                    }
                }
            }
            cur = next;
            curW = outW;
        }
        if (outH != inH) {
            Coeffs cy = coeffs(inH, outH, filter, backend);
            int[][] next = new int[planes.length][outH * curW];
            for (int c = 0; c < planes.length; c++) {
                int[] src = cur[c];
                int[] dst = next[c];
                for (int y = 0; y < outH; y++) {
                    int[] k = cy.weights()[y];
                    int s0 = cy.start()[y];
                    for (int x = 0; x < curW; x++) {
                        int acc = 1 << (cy.precision() - 1);
                        for (int j = 0; j < k.length; j++) {
                            acc += src[(s0 + j) * curW + x] * k[j];
                        }
                        dst[y * curW + x] = clip8(acc >> cy.precision());
                    }
                }
            }
            cur = next;
        }
        return cur;
    }

    private static int clip8(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
