/* pg_conn.c — recognising a PostgreSQL database string, refusing one that carries a password,
 * showing it without secrets, and connecting. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/pg_internal.h"

int as_db_is_pg(const char *db)
{
    if (db == NULL)
        return 0;
    if (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0)
        return 1;
    /* libpq's key=value form: a path never starts with a keyword and an '='. */
    static const char *const keys[] = {"host=", "hostaddr=", "dbname=", "service=", "port=",
                                       "user="};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strncmp(db, keys[i], strlen(keys[i])) == 0)
            return 1;
    return 0;
}

int as_pg_check(const char *conninfo, char *err, size_t errlen)
{
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &perr);
    if (opts == NULL) {
        snprintf(err, errlen, "database string is not valid for PostgreSQL: %s(see libpq's "
                 "\"Connection Strings\": postgresql://HOST/DB or host=HOST dbname=DB)",
                 perr ? perr : "out of memory ");
        PQfreemem(perr);
        return -1;
    }
    int has_password = 0;
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (strcmp(o->keyword, "password") == 0 && o->val && *o->val)
            has_password = 1;
    PQconninfoFree(opts);
    if (has_password) {
        snprintf(err, errlen, "the PostgreSQL database string carries a password, which "
                 "agentscan refuses: it would be visible in the process list, shell history "
                 "and job files; put it in ~/.pgpass (or the file PGPASSFILE names), a service "
                 "file, or use a client certificate");
        return -1;
    }
    return 0;
}

void as_pg_display(const char *conninfo, char *buf, size_t len)
{
    PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
    const char *host = NULL, *port = NULL, *db = NULL, *service = NULL;
    for (PQconninfoOption *o = opts; o && o->keyword; o++) {
        if (!o->val || !*o->val)
            continue;
        if (strcmp(o->keyword, "host") == 0)
            host = o->val;
        else if (strcmp(o->keyword, "port") == 0)
            port = o->val;
        else if (strcmp(o->keyword, "dbname") == 0)
            db = o->val;
        else if (strcmp(o->keyword, "service") == 0)
            service = o->val;
    }
    if (service && !host && !db)
        snprintf(buf, len, "postgresql service %s", service);
    else
        snprintf(buf, len, "postgresql://%s%s%s/%s", host ? host : "", port ? ":" : "",
                 port ? port : "", db ? db : "");
    PQconninfoFree(opts);
}

void as_pg_fail(PGconn *c, const char *conninfo, char *err, size_t errlen, const char *what)
{
    char shown[256];
    as_pg_display(conninfo, shown, sizeof shown);
    const char *msg = c ? PQerrorMessage(c) : "out of memory";
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    snprintf(err, errlen, "database %s: %s: %.*s", shown, what, (int)n, msg);
}

int as_pg_exec(PGconn *c, const char *conninfo, const char *sql, char *err, size_t errlen)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    PQclear(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return 0;
    as_pg_fail(c, conninfo, err, errlen, "statement failed");
    return -1;
}

PGconn *as_pg_connect(const char *conninfo, int migrate, char *err, size_t errlen)
{
    if (as_pg_check(conninfo, err, errlen) < 0)
        return NULL;
    PGconn *c = PQconnectdb(conninfo);
    if (c == NULL || PQstatus(c) != CONNECTION_OK) {
        as_pg_fail(c, conninfo, err, errlen, "cannot connect (is the server up and reachable? "
                   "credentials come from ~/.pgpass, PGPASSFILE or a client certificate)");
        PQfinish(c);
        return NULL;
    }
    /* Quiet NOTICEs ("relation already exists"), UTC times, one application name. */
    if (as_pg_exec(c, conninfo, "SET client_min_messages = warning; SET application_name = "
                   "'agentscan'", err, errlen) < 0 ||
        as_pg_migrate(c, conninfo, migrate, err, errlen) < 0) {
        PQfinish(c);
        return NULL;
    }
    return c;
}

static int pg_true(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    int yes = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
              strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    return yes;
}

void as_pg_probe(const char *conninfo, as_pg_abilities *a)
{
    memset(a, 0, sizeof *a);
    if (as_pg_check(conninfo, a->detail, sizeof a->detail) != 0)
        return;
    PGconn *c = PQconnectdb(conninfo);
    if (c == NULL || PQstatus(c) != CONNECTION_OK) {
        snprintf(a->detail, sizeof a->detail, "%s", c ? PQerrorMessage(c) : "out of memory");
        a->detail[strcspn(a->detail, "\n")] = '\0';
        PQfinish(c);
        return;
    }
    a->connect = 1;
    char err[512];
    a->schema = as_pg_migrate(c, conninfo, 0, err, sizeof err) == 0;
    if (!a->schema) {
        snprintf(a->detail, sizeof a->detail, "%s", err);
        a->migrate = pg_true(c, "SELECT has_schema_privilege(current_schema(), 'CREATE')") &&
                     !pg_true(c, "SELECT to_regclass('agentscan_schema') IS NOT NULL AND "
                              "(SELECT max(version) FROM agentscan_schema) > 1");
    } else {
        a->write = pg_true(c, "SELECT has_table_privilege('scan', 'INSERT') AND "
                           "has_table_privilege('host', 'INSERT, UPDATE') AND "
                           "has_table_privilege('observation', 'INSERT')");
        a->read = pg_true(c, "SELECT has_table_privilege('scan', 'SELECT') AND "
                          "has_table_privilege('host', 'SELECT') AND "
                          "has_table_privilege('evidence', 'SELECT')");
    }
    PQfinish(c);
}
