#!/usr/bin/env bash
# System packages the tests of the report need (called by .ci/run as root before the tests).
# Idempotent: returns at once when everything is installed.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y --no-install-recommends chromium; }
