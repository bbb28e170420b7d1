import type { Part } from '../types.js';
import type { templates as en } from '../en/templates.js';

export const templates: Part<typeof en> = {
  'templates.tab': "Шаблоны",
  'templates.title': "Шаблоны системных писем",
  'templates.intro': "Письма, которые Envoi пишет за вас, — приглашения и подтверждения регистрации — на каждом языке. Подстановки вроде {{appName}} и {{link}} заполняются при отправке.",
  'templates.action': "Письмо",
  'templates.language': "Язык письма",
  'templates.action.send-invitation': "Приглашение",
  'templates.action.send-signup-confirmation': "Подтверждение регистрации",
  'templates.subject': "Тема",
  'templates.html': "HTML",
  'templates.text': "Текст",
  'templates.textHint': "Оставьте текст пустым, и он будет получен из HTML.",
  'templates.source.scope': "Собственный шаблон этой области",
  'templates.source.platform': "Шаблон платформы",
  'templates.source.builtin': "Встроенный шаблон",
  'templates.preview': "Предпросмотр",
  'templates.sampleNote': "Построен сервером на примерных данных так, как отправил бы сохранённый шаблон.",
  'templates.reset': "Вернуть встроенный",
  'templates.resetTitle': "Вернуть встроенный шаблон?",
  'templates.resetConfirm': "Собственный шаблон этой области для этого письма и языка удаляется; снова используется встроенный (или шаблон платформы).",
  'templates.resetDone': "Снова используется встроенный шаблон.",
  'templates.saved': "Шаблон сохранён ({language}).",
  'templates.unsavedNote': "Ваши несохранённые изменения, построенные сервером на примерных данных. Сохраните, чтобы их использовать.",
};
