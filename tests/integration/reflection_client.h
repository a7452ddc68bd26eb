// Lists the services a server offers through gRPC server reflection, encoding the two
// messages by field number (see proto/grpc/README.md for why there is no .proto for it).
#ifndef KOMPAS_TESTS_INTEGRATION_REFLECTION_CLIENT_H_
#define KOMPAS_TESTS_INTEGRATION_REFLECTION_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace kompas::testing {

absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel);

}  // namespace kompas::testing

#endif  // KOMPAS_TESTS_INTEGRATION_REFLECTION_CLIENT_H_
