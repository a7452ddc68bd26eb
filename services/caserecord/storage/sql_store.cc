// The one CaseStore implementation, over an SqlConnection of either engine.
//
// Threads: `reader_threads` readers, each with its own connection, take read tasks from a
// bounded queue; one writer with its own connection takes write operations from a bounded queue
// and commits them in batches (group commit): BEGIN, every operation of the batch, their audit
// rows, COMMIT, and only then each operation's `done`. Operations check before they write
// (NOT_FOUND, ABORTED … leave nothing written), so one refused operation does not spoil its
// batch; when a statement itself fails, the batch is rolled back and its operations are run
// again one per transaction, so only the failing one fails (or all, when the database is
// unreachable).
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/caserecord/storage/codec.h"
#include "services/caserecord/storage/crypto.h"
#include "services/caserecord/storage/key_rotation.h"
#include "services/caserecord/storage/migrations.h"
#include "services/caserecord/storage/sql.h"
#include "services/caserecord/storage/store.h"
#include "services/caserecord/storage/validate.h"
#include "services/common/validation.h"

namespace kompas::caserecord::storage {
namespace {

constexpr int64_t kKindConsent = 1;
constexpr int64_t kKindAssessment = 2;
constexpr int64_t kKindGoal = 3;
constexpr int64_t kKindSession = 4;
constexpr int64_t kKindSnapshot = 5;
constexpr int64_t kKindOutcome = 6;
constexpr int64_t kStateClosed = 3;

// --- Small helpers -------------------------------------------------------------------------

// Appends parameters and names them $1, $2, … in order.
struct Sql {
  std::string text;
  std::vector<SqlValue> params;
  std::string P(SqlValue value) {
    params.push_back(std::move(value));
    return absl::StrCat("$", params.size());
  }
};

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }
absl::Time FromMicros(int64_t us) { return absl::FromUnixMicros(us); }

std::string Sep() { return std::string(1, '\0'); }
std::string KeyBinding(absl::string_view tenant, absl::string_view id) {
  return absl::StrCat("participant-key", Sep(), tenant, Sep(), id);
}
std::string ParticipantBinding(absl::string_view tenant, absl::string_view id) {
  return absl::StrCat("participant", Sep(), tenant, Sep(), id);
}
std::string RecordBinding(absl::string_view tenant, absl::string_view pid, int64_t kind,
                          absl::string_view id) {
  return absl::StrCat("record", Sep(), tenant, Sep(), pid, Sep(), kind, Sep(), id);
}

absl::Status NotFound(absl::string_view what) {
  return absl::NotFoundError(absl::StrCat(what, " not found"));
}

absl::Status CheckEtag(absl::string_view given, int64_t version, absl::string_view what) {
  if (!given.empty() && given != absl::StrCat(version)) {
    return absl::AbortedError(
        absl::StrCat("the ", what, " changed since it was read (stale etag): read it again"));
  }
  return absl::OkStatus();
}

bool IsId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

// Page tokens: web-safe base64 of "v1|<binding hash>|<cursor fields…>" — a keyset cursor (the
// last item's sort key), bound to the list's parent and filters.
uint64_t Fnv1a(absl::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

std::string EncodeToken(absl::string_view binding, const std::vector<std::string>& cursor) {
  return absl::WebSafeBase64Escape(
      absl::StrCat("v1|", Fnv1a(binding), "|", absl::StrJoin(cursor, "|")));
}

// Empty token → empty cursor. INVALID_ARGUMENT naming page_token when it is not one of ours for
// this request.
absl::StatusOr<std::vector<std::string>> DecodeToken(absl::string_view token,
                                                     absl::string_view binding, size_t fields) {
  if (token.empty()) return std::vector<std::string>();
  std::string raw;
  const absl::Status invalid =
      InvalidField("page_token", "is not a token of this list with these filters");
  if (!absl::WebSafeBase64Unescape(token, &raw)) return invalid;
  std::vector<std::string> parts = absl::StrSplit(raw, '|');
  if (parts.size() != fields + 2 || parts[0] != "v1" || parts[1] != absl::StrCat(Fnv1a(binding))) {
    return invalid;
  }
  parts.erase(parts.begin(), parts.begin() + 2);
  return parts;
}

bool ParseInt(absl::string_view s, int64_t* out) { return absl::SimpleAtoi(s, out); }

// --- Participants: rows --------------------------------------------------------------------

constexpr char kParticipantColumns[] =
    "p.id, p.mentor, p.state, p.gemeente_code, p.intake_date, p.close_date, "
    "CASE WHEN p.bsn_hash IS NULL THEN 0 ELSE 1 END, p.wrapped_key, p.sealed, p.version, "
    "p.create_time, p.update_time";

// The row without the sealed fields; `data_key` receives the unwrapped key when not null.
absl::StatusOr<Participant> DecodeParticipant(const SqlRow& row, absl::string_view tenant,
                                              const KeyRing& keys, std::string* data_key) {
  Participant p;
  p.id = row.Text(0);
  p.mentor = row.Text(1);
  p.state = static_cast<ParticipantState>(row.Int(2));
  p.gemeente_code = row.Text(3);
  p.intake_date = Date::FromKey(row.Int(4));
  p.close_date = Date::FromKey(row.Int(5));
  p.bsn_on_file = row.Int(6) != 0;
  absl::StatusOr<std::string> key = keys.UnwrapDataKey(row.Text(7), KeyBinding(tenant, p.id));
  if (!key.ok()) return key.status();
  absl::StatusOr<std::string> payload = Open(*key, row.Text(8), ParticipantBinding(tenant, p.id));
  if (!payload.ok()) return payload.status();
  if (absl::Status s = FromPayload(*payload, &p); !s.ok()) return s;
  p.etag = absl::StrCat(row.Int(9));
  p.create_time = FromMicros(row.Int(10));
  p.update_time = FromMicros(row.Int(11));
  if (data_key != nullptr) *data_key = *std::move(key);
  return p;
}

absl::StatusOr<std::optional<SqlRow>> SelectParticipantRow(SqlConnection& c,
                                                           absl::string_view tenant,
                                                           absl::string_view id) {
  if (!IsId(id)) return std::optional<SqlRow>();
  Sql q;
  q.text = absl::StrCat("SELECT ", kParticipantColumns,
                        " FROM participants p WHERE p.tenant = ", q.P(std::string(tenant)),
                        " AND p.id = ", q.P(std::string(id)));
  absl::StatusOr<std::vector<SqlRow>> rows = c.Query(q.text, q.params);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<SqlRow>();
  return std::optional<SqlRow>(std::move(rows->front()));
}

// The participant's data key, or NOT_FOUND.
absl::StatusOr<std::string> ParticipantKey(SqlConnection& c, const KeyRing& keys,
                                           absl::string_view tenant, absl::string_view pid) {
  if (!IsId(pid)) return NotFound("participant");
  absl::StatusOr<std::vector<SqlRow>> rows =
      c.Query("SELECT wrapped_key FROM participants WHERE tenant = $1 AND id = $2",
              {std::string(tenant), std::string(pid)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return NotFound("participant");
  return keys.UnwrapDataKey(rows->front().Text(0), KeyBinding(tenant, pid));
}

// --- Records (consents, assessments, goals, sessions) --------------------------------------

struct RecordColumns {
  int64_t sort_date = 0;
  int64_t timeline_date = 0;
  int64_t state = 0;
  int64_t category = 0;
  int64_t levels[kPillarCount] = {};
};

template <typename T>
struct RecordTraits;

template <>
struct RecordTraits<Consent> {
  static constexpr int64_t kKind = kKindConsent;
  static constexpr char kName[] = "consent";
  static constexpr char kCollection[] = "consents";
  static constexpr bool kNewestFirst = true;
  static RecordColumns Columns(const Consent& c) {
    RecordColumns cols;
    cols.sort_date = cols.timeline_date = c.grant_date.ToKey();
    cols.state = static_cast<int64_t>(c.state);
    cols.category = static_cast<int64_t>(c.purpose);
    return cols;
  }
  static absl::Status Validate(const Consent& c, const Date& today) {
    return ValidateConsent(c, today);
  }
};

template <>
struct RecordTraits<Assessment> {
  static constexpr int64_t kKind = kKindAssessment;
  static constexpr char kName[] = "assessment";
  static constexpr char kCollection[] = "assessments";
  static constexpr bool kNewestFirst = true;
  static RecordColumns Columns(const Assessment& a) {
    RecordColumns cols;
    cols.sort_date = cols.timeline_date = a.assessment_date.ToKey();
    for (const PillarLevel& l : a.levels) {
      const auto p = static_cast<int64_t>(l.pillar);
      if (p >= 1 && p <= kPillarCount) cols.levels[p - 1] = l.level;
    }
    return cols;
  }
  static absl::Status Validate(const Assessment& a, const Date& today) {
    return ValidateAssessment(a, today);
  }
};

template <>
struct RecordTraits<Goal> {
  static constexpr int64_t kKind = kKindGoal;
  static constexpr char kName[] = "goal";
  static constexpr char kCollection[] = "goals";
  static constexpr bool kNewestFirst = false;
  static RecordColumns Columns(const Goal& g) {
    RecordColumns cols;
    cols.sort_date = g.target_date.ToKey();
    cols.timeline_date = Date::FromTime(g.create_time).ToKey();
    cols.state = static_cast<int64_t>(g.state);
    cols.category = static_cast<int64_t>(g.pillar);
    return cols;
  }
  static absl::Status Validate(const Goal& g, const Date&) { return ValidateGoal(g); }
};

template <>
struct RecordTraits<Session> {
  static constexpr int64_t kKind = kKindSession;
  static constexpr char kName[] = "session";
  static constexpr char kCollection[] = "sessions";
  static constexpr bool kNewestFirst = true;
  static RecordColumns Columns(const Session& s) {
    RecordColumns cols;
    cols.sort_date = cols.timeline_date = s.session_date.ToKey();
    cols.state = static_cast<int64_t>(s.mode);
    return cols;
  }
  static absl::Status Validate(const Session& s, const Date& today) {
    return ValidateSession(s, today);
  }
};

// The plain columns of a snapshot and an outcome are read directly by the network report
// (kind 5: state = lonend, category = question kind; kind 6: category = type). Nothing else
// of them is in plain columns: margins, wages and hours stay in the sealed payload.

template <>
struct RecordTraits<CompassSnapshot> {
  static constexpr int64_t kKind = kKindSnapshot;
  static constexpr char kName[] = "compass snapshot";
  static constexpr char kCollection[] = "compassSnapshots";
  static constexpr bool kNewestFirst = true;
  static RecordColumns Columns(const CompassSnapshot& s) {
    RecordColumns cols;
    cols.sort_date = cols.timeline_date = Date::FromTime(s.create_time).ToKey();
    cols.state = s.lonend ? 1 : 0;
    cols.category = static_cast<int64_t>(s.question_kind);
    return cols;
  }
  static absl::Status Validate(const CompassSnapshot& s, const Date&) {
    return ValidateSnapshot(s);
  }
};

template <>
struct RecordTraits<Outcome> {
  static constexpr int64_t kKind = kKindOutcome;
  static constexpr char kName[] = "outcome";
  static constexpr char kCollection[] = "outcomes";
  static constexpr bool kNewestFirst = true;
  static RecordColumns Columns(const Outcome& o) {
    RecordColumns cols;
    cols.sort_date = cols.timeline_date = o.outcome_date.ToKey();
    cols.category = static_cast<int64_t>(o.type);
    return cols;
  }
  static absl::Status Validate(const Outcome& o, const Date& today) {
    return ValidateOutcome(o, today);
  }
};

std::string RecordResource(absl::string_view pid, absl::string_view collection,
                           absl::string_view id) {
  return absl::StrCat("participants/", pid, "/", collection, "/", id);
}

constexpr char kRecordColumns[] =
    "r.id, r.sealed, r.version, r.create_time, r.update_time, p.wrapped_key, r.kind";

// Decodes a record row (kRecordColumns). `key_cache`: the participant's data key once unwrapped.
template <typename T>
absl::StatusOr<T> DecodeRecord(const SqlRow& row, absl::string_view tenant, absl::string_view pid,
                               const KeyRing& keys, std::string* key_cache) {
  if (key_cache->empty()) {
    absl::StatusOr<std::string> key = keys.UnwrapDataKey(row.Text(5), KeyBinding(tenant, pid));
    if (!key.ok()) return key.status();
    *key_cache = *std::move(key);
  }
  T record;
  record.id = row.Text(0);
  record.participant_id = std::string(pid);
  absl::StatusOr<std::string> payload =
      Open(*key_cache, row.Text(1), RecordBinding(tenant, pid, RecordTraits<T>::kKind, record.id));
  if (!payload.ok()) return payload.status();
  if (absl::Status s = FromPayload(*payload, &record); !s.ok()) return s;
  record.etag = absl::StrCat(row.Int(2));
  record.create_time = FromMicros(row.Int(3));
  record.update_time = FromMicros(row.Int(4));
  return record;
}

// --- Thread pools --------------------------------------------------------------------------

// A write operation for the writer: `apply` runs inside the batch's transaction and must check
// before it writes (an error return leaves nothing written); `finish` gets the operation's
// result after the commit. Audit-only operations (the log entry of a read) have no `apply`.
struct WriteOp {
  std::string tenant;
  std::string token_id;
  std::string actor;
  std::string method;
  std::string participant_id;
  std::string resource;
  std::function<absl::Status(SqlConnection&)> apply;
  absl::Status audit_status;  // For audit-only operations.
  std::function<void(absl::Status)> finish;
  bool audit = true;  // False for jobs that span organisations (RunOnWriter).
};

// Wraps the writer's connection and keeps the first statement error of a batch.
class TrackingConnection final : public SqlConnection {
 public:
  explicit TrackingConnection(SqlConnection& inner) : inner_(inner) {}
  Dialect dialect() const override { return inner_.dialect(); }
  absl::Status Script(const std::string& sql) override { return Track(inner_.Script(sql)); }
  absl::StatusOr<std::vector<SqlRow>> Query(const std::string& sql,
                                            const std::vector<SqlValue>& params) override {
    absl::StatusOr<std::vector<SqlRow>> rows = inner_.Query(sql, params);
    (void)Track(rows.status());
    return rows;
  }
  absl::StatusOr<int64_t> Exec(const std::string& sql,
                               const std::vector<SqlValue>& params) override {
    absl::StatusOr<int64_t> changed = inner_.Exec(sql, params);
    (void)Track(changed.status());
    return changed;
  }
  absl::Status BeginWrite() override { return Track(inner_.BeginWrite()); }
  absl::Status Ping() override { return inner_.Ping(); }
  const absl::Status& error() const { return error_; }
  void Reset() { error_ = absl::OkStatus(); }

 private:
  absl::Status Track(absl::Status s) {
    if (!s.ok() && error_.ok()) error_ = s;
    return s;
  }
  SqlConnection& inner_;
  absl::Status error_;
};

using ConnectFn = std::function<absl::StatusOr<std::unique_ptr<SqlConnection>>(bool reader)>;

class SqlCaseStore final : public CaseStore {
 public:
  SqlCaseStore(StoreOptions options, ConnectFn connect)
      : options_(std::move(options)), connect_(std::move(connect)) {}

  ~SqlCaseStore() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    readers_cv_.notify_all();
    for (std::thread& t : readers_) t.join();  // Readers finish their queue first…
    {
      std::lock_guard<std::mutex> lock(mu_);
      writer_stopping_ = true;  // …then the writer commits what they and callers queued.
    }
    writer_cv_.notify_all();
    if (writer_.joinable()) writer_.join();
  }

  absl::Status Start() {
    absl::StatusOr<std::unique_ptr<SqlConnection>> writer = connect_(false);
    if (!writer.ok()) return writer.status();
    if (absl::Status s = Migrate(**writer); !s.ok()) return s;
    writer_connection_ = *std::move(writer);
    absl::StatusOr<std::unique_ptr<SqlConnection>> health = connect_(true);
    if (!health.ok()) return health.status();
    health_connection_ = *std::move(health);
    std::vector<std::unique_ptr<SqlConnection>> readers;
    for (int i = 0; i < std::max(1, options_.reader_threads); ++i) {
      absl::StatusOr<std::unique_ptr<SqlConnection>> reader = connect_(true);
      if (!reader.ok()) return reader.status();
      readers.push_back(*std::move(reader));
    }
    writer_ = std::thread([this] { WriterLoop(); });
    for (auto& reader : readers) {
      readers_.emplace_back([this, c = std::move(reader)]() mutable { ReaderLoop(*c); });
    }
    return absl::OkStatus();
  }

  // --- Participants ------------------------------------------------------------------------

  void CreateParticipant(const CallContext& ctx, Participant p, Done<Participant> done) override {
    if (absl::Status s = CheckContext(ctx); !s.ok()) return done(s);
    if (p.mentor.empty()) p.mentor = ctx.actor;
    if (p.state == ParticipantState::kUnspecified) p.state = ParticipantState::kActive;
    if (absl::Status s = ValidateParticipant(p); !s.ok()) return done(s);
    const absl::Time now = StoredNow();
    p.id = NewId();
    p.create_time = p.update_time = now;
    p.etag = "1";
    const std::string data_key = KeyRing::NewDataKey();
    Blob wrapped{options_.keys->WrapDataKey(data_key, KeyBinding(ctx.tenant, p.id))};
    Blob sealed{Seal(data_key, ToPayload(p), ParticipantBinding(ctx.tenant, p.id))};
    // The BSN is kept as its hash under the current secret and sealed with the data key (so a
    // rotation of the secret can re-hash it); duplicates are looked for under every configured
    // secret (key_rotation.h).
    SqlValue bsn_hash = Null{};
    SqlValue bsn_sealed = Null{};
    std::vector<std::string> bsn_hashes;
    if (!p.bsn.empty()) {
      bsn_hashes = options_.keys->BsnHashes(ctx.tenant, p.bsn);
      bsn_hash = Blob{bsn_hashes.front()};
      bsn_sealed = Blob{Seal(data_key, p.bsn, BsnBinding(ctx.tenant, p.id))};
    }
    p.bsn_on_file = !p.bsn.empty();
    p.bsn.clear();
    const std::string id = p.id;
    Write<Participant>(
        ctx, id, absl::StrCat("participants/", id),
        [tenant = ctx.tenant, p = std::move(p), wrapped = std::move(wrapped),
         sealed = std::move(sealed), bsn_hash = std::move(bsn_hash),
         bsn_sealed = std::move(bsn_sealed),
         bsn_hashes = std::move(bsn_hashes)](SqlConnection& c) -> absl::StatusOr<Participant> {
          if (!bsn_hashes.empty()) {
            std::vector<SqlValue> params = {tenant};
            absl::StatusOr<std::vector<SqlRow>> existing =
                c.Query(absl::StrCat("SELECT id FROM participants WHERE tenant = $1 AND ",
                                     BsnHashIn("bsn_hash", bsn_hashes, params)),
                        params);
            if (!existing.ok()) return existing.status();
            if (!existing->empty()) {
              return absl::AlreadyExistsError(
                  absl::StrCat("a participant with this BSN is already on file: participants/",
                               existing->front().Text(0)));
            }
          }
          absl::StatusOr<int64_t> inserted = c.Exec(
              "INSERT INTO participants (tenant, id, mentor, state, gemeente_code, intake_date, "
              "close_date, bsn_hash, wrapped_key, sealed, version, create_time, update_time, "
              "bsn_sealed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11, $12)",
              {tenant, p.id, p.mentor, int64_t{static_cast<int32_t>(p.state)}, p.gemeente_code,
               p.intake_date.ToKey(), p.close_date.ToKey(), bsn_hash, wrapped, sealed,
               Micros(p.create_time), bsn_sealed});
          if (!inserted.ok()) return inserted.status();
          return p;
        },
        std::move(done));
  }

  void GetParticipant(const CallContext& ctx, std::string id, Done<Participant> done) override {
    if (absl::Status s = CheckContext(ctx); !s.ok()) return done(s);
    Read<Participant>(
        ctx, id, absl::StrCat("participants/", id), /*audit=*/true,
        [this, tenant = ctx.tenant, id](SqlConnection& c) -> absl::StatusOr<Participant> {
          absl::StatusOr<std::optional<SqlRow>> row = SelectParticipantRow(c, tenant, id);
          if (!row.ok()) return row.status();
          if (!row->has_value()) return NotFound("participant");
          return DecodeParticipant(**row, tenant, *options_.keys, nullptr);
        },
        std::move(done));
  }

  void LookupParticipant(const CallContext& ctx, std::string bsn, Done<Participant> done) override {
    if (absl::Status s = CheckContext(ctx); !s.ok()) return done(s);
    if (!IsValidBsn(bsn)) {
      return done(InvalidField("bsn", "must be 9 digits that pass the elfproef"));
    }
    // Under the current BSN secret and every previous one (a rotation under way); a participant
    // found under a previous one, or without its sealed BSN, has its row brought up to date by a
    // write queued before the audit entry, so it is committed before the answer
    // (LazyBsnRefresh, key_rotation.h).
    std::vector<std::string> hashes = options_.keys->BsnHashes(ctx.tenant, bsn);
    // The audit entry names the participant found, so it is written after the read.
    if (!readers_queue_push([this, ctx, bsn = std::move(bsn), hashes = std::move(hashes),
                             done](SqlConnection& c) {
          absl::StatusOr<Participant> result = [&]() -> absl::StatusOr<Participant> {
            std::vector<SqlValue> params = {ctx.tenant};
            absl::StatusOr<std::vector<SqlRow>> rows =
                c.Query(absl::StrCat("SELECT ", kParticipantColumns,
                                     ", p.bsn_hash, p.bsn_sealed FROM participants p WHERE "
                                     "p.tenant = $1 AND ",
                                     BsnHashIn("p.bsn_hash", hashes, params)),
                        params);
            if (!rows.ok()) return rows.status();
            if (rows->empty()) return NotFound("participant with this BSN");
            const size_t hash_column = rows->front().size() - 2;
            const SqlRow* row = &rows->front();
            for (const SqlRow& r : *rows) {
              if (r.Text(hash_column) == hashes.front()) row = &r;
            }
            std::string data_key;
            absl::StatusOr<Participant> found =
                DecodeParticipant(*row, ctx.tenant, *options_.keys, &data_key);
            if (!found.ok()) return found;
            if (auto refresh = LazyBsnRefresh(*options_.keys, ctx.tenant, found->id, bsn, data_key,
                                              row->Text(hash_column), row->Text(hash_column + 1))) {
              RunOnWriter(std::move(refresh), [](absl::Status) {});
            }
            return found;
          }();
          const std::string pid = result.ok() ? result->id : "";
          AuditThenDeliver<Participant>(
              ctx, pid, pid.empty() ? "participants" : absl::StrCat("participants/", pid),
              std::move(result), done);
        })) {
      done(QueueFull("read"));
    }
  }

  void ListParticipants(const CallContext& ctx, ParticipantFilter filter, PageRequest page,
                        Done<Page<Participant>> done) override {
    if (absl::Status s = CheckContext(ctx); !s.ok()) return done(s);
    if (absl::Status s = ValidateFilter(filter); !s.ok()) return done(s);
    absl::StatusOr<int> size = PageSize(page.page_size);
    if (!size.ok()) return done(size.status());
    const std::string binding =
        absl::StrCat("participants|", filter.mentor, "|", static_cast<int32_t>(filter.state), "|",
                     static_cast<int32_t>(filter.pillar), "|", filter.max_pillar_level, "|",
                     filter.min_days_without_session);
    absl::StatusOr<std::vector<std::string>> cursor = DecodeToken(page.page_token, binding, 2);
    if (!cursor.ok()) return done(cursor.status());
    int64_t after_time = 0;
    if (!cursor->empty() && (!ParseInt((*cursor)[0], &after_time) || !IsId((*cursor)[1]))) {
      return done(InvalidField("page_token", "is malformed"));
    }
    const int64_t cutoff =
        filter.min_days_without_session == 0
            ? 0
            : Date::FromTime(options_.now() - absl::Hours(24 * filter.min_days_without_session))
                  .ToKey();
    Read<Page<Participant>>(
        ctx, "", "", /*audit=*/false,
        [this, tenant = ctx.tenant, filter, n = *size, cursor = *cursor, after_time, cutoff,
         binding](SqlConnection& c) -> absl::StatusOr<Page<Participant>> {
          Sql q;
          q.text = absl::StrCat("SELECT ", kParticipantColumns,
                                " FROM participants p WHERE p.tenant = ", q.P(tenant));
          if (!filter.mentor.empty())
            absl::StrAppend(&q.text, " AND p.mentor = ", q.P(filter.mentor));
          if (filter.state == ParticipantState::kUnspecified) {
            absl::StrAppend(&q.text, " AND p.state <> ", kStateClosed);
          } else {
            absl::StrAppend(&q.text,
                            " AND p.state = ", q.P(int64_t{static_cast<int32_t>(filter.state)}));
          }
          if (filter.pillar != Pillar::kUnspecified) {
            // The column is chosen from the validated enum, never from text.
            absl::StrAppend(&q.text, " AND (SELECT r.l", static_cast<int32_t>(filter.pillar),
                            " FROM records r WHERE r.tenant = p.tenant AND r.participant_id = "
                            "p.id AND r.kind = ",
                            kKindAssessment,
                            " ORDER BY r.sort_date DESC, r.create_time DESC, r.id DESC LIMIT 1)"
                            " <= ",
                            q.P(int64_t{filter.max_pillar_level}));
          }
          if (cutoff != 0) {
            absl::StrAppend(&q.text,
                            " AND NOT EXISTS (SELECT 1 FROM records r WHERE r.tenant = p.tenant "
                            "AND r.participant_id = p.id AND r.kind = ",
                            kKindSession, " AND r.sort_date > ", q.P(cutoff), ")");
          }
          if (!cursor.empty()) {
            absl::StrAppend(&q.text, " AND (p.create_time, p.id) > (", q.P(after_time), ", ",
                            q.P(cursor[1]), ")");
          }
          absl::StrAppend(&q.text, " ORDER BY p.create_time, p.id LIMIT ", n + 1);
          absl::StatusOr<std::vector<SqlRow>> rows = c.Query(q.text, q.params);
          if (!rows.ok()) return rows.status();
          Page<Participant> out;
          for (size_t i = 0; i < rows->size() && i < static_cast<size_t>(n); ++i) {
            absl::StatusOr<Participant> p =
                DecodeParticipant((*rows)[i], tenant, *options_.keys, nullptr);
            if (!p.ok()) return p.status();
            out.items.push_back(*std::move(p));
          }
          if (rows->size() > static_cast<size_t>(n)) {
            const Participant& last = out.items.back();
            out.next_page_token =
                EncodeToken(binding, {absl::StrCat(Micros(last.create_time)), last.id});
          }
          return out;
        },
        // A caseload page shows names and contact details: each participant on it is a read of
        // their data and gets an audit row. The rows are queued for the next group commit but
        // not waited for (a caseload page must stay fast: List p99 < 5 ms); a page whose rows
        // cannot even be queued is refused, so no page goes out unaudited. The trade-off: a
        // crash within one commit interval can lose the audit rows of pages just shown.
        [this, ctx, done = std::move(done)](absl::StatusOr<Page<Participant>> listed) {
          if (!listed.ok() || listed->items.empty()) return done(std::move(listed));
          auto refused = std::make_shared<absl::Status>();
          for (const Participant& p : listed->items) {
            WriteOp op{ctx.tenant, ctx.token_id,
                       ctx.actor,  ctx.method,
                       p.id,       absl::StrCat("participants/", p.id),
                       nullptr,    absl::OkStatus(),
                       nullptr};
            // Runs at once (on this thread) when the queue is full or the store is stopping.
            op.finish = [refused, queued_on = std::this_thread::get_id()](absl::Status s) {
              if (!s.ok() && std::this_thread::get_id() == queued_on && refused->ok()) {
                *refused = s;
              }
            };
            SubmitWrite(std::move(op));
            if (!refused->ok()) return done(*refused);
          }
          done(std::move(listed));
        });
  }

  void UpdateParticipant(const CallContext& ctx, Participant input, FieldMask mask,
                         Done<Participant> done) override {
    if (absl::Status s = CheckContext(ctx); !s.ok()) return done(s);
    if (absl::Status s = ValidateMask(mask, {"display_name", "contact", "bsn", "mentor", "state",
                                             "gemeente_code", "intake_date", "close_date"});
        !s.ok()) {
      return done(s);
    }
    SqlValue new_hash = Null{};
    if (std::find(mask.begin(), mask.end(), "bsn") != mask.end() && !input.bsn.empty()) {
      if (!IsValidBsn(input.bsn)) {
        return done(InvalidField("participant.bsn", "must be 9 digits that pass the elfproef"));
      }
      new_hash = Blob{options_.keys->BsnHash(ctx.tenant, input.bsn)};
    }
    // The new BSN, sealed with the participant's key below (so that a key rotation can
    // re-hash it), and its hashes under every configured secret (a duplicate under a secret
    // being rotated out is still a duplicate).
    std::string bsn = std::holds_alternative<Null>(new_hash) ? "" : input.bsn;
    std::vector<std::string> bsn_hashes =
        bsn.empty() ? std::vector<std::string>{} : options_.keys->BsnHashes(ctx.tenant, bsn);
    input.bsn.clear();
    const std::string id = input.id;
    const absl::Time now = StoredNow();
    Write<Participant>(
        ctx, id, absl::StrCat("participants/", id),
        [this, tenant = ctx.tenant, input = std::move(input), mask = std::move(mask),
         new_hash = std::move(new_hash), bsn = std::move(bsn), bsn_hashes = std::move(bsn_hashes),
         now](SqlConnection& c) -> absl::StatusOr<Participant> {
          absl::StatusOr<std::optional<SqlRow>> row = SelectParticipantRow(c, tenant, input.id);
          if (!row.ok()) return row.status();
          if (!row->has_value()) return NotFound("participant");
          std::string data_key;
          absl::StatusOr<Participant> stored =
              DecodeParticipant(**row, tenant, *options_.keys, &data_key);
          if (!stored.ok()) return stored.status();
          const int64_t version = (*row)->Int(9);
          if (absl::Status s = CheckEtag(input.etag, version, "participant"); !s.ok()) return s;
          Participant p = *std::move(stored);
          if (MaskHas(mask, "display_name")) p.display_name = input.display_name;
          if (MaskHas(mask, "contact")) p.contact = input.contact;
          if (MaskHas(mask, "mentor")) p.mentor = input.mentor;
          if (MaskHas(mask, "state")) p.state = input.state;
          if (MaskHas(mask, "gemeente_code")) p.gemeente_code = input.gemeente_code;
          if (MaskHas(mask, "intake_date")) p.intake_date = input.intake_date;
          if (MaskHas(mask, "close_date")) p.close_date = input.close_date;
          if (p.state == ParticipantState::kUnspecified) p.state = ParticipantState::kActive;
          if (absl::Status s = ValidateParticipant(p); !s.ok()) return s;
          // The BSN is never returned, so "*" (every field) cannot mean "clear it": only a mask
          // that names bsn changes it.
          const bool set_bsn = std::find(mask.begin(), mask.end(), "bsn") != mask.end();
          if (set_bsn && !bsn_hashes.empty()) {
            std::vector<SqlValue> params = {tenant, p.id};
            absl::StatusOr<std::vector<SqlRow>> existing =
                c.Query(absl::StrCat("SELECT id FROM participants WHERE tenant = $1 AND id <> $2 "
                                     "AND ",
                                     BsnHashIn("bsn_hash", bsn_hashes, params)),
                        params);
            if (!existing.ok()) return existing.status();
            if (!existing->empty()) {
              return absl::AlreadyExistsError(
                  absl::StrCat("a participant with this BSN is already on file: participants/",
                               existing->front().Text(0)));
            }
          }
          Sql q;
          q.text = absl::StrCat(
              "UPDATE participants SET mentor = ", q.P(p.mentor),
              ", state = ", q.P(int64_t{static_cast<int32_t>(p.state)}),
              ", gemeente_code = ", q.P(p.gemeente_code),
              ", intake_date = ", q.P(p.intake_date.ToKey()),
              ", close_date = ", q.P(p.close_date.ToKey()), ", sealed = ",
              q.P(Blob{Seal(data_key, ToPayload(p), ParticipantBinding(tenant, p.id))}),
              set_bsn
                  ? absl::StrCat(", bsn_hash = ", q.P(new_hash), ", bsn_sealed = ",
                                 q.P(bsn.empty() ? SqlValue{Null{}}
                                                 : SqlValue{Blob{Seal(data_key, bsn,
                                                                      BsnBinding(tenant, p.id))}}))
                  : "",
              ", version = version + 1, update_time = ", q.P(Micros(now)),
              " WHERE tenant = ", q.P(tenant), " AND id = ", q.P(p.id),
              " AND version = ", q.P(version));
          absl::StatusOr<int64_t> changed = c.Exec(q.text, q.params);
          if (!changed.ok()) return changed.status();
          if (*changed != 1) return CheckEtag("-", version, "participant");
          if (set_bsn) p.bsn_on_file = !std::holds_alternative<Null>(new_hash);
          p.etag = absl::StrCat(version + 1);
          p.update_time = now;
          return p;
        },
        std::move(done));
  }

  void EraseParticipant(const CallContext& ctx, std::string id, std::string etag,
                        ErasureReason reason, Done<EraseResult> done) override {
    if (absl::Status s = CheckContext(ctx); !s.ok()) return done(s);
    if (reason == ErasureReason::kUnspecified) {
      return done(absl::InvalidArgumentError("reason: is required"));
    }
    const absl::Time now = StoredNow();
    Write<EraseResult>(
        ctx, id, absl::StrCat("participants/", id),
        [tenant = ctx.tenant, id, etag, now,
         reason = static_cast<int64_t>(reason)](SqlConnection& c) -> absl::StatusOr<EraseResult> {
          if (!IsId(id)) return NotFound("participant");
          absl::StatusOr<std::vector<SqlRow>> row = c.Query(
              "SELECT version FROM participants WHERE tenant = $1 AND id = $2", {tenant, id});
          if (!row.ok()) return row.status();
          if (row->empty()) return NotFound("participant");
          if (absl::Status s = CheckEtag(etag, row->front().Int(0), "participant"); !s.ok()) {
            return s;
          }
          absl::StatusOr<int64_t> records =
              c.Exec("DELETE FROM records WHERE tenant = $1 AND participant_id = $2", {tenant, id});
          if (!records.ok()) return records.status();
          absl::StatusOr<int64_t> participant =
              c.Exec("DELETE FROM participants WHERE tenant = $1 AND id = $2", {tenant, id});
          if (!participant.ok()) return participant.status();
          absl::StatusOr<int64_t> tombstone = c.Exec(
              "INSERT INTO erased_participants (tenant, id, erase_time, reason) "
              "VALUES ($1, $2, $3, $4)",
              {tenant, id, Micros(now), reason});
          if (!tombstone.ok()) return tombstone.status();
          return EraseResult{id, now, static_cast<int32_t>(*records + *participant)};
        },
        // A write's `done` runs on the writer thread once its transaction committed: the
        // acknowledgement waits for the purge of the deleted rows' bytes (FlushPurge), which
        // runs once after all the calls of the transaction were finished.
        [this, done = std::move(done)](absl::StatusOr<EraseResult> result) {
          if (!result.ok()) return done(std::move(result));
          purge_waiters_.push_back(
              [done, result = std::move(result)]() mutable { done(std::move(result)); });
        });
  }

  // --- Consents ----------------------------------------------------------------------------

  void CreateConsent(const CallContext& ctx, std::string pid, Consent consent,
                     Done<Consent> done) override {
    consent.recorded_by = ctx.actor;
    consent.state = ConsentState::kGiven;
    consent.withdraw_date = Date();
    consent.withdrawn_by.clear();
    CreateRecord(ctx, std::move(pid), std::move(consent), std::move(done));
  }
  void GetConsent(const CallContext& ctx, std::string pid, std::string id,
                  Done<Consent> done) override {
    GetRecord(ctx, std::move(pid), std::move(id), std::move(done));
  }
  void ListConsents(const CallContext& ctx, std::string pid, PageRequest page,
                    Done<Page<Consent>> done) override {
    ListRecords(ctx, std::move(pid), "", {}, std::move(page), std::move(done));
  }
  void WithdrawConsent(const CallContext& ctx, std::string pid, std::string id, Date date,
                       std::string etag, Done<Consent> done) override {
    if (date.empty()) date = Date::FromTime(options_.now());
    const Date today = Date::FromTime(options_.now());
    Consent input;
    input.id = std::move(id);
    input.etag = std::move(etag);
    UpdateRecord<Consent>(
        ctx, std::move(pid), std::move(input),
        [date, today, actor = ctx.actor](Consent& c, const Consent&) -> absl::Status {
          if (c.state == ConsentState::kWithdrawn) {
            return absl::FailedPreconditionError("the consent is already withdrawn");
          }
          if (!IsValidDate(date)) return InvalidField("withdraw_date", "must be a valid date");
          if (date.ToKey() > today.ToKey()) {
            return InvalidField("withdraw_date", "must not be in the future");
          }
          if (date.ToKey() < c.grant_date.ToKey()) {
            return InvalidField("withdraw_date", "must not be before the grant date");
          }
          c.state = ConsentState::kWithdrawn;
          c.withdraw_date = date;
          c.withdrawn_by = actor;
          return absl::OkStatus();
        },
        std::move(done));
  }

  // --- Assessments -------------------------------------------------------------------------

  void CreateAssessment(const CallContext& ctx, std::string pid, Assessment a,
                        Done<Assessment> done) override {
    a.assessed_by = ctx.actor;
    a.total_score = 0;  // validation (levels 1..5) runs later; until then no overflow possible:
    for (const PillarLevel& l : a.levels) a.total_score += std::clamp(l.level, -100, 100);
    CreateRecord(ctx, std::move(pid), std::move(a), std::move(done));
  }
  void GetAssessment(const CallContext& ctx, std::string pid, std::string id,
                     Done<Assessment> done) override {
    GetRecord(ctx, std::move(pid), std::move(id), std::move(done));
  }
  void ListAssessments(const CallContext& ctx, std::string pid, PageRequest page,
                       Done<Page<Assessment>> done) override {
    ListRecords(ctx, std::move(pid), "", {}, std::move(page), std::move(done));
  }
  void UpdateAssessment(const CallContext& ctx, std::string pid, Assessment input, FieldMask mask,
                        Done<Assessment> done) override {
    if (absl::Status s = ValidateMask(mask, {"assessment_date", "levels", "notes"}); !s.ok()) {
      return done(s);
    }
    UpdateRecord<Assessment>(
        ctx, std::move(pid), std::move(input),
        [mask](Assessment& a, const Assessment& in) {
          if (MaskHas(mask, "assessment_date")) a.assessment_date = in.assessment_date;
          if (MaskHas(mask, "levels")) a.levels = in.levels;
          if (MaskHas(mask, "notes")) a.notes = in.notes;
          a.total_score =
              0;  // validation (levels 1..5) runs later; until then no overflow possible:
          for (const PillarLevel& l : a.levels) a.total_score += std::clamp(l.level, -100, 100);
          return absl::OkStatus();
        },
        std::move(done));
  }
  void DeleteAssessment(const CallContext& ctx, std::string pid, std::string id, std::string etag,
                        DoneStatus done) override {
    DeleteRecord<Assessment>(ctx, std::move(pid), std::move(id), std::move(etag), std::move(done));
  }

  // --- Goals -------------------------------------------------------------------------------

  void CreateGoal(const CallContext& ctx, std::string pid, Goal goal, Done<Goal> done) override {
    if (goal.state == GoalState::kUnspecified) goal.state = GoalState::kOpen;
    AssignStepIds(goal);
    CreateRecord(ctx, std::move(pid), std::move(goal), std::move(done));
  }
  void GetGoal(const CallContext& ctx, std::string pid, std::string id, Done<Goal> done) override {
    GetRecord(ctx, std::move(pid), std::move(id), std::move(done));
  }
  void ListGoals(const CallContext& ctx, std::string pid, GoalFilter filter, PageRequest page,
                 Done<Page<Goal>> done) override {
    if (CheckRange("state", static_cast<int32_t>(filter.state), 0, 3).ok() == false) {
      return done(CheckRange("state", static_cast<int32_t>(filter.state), 0, 3));
    }
    if (!CheckRange("pillar", static_cast<int32_t>(filter.pillar), 0, kPillarCount).ok()) {
      return done(CheckRange("pillar", static_cast<int32_t>(filter.pillar), 0, kPillarCount));
    }
    std::vector<std::pair<std::string, int64_t>> where;
    if (filter.state != GoalState::kUnspecified) {
      where.emplace_back("state", static_cast<int32_t>(filter.state));
    }
    if (filter.pillar != Pillar::kUnspecified) {
      where.emplace_back("category", static_cast<int32_t>(filter.pillar));
    }
    ListRecords(
        ctx, std::move(pid),
        absl::StrCat(static_cast<int32_t>(filter.state), "|", static_cast<int32_t>(filter.pillar)),
        std::move(where), std::move(page), std::move(done));
  }
  void UpdateGoal(const CallContext& ctx, std::string pid, Goal input, FieldMask mask,
                  Done<Goal> done) override {
    if (absl::Status s = ValidateMask(mask, {"pillar", "title", "done_when", "target_date", "state",
                                             "steps", "reward", "achieve_date"});
        !s.ok()) {
      return done(s);
    }
    AssignStepIds(input);
    UpdateRecord<Goal>(
        ctx, std::move(pid), std::move(input),
        [mask](Goal& g, const Goal& in) {
          if (MaskHas(mask, "pillar")) g.pillar = in.pillar;
          if (MaskHas(mask, "title")) g.title = in.title;
          if (MaskHas(mask, "done_when")) g.done_when = in.done_when;
          if (MaskHas(mask, "target_date")) g.target_date = in.target_date;
          if (MaskHas(mask, "state")) g.state = in.state;
          if (MaskHas(mask, "steps")) g.steps = in.steps;
          if (MaskHas(mask, "reward")) g.reward = in.reward;
          if (MaskHas(mask, "achieve_date")) g.achieve_date = in.achieve_date;
          if (g.state == GoalState::kUnspecified) g.state = GoalState::kOpen;
          return absl::OkStatus();
        },
        std::move(done));
  }
  void DeleteGoal(const CallContext& ctx, std::string pid, std::string id, std::string etag,
                  DoneStatus done) override {
    DeleteRecord<Goal>(ctx, std::move(pid), std::move(id), std::move(etag), std::move(done));
  }

  // --- Sessions ----------------------------------------------------------------------------

  void CreateSession(const CallContext& ctx, std::string pid, Session session,
                     Done<Session> done) override {
    session.mentor = ctx.actor;
    CreateRecord(ctx, std::move(pid), std::move(session), std::move(done));
  }
  void GetSession(const CallContext& ctx, std::string pid, std::string id,
                  Done<Session> done) override {
    GetRecord(ctx, std::move(pid), std::move(id), std::move(done));
  }
  void ListSessions(const CallContext& ctx, std::string pid, PageRequest page,
                    Done<Page<Session>> done) override {
    ListRecords(ctx, std::move(pid), "", {}, std::move(page), std::move(done));
  }
  void UpdateSession(const CallContext& ctx, std::string pid, Session input, FieldMask mask,
                     Done<Session> done) override {
    if (absl::Status s =
            ValidateMask(mask, {"session_date", "duration_minutes", "mode", "pillars", "notes"});
        !s.ok()) {
      return done(s);
    }
    UpdateRecord<Session>(
        ctx, std::move(pid), std::move(input),
        [mask](Session& s, const Session& in) {
          if (MaskHas(mask, "session_date")) s.session_date = in.session_date;
          if (MaskHas(mask, "duration_minutes")) s.duration_minutes = in.duration_minutes;
          if (MaskHas(mask, "mode")) s.mode = in.mode;
          if (MaskHas(mask, "pillars")) s.pillars = in.pillars;
          if (MaskHas(mask, "notes")) s.notes = in.notes;
          return absl::OkStatus();
        },
        std::move(done));
  }
  void DeleteSession(const CallContext& ctx, std::string pid, std::string id, std::string etag,
                     DoneStatus done) override {
    DeleteRecord<Session>(ctx, std::move(pid), std::move(id), std::move(etag), std::move(done));
  }

  // --- Compass snapshots -------------------------------------------------------------------

  void CreateCompassSnapshot(const CallContext& ctx, std::string pid, CompassSnapshot snapshot,
                             Done<CompassSnapshot> done) override {
    snapshot.created_by = ctx.actor;
    CreateRecord(ctx, std::move(pid), std::move(snapshot), std::move(done));
  }
  void GetCompassSnapshot(const CallContext& ctx, std::string pid, std::string id,
                          Done<CompassSnapshot> done) override {
    GetRecord(ctx, std::move(pid), std::move(id), std::move(done));
  }
  void ListCompassSnapshots(const CallContext& ctx, std::string pid, PageRequest page,
                            Done<Page<CompassSnapshot>> done) override {
    ListRecords(ctx, std::move(pid), "", {}, std::move(page), std::move(done));
  }
  void DeleteCompassSnapshot(const CallContext& ctx, std::string pid, std::string id,
                             DoneStatus done) override {
    DeleteRecord<CompassSnapshot>(ctx, std::move(pid), std::move(id), "", std::move(done));
  }

  // --- Outcomes ----------------------------------------------------------------------------

  void CreateOutcome(const CallContext& ctx, std::string pid, Outcome outcome,
                     Done<Outcome> done) override {
    CreateRecord(ctx, std::move(pid), std::move(outcome), std::move(done));
  }
  void GetOutcome(const CallContext& ctx, std::string pid, std::string id,
                  Done<Outcome> done) override {
    GetRecord(ctx, std::move(pid), std::move(id), std::move(done));
  }
  void ListOutcomes(const CallContext& ctx, std::string pid, PageRequest page,
                    Done<Page<Outcome>> done) override {
    ListRecords(ctx, std::move(pid), "", {}, std::move(page), std::move(done));
  }
  void UpdateOutcome(const CallContext& ctx, std::string pid, Outcome input, FieldMask mask,
                     Done<Outcome> done) override {
    if (absl::Status s = ValidateMask(mask, {"type", "outcome_date", "job", "training", "debts"});
        !s.ok()) {
      return done(s);
    }
    UpdateRecord<Outcome>(
        ctx, std::move(pid), std::move(input),
        [mask](Outcome& o, const Outcome& in) {
          if (MaskHas(mask, "type")) o.type = in.type;
          if (MaskHas(mask, "outcome_date")) o.outcome_date = in.outcome_date;
          // The details are one oneof: a masked member that the input carries replaces them;
          // a masked member it does not carry clears them when they are of that member.
          const std::pair<const char*, OutcomeDetails> members[] = {
              {"job", OutcomeDetails::kJob},
              {"training", OutcomeDetails::kTraining},
              {"debts", OutcomeDetails::kDebts}};
          for (const auto& member : members) {
            if (!MaskHas(mask, member.first)) continue;
            if (in.details == member.second) {
              o.details = in.details;
              o.job = in.job;
              o.training = in.training;
              o.debts = in.debts;
            } else if (o.details == member.second) {
              o.details = OutcomeDetails::kNone;
            }
          }
          if (o.details != OutcomeDetails::kJob) o.job = JobDetails();
          if (o.details != OutcomeDetails::kTraining) o.training = TrainingDetails();
          if (o.details != OutcomeDetails::kDebts) o.debts = DebtDetails();
          return absl::OkStatus();
        },
        std::move(done));
  }
  void DeleteOutcome(const CallContext& ctx, std::string pid, std::string id, std::string etag,
                     DoneStatus done) override {
    DeleteRecord<Outcome>(ctx, std::move(pid), std::move(id), std::move(etag), std::move(done));
  }

  // --- Export ------------------------------------------------------------------------------

  void ExportParticipant(const CallContext& ctx, std::string pid,
                         Done<ParticipantExport> done) override {
    if (absl::Status s = CheckContext(ctx); !s.ok()) return done(s);
    Read<ParticipantExport>(
        ctx, pid, absl::StrCat("participants/", pid), /*audit=*/true,
        [this, tenant = ctx.tenant, pid](SqlConnection& c) -> absl::StatusOr<ParticipantExport> {
          absl::StatusOr<std::optional<SqlRow>> prow = SelectParticipantRow(c, tenant, pid);
          if (!prow.ok()) return prow.status();
          if (!prow->has_value()) return NotFound("participant");
          ParticipantExport out;
          out.export_time = StoredNow();
          std::string data_key;
          absl::StatusOr<Participant> participant =
              DecodeParticipant(**prow, tenant, *options_.keys, &data_key);
          if (!participant.ok()) return participant.status();
          out.participant = *std::move(participant);
          absl::StatusOr<std::vector<SqlRow>> rows = c.Query(
              absl::StrCat("SELECT ", kRecordColumns,
                           " FROM records r JOIN participants p ON p.tenant = r.tenant AND p.id = "
                           "r.participant_id WHERE r.tenant = $1 AND r.participant_id = $2 "
                           "ORDER BY r.kind, r.sort_date, r.create_time, r.id"),
              {tenant, pid});
          if (!rows.ok()) return rows.status();
          for (const SqlRow& row : *rows) {
            absl::Status status;
            switch (row.Int(6)) {
              case kKindConsent:
                status = Append(DecodeRecord<Consent>(row, tenant, pid, *options_.keys, &data_key),
                                &out.consents);
                break;
              case kKindAssessment:
                status =
                    Append(DecodeRecord<Assessment>(row, tenant, pid, *options_.keys, &data_key),
                           &out.assessments);
                break;
              case kKindGoal:
                status = Append(DecodeRecord<Goal>(row, tenant, pid, *options_.keys, &data_key),
                                &out.goals);
                break;
              case kKindSession:
                status = Append(DecodeRecord<Session>(row, tenant, pid, *options_.keys, &data_key),
                                &out.sessions);
                break;
              case kKindSnapshot:
                status = Append(
                    DecodeRecord<CompassSnapshot>(row, tenant, pid, *options_.keys, &data_key),
                    &out.snapshots);
                break;
              case kKindOutcome:
                status = Append(DecodeRecord<Outcome>(row, tenant, pid, *options_.keys, &data_key),
                                &out.outcomes);
                break;
              default:
                // A kind this version does not know (a newer replica wrote it): it must still
                // be exported, so refuse rather than leave it out.
                return absl::InternalError(
                    absl::StrCat("export: record kind ", row.Int(6), " is unknown"));
            }
            if (!status.ok()) return status;
          }
          absl::StatusOr<std::vector<SqlRow>> events = c.Query(
              "SELECT id, event_time, token_id, actor, method, resource, status_code FROM "
              "audit_events WHERE tenant = $1 AND participant_id = $2 ORDER BY seq",
              {tenant, pid});
          if (!events.ok()) return events.status();
          for (const SqlRow& row : *events) {
            AuditEvent e;
            e.id = row.Text(0);
            e.participant_id = pid;
            e.event_time = FromMicros(row.Int(1));
            e.token_id = row.Text(2);
            e.actor = row.Text(3);
            e.method = row.Text(4);
            e.resource = row.Text(5);
            e.status_code = static_cast<int32_t>(row.Int(6));
            out.audit_events.push_back(std::move(e));
          }
          return out;
        },
        std::move(done));
  }

  // --- Timeline and access log -------------------------------------------------------------

  void GetTimeline(const CallContext& ctx, std::string pid, PageRequest page,
                   Done<Page<TimelineEntry>> done) override {
    if (absl::Status s = CheckContext(ctx); !s.ok()) return done(s);
    absl::StatusOr<int> size = PageSize(page.page_size);
    if (!size.ok()) return done(size.status());
    const std::string binding = absl::StrCat("timeline|", pid);
    absl::StatusOr<std::vector<std::string>> cursor = DecodeToken(page.page_token, binding, 4);
    if (!cursor.ok()) return done(cursor.status());
    int64_t c_date = 0, c_time = 0, c_kind = 0;
    if (!cursor->empty() && (!ParseInt((*cursor)[0], &c_date) || !ParseInt((*cursor)[1], &c_time) ||
                             !ParseInt((*cursor)[2], &c_kind) || !IsId((*cursor)[3]))) {
      return done(InvalidField("page_token", "is malformed"));
    }
    Read<Page<TimelineEntry>>(
        ctx, pid, absl::StrCat("participants/", pid), /*audit=*/true,
        [this, tenant = ctx.tenant, pid, n = *size, cursor = *cursor, c_date, c_time, c_kind,
         binding](SqlConnection& c) -> absl::StatusOr<Page<TimelineEntry>> {
          absl::StatusOr<std::string> key = ParticipantKey(c, *options_.keys, tenant, pid);
          if (!key.ok()) return key.status();
          Sql q;
          q.text = absl::StrCat("SELECT ", kRecordColumns,
                                ", r.timeline_date FROM records r JOIN participants p ON p.tenant "
                                "= r.tenant AND p.id = r.participant_id WHERE r.tenant = ",
                                q.P(tenant), " AND r.participant_id = ", q.P(pid));
          if (!cursor.empty()) {
            absl::StrAppend(&q.text, " AND (r.timeline_date, r.create_time, r.kind, r.id) > (",
                            q.P(c_date), ", ", q.P(c_time), ", ", q.P(c_kind), ", ", q.P(cursor[3]),
                            ")");
          }
          absl::StrAppend(&q.text, " ORDER BY r.timeline_date, r.create_time, r.kind, r.id LIMIT ",
                          n + 1);
          absl::StatusOr<std::vector<SqlRow>> rows = c.Query(q.text, q.params);
          if (!rows.ok()) return rows.status();
          Page<TimelineEntry> out;
          std::string data_key = *key;
          for (size_t i = 0; i < rows->size() && i < static_cast<size_t>(n); ++i) {
            const SqlRow& row = (*rows)[i];
            TimelineEntry entry;
            entry.entry_date = Date::FromKey(row.Int(7));
            absl::Status status;
            switch (row.Int(6)) {
              case kKindConsent:
                entry.kind = TimelineEntry::Kind::kConsent;
                status = Assign(DecodeRecord<Consent>(row, tenant, pid, *options_.keys, &data_key),
                                &entry.consent);
                break;
              case kKindAssessment:
                entry.kind = TimelineEntry::Kind::kAssessment;
                status =
                    Assign(DecodeRecord<Assessment>(row, tenant, pid, *options_.keys, &data_key),
                           &entry.assessment);
                break;
              case kKindGoal:
                entry.kind = TimelineEntry::Kind::kGoal;
                status = Assign(DecodeRecord<Goal>(row, tenant, pid, *options_.keys, &data_key),
                                &entry.goal);
                break;
              case kKindSnapshot:
                entry.kind = TimelineEntry::Kind::kSnapshot;
                status = Assign(
                    DecodeRecord<CompassSnapshot>(row, tenant, pid, *options_.keys, &data_key),
                    &entry.snapshot);
                // The timeline shows that a snapshot was made; its content is one Get away.
                entry.snapshot.question.clear();
                entry.snapshot.answer.clear();
                break;
              case kKindOutcome:
                entry.kind = TimelineEntry::Kind::kOutcome;
                status = Assign(DecodeRecord<Outcome>(row, tenant, pid, *options_.keys, &data_key),
                                &entry.outcome);
                break;
              default:
                entry.kind = TimelineEntry::Kind::kSession;
                status = Assign(DecodeRecord<Session>(row, tenant, pid, *options_.keys, &data_key),
                                &entry.session);
            }
            if (!status.ok()) return status;
            out.items.push_back(std::move(entry));
            if (i + 1 == static_cast<size_t>(n) && rows->size() > static_cast<size_t>(n)) {
              out.next_page_token =
                  EncodeToken(binding, {absl::StrCat(row.Int(7)), absl::StrCat(row.Int(3)),
                                        absl::StrCat(row.Int(6)), row.Text(0)});
            }
          }
          return out;
        },
        std::move(done));
  }

  void ListAuditEvents(const CallContext& ctx, std::string pid, PageRequest page,
                       Done<Page<AuditEvent>> done) override {
    if (absl::Status s = CheckContext(ctx); !s.ok()) return done(s);
    absl::StatusOr<int> size = PageSize(page.page_size);
    if (!size.ok()) return done(size.status());
    const std::string binding = absl::StrCat("audit|", pid);
    absl::StatusOr<std::vector<std::string>> cursor = DecodeToken(page.page_token, binding, 1);
    if (!cursor.ok()) return done(cursor.status());
    int64_t before = 0;
    if (!cursor->empty() && !ParseInt((*cursor)[0], &before)) {
      return done(InvalidField("page_token", "is malformed"));
    }
    Read<Page<AuditEvent>>(
        ctx, pid, "", /*audit=*/false,
        [tenant = ctx.tenant, pid, n = *size, has_cursor = !cursor->empty(), before,
         binding](SqlConnection& c) -> absl::StatusOr<Page<AuditEvent>> {
          if (!IsId(pid)) return NotFound("participant");
          absl::StatusOr<std::vector<SqlRow>> known = c.Query(
              "SELECT 1 FROM participants WHERE tenant = $1 AND id = $2 UNION ALL "
              "SELECT 1 FROM erased_participants WHERE tenant = $1 AND id = $2",
              {tenant, pid});
          if (!known.ok()) return known.status();
          if (known->empty()) return NotFound("participant");
          Sql q;
          q.text = absl::StrCat(
              "SELECT seq, id, event_time, token_id, actor, method, resource, status_code "
              "FROM audit_events WHERE tenant = ",
              q.P(tenant), " AND participant_id = ", q.P(pid));
          if (has_cursor) absl::StrAppend(&q.text, " AND seq < ", q.P(before));
          absl::StrAppend(&q.text, " ORDER BY seq DESC LIMIT ", n + 1);
          absl::StatusOr<std::vector<SqlRow>> rows = c.Query(q.text, q.params);
          if (!rows.ok()) return rows.status();
          Page<AuditEvent> out;
          for (size_t i = 0; i < rows->size() && i < static_cast<size_t>(n); ++i) {
            const SqlRow& row = (*rows)[i];
            AuditEvent e;
            e.id = row.Text(1);
            e.participant_id = pid;
            e.event_time = FromMicros(row.Int(2));
            e.token_id = row.Text(3);
            e.actor = row.Text(4);
            e.method = row.Text(5);
            e.resource = row.Text(6);
            e.status_code = static_cast<int32_t>(row.Int(7));
            out.items.push_back(std::move(e));
            if (i + 1 == static_cast<size_t>(n) && rows->size() > static_cast<size_t>(n)) {
              out.next_page_token = EncodeToken(binding, {absl::StrCat(row.Int(0))});
            }
          }
          return out;
        },
        std::move(done));
  }

  Health CheckHealth() override {
    std::lock_guard<std::mutex> lock(health_mu_);
    return health_connection_->Ping().ok() ? Health::kServing : Health::kNotServing;
  }

 private:
  // Now, at the precision the database keeps (microseconds), so that what a write returns is
  // exactly what a later read returns.
  absl::Time StoredNow() const { return FromMicros(Micros(options_.now())); }

  template <typename T>
  static absl::Status Assign(absl::StatusOr<T> value, T* out) {
    if (!value.ok()) return value.status();
    *out = *std::move(value);
    return absl::OkStatus();
  }

  template <typename T>
  static absl::Status Append(absl::StatusOr<T> value, std::vector<T>* out) {
    if (!value.ok()) return value.status();
    out->push_back(*std::move(value));
    return absl::OkStatus();
  }

  static void AssignStepIds(Goal& goal) {
    for (GoalStep& step : goal.steps) {
      if (step.step_id.empty()) step.step_id = NewId(10);
    }
  }

  static absl::Status QueueFull(absl::string_view what) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the case-record store's ", what, " queue is full: retry later"));
  }

  // --- Generic records ---------------------------------------------------------------------

  template <typename T>
  void CreateRecord(const CallContext& ctx, std::string pid, T record, Done<T> done) {
    using Traits = RecordTraits<T>;
    if (absl::Status s = CheckContext(ctx); !s.ok()) return done(s);
    const absl::Time now = StoredNow();
    if (absl::Status s = Traits::Validate(record, Date::FromTime(now)); !s.ok()) return done(s);
    record.id = NewId();
    record.participant_id = pid;
    record.create_time = record.update_time = now;
    record.etag = "1";
    const std::string resource = RecordResource(pid, Traits::kCollection, record.id);
    Write<T>(
        ctx, pid, resource,
        [this, tenant = ctx.tenant,
         record = std::move(record)](SqlConnection& c) -> absl::StatusOr<T> {
          absl::StatusOr<std::string> key =
              ParticipantKey(c, *options_.keys, tenant, record.participant_id);
          if (!key.ok()) return key.status();
          const RecordColumns cols = Traits::Columns(record);
          Blob sealed{Seal(*key, ToPayload(record),
                           RecordBinding(tenant, record.participant_id, Traits::kKind, record.id))};
          absl::StatusOr<int64_t> inserted = c.Exec(
              "INSERT INTO records (tenant, participant_id, kind, id, sort_date, timeline_date, "
              "state, category, l1, l2, l3, l4, l5, sealed, version, create_time, update_time) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $15)",
              {tenant, record.participant_id, Traits::kKind, record.id, cols.sort_date,
               cols.timeline_date, cols.state, cols.category, cols.levels[0], cols.levels[1],
               cols.levels[2], cols.levels[3], cols.levels[4], std::move(sealed),
               Micros(record.create_time)});
          if (!inserted.ok()) return inserted.status();
          return record;
        },
        std::move(done));
  }

  template <typename T>
  static absl::StatusOr<std::optional<SqlRow>> SelectRecordRow(SqlConnection& c,
                                                               const std::string& tenant,
                                                               const std::string& pid,
                                                               const std::string& id) {
    if (!IsId(pid) || !IsId(id)) return std::optional<SqlRow>();
    absl::StatusOr<std::vector<SqlRow>> rows = c.Query(
        absl::StrCat("SELECT ", kRecordColumns,
                     " FROM records r JOIN participants p ON p.tenant = r.tenant AND p.id = "
                     "r.participant_id WHERE r.tenant = $1 AND r.participant_id = $2 AND r.kind "
                     "= $3 AND r.id = $4"),
        {tenant, pid, RecordTraits<T>::kKind, id});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return std::optional<SqlRow>();
    return std::optional<SqlRow>(std::move(rows->front()));
  }

  template <typename T>
  void GetRecord(const CallContext& ctx, std::string pid, std::string id, Done<T> done) {
    using Traits = RecordTraits<T>;
    if (absl::Status s = CheckContext(ctx); !s.ok()) return done(s);
    Read<T>(
        ctx, pid, RecordResource(pid, Traits::kCollection, id), /*audit=*/true,
        [this, tenant = ctx.tenant, pid, id](SqlConnection& c) -> absl::StatusOr<T> {
          absl::StatusOr<std::optional<SqlRow>> row = SelectRecordRow<T>(c, tenant, pid, id);
          if (!row.ok()) return row.status();
          if (!row->has_value()) return NotFound(Traits::kName);
          std::string key;
          return DecodeRecord<T>(**row, tenant, pid, *options_.keys, &key);
        },
        std::move(done));
  }

  // `where`: extra equality filters on plain columns (names from code, never from input).
  template <typename T>
  void ListRecords(const CallContext& ctx, std::string pid, std::string filter_binding,
                   std::vector<std::pair<std::string, int64_t>> where, PageRequest page,
                   Done<Page<T>> done) {
    using Traits = RecordTraits<T>;
    if (absl::Status s = CheckContext(ctx); !s.ok()) return done(s);
    absl::StatusOr<int> size = PageSize(page.page_size);
    if (!size.ok()) return done(size.status());
    const std::string binding = absl::StrCat(Traits::kCollection, "|", pid, "|", filter_binding);
    absl::StatusOr<std::vector<std::string>> cursor = DecodeToken(page.page_token, binding, 3);
    if (!cursor.ok()) return done(cursor.status());
    int64_t c_date = 0, c_time = 0;
    if (!cursor->empty() && (!ParseInt((*cursor)[0], &c_date) || !ParseInt((*cursor)[1], &c_time) ||
                             !IsId((*cursor)[2]))) {
      return done(InvalidField("page_token", "is malformed"));
    }
    Read<Page<T>>(
        ctx, pid, absl::StrCat("participants/", pid, "/", Traits::kCollection), /*audit=*/true,
        [this, tenant = ctx.tenant, pid, n = *size, cursor = *cursor, c_date, c_time,
         where = std::move(where), binding](SqlConnection& c) -> absl::StatusOr<Page<T>> {
          absl::StatusOr<std::string> key = ParticipantKey(c, *options_.keys, tenant, pid);
          if (!key.ok()) return key.status();
          const char* dir = Traits::kNewestFirst ? "DESC" : "ASC";
          Sql q;
          q.text = absl::StrCat("SELECT ", kRecordColumns, ", r.sort_date",
                                " FROM records r JOIN participants p ON p.tenant = r.tenant AND "
                                "p.id = r.participant_id WHERE r.tenant = ",
                                q.P(tenant), " AND r.participant_id = ", q.P(pid),
                                " AND r.kind = ", q.P(Traits::kKind));
          for (const auto& [column, value] : where) {
            absl::StrAppend(&q.text, " AND r.", column, " = ", q.P(value));
          }
          if (!cursor.empty()) {
            absl::StrAppend(&q.text, " AND (r.sort_date, r.create_time, r.id) ",
                            Traits::kNewestFirst ? "<" : ">", " (", q.P(c_date), ", ", q.P(c_time),
                            ", ", q.P(cursor[2]), ")");
          }
          absl::StrAppend(&q.text, " ORDER BY r.sort_date ", dir, ", r.create_time ", dir,
                          ", r.id ", dir, " LIMIT ", n + 1);
          absl::StatusOr<std::vector<SqlRow>> rows = c.Query(q.text, q.params);
          if (!rows.ok()) return rows.status();
          Page<T> out;
          std::string data_key = *key;
          for (size_t i = 0; i < rows->size() && i < static_cast<size_t>(n); ++i) {
            const SqlRow& row = (*rows)[i];
            absl::StatusOr<T> record = DecodeRecord<T>(row, tenant, pid, *options_.keys, &data_key);
            if (!record.ok()) return record.status();
            out.items.push_back(*std::move(record));
            if (i + 1 == static_cast<size_t>(n) && rows->size() > static_cast<size_t>(n)) {
              out.next_page_token = EncodeToken(
                  binding, {absl::StrCat(row.Int(7)), absl::StrCat(row.Int(3)), row.Text(0)});
            }
          }
          return out;
        },
        std::move(done));
  }

  // `merge` changes the stored record (already decrypted) from the input; the result is
  // validated, sealed again and written if its version is still the one read.
  template <typename T>
  void UpdateRecord(const CallContext& ctx, std::string pid, T input,
                    std::function<absl::Status(T&, const T&)> merge, Done<T> done) {
    using Traits = RecordTraits<T>;
    if (absl::Status s = CheckContext(ctx); !s.ok()) return done(s);
    const absl::Time now = StoredNow();
    const std::string resource = RecordResource(pid, Traits::kCollection, input.id);
    Write<T>(
        ctx, pid, resource,
        [this, tenant = ctx.tenant, pid, input = std::move(input), merge = std::move(merge),
         now](SqlConnection& c) -> absl::StatusOr<T> {
          absl::StatusOr<std::optional<SqlRow>> row = SelectRecordRow<T>(c, tenant, pid, input.id);
          if (!row.ok()) return row.status();
          if (!row->has_value()) return NotFound(Traits::kName);
          std::string key;
          absl::StatusOr<T> stored = DecodeRecord<T>(**row, tenant, pid, *options_.keys, &key);
          if (!stored.ok()) return stored.status();
          const int64_t version = (*row)->Int(2);
          if (absl::Status s = CheckEtag(input.etag, version, Traits::kName); !s.ok()) return s;
          T record = *std::move(stored);
          if (absl::Status s = merge(record, input); !s.ok()) return s;
          if (absl::Status s = Traits::Validate(record, Date::FromTime(now)); !s.ok()) return s;
          const RecordColumns cols = Traits::Columns(record);
          Blob sealed{
              Seal(key, ToPayload(record), RecordBinding(tenant, pid, Traits::kKind, record.id))};
          absl::StatusOr<int64_t> changed = c.Exec(
              "UPDATE records SET sort_date = $1, timeline_date = $2, state = $3, category = $4, "
              "l1 = $5, l2 = $6, l3 = $7, l4 = $8, l5 = $9, sealed = $10, version = version + 1, "
              "update_time = $11 WHERE tenant = $12 AND participant_id = $13 AND kind = $14 AND "
              "id = $15 AND version = $16",
              {cols.sort_date, cols.timeline_date, cols.state, cols.category, cols.levels[0],
               cols.levels[1], cols.levels[2], cols.levels[3], cols.levels[4], std::move(sealed),
               Micros(now), tenant, pid, Traits::kKind, record.id, version});
          if (!changed.ok()) return changed.status();
          if (*changed != 1) return CheckEtag("-", version, Traits::kName);
          record.etag = absl::StrCat(version + 1);
          record.update_time = now;
          return record;
        },
        std::move(done));
  }

  template <typename T>
  void DeleteRecord(const CallContext& ctx, std::string pid, std::string id, std::string etag,
                    DoneStatus done) {
    using Traits = RecordTraits<T>;
    if (absl::Status s = CheckContext(ctx); !s.ok()) return done(s);
    const std::string resource = RecordResource(pid, Traits::kCollection, id);
    Write<bool>(
        ctx, pid, resource,
        [tenant = ctx.tenant, pid, id, etag](SqlConnection& c) -> absl::StatusOr<bool> {
          if (!IsId(pid) || !IsId(id)) return NotFound(Traits::kName);
          absl::StatusOr<std::vector<SqlRow>> row = c.Query(
              "SELECT version FROM records WHERE tenant = $1 AND participant_id = $2 AND kind = "
              "$3 AND id = $4",
              {tenant, pid, Traits::kKind, id});
          if (!row.ok()) return row.status();
          if (row->empty()) return NotFound(Traits::kName);
          if (absl::Status s = CheckEtag(etag, row->front().Int(0), Traits::kName); !s.ok()) {
            return s;
          }
          absl::StatusOr<int64_t> deleted = c.Exec(
              "DELETE FROM records WHERE tenant = $1 AND participant_id = $2 AND kind = $3 AND "
              "id = $4",
              {tenant, pid, Traits::kKind, id});
          if (!deleted.ok()) return deleted.status();
          return true;
        },
        [done = std::move(done)](absl::StatusOr<bool> result) { done(result.status()); });
  }

  // --- Jobs that span organisations --------------------------------------------------------

  void RunOnReader(std::function<absl::Status(SqlConnection&)> fn, DoneStatus done) override {
    if (!readers_queue_push([fn = std::move(fn), done](SqlConnection& c) { done(fn(c)); })) {
      done(QueueFull("read"));
    }
  }

  void RunOnWriter(std::function<absl::Status(SqlConnection&)> fn, DoneStatus done) override {
    WriteOp op;
    op.apply = std::move(fn);
    op.audit = false;
    auto result = std::make_shared<absl::Status>();
    op.apply = [apply = std::move(op.apply), result](SqlConnection& c) {
      *result = apply(c);
      return *result;
    };
    op.finish = [result, done = std::move(done)](absl::Status committed) {
      done(committed.ok() ? *result : committed);
    };
    SubmitWrite(std::move(op));
  }

  // --- Queues ------------------------------------------------------------------------------

  template <typename T>
  void Write(const CallContext& ctx, std::string participant_id, std::string resource,
             std::function<absl::StatusOr<T>(SqlConnection&)> fn, Done<T> done) {
    auto result = std::make_shared<absl::StatusOr<T>>(absl::UnknownError("not run"));
    WriteOp op{
        ctx.tenant,          ctx.token_id, ctx.actor,        ctx.method, std::move(participant_id),
        std::move(resource), nullptr,      absl::OkStatus(), nullptr};
    op.apply = [fn = std::move(fn), result](SqlConnection& c) {
      *result = fn(c);
      return result->status();
    };
    op.finish = [result, done](absl::Status committed) {
      if (!committed.ok()) return done(committed);
      done(std::move(*result));
    };
    SubmitWrite(std::move(op));
  }

  // Runs `fn` on a reader; with `audit`, its audit entry is committed before `done` runs.
  template <typename T>
  void Read(const CallContext& ctx, std::string participant_id, std::string resource, bool audit,
            std::function<absl::StatusOr<T>(SqlConnection&)> fn, Done<T> done) {
    if (!readers_queue_push([this, ctx, participant_id = std::move(participant_id),
                             resource = std::move(resource), audit, fn = std::move(fn),
                             done](SqlConnection& c) {
          absl::StatusOr<T> result = fn(c);
          if (!audit) return done(std::move(result));
          AuditThenDeliver<T>(ctx, participant_id, resource, std::move(result), done);
        })) {
      done(QueueFull("read"));
    }
  }

  template <typename T>
  void AuditThenDeliver(const CallContext& ctx, std::string participant_id, std::string resource,
                        absl::StatusOr<T> result, Done<T> done) {
    auto shared = std::make_shared<absl::StatusOr<T>>(std::move(result));
    WriteOp op{
        ctx.tenant,          ctx.token_id, ctx.actor,        ctx.method, std::move(participant_id),
        std::move(resource), nullptr,      shared->status(), nullptr};
    op.finish = [shared, done](absl::Status committed) {
      if (!committed.ok()) return done(committed);
      done(std::move(*shared));
    };
    SubmitWrite(std::move(op));
  }

  void SubmitWrite(WriteOp op) {
    bool stopping = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping = writer_stopping_;
      if (!stopping && write_queue_.size() < options_.write_queue_capacity) {
        write_queue_.push_back(std::move(op));
        writer_cv_.notify_one();
        return;
      }
    }
    // Answered outside the lock: a callback may call the store again.
    op.finish(stopping ? absl::UnavailableError("the case-record store is shutting down")
                       : QueueFull("write"));
  }

  bool readers_queue_push(std::function<void(SqlConnection&)> task) {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || read_queue_.size() >= options_.read_queue_capacity) return false;
    read_queue_.push_back(std::move(task));
    readers_cv_.notify_one();
    return true;
  }

  void ReaderLoop(SqlConnection& c) {
    for (;;) {
      std::function<void(SqlConnection&)> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        readers_cv_.wait(lock, [this] { return stopping_ || !read_queue_.empty(); });
        if (read_queue_.empty()) return;
        task = std::move(read_queue_.front());
        read_queue_.pop_front();
      }
      task(c);
    }
  }

  void WriterLoop() {
    SqlConnection& conn = *writer_connection_;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        const auto ready = [this] { return writer_stopping_ || !write_queue_.empty(); };
        if (purge_pending_) {
          // A purge failed (a reader or a backup held an old snapshot): retry when idle.
          if (!writer_cv_.wait_for(lock, kPurgeRetry, ready)) {
            lock.unlock();
            FlushPurge();
            continue;
          }
        } else {
          writer_cv_.wait(lock, ready);
        }
        if (write_queue_.empty()) return;
      }
      if (options_.before_batch_for_testing) options_.before_batch_for_testing();
      std::vector<WriteOp> batch;
      {
        std::lock_guard<std::mutex> lock(mu_);
        const size_t n = std::min(write_queue_.size(), std::max<size_t>(1, options_.max_batch));
        batch.reserve(n);
        for (size_t i = 0; i < n; ++i) {
          batch.push_back(std::move(write_queue_.front()));
          write_queue_.pop_front();
        }
      }
      std::vector<absl::Status> results;
      absl::Status committed = RunBatch(conn, batch, &results);
      if (!committed.ok() && !absl::IsUnavailable(committed) && batch.size() > 1) {
        // A statement failed: find the culprit by running each operation alone.
        for (WriteOp& op : batch) {
          std::vector<WriteOp> single;
          single.push_back(std::move(op));
          std::vector<absl::Status> single_result;
          absl::Status alone = RunBatch(conn, single, &single_result);
          single[0].finish(alone);
        }
        FlushPurge();
        continue;
      }
      for (WriteOp& op : batch) op.finish(committed);
      FlushPurge();
    }
  }

  // Writer thread only. Erasures committed in the last transaction are acknowledged after one
  // purge of the deleted rows' bytes from the database files (PurgeDeletedRows, sql.h; on
  // PostgreSQL a table rewrite, so it runs once per transaction, not once per erasure). Should
  // it fail, the erasures still stand (their data keys are gone) and the next one purges again.
  void FlushPurge() {
    if (purge_waiters_.empty() && !purge_pending_) return;
    // A failed purge is retried after the next transaction or when the writer is idle
    // (kPurgeRetry); the erasure itself stands (its data key is gone).
    purge_pending_ = !PurgeDeletedRows(*writer_connection_, {"participants", "records"}).ok();
    std::vector<std::function<void()>> waiters;
    waiters.swap(purge_waiters_);
    for (std::function<void()>& acknowledge : waiters) acknowledge();
  }

  // One transaction: every operation, then the audit rows, then COMMIT. OK only when committed.
  absl::Status RunBatch(SqlConnection& conn, std::vector<WriteOp>& batch,
                        std::vector<absl::Status>* results) {
    TrackingConnection c(conn);
    absl::Status status = c.BeginWrite();
    if (!status.ok()) return status;
    results->clear();
    for (WriteOp& op : batch) {
      results->push_back(op.apply ? op.apply(c) : op.audit_status);
      if (!c.error().ok()) break;
    }
    if (c.error().ok()) InsertAudit(c, batch, *results);
    status = c.error().ok() ? c.Script("COMMIT") : c.error();
    if (!status.ok()) (void)conn.Script("ROLLBACK");
    return status;
  }

  void InsertAudit(SqlConnection& c, const std::vector<WriteOp>& batch,
                   const std::vector<absl::Status>& results) {
    constexpr size_t kRowsPerStatement = 64;
    const int64_t now = Micros(options_.now());
    std::vector<size_t> audited;
    audited.reserve(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].audit) audited.push_back(i);
    }
    for (size_t start = 0; start < audited.size(); start += kRowsPerStatement) {
      const size_t end = std::min(audited.size(), start + kRowsPerStatement);
      Sql q;
      q.text =
          "INSERT INTO audit_events (tenant, participant_id, id, event_time, token_id, actor, "
          "method, resource, status_code) VALUES ";
      for (size_t j = start; j < end; ++j) {
        const size_t i = audited[j];
        const WriteOp& op = batch[i];
        // One value per statement: a single expression with nine temporaries trips gcc 12's
        // -Wmaybe-uninitialized on std::variant.
        std::vector<SqlValue> row;
        row.reserve(9);
        row.emplace_back(op.tenant);
        row.emplace_back(op.participant_id);
        row.emplace_back(NewId());
        row.emplace_back(now);
        row.emplace_back(op.token_id);
        row.emplace_back(op.actor);
        row.emplace_back(op.method);
        row.emplace_back(op.resource);
        row.emplace_back(int64_t{static_cast<int>(results[i].code())});
        absl::StrAppend(&q.text, j == start ? "(" : ", (");
        for (size_t k = 0; k < row.size(); ++k) {
          absl::StrAppend(&q.text, k == 0 ? "" : ", ", q.P(std::move(row[k])));
        }
        absl::StrAppend(&q.text, ")");
      }
      if (!c.Exec(q.text, q.params).ok()) return;
    }
  }

  const StoreOptions options_;
  const ConnectFn connect_;
  std::unique_ptr<SqlConnection> writer_connection_;
  // std::mutex, not absl::Mutex: Debian's Abseil is not instrumented, and the store's queues
  // run under ThreadSanitizer (scripts/test --tsan).
  std::mutex health_mu_;
  std::unique_ptr<SqlConnection> health_connection_;  // guarded by health_mu_

  std::mutex mu_;  // guards the four below
  std::condition_variable readers_cv_;
  std::condition_variable writer_cv_;
  bool stopping_ = false;
  bool writer_stopping_ = false;
  std::deque<std::function<void(SqlConnection&)>> read_queue_;
  std::deque<WriteOp> write_queue_;
  std::thread writer_;
  std::vector<std::thread> readers_;
  std::vector<std::function<void()>> purge_waiters_;  // writer thread only
  bool purge_pending_ = false;                        // writer thread only
  static constexpr std::chrono::seconds kPurgeRetry{5};
};

absl::StatusOr<std::unique_ptr<CaseStore>> Open(StoreOptions options, ConnectFn connect) {
  if (options.keys == nullptr) return absl::InvalidArgumentError("StoreOptions.keys is required");
  auto store = std::make_unique<SqlCaseStore>(std::move(options), std::move(connect));
  if (absl::Status s = store->Start(); !s.ok()) return s;
  return std::unique_ptr<CaseStore>(std::move(store));
}

}  // namespace

absl::StatusOr<std::unique_ptr<CaseStore>> OpenSqliteStore(const SqliteStoreOptions& sqlite,
                                                           StoreOptions options) {
  return Open(std::move(options), [sqlite](bool reader) {
    SqliteConfig config;
    config.path = sqlite.path;
    config.read_only = reader;
    config.synchronous_full = sqlite.synchronous_full;
    return OpenSqlite(config);
  });
}

absl::StatusOr<std::unique_ptr<CaseStore>> OpenPostgresStore(const std::string& conninfo,
                                                             StoreOptions options) {
  return Open(std::move(options), [conninfo](bool) { return OpenPostgres(conninfo); });
}

}  // namespace kompas::caserecord::storage
