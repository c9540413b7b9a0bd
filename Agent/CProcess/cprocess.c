#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <unistd.h>
#include "cprocess.h"

int deskside_limit_address_space(pid_t pid, unsigned long long bytes) {
    struct rlimit limit = { .rlim_cur = bytes, .rlim_max = bytes };
    return prlimit(pid, RLIMIT_AS, &limit, NULL);
}

int deskside_pipe_cloexec(int ends[2]) {
    return pipe2(ends, O_CLOEXEC);
}

int deskside_spawn_close_from(posix_spawn_file_actions_t *actions, int low) {
    return posix_spawn_file_actions_addclosefrom_np(actions, low);
}
