import * as ics from 'ics';
import { EnvoiError } from '../connector/errors.js';
/** Offset of `zone` from UTC at instant `utcMs`, in ms (Intl knows the zone rules). */
function zoneOffsetMs(utcMs, zone) {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
        .formatToParts(new Date(utcMs))
        .map((p) => [p.type, p.value]));
    const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    return asUtc - Math.floor(utcMs / 1000) * 1000;
}
/**
 * Reads an ISO 8601 time. With an offset (or Z) it is an instant; without, it is a wall-clock time
 * in `zone` (UTC when none is given), converted to the instant it names there.
 */
export function toInstant(text, zone, path) {
    const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(text);
    const wall = Date.parse(hasOffset ? text : `${text}Z`);
    if (Number.isNaN(wall))
        throw new EnvoiError('VALIDATION_FAILED', `${path.slice(1)} is not a date`, { details: [{ path, message: 'must be an ISO 8601 date-time' }] });
    if (hasOffset || !zone)
        return wall;
    // Two passes settle the offset across a DST change.
    let t = wall - zoneOffsetMs(wall, zone);
    t = wall - zoneOffsetMs(t, zone);
    return t;
}
const isDateOnly = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s);
const dateArray = (s) => s.split('-').map(Number);
function slug(title) {
    const s = title.normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/\s+/g, '-').toLowerCase().slice(0, 60);
    return s || 'event';
}
/** Builds the .ics for an event with the `ics` package; every text value is escaped by it. */
export function buildIcs(event, defaults) {
    const method = (event.method ?? 'REQUEST');
    const zone = event.timeZone;
    const allDay = isDateOnly(event.start);
    const attrs = {
        productId: 'envoi',
        method,
        uid: event.uid ?? `${crypto.randomUUID()}@${defaults.uidDomain}`,
        sequence: event.sequence ?? 0,
        // Line breaks cannot add a property (the ics package escapes them), but a title is one line.
        title: event.title.replace(/[\r\n]+/g, ' '),
        status: method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    };
    if (allDay) {
        attrs.start = dateArray(event.start);
        if (event.end)
            attrs.end = dateArray(event.end.slice(0, 10));
    }
    else {
        attrs.start = toInstant(event.start, zone, '/start');
        attrs.startInputType = 'utc';
        attrs.startOutputType = 'utc';
        if (event.end) {
            attrs.end = toInstant(event.end, zone, '/end');
            attrs.endInputType = 'utc';
            attrs.endOutputType = 'utc';
            if (attrs.end < attrs.start) {
                throw new EnvoiError('VALIDATION_FAILED', 'The event ends before it starts', { details: [{ path: '/end', message: 'must not be before start' }] });
            }
        }
    }
    if (!event.end)
        attrs.duration = event.duration ?? (allDay ? { days: 1 } : { hours: 1 });
    if (event.location)
        attrs.location = event.location;
    if (event.description)
        attrs.description = event.description;
    if (event.url)
        attrs.url = event.url;
    if (event.organizer)
        attrs.organizer = { ...(event.organizer.name ? { name: event.organizer.name } : {}), email: event.organizer.email };
    if (event.attendees?.length) {
        attrs.attendees = event.attendees.map((a) => ({
            ...(a.name ? { name: a.name } : {}),
            email: a.email,
            rsvp: a.rsvp ?? true,
            partstat: 'NEEDS-ACTION',
            role: 'REQ-PARTICIPANT',
        }));
    }
    if (event.alarms?.length) {
        attrs.alarms = event.alarms.map((a) => ({
            action: 'display',
            description: a.description ?? event.title.replace(/[\r\n]+/g, ' '),
            trigger: { minutes: a.minutesBefore, before: true },
        }));
    }
    const { error, value } = ics.createEvent(attrs);
    if (error || !value) {
        throw new EnvoiError('VALIDATION_FAILED', `The calendar event is not valid: ${error?.message ?? 'unknown error'}`, { details: [{ path: '/', message: error?.message ?? 'invalid event' }] });
    }
    return { filename: `${slug(event.title)}.ics`, contentType: `text/calendar; charset=utf-8; method=${method}`, method, content: value };
}
//# sourceMappingURL=calendar.js.map