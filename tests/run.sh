#!/usr/bin/env bash
# Set up a fresh machine and run the whole test suite (README's test command; CI runs this).
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian packages the tests drive: chromium (browser tests), a JRE (Spark), pandoc and poppler's
# pdftotext (the printed briefing), npm (Cytoscape.js / graphology); one apt-get for whatever is missing
need=()
{ command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; } || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v pandoc >/dev/null 2>&1 || need+=(pandoc)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing Debian's ${need[*]} for the tests..." >&2
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq "${need[@]}" >&2
fi
if [ ! -f tests/.npm/node_modules/cytoscape/dist/cytoscape.min.js ] || \
        [ ! -d tests/.npm/node_modules/graphology-gexf ]; then
    echo "installing cytoscape, graphology and graphology-gexf (npm) for the exchange-format tests..." >&2
    npm install --prefix tests/.npm --no-audit --no-fund --silent cytoscape@3 graphology@0 graphology-gexf@0 >&2 \
        || echo "warning: npm could not install them; those tests will say so" >&2
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' >&2
exec .venv/bin/python -m pytest "$@"
