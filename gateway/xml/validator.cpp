#include "gateway/xml/validator.hpp"

#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/framework/XMLPScanToken.hpp>
#include <xercesc/framework/XMLGrammarPool.hpp>
#include <xercesc/sax/Locator.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/Attributes.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/SecurityManager.hpp>

#include <map>
#include <regex>
#include <set>
#include <vector>

#include "gateway/core/redact.hpp"
#include "gateway/xml/model_reader.hpp"
#include "gateway/xml/xerces_util.hpp"

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

// Elements whose values are personal data: their values never appear in a finding.
const std::set<std::string, std::less<>> kPersonal = {
    "Bsn",        "Geboortedatum", "Datum",     "DatumGebruik", "Achternaam",   "Voorvoegsel",
    "Partnernaam", "Voornamen",    "Voorletters", "Straatnaam", "Huisnummer",   "Huisletter",
    "HuisnummerToevoeging", "Postcode", "Plaatsnaam", "Telefoonnummer", "Emailadres",
    "Commentaar", "Nummer",        "Organisatie"};

// Xerces quotes values in its messages: 'value'. Mask them for personal elements.
std::string mask_message(std::string text, bool personal) {
  if (personal) {
    static const std::regex quoted("'[^']*'");
    // Keep facet and type names (they come after the value), mask the first quoted run only.
    std::smatch m;
    if (std::regex_search(text, m, quoted)) text.replace(m.position(0), m.length(0), "'***'");
  }
  return core::scrub(core::strip_controls(text));
}

struct Frame {
  std::string name;
  std::vector<std::pair<std::string, int>> children;  // local name -> count so far (few names)
  std::string segment;                  // "Name" or "Name[n]"
};

// Why the handler asked to stop parsing early (progressive parsing stops at
// the next token; nothing is thrown through Xerces, so nothing leaks).
struct Stop {
  Verdict verdict;
  std::string nl, en, detail;
};

class Handler : public DefaultHandler {
 public:
  Handler(const SchemaSet& schemas, int max_depth) : schemas_(schemas), max_depth_(max_depth) {}

  void reset_state(bool read_model) {
    read_model_ = read_model;
    builder_.reset();
    stop_.reset();
    stack_.clear();
    outcome_ = Outcome{};
    text_.clear();
    fatal_ = false;
    pending_.clear();
  }

  // Xerces reports an error about a start tag (an undeclared element) before
  // startElement, and one about content or a value before endElement. Errors
  // wait in pending_ until the next event tells which element they are about.
  void startElement(const XMLCh* uri, const XMLCh* local, const XMLCh*, const Attributes&) override {
    if (stop_) return;
    std::string name = detail::to_utf8(local);
    if (stack_.empty() && !identify(detail::to_utf8(uri), name)) return;
    if (static_cast<int>(stack_.size()) >= max_depth_)
      return stop(Stop{Verdict::not_xml, "Het bericht is dieper genest dan " + std::to_string(max_depth_) + " niveaus.",
                 "The message nests deeper than " + std::to_string(max_depth_) + " levels.", ""});
    std::string segment = name;
    if (!stack_.empty()) {
      int n = 0;
      for (auto& [child, count] : stack_.back().children)
        if (child == name) n = ++count;
      if (n == 0) stack_.back().children.emplace_back(name, n = 1);
      if (n > 1) segment += "[" + std::to_string(n) + "]";
    }
    stack_.push_back(Frame{name, {}, std::move(segment)});
    text_.clear();
    flush();
    if (builder_)
      builder_->start(name, stack_.back().segment, locator_ ? static_cast<int>(locator_->getLineNumber()) : 0,
                      locator_ ? static_cast<int>(locator_->getColumnNumber()) : 0);
  }

  void endDocument() override { flush(); }

  void endElement(const XMLCh*, const XMLCh*, const XMLCh*) override {
    if (stop_) return;
    flush();
    if (outcome_.identity) capture(*outcome_.identity);
    if (builder_) builder_->end();
    if (!stack_.empty()) stack_.pop_back();
    text_.clear();
  }

  // Header facts and BSNs, taken from the element that just ended.
  void capture(Identity& id) {
    const std::string& name = stack_.back().name;
    if (name == "Bsn") {
      if (id.bsns.size() < 100000) id.bsns.push_back(text_);
      return;
    }
    if (stack_.size() < 3 || stack_[1].name != "Header") return;
    if (stack_.size() == 3) {
      if (name == "BerichtCode") id.berichtcode = text_;
      else if (name == "Afzender") id.afzender = text_;
      else if (name == "Ontvanger") id.ontvanger = text_;
      else if (name == "IdentificatieRetour") id.identificatie_retour = text_;
      else if (name == "DagtekeningRetour") id.dagtekening_retour = text_;
    } else if (stack_.size() == 4) {
      const std::string& parent = stack_[2].name;
      bool ident = name == "Identificatie", dag = name == "Dagtekening";
      if (parent == "BerichtIdentificatie") {
        if (ident) id.identificatie = text_;
        if (dag) id.dagtekening = text_;
      } else if (parent == "DeclaratieIdentificatie") {
        if (ident) id.declaratie_identificatie = text_;
        if (dag) id.declaratie_dagtekening = text_;
      }
    }
  }

  void characters(const XMLCh* chars, const XMLSize_t length) override {
    if (builder_) {
      std::string utf8 = detail::to_utf8(chars, length);
      builder_->characters(utf8);
      if (text_.size() < 64) text_ += utf8;
    } else if (text_.size() < 64) {
      text_ += detail::to_utf8(chars, length);
    }
  }

  void setDocumentLocator(const Locator* locator) override { locator_ = locator; }

  // The typed model, when asked for and the document was read whole.
  std::optional<ModelBuilder>& builder() { return builder_; }

  // No DTDs: a DOCTYPE (and so every entity declaration) ends parsing at once.
  void startDTD(const XMLCh*, const XMLCh*, const XMLCh*) override {
    stop(Stop{Verdict::not_xml,
               "Het bericht bevat een DOCTYPE; iWmo/iJw-berichten hebben geen DTD en geen entiteiten. "
               "Verwijder de DOCTYPE-declaratie.",
               "The message contains a DOCTYPE; iWmo/iJw messages have no DTD and no entities. Remove "
               "the DOCTYPE declaration.",
               ""});
  }

  void warning(const SAXParseException&) override {}
  void error(const SAXParseException& e) override {
    if (!stop_) add(e);
  }
  void fatalError(const SAXParseException& e) override {
    if (stop_) return;
    fatal_ = true;
    add(e);
    flush();
  }

  const std::optional<Stop>& stopped() const { return stop_; }

  Outcome& outcome() {
    flush();
    return outcome_;
  }
  bool fatal() const { return fatal_; }

 private:
  void stop(Stop s) {
    if (!stop_) stop_ = std::move(s);
  }

  // "iwmo 3.2, ijw 3.2": what this gateway accepts, for refusals.
  std::string supported() const {
    std::string s;
    for (const auto& p : schemas_.packs())
      s += (s.empty() ? "" : ", ") + std::string(standard::to_string(p.law)) + " " + p.release;
    return s;
  }

  bool identify(const std::string& uri, const std::string& local) {
    auto ns = standard::parse_namespace(uri);
    if (local != "Bericht" || !ns || ns->number == 0) {
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
      return false;
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
      return false;
    }
    Identity id;
    id.type = standard::find_message(ns->law, ns->number);
    id.release = ns->release;
    id.namespace_uri = uri;
    outcome_.identity = id;
    if (read_model_) builder_.emplace(*id.type, ns->release);
    return true;
  }

  std::string path() const {
    std::string p;
    for (const auto& f : stack_) p += "/" + f.segment;
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
    for (auto& p : pending_) explain(p);
    pending_.clear();
  }

  void explain(const Pending& p) {
    Finding f;
    f.origin = "xsd";
    f.path = path();
    f.line = p.line;
    f.column = p.column;
    bool personal = !stack_.empty() && kPersonal.count(stack_.back().name);
    f.detail = mask_message(p.message, personal);
    if (!personal && !text_.empty() && text_.size() < 64) f.value = core::scrub(core::strip_controls(text_));
    if (personal) f.value = "***";
    std::string where = f.path + " (regel " + std::to_string(f.line) + ", kolom " + std::to_string(f.column) + ")";
    std::string where_en = f.path + " (line " + std::to_string(f.line) + ", column " + std::to_string(f.column) + ")";
    if (p.fatal) {
      f.nl = "Het bericht is geen goedgevormde XML bij " + where + ": " + f.detail +
             ". Controleer of alle elementen goed geopend en gesloten zijn.";
      f.en = "The message is not well-formed XML at " + where_en + ": " + f.detail +
             ". Check that every element is opened and closed properly.";
    } else {
      f.nl = "Het bericht voldoet niet aan het XSD-schema bij " + where + ": " + f.detail +
             ". Pas het element aan zoals het schema voorschrijft (verplichte elementen, volgorde, "
             "lengte, patroon of toegestane codes).";
      f.en = "The message does not conform to the XSD schema at " + where_en + ": " + f.detail +
             ". Change the element as the schema requires (mandatory elements, order, length, pattern "
             "or allowed codes).";
    }
    outcome_.findings.push_back(std::move(f));
  }

  const SchemaSet& schemas_;
  int max_depth_;
  std::vector<Frame> stack_;
  std::string text_;
  Outcome outcome_;
  bool fatal_ = false;
  std::vector<Pending> pending_;
  std::optional<Stop> stop_;
  bool read_model_ = false;
  std::optional<ModelBuilder> builder_;
  const Locator* locator_ = nullptr;
};

}  // namespace

struct Validator::Impl {
  Impl(std::shared_ptr<const SchemaSet> s, const config::SchemasConfig& l)
      : schemas(std::move(s)), limits(l), handler(*schemas, l.max_depth) {
    parser.reset(XMLReaderFactory::createXMLReader(XMLPlatformUtils::fgMemoryManager, schemas->pool()));
    parser->setFeature(XMLUni::fgSAX2CoreNameSpaces, true);
    parser->setFeature(XMLUni::fgSAX2CoreValidation, true);
    parser->setFeature(XMLUni::fgXercesDynamic, false);
    parser->setFeature(XMLUni::fgXercesSchema, true);
    parser->setFeature(XMLUni::fgXercesSchemaFullChecking, false);  // checked at load
    parser->setFeature(XMLUni::fgXercesUseCachedGrammarInParse, true);
    parser->setFeature(XMLUni::fgXercesLoadSchema, false);  // never follow schemaLocation
    parser->setFeature(XMLUni::fgXercesLoadExternalDTD, false);
    parser->setFeature(XMLUni::fgXercesDisableDefaultEntityResolution, true);
    parser->setFeature(XMLUni::fgXercesIdentityConstraintChecking, true);
    parser->setFeature(XMLUni::fgXercesValidationErrorAsFatal, false);
    security.setEntityExpansionLimit(static_cast<XMLSize_t>(l.max_entity_expansions));
    parser->setProperty(XMLUni::fgXercesSecurityManager, &security);
    parser->setContentHandler(&handler);
    parser->setErrorHandler(&handler);
    parser->setLexicalHandler(&handler);  // startDTD refuses any DOCTYPE
  }

  std::shared_ptr<const SchemaSet> schemas;
  config::SchemasConfig limits;
  SecurityManager security;
  Handler handler;
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
  auto& h = impl_->handler;
  h.reset_state(read == ReadModel::yes);
  MemBufInputSource src(reinterpret_cast<const XMLByte*>(doc.data()), doc.size(), "bericht", false);
  try {
    // Progressive parsing, so that the handler can stop at the next token
    // (DOCTYPE, unknown root, too deep) and the parser cleans up after itself.
    XMLPScanToken token;
    bool more = impl_->parser->parseFirst(src, token);
    while (more && !h.stopped()) more = impl_->parser->parseNext(token);
    if (h.stopped()) impl_->parser->parseReset(token);
  } catch (const SAXParseException&) {
    // Reported through fatalError already.
  } catch (const XMLException& e) {
    h.outcome().findings.push_back(stop_finding(
        "Het bericht kon niet gelezen worden.", "The message could not be read.",
        core::scrub(detail::to_utf8(e.getMessage()))));
    out.verdict = Verdict::not_xml;
    out.findings = std::move(h.outcome().findings);
    return out;
  }
  if (const auto& s = h.stopped()) {
    Stop stop = *s;
    out.verdict = stop.verdict;
    out.identity = h.outcome().identity;
    out.findings = std::move(h.outcome().findings);
    out.findings.push_back(stop_finding(stop.nl, stop.en, stop.detail));
    return out;
  }
  out.identity = h.outcome().identity;
  out.findings = std::move(h.outcome().findings);
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
          model.error().code));
    }
  }
  return out;
}

}  // namespace sluis::xml
