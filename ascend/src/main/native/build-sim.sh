#!/bin/sh
# Builds libglm4v_cann_sim.so (the CANN-API simulator) into $1 with the system C compiler.
# Called by the Maven build (exec-maven-plugin, phase generate-resources).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
mkdir -p "$out"
${CC:-gcc} -std=c11 -O2 -g -Wall -Wextra -fPIC -fvisibility=hidden -pthread \
  -I"$here/include" -shared -Wl,-soname,libglm4v_cann_sim.so \
  -o "$out/libglm4v_cann_sim.so" "$here"/sim/*.c -lm
