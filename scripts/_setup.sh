# Shared by scripts/demo and scripts/test: find Python 3.13 and prepare .venv.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

find_python() {
    local candidate
    for candidate in python3.13 "$HOME"/.pyenv/versions/3.13*/bin/python3.13 \
        /usr/local/bin/python3.13 /usr/bin/python3.13; do
        if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' \
            >/dev/null 2>&1; then
            echo "$candidate"
            return 0
        fi
    done
    echo "Python 3.13 was not found; install it and try again." >&2
    return 1
}

# $1: the dependency set: "" for the product alone (requirements/base.txt), "test" for the
# test and benchmark tools too (requirements/test.txt). The lock files pin every package with
# its hashes, so a fresh machine installs exactly what CI tested; the project itself is then
# installed without dependencies. README, "Production", says how to regenerate them.
setup_venv() {
    local set="${1:-base}"
    local lock="requirements/${set}.txt"
    local stamp=".venv/.installed-${set}"
    if [ ! -x .venv/bin/python ]; then
        "$(find_python)" -m venv .venv
        .venv/bin/python -m pip install --quiet --upgrade pip
    fi
    # Reinstall only when the lock file or pyproject.toml changed since the last install.
    if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        .venv/bin/python -m pip install --quiet --disable-pip-version-check \
            --require-hashes -r "$lock"
        .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
        touch "$stamp"
    fi
}

# Front-end packages (Det Fælles Designsystem, htmx) come from npm, never from the repo.
setup_frontend() {
    if [ -f package.json ]; then
        if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
            npm ci --no-audit --no-fund --loglevel=error
        fi
    fi
}

# Debian packages: Pango for WeasyPrint's PDFs; Chromium for the browser tests.
setup_system_packages() {
    local missing=()
    local package
    for package in "$@"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
            "${missing[@]}"
    fi
}
