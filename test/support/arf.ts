import MimeNode from 'nodemailer/lib/mime-node/index.js';

/**
 * A complaint report as a mailbox provider's feedback loop sends it (ARF, RFC 5965 §2): a
 * multipart/report with report-type=feedback-report holding a human-readable part, the
 * machine-readable message/feedback-report (§3.1: Feedback-Type, User-Agent, Version required),
 * and the original message. Built with nodemailer's MIME tree, not by hand.
 */
export async function arfReport(o: { to: string; complainant: string; original: string; feedbackType?: string }): Promise<Buffer> {
  const root = new MimeNode('multipart/report; report-type=feedback-report');
  root.setHeader({ from: 'Feedback Loop <fbl@isp.test>', to: o.to, subject: 'Abuse report', 'message-id': `<fbl-${Date.now()}@isp.test>`, date: new Date().toUTCString() });
  root.createChild('text/plain').setContent('This is an email abuse report for an email message received from IP 192.0.2.1.\r\n');
  root
    .createChild('message/feedback-report')
    .setContent([`Feedback-Type: ${o.feedbackType ?? 'abuse'}`, 'User-Agent: ExampleFBL/1.0', 'Version: 1', `Original-Rcpt-To: ${o.complainant}`, 'Arrival-Date: ' + new Date().toUTCString(), 'Source-IP: 192.0.2.1', ''].join('\r\n'));
  root.createChild('message/rfc822').setContent(o.original);
  return root.build();
}
