// SPDX-License-Identifier: Apache-2.0
/*
 * sc_table[] built from table.def, and the lookups over it.
 *
 * The number -> row index is computed at compile time: an enum gives each
 * row its position (table.def is sorted by number), and a designated
 * initialiser places position + 1 at each number (0: not in the table).
 */
#include <errno.h>
#include <string.h>

#include "lib/cleanup.h"
#include "syscalls/table.h"

#define ARGS0() .nargs = 0
#define ARGS1(a) .nargs = 1, .args = { SC_A_##a }
#define ARGS2(a, b) .nargs = 2, .args = { SC_A_##a, SC_A_##b }
#define ARGS3(a, b, c) .nargs = 3, .args = { SC_A_##a, SC_A_##b, SC_A_##c }
#define ARGS4(a, b, c, d)                                                   \
	.nargs = 4, .args = { SC_A_##a, SC_A_##b, SC_A_##c, SC_A_##d }
#define ARGS5(a, b, c, d, e)                                                \
	.nargs = 5,                                                         \
	.args = { SC_A_##a, SC_A_##b, SC_A_##c, SC_A_##d, SC_A_##e }
#define ARGS6(a, b, c, d, e, f)                                             \
	.nargs = 6, .args = { SC_A_##a, SC_A_##b, SC_A_##c,                 \
			      SC_A_##d, SC_A_##e, SC_A_##f }

#define SC_DISP_PASS .disp = SC_PASS, .err = 0
#define SC_DISP_EMULATE .disp = SC_EMULATE, .err = 0
#define SC_DISP_DENY(e) .disp = SC_DENY, .err = (e)

const struct sc_entry sc_table[] = {
#define SC(nr_, name_, disp_, flags_, args_, ret_, note_)                    \
	{ .nr = (nr_), .name = #name_, SC_DISP_##disp_, args_,              \
	  .ret = SC_A_##ret_, .flags = (flags_), .note = (note_) },
#include "syscalls/table.def"
#undef SC
};

const size_t sc_table_len = ARRAY_SIZE(sc_table);

enum sc_pos {
#define SC(nr_, name_, ...) SC_POS_##name_,
#include "syscalls/table.def"
#undef SC
	SC_POS_COUNT
};

/* Row position + 1 by number; 0 where the number is not in the table. */
static const unsigned short sc_index[SC_NR_MAX + 1] = {
#define SC(nr_, name_, ...) [nr_] = SC_POS_##name_ + 1,
#include "syscalls/table.def"
#undef SC
};

_Static_assert(SC_POS_COUNT == ARRAY_SIZE(sc_table), "table.def rows");

const struct sc_entry *sc_lookup(long nr)
{
	if (nr < 0 || nr > SC_NR_MAX || sc_index[nr] == 0)
		return NULL;
	return &sc_table[sc_index[nr] - 1];
}

const struct sc_entry *sc_lookup_name(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sc_table_len; i++) {
		if (strcmp(sc_table[i].name, name) == 0)
			return &sc_table[i];
	}
	return NULL;
}

const char *sc_disp_name(enum sc_disp d)
{
	switch (d) {
	case SC_PASS:
		return "PASS";
	case SC_EMULATE:
		return "EMULATE";
	case SC_DENY:
		return "DENY";
	}
	return "?";
}

const char *sc_errno_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" },	     { ENOENT, "ENOENT" },
		{ EACCES, "EACCES" },	     { EINVAL, "EINVAL" },
		{ ENOTTY, "ENOTTY" },	     { ENOSYS, "ENOSYS" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EAFNOSUPPORT, "EAFNOSUPPORT" },
		{ ENODEV, "ENODEV" },	     { EPROTONOSUPPORT, "EPROTONOSUPPORT" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (names[i].err == err)
			return names[i].name;
	}
	return NULL;
}
