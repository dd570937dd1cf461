/* privdrop.c — capability drop with the raw capset(2) interface (no libcap needed), then a
 * read-back to verify that nothing is left (OpenBSD and p0f check each step; so do we). */
#include "engine/privdrop.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int as_drop_privileges(char *err, size_t errlen)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        snprintf(err, errlen, "cannot set no_new_privs: %s", strerror(errno));
        return -1;
    }
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &hdr, data) != 0) {
        snprintf(err, errlen, "cannot drop capabilities: %s", strerror(errno));
        return -1;
    }
    memset(data, 0xff, sizeof data);
    if (syscall(SYS_capget, &hdr, data) != 0) {
        snprintf(err, errlen, "cannot read capabilities back: %s", strerror(errno));
        return -1;
    }
    for (int i = 0; i < 2; i++)
        if (data[i].effective || data[i].permitted || data[i].inheritable) {
            snprintf(err, errlen, "capabilities still held after dropping them");
            return -1;
        }
    return 0;
}
