import net from 'node:net';

/**
 * What Envoi checks beyond JSON Schema's standard formats (design.md "Embedding and operations":
 * standard `format`s only, the rest checked in code). A schema names the check with the
 * annotation `"x-envoi-check": "<name>"`; a form generator treats it as an annotation (the
 * manifest lists it under `vocabulary`), Envoi's own ajv runs the function below on the value.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// RFC 1123 §2.1 host names: labels of letters, digits and hyphens, not starting or ending with one.
const HOSTNAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?$/i;
// The shape the date pattern of calendar-event.schema.json already enforces; here only whether it names a real day and time.
const ISO_DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function isTimeZone(s: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: s });
    return true;
  } catch {
    return false;
  }
}

/** A date or date-time Date.parse reads (a time without an offset read as UTC only to check it). */
function isDateTimeOrDate(s: string): boolean {
  if (!ISO_DATE_OR_TIME.test(s)) return true; // the schema's pattern reports the shape, once
  return !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s.replace(/(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/, '$1Z')));
}

export interface Check {
  validate(value: string): boolean;
  /** The `details` message when the value fails. */
  message: string;
}

export const CHECKS: Record<string, Check> = {
  // A host name or an IP address, IPv6 with or without brackets (RFC 3986 §3.2.2 writes them bracketed).
  host: {
    validate: (s) => HOSTNAME.test(s) || net.isIP(s.replace(/^\[|\]$/g, '')) !== 0,
    message: 'must be a host name or an IP address',
  },
  // A Microsoft Entra tenant: its GUID, or one of its verified domains (contoso.onmicrosoft.com).
  'tenant-id': {
    validate: (s) => GUID.test(s) || (HOSTNAME.test(s) && s.includes('.')),
    message: 'must be a tenant GUID or a domain such as contoso.onmicrosoft.com',
  },
  'date-time-or-date': {
    validate: isDateTimeOrDate,
    message: 'must be an ISO 8601 date-time or date',
  },
  // An IANA time zone name, as Intl knows them (the zones the event's times are read in).
  'time-zone': {
    validate: isTimeZone,
    message: 'must be an IANA time zone such as Europe/Paris',
  },
};
