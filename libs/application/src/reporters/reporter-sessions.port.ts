/** A reporter's session: what a reporter token stands for. The token itself is never stored, only its SHA-256. */
export interface ReporterSession {
  sessionId: string;
  tipId: string;
  createdAt: string;
  expiresAt: string;
  /**
   * The receipt's keyed look-up value (HMAC, as in the ReceiptIndex) the session was opened with, so that
   * rotating the receipt can remove the old index entry. Never the receipt.
   */
  receiptLookup: string;
}

/**
 * Reporter tokens (stored as SHA-256 of the token, like staff tokens but in a table of their own: a staff
 * token is never a reporter token and vice versa).
 */
export abstract class ReporterSessionStore {
  abstract create(tokenHash: string, session: ReporterSession): Promise<void>;
  /** The session if the token exists and has not expired at `now`. */
  abstract find(tokenHash: string, now: string): Promise<ReporterSession | undefined>;
  abstract revoke(tokenHash: string): Promise<void>;
  /** Revokes every session of the tip (receipt rotated, access expired or revoked). Returns how many. */
  abstract revokeAllOf(tipId: string): Promise<number>;
  abstract purgeExpired(now: string): Promise<number>;
}
