#!/usr/bin/env bash
# Makes the bundle bench/gpu_step.sh needs on a CUDA machine that has PyTorch, nvcc, CMake and g++ but no Java and
# no internet (docs/gpu.md, /work/shared/GPU.md). Run it here, on a Java 17 machine:
#   bench/bundle_gpu.sh [out-dir (default target/gpu-bundle)]
# Env: DJL_SRC = a DJL checkout (work tree, or a bare git dir) holding tag v0.36.0
#      (default /work/.mirror/deepjavalibrary+djl/repo); JAVA_HOME = a JDK 17 (default: the one javac belongs to).
# Output: <out>/ and <out>.tar.gz with
#   jre/                jlink'd Java runtime (java.base, java.desktop, java.logging, java.management, java.naming,
#                       java.sql, java.xml, jdk.unsupported)
#   vistabench.jar      the shaded jar
#   bench-classes/      the test-scope benchmark classes (org.vistabench.bench.TrainStepBench lives in test sources)
#   djl/                DJL v0.36.0: engines/pytorch/pytorch-native (CMake project, C++ sources) and
#                       api/src/main/native (djl/utils.h), with the generated JNI header in
#                       engines/pytorch/pytorch-native/build/include/ai_djl_pytorch_jni_PyTorchLibrary.h
#   jni-include/        the JDK's include/ and include/linux/ (jni.h, jni_md.h) for building the JNI without a JDK
#   gpu_step.sh gpu_step.py train_step.py   the GPU-side scripts
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$here/target/gpu-bundle}"
djl_src="${DJL_SRC:-/work/.mirror/deepjavalibrary+djl/repo}"
tag=v0.36.0
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
[[ -x "$java_home/bin/jlink" ]] || { echo "bundle_gpu: no jlink under $java_home (set JAVA_HOME to a JDK 17)" >&2; exit 2; }

rm -rf "$out"
mkdir -p "$out"
cd "$here"

echo "bundle_gpu: building the jar ..." >&2
mvn -B -q -DskipTests package >&2
cp target/vistabench.jar "$out/"
mkdir -p "$out/bench-classes/org/vistabench/bench"
cp target/test-classes/org/vistabench/bench/TrainStepBench*.class "$out/bench-classes/org/vistabench/bench/"

echo "bundle_gpu: jlink ..." >&2
"$java_home/bin/jlink" --add-modules java.base,java.desktop,java.logging,java.management,java.naming,java.sql,java.xml,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --output "$out/jre"

echo "bundle_gpu: DJL $tag JNI sources from $djl_src ..." >&2
mkdir -p "$out/djl"
paths=(engines/pytorch/pytorch-native/CMakeLists.txt engines/pytorch/pytorch-native/src/main/native
       engines/pytorch/pytorch-native/src/main/patch api/src/main/native
       engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java)
if git --git-dir="$djl_src" rev-parse --verify -q "$tag^{commit}" >/dev/null 2>&1; then
  git --git-dir="$djl_src" archive "$tag" "${paths[@]}" | tar -x -C "$out/djl"
elif git --git-dir="$djl_src/.git" rev-parse --verify -q "$tag^{commit}" >/dev/null 2>&1; then
  git --git-dir="$djl_src/.git" archive "$tag" "${paths[@]}" | tar -x -C "$out/djl"
else
  echo "bundle_gpu: $djl_src has no tag $tag (set DJL_SRC to a DJL checkout)" >&2
  exit 2
fi

echo "bundle_gpu: JNI header ..." >&2
cp_file="$(mktemp)"
tmp_classes="$(mktemp -d)"
trap 'rm -rf "$cp_file" "$tmp_classes"' EXIT
cp target/test-classpath.txt "$cp_file"
native="$out/djl/engines/pytorch/pytorch-native"
mkdir -p "$native/build/include"
"$java_home/bin/javac" -h "$native/build/include" -d "$tmp_classes" -cp "$(cat "$cp_file")" \
  "$out/djl/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
[[ -f "$native/build/include/ai_djl_pytorch_jni_PyTorchLibrary.h" ]] || { echo "bundle_gpu: no JNI header" >&2; exit 3; }

cp -r "$java_home/include" "$out/jni-include"
cp bench/gpu_step.sh bench/gpu_step.py bench/train_step.py "$out/"
chmod +x "$out/gpu_step.sh"
tar -czf "$out.tar.gz" -C "$(dirname "$out")" "$(basename "$out")"
echo "bundle_gpu: $out ($(du -sh "$out" | cut -f1)), $out.tar.gz ($(du -sh "$out.tar.gz" | cut -f1))"
echo "on the GPU machine: tar xzf $(basename "$out").tar.gz && $(basename "$out")/gpu_step.sh"
