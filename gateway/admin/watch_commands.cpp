#include "gateway/admin/watch_commands.hpp"

#include <string>

#include "gateway/watch/kinds.hpp"
#include "gateway/watch/watches.hpp"

namespace sluis::admin {

void add_watch_commands(Registry& registry, store::WatchStore& db) {
  std::string kinds;
  for (const auto& k : watch::kinds()) kinds += (kinds.empty() ? "" : ", ") + std::string(k.name);
  registry.add(
      "watches",
      "Open cases of the watches with what to do about each, in Dutch and English (arguments: partner, kind (" +
          kinds + "), closed yes|no, limit; sluisctl watches [--partner ID] [--kind K] [--closed]).",
      Access::admin, [&db](const Request& r) {
        store::WatchFilter f;
        f.partner = string_arg(r, "partner");
        f.kind = string_arg(r, "kind");
        if (!f.kind.empty() && !watch::find_kind(f.kind)) {
          std::string known;
          for (const auto& k : watch::kinds()) known += (known.empty() ? "" : ", ") + std::string(k.name);
          return error("watches: unknown kind '" + f.kind + "' (one of " + known + ")");
        }
        auto closed = flag_arg(r, "closed");
        if (!closed) return error("watches: closed must be yes or no");
        f.include_closed = *closed;
        std::int64_t limit = 0;
        if (auto e = count_arg(r, "limit", 1000, 10000, limit); !e.empty()) return error("watches: " + e);
        f.limit = static_cast<int>(limit);
        auto list = watch::open_cases(db, f);
        if (!list) return error("watches: " + list.error().text);
        boost::json::array cases;
        std::size_t open = 0;
        for (const auto& c : *list) {
          const auto& s = c.stored;
          if (s.closed_at.empty()) ++open;
          boost::json::object o{{"id", s.id},
                                {"kind", s.kind},
                                {"watch", c.kind ? std::string(c.kind->watch) : std::string()},
                                {"partner", s.partner.empty() ? std::string("sluis") : s.partner},
                                {"subject", s.subject},
                                {"detail", s.detail},
                                {"opened_at", s.opened_at},
                                {"logged_at", s.logged_at},
                                {"closed_at", s.closed_at}};
          if (c.kind) {
            o["meaning_nl"] = c.kind->meaning_nl;
            o["meaning_en"] = c.kind->meaning_en;
            o["action_nl"] = c.kind->action_nl;
            o["action_en"] = c.kind->action_en;
          }
          cases.push_back(std::move(o));
        }
        if (cases.empty())
          return Answer{kEmpty, "no open watch cases" + (f.partner.empty() ? std::string() : " for " + f.partner),
                        {{"cases", boost::json::array{}}}};
        return ok(std::to_string(open) + " open watch case(s)" +
                      (f.include_closed ? ", " + std::to_string(cases.size() - open) + " closed" : std::string()),
                  {{"cases", std::move(cases)}});
      });
}

}  // namespace sluis::admin
