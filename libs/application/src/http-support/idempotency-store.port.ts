export interface StoredResponse {
  /** SHA-256 of method, path and body of the first request: a reused key with another request is refused. */
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Responses to commands sent with an Idempotency-Key, kept at least 24 h. */
export abstract class IdempotencyStore {
  abstract get(scopedKey: string, now: string): Promise<StoredResponse | undefined>;
  abstract put(scopedKey: string, response: StoredResponse, expiresAt: string): Promise<void>;
  abstract purgeExpired(now: string): Promise<number>;
}
