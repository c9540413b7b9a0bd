// Linux process calls that Glibc's Swift overlay does not show (they need _GNU_SOURCE).
#ifndef DESKSIDE_CPROCESS_H
#define DESKSIDE_CPROCESS_H
#include <spawn.h>
#include <sys/types.h>

/// prlimit(2) RLIMIT_AS on another process; 0 or -1 with errno.
int deskside_limit_address_space(pid_t pid, unsigned long long bytes);

/// pipe2(2) with O_CLOEXEC; 0 or -1 with errno.
int deskside_pipe_cloexec(int ends[2]);

/// posix_spawn_file_actions_addclosefrom_np: the child gets no descriptor from `low` up, whatever
/// the parent left inheritable.
int deskside_spawn_close_from(posix_spawn_file_actions_t *actions, int low);
#endif
