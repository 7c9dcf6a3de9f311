import { tipAggregate } from '#domain';
import type { CommandCollection } from '../core/command-routes.js';
import { AcknowledgeTipRequest, ExtendReporterAccessRequest, ReferTipRequest, RejectTipRequest, ReplyToReporterRequest, RevokeReporterAccessRequest } from '../dto/tip.dto.js';

/**
 * Staff commands on tips. Receiving a tip (`POST /tips`, public) and merging one into a case (two
 * streams) have their own controller; reporter-side commands come with the reporter session.
 */
export const TIPS: CommandCollection = {
  path: 'tips',
  tag: 'tips',
  aggregate: tipAggregate as unknown as CommandCollection['aggregate'],
  commands: [
    { route: 'acknowledge', command: 'AcknowledgeTip', dto: AcknowledgeTipRequest, roles: ['intake_officer'], summary: 'Acknowledge receipt to the reporter' },
    { route: 'reject', command: 'RejectTip', dto: RejectTipRequest, roles: ['intake_officer', 'supervisor'], summary: 'Reject the tip with a reason', retryOnConflict: false },
    { route: 'refer', command: 'ReferTipOut', dto: ReferTipRequest, roles: ['intake_officer', 'supervisor'], summary: 'Refer the tip to another agency', retryOnConflict: false },
    {
      route: 'reply',
      command: 'PostReporterReply',
      dto: ReplyToReporterRequest,
      roles: ['intake_officer', 'investigator', 'supervisor'],
      summary: 'Reply to the reporter (visible to the reporter)',
      toData: (body, ctx) => ({ ...body, messageId: ctx.newId() }),
    },
    { route: 'extend-reporter-access', command: 'ExtendReporterAccess', dto: ExtendReporterAccessRequest, roles: ['intake_officer', 'supervisor'], summary: 'Extend how long the receipt works' },
    { route: 'revoke-reporter-access', command: 'RevokeReporterAccess', dto: RevokeReporterAccessRequest, roles: ['supervisor', 'custodian'], summary: 'Revoke the receipt', retryOnConflict: false },
  ],
};
