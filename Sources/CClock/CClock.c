#include <sys/timex.h>
#include "CClock.h"

int deskside_clock_synchronized(void) {
    struct timex state = {0};
    int result = adjtimex(&state);
    if (result < 0) return -1;
    return result == TIME_ERROR ? 0 : 1;
}
