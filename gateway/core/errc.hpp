// sluis::core::Errc — the closed set of error codes a core::Error carries.
//
// Inside the process a code is this enumeration: compared, switched on, never
// spelled. Its stable string ("store.disk_full") exists once, in kErrcNames,
// and is what the edges print (admin and HTTP answers, logs, exception texts):
// operators and partners see exactly the strings they always saw. A new code
// is a new enumerator and a new line in the table, in the same place.
//
// The names are module-prefixed strings; core knows no other module, only this
// list of names.
#pragma once

#include <array>
#include <cstddef>
#include <iosfwd>
#include <string_view>
#include <utility>

namespace sluis::core {

enum class Errc {
  contract_date,     // a contract row's dates: not a date, ends before it starts, not 1 January
  contract_overlap,  // two contract rows for the same thing with overlapping periods
  contract_unknown,  // a contract row names a product, contract or gemeente nobody lists
  contract_value,    // a contract row's field is not what its column allows

  core_exception,  // an exception escaped an async job

  csv_after_quote,   // text after a closing quote
  csv_fields,        // a record with another field count than the header
  csv_unterminated,  // a quoted field runs to the end of the file

  intake_no_key,  // ledger-import without a BSN hash key: nothing written

  model_no_root,
  model_path,
  model_value,

  net_ca,
  net_client_cert,
  net_client_key,

  reference_categorie,
  reference_code,
  reference_date,
  reference_empty,
  reference_fields,
  reference_header,
  reference_wet,

  route_bad_url,
  route_ca,           // net_ca, for a push destination
  route_client_cert,  // net_client_cert, for a push destination
  route_client_key,   // net_client_key, for a push destination
  route_drop_dir,
  route_prune,

  schemas_doctype,
  schemas_duplicate,
  schemas_load,
  schemas_manifest,
  schemas_outside,
  schemas_tampered,

  store_backup_cancelled,
  store_backup_corrupt,
  store_backup_exists,
  store_bsn_key,  // the store was written with another BSN hash key
  store_busy,
  store_closed,
  store_commit_failed,
  store_corrupt,
  store_decide_failed,
  store_disk_full,
  store_dry_run,
  store_illegal_transition,
  store_newer_schema,
  store_not_a_database,
  store_not_found,
  store_postgresql,  // PostgreSQL refused or failed a statement (its SQLSTATE in the text)
  store_pruned,
  store_reason_required,
  store_sqlite,
  store_unavailable,  // the database server cannot be reached (PostgreSQL); the last enumerator (see the static_assert below)
};

// The one table: every enumerator, in declaration order, with its stable string.
inline constexpr std::array<std::pair<Errc, std::string_view>, 54> kErrcNames{{
    {Errc::contract_date, "contract.date"},
    {Errc::contract_overlap, "contract.overlap"},
    {Errc::contract_unknown, "contract.unknown"},
    {Errc::contract_value, "contract.value"},

    {Errc::core_exception, "core.exception"},

    {Errc::csv_after_quote, "csv.after_quote"},
    {Errc::csv_fields, "csv.fields"},
    {Errc::csv_unterminated, "csv.unterminated"},

    {Errc::intake_no_key, "intake.no_key"},

    {Errc::model_no_root, "model.no_root"},
    {Errc::model_path, "model.path"},
    {Errc::model_value, "model.value"},

    {Errc::net_ca, "net.ca"},
    {Errc::net_client_cert, "net.client_cert"},
    {Errc::net_client_key, "net.client_key"},

    {Errc::reference_categorie, "reference.categorie"},
    {Errc::reference_code, "reference.code"},
    {Errc::reference_date, "reference.date"},
    {Errc::reference_empty, "reference.empty"},
    {Errc::reference_fields, "reference.fields"},
    {Errc::reference_header, "reference.header"},
    {Errc::reference_wet, "reference.wet"},

    {Errc::route_bad_url, "route.bad_url"},
    {Errc::route_ca, "route.ca"},
    {Errc::route_client_cert, "route.client_cert"},
    {Errc::route_client_key, "route.client_key"},
    {Errc::route_drop_dir, "route.drop_dir"},
    {Errc::route_prune, "route.prune"},

    {Errc::schemas_doctype, "schemas.doctype"},
    {Errc::schemas_duplicate, "schemas.duplicate"},
    {Errc::schemas_load, "schemas.load"},
    {Errc::schemas_manifest, "schemas.manifest"},
    {Errc::schemas_outside, "schemas.outside"},
    {Errc::schemas_tampered, "schemas.tampered"},

    {Errc::store_backup_cancelled, "store.backup_cancelled"},
    {Errc::store_backup_corrupt, "store.backup_corrupt"},
    {Errc::store_backup_exists, "store.backup_exists"},
    {Errc::store_bsn_key, "store.bsn_key"},
    {Errc::store_busy, "store.busy"},
    {Errc::store_closed, "store.closed"},
    {Errc::store_commit_failed, "store.commit_failed"},
    {Errc::store_corrupt, "store.corrupt"},
    {Errc::store_decide_failed, "store.decide_failed"},
    {Errc::store_disk_full, "store.disk_full"},
    {Errc::store_dry_run, "store.dry_run"},
    {Errc::store_illegal_transition, "store.illegal_transition"},
    {Errc::store_newer_schema, "store.newer_schema"},
    {Errc::store_not_a_database, "store.not_a_database"},
    {Errc::store_not_found, "store.not_found"},
    {Errc::store_postgresql, "store.postgresql"},
    {Errc::store_pruned, "store.pruned"},
    {Errc::store_reason_required, "store.reason_required"},
    {Errc::store_sqlite, "store.sqlite"},
    {Errc::store_unavailable, "store.unavailable"},
}};

namespace detail {
constexpr bool errc_table_in_order() {
  for (std::size_t i = 0; i < kErrcNames.size(); ++i)
    if (static_cast<std::size_t>(kErrcNames[i].first) != i || kErrcNames[i].second.empty())
      return false;
  return true;
}
}  // namespace detail

static_assert(detail::errc_table_in_order(),
              "kErrcNames lists every Errc once, in declaration order");
static_assert(kErrcNames.size() == static_cast<std::size_t>(Errc::store_unavailable) + 1,
              "kErrcNames has a line for every Errc (update the last enumerator here)");

// The stable string, e.g. "store.disk_full".
constexpr std::string_view to_string(Errc c) {
  const auto i = static_cast<std::size_t>(c);
  return i < kErrcNames.size() ? kErrcNames[i].second : std::string_view("?");
}

// Writes to_string(c) (test failures and diagnostics show the stable string).
std::ostream& operator<<(std::ostream& os, Errc c);

}  // namespace sluis::core
