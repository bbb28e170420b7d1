import type { Part } from '../types.js';
import type { templates as en } from '../en/templates.js';

export const templates: Part<typeof en> = {
  'templates.tab': "Modèles",
  'templates.title': "Modèles des e-mails système",
  'templates.intro': "Les e-mails qu’Envoi rédige pour vous — invitations et confirmations d’inscription — dans chaque langue. Les variables comme {{appName}} et {{link}} sont remplies à l’envoi.",
  'templates.action': "E-mail",
  'templates.language': "Langue de l’e-mail",
  'templates.action.send-invitation': "Invitation",
  'templates.action.send-signup-confirmation': "Confirmation d’inscription",
  'templates.subject': "Objet",
  'templates.html': "HTML",
  'templates.text': "Texte",
  'templates.textHint': "Laissez le texte vide pour qu’il soit tiré du HTML.",
  'templates.source.scope': "Modèle propre à ce périmètre",
  'templates.source.platform': "Modèle de la plateforme",
  'templates.source.builtin': "Modèle intégré",
  'templates.preview': "Aperçu",
  'templates.sampleNote': "Rendu par le serveur avec des données d’exemple, tel que le modèle enregistré l’enverrait.",
  'templates.reset': "Revenir au modèle intégré",
  'templates.resetTitle': "Revenir au modèle intégré ?",
  'templates.resetConfirm': "Le modèle propre à ce périmètre pour cet e-mail et cette langue est supprimé ; le modèle intégré (ou celui de la plateforme) est de nouveau utilisé.",
  'templates.resetDone': "Le modèle intégré est de nouveau utilisé.",
  'templates.saved': "Modèle enregistré ({language}).",
  'templates.unsavedNote': "Vos modifications non enregistrées, rendues par le serveur avec des données d’exemple. Enregistrez pour les utiliser.",
};
