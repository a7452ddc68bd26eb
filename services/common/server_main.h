// The shared `main` of every Kompas service binary. It owns the common command-line flags
// (this file and the services' main.cc files are the only places flags live) and runs the
// ServerRuntime; a service only says which gRPC services it registers.
#ifndef KOMPAS_SERVICES_COMMON_SERVER_MAIN_H_
#define KOMPAS_SERVICES_COMMON_SERVER_MAIN_H_

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/common/server.h"

namespace kompas {

// Called once the runtime exists and before it starts: register services (keep them alive in
// `keep_alive`) and critical dependencies. An error stops the process with exit code 2.
using ServiceSetup = std::function<absl::Status(ServerRuntime& runtime,
                                                std::vector<std::shared_ptr<void>>& keep_alive)>;

// Parses flags, builds the runtime, starts, serves until SIGTERM. Returns the exit code:
// 0 after a clean drain, 2 for a configuration error (message on stderr naming the cause).
int RunServerMain(int argc, char** argv, absl::string_view service_name, absl::string_view usage,
                  const ServiceSetup& setup);

}  // namespace kompas

#endif  // KOMPAS_SERVICES_COMMON_SERVER_MAIN_H_
