// Versioned schema migrations for the case record, per engine. Internal to the storage library.
//
// Migration N (1-based) moves the schema from version N-1 to N; schema_migrations holds one row
// per applied version. Migrate() runs in one transaction that first takes the database's write
// lock (BEGIN IMMEDIATE on SQLite; pg_advisory_xact_lock on PostgreSQL), so replicas that start
// at once apply each migration exactly once and the later one finds nothing left to do.
// Migrations are append-only: never edit one that has shipped; add the next.
#ifndef KOMPAS_SERVICES_CASERECORD_STORAGE_MIGRATIONS_H_
#define KOMPAS_SERVICES_CASERECORD_STORAGE_MIGRATIONS_H_

#include "absl/status/status.h"
#include "services/caserecord/storage/sql.h"

namespace kompas::caserecord::storage {

// Applies the pending migrations. FAILED_PRECONDITION when the database is at a newer version
// than this code knows (an older binary must not write to a newer schema).
absl::Status Migrate(SqlConnection& connection);

}  // namespace kompas::caserecord::storage

#endif  // KOMPAS_SERVICES_CASERECORD_STORAGE_MIGRATIONS_H_
