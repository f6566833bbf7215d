#include "gateway/standard/model.hpp"

#include <algorithm>
#include <stdexcept>

namespace sluis::standard::model {

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
