#ifndef DESKSIDE_CCLOCK_H
#define DESKSIDE_CCLOCK_H

/// 1 when the kernel says the system clock is synchronized (an NTP daemon disciplines it), 0 when it
/// does not, -1 when it cannot be asked (adjtimex(2) in read-only mode).
int deskside_clock_synchronized(void);

#endif
