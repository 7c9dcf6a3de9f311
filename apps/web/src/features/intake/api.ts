import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api } from '../../shared/api.js';

/** A row of `GET /tips` and the answer of `GET /tips/{id}` (no narrative, files or identity). */
export interface TipItem {
  id: string;
  tipNo: string;
  officeCode: string;
  channel: string | null;
  status: 'received' | 'screening' | 'accepted' | 'merged' | 'rejected' | 'referred_out';
  receivedAt: string;
  language: string | null;
  reporterAnonymity: 'anonymous' | 'identified' | null;
  identityProvided: boolean;
  categoryGuess: string | null;
  agencyType: string | null;
  provinceCode: string | null;
  allegedAmountTHB: number | null;
  incidentDateFrom: string | null;
  incidentDateTo: string | null;
  acknowledgedAt: string | null;
  ackMethod: string | null;
  attachmentCount: number;
  pendingScans: number;
  infectedAttachments: number;
  reporterMessages: number;
  lastReporterMessageAt: string | null;
  replies: number;
  lastReplyAt: string | null;
  awaitingReply: boolean;
  reporterAccess: 'active' | 'expired' | 'revoked';
  reporterAccessExpiresAt: string | null;
  caseId: string | null;
  triagedAt: string | null;
  rejectionReason: string | null;
  referredTo: string | null;
  lastEventAt: string;
  version: number;
}

export interface Page<T> {
  items: T[];
  next?: string;
}

type Sealed = string | { erased: true } | undefined;

/** `GET /tips/{id}/content`: opened and logged on the server before it is sent. */
export interface TipContent {
  tipId: string;
  tipNo: string | null;
  channel: string | null;
  receivedAt: string | null;
  narrative?: Sealed;
  allegedAgencyText?: Sealed;
  attachments: { attachmentId: string; fileName?: string | { erased: true } | null; mediaType?: string; byteLength?: number; addedAt?: string; erased?: boolean }[];
  reporter: { pseudonym: string; anonymity: 'anonymous' | 'identified'; contactConsent?: boolean };
  caseId: string | null;
}

export interface TipMessage {
  kind: 'reporter_message' | 'staff_reply';
  messageId: string;
  at: string;
  body: string | null;
  erased?: true;
}

export interface CaseRow {
  id: string;
  caseNo: string;
  phase: string;
  primaryCategory: string | null;
  provinceCode: string | null;
  openedAt: string;
}

export const OPEN_STATUSES = ['received', 'screening'] as const;
export const isOpen = (tip: Pick<TipItem, 'status'>): boolean => (OPEN_STATUSES as readonly string[]).includes(tip.status);

/**
 * Tips waiting this many days or more in screening are flagged in the queue. The API has no deadline for tips
 * (cases have dueAt); this is the screen's own cue, not a legal limit.
 */
export const SCREENING_ATTENTION_DAYS = 30;

/**
 * Whether the reporter can still use their receipt: active and not past its expiry (the expiry job may not have
 * recorded the lapse yet). Replies, extensions and revocations need it (the tip decider refuses them otherwise).
 */
export function reporterAccessOpen(tip: Pick<TipItem, 'reporterAccess' | 'reporterAccessExpiresAt'>, now = Date.now()): boolean {
  return tip.reporterAccess === 'active' && (!tip.reporterAccessExpiresAt || Date.parse(tip.reporterAccessExpiresAt) > now);
}

export function ageInDays(from: string, now = Date.now()): number {
  return Math.max(0, Math.floor((now - Date.parse(from)) / 86_400_000));
}

export const tipKeys = {
  all: ['intake'] as const,
  queue: (filters: Record<string, unknown>) => ['intake', 'tips', filters] as const,
  tip: (id: string) => ['intake', 'tip', id] as const,
  content: (id: string) => ['intake', 'tip', id, 'content'] as const,
  messages: (id: string) => ['intake', 'tip', id, 'messages'] as const,
  cases: ['intake', 'merge-cases'] as const,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * After a command on a tip: the read model follows the event log within moments, so poll `GET /tips/{id}` a few
 * times until it shows the command's version, then refresh the queue.
 */
export function useTipRefresh() {
  const client = useQueryClient();
  return useCallback(
    async (id: string, version: number) => {
      for (let attempt = 0; attempt < 10; attempt += 1) {
        try {
          const tip = await api<TipItem>(`/tips/${id}`);
          client.setQueryData(tipKeys.tip(id), tip);
          if (tip.version >= version) break;
        } catch {
          // keep the last known row; the next attempt may see it
        }
        await sleep(300);
      }
      await client.invalidateQueries({ queryKey: ['intake', 'tips'] });
    },
    [client],
  );
}

/** Waits until the new case can be read (so the cases area finds it), then answers. */
export async function waitForCase(id: string): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    try {
      await api(`/cases/${id}`);
      return;
    } catch {
      await sleep(300);
    }
  }
}
