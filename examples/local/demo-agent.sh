#!/usr/bin/env bash
# ============================================================================================
#  DEMO AGENT - not a coding agent. It exists so the example runs with no account or network.
# ============================================================================================
# Symphony's command backend runs this once per turn: the prompt arrives on stdin, the current
# directory is the issue's workspace, and SYMPHONY_ISSUE_IDENTIFIER / SYMPHONY_TURN are set.
# It makes one real change in the workspace (writes notes/<ID>.md) and then moves the issue to the
# "Hand-off state: X" named in the prompt (default Human Review) through the local tracker's
# update_issue tool: a line on stdout starting with SYMPHONY_TOOL: and then {"name", "arguments"}.
set -euo pipefail
prompt="$(cat)"
id="${SYMPHONY_ISSUE_IDENTIFIER:?not run by symphony}"
echo "demo agent: turn ${SYMPHONY_TURN:-1} for ${id}"
mkdir -p notes
{
  echo "# Notes for ${id}"
  echo
  echo "Written by the demo agent on turn ${SYMPHONY_TURN:-1}. First lines of the prompt:"
  echo
  printf '%s\n' "$prompt" | head -n 3 | sed 's/^/> /'
} > "notes/${id}.md"
echo "demo agent: wrote notes/${id}.md"
handoff="$(printf '%s\n' "$prompt" | sed -n 's/^Hand-off state: *//p' | head -n 1)"
handoff="${handoff:-Human Review}"
sleep "${DEMO_AGENT_SLEEP:-1}"
printf 'SYMPHONY_TOOL: {"name":"update_issue","arguments":{"state":"%s","comment":"The demo agent wrote notes/%s.md."}}\n' "$handoff" "$id"
echo "demo agent: moved ${id} to ${handoff}"
