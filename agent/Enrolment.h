#pragma once

#include "agent/StateDir.h"
#include "common/Clock.h"
#include "common/Result.h"
#include "crypto/CurveKeys.h"
#include "net/Zmq.h"
#include "proto/agent.pb.h"

#include <chrono>
#include <string>
#include <vector>

namespace yagura::agent {

// One Enrol round trip over CURVE to the first enrolment endpoint that answers. `enroll` uses
// it with a token; `run` uses it without one to ask whether a pending agent was accepted.
Result<proto::EnrolResult> requestEnrolment(net::Context& context, const crypto::CurveKeyPair& keys,
                                            const crypto::CurvePublicKey& serverKey,
                                            const std::vector<std::string>& endpoints,
                                            const proto::Enrol& enrol,
                                            std::chrono::milliseconds timeout);

struct EnrolOptions {
    std::string token;
    std::chrono::milliseconds timeout{15000};
    std::string hostname;     // empty: this host's
    std::string machineId;    // empty: this host's
    std::string osPrettyName; // empty: this host's
};

// Enrols this agent: decodes the token, creates a key pair, asks the server and, only when the
// server registered the key, writes the key and the enrolment to the state directory. Any
// failure leaves the state directory as it was.
Result<EnrolmentState> enrolAgent(const EnrolOptions& options, const StateDir& stateDir,
                                  const Clock& clock);

} // namespace yagura::agent
