#!/usr/bin/env bash
# One VISTA projector training step at the real Gemma-2-2B config on a CUDA GPU, vistabench (DJL, bf16 projector)
# against PyTorch eager (bf16), random weights: batch 16 x (256 image + 32 text) tokens, mlp2x_gelu projector from
# 1024-dim (DINOv2-L) features, SAE loss at layers 0-4 (width 16384). Prints both step times and their ratio.
# Runs inside the folder made by bench/bundle_gpu.sh (no Java, no internet needed):
#   ./gpu_step.sh [steps (default 10)]
# Env: PYTHON (default python3, with a CUDA torch); JNI_BUILD (default ./jni-build).
# The first run builds DJL's JNI against this torch with the BF16 patch (about 25 s on 16 cores) and reuses it after.
set -euo pipefail
b="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
steps="${1:-10}"
py="${PYTHON:-python3}"
read -r torch_lib torch_ver cuda cmake_prefix < <("$py" -c '
import os, torch
print(os.path.dirname(torch.__file__) + "/lib", torch.__version__.split("+")[0],
      (torch.version.cuda or "none").replace(".", ""), torch.utils.cmake_prefix_path)')
[[ "$cuda" != none ]] || { echo "gpu_step: $py has a CPU-only torch" >&2; exit 2; }
flavor="cu$cuda"
native="$b/djl/engines/pytorch/pytorch-native"
build="${JNI_BUILD:-$b/jni-build}"
so="$build/libdjl_torch.so"
stamp="$build/.built-for-$torch_ver-$flavor"

if [[ ! -f "$stamp" ]]; then
  echo "gpu_step: building DJL's JNI for torch $torch_ver ($flavor) with the BF16 patch ..." >&2
  # BF16 patch: DataType.BFLOAT16 is ordinal 11 in DJL; the stock JNI's bare `throw;` aborts the JVM on it.
  "$py" - "$native/src/main/native/djl_pytorch_utils.h" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
if "kBFloat16" not in s:
    s = s.replace("  } else if (torch::kComplexFloat == type) {\n    return 8;\n",
                  "  } else if (torch::kComplexFloat == type) {\n    return 8;\n  } else if (torch::kBFloat16 == type) {\n    return 11;\n")
    s = s.replace("    case 8:\n      return torch::kComplexFloat;\n    default:\n      // TODO improve the error handling\n      throw;",
                  "    case 8:\n      return torch::kComplexFloat;\n    case 11:\n      return torch::kBFloat16;\n    default:\n"
                  "      throw std::invalid_argument(\"unsupported DJL DataType ordinal \" + std::to_string(dtype));")
    assert "return torch::kBFloat16;" in s and "return 11;" in s, "BF16 patch did not apply"
    open(p, "w").write(s)
PY
  # No JDK here: point CMake at the bundled jni.h / jni_md.h instead of find_package(JNI).
  sed -i "s|find_package(JNI REQUIRED)|set(JNI_INCLUDE_DIRS $b/jni-include $b/jni-include/linux)|" "$native/CMakeLists.txt"
  mkdir -p "$build"
  (cd "$build" && cmake -DCMAKE_PREFIX_PATH="$cmake_prefix" -DUSE_CUDA=1 -DCMAKE_BUILD_TYPE=Release "$native" >&2 \
    && cmake --build . -j"$(nproc)" >&2)
  found="$(find "$build" -name libdjl_torch.so | head -1)"
  [[ -n "$found" ]] || { echo "gpu_step: the JNI build produced no libdjl_torch.so" >&2; exit 3; }
  [[ "$found" == "$so" ]] || cp "$found" "$so"
  touch "$stamp"
fi

# DJL loads libtorch from PYTORCH_LIBRARY_PATH and looks for the JNI in the same folder first.
if [[ -w "$torch_lib" ]]; then
  cp "$so" "$torch_lib/libdjl_torch.so"
  libdir="$torch_lib"
else
  libdir="$b/torchlib"
  mkdir -p "$libdir"
  for f in "$torch_lib"/*; do ln -sf "$f" "$libdir/"; done
  cp "$so" "$libdir/libdjl_torch.so"
  export LD_LIBRARY_PATH="$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
export PYTORCH_LIBRARY_PATH="$libdir" PYTORCH_VERSION="$torch_ver" PYTORCH_FLAVOR="$flavor" VISTABENCH_JNI_BF16=1

args=(--d 2304 --layers 26 --heads 8 --kv 4 --head_dim 256 --inter 9216 --vocab 256000 --feat 1024
      --batch 16 --image 256 --text 32 --sae_layers "0,1,2,3,4" --sae_width 16384 --warmup 2 --steps "$steps")
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null | head -1 || true
java_line="$("$b/jre/bin/java" -Xmx24g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$b/vistabench.jar:$b/bench-classes" \
  org.vistabench.bench.TrainStepBench "${args[@]}" --device gpu --precision bf16 | tail -1)"
echo "$java_line"
py_line="$("$py" "$b/gpu_step.py" "${args[@]}" | tail -1)"
echo "$py_line"
vb="$(echo "$java_line" | awk '{print $5}')"
pt="$(echo "$py_line" | awk '{print $5}')"
awk -v a="$vb" -v b="$pt" 'BEGIN { printf "step time vistabench %.1f ms, pytorch %.1f ms, ratio pytorch/vistabench = %.3f\n", a, b, b / a }'
