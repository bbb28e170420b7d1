/**
 * Built-in Handlebars templates for the two system mails (invitation, sign-up confirmation) in
 * six languages. Each language was written by hand for that language, not machine-translated:
 * French uses « vous », German « Sie », Dutch « je », Russian « вы » (lower case, as in product
 * mail); Portuguese avoids « você » and Brazil/Portugal-specific words so one text serves both.
 *
 * Variables come from the caller of the system action (the app builder's workflow):
 * - both mails: `appName` and `link` (always set), `recipientEmail` (the address the mail goes to),
 *   `expiresAt` (optional; formatted by the engine's locale-aware `formatDate` helper);
 * - send-invitation: `inviterName` (optional);
 * - send-signup-confirmation: `name` (optional, the new user's name).
 * The engine HTML-escapes values in `html` and leaves them raw in `subject` and `text`, so these
 * templates never use triple braces. The HTML is self-contained: inline styles only, nothing
 * loaded from the network.
 */
const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Arial,sans-serif;";
function html(lang, w) {
    return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="supported-color-schemes" content="light">
<title>${w.heading}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f3f4f6;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;background-color:#ffffff;border-radius:8px;">
<tr><td style="padding:32px;${FONT}font-size:16px;line-height:1.5;color:#1f2937;">
<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3;color:#111827;">${w.heading}</h1>
<p style="margin:0 0 24px;">${w.intro} ${w.htmlAction}{{#if expiresAt}} ${w.expiry}{{/if}}</p>
<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr><td style="border-radius:6px;background-color:#1d4ed8;">
<a href="{{link}}" style="display:inline-block;padding:12px 24px;font-size:16px;font-weight:600;color:#ffffff;text-decoration:none;border-radius:6px;">${w.button}</a>
</td></tr></table>
<p style="margin:24px 0 0;font-size:14px;color:#4b5563;">${w.fallback}<br><a href="{{link}}" style="color:#1d4ed8;word-break:break-all;">{{link}}</a></p>
<p style="margin:24px 0 0;font-size:13px;color:#6b7280;">${w.note}</p>
</td></tr></table>
</td></tr></table>
</body>
</html>
`;
}
// Standalone {{#if}}/{{/if}} lines vanish when rendered, so the text has no stray blank lines.
function text(w) {
    return `${w.greeting}

${w.textIntro ?? w.intro} ${w.textAction}

{{link}}
{{#if expiresAt}}

${w.expiry}
{{/if}}

${w.note}
`;
}
function build(lang, w) {
    return Object.freeze({ subject: w.subject, html: html(lang, w), text: text(w) });
}
const NBSP = '\u00a0';
const INVITATION = {
    en: {
        subject: '{{#if inviterName}}{{inviterName}} invited you to join {{appName}}{{else}}You’ve been invited to join {{appName}}{{/if}}',
        heading: 'Join {{appName}}',
        greeting: 'Hello,',
        intro: '{{#if inviterName}}{{inviterName}} has invited you to join {{appName}}.{{else}}You’ve been invited to join {{appName}}.{{/if}}',
        htmlAction: 'Click the button below to accept the invitation.',
        textAction: 'To accept the invitation, open this link:',
        expiry: 'This invitation is valid until {{formatDate expiresAt}}.',
        button: 'Accept invitation',
        fallback: 'If the button doesn’t work, copy and paste this link into your browser:',
        note: '{{#if recipientEmail}}This invitation was sent to {{recipientEmail}}. {{/if}}If you weren’t expecting this invitation, you can simply ignore this email. Nothing will happen.',
    },
    fr: {
        subject: '{{#if inviterName}}{{inviterName}} vous invite à rejoindre {{appName}}{{else}}Invitation à rejoindre {{appName}}{{/if}}',
        heading: 'Rejoignez {{appName}}',
        greeting: 'Bonjour,',
        intro: '{{#if inviterName}}{{inviterName}} vous invite à rejoindre {{appName}}.{{else}}Vous avez reçu une invitation à rejoindre {{appName}}.{{/if}}',
        htmlAction: 'Pour accepter l’invitation, cliquez sur le bouton ci-dessous.',
        textAction: `Pour accepter l’invitation, ouvrez le lien suivant${NBSP}:`,
        expiry: 'Cette invitation est valable jusqu’au {{formatDate expiresAt}}.',
        button: 'Accepter l’invitation',
        fallback: `Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur${NBSP}:`,
        note: `{{#if recipientEmail}}Cette invitation a été envoyée à {{recipientEmail}}. {{/if}}Si vous ne vous attendiez pas à cette invitation, vous pouvez simplement ignorer ce message${NBSP}: il ne se passera rien.`,
    },
    de: {
        subject: '{{#if inviterName}}{{inviterName}} hat Sie zu {{appName}} eingeladen{{else}}Einladung zu {{appName}}{{/if}}',
        heading: 'Einladung zu {{appName}}',
        greeting: 'Guten Tag,',
        intro: '{{#if inviterName}}{{inviterName}} hat Sie zu {{appName}} eingeladen.{{else}}Sie wurden zu {{appName}} eingeladen.{{/if}}',
        htmlAction: 'Mit einem Klick auf die Schaltfläche unten nehmen Sie die Einladung an.',
        textAction: 'Um die Einladung anzunehmen, öffnen Sie diesen Link:',
        expiry: 'Die Einladung ist bis zum {{formatDate expiresAt}} gültig.',
        button: 'Einladung annehmen',
        fallback: 'Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link in Ihren Browser:',
        note: '{{#if recipientEmail}}Diese Einladung wurde an {{recipientEmail}} gesendet. {{/if}}Falls Sie keine Einladung erwartet haben, können Sie diese E-Mail einfach ignorieren. Solange Sie die Einladung nicht annehmen, passiert nichts.',
    },
    nl: {
        subject: '{{#if inviterName}}{{inviterName}} heeft je uitgenodigd voor {{appName}}{{else}}Je bent uitgenodigd voor {{appName}}{{/if}}',
        heading: 'Uitnodiging voor {{appName}}',
        greeting: 'Hallo,',
        intro: '{{#if inviterName}}{{inviterName}} heeft je uitgenodigd voor {{appName}}.{{else}}Je bent uitgenodigd voor {{appName}}.{{/if}}',
        htmlAction: 'Klik op de knop hieronder om de uitnodiging te accepteren.',
        textAction: 'Open deze link om de uitnodiging te accepteren:',
        expiry: 'De uitnodiging is geldig tot {{formatDate expiresAt}}.',
        button: 'Uitnodiging accepteren',
        fallback: 'Werkt de knop niet? Kopieer dan deze link en plak hem in je browser:',
        note: '{{#if recipientEmail}}Deze uitnodiging is verstuurd naar {{recipientEmail}}. {{/if}}Had je deze uitnodiging niet verwacht? Dan kun je deze e-mail gewoon negeren. Er gebeurt verder niets.',
    },
    pt: {
        subject: '{{#if inviterName}}Convite de {{inviterName}} para se juntar a {{appName}}{{else}}Convite para se juntar a {{appName}}{{/if}}',
        heading: 'Convite para {{appName}}',
        greeting: 'Olá,',
        intro: '{{#if inviterName}}Recebeu um convite de {{inviterName}} para se juntar a {{appName}}.{{else}}Recebeu um convite para se juntar a {{appName}}.{{/if}}',
        htmlAction: 'Para aceitar o convite, clique no botão abaixo.',
        textAction: 'Para aceitar o convite, abra este link:',
        expiry: 'O convite é válido até {{formatDate expiresAt}}.',
        button: 'Aceitar convite',
        fallback: 'Se o botão não funcionar, copie e cole este link no navegador:',
        note: '{{#if recipientEmail}}Este convite foi enviado para {{recipientEmail}}. {{/if}}Se não esperava este convite, pode simplesmente ignorar este e-mail. Nada acontecerá.',
    },
    ru: {
        subject: '{{#if inviterName}}{{inviterName}} приглашает вас в {{appName}}{{else}}Приглашение в {{appName}}{{/if}}',
        heading: 'Приглашение в {{appName}}',
        greeting: 'Здравствуйте!',
        intro: '{{#if inviterName}}{{inviterName}} приглашает вас присоединиться к {{appName}}.{{else}}Вас пригласили присоединиться к {{appName}}.{{/if}}',
        htmlAction: 'Чтобы принять приглашение, нажмите на кнопку ниже.',
        textAction: 'Чтобы принять приглашение, откройте эту ссылку:',
        expiry: 'Приглашение действует до {{formatDate expiresAt}}, после этого ссылка перестанет работать.',
        button: 'Принять приглашение',
        fallback: 'Если кнопка не работает, скопируйте ссылку и вставьте её в адресную строку браузера:',
        note: `{{#if recipientEmail}}Приглашение отправлено на адрес {{recipientEmail}}. {{/if}}Если вы не ждали этого приглашения, просто проигнорируйте это письмо${NBSP}— ничего не произойдёт.`,
    },
};
const SIGNUP_CONFIRMATION = {
    en: {
        subject: 'Confirm your email address for {{appName}}',
        heading: '{{#if name}}Welcome, {{name}}!{{else}}Welcome to {{appName}}!{{/if}}',
        greeting: '{{#if name}}Hi {{name}},{{else}}Hello,{{/if}}',
        intro: 'Thanks for signing up for {{appName}}.',
        htmlAction: 'To complete your sign-up, please confirm your email address by clicking the button below.',
        textAction: 'To complete your sign-up, please confirm your email address by opening this link:',
        expiry: 'This link is valid until {{formatDate expiresAt}}.',
        button: 'Confirm email address',
        fallback: 'If the button doesn’t work, copy and paste this link into your browser:',
        note: '{{#if recipientEmail}}This email was sent to {{recipientEmail}}. {{/if}}If you didn’t sign up for {{appName}}, you can simply ignore this email. Nothing will happen.',
    },
    fr: {
        subject: 'Confirmez votre adresse e-mail pour {{appName}}',
        heading: `{{#if name}}Bienvenue, {{name}}${NBSP}!{{else}}Bienvenue sur {{appName}}${NBSP}!{{/if}}`,
        greeting: '{{#if name}}Bonjour {{name}},{{else}}Bonjour,{{/if}}',
        intro: 'Merci de votre inscription à {{appName}}.',
        htmlAction: 'Pour la finaliser, veuillez confirmer votre adresse e-mail en cliquant sur le bouton ci-dessous.',
        textAction: `Pour la finaliser, veuillez confirmer votre adresse e-mail en ouvrant le lien suivant${NBSP}:`,
        expiry: 'Ce lien est valable jusqu’au {{formatDate expiresAt}}.',
        button: 'Confirmer mon adresse e-mail',
        fallback: `Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur${NBSP}:`,
        note: `{{#if recipientEmail}}Ce message a été envoyé à {{recipientEmail}}. {{/if}}Si vous n’êtes pas à l’origine de cette inscription, vous pouvez simplement ignorer ce message${NBSP}: il ne se passera rien.`,
    },
    de: {
        subject: 'Bestätigen Sie Ihre E-Mail-Adresse für {{appName}}',
        heading: '{{#if name}}Willkommen, {{name}}!{{else}}Willkommen bei {{appName}}!{{/if}}',
        greeting: '{{#if name}}Hallo {{name}},{{else}}Guten Tag,{{/if}}',
        intro: 'Vielen Dank für Ihre Registrierung bei {{appName}}.',
        // After a German salutation ending in a comma, the next line starts in lower case.
        textIntro: 'vielen Dank für Ihre Registrierung bei {{appName}}.',
        htmlAction: 'Bitte bestätigen Sie Ihre E-Mail-Adresse über die Schaltfläche unten, um die Registrierung abzuschließen.',
        textAction: 'Bitte bestätigen Sie Ihre E-Mail-Adresse über diesen Link, um die Registrierung abzuschließen:',
        expiry: 'Der Link ist bis zum {{formatDate expiresAt}} gültig.',
        button: 'E-Mail-Adresse bestätigen',
        fallback: 'Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link in Ihren Browser:',
        note: '{{#if recipientEmail}}Diese E-Mail wurde an {{recipientEmail}} gesendet. {{/if}}Falls Sie sich nicht bei {{appName}} registriert haben, können Sie diese E-Mail einfach ignorieren. Ohne Ihre Bestätigung passiert nichts.',
    },
    nl: {
        subject: 'Bevestig je e-mailadres voor {{appName}}',
        heading: '{{#if name}}Welkom, {{name}}!{{else}}Welkom bij {{appName}}!{{/if}}',
        greeting: '{{#if name}}Hallo {{name}},{{else}}Hallo,{{/if}}',
        intro: 'Bedankt voor je aanmelding bij {{appName}}.',
        htmlAction: 'Bevestig je e-mailadres met de knop hieronder om je aanmelding af te ronden.',
        textAction: 'Open deze link om je e-mailadres te bevestigen en je aanmelding af te ronden:',
        expiry: 'Deze link is geldig tot {{formatDate expiresAt}}.',
        button: 'E-mailadres bevestigen',
        fallback: 'Werkt de knop niet? Kopieer dan deze link en plak hem in je browser:',
        note: '{{#if recipientEmail}}Deze e-mail is verstuurd naar {{recipientEmail}}. {{/if}}Heb je je niet aangemeld bij {{appName}}? Dan kun je deze e-mail gewoon negeren. Er gebeurt verder niets.',
    },
    pt: {
        subject: '{{appName}}: confirme o seu endereço de e-mail',
        heading: '{{#if name}}Olá, {{name}}!{{else}}Olá!{{/if}}',
        greeting: '{{#if name}}Olá, {{name}},{{else}}Olá,{{/if}}',
        intro: 'Obrigado por se inscrever em {{appName}}.',
        htmlAction: 'Para concluir a inscrição, confirme o seu endereço de e-mail através do botão abaixo.',
        textAction: 'Para concluir a inscrição, confirme o seu endereço de e-mail através deste link:',
        expiry: 'Este link é válido até {{formatDate expiresAt}}.',
        button: 'Confirmar endereço de e-mail',
        fallback: 'Se o botão não funcionar, copie e cole este link no navegador:',
        note: '{{#if recipientEmail}}Esta mensagem foi enviada para {{recipientEmail}}. {{/if}}Se não se inscreveu em {{appName}}, pode simplesmente ignorar este e-mail. Nada acontecerá.',
    },
    ru: {
        subject: '{{appName}}: подтвердите адрес электронной почты',
        heading: '{{#if name}}Добро пожаловать, {{name}}!{{else}}Добро пожаловать!{{/if}}',
        greeting: '{{#if name}}Здравствуйте, {{name}}!{{else}}Здравствуйте!{{/if}}',
        intro: 'Спасибо за регистрацию в {{appName}}.',
        htmlAction: 'Чтобы завершить её, подтвердите адрес электронной почты, нажав на кнопку ниже.',
        textAction: 'Чтобы завершить её, подтвердите адрес электронной почты по этой ссылке:',
        expiry: 'Ссылка действует до {{formatDate expiresAt}}, после этого она перестанет работать.',
        button: 'Подтвердить адрес',
        fallback: 'Если кнопка не работает, скопируйте ссылку и вставьте её в адресную строку браузера:',
        note: `{{#if recipientEmail}}Письмо отправлено на адрес {{recipientEmail}}. {{/if}}Если вы не регистрировались в {{appName}}, просто проигнорируйте это письмо${NBSP}— ничего не произойдёт.`,
    },
};
function buildAll(wordings) {
    const out = {};
    for (const lang of Object.keys(wordings))
        out[lang] = build(lang, wordings[lang]);
    return Object.freeze(out);
}
export const BUILTIN_TEMPLATES = Object.freeze({
    'send-invitation': buildAll(INVITATION),
    'send-signup-confirmation': buildAll(SIGNUP_CONFIRMATION),
});
//# sourceMappingURL=builtin.js.map