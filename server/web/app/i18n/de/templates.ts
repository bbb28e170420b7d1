import type { Part } from '../types.js';
import type { templates as en } from '../en/templates.js';

export const templates: Part<typeof en> = {
  'templates.tab': "Vorlagen",
  'templates.title': "Vorlagen der System-E-Mails",
  'templates.intro': "Die E-Mails, die Envoi für Sie schreibt – Einladungen und Anmeldebestätigungen – in jeder Sprache. Platzhalter wie {{appName}} und {{link}} werden beim Senden gefüllt.",
  'templates.action': "E-Mail",
  'templates.language': "Sprache der E-Mail",
  'templates.action.send-invitation': "Einladung",
  'templates.action.send-signup-confirmation': "Anmeldebestätigung",
  'templates.subject': "Betreff",
  'templates.html': "HTML",
  'templates.text': "Text",
  'templates.textHint': "Lassen Sie den Text leer, damit er aus dem HTML erzeugt wird.",
  'templates.source.scope': "Eigene Vorlage dieses Bereichs",
  'templates.source.platform': "Vorlage der Plattform",
  'templates.source.builtin': "Eingebaute Vorlage",
  'templates.preview': "Vorschau",
  'templates.sampleNote': "Vom Server mit Beispieldaten erzeugt, so wie die gespeicherte Vorlage sie senden würde.",
  'templates.reset': "Zur eingebauten Vorlage zurückkehren",
  'templates.resetTitle': "Zur eingebauten Vorlage zurückkehren?",
  'templates.resetConfirm': "Die eigene Vorlage dieses Bereichs für diese E-Mail und Sprache wird gelöscht; die eingebaute (oder die der Plattform) gilt wieder.",
  'templates.resetDone': "Die eingebaute Vorlage gilt wieder.",
  'templates.saved': "Vorlage gespeichert ({language}).",
  'templates.unsavedNote': "Ihre nicht gespeicherten Änderungen, vom Server mit Beispieldaten erzeugt. Speichern Sie, um sie zu verwenden.",
};
