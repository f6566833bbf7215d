// One stored message as a page a person reads: for a partner (GET
// /v1/messages/{id} and GET /v1/mailbox/{id} with `Accept: text/html`) and
// for an operator (`sluisctl message-show ID --html`).
//
// The page has:
//   - what sluis knows of the message: its type (number, law and the
//     standard's name), sender and receiver codes, Identificatie, when it
//     was received, its status, and the message it answers;
//   - why it was refused or what advice it got: every finding with rule,
//     retourcode (the standard's text, how to fix it), element and value;
//   - the message itself, read into the typed model: a section per class in
//     document order (header, client, each product, each prestatie ...),
//     each element's value as people read it (dates, amounts in euro,
//     periods, volume with its unit), the RetourCodes of each class with
//     their explanation.
// Personal data (standard/personal_data.hpp: BSN, names, birth date,
// address, contact details, free text) are masked unless `unmask` is set,
// which only an operator can ask for. A body that cannot be read (a message
// refused for its XML) is not shown; the findings say why.
//
// Bounded: at most `max_rows` values of the message are shown; the page then
// says how many were left out and that the XML has them all. A body over
// `max_body` bytes is not read at all (the page says so).
//
// Threading: render_message validates the body with a Validator of its own
// (one per call; the schema set is shared and immutable): call it off the
// io thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/config/config.hpp"
#include "gateway/portal/page.hpp"
#include "gateway/store/store.hpp"
#include "gateway/xml/schema_set.hpp"

namespace sluis::portal {

inline constexpr std::size_t kMaxRows = 2000;
// A body larger than this is not read for its page (reading a 24 MiB
// declaration costs a validation thread seconds, for a page that shows its
// first 2000 values): the page says so and points to the XML.
inline constexpr std::size_t kMaxDrawnBody = 4u << 20;

struct MessagePageOptions {
  Lang lang = Lang::nl;
  bool unmask = false;  // operators only (sluisctl message-show --html --unmask)
  std::size_t max_rows = kMaxRows;
  std::size_t max_body = kMaxDrawnBody;
  // The words for the message's status: the partner's (accepted, rejected,
  // composed ... store::status_of) or the queue state for an operator.
  std::string status;
  // Where the message a retour answers is linked to ("/v1/messages/"); empty: not linked.
  std::string link_base = "/v1/messages/";
};

// `body`: the stored bytes; nullptr when there are none to show (pruned).
std::string render_message(const store::StoredMessage& m, const std::string* body,
                           const std::shared_ptr<const xml::SchemaSet>& schemas,
                           const config::SchemasConfig& limits, const MessagePageOptions& options);

}  // namespace sluis::portal
