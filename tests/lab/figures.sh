#!/usr/bin/env bash
# The lab summary's figures block: the "FIGURE ..." lines of the scenario
# groups' outputs, under a heading, or nothing when there are none.
#
# usage: tests/lab/figures.sh GROUP_OUTPUT...
#
# No pipeline here on purpose: `cat big | grep -q` under `set -o pipefail`
# fails when grep stops reading at its first match and cat dies of SIGPIPE
# (a full run's outputs are megabytes), and the block went missing.
# tests/lab_scripts.rs runs this on a generated large output.
set -euo pipefail
[ $# -gt 0 ] || exit 0
figures=$(sed -n 's/^FIGURE /  /p' -- "$@" 2>/dev/null) || true
if [ -n "$figures" ]; then
    echo "figures (guest clock, TCG):"
    printf '%s\n' "$figures"
fi
