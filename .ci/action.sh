#!/usr/bin/env bash
# The work of the GitHub Action (action.yml): check the pipelines and validate the ASL that the
# globs in $PIPELINES and $ASL match, print the findings to the log, and write one SARIF report
# per command. Always exits 0 so that the SARIF is uploaded; the status is an output.
set -uo pipefail
shopt -s globstar nullglob

out="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/aslc-sarif"
mkdir -p "$out"
status=0

# expand GLOBS...: the files they match, in order, each once.
expand() {
  local -a found=()
  local g
  for g in $1; do
    found+=($g)
  done
  printf '%s\n' "${found[@]}" | awk 'NF && !seen[$0]++'
}

run() {
  local name=$1
  shift
  local -a files
  mapfile -t files < <(expand "$1")
  shift
  if ((${#files[@]} == 0)); then
    echo "aslc $name: no files matched" >&2
    return
  fi
  aslc "$name" "$@" "${files[@]}" >&2
  local rc=$?
  aslc "$name" "$@" --format sarif "${files[@]}" >"$out/$name.sarif"
  ((rc > status)) && status=$rc
}

run check "${PIPELINES:-}"
if [[ "${EXPRESS:-false}" == "true" ]]; then
  run validate "${ASL:-}" --express
else
  run validate "${ASL:-}"
fi

echo "sarif=$out" >>"${GITHUB_OUTPUT:-/dev/null}"
echo "status=$status" >>"${GITHUB_OUTPUT:-/dev/null}"
exit 0
