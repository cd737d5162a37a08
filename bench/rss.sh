#!/usr/bin/env bash
# Peak resident memory (VmHWM) of checkpoint loading: every fixture checkpoint as F32 NDArrays, then a synthetic
# BF16 checkpoint (default 1 GiB, written to /tmp and deleted afterwards): open (headers only), convert one tensor at
# a time, load everything as F32 NDArrays. Usage: bench/rss.sh [GiB] (0 skips the big file).
# BENCH_QUICK=1: the big file is 0.05 GiB. BENCH_NO_BUILD=1: use the classes already built (no mvn call).
set -euo pipefail
cd "$(dirname "$0")/.."
gib="${1:-1}"
if [[ "${BENCH_QUICK:-0}" == 1 ]]; then
  gib=0.05
fi
cp_file="${TMPDIR:-/tmp}/vistabench-cp.txt"
if [[ "${BENCH_NO_BUILD:-0}" != 1 ]]; then
  mvn -B -q test-compile
fi
cp target/test-classpath.txt "$cp_file"
cp="target/classes:target/test-classes:$(cat "$cp_file")"
# Small heap and direct-memory caps: the numbers then show what loading needs, not how lazily the GC returns memory.
jvm=(-Xmx1g -XX:MaxDirectMemorySize=512m -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
java "${jvm[@]}" -cp "$cp" org.vistabench.bench.RssProbe fixtures src/test/resources/fixtures
if [[ "$gib" != "0" ]]; then
  big="${TMPDIR:-/tmp}/vistabench-rss-$$.safetensors"
  java "${jvm[@]}" -cp "$cp" org.vistabench.bench.RssProbe big "$big" "$gib"
  rm -f "$big"
fi
