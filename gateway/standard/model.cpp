#include "gateway/standard/model.hpp"

#include <algorithm>
#include <charconv>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace sluis::standard::model {

// One place in the model: a step below its parent's place (null: the root),
// numbered or not. Made once and never freed (shapes(): as many as the model
// has places, each once numbered and once not at most).
class SrcShape {
 public:
  const SrcShape* parent;
  std::string name;
  bool numbered;
  int numbered_steps;  // numbered steps from the root down to this one
  int depth;           // steps from the root down to this one
};

namespace {

struct ShapeKey {
  const SrcShape* parent;
  std::string_view name;
  bool numbered;
  bool operator==(const ShapeKey&) const = default;
};

struct ShapeKeyHash {
  std::size_t operator()(const ShapeKey& k) const {
    std::size_t h = std::hash<std::string_view>()(k.name);
    h ^= std::hash<const void*>()(k.parent) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h ^ static_cast<std::size_t>(k.numbered);
  }
};

// The interned shapes: every thread that reads or makes a model asks here.
class Shapes {
 public:
  const SrcShape* get(const SrcShape* parent, std::string_view name, bool numbered) {
    std::lock_guard lock(mu_);
    if (auto it = map_.find(ShapeKey{parent, name, numbered}); it != map_.end()) return it->second.get();
    auto shape = std::make_unique<SrcShape>(SrcShape{parent, std::string(name), numbered,
                                                     (parent ? parent->numbered_steps : 0) + (numbered ? 1 : 0),
                                                     (parent ? parent->depth : 0) + 1});
    const SrcShape* out = shape.get();
    map_.emplace(ShapeKey{parent, out->name, numbered}, std::move(shape));  // the key views the shape's own name
    return out;
  }

 private:
  std::mutex mu_;
  std::unordered_map<ShapeKey, std::unique_ptr<SrcShape>, ShapeKeyHash> map_;
};

Shapes& shapes() {
  static Shapes* s = new Shapes;  // never destroyed: a Src may outlive static destruction's order
  return *s;
}

[[noreturn]] void bad_path(std::string_view path, const char* why) {
  throw std::invalid_argument("not an element path (" + std::string(why) + "): " + std::string(path));
}

}  // namespace

Src::Src(std::string_view path, int l, int c) : line(l), column(c) { set_path(path); }

void Src::set_path(std::string_view path) {
  const SrcShape* shape = nullptr;
  std::uint32_t numbers[kMaxNumbered] = {};
  int numbered = 0;
  if (!path.empty()) {
    if (path.front() != '/') bad_path(path, "it starts with /");
    for (std::size_t pos = 1; pos <= path.size();) {
      std::size_t next = std::min(path.find('/', pos), path.size());
      std::string_view step = path.substr(pos, next - pos);
      std::string_view name = step.substr(0, step.find('['));
      if (name.empty()) bad_path(path, "an empty step");
      bool has_number = name.size() < step.size();
      if (has_number) {
        std::string_view digits = step.substr(name.size() + 1);
        std::uint32_t n = 0;
        if (digits.size() < 2 || digits.back() != ']') bad_path(path, "a number in [ ]");
        digits.remove_suffix(1);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        if (ec != std::errc{} || end != digits.data() + digits.size()) bad_path(path, "a number in [ ]");
        if (numbered == kMaxNumbered) bad_path(path, "at most two numbered steps");
        numbers[numbered++] = n;
      }
      shape = shapes().get(shape, name, has_number);
      pos = next + 1;
    }
  }
  shape_ = shape;
  std::copy(std::begin(numbers), std::end(numbers), numbers_);
}

std::optional<Src> Src::below(std::string_view name, int number) const {
  bool numbered = number > 1;
  int used = shape_ ? shape_->numbered_steps : 0;
  if (numbered && used == kMaxNumbered) return std::nullopt;
  Src out;
  out.shape_ = shapes().get(shape_, name, numbered);
  std::copy(std::begin(numbers_), std::end(numbers_), out.numbers_);
  if (numbered) out.numbers_[used] = static_cast<std::uint32_t>(number);
  return out;
}

std::string Src::path() const {
  std::string out;
  if (!shape_) return out;
  std::vector<const SrcShape*> steps(static_cast<std::size_t>(shape_->depth));
  std::size_t n = 0;
  for (const SrcShape* s = shape_; s; s = s->parent) steps[n++] = s;
  int k = 0;
  for (std::size_t i = n; i-- > 0;) {
    out += '/';
    out += steps[i]->name;
    if (steps[i]->numbered) {
      out += '[';
      out += std::to_string(numbers_[k++]);
      out += ']';
    }
  }
  return out;
}

Header& Message::header() {
  return std::visit([](auto& b) -> Header& { return b.Header; }, body);
}
const Header& Message::header() const {
  return std::visit([](const auto& b) -> const Header& { return b.Header; }, body);
}

Body empty_body(int number) {
  switch (number) {
    case 301: case 302: return Bericht301{};
    case 305: case 306: return Bericht305{};
    case 307: case 308: return Bericht307{};
    case 315: case 316: return Bericht315{};
    case 317: case 318: return Bericht317{};
    case 319: case 320: return Bericht319{};
    case 323: return Bericht323{};
    case 325: return Bericht325{};
    default: throw std::invalid_argument("no message " + std::to_string(number));
  }
}

Message make_retour(const Message& heen, const RetourHeader& r) {
  if (!heen.type || heen.type->retour || heen.type->number == 323 || heen.type->number == 325)
    throw std::invalid_argument("make_retour needs a heenbericht 301-319");
  const MessageType* rt = find_message(heen.type->law, heen.type->number + 1);
  Message out{rt, heen.release, heen.body};
  Header& h = out.header();
  h.BerichtCode = rt->berichtcode;
  h.IdentificatieRetour = r.IdentificatieRetour;
  h.DagtekeningRetour = r.DagtekeningRetour;
  h.XsltVersie = r.XsltVersie;
  h.XsdVersieRetour = r.XsdVersieRetour;
  h.RetourCodes.clear();
  return out;
}

void drop_classes(Message& retour) {
  std::visit(
      [](auto& b) {
        using B = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<B, Bericht319>) b.Antwoord.reset();
        else if constexpr (std::is_same_v<B, Bericht325>) b.DeclaratieAntwoord.reset();
        else if constexpr (std::is_same_v<B, Bericht323>) throw std::invalid_argument("a 323 has no classes to drop");
        else b.Client.reset();
      },
      retour.body);
}

Message make_325(const Message& declaratie, const AntwoordHeader& a) {
  Message out = make_325_without_clients(declaratie, a);
  std::get<Bericht325>(out.body).DeclaratieAntwoord->Clienten =
      std::get<Bericht323>(declaratie.body).Declaratie.Clienten;
  return out;
}

Message make_325_without_clients(const Message& declaratie, const AntwoordHeader& a) {
  const auto* d = std::get_if<Bericht323>(&declaratie.body);
  if (!d || !declaratie.type) throw std::invalid_argument("make_325 needs a 323");
  const MessageType* t = find_message(declaratie.type->law, 325);
  Bericht325 b;
  Header& h = b.Header;
  h.BerichtCode = t->berichtcode;
  h.BerichtVersie = d->Header.BerichtVersie;
  h.BerichtSubversie = d->Header.BerichtSubversie;
  h.Afzender = d->Header.Ontvanger;
  h.Ontvanger = d->Header.Afzender;
  h.BerichtIdentificatie = a.BerichtIdentificatie;
  h.XsdVersie = a.XsdVersie;
  h.DeclaratieIdentificatie = d->Header.BerichtIdentificatie;
  h.XsltVersie = a.XsltVersie;
  h.XsdVersieDeclaratie = d->Header.XsdVersie;
  DeclaratieAntwoord& da = b.DeclaratieAntwoord.emplace();
  da.DeclaratieNummer = d->Declaratie.DeclaratieNummer;
  da.TotaalIngediendBedrag = d->Declaratie.TotaalIngediendBedrag;
  da.TotaalToegekendBedrag = d->Declaratie.TotaalIngediendBedrag;
  return Message{t, declaratie.release, std::move(b)};
}

void remove_approved(DeclaratieAntwoord& a) {
  for (auto& c : a.Clienten)
    std::erase_if(c.Prestaties, [](const Prestatie& p) { return p.RetourCodes.empty(); });
  std::erase_if(a.Clienten, [](const Client323& c) { return c.Prestaties.empty(); });
}

}  // namespace sluis::standard::model
