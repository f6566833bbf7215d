#include "gateway/xml/model_writer.hpp"

#include <stdexcept>
#include <type_traits>

namespace sluis::xml {

namespace m = standard::model;

namespace {

// Text content: markup characters escaped, CR kept as a reference (a parser
// would turn a raw one into LF), characters XML 1.0 cannot carry left out.
void escape(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') break;
        out += c;
    }
  }
}

class Writer {
 public:
  Writer(std::string& out, std::string_view message_prefix, std::string_view basis_prefix, bool basis, int depth,
         bool compact)
      : out_(out), mp_(message_prefix), bp_(basis_prefix), basis_(basis), depth_(depth), compact_(compact) {}

  template <class T>
  void operator()(const char* name, const T& field) {
    if constexpr (m::IsOptional<T>::value) {
      if (field) (*this)(name, *field);
    } else if constexpr (m::ModelClass<T>) {
      open(name);
      newline();
      Writer inner(out_, mp_, bp_, T::kBasis, depth_ + 1, compact_);
      T::visit(inner, field);
      indent();
      close(name);
    } else {
      open(name);
      if constexpr (std::is_same_v<T, std::string>) escape(out_, field);
      else if constexpr (std::is_same_v<T, m::Integer>) out_ += std::to_string(field);
      else out_ += core::format_date(field);
      close(name);
    }
  }

  template <class T>
  void list(const char* wrapper, const char* item, const std::vector<T>& v) {
    if (v.empty()) return;
    open(wrapper);
    newline();
    Writer inner(out_, mp_, bp_, basis_, depth_ + 1, compact_);
    for (const auto& x : v) inner(item, x);
    indent();
    close(wrapper);
  }

  void codes(const m::Codes& c) { list("RetourCodes", "RetourCode", c); }

 private:
  void indent() {
    if (!compact_) out_.append(static_cast<size_t>(depth_) * 2, ' ');
  }
  void newline() {
    if (!compact_) out_ += '\n';
  }
  void open(const char* name) {
    indent();
    out_ += '<';
    out_ += basis_ ? bp_ : mp_;
    out_ += ':';
    out_ += name;
    out_ += '>';
  }
  void close(const char* name) {
    out_ += "</";
    out_ += basis_ ? bp_ : mp_;
    out_ += ':';
    out_ += name;
    out_ += '>';
    newline();
  }

  std::string& out_;
  std::string_view mp_, bp_;
  bool basis_;
  int depth_;
  bool compact_;
};

}  // namespace

std::string write_message(const m::Message& message, Layout layout) {
  const bool compact = layout == Layout::compact;
  if (!message.type) throw std::invalid_argument("write_message: message without a type");
  const auto& type = *message.type;
  std::string prefix = standard::message_prefix(type);
  std::string basis = type.law == standard::Law::ijw ? "ijw" : "iwmo";
  std::string out;
  out.reserve(4096);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<" + prefix + ":Bericht xmlns:" + prefix + "=\"" + standard::message_namespace(type, message.release) +
         "\" xmlns:" + basis + "=\"" + standard::basisschema_namespace(type.law, message.release) + "\">";
  if (!compact) out += '\n';
  Writer w(out, prefix, basis, false, 1, compact);
  std::visit([&](const auto& b) { std::decay_t<decltype(b)>::visit(w, b); }, message.body);
  out += "</" + prefix + ":Bericht>\n";
  return out;
}

}  // namespace sluis::xml
