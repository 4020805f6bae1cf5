#!/bin/sh
# Builds a stand-in "CANN toolkit" in $1 to check the -Pascend plumbing where no CANN exists:
# our headers under the real CANN file names, the simulator compiled as libascendcl.so, and
# empty libnnopbase/libopapi/libhccl. It checks how the profile compiles, links and loads, not
# CANN itself. Usage (from the repository root):
#   sh ascend/src/test/native/standin-toolkit.sh /tmp/standin-cann
#   LD_LIBRARY_PATH=/tmp/standin-cann/lib64 ASCEND_TOOLKIT_HOME=/tmp/standin-cann \
#     mvn -B -Pascend -pl ascend -am install -DskipTests=false
set -eu
here=$(cd "$(dirname "$0")/../../main/native" && pwd)
out=$1
mkdir -p "$out/include/acl" "$out/include/aclnn" "$out/include/aclnnop" "$out/include/hccl" "$out/lib64"
cp "$here/include/acl/acl.h" "$out/include/acl/"
cp "$here/include/aclnn/acl_meta.h" "$out/include/aclnn/"
cp "$here/include/hccl/hccl.h" "$out/include/hccl/"
cp "$here/include/aclnnop/glm4v_aclnn_ops.h" "$out/include/aclnnop/"
for op in matmul batch_matmul add mul rms_norm layer_norm silu gelu_v2 softmax embedding cast copy \
          rotary_position_embedding matmul_all_reduce; do
  echo '#include "aclnnop/glm4v_aclnn_ops.h"' > "$out/include/aclnnop/aclnn_$op.h"
done
${CC:-gcc} -std=c11 -O2 -fPIC -fvisibility=hidden -pthread -I"$here/include" -shared \
  -Wl,-soname,libascendcl.so -o "$out/lib64/libascendcl.so" "$here"/sim/*.c -lm
: > "$out/empty.c"
for lib in nnopbase opapi hccl; do
  ${CC:-gcc} -shared -fPIC -Wl,-soname,lib$lib.so -o "$out/lib64/lib$lib.so" "$out/empty.c"
done
rm "$out/empty.c"
