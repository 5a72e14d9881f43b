#!/bin/bash
# The sentry's pool of pre-opened fds (sentry/fs_openpool.c) holds fds
# the gofer opened as one task: none may reach a task with other
# credentials. Root opens a 0600 root file, a 0600 file of uid 1000 and a
# 0644 file again and again (the pool then holds fds root's opens made);
# then uid 1000 opens them (EACCES, the public one opens), uid 1000 with
# and then without group 1234 opens a 0640 root:1234 file, and root
# without CAP_DAC_OVERRIDE opens the 0600 file of uid 1000 (EACCES).
# Every result must be the host kernel's, and the pool must have served
# root's opens (else the attack tried nothing).
# cvisor-test: per-platform
OPENPOOL_MODE=creds exec "$(dirname "$0")/../conformance/openpool.sh"
