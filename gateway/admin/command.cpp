#include "gateway/admin/command.hpp"

#include <charconv>

namespace sluis::admin {

boost::json::value to_json(const Answer& a) {
  boost::json::object o{{"result", a.result}, {"text", a.text}};
  if (!a.arguments.empty()) o["arguments"] = a.arguments;
  return o;
}

Answer answer_from_json(const boost::json::value& v) {
  const auto* o = v.if_object();
  if (!o) return error("the answer is not a JSON object");
  const auto* r = o->if_contains("result");
  if (!r || !r->is_int64()) return error("the answer has no integer \"result\"");
  Answer a;
  a.result = static_cast<int>(r->as_int64());
  if (const auto* t = o->if_contains("text"); t && t->is_string()) a.text = t->as_string().c_str();
  if (const auto* g = o->if_contains("arguments"); g && g->is_object())
    a.arguments = g->as_object();
  return a;
}

Job& job(const Request& r) {
  static Job inert;
  return r.job ? *r.job : inert;
}

std::string cancelled_after(std::int64_t done, std::int64_t total, std::string_view what) {
  std::string t = "cancelled after " + std::to_string(done);
  if (total > 0) t += " of " + std::to_string(total);
  t += " ";
  t += what;
  return t;
}

std::string string_arg(const Request& r, std::string_view name) {
  const auto* v = r.arguments.if_contains(name);
  if (!v || !v->is_string()) return {};
  return std::string(v->as_string());
}

std::optional<bool> flag_arg(const Request& r, std::string_view name) {
  const auto* v = r.arguments.if_contains(name);
  if (!v) return false;
  if (v->is_bool()) return v->as_bool();
  if (!v->is_string()) return std::nullopt;
  std::string_view s = v->as_string();
  if (s == "yes" || s == "true" || s == "1") return true;
  if (s == "no" || s == "false" || s == "0") return false;
  return std::nullopt;
}

std::string count_arg(const Request& r, std::string_view name, std::int64_t dflt, std::int64_t max,
                      std::int64_t& out) {
  out = dflt;
  const std::string v = string_arg(r, name);
  if (v.empty()) return {};
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < 1 || n > max)
    return std::string(name) + " must be a number 1 ... " + std::to_string(max) + ", got '" + v + "'";
  out = n;
  return {};
}

std::string day_arg(const Request& r, std::string_view name, const core::Date& dflt, core::Date& out) {
  out = dflt;
  const std::string v = string_arg(r, name);
  if (v.empty()) return {};
  auto d = core::parse_date(v);
  if (!d) return "--" + std::string(name) + " must be a Dutch day YYYY-MM-DD, got '" + v.substr(0, 32) + "'";
  out = *d;
  return {};
}

}  // namespace sluis::admin
