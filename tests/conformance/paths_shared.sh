#!/bin/bash
# tests/conformance/paths.sh with --file-access shared: the same cases
# against the host kernel with the sentry's cache off.
# cvisor-test: per-platform
CVISOR_FILE_ACCESS=shared exec bash "$(dirname "$0")/paths.sh" "$@"
