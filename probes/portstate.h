/* portstate.h — the port states every layer speaks of: what a reply says about a port
 * (probes classify), what the engine keeps per port and what the store records. */
#ifndef AS_PORTSTATE_H
#define AS_PORTSTATE_H

/* nmap's meanings: open (SYN/ACK), closed (RST), filtered (an ICMP error, or silence after
 * every retry). UNKNOWN is "not asked yet". */
enum as_port_state { AS_PORT_UNKNOWN = 0, AS_PORT_OPEN, AS_PORT_CLOSED, AS_PORT_FILTERED };

#endif
