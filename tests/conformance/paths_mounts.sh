#!/bin/bash
# tests/conformance/paths.sh with --file-access-mounts exclusive and the
# work directory a bind mount: the same cases against the host kernel
# with the sentry caching the bind mount's directories and files.
# cvisor-test: per-platform
CVISOR_FILE_ACCESS_MOUNTS=exclusive exec bash "$(dirname "$0")/paths.sh" "$@"
