/* portstate.h — the port states every layer speaks of: what a reply says about a port
 * (probes classify), what the engine keeps per port and what the store records. */
#ifndef AS_PORTSTATE_H
#define AS_PORTSTATE_H

/* nmap's meanings: open (SYN/ACK; for UDP, any UDP answer), closed (RST; for UDP, ICMP port
 * unreachable), filtered (another ICMP unreachable, or for TCP silence after every retry),
 * open|filtered (UDP only: silence after every retry). UNKNOWN is "not asked yet". */
enum as_port_state {
    AS_PORT_UNKNOWN = 0,
    AS_PORT_OPEN,
    AS_PORT_CLOSED,
    AS_PORT_FILTERED,
    AS_PORT_OPEN_FILTERED,
};

#endif
