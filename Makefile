# cvisor — a gVisor-style sandboxed OCI runtime in C.
#
#   make run     install deps, build, run a busybox container sandboxed
#   make check   install deps, build, run every test (unit, integration,
#                conformance, escape; both platforms)
#   make asan    the suite under AddressSanitizer + UBSan
#   make bench   the syscall-overhead report (QUICK=1 for a short one)

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
SAN     ?=

PKGS    := libseccomp yajl libcap libbpf
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -fno-strict-aliasing \
	   -Wno-missing-field-initializers -Wshadow -Wformat=2 -I.
LDLIBS  += -lseccomp -lyajl -lcap -lbpf -lpthread

ifneq ($(SAN),)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -O1
LDFLAGS += -fsanitize=address,undefined
endif

# One archive per subsystem; the runsc binary and the tests link them all.
# oci/ (the OCI config model) is a leaf: it uses lib/ and nothing else.
DIRS    := lib oci syscalls platform gofer sentry runsc
$(foreach d,$(DIRS),$(eval SRCS_$(d) := $(filter-out runsc/main.c,$(wildcard $(d)/*.c))))
$(foreach d,$(DIRS),$(eval OBJS_$(d) := $(patsubst %.c,$(BUILD)/%.o,$(SRCS_$(d)))))
LIBS    := $(foreach d,$(DIRS),$(BUILD)/libcv_$(d).a)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS))
# Programs run inside sandboxes by the tests: static, no libc surprises.
PROG_SRCS := $(wildcard tests/progs/*.c)
PROG_BINS := $(patsubst tests/progs/%.c,$(BUILD)/tests/progs/%,$(PROG_SRCS))

.PHONY: all deps run check check-quick asan bench install clean format docs \
	unit-tests test-progs

all: $(BUILD)/bin/runsc unit-tests test-progs

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

define archive_rule
$(BUILD)/libcv_$(1).a: $(OBJS_$(1))
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach d,$(DIRS),$(eval $(call archive_rule,$(d))))

# The sentry's handlers are referenced by its dispatch table
# (sentry/handlers.c, built from syscalls/table.def): no archive is linked
# whole.
LINK_LIBS := -Wl,--start-group $(LIBS) -Wl,--end-group

$(BUILD)/bin/runsc: $(BUILD)/runsc/main.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LINK_LIBS) $(LDLIBS)

unit-tests: $(UNIT_BINS)
$(BUILD)/tests/unit/%: tests/unit/%.c tests/unit/test.h $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LINK_LIBS) $(LDLIBS)

test-progs: $(PROG_BINS)
# -MMD: a program that includes syscalls/table.def (sys_surface) is
# rebuilt when a row changes.
$(BUILD)/tests/progs/%: tests/progs/%.c tests/progs/progs.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -static \
		-MMD -MP -MF $@.d -o $@ $< -lpthread

deps:
	@./scripts/deps.sh

run: deps all
	@./scripts/run-example.sh

check: deps all
	@./tests/run

# Tests without the slow client suites (containerd, podman).
check-quick: deps all
	@CVISOR_QUICK=1 ./tests/run

asan: deps
	$(MAKE) BUILD=build-asan SAN=1 all
	@BUILD=build-asan CVISOR_SAN=1 ./tests/run

bench: deps all
	@./bench/run $(if $(QUICK),--quick)

docs: $(BUILD)/bin/runsc
	$(BUILD)/bin/runsc syscalls --format markdown > docs/syscalls.md
	$(foreach p,sentry gofer,scripts/doc-section.sh docs/security.md \
		confinement-$(p) $(BUILD)/bin/runsc syscalls --confinement $(p) \
		--format markdown &&) true
	scripts/doc-section.sh docs/architecture.md handshake \
		$(BUILD)/tests/unit/test_handshake --markdown

install: $(BUILD)/bin/runsc
	install -D -m 0755 $(BUILD)/bin/runsc $(DESTDIR)$(PREFIX)/bin/cvisor-runsc

format:
	clang-format -i $(foreach d,$(DIRS),$(wildcard $(d)/*.[ch])) tests/unit/*.[ch]

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
