/* osfp_fixture.h — a subject fingerprint shared by the OS tests: nmap 7.93's print of our own
 * lab host (Linux 6.18, default sysctls, one hop; see fingerprints/os-db.txt), i.e. our
 * measurement, wrapped as nmap wraps it. */
#ifndef AS_OSFP_FIXTURE_H
#define AS_OSFP_FIXTURE_H

#include <string.h>

#include "fingerprints/osfp.h"

static const char lab_subject[] =
    "TCP/IP fingerprint:\n"
    "OS:SCAN(V=7.93%E=4%D=11/22%OT=22%CT=23%CU=30205%PV=N%DS=1%DC=D%G=Y%M=BE3E7D\n"
    "OS:%TM=6B026729%P=x86_64-pc-linux-gnu)SEQ(SP=102%GCD=1%ISR=10A%TI=Z%CI=Z%II\n"
    "OS:=I%TS=21)OPS(O1=M5B4ST11NWA%O2=M5B4ST11NWA%O3=M5B4NNT11NWA%O4=M5B4ST11NW\n"
    "OS:A%O5=M5B4ST11NWA%O6=M5B4ST11)WIN(W1=FE88%W2=FE88%W3=FE88%W4=FE88%W5=FE88\n"
    "OS:%W6=FE88)ECN(R=Y%DF=Y%T=40%W=FAF0%O=M5B4NNSNWA%CC=Y%Q=)T1(R=Y%DF=Y%T=40%\n"
    "OS:S=O%A=S+%F=AS%RD=0%Q=)T2(R=N)T3(R=N)T4(R=Y%DF=Y%T=40%W=0%S=A%A=Z%F=R%O=%\n"
    "OS:RD=0%Q=)T5(R=Y%DF=Y%T=40%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)T6(R=Y%DF=Y%T=40%W\n"
    "OS:=0%S=A%A=Z%F=R%O=%RD=0%Q=)T7(R=Y%DF=Y%T=40%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)\n"
    "OS:U1(R=Y%DF=N%T=40%IPL=164%UN=0%RIPL=G%RID=G%RIPCK=G%RUCK=G%RUD=G)IE(R=Y%D\n"
    "OS:FI=N%T=40%CD=S)\n";

static int attr(int test, const char *name)
{
    return as_osattr_lookup(test, name, strlen(name));
}

#endif
