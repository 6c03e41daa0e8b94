# Sourced by bin/gensynth and bench/lib/common.sh (not run): the memory allocator the JVM runs libtorch with.
#
# glibc hands every allocation above 32 MB out as fresh pages and returns them on free, so a network whose
# activations are that large (mobilenet_v2 at batch 128: 128x96x28x28 floats = 38 MB, dozens per step)
# page-faults gigabytes per step; measured on mobilenet_v2: 2.2 million page faults and 33 img/s with
# glibc, 0.44 million and 132 img/s with jemalloc. jemalloc keeps freed pages for reuse, handing them back
# lazily (MADV_FREE: the kernel takes them only when it needs memory) after a minute unused, and never with
# MADV_DONTNEED (muzzy_decay_ms:-1): jemalloc 5.3 purges a freed run of 8 MB or more at once in arena 0 whatever
# oversize_threshold says (jemalloc issue 2809), so a training thread that lands on arena 0 (after a long run
# in the same JVM: the detection benchmark's second reference) faulted every activation in afresh each step:
# 80,000 page faults a second, 8x slower. Forced onto arena 0 (narenas:1), centernet_mobilenet_v2 for 0.3
# epochs: 8 img/s and 55 million faults before, 46 img/s and 2.6 million with muzzy_decay_ms:-1
# (bench/results/allocator.md). GENSYNTH_ALLOCATOR=glibc keeps glibc's; bin/setup installs jemalloc (libjemalloc2).
gensynth_allocator() {
  [[ "${GENSYNTH_ALLOCATOR:-jemalloc}" == glibc ]] && return 0
  [[ "${LD_PRELOAD:-}" == *jemalloc* ]] && return 0
  local lib
  for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib64/libjemalloc.so.2 /usr/lib/libjemalloc.so.2; do
    if [[ -f "$lib" ]]; then
      export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}"
      export MALLOC_CONF="${MALLOC_CONF:-oversize_threshold:0,dirty_decay_ms:60000,muzzy_decay_ms:-1}"
      return 0
    fi
  done
  if [[ "${GENSYNTH_ALLOCATOR:-}" == jemalloc ]]; then
    echo "gensynth: GENSYNTH_ALLOCATOR=jemalloc but libjemalloc.so.2 is not installed — apt-get install libjemalloc2" >&2
    return 1
  fi
}
