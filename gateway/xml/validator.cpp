#include "gateway/xml/validator.hpp"

#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/framework/XMLDocumentHandler.hpp>
#include <xercesc/framework/XMLElementDecl.hpp>
#include <xercesc/framework/XMLGrammarPool.hpp>
#include <xercesc/sax/Locator.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/Attributes.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/parsers/SAX2XMLReaderImpl.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/SecurityManager.hpp>
#include <xercesc/validators/schema/SchemaSymbols.hpp>
#include <xercesc/validators/datatype/DatatypeValidator.hpp>
#include <xercesc/validators/schema/SchemaElementDecl.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <set>
#include <vector>

#include "gateway/core/redact.hpp"
#include "gateway/standard/personal_data.hpp"
#include "gateway/xml/encoding.hpp"
#include "gateway/xml/model_reader.hpp"
#include "gateway/xml/xerces_util.hpp"
#include "gateway/xml/xsd_explain.hpp"

namespace sluis::xml {

using namespace xercesc;
using standard::Finding;

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::valid: return "valid";
    case Verdict::invalid: return "invalid";
    case Verdict::not_xml: return "not_xml";
    case Verdict::unknown_message: return "unknown_message";
  }
  return "?";
}

namespace {

// Elements Handler::capture takes a value from (the names it compares).
const std::set<std::string, std::less<>> kCaptured = {
    "Bsn",        "BerichtCode", "Afzender",      "Ontvanger",   "IdentificatieRetour", "DagtekeningRetour",
    "Identificatie", "Dagtekening"};

// A finding quotes an element's value when it is shorter than this (UTF-8
// bytes); the handler keeps no more of an element's text than that.
constexpr std::size_t kQuoted = 64;

// What a finding's texts may hold of the document (bytes): a name in a path
// step, Xerces' message, a namespace quoted in a refusal, an explanation. A
// document may have names of megabytes; what it is answered stays small.
constexpr std::size_t kQuotedName = 64;
constexpr std::size_t kQuotedText = 1024;
constexpr std::size_t kExplained = 4096;

// `s` cut to at most `max` bytes, on a character boundary, with "…" when cut.
std::string clip(std::string s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t at = max;
  while (at > 0 && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) --at;
  s.resize(at);
  s += "\u2026";
  return s;
}

// Xerces quotes values in its messages: 'value'. Mask them for personal
// elements: the first quoted run (facet and type names come after the value),
// to the end when it is not closed.
std::string mask_message(std::string text, bool personal) {
  if (personal) {
    if (auto open = text.find('\''); open != std::string::npos) {
      auto close = text.find('\'', open + 1);
      text.replace(open, close == std::string::npos ? std::string::npos : close - open + 1, "'***'");
    }
  }
  return clip(core::scrub(core::strip_controls(text)), kQuotedText);
}

// The named simple type of a declared element and its enumeration, from the
// grammar: the first named type and the first enumeration up its derivation
// (an element may restrict an LDT_ type anonymously), never the built-in
// XML Schema types.
SchemaFacts facts_of(const XMLElementDecl* decl) {
  SchemaFacts facts;
  if (decl == nullptr || decl->getCreateReason() != XMLElementDecl::Declared) return facts;
  const auto* schema_decl = dynamic_cast<const SchemaElementDecl*>(decl);
  for (const DatatypeValidator* dv = schema_decl ? schema_decl->getDatatypeValidator() : nullptr; dv != nullptr;
       dv = dv->getBaseValidator()) {
    if (XMLString::equals(dv->getTypeUri(), SchemaSymbols::fgURI_SCHEMAFORSCHEMA)) break;
    if (facts.type.empty() && !dv->getAnonymous() && dv->getTypeLocalName() != nullptr)
      facts.type = detail::to_utf8(dv->getTypeLocalName());
    if (const auto* codes = dv->getEnumString(); facts.codes.empty() && codes != nullptr)
      for (XMLSize_t i = 0; i < codes->size(); ++i) facts.codes.push_back(detail::to_utf8(codes->elementAt(i)));
  }
  return facts;
}

// Element names in UTF-8, converted once per validator rather than once per
// element: a message repeats a few dozen names. Looked up by content, since
// the parser's name pointers belong to a declaration, or to the document for
// an undeclared element. Bounded: when full it takes no more names for the
// current document and is emptied before the next, so invented names cost
// time, not memory. Entries stay put (deque) while the document is read.
class Names {
 public:
  struct Name {
    std::u16string key;
    std::string text;
    bool personal;
    bool captured;  // one Handler::capture looks at (header facts, Bsn)
  };
  // A name with what the handler needs to know of it.
  static Name make(std::u16string key, std::string text) {
    bool personal = standard::is_personal(text), captured = kCaptured.count(text) > 0;
    return Name{std::move(key), std::move(text), personal, captured};
  }

  // The cached name of a declared element, found by its declaration: the
  // locked pool's declarations live as long as the SchemaSet, and a pointer
  // is found without hashing the name. An undeclared element's declaration
  // belongs to one document and is looked up by content.
  const Name* find(const XMLElementDecl& decl) {
    if (decl.getCreateReason() != XMLElementDecl::Declared) return find(decl.getBaseName());
    auto key = reinterpret_cast<std::uintptr_t>(&decl);
    for (std::size_t i = (key >> 4) & (kSlots - 1);; i = (i + 1) & (kSlots - 1)) {
      auto& slot = by_decl_[i];
      if (slot.decl == &decl) return slot.name;
      if (slot.decl == nullptr) {
        const Name* name = find(decl.getBaseName());
        if (name == nullptr || declared_ >= kMax) return name;
        slot = {&decl, name};
        ++declared_;
        return name;
      }
    }
  }

  // The cached name, or nullptr when the cache is full.
  const Name* find(const XMLCh* s) {
    std::uint32_t h = 2166136261u;  // FNV-1a
    std::size_t len = 0;
    for (; s[len]; ++len) h = (h ^ s[len]) * 16777619u;
    std::u16string_view key(s, len);
    for (std::size_t i = h & (kSlots - 1);; i = (i + 1) & (kSlots - 1)) {
      if (slots_[i] == 0) {
        if (names_.size() >= kMax) return nullptr;
        names_.push_back(make(std::u16string(key), detail::to_utf8(s, len)));
        slots_[i] = static_cast<std::uint32_t>(names_.size());
        return &names_.back();
      }
      // memcmp: a char16_t compare loop cost as much as the hash.
      const Name& n = names_[slots_[i] - 1];
      if (n.key.size() == len && std::memcmp(n.key.data(), s, len * sizeof(XMLCh)) == 0) return &n;
    }
  }

  // Between documents only: frames point into the cache.
  void trim() {
    if (names_.size() < kMax) return;
    names_.clear();
    slots_.fill(0);
    by_decl_.fill({});
    declared_ = 0;
  }

 private:
  static constexpr std::size_t kMax = 1024;
  static constexpr std::size_t kSlots = 2 * kMax;  // a power of two, at most half full
  std::array<std::uint32_t, kSlots> slots_{};      // index + 1 into names_; 0 is empty
  std::deque<Name> names_;
  struct ByDecl {
    const XMLElementDecl* decl;
    const Name* name;
  };
  std::array<ByDecl, kSlots> by_decl_{};  // at most kMax used
  std::size_t declared_ = 0;
};

// An open element. They are reused from one element to the next (the stack
// only grows), so their buffers are allocated once per validator.
struct OpenElement {
  const XMLElementDecl* decl;  // for the facts a finding explains with
  const Names::Name* cached;
  Names::Name own;  // the name when the cache had no room
  int index;        // n in "Name[n]": how many siblings so far had this name
  bool personal;    // a personal element or inside one: no value of it is quoted
  struct Sibling {
    const Names::Name* cached;  // compared by address: one entry per name
    std::string own;            // when not cached
    int count;
  };
  std::vector<Sibling> children;  // few distinct names per parent
  std::size_t used;               // children[0, used) belong to this element

  const Names::Name& name() const { return cached ? *cached : own; }
};

// The finding that ends a list of kMaxXsdFindings XSD findings.
Finding more_findings() {
  const std::string n = std::to_string(kMaxXsdFindings);
  Finding f;
  f.origin = "sluis";
  f.path = "/";
  f.nl = "Het bericht heeft meer dan " + n + " schemafouten; na de eerste " + n +
         " is het lezen gestopt, dus er kunnen er nog meer zijn. Herstel deze en verstuur het bericht opnieuw.";
  f.en = "The message has more than " + n + " schema errors; reading stopped after the first " + n +
         ", so there may be more. Fix these and send the message again.";
  return f;
}

// Why the handler stopped parsing early.
struct Stop {
  Verdict verdict;
  std::string nl, en, detail;
};

// Thrown by the handler to end the parse at once (DOCTYPE, unknown root, too
// deep), caught in Validator::validate. It is no Xerces exception, so the
// scanner does not catch it: its guards reset the reader manager on the way
// out and everything else is reset when the next document starts (the ASan
// build's leak check runs each of the three through it). One parse() costs
// about 3% less than a parseFirst/parseNext loop that checks after each token.
struct Stopped {};

// What the validator learns from one document. The element and text events
// and the DOCTYPE come from Reader (below); from the SAX2 reader's own
// callbacks it takes errors and, as the ContentHandler, the Locator.
class Handler : public DefaultHandler {
 public:
  Handler(const SchemaSet& schemas, int max_depth) : schemas_(schemas), max_depth_(max_depth) {}

  void reset_state(bool read_model) {
    read_model_ = read_model;
    builder_.reset();
    stop_.reset();
    depth_ = 0;
    names_.trim();
    outcome_ = Outcome{};
    clear_text();
    fatal_ = false;
    capped_ = false;
    started_ = false;
    unreadable_.reset();
    pending_.clear();
  }

  // Xerces reports an error about a start tag (an undeclared element) before
  // the start event, and one about content or a value before the end event.
  // Errors wait in pending_ until the next event tells which element they are
  // about. `uri` is the root's namespace (only the root's is asked for).
  void start(const XMLCh* uri, const XMLElementDecl& decl) {
    if (depth_ == 0) identify(detail::to_utf8(uri), detail::to_utf8(decl.getBaseName()));
    if (depth_ >= static_cast<std::size_t>(max_depth_))
      return stop(Stop{Verdict::not_xml, "Het bericht is dieper genest dan " + std::to_string(max_depth_) + " niveaus.",
                 "The message nests deeper than " + std::to_string(max_depth_) + " levels.", ""});
    const Names::Name* cached = names_.find(decl);
    std::string own = cached ? std::string() : detail::to_utf8(decl.getBaseName());
    int index = depth_ > 0 ? count_child(stack_[depth_ - 1], cached, own) : 1;
    if (depth_ == stack_.size()) stack_.emplace_back();
    OpenElement& f = stack_[depth_++];
    f.decl = &decl;
    f.cached = cached;
    if (!cached) f.own = Names::make({}, std::move(own));
    f.index = index;
    f.personal = f.name().personal || (depth_ > 1 && stack_[depth_ - 2].personal);
    f.used = 0;
    clear_text();
    flush();
    if (capped_) stop_capped();
    if (builder_)
      builder_->start(f.name().text, index,
                      locator_ ? static_cast<int>(locator_->getLineNumber()) : 0,
                      locator_ ? static_cast<int>(locator_->getColumnNumber()) : 0);
  }

  // The SAX2 reader calls these two first thing in each document.
  void setDocumentLocator(const Locator* locator) override { locator_ = locator; }
  void startDocument() override { started_ = true; }

  void end_document() { flush(); }
  std::size_t depth() const { return depth_; }

  void end() {
    flush();
    if (capped_) stop_capped();
    if (outcome_.identity && depth_ > 0 && stack_[depth_ - 1].name().captured) capture(*outcome_.identity);
    if (builder_) builder_->end();
    if (depth_ > 0) --depth_;
    clear_text();
  }

  void clear_text() {
    text_.clear();
    text16_.clear();
  }
  const std::string& current_text() {
    if (!text16_.empty()) {
      detail::append_utf8(text_, text16_.data(), text16_.size());
      text16_.clear();
    }
    return text_;
  }

  // Header facts and BSNs, taken from the element that just ended (one whose
  // name is `captured`).
  void capture(Identity& id) {
    using namespace std::string_view_literals;
    const std::string& value = current_text();
    const std::string& name = stack_[depth_ - 1].name().text;
    if (name == "Bsn"sv) {
      if (id.bsns.size() < 100000) id.bsns.push_back(value);
      return;
    }
    if (depth_ < 3 || stack_[1].name().text != "Header"sv) return;
    if (depth_ == 3) {
      if (name == "BerichtCode"sv) id.berichtcode = value;
      else if (name == "Afzender"sv) id.afzender = value;
      else if (name == "Ontvanger"sv) id.ontvanger = value;
      else if (name == "IdentificatieRetour"sv) id.identificatie_retour = value;
      else if (name == "DagtekeningRetour"sv) id.dagtekening_retour = value;
    } else if (depth_ == 4) {
      const std::string& parent = stack_[2].name().text;
      bool ident = name == "Identificatie"sv, dag = name == "Dagtekening"sv;
      if (parent == "BerichtIdentificatie"sv) {
        if (ident) id.identificatie = value;
        if (dag) id.dagtekening = value;
      } else if (parent == "DeclaratieIdentificatie"sv) {
        if (ident) id.declaratie_identificatie = value;
        if (dag) id.declaratie_dagtekening = value;
      }
    }
  }

  // The current element's text, its first kQuoted bytes or so: enough for
  // a finding's value and the captured facts. Validating only, it stays as
  // the parser gave it until a finding or capture() asks for it (most
  // elements are never asked about).
  void text(const XMLCh* chars, XMLSize_t length) {
    if (builder_) {
      // One conversion for both readers, into a buffer kept between calls.
      scratch_.clear();
      detail::append_utf8(scratch_, chars, length);
      builder_->characters(scratch_);
      if (text_.size() < kQuoted) text_ += scratch_;
    } else if (text_.size() + text16_.size() < kQuoted) {
      text16_.append(chars, length);
    }
  }

  // The typed model, when asked for and the document was read whole.
  std::optional<ModelBuilder>& builder() { return builder_; }

  // No DTDs: a DOCTYPE (and so every entity declaration) ends parsing at once.
  // Called by Reader for every DOCTYPE, also a bare <!DOCTYPE Bericht>
  // (SAX2's startDTD is called only for one with a subset).
  [[noreturn]] void doctype() {
    stop(Stop{Verdict::not_xml,
               "Het bericht bevat een DOCTYPE; iWmo/iJw-berichten hebben geen DTD en geen entiteiten. "
               "Verwijder de DOCTYPE-declaratie.",
               "The message contains a DOCTYPE; iWmo/iJw messages have no DTD and no entities. Remove "
               "the DOCTYPE declaration.",
               ""});
  }

  void warning(const SAXParseException&) override {}
  void error(const SAXParseException& e) override { add(e); }
  void fatalError(const SAXParseException& e) override {
    if (!started_) {
      // Before startDocument: the parser could not open the document (an
      // encoding it cannot read). parse() reports that as a fatal error;
      // it is told apart from one in the text, as before.
      unreadable_ = detail::to_utf8(e.getMessage());
      return;
    }
    fatal_ = true;
    add(e);
    flush();
  }

  const std::optional<Stop>& stopped() const { return stop_; }
  // Whether findings were left out (more than kMaxXsdFindings).
  bool capped() const { return capped_; }
  const std::optional<std::string>& unreadable() const { return unreadable_; }

  Outcome& outcome() {
    flush();
    return outcome_;
  }
  bool fatal() const { return fatal_; }

 private:
  [[noreturn]] void stop(Stop s) {
    stop_ = std::move(s);
    throw Stopped{};
  }

  // The findings are capped: reading on would only find more of them (an
  // invalid message stays invalid), and each costs memory and answer size.
  [[noreturn]] void stop_capped() {
    Finding more = more_findings();
    stop(Stop{outcome_.identity ? Verdict::invalid : Verdict::not_xml, more.nl, more.en, ""});
  }

  // "iwmo 3.2, ijw 3.2": what this gateway accepts, for refusals.
  std::string supported() const {
    std::string s;
    for (const auto& p : schemas_.packs())
      s += (s.empty() ? "" : ", ") + std::string(standard::to_string(p.law)) + " " + p.release;
    return s;
  }

  // Stops (throws) unless the root is a Bericht of an active release.
  void identify(const std::string& full_uri, const std::string& full_local) {
    auto ns = standard::parse_namespace(full_uri);
    // Quoted back: a document's names may be of any length.
    const std::string uri = core::scrub(core::strip_controls(clip(full_uri, kQuotedText / 4)));
    const std::string local = clip(full_local, kQuotedName);
    if (full_local != "Bericht" || !ns || ns->number == 0) {
      stop(Stop{Verdict::unknown_message,
                 "Het bericht is geen iWmo- of iJw-bericht dat deze gateway aanneemt: het hoofdelement is {" +
                     uri + "}" + local +
                     ". Verwacht wordt Bericht in de namespace van een berichtsoort 301-325 van een actieve "
                     "release (" + supported() + "), bijvoorbeeld http://www.istandaarden.nl/ijw/3_2/jw301/schema. "
                     "Oudere berichten zoals 303/304 (release 2.x) bestaan niet meer.",
                 "The message is not an iWmo or iJw message this gateway accepts: its root element is {" + uri +
                     "}" + local + ". Expected Bericht in the namespace of a message type 301-325 of an active "
                     "release (" + supported() + "), e.g. http://www.istandaarden.nl/ijw/3_2/jw301/schema. Older "
                     "messages such as 303/304 (release 2.x) are retired.",
                 ""});
    }
    if (!schemas_.active(ns->law, ns->release)) {
      stop(Stop{Verdict::unknown_message,
                 "Release " + ns->release + " van " + std::string(standard::to_string(ns->law)) +
                     " wordt door deze gateway niet (meer) aangenomen (namespace " + uri + "); aangenomen: " +
                     supported() + ".",
                 "Release " + ns->release + " of " + std::string(standard::to_string(ns->law)) +
                     " is not (or no longer) accepted by this gateway (namespace " + uri + "); accepted: " +
                     supported() + ".",
                 ""});
    }
    Identity id;
    id.type = standard::find_message(ns->law, ns->number);
    id.release = ns->release;
    id.namespace_uri = uri;
    outcome_.identity = id;
    if (read_model_) builder_.emplace(*id.type, ns->release);
  }

  // n of the new child element's step "Name[n]", counted in its parent.
  static int count_child(OpenElement& parent, const Names::Name* cached, const std::string& own) {
    for (std::size_t i = 0; i < parent.used; ++i) {
      auto& c = parent.children[i];
      if (cached ? c.cached == cached : !c.cached && c.own == own) return ++c.count;
    }
    if (parent.used == parent.children.size()) parent.children.emplace_back();
    auto& c = parent.children[parent.used++];
    c.cached = cached;
    c.own = own;
    c.count = 1;
    return 1;
  }

  std::string path() const {
    std::string p;
    for (std::size_t i = 0; i < depth_; ++i) {
      const std::string& name = stack_[i].name().text;
      if (name.size() <= kQuotedName)
        append_path_step(p, name, stack_[i].index);
      else
        append_path_step(p, clip(name, kQuotedName), stack_[i].index);
    }
    return p.empty() ? "/" : p;
  }

  struct Pending {
    std::string message;
    int line, column;
    bool fatal;
  };

  void add(const SAXParseException& e) {
    pending_.push_back({detail::to_utf8(e.getMessage()), static_cast<int>(e.getLineNumber()),
                        static_cast<int>(e.getColumnNumber()), fatal_});
  }

  void flush() {
    if (pending_.empty()) return;  // nearly always: the rest stays out of line
    flush_pending();
  }
  void flush_pending() {
    for (auto& p : pending_) {
      if (outcome_.findings.size() >= kMaxXsdFindings) {
        capped_ = true;  // one more than listed: "and more" is true
        break;
      }
      explain(p);
    }
    pending_.clear();
  }

  void explain(const Pending& p) {
    Finding f;
    f.origin = "xsd";
    f.path = path();
    f.line = p.line;
    f.column = p.column;
    bool personal = depth_ > 0 && stack_[depth_ - 1].personal;
    f.detail = mask_message(p.message, personal);
    const std::string& text = current_text();
    if (!personal && !text.empty() && text.size() < kQuoted) f.value = core::scrub(core::strip_controls(text));
    if (personal) f.value = "***";
    std::string where = f.path + " (regel " + std::to_string(f.line) + ", kolom " + std::to_string(f.column) + ")";
    std::string where_en = f.path + " (line " + std::to_string(f.line) + ", column " + std::to_string(f.column) + ")";
    if (!p.fatal) {
      const OpenElement* top = depth_ > 0 ? &stack_[depth_ - 1] : nullptr;
      std::string element = top ? clip(top->name().text, kQuotedName) : "Bericht";
      SchemaFacts facts = top ? facts_of(top->decl) : SchemaFacts{};
      if (outcome_.identity) facts.release = outcome_.identity->release;
      auto words = explain_xsd_error(f.detail, element, f.value, facts);
      f.nl = clip("Het bericht voldoet niet aan het XSD-schema bij " + where + ": " + words.nl, kExplained);
      f.en = clip("The message does not conform to the XSD schema at " + where_en + ": " + words.en, kExplained);
    } else {
      f.nl = "Het bericht is geen goedgevormde XML bij " + where + ": " + f.detail +
             ". Controleer of alle elementen goed geopend en gesloten zijn.";
      f.en = "The message is not well-formed XML at " + where_en + ": " + f.detail +
             ". Check that every element is opened and closed properly.";
    }
    outcome_.findings.push_back(std::move(f));
  }

  const SchemaSet& schemas_;
  int max_depth_;
  Names names_;
  std::vector<OpenElement> stack_;  // [0, depth_) are the open elements
  std::size_t depth_ = 0;
  std::string text_;
  std::u16string text16_;  // validating only: text not yet converted (current_text())
  std::string scratch_;
  Outcome outcome_;
  bool fatal_ = false;
  bool capped_ = false;
  std::vector<Pending> pending_;
  std::optional<Stop> stop_;
  bool started_ = false;
  std::optional<std::string> unreadable_;
  bool read_model_ = false;
  std::optional<ModelBuilder> builder_;
  const Locator* locator_ = nullptr;
};

// The SAX2 reader is the scanner's document handler. Its own element and
// text events are overridden: they go straight to the handler, skipping
// SAX2's bookkeeping for a ContentHandler (prefix mappings, namespace URIs,
// prefixed names), which the handler has no use for. They are forwarded in
// the order SAX2 would: an empty element is a start and an end, and text
// outside the root is dropped. It is also told of every DOCTYPE.
class Reader : public SAX2XMLReaderImpl {
 public:
  Reader(XMLGrammarPool* pool, Handler& handler)
      : SAX2XMLReaderImpl(XMLPlatformUtils::fgMemoryManager, pool), h_(handler) {}

  void startElement(const XMLElementDecl& decl, const unsigned int uri, const XMLCh* const,
                    const RefVectorOf<XMLAttr>&, const XMLSize_t, const bool empty,
                    const bool) override {
    h_.start(h_.depth() == 0 ? getURIText(uri) : nullptr, decl);
    if (empty) h_.end();
  }
  void endElement(const XMLElementDecl&, const unsigned int, const bool,
                  const XMLCh* const) override {
    h_.end();
  }
  void docCharacters(const XMLCh* const chars, const XMLSize_t length, const bool) override {
    if (h_.depth() > 0) h_.text(chars, length);
  }
  void ignorableWhitespace(const XMLCh* const, const XMLSize_t, const bool) override {}
  void endDocument() override {
    SAX2XMLReaderImpl::endDocument();
    h_.end_document();
  }
  void doctypeDecl(const DTDElementDecl&, const XMLCh* const, const XMLCh* const, const bool,
                   const bool) override {
    h_.doctype();
  }

 private:
  Handler& h_;
};

}  // namespace

struct Validator::Impl {
  Impl(std::shared_ptr<const SchemaSet> s, const config::SchemasConfig& l)
      : schemas(std::move(s)), limits(l), handler(*schemas, l.max_depth) {
    security.setEntityExpansionLimit(static_cast<XMLSize_t>(l.max_entity_expansions));
    source.setCopyBufToStream(false);
    reset_parser();
  }

  // A new parser on the pool, set up as below (also after Xerces ran out of
  // memory, which leaves a parser unusable).
  void reset_parser() {
    parser.reset();
    parser = std::make_unique<Reader>(schemas->pool(), handler);
    parser->setFeature(XMLUni::fgSAX2CoreNameSpaces, true);
    parser->setFeature(XMLUni::fgSAX2CoreValidation, true);
    parser->setFeature(XMLUni::fgXercesDynamic, false);
    parser->setFeature(XMLUni::fgXercesSchema, true);
    parser->setFeature(XMLUni::fgXercesSchemaFullChecking, false);  // checked at load
    parser->setFeature(XMLUni::fgXercesUseCachedGrammarInParse, true);
    parser->setFeature(XMLUni::fgXercesLoadSchema, false);  // never follow schemaLocation
    parser->setFeature(XMLUni::fgXercesLoadExternalDTD, false);
    parser->setFeature(XMLUni::fgXercesDisableDefaultEntityResolution, true);
    // Off when no grammar has an identity constraint: the same verdicts,
    // and about 1% less work per message.
    parser->setFeature(XMLUni::fgXercesIdentityConstraintChecking, schemas->identity_constraints());
    parser->setFeature(XMLUni::fgXercesValidationErrorAsFatal, false);
    parser->setProperty(XMLUni::fgXercesSecurityManager, &security);
    parser->setErrorHandler(&handler);
    // With a ContentHandler the reader is the scanner's document handler
    // (so Reader's overrides hear every element) and hands the Locator on.
    parser->setContentHandler(&handler);
    // A lexical handler makes the reader the scanner's DocTypeHandler, so
    // Reader::doctypeDecl hears of every DOCTYPE.
    parser->setLexicalHandler(&handler);
  }

  std::shared_ptr<const SchemaSet> schemas;
  config::SchemasConfig limits;
  SecurityManager security;
  Handler handler;
  // Kept: building one transcodes its system id, which cost more than the
  // rest of opening the document. Points at the current document only
  // during validate(). The scanner reads the caller's bytes where they are
  // (setCopyBufToStream(false), in the constructor): by default each parse
  // copies the document first, about 40% of the time for 24 MiB, nearly all
  // of it page faults on the fresh copy.
  MemBufInputSource source{nullptr, 0, "bericht", false};
  std::unique_ptr<SAX2XMLReader> parser;
};

Validator::Validator(std::shared_ptr<const SchemaSet> schemas, const config::SchemasConfig& limits)
    : impl_(std::make_unique<Impl>(std::move(schemas), limits)) {}

Validator::~Validator() = default;

Outcome Validator::validate(std::string_view doc, ReadModel read) {
  Outcome out;
  auto stop_finding = [](const std::string& nl, const std::string& en, const std::string& det) {
    Finding f;
    f.origin = "sluis";
    f.path = "/";
    f.nl = nl;
    f.en = en;
    f.detail = det;
    return f;
  };
  if (doc.size() > impl_->limits.max_message) {
    out.verdict = Verdict::not_xml;
    out.findings.push_back(stop_finding(
        "Het bericht is groter dan " + config::format_size(impl_->limits.max_message) + " (OP179).",
        "The message is larger than " + config::format_size(impl_->limits.max_message) + " (OP179).", ""));
    return out;
  }
  // UTF-8 without BOM (OP192), before the parser could decode anything else.
  if (auto problem = check_encoding(doc)) {
    out.verdict = Verdict::not_xml;
    Finding f = stop_finding(problem->nl, problem->en, "");
    f.rule = "OP192";
    out.findings.push_back(std::move(f));
    return out;
  }
  auto out_of_memory = [&] {
    out.verdict = Verdict::not_xml;
    out.findings.push_back(stop_finding(
        "Het bericht kon niet worden gelezen: de gateway had er op dit moment niet genoeg geheugen voor. "
        "Probeer het later opnieuw.",
        "The message could not be read: the gateway did not have enough memory for it just now. Try again later.",
        "out of memory"));
    return out;
  };
  // Xerces leaves a parser in an undefined state after running out of
  // memory: a new one reads the next document (made here when making it
  // failed then too).
  if (!impl_->parser) {
    try {
      impl_->reset_parser();
    } catch (const OutOfMemoryException&) {
      impl_->parser.reset();
      return out_of_memory();
    }
  }
  auto& h = impl_->handler;
  h.reset_state(read == ReadModel::yes);
  impl_->source.resetMemBufInputSource(reinterpret_cast<const XMLByte*>(doc.data()), doc.size());
  std::optional<std::string> unreadable;
  try {
    impl_->parser->parse(impl_->source);
    unreadable = h.unreadable();
  } catch (const Stopped&) {
    // h.stopped() tells why.
  } catch (const SAXParseException&) {
    // Reported through fatalError already.
  } catch (const XMLException& e) {
    unreadable = detail::to_utf8(e.getMessage());
  } catch (const SAXException& e) {
    unreadable = detail::to_utf8(e.getMessage());
  } catch (const OutOfMemoryException&) {
    // The sender is told plainly; nothing of the document was judged. The
    // parser is dropped, the next document gets a new one.
    impl_->parser.reset();
    return out_of_memory();
  }
  if (unreadable) {
    h.outcome().findings.push_back(stop_finding("Het bericht kon niet gelezen worden.",
                                                "The message could not be read.", core::scrub(*unreadable)));
    out.verdict = Verdict::not_xml;
    out.findings = std::move(h.outcome().findings);
    return out;
  }
  if (const auto& s = h.stopped()) {
    Stop stop = *s;
    out.verdict = stop.verdict;
    out.identity = h.outcome().identity;
    out.findings = std::move(h.outcome().findings);
    // A root no active pack declares: Xerces' own findings on it ("no
    // declaration found for element …") only repeat, less clearly, what the
    // refusal says.
    if (stop.verdict == Verdict::unknown_message) out.findings.clear();
    out.findings.push_back(stop_finding(stop.nl, stop.en, stop.detail));
    return out;
  }
  out.identity = h.outcome().identity;
  out.findings = std::move(h.outcome().findings);
  // Capped by a last error the parser could not read past (a fatal one).
  if (h.capped()) out.findings.push_back(more_findings());
  if (h.fatal() || !out.identity)
    out.verdict = Verdict::not_xml;
  else
    out.verdict = out.findings.empty() ? Verdict::valid : Verdict::invalid;
  if (out.verdict == Verdict::valid && h.builder()) {
    auto model = h.builder()->finish();
    if (model) {
      out.message = std::move(*model);
    } else {
      out.verdict = Verdict::invalid;
      out.findings.push_back(stop_finding(
          "Een waarde in het bericht valt buiten wat de standaard bedoelt (" + model.error().text + ").",
          "A value in the message is outside what the standard intends (" + model.error().text + ").",
          std::string(core::to_string(model.error().code))));
    }
  }
  return out;
}

}  // namespace sluis::xml
