// kompas-caserecord: coaching records per organisation.
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/caserecord/caserecord_service.h"
#include "services/caserecord/database.h"
#include "services/caserecord/storage/crypto.h"
#include "services/caserecord/storage/store.h"
#include "services/common/server_main.h"

ABSL_FLAG(std::string, database, "",
          "where the records live (required): sqlite:/path/caserecord.db (one file, WAL), "
          "postgres:<libpq connection string> (e.g. postgres:host=db dbname=kompas) or a "
          "postgresql:// URI. Keep passwords in ~/.pgpass or PGPASSWORD");
ABSL_FLAG(std::string, deployment_key_file, "",
          "file with the deployment key (32 bytes as 64 hex digits, e.g. `openssl rand -hex 32`) "
          "that wraps every participant's data key (required)");
ABSL_FLAG(std::string, bsn_secret_file, "",
          "file with the secret (32 bytes as 64 hex digits) for the keyed hash of BSNs "
          "(required)");
ABSL_FLAG(std::string, sqlite_synchronous, "full",
          "SQLite only: full (an acknowledged write survives a power loss) or normal (may lose "
          "the last commits on power loss, never on a process crash; faster)");
ABSL_FLAG(std::int32_t, database_readers, 2,
          "reader threads, each with its own database connection");
ABSL_FLAG(std::int32_t, database_read_queue, 1024,
          "reads waiting for a reader thread; more are refused with RESOURCE_EXHAUSTED");
ABSL_FLAG(std::int32_t, database_write_queue, 4096,
          "writes waiting for the writer; more are refused with RESOURCE_EXHAUSTED");
ABSL_FLAG(std::int32_t, database_max_batch, 512,
          "at most this many writes per transaction (group commit)");
ABSL_FLAG(absl::Duration, database_connect_timeout, absl::Seconds(2),
          "PostgreSQL: the longest one connection attempt may take (libpq connect_timeout)");
ABSL_FLAG(absl::Duration, database_probe_timeout, absl::Seconds(2),
          "health: a database that does not answer a ping within this is reported down");
ABSL_FLAG(absl::Duration, database_startup_timeout, absl::Seconds(30),
          "PostgreSQL: at start-up, keep trying to reach the database this long before giving "
          "up (a database starting next to the service)");

namespace {

namespace cr = ::kompas::caserecord;
namespace st = ::kompas::caserecord::storage;

absl::Status Setup(kompas::ServerRuntime& rt, std::vector<std::shared_ptr<void>>& keep) {
  absl::StatusOr<cr::DatabaseSpec> spec =
      cr::ParseDatabaseSpec(absl::GetFlag(FLAGS_database), "--database");
  if (!spec.ok()) return spec.status();
  const std::string synchronous = absl::GetFlag(FLAGS_sqlite_synchronous);
  if (synchronous != "full" && synchronous != "normal") {
    return absl::InvalidArgumentError("--sqlite_synchronous: must be full or normal");
  }
  const std::int32_t readers = absl::GetFlag(FLAGS_database_readers);
  const std::int32_t read_queue = absl::GetFlag(FLAGS_database_read_queue);
  const std::int32_t write_queue = absl::GetFlag(FLAGS_database_write_queue);
  const std::int32_t max_batch = absl::GetFlag(FLAGS_database_max_batch);
  if (readers < 1 || readers > 64) {
    return absl::InvalidArgumentError("--database_readers: must be between 1 and 64");
  }
  if (read_queue < 1 || write_queue < 1 || max_batch < 1) {
    return absl::InvalidArgumentError(
        "--database_read_queue, --database_write_queue and --database_max_batch must be at "
        "least 1");
  }
  const std::string key_file = absl::GetFlag(FLAGS_deployment_key_file);
  const std::string bsn_file = absl::GetFlag(FLAGS_bsn_secret_file);
  if (key_file.empty()) return absl::InvalidArgumentError("--deployment_key_file is required");
  if (bsn_file.empty()) return absl::InvalidArgumentError("--bsn_secret_file is required");
  absl::StatusOr<std::shared_ptr<const st::KeyRing>> keys =
      st::KeyRing::FromFiles(key_file, bsn_file);
  if (!keys.ok()) return keys.status();

  st::StoreOptions options;
  options.keys = *std::move(keys);
  options.reader_threads = readers;
  options.read_queue_capacity = static_cast<size_t>(read_queue);
  options.write_queue_capacity = static_cast<size_t>(write_queue);
  options.max_batch = static_cast<size_t>(max_batch);

  const absl::Time give_up = absl::Now() + absl::GetFlag(FLAGS_database_startup_timeout);
  absl::StatusOr<std::unique_ptr<st::CaseStore>> store;
  for (;;) {
    store = cr::OpenStore(*spec, synchronous == "full",
                          absl::GetFlag(FLAGS_database_connect_timeout), options);
    // Only an unreachable PostgreSQL is worth waiting for; a SQLite file that does not open
    // or a failed migration will not fix itself.
    if (store.ok() || !absl::IsUnavailable(store.status()) ||
        spec->engine != cr::DatabaseSpec::Engine::kPostgres || absl::Now() >= give_up) {
      break;
    }
    rt.logger().Error("database_unreachable", {{"database", spec->DisplayName()},
                                               {"error", std::string(store.status().message())}});
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  if (!store.ok()) {
    return absl::Status(store.status().code(), absl::StrCat("cannot open the ", spec->DisplayName(),
                                                            ": ", store.status().message()));
  }
  // Members are destroyed in reverse order once the server has stopped: the service, the
  // monitor (before the store it pings), then the store (which answers what is still queued).
  struct Parts {
    std::unique_ptr<st::CaseStore> store;
    std::unique_ptr<cr::DatabaseMonitor> monitor;
    std::unique_ptr<cr::CaseRecordServiceImpl> service;
  };
  auto parts = std::make_shared<Parts>();
  parts->store = *std::move(store);
  parts->monitor = std::make_unique<cr::DatabaseMonitor>(
      [s = parts->store.get()] { return s->CheckHealth() == st::Health::kServing; },
      absl::GetFlag(FLAGS_database_probe_timeout));
  parts->service = std::make_unique<cr::CaseRecordServiceImpl>(
      rt.env(), *parts->store, [m = parts->monitor.get()] { return m->up(); });
  rt.AddService(parts->service.get(), cr::kCaseRecordServiceName);
  rt.AddCriticalDependency({"database", [m = parts->monitor.get()] { return m->Probe(); }});
  rt.logger().Info("database_opened", {{"database", spec->DisplayName()},
                                       {"schema_version", st::LatestSchemaVersion()}});
  keep.push_back(std::move(parts));
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  return kompas::RunServerMain(
      argc, argv, "caserecord",
      "kompas-caserecord: coaching records per organisation (gRPC; see docs/caserecord.md)\n"
      "  kompas-caserecord --tokens_file=tokens.jsonl --database=sqlite:/var/lib/kompas/cr.db \\\n"
      "      --deployment_key_file=deployment.key --bsn_secret_file=bsn.key",
      Setup);
}
