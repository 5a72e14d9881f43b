/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the sentry is told of the container (struct sentry_config,
 * sentry/sentry.h), taken from its OCI config: the sentry never sees the
 * spec, only these values.
 */
#ifndef CV_RUNSC_SENTRY_CONFIG_H
#define CV_RUNSC_SENTRY_CONFIG_H

#include "lib/error.h"
#include "oci/config.h"
#include "sentry/sentry.h"

/*
 * Fills the config's fields that come from spec (names, root propagation
 * and read-only flag, memory limit, mounts and their data, masked and
 * read-only paths, user namespace maps); leaves the others as they are.
 * Strings point into spec, which must outlive cfg; the arrays and the
 * mounts' data are the caller's to free with sentry_config_release(). 0,
 * or < 0 with *err set.
 */
int sentry_config_from_spec(struct sentry_config *cfg,
			    const struct oci_spec *spec, struct cv_error **err);
void sentry_config_release(struct sentry_config *cfg);

#endif
