import type { Part } from '../types.js';
import type { templates as en } from '../en/templates.js';

export const templates: Part<typeof en> = {
  'templates.tab': "Modelos",
  'templates.title': "Modelos dos e-mails do sistema",
  'templates.intro': "Os e-mails que o Envoi escreve por si — convites e confirmações de registo — em cada idioma. Variáveis como {{appName}} e {{link}} são preenchidas no envio.",
  'templates.action': "E-mail",
  'templates.language': "Idioma do e-mail",
  'templates.action.send-invitation': "Convite",
  'templates.action.send-signup-confirmation': "Confirmação de registo",
  'templates.subject': "Assunto",
  'templates.html': "HTML",
  'templates.text': "Texto",
  'templates.textHint': "Deixe o texto vazio para que seja derivado do HTML.",
  'templates.source.scope': "Modelo próprio deste âmbito",
  'templates.source.platform': "Modelo da plataforma",
  'templates.source.builtin': "Modelo incorporado",
  'templates.preview': "Pré-visualização",
  'templates.sampleNote': "Gerada pelo servidor com dados de exemplo, tal como o modelo guardado a enviaria.",
  'templates.reset': "Voltar ao incorporado",
  'templates.resetTitle': "Voltar ao modelo incorporado?",
  'templates.resetConfirm': "O modelo próprio deste âmbito para este e-mail e idioma é eliminado; o incorporado (ou o da plataforma) volta a ser usado.",
  'templates.resetDone': "O modelo incorporado voltou a ser usado.",
  'templates.saved': "Modelo guardado ({language}).",
  'templates.unsavedNote': "As suas alterações por guardar, geradas pelo servidor com dados de exemplo. Guarde para as usar.",
};
