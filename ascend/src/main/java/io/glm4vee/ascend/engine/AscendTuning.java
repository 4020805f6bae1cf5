package io.glm4vee.ascend.engine;

/**
 * Switches of the Ascend forward, from system properties.
 *
 * @param fusedAllReduce  row-parallel layers call aclnnMatmulAllReduce where the activation
 *                        dtype allows it (bf16/f16); false = aclnnMatmul + HcclAllReduce
 *                        everywhere ({@code glm4v.ascend.fusedAllReduce=false})
 * @param layoutContract  a non-contiguous activation is copied (aclnnInplaceCopy, counted)
 *                        before a row-parallel layer; false passes it straight through, which
 *                        only the seed-failure test does ({@code glm4v.ascend.test.noLayoutContract})
 * @param transposedContext the attention context is kept column-major, so the row-parallel
 *                        input is a transposed (non-contiguous) view, as in the field failure
 *                        ({@code glm4v.ascend.test.transposedContext}; tests only)
 */
record AscendTuning(boolean fusedAllReduce, boolean layoutContract, boolean transposedContext) {
    static AscendTuning fromSystem() {
        return new AscendTuning(!"false".equals(System.getProperty("glm4v.ascend.fusedAllReduce")),
                !Boolean.getBoolean("glm4v.ascend.test.noLayoutContract"),
                Boolean.getBoolean("glm4v.ascend.test.transposedContext"));
    }
}
