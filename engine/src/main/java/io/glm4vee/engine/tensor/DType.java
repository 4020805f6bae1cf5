package io.glm4vee.engine.tensor;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

/** Element types the engine stores. Activations are F32; weights stay in their stored type. */
public enum DType {
    F32(4, "F32"),
    BF16(2, "BF16"),
    F16(2, "F16");

    private final int byteSize;
    private final String safetensorsName;

    DType(int byteSize, String safetensorsName) {
        this.byteSize = byteSize;
        this.safetensorsName = safetensorsName;
    }

    public int byteSize() {
        return byteSize;
    }

    /** The dtype string used in safetensors headers ("F32", "BF16", "F16"). */
    public String safetensorsName() {
        return safetensorsName;
    }

    public static DType fromSafetensors(String name) {
        for (DType t : values()) {
            if (t.safetensorsName.equals(name)) {
                return t;
            }
        }
        throw new EngineException(ErrorCode.UNSUPPORTED_DTYPE,
                "unsupported tensor dtype " + name + " (expected F32, BF16 or F16)");
    }

    /** bf16 bit pattern -> float (exact). */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** float -> bf16 bit pattern, round to nearest even; NaN stays a quiet NaN. */
    public static short floatToBf16(float f) {
        if (Float.isNaN(f)) {
            return (short) 0x7FC0;
        }
        int u = Float.floatToRawIntBits(f);
        int rounded = u + 0x7FFF + ((u >>> 16) & 1);
        return (short) (rounded >>> 16);
    }
}
