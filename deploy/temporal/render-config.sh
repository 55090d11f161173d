#!/bin/sh
# Renders a Temporal server configuration template: each placeholder (a dollar sign and a NAME in
# braces) becomes the value of the environment variable NAME. An unset variable is an error; an
# empty one is a value.
#   render-config.sh TEMPLATE OUTPUT
set -eu
template="$1"
output="$2"
script=""
for name in $(grep -o '\${[A-Z_][A-Z0-9_]*}' "$template" | tr -d '${}' | sort -u); do
  if ! eval "[ \"\${$name+set}\" = set ]"; then
    echo "render-config.sh: $name is not set (needed by $template)" >&2
    exit 2
  fi
  eval "value=\${$name}"
  # Escape what sed's replacement treats specially: backslash, the delimiter and &.
  escaped=$(printf '%s' "$value" | sed -e 's/[\\|&]/\\&/g')
  script="${script}s|\${$name}|$escaped|g
"
done
tmp="$output.tmp.$$"
sed -e "$script" "$template" >"$tmp"
mv "$tmp" "$output"
