import type { CasePhase } from '#domain';

/** The shapes of the case API answers this area reads (see /api/v1 OpenAPI: CaseQueueItemDto, CaseDetailDto, CaseContentDto). */
export interface CaseRow {
  id: string;
  caseNo: string;
  officeCode: string;
  origin: string | null;
  phase: CasePhase;
  phaseSince: string;
  openedAt: string;
  primaryCategory: string | null;
  provinceCode: string | null;
  agencyType: string | null;
  priority: string | null;
  assigneeUserIds: string[];
  unitCodes: string[];
  leadUserId: string | null;
  dueAt: string | null;
  dueKind: string | null;
  overdue: boolean;
  reporterActivityAt: string | null;
  unansweredReporterMessages: number;
  newReporterActivity: boolean;
  lastEventAt: string;
  version: number;
}

export interface CasePage {
  items: CaseRow[];
  next?: string;
}

export interface CaseAssignment {
  userId: string;
  unitCode: string;
  role: 'lead' | 'support';
  since: string;
}

export interface CaseDeadline {
  dueAt: string;
  extensions: number;
}

export interface CaseDetail extends CaseRow {
  sourceTipIds: string[];
  openedBy: string | null;
  classifiedAt: string | null;
  secondaryCategories: string[];
  agencyId: string | null;
  districtCode: string | null;
  allegedAmountTHB: number | null;
  jurisdiction: string | null;
  accusedRank: string | null;
  assignees: CaseAssignment[];
  deadlines: Partial<Record<string, CaseDeadline>>;
  tipIds: string[];
  counts: { steps: number; evidence: number; findings: number; accused: number; witnesses: number; notes: number; infoRequests: number; referrals: number; externalOutcomes: number };
  referrals: { referralId: string; toAgency: string; toAgencyId: string | null; referralType: string; sentAt: string | null }[];
  pendingClosure: { disposition: string; proposedBy: string | null; proposedAt: string } | null;
  lastClosure: { disposition: string; closedAt: string | null; closedBy: string | null; approvedBy: string | null } | null;
  suspendedUntil: string | null;
  reopenCount: number;
  mergedInto: string | null;
}

/** A content item: the event's payload with its sealed fields opened, and when and by whom. */
export type ContentItem = Record<string, unknown> & { eventId: string; at: string; by: string | null };

export interface ReporterView {
  pseudonym: string;
  anonymity: 'anonymous' | 'identified';
  identity?: Record<string, unknown>;
  contactConsent?: boolean;
  grantRequestId?: string;
}

export interface TipContent {
  tipId: string;
  tipNo: string | null;
  channel: string | null;
  receivedAt: string | null;
  narrative?: unknown;
  allegedAgencyText?: unknown;
  attachments: Record<string, unknown>[];
  reporter: ReporterView;
}

export interface CaseContent {
  caseId: string;
  caseNo: string;
  officeCode: string;
  version: number;
  accused: ContentItem[];
  witnesses: ContentItem[];
  steps: ContentItem[];
  evidence: ContentItem[];
  findings: ContentItem[];
  notes: ContentItem[];
  infoRequests: ContentItem[];
  closureProposals: ContentItem[];
  tips: TipContent[];
  identityGrant: { requestId: string; decidedAt: string | null } | null;
}

export interface EvidenceVerifyResult {
  evidenceId: string;
  match: boolean;
  sha256Recorded: string;
  sha256Computed: string | null;
  failure?: 'unreadable' | 'missing';
  version: number;
}

/** A sealed or erased value reads as text only when it is a string. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function isErased(value: unknown): boolean {
  return record(value)?.erased === true;
}
