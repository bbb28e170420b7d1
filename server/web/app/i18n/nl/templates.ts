import type { Part } from '../types.js';
import type { templates as en } from '../en/templates.js';

export const templates: Part<typeof en> = {
  'templates.tab': "Sjablonen",
  'templates.title': "Sjablonen van systeemmails",
  'templates.intro': "De mails die Envoi voor u schrijft — uitnodigingen en bevestigingen van aanmelding — in elke taal. Plaatshouders zoals {{appName}} en {{link}} worden bij het verzenden ingevuld.",
  'templates.action': "Mail",
  'templates.language': "Taal van de mail",
  'templates.action.send-invitation': "Uitnodiging",
  'templates.action.send-signup-confirmation': "Bevestiging van aanmelding",
  'templates.subject': "Onderwerp",
  'templates.html': "HTML",
  'templates.text': "Tekst",
  'templates.textHint': "Laat de tekst leeg om hem uit de HTML af te leiden.",
  'templates.source.scope': "Eigen sjabloon van dit bereik",
  'templates.source.platform': "Sjabloon van het platform",
  'templates.source.builtin': "Ingebouwd sjabloon",
  'templates.preview': "Voorbeeld",
  'templates.sampleNote': "Door de server weergegeven met voorbeeldgegevens, zoals het opgeslagen sjabloon het zou verzenden.",
  'templates.reset': "Terug naar het ingebouwde",
  'templates.resetTitle': "Terug naar het ingebouwde sjabloon?",
  'templates.resetConfirm': "Het eigen sjabloon van dit bereik voor deze mail en taal wordt verwijderd; het ingebouwde (of dat van het platform) wordt weer gebruikt.",
  'templates.resetDone': "Het ingebouwde sjabloon wordt weer gebruikt.",
  'templates.saved': "Sjabloon opgeslagen ({language}).",
  'templates.unsavedNote': "Uw niet-opgeslagen wijzigingen, door de server weergegeven met voorbeeldgegevens. Sla ze op om ze te gebruiken.",
};
