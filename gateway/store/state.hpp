// The message states and the machine they follow, and message ids. One set
// of names everywhere (Postfix qmgr style):
//
//   received --> queued --> delivering --> delivered --> acknowledged
//                  ^  |          |
//                  |  +--> held  +--> deferred --> delivering
//                  |       |     |
//                  +-------+     +--> dead  (lifetime exceeded / refused permanently)
//   rejected  (did not pass; kept for the sender to read; final)
//
//   received      committed, not yet routed
//   queued        routed, waiting for delivery (mailbox messages wait here until fetched)
//   delivering    a delivery attempt is running (back to queued after a crash)
//   delivered     the receiver has it (pushed, dropped, or fetched from its mailbox)
//   acknowledged  the receiver acknowledged it (mailbox ack, push 2xx with id)
//   deferred      an attempt failed; next_attempt_at says when the next one is
//   held          operator, partner mode (shadow) or receiver not yet live
//   dead          given up; last_error says why (an operator can requeue)
//   rejected      refused at intake; findings say why
//
// Illegal transitions are refused: Store::transition and Store::settle
// answer store.illegal_transition.
//
// Threading: pure functions. The engine keeps the state as its name
// (to_string) and checks every change with transition_allowed().
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sluis::store {

enum class State {
  received,
  queued,
  delivering,
  delivered,
  acknowledged,
  deferred,
  held,
  dead,
  rejected
};
std::string_view to_string(State s);
std::optional<State> parse_state(std::string_view s);
bool transition_allowed(State from, State to);

// Why a message is held (StoredMessage::hold_reason); none when it is not.
// The texts (to_string) are what the store's hold_reason column, the admin
// answers and the docs say.
enum class HoldReason {
  none,               // ""
  sender_shadow,      // "sender_shadow": never delivered
  receiver_shadow,    // "receiver_shadow": never delivered
  receiver_not_live,  // "receiver_not_live": released when the receiver goes live
  orphan,             // "orphan": waits for an allocation, judged again when it comes
  by_operator,        // "operator": message-hold
};
std::string_view to_string(HoldReason r);
// "" is none; nullopt for a text no hold has.
std::optional<HoldReason> parse_hold_reason(std::string_view s);

// A fresh opaque message id: "m", 11 hex digits of the time in milliseconds,
// 12 hex digits from the CSPRNG (24 characters; ids made later sort later,
// which keeps the indexes on them compact; nothing may rely on that). Never
// holds a run the logger would mask as a BSN (core::has_bsn_run).
std::string new_message_id();

}  // namespace sluis::store
