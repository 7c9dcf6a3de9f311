/** The identity-access request API's answers (OpenAPI: IdentityRequestRowDto, IdentityRequestDetailDto). */
export type RequestStatus = 'pending' | 'granted' | 'denied' | 'revoked';

export interface RequestRow {
  requestId: string;
  caseId: string;
  requestedBy: string;
  requesterRole: string | null;
  officeCode: string | null;
  status: RequestStatus;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  revokedBy: string | null;
  revokedAt: string | null;
  version: number;
}

export interface RequestPage {
  items: RequestRow[];
  next?: string;
}

export interface ReviewReporter {
  tipId: string;
  tipNo: string | null;
  reporter: {
    pseudonym: string;
    anonymity: 'anonymous' | 'identified';
    identity?: Record<string, unknown>;
    contactConsent?: boolean;
  };
}

export interface RequestDetail {
  requestId: string;
  caseId: string;
  status: RequestStatus;
  requestedBy: string;
  requesterRole: string | null;
  requestedAt: string;
  motivation: unknown;
  decision?: { outcome: 'granted' | 'denied'; custodianUserId: string; motivation: unknown; decidedAt: string };
  revocation?: { custodianUserId: string; reason: unknown; revokedAt: string };
  reporters: ReviewReporter[];
  version: number;
}

export const custodianKeys = {
  list: ['custodian', 'list'] as const,
  detail: (id: string) => ['custodian', 'detail', id] as const,
  caseNo: (id: string) => ['custodian', 'case', id] as const,
};
