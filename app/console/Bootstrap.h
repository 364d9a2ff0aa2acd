#pragma once

namespace yagura::console {

// Process hardening for a program that holds an operator session: no core dumps and no
// ptrace attach by other processes of the same user (PR_SET_DUMPABLE 0), no core file limit.
void hardenProcess();

} // namespace yagura::console
