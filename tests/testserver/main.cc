// kompas-testserver: the shared runtime serving only kompas.testing.v1.TestingService.
#include <sys/stat.h>

#include "absl/flags/flag.h"
#include "services/common/server_main.h"
#include "tests/testserver/testing_service.h"

ABSL_FLAG(std::string, test_dependency_file, "",
          "if set, a critical dependency that is up while this file exists");

int main(int argc, char** argv) {
  return kompas::RunServerMain(
      argc, argv, "testserver", "kompas-testserver: runtime test subject (not for production)",
      [](kompas::ServerRuntime& rt, std::vector<std::shared_ptr<void>>& keep) {
        auto service = std::make_shared<kompas::testing::TestingServiceImpl>(rt.env(), &rt.cache());
        rt.AddService(service.get(), "kompas.testing.v1.TestingService");
        keep.push_back(service);
        const std::string file = absl::GetFlag(FLAGS_test_dependency_file);
        if (!file.empty()) {
          rt.AddCriticalDependency({"test-dependency-file", [file] {
                                      struct stat st {};
                                      return ::stat(file.c_str(), &st) == 0
                                                 ? absl::OkStatus()
                                                 : absl::UnavailableError("file missing");
                                    }});
        }
        return absl::OkStatus();
      });
}
