#pragma once

namespace yagura::console {

// Process hardening for a program that holds an operator session: not dumpable, so no core
// dumps and no ptrace attach by other processes of the same user (PR_SET_DUMPABLE 0), and a
// core file size limit of zero.
void hardenProcess();

} // namespace yagura::console
