import { AGENCY_TYPES, CASE_ORIGINS, COMPLAINT_CATEGORIES, DISPOSITIONS, MERIT_DISPOSITIONS, REPORTER_ANONYMITIES, TIP_CHANNELS, type Disposition } from '#domain';
import type { Projection, ProjectedEvent } from '../../projections/projection.js';
import type { Doc, ReadModelDefinition, ReadModelTransaction } from '../read-model-store.port.js';
import { DAY_MS, aggregateId, anchorFields, codeIn, daysBetween, instant, provinceCode, regionOf } from './facts-support.js';

/**
 * `case_facts`: one document per case (`kind: 'case'`, id = the case id) with the coded dimensions and the
 * dates analysts trend by (DOMAIN.md §5.7). No free text, no personal data, no sealed value.
 *
 * Channel of a case. CaseOpened names its source tips but not their channel, and a projection must not read
 * another read model. So this projection also reads the tip streams and keeps, in its own table, one tiny
 * helper document per tip (`kind: 'tip'`, id `tip:<tipId>`: channel and anonymity only). A tip is always
 * received before a case is opened from it, so when CaseOpened arrives the helper of its first source tip
 * is there to read (tx.get on its own documents). Cases with no source tip (proactive visit, consultation,
 * referral-in, own-motion origins) have `channel: null`. Queries select `kind: 'case'`.
 *
 * Closures. `firstClosed…` is the first closure (time to close, cases closed, reopen rate — DOMAIN.md §5.8:
 * "time to close uses first closure"); `lastClosed…`, `disposition`, `isMerit`, `isSubstantiated` and
 * `isReferral` describe the latest closure (outcome rates). `isClosed` is 0 while a reopened case is open
 * again; `disposition` keeps the latest closure's code meanwhile (outcome rates count only `isClosed: 1`).
 * `intervals` (undeclared) lists the open periods `[openedAt, closedAt | null]`, for backlog as of a date.
 *
 * Merged cases (`CaseMerged` on the absorbed case) get `merged: 1`; trends count a complaint once (the
 * survivor), so they select `merged: 0`.
 */
export const CASE_FACTS: ReadModelDefinition = {
  name: 'case_facts',
  version: 1,
  fields: {
    kind: 'text',
    merged: 'integer',
    officeCode: 'text',
    origin: 'text',
    channel: 'text',
    anonymity: 'text',
    category: 'text',
    agencyType: 'text',
    province: 'text',
    region: 'text',
    openedAt: 'text',
    openedFY: 'integer',
    openedFQ: 'text',
    openedMonth: 'text',
    firstClosedAt: 'text',
    firstClosedFY: 'integer',
    firstClosedFQ: 'text',
    firstClosedMonth: 'text',
    lastClosedAt: 'text',
    lastClosedFY: 'integer',
    lastClosedFQ: 'text',
    lastClosedMonth: 'text',
    isClosed: 'integer',
    disposition: 'text',
    isMerit: 'integer',
    isSubstantiated: 'integer',
    isReferral: 'integer',
    reopenCount: 'integer',
    reopenedWithin365: 'integer',
    daysToClose: 'real',
  },
  indexes: [
    ['kind', 'openedFY'],
    ['kind', 'firstClosedFY'],
    ['kind', 'lastClosedFY'],
    ['kind', 'openedAt'],
  ],
};

const CATEGORY_CODES = Object.keys(COMPLAINT_CATEGORIES) as (keyof typeof COMPLAINT_CATEGORIES)[];
const REFERRAL_DISPOSITIONS: readonly Disposition[] = ['referred_nacc', 'referred_agency', 'referred_police'];
const SUBSTANTIATED = (d: Disposition) => d.startsWith('substantiated_');
const OFFICE_CODE = /^[A-Z0-9]{2,12}$/;

export type Interval = [string, string | null];

function openedCase(id: string, data: Record<string, unknown>, occurredAt: string, tip: Doc | undefined): Doc {
  const openedAt = instant(data.openedAt) ?? instant(occurredAt)!;
  return {
    id,
    kind: 'case',
    merged: 0,
    officeCode: typeof data.officeCode === 'string' && OFFICE_CODE.test(data.officeCode) ? data.officeCode : null,
    origin: codeIn(CASE_ORIGINS, data.origin),
    channel: codeIn(TIP_CHANNELS, tip?.channel),
    anonymity: codeIn(REPORTER_ANONYMITIES, tip?.anonymity),
    category: null,
    agencyType: null,
    province: null,
    region: null,
    ...anchorFields('opened', openedAt),
    ...anchorFields('firstClosed', null),
    ...anchorFields('lastClosed', null),
    isClosed: 0,
    disposition: null,
    isMerit: 0,
    isSubstantiated: 0,
    isReferral: 0,
    reopenCount: 0,
    reopenedWithin365: 0,
    daysToClose: null,
    intervals: [[openedAt, null]] satisfies Interval[],
  };
}

export function caseFactsProjection(): Projection {
  return {
    definition: CASE_FACTS,
    streams: ['case-', 'tip-'],
    async apply(event: ProjectedEvent, tx: ReadModelTransaction): Promise<void> {
      const { stored, data } = event;
      if (stored.streamId.startsWith('tip-')) {
        if (event.type === 'TipReceived') {
          tx.put({ id: `tip:${aggregateId(stored.streamId)}`, kind: 'tip', channel: codeIn(TIP_CHANNELS, data.channel), anonymity: codeIn(REPORTER_ANONYMITIES, data.reporterAnonymity) });
        }
        return;
      }
      const id = aggregateId(stored.streamId);
      if (event.type === 'CaseOpened') {
        const firstTip = Array.isArray(data.sourceTipIds) && typeof data.sourceTipIds[0] === 'string' ? await tx.get(`tip:${data.sourceTipIds[0]}`) : undefined;
        tx.put(openedCase(id, data, stored.occurredAt, firstTip));
        return;
      }
      const doc = await tx.get(id);
      if (!doc || doc.kind !== 'case') return;
      const at = instant(stored.occurredAt)!;
      switch (event.type) {
        case 'CaseClassified': {
          const province = provinceCode(data.provinceCode);
          tx.put({ ...doc, category: codeIn(CATEGORY_CODES, data.primaryCategory), agencyType: codeIn(AGENCY_TYPES, data.agencyType), province, region: regionOf(province) });
          return;
        }
        case 'CaseClosed': {
          const closedAt = instant(data.closedAt) ?? at;
          const disposition = codeIn(DISPOSITIONS, data.disposition);
          const first = doc.firstClosedAt === null;
          const intervals = (doc.intervals as Interval[]).map(([from, to], i, all): Interval => (i === all.length - 1 && to === null ? [from, closedAt] : [from, to]));
          tx.put({
            ...doc,
            ...(first ? { ...anchorFields('firstClosed', closedAt), daysToClose: daysBetween(doc.openedAt as string, closedAt) } : {}),
            ...anchorFields('lastClosed', closedAt),
            isClosed: 1,
            disposition,
            isMerit: disposition && MERIT_DISPOSITIONS.includes(disposition) ? 1 : 0,
            isSubstantiated: disposition && SUBSTANTIATED(disposition) ? 1 : 0,
            isReferral: disposition && REFERRAL_DISPOSITIONS.includes(disposition) ? 1 : 0,
            intervals,
          });
          return;
        }
        case 'CaseReopened': {
          // Reopen rate (DOMAIN.md §4.2): reopened within 365 days of the (first) closure, clerical corrections excluded.
          const within = data.reason !== 'correction' && doc.firstClosedAt !== null && Date.parse(at) - Date.parse(doc.firstClosedAt as string) <= 365 * DAY_MS;
          tx.put({
            ...doc,
            isClosed: 0,
            reopenCount: (doc.reopenCount as number) + 1,
            reopenedWithin365: within ? 1 : doc.reopenedWithin365,
            intervals: [...(doc.intervals as Interval[]), [at, null]],
          });
          return;
        }
        case 'CaseMerged':
          tx.put({ ...doc, merged: 1 });
          return;
        default:
          return;
      }
    },
  };
}
