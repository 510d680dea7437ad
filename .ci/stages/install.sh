#!/usr/bin/env bash
# Debian packages and the pinned npm packages the tests need.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/install-deps
