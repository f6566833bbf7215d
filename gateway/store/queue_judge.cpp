#include "gateway/store/queue_judge.hpp"

namespace sluis::store {

namespace {

std::string hold_text(HoldReason h) { return std::string(to_string(h)); }
std::string state_text(State s) { return std::string(to_string(s)); }

}  // namespace

std::vector<State> queue_action_sources(QueueAction a) {
  using S = State;
  switch (a) {
    case QueueAction::hold:
      return {S::queued, S::deferred};
    case QueueAction::release:
      return {S::held};
    case QueueAction::retry:
      return {S::deferred};  // a queued message is due already
    case QueueAction::requeue:
      return {S::dead};
    case QueueAction::remove:
      return {S::held, S::dead, S::rejected};
  }
  return {};
}

core::Result<QueueActionResult::Item> judge_queue_action(const QueueActionRequest& r, const QueueCandidate& m,
                                                        const DeleteBlocker& delete_blocker) {
  using S = State;
  QueueActionResult::Item it;
  it.id = m.id;
  it.from = it.to = m.state;
  auto refuse = [&](std::string why) {
    it.refused = std::move(why);
    return it;
  };
  auto change = [&](S to) {
    if (!transition_allowed(m.state, to))
      return refuse("it cannot go from " + state_text(m.state) + " to " + state_text(to));
    it.to = to;
    it.changed = true;
    return it;
  };
  const std::string is = "it is " + state_text(m.state);
  if (m.state == S::delivering)
    return refuse(
        "a delivery attempt is running; try again when it has ended (it goes to delivered, "
        "deferred "
        "or dead)");
  switch (r.action) {
    case QueueAction::hold:
      if (m.state == S::queued || m.state == S::deferred) return change(S::held);
      if (m.state == S::held) return refuse("it is held already (" + hold_text(m.hold_reason) + ")");
      return refuse(is + "; only queued or deferred messages can be held");
    case QueueAction::release:
      if (m.state != S::held) return refuse(is + ", not held");
      if (m.hold_reason == HoldReason::by_operator || m.hold_reason == HoldReason::receiver_not_live)
        return change(S::queued);
      if (m.hold_reason == HoldReason::sender_shadow || m.hold_reason == HoldReason::receiver_shadow)
        return refuse(
            std::string("it is held because the ") +
            (m.hold_reason == HoldReason::sender_shadow ? "sender" : "receiver") +
            " partner is in shadow mode, and shadow messages are never delivered; it cannot be "
            "released (set the partner live for its next messages)");
      if (m.hold_reason == HoldReason::orphan)
        return refuse(
            "it is held as an orphan waiting for an allocation (see orphan-list); it is judged "
            "again "
            "when that allocation arrives");
      return refuse("it is held (" +
                    (m.hold_reason == HoldReason::none ? std::string("no reason recorded")
                                                       : hold_text(m.hold_reason)) +
                    "); only operator and receiver_not_live holds can be released");
    case QueueAction::retry:
      if (m.state == S::deferred) return change(S::queued);
      if (m.state == S::queued) return it;  // due already: unchanged, not refused
      return refuse(is + "; only deferred (or queued) messages can be retried" +
                    (m.state == S::dead ? " (use message-requeue for a dead one)" : ""));
    case QueueAction::requeue:
      if (m.state == S::dead) return change(S::queued);
      return refuse(is + ", not dead; message-requeue takes dead messages back");
    case QueueAction::remove: {
      if (m.state == S::queued || m.state == S::deferred)
        return refuse(is + "; hold it first (message-hold) so no attempt starts, then delete it");
      if (m.state != S::held && m.state != S::dead && m.state != S::rejected)
        return refuse(
            is + "; the receiver has it (or it is still being committed), so its record stays");
      auto why = delete_blocker();
      if (!why) return why.error();
      if (!why->empty()) return refuse(*why);
      it.changed = true;
      return it;
    }
  }
  return refuse("unknown action");
}

}  // namespace sluis::store
