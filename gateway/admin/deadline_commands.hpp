// Admin commands on the standard's deadlines: `overdue` lists, per partner,
// the answers it owes past their due date (standard/deadlines.hpp): the
// message that made them owed, kind, rule, law and type, when received, the
// due date and since when overdue. No BSNs or names: the store keeps none
// with an obligation.
#pragma once

#include "gateway/admin/registry.hpp"
#include "gateway/store/store.hpp"

namespace sluis::admin {

// Arguments of `overdue`: partner (a partner id; default all), as-of
// (YYYY-MM-DD, default today in Europe/Amsterdam: what is overdue on that day).
void add_deadline_commands(Registry& registry, store::OperatorQueue& store);

}  // namespace sluis::admin
