#!/bin/bash
# conformance/openpool.sh with --file-access shared: no pool (nothing is
# pre-opened), the same results.
# cvisor-test: per-platform
CVISOR_FILE_ACCESS=shared exec "$(dirname "$0")/openpool.sh"
