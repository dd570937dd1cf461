/* service_check.h — what the systemd service will find when it runs a job: paths its
 * sandbox hides, and database directories its user cannot write. For `config check`,
 * `install-timer` and the scan path's checks before the first packet. */
#ifndef AS_SERVICE_CHECK_H
#define AS_SERVICE_CHECK_H

#include <stddef.h>
#include <sys/types.h>

/* 0 if the unit (PrivateTmp=yes, ProtectHome=yes) sees path as the caller does; -1 with the
 * reason in why otherwise (/tmp, /var/tmp, /home, /root, /run/user). */
int as_unit_path_visible(const char *path, char *why, size_t whylen);

/* 0 if the directory of file path exists and user uid/gid (with its supplementary groups)
 * can create files in it; -1 with what to do in why. */
int as_dir_writable_by(const char *file, uid_t uid, gid_t gid, const char *user, char *why,
                       size_t whylen);

/* 0 if file can be written by this process where it is to be written: an existing file
 * writable, else its directory writable; -1 with the reason. For -oX before the first
 * packet, so a scan never ends with results it cannot write. "-" (stdout) is fine. */
int as_output_writable(const char *file, char *why, size_t whylen);

#endif
