#include "common/Clock.h"

namespace yagura {

const SystemClock& SystemClock::instance() {
    static const SystemClock clock;
    return clock;
}

} // namespace yagura
