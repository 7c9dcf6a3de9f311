import { AGENCY_TYPES, COMPLAINT_CATEGORIES, REPORTER_ANONYMITIES, TIP_CHANNELS, TIP_REJECTION_REASONS } from '#domain';
import type { Projection, ProjectedEvent } from '../../projections/projection.js';
import type { ReadModelDefinition, ReadModelTransaction } from '../read-model-store.port.js';
import { aggregateId, anchorFields, codeIn, daysBetween, instant, provinceCode, regionOf } from './facts-support.js';

/**
 * `tip_facts`: one document per tip (id = the tip id): channel, anonymity, the reporter's coded guesses
 * (province, agency type, category), when it was received and acknowledged, and how it was triaged
 * (DOMAIN.md §5.7 item 4). Nothing the reporter wrote, no identity, no receipt.
 *
 * `daysToAck` = first TipAcknowledged.ackAt − receivedAt (web tips are acknowledged on screen at submission,
 * so 0). `identifiedLater` = the reporter gave an identity after the tip was received.
 */
export const TIP_FACTS: ReadModelDefinition = {
  name: 'tip_facts',
  version: 1,
  fields: {
    channel: 'text',
    anonymity: 'text',
    officeCode: 'text',
    province: 'text',
    region: 'text',
    agencyType: 'text',
    category: 'text',
    receivedAt: 'text',
    receivedFY: 'integer',
    receivedFQ: 'text',
    receivedMonth: 'text',
    acknowledged: 'integer',
    ackAt: 'text',
    daysToAck: 'real',
    triageOutcome: 'text',
    triageAt: 'text',
    daysToTriage: 'real',
    rejectionReason: 'text',
    identifiedLater: 'integer',
  },
  indexes: [['receivedFY'], ['acknowledged', 'receivedFY']],
};

const CATEGORY_CODES = Object.keys(COMPLAINT_CATEGORIES) as (keyof typeof COMPLAINT_CATEGORIES)[];
const TRIAGE: Record<string, string> = { TipAccepted: 'accepted', TipMergedIntoCase: 'merged', TipRejected: 'rejected', TipReferredOut: 'referred_out' };

export function tipFactsProjection(): Projection {
  return {
    definition: TIP_FACTS,
    streams: ['tip-'],
    async apply(event: ProjectedEvent, tx: ReadModelTransaction): Promise<void> {
      const { stored, data } = event;
      const id = aggregateId(stored.streamId);
      const at = instant(stored.occurredAt)!;
      if (event.type === 'TipReceived') {
        const province = provinceCode(data.provinceCode);
        tx.put({
          id,
          channel: codeIn(TIP_CHANNELS, data.channel),
          anonymity: codeIn(REPORTER_ANONYMITIES, data.reporterAnonymity),
          officeCode: typeof data.officeCode === 'string' && /^[A-Z0-9]{2,12}$/.test(data.officeCode) ? data.officeCode : null,
          province,
          region: regionOf(province),
          agencyType: codeIn(AGENCY_TYPES, data.agencyType),
          category: codeIn(CATEGORY_CODES, data.categoryGuess),
          ...anchorFields('received', instant(data.receivedAt) ?? at),
          acknowledged: 0,
          ackAt: null,
          daysToAck: null,
          triageOutcome: null,
          triageAt: null,
          daysToTriage: null,
          rejectionReason: null,
          identifiedLater: 0,
        });
        return;
      }
      const doc = await tx.get(id);
      if (!doc) return;
      const receivedAt = doc.receivedAt as string;
      if (event.type === 'TipAcknowledged') {
        if (doc.acknowledged === 1) return;
        const ackAt = instant(data.ackAt) ?? at;
        tx.put({ ...doc, acknowledged: 1, ackAt, daysToAck: daysBetween(receivedAt, ackAt) });
      } else if (event.type in TRIAGE) {
        if (doc.triageOutcome !== null) return;
        tx.put({
          ...doc,
          triageOutcome: TRIAGE[event.type],
          triageAt: at,
          daysToTriage: daysBetween(receivedAt, at),
          rejectionReason: event.type === 'TipRejected' ? codeIn(TIP_REJECTION_REASONS, data.reason) : null,
        });
      } else if (event.type === 'ReporterIdentityProvided') {
        if (Date.parse(at) > Date.parse(receivedAt)) tx.put({ ...doc, identifiedLater: 1 });
      }
    },
  };
}
