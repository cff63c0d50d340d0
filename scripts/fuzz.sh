#!/usr/bin/env bash
# Fuzzes the parsers that face the network or users (docs/fuzzing.md) with libFuzzer: the XML
# parser (xml), the policy canonicaliser (policy), kubeconfig loading (kubeconfig), settings
# loading (settings), the SigV4 canonicaliser (sigv4) and the probe server's request heads
# (http-head). Builds `trustline-fuzz` with `--sanitize=fuzzer` in .build-fuzz (never touching
# .build), runs each target for the given time from its corpus in Tests/Fuzz/Corpus/<target>/
# plus the inputs earlier runs found (.build-fuzz/corpus/<target>/, kept between runs), and
# stops at the first crash or broken invariant, printing the reproducer.
#
# Usage: scripts/fuzz.sh [--seconds N] [--merge] [--no-build] [TARGET...]
#   --seconds N   time per target (default 60)
#   --merge       afterwards add to Tests/Fuzz/Corpus/<target>/ the found inputs that reach code
#                 the corpus does not (libFuzzer -merge=1 on edges, a minimal set); the first
#                 merge adds about a hundred files per target, so review before committing
#   --no-build    use the trustline-fuzz already in .build-fuzz
#   TARGET...     any of xml policy kubeconfig settings sigv4 http-head (default: all)
# Env: FUZZ_MAX_LEN (largest input, default 4096), FUZZ_ARGS (more libFuzzer flags).
# Exit status: 0 when every target ran its time clean; 1 on a finding; 2 on bad usage or a failed build.
set -euo pipefail

script="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
repo="$(dirname "$(dirname "$script")")"
cd "$repo"

all_targets=(xml policy kubeconfig settings sigv4 http-head)
say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
usage() { sed -n '2,18p' "$script" | sed 's/^# \{0,1\}//'; }
bad_usage() { printf 'fuzz.sh: %s\n\n' "$*" >&2; usage >&2; exit 2; }

seconds=60
merge=0
build=1
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds)
      [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || bad_usage "--seconds needs a whole number of seconds, such as --seconds 300"
      seconds="$2"; shift 2 ;;
    --merge) merge=1; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) bad_usage "unknown option $1" ;;
    *)
      [[ " ${all_targets[*]} " == *" $1 "* ]] || bad_usage "unknown target $1; use one of ${all_targets[*]}"
      targets+=("$1"); shift ;;
  esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")

scratch="$repo/.build-fuzz"
if [[ $build -eq 1 ]]; then
  say "Building trustline-fuzz with libFuzzer (swift build --sanitize=fuzzer --scratch-path .build-fuzz)"
  swift build --sanitize=fuzzer --scratch-path "$scratch" --product trustline-fuzz -Xswiftc -DTRUSTLINE_LIBFUZZER \
    || { echo "fuzz.sh: the libFuzzer build failed (see above)" >&2; exit 2; }
fi
binary="$(swift build --sanitize=fuzzer --scratch-path "$scratch" --show-bin-path)/trustline-fuzz"
[[ -x "$binary" ]] || { echo "fuzz.sh: no $binary; run without --no-build" >&2; exit 2; }

max_len="${FUZZ_MAX_LEN:-4096}"
read -r -a extra_args <<< "${FUZZ_ARGS:-}"
for target in "${targets[@]}"; do
  corpus="$repo/Tests/Fuzz/Corpus/$target"
  work="$scratch/runs/$target"
  found="$scratch/corpus/$target"
  rm -rf "$work"
  mkdir -p "$work/artifacts" "$found"
  say "Fuzzing $target for ${seconds}s (corpus: $(find "$corpus" -type f | wc -l) inputs, found earlier: $(find "$found" -type f | wc -l))"
  # New inputs go to $found (the first folder); the repository's corpus is only read here.
  # Swift's own backtracer is off so libFuzzer's crash handler writes the reproducer at once.
  set +e
  TRUSTLINE_FUZZ_TARGET="$target" SWIFT_BACKTRACE=enable=no "$binary" \
    -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -dict="$repo/Tests/Fuzz/Dictionaries/$target.dict" -artifact_prefix="$work/artifacts/" \
    "${extra_args[@]}" "$found" "$corpus" 2>&1 | tee "$work/log.txt" \
    | grep --line-buffered -a -E '^(#[0-9]+.*(pulse|DONE)|INFO: Seed|SUMMARY|stat::)|Fatal error'
  status=${PIPESTATUS[0]}
  set -e
  if [[ $status -ne 0 ]]; then
    reproducer="$(find "$work/artifacts" -type f | head -n 1)"
    echo >&2
    echo "fuzz.sh: $target found a problem (libFuzzer exit $status); full log: $work/log.txt" >&2
    grep -a -m 3 -E 'Fatal error|ERROR: libFuzzer|==[0-9]+==' "$work/log.txt" >&2 || true
    if [[ -n "$reproducer" ]]; then
      echo "reproducer: $reproducer ($(wc -c < "$reproducer") bytes), as text:" >&2
      head -c 600 "$reproducer" | od -c | head -n 20 >&2
      echo "replay it: swift run trustline-fuzz $target $reproducer" >&2
      echo "then fix the parser, add a regression test in its own test target, and copy the" >&2
      echo "reproducer into $corpus/ so the corpus replay tests keep it fixed." >&2
    fi
    exit 1
  fi
  if [[ $merge -eq 1 ]]; then
    before=$(find "$corpus" -type f | wc -l)
    TRUSTLINE_FUZZ_TARGET="$target" SWIFT_BACKTRACE=enable=no "$binary" -merge=1 -use_counters=0 -max_len="$max_len" \
      "$corpus" "$found" > "$work/merge.txt" 2>&1 || { echo "fuzz.sh: merging the $target corpus failed; see $work/merge.txt" >&2; exit 1; }
    echo "$target: clean for ${seconds}s; corpus $before -> $(find "$corpus" -type f | wc -l) inputs" >&2
  else
    echo "$target: clean for ${seconds}s" >&2
  fi
done
