// kompas-admin: manages an organisation's API tokens in a Kompas tokens file.
//
//   kompas-admin token create --tokens_file=F --tenant=gm0014 --scopes=compass,records.read
//   kompas-admin token revoke --tokens_file=F --id=<token id>
//   kompas-admin token list   --tokens_file=F
//
// `create` prints the new token once, on stdout; only its hash is stored. Services pick up
// changes on SIGHUP (scripts/stack and Kubernetes do that for you).
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "services/common/tokens.h"

ABSL_FLAG(std::string, tokens_file, "", "the tokens file to change or list (required)");
ABSL_FLAG(std::string, tenant, "", "create: the organisation the token acts for, e.g. gm0014");
ABSL_FLAG(std::string, scopes, "compass",
          "create: comma-separated scopes: compass, records.read, records.write, catalog.admin, "
          "network.report");
ABSL_FLAG(int, valid_days, 365, "create: days until the token expires (1-1096)");
ABSL_FLAG(std::string, note, "", "create: a note for administrators (no secrets, no names)");
ABSL_FLAG(std::string, id, "", "revoke: the token id (the part after kmp_, as `list` shows)");

namespace {

constexpr char kUsage[] =
    "kompas-admin token create|revoke|list --tokens_file=FILE [flags]\n"
    "  create  make a token for --tenant with --scopes, valid --valid_days; prints it ONCE\n"
    "  revoke  revoke the token --id (takes effect when services get SIGHUP)\n"
    "  list    show ids, tenants, scopes, expiry and revocation (never secrets)";

int Fail(const absl::Status& s) {
  std::cerr << "kompas-admin: " << s.message() << "\n";
  return 1;
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone());
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 3 || std::string(args[1]) != "token") {
    std::cerr << kUsage << "\n";
    return 2;
  }
  const std::string verb = args[2];
  const std::string file = absl::GetFlag(FLAGS_tokens_file);
  if (file.empty()) return Fail(absl::InvalidArgumentError("--tokens_file is required"));
  const absl::Time now = absl::Now();

  if (verb == "create") {
    std::vector<kompas::Scope> scopes;
    for (absl::string_view name :
         absl::StrSplit(absl::GetFlag(FLAGS_scopes), ',', absl::SkipEmpty())) {
      std::optional<kompas::Scope> scope = kompas::ParseScope(name);
      if (!scope) {
        return Fail(
            absl::InvalidArgumentError(absl::StrCat("--scopes: unknown scope '", name, "'")));
      }
      scopes.push_back(*scope);
    }
    const int days = absl::GetFlag(FLAGS_valid_days);
    if (days < 1 || days > 1096) {
      return Fail(absl::InvalidArgumentError("--valid_days must be between 1 and 1096"));
    }
    std::string token;
    absl::Status s =
        kompas::UpdateTokensFile(file, /*create_if_missing=*/true, [&](kompas::TokenTable& t) {
          absl::StatusOr<std::string> created =
              t.Create(absl::GetFlag(FLAGS_tenant), scopes, now, now + absl::Hours(24 * days),
                       absl::GetFlag(FLAGS_note));
          if (!created.ok()) return created.status();
          token = *std::move(created);
          return absl::OkStatus();
        });
    if (!s.ok()) return Fail(s);
    std::cout << token << "\n";
    std::cerr << "kompas-admin: token created; it is shown only this once. Send SIGHUP to the "
                 "services to load it.\n";
    return 0;
  }
  if (verb == "revoke") {
    absl::Status s = kompas::UpdateTokensFile(
        file, /*create_if_missing=*/false,
        [&](kompas::TokenTable& t) { return t.Revoke(absl::GetFlag(FLAGS_id), now); });
    return s.ok() ? 0 : Fail(s);
  }
  if (verb == "list") {
    absl::StatusOr<kompas::TokenTable> table = kompas::TokenTable::Load(file);
    if (!table.ok()) return Fail(table.status());
    std::cout << "ID                TENANT            EXPIRES               STATE    SCOPES\n";
    for (const kompas::TokenRecord& r : table->records()) {
      std::vector<std::string> names;
      for (kompas::Scope sc : r.scopes) names.emplace_back(kompas::ScopeName(sc));
      const char* state =
          r.revoked.has_value() ? "revoked" : (r.expires <= now ? "expired" : "active");
      std::printf("%-17s %-17s %-21s %-8s %s\n", r.id.c_str(), r.tenant.c_str(),
                  Rfc3339(r.expires).c_str(), state, absl::StrJoin(names, ",").c_str());
    }
    return 0;
  }
  std::cerr << kUsage << "\n";
  return 2;
}
