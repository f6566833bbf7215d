// The typed iWmo/iJw 3.2 messages: plain C++ types for all 28 message types of
// both laws, as rules, routing and reports see them.
//
// Shape: one type per message pair, because a retour is its heenbericht with
// retour facts added (IV028): Bericht301 holds a 301 and its 302, Bericht305
// the 305 and 306, ... Bericht323 the declaration, Bericht325 its answer. The
// two laws share every type: iJw adds only optional elements (315
// GezagsdragerBekend, 319 Woonplaatsbeginsel). Every class of a retour carries
// its RetourCodes; in a heenbericht they are empty.
//
// Naming: field names are the standard's element names, verbatim
// (`p.ToewijzingNummer`, `d.TotaalIngediendBedrag`), so rules read like the
// standard and a grep finds both; the basisschema's composite types are
// `Cdt...` (CDT_... in the XSD). Values: dates are core::Date (no time zone),
// amounts and volumes are integers (LDT_Bedrag is in eurocent), codes stay
// strings (code lists are data). Optional elements are std::optional; repeated
// elements are vectors named after their wrapper element.
//
// Each type lists its elements in schema order in visit(), which the reader
// (xml/model_reader) and writer (xml/model_writer) both use, so the order is
// written down once. Classes that a finding can point at carry a Src (element
// path, line, column), which compares equal always: two models are equal when
// their content is.
//
// Threading: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "gateway/core/date.hpp"
#include "gateway/standard/catalog.hpp"

namespace sluis::standard::model {

using core::Date;
using Integer = std::int64_t;
using Codes = std::vector<std::string>;  // RetourCodes/RetourCode

// Where a class was read from: its element path
// ("/Bericht/Declaratie/Clienten/Client[12]/Prestaties/Prestatie[3]"), line
// and column. A declaration holds one per class (200 000 for 40 000
// prestaties), so a Src holds no string of its own: the path's steps without
// their numbers are one shape, interned once per place in the model and shared
// by every class there (SrcShape, never freed: there are as many as the
// model has places, not as messages have classes), and the numbers of its
// numbered steps ("[12]", "[3]") are held beside it. path() writes the text.
class SrcShape;
class Src {
 public:
  // The most numbered steps a path holds: a list inside a list item
  // (Clienten/Client[n]/Prestaties/Prestatie[m]) is the model's deepest.
  static constexpr int kMaxNumbered = 2;

  Src() = default;
  // From a path's text ("/Bericht/Client", "/A/B[2]/C"); line and column as given.
  // Every shape made stays for the process's life: give it the model's own
  // paths (the reader, locate(), code), never a text a partner sent.
  // Throws std::invalid_argument for a text that is not such a path (not
  // starting with "/", an empty step, a bad number) or has more numbered steps
  // than kMaxNumbered.
  explicit Src(std::string_view path, int line = 0, int column = 0);

  // The path of the step `name` below this one, numbered when `number` > 1
  // ("Prestatie[3]") as the validator writes it; line and column 0. nullopt
  // when that would take more than kMaxNumbered numbered steps.
  std::optional<Src> below(std::string_view name, int number) const;

  std::string path() const;        // "" for a Src that was never placed
  bool placed() const { return shape_ != nullptr; }
  void set_path(std::string_view path);  // as the constructor; keeps line and column

  int line = 0;
  int column = 0;
  friend bool operator==(const Src&, const Src&) { return true; }

 private:
  const SrcShape* shape_ = nullptr;
  std::uint32_t numbers_[kMaxNumbered] = {};  // of the numbered steps, root first
};

// What the reader, writer and walkers ask of a field: optional, or a model
// class (a type with visit() and kBasis), or else a value.
template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
concept ModelClass = requires { T::kBasis; };

// SLUIS_F(Name): one element of the schema sequence; SLUIS_L(Wrapper, Item): a
// wrapper element holding repeated Items; SLUIS_C: the class's RetourCodes.
#define SLUIS_F(name) v(#name, s.name)
#define SLUIS_L(wrapper, item) v.list(#wrapper, #item, s.wrapper)
#define SLUIS_C v.codes(s.RetourCodes)
#define SLUIS_VISIT(Type) \
  template <class V, class S> static void visit(V& v, S& s)

// ---- basisschema (CDT_*) ----

struct CdtAchternaam {
  static constexpr bool kBasis = true;
  std::string Achternaam;
  std::optional<std::string> Voorvoegsel;
  SLUIS_VISIT(CdtAchternaam) { SLUIS_F(Achternaam); SLUIS_F(Voorvoegsel); }
  bool operator==(const CdtAchternaam&) const = default;
};

struct CdtHuis {
  static constexpr bool kBasis = true;
  Integer Huisnummer = 0;
  std::optional<std::string> Huisletter, HuisnummerToevoeging, AanduidingWoonadres;
  SLUIS_VISIT(CdtHuis) {
    SLUIS_F(Huisnummer); SLUIS_F(Huisletter); SLUIS_F(HuisnummerToevoeging); SLUIS_F(AanduidingWoonadres);
  }
  bool operator==(const CdtHuis&) const = default;
};

struct CdtAdres {
  static constexpr bool kBasis = true;
  std::optional<CdtHuis> Huis;
  std::optional<std::string> Postcode, Straatnaam, Plaatsnaam, LandCode;
  SLUIS_VISIT(CdtAdres) {
    SLUIS_F(Huis); SLUIS_F(Postcode); SLUIS_F(Straatnaam); SLUIS_F(Plaatsnaam); SLUIS_F(LandCode);
  }
  bool operator==(const CdtAdres&) const = default;
};

struct CdtBedragMetDC {
  static constexpr bool kBasis = true;
  Integer Bedrag = 0;       // eurocent
  std::string DebetCredit;  // "D" or "C"
  SLUIS_VISIT(CdtBedragMetDC) { SLUIS_F(Bedrag); SLUIS_F(DebetCredit); }
  // Debit positive, credit negative.
  Integer signed_cents() const { return DebetCredit == "C" ? -Bedrag : Bedrag; }
  bool operator==(const CdtBedragMetDC&) const = default;
};

struct CdtTotaalBedragMetDC {
  static constexpr bool kBasis = true;
  Integer TotaalBedrag = 0;  // eurocent
  std::string DebetCredit;
  SLUIS_VISIT(CdtTotaalBedragMetDC) { SLUIS_F(TotaalBedrag); SLUIS_F(DebetCredit); }
  Integer signed_cents() const { return DebetCredit == "C" ? -TotaalBedrag : TotaalBedrag; }
  bool operator==(const CdtTotaalBedragMetDC&) const = default;
};

struct CdtBerichtIdentificatie {
  static constexpr bool kBasis = true;
  std::string Identificatie;
  Date Dagtekening{};
  SLUIS_VISIT(CdtBerichtIdentificatie) { SLUIS_F(Identificatie); SLUIS_F(Dagtekening); }
  bool operator==(const CdtBerichtIdentificatie&) const = default;
};

struct CdtCommunicatie {
  static constexpr bool kBasis = true;
  std::string Vorm;
  std::optional<std::string> Taal;
  SLUIS_VISIT(CdtCommunicatie) { SLUIS_F(Vorm); SLUIS_F(Taal); }
  bool operator==(const CdtCommunicatie&) const = default;
};

struct CdtGeboortedatum {
  static constexpr bool kBasis = true;
  Date Datum{};
  std::optional<std::string> DatumGebruik;
  SLUIS_VISIT(CdtGeboortedatum) { SLUIS_F(Datum); SLUIS_F(DatumGebruik); }
  bool operator==(const CdtGeboortedatum&) const = default;
};

struct CdtGeslotenPeriode {
  static constexpr bool kBasis = true;
  Date Begindatum{}, Einddatum{};
  SLUIS_VISIT(CdtGeslotenPeriode) { SLUIS_F(Begindatum); SLUIS_F(Einddatum); }
  bool operator==(const CdtGeslotenPeriode&) const = default;
};

struct CdtOpenPeriode {
  static constexpr bool kBasis = true;
  std::optional<Date> Begindatum, Einddatum;
  SLUIS_VISIT(CdtOpenPeriode) { SLUIS_F(Begindatum); SLUIS_F(Einddatum); }
  bool operator==(const CdtOpenPeriode&) const = default;
};

struct CdtOmvang {
  static constexpr bool kBasis = true;
  Integer Volume = 0;
  std::string Eenheid, Frequentie;
  SLUIS_VISIT(CdtOmvang) { SLUIS_F(Volume); SLUIS_F(Eenheid); SLUIS_F(Frequentie); }
  bool operator==(const CdtOmvang&) const = default;
};

struct CdtProduct {
  static constexpr bool kBasis = true;
  std::string Categorie;
  std::optional<std::string> Code;
  SLUIS_VISIT(CdtProduct) { SLUIS_F(Categorie); SLUIS_F(Code); }
  bool operator==(const CdtProduct&) const = default;
};

struct CdtReferentie {
  static constexpr bool kBasis = true;
  std::string ReferentieNummer;
  std::optional<std::string> VorigReferentieNummer;
  SLUIS_VISIT(CdtReferentie) { SLUIS_F(ReferentieNummer); SLUIS_F(VorigReferentieNummer); }
  bool operator==(const CdtReferentie&) const = default;
};

struct CdtTelefoon {
  static constexpr bool kBasis = true;
  std::string Telefoonnummer, Landnummer;
  SLUIS_VISIT(CdtTelefoon) { SLUIS_F(Telefoonnummer); SLUIS_F(Landnummer); }
  bool operator==(const CdtTelefoon&) const = default;
};

struct CdtTelefoonnummers {
  static constexpr bool kBasis = true;
  CdtTelefoon Telefoon01;
  std::optional<CdtTelefoon> Telefoon02;
  SLUIS_VISIT(CdtTelefoonnummers) { SLUIS_F(Telefoon01); SLUIS_F(Telefoon02); }
  bool operator==(const CdtTelefoonnummers&) const = default;
};

struct CdtVerkorteNaam {
  static constexpr bool kBasis = true;
  CdtAchternaam Geslachtsnaam;
  std::optional<std::string> Voornamen, Voorletters;
  SLUIS_VISIT(CdtVerkorteNaam) { SLUIS_F(Geslachtsnaam); SLUIS_F(Voornamen); SLUIS_F(Voorletters); }
  bool operator==(const CdtVerkorteNaam&) const = default;
};

struct CdtVolledigeNaam {
  static constexpr bool kBasis = true;
  CdtAchternaam Geslachtsnaam;
  std::optional<CdtAchternaam> Partnernaam;
  std::optional<std::string> Voornamen, Voorletters;
  std::string NaamGebruik;
  SLUIS_VISIT(CdtVolledigeNaam) {
    SLUIS_F(Geslachtsnaam); SLUIS_F(Partnernaam); SLUIS_F(Voornamen); SLUIS_F(Voorletters); SLUIS_F(NaamGebruik);
  }
  bool operator==(const CdtVolledigeNaam&) const = default;
};

struct CdtVerwijzer {
  static constexpr bool kBasis = true;
  std::string Type;
  std::optional<std::string> Naam, ZorgverlenerCode;
  SLUIS_VISIT(CdtVerwijzer) { SLUIS_F(Type); SLUIS_F(Naam); SLUIS_F(ZorgverlenerCode); }
  bool operator==(const CdtVerwijzer&) const = default;
};

struct CdtXsdVersie {
  static constexpr bool kBasis = true;
  std::string BasisschemaXsdVersie, BerichtXsdVersie;
  SLUIS_VISIT(CdtXsdVersie) { SLUIS_F(BasisschemaXsdVersie); SLUIS_F(BerichtXsdVersie); }
  bool operator==(const CdtXsdVersie&) const = default;
};

// ---- the header of every message ----

// Retours add IdentificatieRetour .. RetourCodes; the 325 adds
// DeclaratieIdentificatie, XsltVersie, XsdVersieDeclaratie, RetourCodes. The
// two sets never meet, so one order serves both.
struct Header {
  static constexpr bool kBasis = false;
  Src src;
  Integer BerichtCode = 0, BerichtVersie = 0, BerichtSubversie = 0;
  std::string Afzender, Ontvanger;
  CdtBerichtIdentificatie BerichtIdentificatie;
  CdtXsdVersie XsdVersie;
  std::optional<std::string> IdentificatieRetour;
  std::optional<Date> DagtekeningRetour;
  std::optional<CdtBerichtIdentificatie> DeclaratieIdentificatie;
  std::optional<std::string> XsltVersie;
  std::optional<CdtXsdVersie> XsdVersieRetour, XsdVersieDeclaratie;
  Codes RetourCodes;
  SLUIS_VISIT(Header) {
    SLUIS_F(BerichtCode); SLUIS_F(BerichtVersie); SLUIS_F(BerichtSubversie); SLUIS_F(Afzender);
    SLUIS_F(Ontvanger); SLUIS_F(BerichtIdentificatie); SLUIS_F(XsdVersie); SLUIS_F(IdentificatieRetour);
    SLUIS_F(DagtekeningRetour); SLUIS_F(DeclaratieIdentificatie); SLUIS_F(XsltVersie);
    SLUIS_F(XsdVersieRetour); SLUIS_F(XsdVersieDeclaratie); SLUIS_C;
  }
  bool operator==(const Header&) const = default;
};

// ---- 301 toewijzing / 302 ----

struct Contact {
  static constexpr bool kBasis = false;
  Src src;
  std::string Soort;
  std::optional<CdtAdres> Adres;
  std::optional<std::string> Organisatie;
  std::optional<CdtTelefoonnummers> Telefoon;
  std::optional<std::string> Emailadres;
  std::optional<CdtOpenPeriode> Periode;
  Codes RetourCodes;
  SLUIS_VISIT(Contact) {
    SLUIS_F(Soort); SLUIS_F(Adres); SLUIS_F(Organisatie); SLUIS_F(Telefoon); SLUIS_F(Emailadres);
    SLUIS_F(Periode); SLUIS_C;
  }
  bool operator==(const Contact&) const = default;
};

struct Relatie {
  static constexpr bool kBasis = false;
  Src src;
  std::string Nummer;
  std::optional<Integer> Volgorde;
  std::string Soort;
  std::optional<CdtGeboortedatum> Geboortedatum;
  std::optional<std::string> Geslacht;
  CdtVolledigeNaam Naam;
  model::Contact Contact;
  Codes RetourCodes;
  SLUIS_VISIT(Relatie) {
    SLUIS_F(Nummer); SLUIS_F(Volgorde); SLUIS_F(Soort); SLUIS_F(Geboortedatum); SLUIS_F(Geslacht);
    SLUIS_F(Naam); SLUIS_F(Contact); SLUIS_C;
  }
  bool operator==(const Relatie&) const = default;
};

struct ToegewezenProduct {
  static constexpr bool kBasis = false;
  Src src;
  Integer ToewijzingNummer = 0;
  std::optional<std::string> ReferentieAanbieder;
  std::optional<CdtProduct> Product;
  Date Toewijzingsdatum{};
  std::string Toewijzingstijd;  // xs:time as sent
  Date Ingangsdatum{};
  std::optional<Date> Einddatum;
  std::optional<std::string> RedenWijziging;
  std::optional<CdtOmvang> Omvang;
  std::optional<Integer> Budget;  // eurocent
  std::optional<std::string> Commentaar;
  Codes RetourCodes;
  SLUIS_VISIT(ToegewezenProduct) {
    SLUIS_F(ToewijzingNummer); SLUIS_F(ReferentieAanbieder); SLUIS_F(Product); SLUIS_F(Toewijzingsdatum);
    SLUIS_F(Toewijzingstijd); SLUIS_F(Ingangsdatum); SLUIS_F(Einddatum); SLUIS_F(RedenWijziging);
    SLUIS_F(Omvang); SLUIS_F(Budget); SLUIS_F(Commentaar); SLUIS_C;
  }
  bool operator==(const ToegewezenProduct&) const = default;
};

struct Client301 {
  static constexpr bool kBasis = false;
  Src src;
  std::string Bsn;
  CdtGeboortedatum Geboortedatum;
  std::string Geslacht;
  CdtVolledigeNaam Naam;
  std::optional<CdtCommunicatie> Communicatie;
  std::optional<std::string> JuridischeStatus, WettelijkeVertegenwoordiging, Commentaar;
  std::vector<Relatie> Relaties;
  std::vector<Contact> Contactgegevens;
  std::vector<ToegewezenProduct> ToegewezenProducten;
  Codes RetourCodes;
  SLUIS_VISIT(Client301) {
    SLUIS_F(Bsn); SLUIS_F(Geboortedatum); SLUIS_F(Geslacht); SLUIS_F(Naam); SLUIS_F(Communicatie);
    SLUIS_F(JuridischeStatus); SLUIS_F(WettelijkeVertegenwoordiging); SLUIS_F(Commentaar);
    SLUIS_L(Relaties, Relatie); SLUIS_L(Contactgegevens, Contact); SLUIS_L(ToegewezenProducten, ToegewezenProduct);
    SLUIS_C;
  }
  bool operator==(const Client301&) const = default;
};

// ---- 305 start zorg / 306, 307 stop zorg / 308 ----

struct StartProduct {
  static constexpr bool kBasis = false;
  Src src;
  std::optional<Integer> ToewijzingNummer;
  std::optional<CdtProduct> Product;
  std::optional<Date> ToewijzingIngangsdatum;
  Date Begindatum{};
  std::string StatusAanlevering;
  Codes RetourCodes;
  SLUIS_VISIT(StartProduct) {
    SLUIS_F(ToewijzingNummer); SLUIS_F(Product); SLUIS_F(ToewijzingIngangsdatum); SLUIS_F(Begindatum);
    SLUIS_F(StatusAanlevering); SLUIS_C;
  }
  bool operator==(const StartProduct&) const = default;
};

struct StopProduct {
  static constexpr bool kBasis = false;
  Src src;
  std::optional<Integer> ToewijzingNummer;
  std::optional<CdtProduct> Product;
  std::optional<Date> ToewijzingIngangsdatum;
  Date Begindatum{};
  std::string RedenBeeindiging;
  Date Einddatum{};
  std::string StatusAanlevering;
  Codes RetourCodes;
  SLUIS_VISIT(StopProduct) {
    SLUIS_F(ToewijzingNummer); SLUIS_F(Product); SLUIS_F(ToewijzingIngangsdatum); SLUIS_F(Begindatum);
    SLUIS_F(RedenBeeindiging); SLUIS_F(Einddatum); SLUIS_F(StatusAanlevering); SLUIS_C;
  }
  bool operator==(const StopProduct&) const = default;
};

struct Client305 {
  static constexpr bool kBasis = false;
  Src src;
  std::string Bsn;
  CdtGeboortedatum Geboortedatum;
  std::string Geslacht;
  CdtVerkorteNaam Naam;
  std::vector<StartProduct> StartProducten;
  Codes RetourCodes;
  SLUIS_VISIT(Client305) {
    SLUIS_F(Bsn); SLUIS_F(Geboortedatum); SLUIS_F(Geslacht); SLUIS_F(Naam);
    SLUIS_L(StartProducten, StartProduct); SLUIS_C;
  }
  bool operator==(const Client305&) const = default;
};

struct Client307 {
  static constexpr bool kBasis = false;
  Src src;
  std::string Bsn;
  CdtGeboortedatum Geboortedatum;
  std::string Geslacht;
  CdtVerkorteNaam Naam;
  std::vector<StopProduct> StopProducten;
  Codes RetourCodes;
  SLUIS_VISIT(Client307) {
    SLUIS_F(Bsn); SLUIS_F(Geboortedatum); SLUIS_F(Geslacht); SLUIS_F(Naam);
    SLUIS_L(StopProducten, StopProduct); SLUIS_C;
  }
  bool operator==(const Client307&) const = default;
};

// ---- 315 verzoek om toewijzing / 316 ----

struct AangevraagdProduct {
  static constexpr bool kBasis = false;
  Src src;
  std::string ReferentieAanbieder;
  std::optional<Integer> BeschikkingNummer;
  std::optional<CdtProduct> Product;
  std::optional<Date> BeschikkingIngangsdatum;
  Date ToewijzingIngangsdatum{};
  std::optional<Date> ToewijzingEinddatum;
  std::optional<CdtOmvang> Omvang;
  std::optional<Integer> Budget;
  CdtVerwijzer Verwijzer;
  std::optional<std::string> Raamcontract, Commentaar;
  Codes RetourCodes;
  SLUIS_VISIT(AangevraagdProduct) {
    SLUIS_F(ReferentieAanbieder); SLUIS_F(BeschikkingNummer); SLUIS_F(Product); SLUIS_F(BeschikkingIngangsdatum);
    SLUIS_F(ToewijzingIngangsdatum); SLUIS_F(ToewijzingEinddatum); SLUIS_F(Omvang); SLUIS_F(Budget);
    SLUIS_F(Verwijzer); SLUIS_F(Raamcontract); SLUIS_F(Commentaar); SLUIS_C;
  }
  bool operator==(const AangevraagdProduct&) const = default;
};

struct Client315 {
  static constexpr bool kBasis = false;
  Src src;
  std::string Bsn;
  CdtGeboortedatum Geboortedatum;
  std::string Geslacht;
  CdtVerkorteNaam Naam;
  std::optional<std::string> GezagsdragerBekend;  // iJw only
  std::optional<std::string> Commentaar;
  std::vector<AangevraagdProduct> AangevraagdeProducten;
  Codes RetourCodes;
  SLUIS_VISIT(Client315) {
    SLUIS_F(Bsn); SLUIS_F(Geboortedatum); SLUIS_F(Geslacht); SLUIS_F(Naam); SLUIS_F(GezagsdragerBekend);
    SLUIS_F(Commentaar); SLUIS_L(AangevraagdeProducten, AangevraagdProduct); SLUIS_C;
  }
  bool operator==(const Client315&) const = default;
};

// ---- 317 verzoek om wijziging / 318 ----

struct OngewijzigdProduct {
  static constexpr bool kBasis = false;
  Src src;
  Integer ToewijzingNummer = 0;
  Codes RetourCodes;
  SLUIS_VISIT(OngewijzigdProduct) { SLUIS_F(ToewijzingNummer); SLUIS_C; }
  bool operator==(const OngewijzigdProduct&) const = default;
};

struct TeWijzigenProduct {
  static constexpr bool kBasis = false;
  Src src;
  Integer ToewijzingNummer = 0;
  Date GewensteIngangsdatum{};
  std::optional<Date> Einddatum;
  std::optional<CdtOmvang> Omvang;
  std::optional<Integer> Budget;
  Codes RetourCodes;
  SLUIS_VISIT(TeWijzigenProduct) {
    SLUIS_F(ToewijzingNummer); SLUIS_F(GewensteIngangsdatum); SLUIS_F(Einddatum); SLUIS_F(Omvang);
    SLUIS_F(Budget); SLUIS_C;
  }
  bool operator==(const TeWijzigenProduct&) const = default;
};

struct NieuwProduct {
  static constexpr bool kBasis = false;
  Src src;
  std::optional<CdtProduct> Product;
  Date GewensteIngangsdatum{};
  std::optional<Date> Einddatum;
  std::optional<CdtOmvang> Omvang;
  std::optional<Integer> Budget;
  Codes RetourCodes;
  SLUIS_VISIT(NieuwProduct) {
    SLUIS_F(Product); SLUIS_F(GewensteIngangsdatum); SLUIS_F(Einddatum); SLUIS_F(Omvang); SLUIS_F(Budget);
    SLUIS_C;
  }
  bool operator==(const NieuwProduct&) const = default;
};

struct Verzoek {
  static constexpr bool kBasis = false;
  Src src;
  std::string ReferentieAanbieder;
  std::string RedenVerzoek;
  std::vector<OngewijzigdProduct> OngewijzigdeProducten;
  std::vector<TeWijzigenProduct> TeWijzigenProducten;
  std::vector<NieuwProduct> NieuweProducten;
  Codes RetourCodes;
  SLUIS_VISIT(Verzoek) {
    SLUIS_F(ReferentieAanbieder); SLUIS_F(RedenVerzoek); SLUIS_L(OngewijzigdeProducten, OngewijzigdProduct);
    SLUIS_L(TeWijzigenProducten, TeWijzigenProduct); SLUIS_L(NieuweProducten, NieuwProduct); SLUIS_C;
  }
  bool operator==(const Verzoek&) const = default;
};

struct Client317 {
  static constexpr bool kBasis = false;
  Src src;
  std::string Bsn;
  model::Verzoek Verzoek;
  Codes RetourCodes;
  SLUIS_VISIT(Client317) { SLUIS_F(Bsn); SLUIS_F(Verzoek); SLUIS_C; }
  bool operator==(const Client317&) const = default;
};

// The messages whose body is one Client (301-317 and their retours): the
// Client is always there in a heenbericht and absent in a header-only retour.
template <class ClientT>
struct ClientBericht {
  static constexpr bool kBasis = false;
  model::Header Header;
  std::optional<ClientT> Client;
  SLUIS_VISIT(ClientBericht) { SLUIS_F(Header); SLUIS_F(Client); }
  bool operator==(const ClientBericht&) const = default;
};
using Bericht301 = ClientBericht<Client301>;
using Bericht305 = ClientBericht<Client305>;
using Bericht307 = ClientBericht<Client307>;
using Bericht315 = ClientBericht<Client315>;
using Bericht317 = ClientBericht<Client317>;

// ---- 319 antwoord / 320 ----

struct Woonplaatsbeginsel {
  static constexpr bool kBasis = false;
  Src src;
  std::string Gemeente;
  Codes RetourCodes;
  SLUIS_VISIT(Woonplaatsbeginsel) { SLUIS_F(Gemeente); SLUIS_C; }
  bool operator==(const Woonplaatsbeginsel&) const = default;
};

struct Antwoord {
  static constexpr bool kBasis = false;
  Src src;
  std::string ReferentieAanbieder;
  std::string VerzoekAntwoord;
  std::optional<std::string> RedenAfwijzingVerzoek;
  std::optional<model::Woonplaatsbeginsel> Woonplaatsbeginsel;  // iJw only
  Codes RetourCodes;
  SLUIS_VISIT(Antwoord) {
    SLUIS_F(ReferentieAanbieder); SLUIS_F(VerzoekAntwoord); SLUIS_F(RedenAfwijzingVerzoek);
    SLUIS_F(Woonplaatsbeginsel); SLUIS_C;
  }
  bool operator==(const Antwoord&) const = default;
};

struct Bericht319 {
  static constexpr bool kBasis = false;
  model::Header Header;
  std::optional<model::Antwoord> Antwoord;
  SLUIS_VISIT(Bericht319) { SLUIS_F(Header); SLUIS_F(Antwoord); }
  bool operator==(const Bericht319&) const = default;
};

// ---- 323 declaratie, 325 declaratie-antwoord ----

struct Prestatie {
  static constexpr bool kBasis = false;
  Src src;
  CdtReferentie ProductReferentie;
  Integer ToewijzingNummer = 0;
  std::string ProductCategorie, ProductCode;
  CdtGeslotenPeriode ProductPeriode;
  Integer GeleverdVolume = 0;
  std::string Eenheid;
  std::optional<Integer> ProductTarief;  // eurocent
  CdtBedragMetDC IngediendBedrag;
  Codes RetourCodes;
  SLUIS_VISIT(Prestatie) {
    SLUIS_F(ProductReferentie); SLUIS_F(ToewijzingNummer); SLUIS_F(ProductCategorie); SLUIS_F(ProductCode);
    SLUIS_F(ProductPeriode); SLUIS_F(GeleverdVolume); SLUIS_F(Eenheid); SLUIS_F(ProductTarief);
    SLUIS_F(IngediendBedrag); SLUIS_C;
  }
  bool operator==(const Prestatie&) const = default;
};

struct Client323 {
  static constexpr bool kBasis = false;
  Src src;
  std::string Bsn;
  std::vector<Prestatie> Prestaties;
  Codes RetourCodes;
  SLUIS_VISIT(Client323) { SLUIS_F(Bsn); SLUIS_L(Prestaties, Prestatie); SLUIS_C; }
  bool operator==(const Client323&) const = default;
};

struct Declaratie {
  static constexpr bool kBasis = false;
  Src src;
  std::string DeclaratieNummer;
  CdtGeslotenPeriode DeclaratiePeriode;
  Date DeclaratieDagtekening{};
  CdtTotaalBedragMetDC TotaalIngediendBedrag;
  std::vector<Client323> Clienten;
  SLUIS_VISIT(Declaratie) {
    SLUIS_F(DeclaratieNummer); SLUIS_F(DeclaratiePeriode); SLUIS_F(DeclaratieDagtekening);
    SLUIS_F(TotaalIngediendBedrag); SLUIS_L(Clienten, Client);
  }
  bool operator==(const Declaratie&) const = default;
};

struct Bericht323 {
  static constexpr bool kBasis = false;
  model::Header Header;
  model::Declaratie Declaratie;
  SLUIS_VISIT(Bericht323) { SLUIS_F(Header); SLUIS_F(Declaratie); }
  bool operator==(const Bericht323&) const = default;
};

struct DeclaratieAntwoord {
  static constexpr bool kBasis = false;
  Src src;
  std::string DeclaratieNummer;
  CdtTotaalBedragMetDC TotaalIngediendBedrag, TotaalToegekendBedrag;
  std::vector<Client323> Clienten;  // only rejected prestaties and their clients (IV088)
  Codes RetourCodes;
  SLUIS_VISIT(DeclaratieAntwoord) {
    SLUIS_F(DeclaratieNummer); SLUIS_F(TotaalIngediendBedrag); SLUIS_F(TotaalToegekendBedrag);
    SLUIS_L(Clienten, Client); SLUIS_C;
  }
  bool operator==(const DeclaratieAntwoord&) const = default;
};

struct Bericht325 {
  static constexpr bool kBasis = false;
  model::Header Header;
  std::optional<model::DeclaratieAntwoord> DeclaratieAntwoord;
  SLUIS_VISIT(Bericht325) { SLUIS_F(Header); SLUIS_F(DeclaratieAntwoord); }
  bool operator==(const Bericht325&) const = default;
};

#undef SLUIS_F
#undef SLUIS_L
#undef SLUIS_C
#undef SLUIS_VISIT

// ---- a message of any type ----

using Body = std::variant<Bericht301, Bericht305, Bericht307, Bericht315, Bericht317, Bericht319, Bericht323,
                          Bericht325>;

struct Message {
  const MessageType* type = nullptr;  // law, number: which of the pair (301 or 302) this is
  std::string release;                // "3.2": names the namespaces when written
  Body body;

  Header& header();
  const Header& header() const;
  bool operator==(const Message& o) const {
    return type == o.type && release == o.release && body == o.body;
  }
};

// An empty body of the right alternative for a message number (302 -> Bericht301).
Body empty_body(int number);

// ---- walking the classes ----

namespace detail {
// Walks every class of a model in document order, calling f(path, class)
// before its children: the one traversal behind locate() and for_each_class().
template <class F>
struct Walker {
  F& f;
  std::string path;
  template <class T>
  void operator()(const char* name, T& field) {
    if constexpr (IsOptional<std::remove_const_t<T>>::value) {
      if (field) (*this)(name, *field);
    } else if constexpr (ModelClass<std::remove_const_t<T>>) {
      at(path + "/" + name, field);
    }
  }
  template <class List>
  void list(const char* wrapper, const char* item, List& v) {
    for (size_t i = 0; i < v.size(); ++i)
      at(path + "/" + wrapper + "/" + item + (i ? "[" + std::to_string(i + 1) + "]" : ""), v[i]);
  }
  template <class C>
  void codes(C&) {}
  template <class T>
  void at(std::string p, T& obj) {
    f(p, obj);
    Walker inner{f, std::move(p)};
    std::remove_const_t<T>::visit(inner, obj);
  }
};

// M: Message or const Message.
template <class M, class F>
void walk(M& m, F&& f) {
  std::visit([&](auto& b) { Walker<F>{f, {}}.at("/Bericht", b); }, m.body);
}
}  // namespace detail

// Sets every class's Src path from its place in the model, for messages made
// or changed in code (read messages have them already).
inline void locate(Message& m) {
  detail::walk(m, [](const std::string& path, auto& obj) {
    if constexpr (requires { obj.src; }) obj.src.set_path(path);
  });
}

// Calls f(Src&, Codes&) for every class that can carry RetourCodes (the
// header first, then in document order): how a retour's codes are set.
// M: Message (f may set the codes) or const Message (f reads them).
template <class M, class F>
void for_each_class(M& m, F&& f) {
  detail::walk(m, [&](const std::string&, auto& obj) {
    if constexpr (requires { obj.RetourCodes; obj.src; }) f(obj.src, obj.RetourCodes);
  });
}

// Calls f(bsn) for every client's Bsn, in document order.
template <class F>
void for_each_bsn(const Message& m, F&& f) {
  detail::walk(m, [&](const std::string&, const auto& obj) {
    if constexpr (requires { obj.Bsn; }) f(obj.Bsn);
  });
}

// ---- retour model: what the rules fill in ----

// The retour facts of IV028: who answers when, and with which versions.
struct RetourHeader {
  std::string IdentificatieRetour;  // unique per sender of the retour
  Date DagtekeningRetour{};
  std::optional<std::string> XsltVersie;  // sluis's rule-set version (x.y.z) when a rule rejected
  CdtXsdVersie XsdVersieRetour;           // of the retour schema
};

// The retour of a heenbericht (301 -> 302 ... 319 -> 320): the header copied,
// BerichtCode replaced, retour facts added, every class copied with empty
// RetourCodes for the rules to fill. A 323 has no retour (see make_325).
Message make_retour(const Message& heen, const RetourHeader& r);
// Drops the client/answer: a header-only retour (level 1/2 rejection, 0001).
void drop_classes(Message& retour);

// The 325 for a 323 (IV087/IV088): sender and receiver swapped, the 325's own
// BerichtIdentificatie and XsdVersie, DeclaratieIdentificatie and
// XsdVersieDeclaratie from the 323, DeclaratieAntwoord with DeclaratieNummer,
// TotaalIngediendBedrag and every client and prestatie copied; the rules set
// codes, remove approved prestaties (remove_approved) and the totals.
struct AntwoordHeader {
  CdtBerichtIdentificatie BerichtIdentificatie;
  CdtXsdVersie XsdVersie;
  std::optional<std::string> XsltVersie;
};
Message make_325(const Message& declaratie, const AntwoordHeader& a);
// The same without the clients (DeclaratieAntwoord.Clienten empty): for a
// composer that copies only the clients it answers, so that a large 323 is
// not copied whole.
Message make_325_without_clients(const Message& declaratie, const AntwoordHeader& a);
// Keeps only prestaties with RetourCodes and clients that still have one.
void remove_approved(DeclaratieAntwoord& a);

}  // namespace sluis::standard::model
