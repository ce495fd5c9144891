#!/usr/bin/env bash
# Set up a fresh machine and run the whole test suite (README's test command; CI runs this).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
    echo "installing Debian's chromium for the browser tests..." >&2
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq chromium >&2
fi
# the briefing test builds a Markdown briefing with pandoc and reads its PDF with poppler's pdftotext
if ! command -v pandoc >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
    echo "installing Debian's pandoc and poppler-utils for the briefing test..." >&2
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq pandoc poppler-utils >&2
fi
if [ ! -f tests/.npm/node_modules/cytoscape/dist/cytoscape.min.js ] || \
        [ ! -d tests/.npm/node_modules/graphology-gexf ]; then
    echo "installing cytoscape, graphology and graphology-gexf (npm) for the exchange-format tests..." >&2
    if ! command -v npm >/dev/null 2>&1; then
        SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
        $SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq npm >&2 || true
    fi
    npm install --prefix tests/.npm --no-audit --no-fund --silent cytoscape@3 graphology@0 graphology-gexf@0 >&2 \
        || echo "warning: npm could not install them; those tests will say so" >&2
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' >&2
exec .venv/bin/python -m pytest "$@"
