package io.glm4vee.engine.ops;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.tensor.Tensor;

/**
 * Unfolds non-overlapping k x k patches (a convolution with kernel = stride = k) so the conv
 * becomes one {@link Linear}: x (C, H, W) any strides -> (H/k · W/k, C·k·k), patch rows in
 * row-major grid order, columns in (c, di, dj) order, which is how a Conv2d weight
 * [out, C, k, k] flattens to [out, C·k·k].
 */
public final class Im2col {
    private Im2col() {
    }

    public static Tensor patches(Tensor x, int k) {
        Check.rank(x, 3, "im2col x");
        int c = x.size(0);
        int h = x.size(1);
        int w = x.size(2);
        if (k <= 0 || h % k != 0 || w % k != 0) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH,
                    "im2col: kernel " + k + " must divide the spatial size " + h + "x" + w);
        }
        int gh = h / k;
        int gw = w / k;
        Tensor out = Tensor.zeros((long) gh * gw, (long) c * k * k);
        float[] o = out.array();
        int idx = 0;
        for (int i = 0; i < gh; i++) {
            for (int j = 0; j < gw; j++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int di = 0; di < k; di++) {
                        for (int dj = 0; dj < k; dj++) {
                            o[idx++] = x.readAt(x.offset() + ch * x.stride(0) + (i * k + di) * x.stride(1)
                                    + (j * k + dj) * x.stride(2));
                        }
                    }
                }
            }
        }
        return out;
    }
}
