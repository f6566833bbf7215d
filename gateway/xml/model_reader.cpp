#include "gateway/xml/model_reader.hpp"

#include <charconv>
#include <optional>
#include <span>
#include <type_traits>
#include <vector>

namespace sluis::xml {

namespace m = standard::model;

namespace {

// Where an element's content goes. An element is either a leaf (assign takes
// its text) or a container (child finds the target of a child element); place
// records where a class was read.
struct Target;
using ChildFn = Target (*)(const Target& self, std::string_view name);
using AssignFn = bool (*)(void* obj, std::string_view text);
using PlaceFn = void (*)(void* obj, const m::Src& where, int line, int column);
using EndFn = void (*)(void* obj);

struct Target {
  void* obj = nullptr;
  ChildFn child = nullptr;
  AssignFn assign = nullptr;
  PlaceFn place = nullptr;
  const char* item = nullptr;  // the repeated element of a wrapper
  const char* name = nullptr;  // the element's name as the model spells it (static)
  EndFn end = nullptr;         // at the element's end (a list: give back its spare capacity)
};

// xs:integer and xs:date collapse white space; strings keep theirs.
std::string_view collapse(std::string_view t) {
  const char* ws = " \t\r\n";
  auto b = t.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return t.substr(b, t.find_last_not_of(ws) - b + 1);
}

bool assign_string(void* p, std::string_view t) {
  static_cast<std::string*>(p)->assign(t);
  return true;
}

bool assign_integer(void* p, std::string_view t) {
  t = collapse(t);
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  m::Integer v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc{} || end != t.data() + t.size() || t.empty()) return false;
  *static_cast<m::Integer*>(p) = v;
  return true;
}

bool assign_date(void* p, std::string_view t) {
  auto d = core::parse_date(collapse(t));
  if (!d) return false;
  *static_cast<m::Date*>(p) = *d;
  return true;
}

template <class T>
void place_src(void* p, const m::Src& where, int line, int column) {
  auto& src = static_cast<T*>(p)->src;
  src = where;
  src.line = line;
  src.column = column;
}

template <class T>
Target target_for(T& field);

template <class T>
Target list_child(const Target& self, std::string_view name) {
  if (name != self.item) return {};
  auto& v = *static_cast<std::vector<T>*>(self.obj);
  v.emplace_back();
  Target t = target_for(v.back());
  t.name = self.item;
  return t;
}

// A list grows by doubling while it is read: a declaration's 40 000 clients
// left 25 000 places (3 MB) spare for as long as the message is judged.
template <class T>
void shrink_list(void* p) {
  auto& v = *static_cast<std::vector<T>*>(p);
  if (v.capacity() - v.size() > 16) v.shrink_to_fit();
}

Target codes_child(const Target& self, std::string_view name) {
  if (name != "RetourCode") return {};
  auto& c = *static_cast<m::Codes*>(self.obj);
  c.emplace_back();
  return Target{&c.back(), nullptr, &assign_string, nullptr, nullptr, "RetourCode"};
}

// Finds the field of a class that an element name names (visit() order).
struct Matcher {
  std::string_view name;
  Target out;
  bool found = false;

  template <class T>
  void operator()(const char* n, T& field) {
    if (found || name != n) return;
    found = true;
    out = target_for(field);
    out.name = n;
  }
  template <class T>
  void list(const char* wrapper, const char* item, std::vector<T>& v) {
    if (found || name != wrapper) return;
    found = true;
    out = Target{&v, &list_child<T>, nullptr, nullptr, item, wrapper, &shrink_list<T>};
  }
  void codes(m::Codes& c) {
    if (found || name != "RetourCodes") return;
    found = true;
    out = Target{&c, &codes_child, nullptr, nullptr, nullptr, "RetourCodes"};
  }
};

template <class T>
Target object_child(const Target& self, std::string_view name) {
  Matcher matcher{name, {}, false};
  T::visit(matcher, *static_cast<T*>(self.obj));
  return matcher.out;
}

template <class T>
Target target_for(T& field) {
  if constexpr (m::IsOptional<T>::value) {
    field.emplace();
    return target_for(*field);
  } else if constexpr (m::ModelClass<T>) {
    PlaceFn place = nullptr;
    if constexpr (requires { field.src; }) place = &place_src<T>;
    return Target{&field, &object_child<T>, nullptr, place};
  } else if constexpr (std::is_same_v<T, std::string>) {
    return Target{&field, nullptr, &assign_string};
  } else if constexpr (std::is_same_v<T, m::Integer>) {
    return Target{&field, nullptr, &assign_integer};
  } else {
    static_assert(std::is_same_v<T, m::Date>, "model fields are strings, integers, dates or classes");
    return Target{&field, nullptr, &assign_date};
  }
}

struct Frame {
  Target target;  // target.name: the model's own (static) spelling of the element
  int index;      // 3 for "Prestatie[3]", as the validator counted it
  std::optional<m::Src> src;  // its path, made when a class at or below it is placed
};

// ---- editing by path ----

struct Step {
  std::string name;
  size_t index;  // 1-based
};

struct Editor {
  std::span<const Step> rest;  // rest.front() names a field of the visited class
  std::optional<std::string_view> value;
  std::string error;
  bool done = false;

  template <class T>
  void operator()(const char* n, T& field) {
    if (done || rest.front().name != n) return;
    done = true;
    apply(field, rest.subspan(1));
  }

  template <class T>
  void list(const char* wrapper, const char* item, std::vector<T>& v) {
    if (done || rest.front().name != wrapper) return;
    done = true;
    items(v, item, rest.subspan(1));
  }

  void codes(m::Codes& c) {
    if (done || rest.front().name != "RetourCodes") return;
    done = true;
    items(c, "RetourCode", rest.subspan(1));
  }

  template <class V>
  void items(V& v, std::string_view item, std::span<const Step> tail) {
    if (tail.empty()) {
      if (value) error = "a list is not a value";
      else v.clear();
      return;
    }
    if (tail.front().name != item) {
      error = "expected " + std::string(item) + " after its wrapper";
      return;
    }
    size_t i = tail.front().index - 1;
    if (tail.size() == 1 && !value) {
      if (i < v.size()) v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
      else error = "no " + std::string(item) + "[" + std::to_string(i + 1) + "] to remove";
      return;
    }
    if (i == v.size()) v.emplace_back();
    if (i >= v.size()) {
      error = "no " + std::string(item) + "[" + std::to_string(i + 1) + "]";
      return;
    }
    apply(v[i], tail.subspan(1));
  }

  template <class T>
  void apply(T& field, std::span<const Step> tail) {
    if constexpr (m::IsOptional<T>::value) {
      if (tail.empty() && !value) {
        field.reset();
        return;
      }
      if (!field) field.emplace();
      apply(*field, tail);
    } else if constexpr (m::ModelClass<T>) {
      if (tail.empty()) {
        error = value ? "not a value element" : "a mandatory element cannot be removed";
        return;
      }
      Editor inner{tail, value, {}, false};
      T::visit(inner, field);
      if (!inner.done) error = "no element " + tail.front().name;
      else error = inner.error;
    } else {
      if (!tail.empty()) {
        error = "a value element has no children";
        return;
      }
      if (!value) {
        error = "a mandatory element cannot be removed";
        return;
      }
      Target t = target_for(field);
      if (!t.assign(t.obj, *value)) error = "the value does not fit the element's type";
    }
  }
};

}  // namespace

core::Result<void> edit_model(m::Message& message, std::string_view path, std::optional<std::string_view> value) {
  std::vector<Step> steps;
  for (size_t pos = 1; pos <= path.size();) {
    size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    std::string seg(path.substr(pos, next - pos));
    size_t index = 1;
    if (auto br = seg.find('['); br != std::string::npos && seg.back() == ']') {
      index = std::stoul(seg.substr(br + 1, seg.size() - br - 2));
      seg.resize(br);
    }
    if (seg.empty() || index == 0)
      return core::make_error(core::Errc::model_path, "bad path " + std::string(path));
    steps.push_back({seg, index});
    pos = next + 1;
  }
  if (steps.size() < 2 || steps.front().name != "Bericht")
    return core::make_error(
        core::Errc::model_path,
        "a path starts with /Bericht/ and names an element: " + std::string(path));
  std::string error;
  std::visit(
      [&](auto& b) {
        Editor e{std::span<const Step>(steps).subspan(1), value, {}, false};
        std::decay_t<decltype(b)>::visit(e, b);
        error = e.done ? e.error : "no element " + steps[1].name;
      },
      message.body);
  if (!error.empty())
    return core::make_error(core::Errc::model_path, std::string(path) + ": " + error);
  return {};
}

struct ModelBuilder::Impl {
  standard::model::Message message;
  std::vector<Frame> stack;
  int skip = 0;  // depth inside an element the model has no place for
  bool root_seen = false;
  std::string text;
  std::optional<core::Error> error;

  // The element path of the innermost element, as text (for an error).
  std::string path() const {
    std::string out;
    for (const auto& f : stack) append_path_step(out, f.target.name, f.index);
    return out;
  }

  // The path of stack[i] as a Src, made once per element and step by step
  // from its parent's (a class's Src holds no text: model.hpp), or null when
  // it has more numbered steps than a Src holds, which no valid message has.
  const m::Src* src_of(std::size_t i) {
    Frame& f = stack[i];
    if (!f.src) {
      m::Src root;
      const m::Src* parent = i == 0 ? &root : src_of(i - 1);
      if (!parent) return nullptr;
      f.src = parent->below(f.target.name, f.index);
      if (!f.src) return nullptr;
    }
    return &*f.src;
  }
};

ModelBuilder::ModelBuilder(const standard::MessageType& type, std::string release)
    : impl_(std::make_unique<Impl>()) {
  impl_->message.type = &type;
  impl_->message.release = std::move(release);
  impl_->message.body = m::empty_body(type.number);
  impl_->stack.reserve(16);
}

ModelBuilder::~ModelBuilder() = default;

void ModelBuilder::start(std::string_view local, int index, int line, int column) {
  auto& s = *impl_;
  if (s.skip > 0) {
    ++s.skip;
    return;
  }
  Target t;
  if (s.stack.empty()) {
    if (s.root_seen || local != "Bericht") {
      s.skip = 1;
      return;
    }
    s.root_seen = true;
    t = std::visit([](auto& b) { return target_for(b); }, s.message.body);
    t.name = "Bericht";
  } else {
    const Target& parent = s.stack.back().target;
    if (parent.child) t = parent.child(parent, local);
    if (!t.obj) {
      s.skip = 1;
      return;
    }
  }
  s.stack.push_back(Frame{t, index, std::nullopt});
  s.text.clear();
  if (t.place) {
    if (const m::Src* where = s.src_of(s.stack.size() - 1))
      t.place(t.obj, *where, line, column);
    else if (!s.error)
      s.error = core::make_error(core::Errc::model_value, "the element at " + s.path() +
                                                              " is nested deeper in lists than the model holds");
  }
}

void ModelBuilder::characters(std::string_view utf8) {
  auto& s = *impl_;
  if (s.skip == 0 && !s.stack.empty() && s.stack.back().target.assign) s.text.append(utf8);
}

void ModelBuilder::end() {
  auto& s = *impl_;
  if (s.skip > 0) {
    --s.skip;
    return;
  }
  if (s.stack.empty()) return;
  const Target& t = s.stack.back().target;
  if (t.assign && !t.assign(t.obj, s.text) && !s.error)
    s.error = core::make_error(core::Errc::model_value,
                               "the value at " + s.path() +
                                   " cannot be held by the model (not an integer or calendar "
                                   "date within range)");
  if (t.end) t.end(t.obj);
  s.stack.pop_back();
  s.text.clear();
}

core::Result<standard::model::Message> ModelBuilder::finish() {
  auto& s = *impl_;
  if (s.error) return *s.error;
  if (!s.root_seen)
    return core::make_error(core::Errc::model_no_root, "the document has no Bericht element");
  return std::move(s.message);
}

}  // namespace sluis::xml
