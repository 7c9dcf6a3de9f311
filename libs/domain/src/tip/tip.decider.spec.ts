import type { Actor, CommandMeta } from '../shared/decider.js';
import { fold } from '../shared/decider.js';
import {
  ForbiddenTransitionError,
  InvalidCommandError,
  RuleViolationError,
  StreamAlreadyExistsError,
  StreamNotFoundError,
} from '../shared/errors.js';
import { specFor } from '../shared/spec.js';
import { tipAggregate, tipPersonalData } from './tip.aggregate.js';
import { TIP_ALLOWED_COMMANDS, type TipCommand, type TipCommandType } from './tip.commands.js';
import { tipDecider } from './tip.decider.js';
import type { TipEvent, TipReceived } from './tip.events.js';

const AT = '2023-03-29T03:00:00.000Z';
const LATER = '2023-06-01T00:00:00.000Z';
const EXPIRES = '2023-09-30T17:00:00.000Z';
const HASH = 'a'.repeat(64);
const officer: Actor = { kind: 'user', userId: 'u-intake', role: 'intake_officer', officeCode: 'PACC4' };
const reporter: Actor = { kind: 'reporter' };
const meta = (actor: Actor = officer, at = AT): CommandMeta => ({ at, actor });

function command<T extends TipCommandType>(type: T, data: Extract<TipCommand, { type: T }>['data'], m: CommandMeta = meta()): TipCommand {
  return { type, data, meta: m } as TipCommand;
}

const tipId = 'tip-1';
const receiveData = {
  tipId,
  tipNo: 'T-PACC4-2566-000001',
  channel: 'web',
  receivedAt: AT,
  officeCode: 'PACC4',
  narrative: 'The district office demanded money to issue a permit',
  reporterAnonymity: 'anonymous',
  receiptHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
  reporterAccessExpiresAt: EXPIRES,
  attachments: [{ attachmentId: 'att-1', sha256: HASH, byteLength: 1024, mediaType: 'application/pdf', fileName: 'receipt.pdf' }],
} as const satisfies Extract<TipCommand, { type: 'ReceiveTip' }>['data'];
const receive = (overrides: Partial<Extract<TipCommand, { type: 'ReceiveTip' }>['data']> = {}, m = meta(reporter)) =>
  command('ReceiveTip', { ...receiveData, attachments: [...receiveData.attachments], ...overrides }, m);

const received: TipReceived = {
  type: 'TipReceived',
  data: { ...receiveData, attachments: [...receiveData.attachments], language: 'th', receivedByUserId: undefined },
};
const acknowledged: TipEvent = { type: 'TipAcknowledged', data: { tipId, ackAt: AT, method: 'on_screen_receipt', ackByUserId: 'u-intake' } };
const accepted: TipEvent = { type: 'TipAccepted', data: { tipId, caseId: 'case-1' } };
const merged: TipEvent = { type: 'TipMergedIntoCase', data: { tipId, caseId: 'case-1', reason: 'same procurement' } };
const rejected: TipEvent = { type: 'TipRejected', data: { tipId, reason: 'spam' } };
const referred: TipEvent = { type: 'TipReferredOut', data: { tipId, toAgency: 'NACC', sentAt: AT } };
const expired: TipEvent = { type: 'ReporterAccessExpired', data: { tipId } };
const revoked: TipEvent = { type: 'ReporterAccessRevoked', data: { tipId, reason: 'abuse' } };

const spec = specFor(tipDecider);

describe('Tip: receiving', () => {
  it('records a received tip, defaulting the language to Thai', () => {
    spec.given([]).when(receive()).then([received]);
  });

  it('records the intake officer who registered a tip and an explicit language', () => {
    spec
      .given([])
      .when(receive({ language: 'en', channel: 'walk_in' }, meta(officer)))
      .then([{ type: 'TipReceived', data: { ...received.data, language: 'en', channel: 'walk_in', receivedByUserId: 'u-intake' } }]);
  });

  it('accepts every optional coded field when valid', () => {
    const optional = {
      agencyType: 'local_administration',
      categoryGuess: 'BRIBERY',
      allegedAgencyId: 'agency-1',
      allegedAgencyText: 'อบต. ตัวอย่าง',
      provinceCode: '49',
      incidentDateFrom: '2023-01-01',
      incidentDateTo: '2023-01-01',
      allegedAmountTHB: 0,
    } as const;
    spec
      .given([])
      .when(receive(optional))
      .thenProduces(([event]) => expect(event?.data).toMatchObject(optional));
  });

  it('accepts a tip without a receipt or access expiry (e.g. a letter)', () => {
    spec
      .given([])
      .when(receive({ channel: 'letter', receiptHash: undefined, reporterAccessExpiresAt: undefined, attachments: [] }))
      .thenProduces(([event]) => expect(event?.data).toMatchObject({ channel: 'letter', attachments: [] }));
  });

  it('refuses to receive the same tip twice', () => {
    spec.given([received]).when(receive()).thenThrows(StreamAlreadyExistsError, 'STREAM.ALREADY_EXISTS');
  });

  it('refuses any other command on a tip that does not exist', () => {
    spec.given([]).when(command('AcknowledgeTip', { method: 'phone' })).thenThrows(StreamNotFoundError, 'STREAM.NOT_FOUND');
  });

  it.each([
    ['narrative', { narrative: '  ' }, 'TIP.FIELD_REQUIRED'],
    ['tipNo', { tipNo: '' }, 'TIP.FIELD_REQUIRED'],
    ['channel', { channel: 'pigeon' }, 'TIP.INVALID_CODE'],
    ['reporterAnonymity', { reporterAnonymity: 'pseudonymous' }, 'TIP.INVALID_CODE'],
    ['language', { language: 'Thai' }, 'TIP.INVALID_CODE'],
    ['agencyType', { agencyType: 'ministry' }, 'TIP.INVALID_CODE'],
    ['categoryGuess', { categoryGuess: 'THEFT' }, 'TIP.INVALID_CODE'],
    ['receivedAt', { receivedAt: 'yesterday' }, 'TIP.INVALID_DATE'],
    ['receivedAt', { receivedAt: LATER }, 'TIP.DATE_IN_FUTURE'],
    ['incidentDateFrom', { incidentDateFrom: '2023-13-45' }, 'TIP.INVALID_DATE'],
    ['incidentDateTo', { incidentDateTo: 'soon' }, 'TIP.INVALID_DATE'],
    ['incidentDateTo', { incidentDateFrom: '2023-02-01', incidentDateTo: '2023-01-01' }, 'TIP.DATE_RANGE'],
    ['allegedAmountTHB', { allegedAmountTHB: -1 }, 'TIP.NEGATIVE_AMOUNT'],
    ['allegedAmountTHB', { allegedAmountTHB: Number.NaN }, 'TIP.NEGATIVE_AMOUNT'],
    ['reporterAccessExpiresAt', { reporterAccessExpiresAt: 'never' }, 'TIP.INVALID_DATE'],
    ['attachments[0].sha256', { attachments: [{ ...receiveData.attachments[0], sha256: 'XYZ' }] }, 'TIP.INVALID_HASH'],
    ['attachments[0].byteLength', { attachments: [{ ...receiveData.attachments[0], byteLength: -5 }] }, 'TIP.INVALID_SIZE'],
    ['attachments[0].byteLength', { attachments: [{ ...receiveData.attachments[0], byteLength: 1.5 }] }, 'TIP.INVALID_SIZE'],
    ['attachments[0].fileName', { attachments: [{ ...receiveData.attachments[0], fileName: '' }] }, 'TIP.FIELD_REQUIRED'],
    ['attachments', { attachments: [receiveData.attachments[0], receiveData.attachments[0]] }, 'TIP.DUPLICATE_ID'],
  ])('rejects invalid %s', (field, overrides, code) => {
    const run = () => tipDecider.decide(receive(overrides as never), tipDecider.initialState());
    expect(run).toThrow(InvalidCommandError);
    expect(run).toThrow(expect.objectContaining({ code, details: expect.objectContaining({ field }) }));
  });
});

describe('Tip: triage', () => {
  it('acknowledging moves a received tip to screening', () => {
    spec.given([received]).when(command('AcknowledgeTip', { method: 'on_screen_receipt' })).then([acknowledged]);
  });

  it('an acknowledgement by the system records no acknowledging user', () => {
    spec
      .given([received])
      .when(command('AcknowledgeTip', { method: 'sms' }, meta({ kind: 'system' })))
      .then([{ type: 'TipAcknowledged', data: { tipId, ackAt: AT, method: 'sms' } }]);
  });

  it('rejects an unknown acknowledgement method', () => {
    spec.given([received]).when(command('AcknowledgeTip', { method: 'fax' as never })).thenThrows(InvalidCommandError, 'TIP.INVALID_CODE');
  });

  it('cannot acknowledge twice', () => {
    spec.given([received, acknowledged]).when(command('AcknowledgeTip', { method: 'phone' })).thenThrows(ForbiddenTransitionError, 'TIP.FORBIDDEN_TRANSITION');
  });

  const outcomes: [TipCommand, TipEvent][] = [
    [command('AcceptTip', { caseId: 'case-1' }), accepted],
    [command('MergeTipIntoCase', { caseId: 'case-1', reason: 'same procurement' }), merged],
    [command('RejectTip', { reason: 'spam' }), rejected],
    [command('ReferTipOut', { toAgency: 'NACC' }), referred],
  ];

  describe.each([
    ['received', [received]],
    ['screening', [received, acknowledged]],
  ])('from %s', (status, given) => {
    it.each(outcomes)('%#: %j takes exactly one triage outcome', (cmd, event) => {
      spec.given(given).when(cmd).then([event]);
      spec.given([...given, event]).thenState((state) => expect(state.status).not.toBe(status));
    });
  });

  it('records the referral package hash and a rejection note', () => {
    spec
      .given([received])
      .when(command('ReferTipOut', { toAgency: 'POLICE', referenceNo: 'P-1', packageSha256: HASH }))
      .then([{ type: 'TipReferredOut', data: { tipId, toAgency: 'POLICE', referenceNo: 'P-1', packageSha256: HASH, sentAt: AT } }]);
    spec
      .given([received])
      .when(command('RejectTip', { reason: 'not_corruption', note: 'neighbour dispute' }))
      .then([{ type: 'TipRejected', data: { tipId, reason: 'not_corruption', note: 'neighbour dispute' } }]);
  });

  it('remembers the case a tip was accepted or merged into', () => {
    spec.given([received, accepted]).thenState((state) => expect(state).toMatchObject({ status: 'accepted', caseId: 'case-1' }));
    spec.given([received, merged]).thenState((state) => expect(state).toMatchObject({ status: 'merged', caseId: 'case-1' }));
  });

  it.each([
    [command('AcceptTip', { caseId: '' }), 'TIP.FIELD_REQUIRED'],
    [command('MergeTipIntoCase', { caseId: 'case-1', reason: ' ' }), 'TIP.FIELD_REQUIRED'],
    [command('MergeTipIntoCase', { caseId: '', reason: 'dup' }), 'TIP.FIELD_REQUIRED'],
    [command('RejectTip', { reason: 'boring' as never }), 'TIP.INVALID_CODE'],
    [command('ReferTipOut', { toAgency: 'FBI' as never }), 'TIP.INVALID_CODE'],
    [command('ReferTipOut', { toAgency: 'NACC', packageSha256: 'abc' }), 'TIP.INVALID_HASH'],
  ])('%#: rejects invalid triage data', (cmd, code) => {
    spec.given([received]).when(cmd).thenThrows(InvalidCommandError, code);
  });

  describe.each([
    ['accepted', accepted],
    ['merged', merged],
    ['rejected', rejected],
    ['referred_out', referred],
  ])('after %s', (status, outcome) => {
    it.each([command('AcknowledgeTip', { method: 'phone' }), ...outcomes.map(([cmd]) => cmd)])('refuses %#', (cmd) => {
      const run = () => tipDecider.decide(cmd, fold(tipDecider, [received, outcome]));
      expect(run).toThrow(ForbiddenTransitionError);
      expect(run).toThrow(expect.objectContaining({ phase: status, allowed: TIP_ALLOWED_COMMANDS[status as 'accepted'] }));
    });
  });
});

describe('Tip: reporter thread', () => {
  const afterCaseClosed = [received, acknowledged, accepted];

  it('accepts reporter messages in any triage state while access is active (even after acceptance)', () => {
    for (const given of [[received], [received, acknowledged], [received, rejected]]) {
      spec
        .given(given)
        .when(command('PostReporterMessage', { messageId: 'm-1', body: 'I have more documents' }, meta(reporter)))
        .then([{ type: 'ReporterMessagePosted', data: { tipId, messageId: 'm-1', body: 'I have more documents', postedAt: AT } }]);
    }
    // On a case, the message names it (the case's queue shows the reporter's activity).
    spec
      .given(afterCaseClosed)
      .when(command('PostReporterMessage', { messageId: 'm-1', body: 'I have more documents' }, meta(reporter)))
      .then([{ type: 'ReporterMessagePosted', data: { tipId, messageId: 'm-1', body: 'I have more documents', caseId: 'case-1', postedAt: AT } }]);
  });

  describe('caps (configuration, passed with the command)', () => {
    const message = (n: number, at: string) => ({ type: 'ReporterMessagePosted', data: { tipId, messageId: `m-${n}`, body: 'text', postedAt: at } }) as TipEvent;
    const post = (at: string, maxPerDay?: number) =>
      command('PostReporterMessage', { messageId: 'm-new', body: 'more', ...(maxPerDay !== undefined ? { limits: { maxPerDay } } : {}) }, meta(reporter, at));
    const sameDay = ['2023-03-29T01:00:00.000Z', '2023-03-29T02:00:00.000Z', '2023-03-29T02:30:00.000Z'];

    it('refuses a reporter message over the per-day cap (UTC day), and takes one again the next day; the limits never reach the event', () => {
      const given = [received, ...sameDay.map((at, i) => message(i, at))];
      spec.given(given).when(post(AT, 3)).thenThrows(RuleViolationError, 'TIP.REPORTER_MESSAGE_LIMIT');
      spec.given(given).when(post(AT, 4)).then([{ type: 'ReporterMessagePosted', data: { tipId, messageId: 'm-new', body: 'more', postedAt: AT } }]);
      spec.given(given).when(post('2023-03-30T00:00:00.000Z', 3)).thenProduces((events) => expect(events).toHaveLength(1));
      // No cap configured: no limit.
      spec.given(given).when(post(AT)).thenProduces((events) => expect(events).toHaveLength(1));
    });

    it('counts only messages that carry their time, and restarts the count on a new day', () => {
      spec.given([received, { type: 'ReporterMessagePosted', data: { tipId, messageId: 'old', body: 'x' } }, message(1, AT)]).thenState((state) => expect([state.reporterMessageDay, state.reporterMessagesThatDay]).toEqual(['2023-03-29', 1]));
      spec.given([received, message(1, '2023-03-28T23:59:59.000Z'), message(2, AT)]).thenState((state) => expect([state.reporterMessageDay, state.reporterMessagesThatDay]).toEqual(['2023-03-29', 1]));
    });

    const attachment = (id: string, byteLength: number, limits?: { maxCount?: number; maxTotalBytes?: number }) =>
      command('AddReporterAttachment', { attachmentId: id, sha256: HASH, byteLength, mediaType: 'image/png', fileName: `${id}.png`, ...(limits ? { limits } : {}) }, meta(reporter));
    const added = (id: string, byteLength: number) => ({ type: 'ReporterAttachmentAdded', data: { tipId, attachmentId: id, sha256: HASH, byteLength, mediaType: 'image/png', fileName: `${id}.png` } }) as TipEvent;

    it('refuses an attachment over the per-tip count, counting those sent with the tip', () => {
      // The received tip has one attachment (1024 bytes).
      spec.given([received, added('a-2', 10)]).when(attachment('a-3', 10, { maxCount: 2 })).thenThrows(RuleViolationError, 'TIP.ATTACHMENT_LIMIT');
      spec.given([received, added('a-2', 10)]).when(attachment('a-3', 10, { maxCount: 3 })).then([added('a-3', 10)]);
    });

    it('refuses an attachment that would take the tip over its total bytes', () => {
      spec.given([received, added('a-2', 1000)]).thenState((state) => expect(state.attachmentBytes).toBe(2024));
      spec.given([received, added('a-2', 1000)]).when(attachment('a-3', 1, { maxTotalBytes: 2024 })).thenThrows(RuleViolationError, 'TIP.ATTACHMENT_BYTES_LIMIT');
      spec.given([received, added('a-2', 1000)]).when(attachment('a-3', 1, { maxTotalBytes: 2025 })).then([added('a-3', 1)]);
    });
  });

  it('records staff replies with the replying user', () => {
    spec
      .given(afterCaseClosed)
      .when(command('PostReporterReply', { messageId: 'm-2', body: 'Thank you' }))
      .then([{ type: 'ReporterReplyPosted', data: { tipId, messageId: 'm-2', body: 'Thank you', postedBy: 'u-intake', caseId: 'case-1' } }]);
  });

  it('a reply needs a signed-in user', () => {
    spec
      .given([received])
      .when(command('PostReporterReply', { messageId: 'm-2', body: 'Thank you' }, meta({ kind: 'system' })))
      .thenThrows(InvalidCommandError, 'TIP.ACTOR_USER_REQUIRED');
  });

  it.each([
    command('PostReporterMessage', { messageId: 'm-1', body: '' }),
    command('PostReporterMessage', { messageId: '', body: 'hi' }),
    command('PostReporterReply', { messageId: 'm-1', body: '' }),
    command('PostReporterReply', { messageId: '', body: 'hi' }),
    command('RotateReceipt', { newReceiptHash: '' }),
    command('ProvideReporterIdentity', { subjectRef: '', identity: { fullName: 'Somchai' }, contactConsent: true }),
    command('ProvideReporterIdentity', { subjectRef: 'subj-1', identity: { fullName: ' ' }, contactConsent: true }),
  ])('%#: rejects empty required text', (cmd) => {
    spec.given([received]).when(cmd).thenThrows(InvalidCommandError, 'TIP.FIELD_REQUIRED');
  });

  describe('identity', () => {
    const identity = { fullName: 'Somchai Jaidee', phone: '0800000000' };
    const provided: TipEvent = { type: 'ReporterIdentityProvided', data: { tipId, subjectRef: 'subj-1', identity, contactConsent: true } };

    it('records the identity under its subject', () => {
      spec
        .given([received])
        .when(command('ProvideReporterIdentity', { subjectRef: 'subj-1', identity, contactConsent: true }, meta(reporter)))
        .then([provided]);
      spec.given([received, provided]).thenState((state) => expect(state.reporterSubjectRef).toBe('subj-1'));
    });

    it('allows updating it under the same subject but not under another', () => {
      spec.given([received, provided]).when(command('ProvideReporterIdentity', { subjectRef: 'subj-1', identity, contactConsent: false })).thenProduces((events) => expect(events).toHaveLength(1));
      spec
        .given([received, provided])
        .when(command('ProvideReporterIdentity', { subjectRef: 'subj-2', identity, contactConsent: true }))
        .thenThrows(RuleViolationError, 'TIP.REPORTER_SUBJECT_MISMATCH');
    });
  });

  describe('attachments', () => {
    const attachment = { attachmentId: 'att-2', sha256: 'b'.repeat(64), byteLength: 10, mediaType: 'image/jpeg', fileName: 'photo.jpg' };
    const added: TipEvent = { type: 'ReporterAttachmentAdded', data: { tipId, ...attachment } };
    const scan = (attachmentId: string, result: 'verified' | 'infected' = 'verified') =>
      command('RecordAttachmentScan', { attachmentId, result, engine: 'clamav' }, meta({ kind: 'system' }));

    it('adds an attachment pending a scan', () => {
      spec.given([received]).when(command('AddReporterAttachment', attachment, meta(reporter))).then([added]);
      spec.given([received, added]).thenState((state) => expect(state.attachments).toEqual({ 'att-1': 'pending', 'att-2': 'pending' }));
    });

    it('refuses a duplicate or malformed attachment', () => {
      spec.given([received]).when(command('AddReporterAttachment', { ...attachment, attachmentId: 'att-1' })).thenThrows(RuleViolationError, 'TIP.DUPLICATE_ATTACHMENT');
      spec.given([received]).when(command('AddReporterAttachment', { ...attachment, mediaType: '' })).thenThrows(InvalidCommandError, 'TIP.FIELD_REQUIRED');
    });

    it('records a scan result once, whatever the reporter access', () => {
      const completed: TipEvent = { type: 'AttachmentScanCompleted', data: { tipId, attachmentId: 'att-2', result: 'infected', engine: 'clamav', at: AT } };
      spec.given([received, added, revoked]).when(scan('att-2', 'infected')).then([completed]);
      spec.given([received, added, completed]).thenState((state) => expect(state.attachments['att-2']).toBe('infected'));
      spec.given([received, added, completed]).when(scan('att-2')).thenThrows(RuleViolationError, 'TIP.ATTACHMENT_ALREADY_SCANNED');
      spec.given([received]).when(scan('att-9')).thenThrows(RuleViolationError, 'TIP.UNKNOWN_ATTACHMENT');
    });

    it('rejects an invalid scan report', () => {
      spec.given([received]).when(scan('att-1', 'clean' as never)).thenThrows(InvalidCommandError, 'TIP.INVALID_CODE');
      spec.given([received]).when(command('RecordAttachmentScan', { attachmentId: 'att-1', result: 'verified', engine: '' })).thenThrows(InvalidCommandError, 'TIP.FIELD_REQUIRED');
    });
  });

  describe('receipt and access', () => {
    it('rotates the receipt', () => {
      spec
        .given([received])
        .when(command('RotateReceipt', { newReceiptHash: 'new' }, meta(reporter)))
        .then([{ type: 'ReceiptRotated', data: { tipId, newReceiptHash: 'new' } }]);
    });

    it('extends access to a later expiry', () => {
      const extended: TipEvent = { type: 'ReporterAccessExtended', data: { tipId, newExpiry: '2024-01-01T00:00:00Z' } };
      spec.given([received]).when(command('ExtendReporterAccess', { newExpiry: '2024-01-01T00:00:00Z' })).then([extended]);
      spec.given([received, extended]).thenState((state) => expect(state.reporterAccessExpiresAt).toBe('2024-01-01T00:00:00Z'));
    });

    it('a tip without an expiry can be given one', () => {
      spec
        .given([{ type: 'TipReceived', data: { ...received.data, reporterAccessExpiresAt: undefined } }])
        .when(command('ExtendReporterAccess', { newExpiry: LATER }))
        .then([{ type: 'ReporterAccessExtended', data: { tipId, newExpiry: LATER } }]);
    });

    it.each([
      ['an earlier expiry', '2023-05-01T00:00:00Z', RuleViolationError, 'TIP.EXPIRY_NOT_LATER'],
      ['a past expiry', '2023-01-01T00:00:00Z', InvalidCommandError, 'TIP.DATE_NOT_IN_FUTURE'],
      ['a malformed expiry', 'tomorrow', InvalidCommandError, 'TIP.INVALID_DATE'],
    ])('refuses %s', (_label, newExpiry, error, code) => {
      spec.given([received]).when(command('ExtendReporterAccess', { newExpiry })).thenThrows(error, code);
    });

    it('expires and revokes access', () => {
      spec.given([received]).when(command('ExpireReporterAccess', {}, meta({ kind: 'system' }))).then([expired]);
      spec.given([received]).when(command('RevokeReporterAccess', { reason: 'abuse' })).then([revoked]);
      spec.given([received, expired]).thenState((state) => expect(state.reporterAccess).toBe('expired'));
      spec.given([received, revoked]).thenState((state) => expect(state.reporterAccess).toBe('revoked'));
    });

    it('rejects an unknown revocation reason', () => {
      spec.given([received]).when(command('RevokeReporterAccess', { reason: 'bored' as never })).thenThrows(InvalidCommandError, 'TIP.INVALID_CODE');
    });

    const threadCommands = (m: CommandMeta) => [
      command('PostReporterMessage', { messageId: 'm-1', body: 'hello' }, m),
      command('PostReporterReply', { messageId: 'm-1', body: 'hello' }, m),
      command('ProvideReporterIdentity', { subjectRef: 's', identity: { fullName: 'A' }, contactConsent: true }, m),
      command('AddReporterAttachment', { attachmentId: 'x', sha256: HASH, byteLength: 1, mediaType: 'text/plain', fileName: 'x.txt' }, m),
      command('RotateReceipt', { newReceiptHash: 'h' }, m),
      command('ExtendReporterAccess', { newExpiry: '2030-01-01T00:00:00Z' }, m),
      command('ExpireReporterAccess', {}, m),
      command('RevokeReporterAccess', { reason: 'abuse' }, m),
    ];

    it.each([
      ['expired', [received, accepted, expired]],
      ['revoked', [received, revoked]],
    ])('refuses every reporter-thread command once access is %s', (_label, given) => {
      for (const cmd of threadCommands(meta())) spec.given(given).when(cmd).thenThrows(RuleViolationError, 'TIP.REPORTER_ACCESS_INACTIVE');
    });

    it('treats access as inactive once its expiry has passed, but still lets it be expired or revoked', () => {
      const lapsed = meta(officer, '2023-10-01T00:00:00Z');
      const [message, reply, identity, attachment, rotate, extend, expire, revoke] = threadCommands(lapsed);
      for (const cmd of [message!, reply!, identity!, attachment!, rotate!, extend!]) {
        spec.given([received]).when(cmd).thenThrows(RuleViolationError, 'TIP.REPORTER_ACCESS_INACTIVE');
      }
      spec.given([received]).when(expire!).then([expired]);
      spec.given([received]).when(revoke!).then([revoked]);
    });
  });
});

describe('Tip: aggregate definition', () => {
  it('upcasts a v1 TipReceived (no language) to Thai', () => {
    const { language: _language, ...v1 } = received.data;
    expect(tipAggregate.upcast('TipReceived', 1, v1)).toEqual({ ...v1, language: 'th' });
    expect(tipAggregate.upcast('TipReceived', 2, { ...v1, language: 'en' })).toEqual({ ...v1, language: 'en' });
    expect(tipAggregate.upcast('TipAccepted', 1, accepted.data as never)).toBe(accepted.data);
    expect(tipAggregate.schemaVersions).toEqual({ TipReceived: 2 });
    expect(tipAggregate.category).toBe('tip');
  });

  it('an upcast v1 event folds like a current one', () => {
    const { language: _language, ...v1 } = received.data;
    const upcast = { type: 'TipReceived', data: tipAggregate.upcast('TipReceived', 1, v1) } as TipEvent;
    expect(fold(tipDecider, [upcast])).toEqual(fold(tipDecider, [received]));
  });

  it('folds the same state from sealed events (evolve reads no personal data)', () => {
    const sealed = { enc: 'v1', kid: 'k:1', iv: 'iv', ct: 'ct' };
    const events: TipEvent[] = [
      received,
      { type: 'ReporterIdentityProvided', data: { tipId, subjectRef: 'subj-1', identity: { fullName: 'A' }, contactConsent: true } },
      { type: 'ReporterMessagePosted', data: { tipId, messageId: 'm', body: 'text' } },
      { type: 'ReporterReplyPosted', data: { tipId, messageId: 'r', body: 'text', postedBy: 'u' } },
      { type: 'ReporterAttachmentAdded', data: { tipId, attachmentId: 'att-2', sha256: HASH, byteLength: 1, mediaType: 'a/b', fileName: 'f' } },
      rejected,
    ];
    const seal = (event: TipEvent): TipEvent => {
      const data = structuredClone(event.data) as Record<string, unknown>;
      for (const { path } of tipPersonalData[event.type] ?? []) {
        const [head, tail] = path.split('[].');
        if (tail) for (const item of data[head!] as Record<string, unknown>[]) item[tail] = sealed;
        else data[path] = sealed;
      }
      return { type: event.type, data } as TipEvent;
    };
    expect(fold(tipDecider, events.map(seal))).toEqual(fold(tipDecider, events));
  });

  it('ignores event types it does not know', () => {
    const state = fold(tipDecider, [received]);
    expect(tipDecider.evolve(state, { type: 'PersonalDataErased', data: {} } as never)).toBe(state);
  });
});
