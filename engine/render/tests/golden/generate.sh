#!/usr/bin/env bash
# Regenerates the golden cases with the real terraform binary (offline,
# terraform_data only). Each case directory holds v1.tf (applied first,
# optional), v2.tf (planned), args (extra plan arguments, optional) and
# pre.sh (commands run after the v1 apply, optional). Outputs written:
# plan.txt (terraform plan -no-color text), plan.json (terraform show -json)
# prior.tfstate (the state planned against) and, for apply cases,
# apply.txt, applied.tfstate, state.json (show -json), state.txt (show)
# and output.json;
# plan.ui.jsonl (plan -json) always and apply.ui.jsonl (apply -json) for
# cases marked apply_json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# Optional arguments name the cases to regenerate (default: all).
if [ $# -gt 0 ]; then
  cases=(); for n in "$@"; do cases+=("$here/cases/$n/"); done
else
  cases=("$here"/cases/*/)
fi
for case in "${cases[@]}"; do
  name=$(basename "$case")
  work=$(mktemp -d)
  cd "$work"
  : > cli.tfrc; export TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1
  [ -d "$case/modules" ] && cp -r "$case/modules" modules
  if [ -f "$case/v1.tf" ]; then
    cp "$case/v1.tf" main.tf
    terraform init -no-color >/dev/null
    terraform apply -auto-approve -no-color >/dev/null
  fi
  [ -f "$case/pre.sh" ] && bash "$case/pre.sh"
  rm -f main.tf
  cp "$case/v2.tf" main.tf
  terraform init -no-color >/dev/null
  rm -f "$case/prior.tfstate" "$case/state.json" "$case/output.json"
  [ -f terraform.tfstate ] && cp terraform.tfstate "$case/prior.tfstate"
  args=$(cat "$case/args" 2>/dev/null || true)
  set +e
  terraform plan -no-color -out=plan.tfplan $args > "$case/plan.txt" 2>"$case/plan.stderr"
  set -e
  terraform show -json plan.tfplan > "$case/plan.json"
  if [ -f "$case/color" ]; then
    terraform show plan.tfplan > "$case/plan.color.txt"
  fi
  terraform plan -json $args > "$case/plan.ui.jsonl" 2>/dev/null || true
  if [ -f "$case/apply_json" ]; then
    terraform apply -json plan.tfplan > "$case/apply.ui.jsonl" 2>&1 || true
  fi
  if [ -f "$case/apply" ]; then
    color=-no-color
    [ -f "$case/color" ] && color=
    terraform apply $color plan.tfplan > "$case/apply.txt" 2>&1 || true
    cp terraform.tfstate "$case/applied.tfstate"
    terraform show -json > "$case/state.json"
    terraform show -no-color > "$case/state.txt"
    terraform output -json > "$case/output.json"
  fi
  cd "$here"; rm -rf "$work"
  echo "generated $name"
done
