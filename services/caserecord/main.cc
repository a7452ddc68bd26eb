// kompas-caserecord: coaching records per organisation.
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/caserecord/caserecord_service.h"
#include "services/caserecord/database.h"
#include "services/caserecord/retention.h"
#include "services/caserecord/storage/crypto.h"
#include "services/caserecord/storage/key_rotation.h"
#include "services/caserecord/storage/store.h"
#include "services/common/logging.h"
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
ABSL_FLAG(std::vector<std::string>, previous_deployment_key_files, {},
          "while rotating the deployment key: the files of the keys it replaces "
          "(comma-separated). They still open the data keys they wrapped, which a background job "
          "re-wraps with the current key; remove them once it logged key_rotation_done");
ABSL_FLAG(std::vector<std::string>, previous_bsn_secret_files, {},
          "while rotating the BSN secret: the files of the secrets it replaces (comma-separated). "
          "Lookups still find BSNs hashed with them; the background job re-hashes them");
ABSL_FLAG(std::string, matching_address, "",
          "matching's address, e.g. 127.0.0.1:50053, for compass snapshots of a match question; "
          "empty = such snapshots answer UNAVAILABLE");
ABSL_FLAG(std::string, budget_address, "",
          "budget's address, e.g. 127.0.0.1:50051, for compass snapshots of an income question; "
          "empty = such snapshots answer UNAVAILABLE");
ABSL_FLAG(std::string, regions_file, "",
          "gemeente -> arbeidsmarktregio CSV (data/regions/gemeente_arbeidsmarktregio_2026.csv) "
          "for GetNetworkReport; empty: the report answers FAILED_PRECONDITION");
ABSL_FLAG(absl::Duration, compass_timeout, absl::Seconds(10),
          "the longest a snapshot's call to matching or budget may take (the caller's deadline "
          "may be shorter)");
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
ABSL_FLAG(std::int32_t, retention_closed_days, 0,
          "erase every participant whose coaching was closed (state CLOSED with a close_date) "
          "more than this many days ago, with an access-log entry by system:retention; 0 = "
          "never (the default: the period is the organisations' decision, see "
          "docs/caserecord.md)");
ABSL_FLAG(absl::Duration, retention_interval, absl::Hours(24),
          "how often the retention job runs (the first run starts with the service)");

namespace {

namespace cr = ::kompas::caserecord;
namespace st = ::kompas::caserecord::storage;

// A downstream client for compass snapshots; an empty address leaves `out` empty (those
// snapshots then answer UNAVAILABLE naming the service).
template <typename Client>
absl::Status OptionalClient(const char* service, const char* flag, const std::string& address,
                            absl::Duration timeout, kompas::Logger& logger,
                            std::unique_ptr<Client>& out) {
  if (address.empty()) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(
      {.service = service, .address = address, .default_timeout = timeout, .logger = &logger});
  if (!client.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": ", client.status().message()));
  }
  out = *std::move(client);
  return absl::OkStatus();
}

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
  st::KeyFiles key_files;
  key_files.deployment_key_file = key_file;
  key_files.bsn_secret_file = bsn_file;
  key_files.previous_deployment_key_files = absl::GetFlag(FLAGS_previous_deployment_key_files);
  key_files.previous_bsn_secret_files = absl::GetFlag(FLAGS_previous_bsn_secret_files);
  absl::StatusOr<std::shared_ptr<const st::KeyRing>> keys = st::KeyRing::FromFiles(key_files);
  if (!keys.ok()) return keys.status();
  const std::shared_ptr<const st::KeyRing> key_ring = *keys;

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
    // Destroyed before the service and the store: each waits for its calls in flight, whose
    // callbacks use both.
    std::unique_ptr<cr::MatchingClient> matching;
    std::unique_ptr<cr::BudgetClient> budget;
    // Key rotation: stopped first; logs to its own logger (the runtime goes before these).
    std::unique_ptr<kompas::Logger> rotation_log;
    std::unique_ptr<st::KeyRotationJob> rotation;
    // The retention job: stopped first of all (it erases through the store).
    std::unique_ptr<kompas::Logger> retention_log;
    std::unique_ptr<cr::RetentionJob> retention;
  };
  auto parts = std::make_shared<Parts>();
  parts->store = *std::move(store);
  parts->monitor = std::make_unique<cr::DatabaseMonitor>(
      [s = parts->store.get()] { return s->CheckHealth() == st::Health::kServing; },
      absl::GetFlag(FLAGS_database_probe_timeout));
  // Compass snapshots ask matching or budget; either may be left out (UNAVAILABLE then).
  const absl::Duration compass_timeout = absl::GetFlag(FLAGS_compass_timeout);
  if (compass_timeout < absl::Milliseconds(100)) {
    return absl::InvalidArgumentError("--compass_timeout: must be at least 100ms");
  }
  absl::Status clients =
      OptionalClient("matching", "--matching_address", absl::GetFlag(FLAGS_matching_address),
                     compass_timeout, rt.logger(), parts->matching);
  if (clients.ok()) {
    clients = OptionalClient("budget", "--budget_address", absl::GetFlag(FLAGS_budget_address),
                             compass_timeout, rt.logger(), parts->budget);
  }
  if (!clients.ok()) return clients;
  // The network report groups participants by labour-market region.
  std::shared_ptr<const cr::report::RegionMap> regions;
  if (const std::string file = absl::GetFlag(FLAGS_regions_file); !file.empty()) {
    absl::StatusOr<cr::report::RegionMap> loaded = cr::report::LoadRegions(file);
    if (!loaded.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--regions_file: ", loaded.status().message()));
    }
    regions = std::make_shared<const cr::report::RegionMap>(*std::move(loaded));
  }
  parts->service = std::make_unique<cr::CaseRecordServiceImpl>(
      rt.env(), *parts->store, [m = parts->monitor.get()] { return m->up(); },
      cr::CompassClients{parts->matching.get(), parts->budget.get()}, std::move(regions));
  rt.AddService(parts->service.get(), cr::kCaseRecordServiceName);
  rt.AddCriticalDependency({"database", [m = parts->monitor.get()] { return m->Probe(); }});
  rt.logger().Info("database_opened", {{"database", spec->DisplayName()},
                                       {"schema_version", st::LatestSchemaVersion()}});
  // Key rotation (storage/key_rotation.h): refuse to start when participants' data keys are
  // wrapped by a key not configured; with previous keys, re-wrap and re-hash in the background.
  if (absl::Status s = st::CheckDeploymentKeysCoverDatabase(*parts->store, *key_ring); !s.ok()) {
    return s;
  }
  if (key_ring->rotating()) {
    parts->rotation_log = std::make_unique<kompas::Logger>(stderr, "caserecord");
    st::RotationOptions rotation;
    rotation.on_progress = [log = parts->rotation_log.get()](const st::RotationProgress& p) {
      log->Info(p.done ? "key_rotation_done" : "key_rotation_progress",
                {{"passes", p.passes},
                 {"scanned", p.scanned},
                 {"rewrapped", p.rewrapped},
                 {"rehashed", p.rehashed},
                 {"bsn_pending", p.bsn_pending},
                 {"unreadable", p.unreadable},
                 {"bsn_conflicts", p.bsn_conflicts}});
    };
    rotation.on_error = [log = parts->rotation_log.get()](const absl::Status& s) {
      log->Error("key_rotation_retry", {{"error", std::string(s.message())}});
    };
    rt.logger().Info("key_rotation_started",
                     {{"deployment_key_id", key_ring->deployment_key_id()},
                      {"bsn_secret_id", key_ring->bsn_secret_id()},
                      {"previous_deployment_keys", key_ring->previous_deployment_key_count()},
                      {"previous_bsn_secrets", key_ring->previous_bsn_secret_count()}});
    parts->rotation =
        std::make_unique<st::KeyRotationJob>(*parts->store, key_ring, std::move(rotation));
  }
  const std::int32_t retention_days = absl::GetFlag(FLAGS_retention_closed_days);
  const absl::Duration retention_interval = absl::GetFlag(FLAGS_retention_interval);
  if (retention_days < 0 || retention_days > 36500) {
    return absl::InvalidArgumentError("--retention_closed_days: must be between 0 and 36500");
  }
  if (retention_interval < absl::Seconds(1)) {
    return absl::InvalidArgumentError("--retention_interval: must be at least 1s");
  }
  if (retention_days > 0) {
    parts->retention_log = std::make_unique<kompas::Logger>(stderr, "caserecord");
    cr::RetentionOptions retention;
    retention.closed_days = retention_days;
    retention.interval = retention_interval;
    rt.logger().Info("retention_started", {{"closed_days", retention_days},
                                           {"interval", absl::FormatDuration(retention_interval)}});
    parts->retention = std::make_unique<cr::RetentionJob>(
        *parts->store, std::move(retention),
        [log = parts->retention_log.get()](const cr::RetentionReport& r) {
          const std::string cutoff =
              absl::StrCat(r.cutoff.year, "-", absl::Dec(r.cutoff.month, absl::kZeroPad2), "-",
                           absl::Dec(r.cutoff.day, absl::kZeroPad2));
          log->Log(r.failed > 0 ? "ERROR" : "INFO", "retention_run",
                   {{"closed_before", cutoff},
                    {"due", r.due},
                    {"erased", r.erased},
                    {"skipped", r.skipped},
                    {"failed", r.failed},
                    {"error", std::string(r.first_error.message())}});
        });
  }
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
