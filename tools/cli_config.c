/* cli_config.c — `agentscan config check|show|keys`: validate a sweep configuration without
 * scanning, print its effective values in file format, list the keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/config.h"
#include "probes/errors.h"
#include "tools/cli.h"

int cli_load_config(const char *path, as_config *cfg)
{
    static char err[8192];
    if (as_config_load(cfg, path ? path : AS_CONFIG_DEFAULT_PATH, err, sizeof err) != 0) {
        /* Several problems come one a line, each "FILE:LINE: what". */
        fprintf(stderr, "agentscan: %s\n", err);
        return AS_ERR_USAGE;
    }
    return 0;
}

#define USAGE "usage: agentscan config check [FILE] | show [JOB] | keys  [--config FILE]\n" \
    "  (default FILE " AS_CONFIG_DEFAULT_PATH ")"

static int usage(void)
{
    return cli_fail(AS_ERR_USAGE, "%s", USAGE);
}

int cli_config(int argc, char **argv)
{
    const char *path = NULL, *sub = NULL, *arg = NULL, *v;
    for (int i = 1; i < argc; i++) {
        int r = cli_opt_value(argc, argv, &i, "--config", &v);
        if (r < 0)
            return cli_fail(AS_ERR_USAGE, "--config needs a file");
        if (r > 0)
            path = v;
        else if (strcmp(argv[i], "--help") == 0)
            return puts(USAGE) < 0;
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_fail(AS_ERR_USAGE, "config: unknown option '%s'", argv[i]);
        else if (sub == NULL)
            sub = argv[i];
        else if (arg == NULL)
            arg = argv[i];
        else
            return usage();
    }
    if (sub == NULL)
        return usage();
    if (strcmp(sub, "keys") == 0) {
        as_config_print_keys(stdout);
        return 0;
    }
    as_config cfg;
    int rc;
    if (strcmp(sub, "check") == 0) {
        if ((rc = cli_load_config(arg ? arg : path, &cfg)) != 0)
            return rc;
        printf("%s: OK, %zu job(s)", cfg.path, cfg.njobs);
        for (size_t i = 0; i < cfg.njobs; i++)
            printf("%s%s", i ? ", " : ": ", cfg.jobs[i].name);
        printf("\n");
    } else if (strcmp(sub, "show") == 0) {
        char err[1024];
        if ((rc = cli_load_config(path, &cfg)) != 0)
            return rc;
        if (as_config_show(&cfg, arg, stdout, err, sizeof err) != 0)
            rc = cli_fail(AS_ERR_USAGE, "%s", err);
    } else {
        return usage();
    }
    as_config_free(&cfg);
    return rc;
}
