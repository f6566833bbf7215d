#include "gateway/standard/retourcodes.hpp"

#include <array>

namespace sluis::standard {

namespace {

// clang-format off
constexpr std::array<Retourcode, 59> kCodes = {{
    {"0001", "Bericht is afgekeurd om technische redenen.", "The message was rejected for technical reasons (a rule on the content of the message).", "in-message rules (TR/CD/CS)"},
    {"0200", "Geen opmerking over deze berichtklasse.", "No remark on this class.", ""},
    {"0233", "Berichtklasse is niet beoordeeld.", "This class was not assessed.", ""},
    {"0611", "Het ingediende tarief komt niet overeen met het contractuele tarief", "The tariff submitted does not match the contract tariff.", "TR418"},
    {"8001", "Declaratie is volledig toegewezen.", "The declaration is approved in full.", ""},
    {"8017", "Van deze credit prestatie is geen debet prestatie bekend.", "No debit prestatie is known for this credit prestatie.", "TR323"},
    {"8021", "Referentienummer prestatie is reeds aangeleverd.", "This prestatie reference number was delivered before.", "TR314"},
    {"8187", "De prestatie hoort niet bij deze client.", "The prestatie does not belong to this client.", "TR304"},
    {"8214", "DeclaratiePeriode is niet de kalendermaand die volgt op voorgaande DeclaratiePeriode terwijl iedere declaratieperiode zorg geleverd is.", "The DeclaratiePeriode is not the month after the previous DeclaratiePeriode although care was delivered every period.", "TR318"},
    {"8848", "Dagtekening moet gelijk zijn aan of voor de systeemdatum liggen.", "The Dagtekening must be on or before the system date.", "TR135"},
    {"9019", "Het regie bericht kan niet gekoppeld worden aan een toewijzing.", "The start/stop message cannot be linked to an allocation.", "TR019"},
    {"9056", "Identificatie moet per berichtsoort uniek zijn voor de verzendende partij.", "The Identificatie must be unique per message type for the sender.", "TR056"},
    {"9063", "Het bericht kan niet verwerkt worden omdat geen eerder bericht ontvangen is.", "The message cannot be processed because no earlier message was received.", "TR063"},
    {"9069", "Er is geen actueel startbericht met dezelfde sleutel.", "There is no current start message with the same key.", "TR382"},
    {"9071", "Het eerdere start bericht kan niet verwijderd worden omdat de zorg al beeindigd is", "The earlier start message cannot be deleted because care has already ended.", "TR071"},
    {"9074", "Er is al een eerder bericht ontvangen met dezelfde sleutel.", "A message with the same key was received before.", "TR074"},
    {"9307", "Begindatum prestatie ligt niet tussen de ingangsdatum en einddatum toewijzing", "The prestatie start date is not between the allocation start and end date.", "TR307"},
    {"9308", "Einddatum prestatie ligt niet tussen de ingangsdatum en einddatum toewijzing", "The prestatie end date is not between the allocation start and end date.", "TR308"},
    {"9319", "De ProductPeriode valt niet geheel binnen een DeclaratiePeriode.", "The ProductPeriode does not lie entirely within one DeclaratiePeriode.", "TR319"},
    {"9321", "Het ingediende volume overschrijdt het toegewezen volume.", "The volume submitted exceeds the allocated volume.", "TR321"},
    {"9322", "De som van de ingediende volumes overschrijdt het  toegewezen volume", "The sum of the volumes submitted exceeds the allocated volume.", "TR322"},
    {"9326", "De actuele levering is nog niet gestopt met een Stopbericht.", "The current delivery has not yet been stopped with a stop message.", "TR326"},
    {"9332", "Toewijzing heeft geen uniek nummer binnen wettelijk domein.", "The allocation number is not unique within the law.", "TR332"},
    {"9333", "Declaratienummer is niet uniek", "The declaration number is not unique.", "TR333"},
    {"9338", "Niet iedere prestatie in een declaratiebericht is gerelateerd aan een toegewezen product op basis van het toewijzingnummer", "Not every prestatie in the declaration relates to an allocated product by its allocation number.", "TR338"},
    {"9339", "ProductCategorie in de prestatie is niet gelijk aan ProductCategorie in het ToegewezenProduct.", "The ProductCategorie of the prestatie differs from that of the allocated product.", "TR339"},
    {"9340", "ProductCode in de Prestatie is niet gelijk aan ProductCode in het ToegewezenProduct.", "The ProductCode of the prestatie differs from that of the allocated product.", "TR340"},
    {"9341", "Eenheid in de Prestatie past niet bij Eenheid in het ToegewezenProduct", "The Eenheid of the prestatie does not fit the Eenheid of the allocated product.", "TR341"},
    {"9346", "Eenheid is ongelijk is aan waarde 83 (Euro's), maar IngediendBedrag is niet gelijk aan GeleverdVolume vermenigvuldigd met (het onafgeronde) ProductTarief.", "Eenheid is not 83 (euros), but IngediendBedrag is not GeleverdVolume times the (unrounded) ProductTarief.", "TR346"},
    {"9347", "ReferentieAanbieder is niet uniek voor de aanbieder binnen het wettelijk domein", "The ReferentieAanbieder is not unique for the provider within the law.", "TR347"},
    {"9349", "Het VOW bericht bevat niet alle actuele toegewezen producten van de client, hetzij in OngewijzigdProduct, hetzij in TeWijzigenProduct", "The request for change does not list all current allocations of the client (as unchanged or to be changed).", "TR349"},
    {"9350", "OngewijzigdProduct is niet gerelateerd aan een actueel toegewezen product op basis van het toewijzingnummer.", "An OngewijzigdProduct does not relate to a current allocation by its allocation number.", "TR350"},
    {"9351", "TeWijzigenProduct is niet gerelateerd aan een actuele toewijzing op basis van ToewijzingNummer.", "A TeWijzigenProduct does not relate to a current allocation by its allocation number.", "TR351"},
    {"9355", "ReferentieAanbieder in het antwoordbericht komt niet voor in een eerder verzoek om toewijzing of verzoek om wijziging", "The ReferentieAanbieder of the answer occurs in no earlier request for allocation or change.", "TR355"},
    {"9357", "GewensteIngangsdatum is kleiner dan of gelijk aan de dagtekening, maar niet gelijk aan de ingangsdatum van het originele ToegewezenProduct.", "The GewensteIngangsdatum is on or before the Dagtekening but differs from the start date of the original allocation.", "TR357"},
    {"9359", "Er is al een toewijzing gestuurd met deze ReferentieAanbieder.", "An allocation with this ReferentieAanbieder was sent already.", "TR359"},
    {"9360", "Er is al een antwoordbericht met deze ReferentieAanbieder", "There is already an answer with this ReferentieAanbieder.", "TR360"},
    {"9361", "Het product komt vaker voor met overlappende zorgperiodes.", "The product occurs more than once with overlapping care periods.", "TR361"},
    {"9365", "Er komt al een antwoordbericht met dezelfde ReferentieAanbieder voor waar VerzoekAntwoord de waarde Nee heeft.", "There is already an answer with the same ReferentieAanbieder whose VerzoekAntwoord is No.", "TR365"},
    {"9366", "ProductReferentie komt niet voor in een Declaratiebericht", "The ProductReferentie occurs in no declaration message.", "TR366"},
    {"9367", "De waarde komt niet overeen met de waarde uit heenbericht met gelijke ProductReferentie", "The value differs from the one in the heenbericht with the same ProductReferentie.", "TR367"},
    {"9369", "Budget is meegegeven, maar de som van GeleverdVolume in alle ingediende Prestaties passen niet binnen het toegewezen Budget.", "A budget was allocated, but the sum of GeleverdVolume of all prestaties does not fit the budget.", "TR369"},
    {"9373", "Budget is gewijzigd, maar GewensteIngangsdatum is niet gelijk aan die in de actuele toewijzing", "The budget was changed, but the GewensteIngangsdatum differs from the current allocation.", "TR373"},
    {"9374", "Er is al een verzoek onderhanden.", "A request is already in progress.", "TR374"},
    {"9375", "Omvang is gevuld, terwijl Product in toewijzing met ToewijzingNummer leeg is en Einddatum groter dan 31-12-2020 of leeg is", "Omvang is filled although the allocation has no Product code and ends after 2020-12-31 or is open.", "TR375"},
    {"9379", "ReferentieAanbieder refereert niet naar een verzoek om toewijzing of verzoek om wijziging, is onterecht gevuld", "ReferentieAanbieder refers to no request for allocation or change and should be empty.", "TR379"},
    {"9384", "Declaratie op toewijzing met RedenWijziging \"13\" (Verwijderd)", "Declaration on an allocation withdrawn with RedenWijziging 13.", "TR384"},
    {"9385", "Toewijzing heeft goedgekeurde declaratieregels", "The allocation has approved declaration lines.", "TR385"},
    {"9387", "Begindatum van de ProductPeriode is niet eerste dag van de kalendermaand waarop ProductPeriode betrekking heeft en Ingangsdatum van de toewijzing ligt niet later in deze betreffende maand", "The ProductPeriode does not start on the first of its month while the allocation does not start later that month.", "TR387"},
    {"9388", "Einddatum van de ProductPeriode is niet laatste dag van de kalendermaand waarop ProductPeriode betrekking heeft en Einddatum van de toewijzing ligt niet eerder in deze betreffende maand.", "The ProductPeriode does not end on the last of its month while the allocation does not end earlier that month.", "TR388"},
    {"9389", "Deze prestatie heeft een debetprestatie zonder bijbehorende creditprestatie", "This prestatie has a debit prestatie without a matching credit prestatie.", "TR389"},
    {"9390", "Er is al een Prestatie met gelijk ProductReferentie met waarde Credit", "There is already a credit prestatie with the same ProductReferentie.", "TR390"},
    {"9411", "Omvang is leeg, terwijl Code in Product bij de toewijzing met ToewijzingNummer gevuld is.", "Omvang is empty although the allocation has a Product code.", "TR411"},
    {"9412", "Omvang is niet leeg, terwijl Code in Product bij de toewijzing met ToewijzingNummer leeg is en einddatum groter dan 31-12-2020 of leeg is", "Omvang is filled although the allocation has no Product code and ends after 2020-12-31 or is open.", "TR412"},
    {"9413", "RedenBeeindiging heeft waarde 20, terwijl er al een ander StopProduct met hetzelfde Bsn, ToewijzingNummer, Begindatum en RedenBeeindiging waarde 20 is.", "RedenBeeindiging is 20 while another StopProduct with the same Bsn, ToewijzingNummer, Begindatum and RedenBeeindiging 20 exists.", "TR413"},
    {"9414", "Einddatum is niet >= aan Einddatum uit actuele StopProduct met gelijk Bsn, ToewijzingNummer en Begindatum", "The Einddatum is before the Einddatum of the current StopProduct with the same Bsn, ToewijzingNummer and Begindatum.", "TR414"},
    {"9415", "Er is StopProduct met gelijk Bsn, ToewijzingNummer, Begindatum en RedenBeeindiging <> waarde 20", "There is a StopProduct with the same Bsn, ToewijzingNummer, Begindatum and a RedenBeeindiging other than 20.", "TR415"},
    {"S300", "Gemeentecode komt niet voor in de lijst van CBS.", "The municipality code is not on the CBS list.", "TR378"},
    {"S329", "ProductCode hoort niet bij de ProductCategorie.", "The ProductCode does not belong to the ProductCategorie.", "TR381"},
}};
// clang-format on

}  // namespace

std::span<const Retourcode> retourcodes() { return kCodes; }

const Retourcode* find_retourcode(std::string_view code) {
  for (const auto& r : kCodes)
    if (r.code == code) return &r;
  return nullptr;
}

}  // namespace sluis::standard
