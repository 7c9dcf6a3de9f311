export interface StoredResponse {
  /** SHA-256 of method, path and body of the first request: a reused key with another request is refused. */
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What `claim` found: the key is now ours to run, another request holds it, or its response is stored. */
export type IdempotencyClaim = { kind: 'claimed' } | { kind: 'in-progress'; fingerprint: string } | { kind: 'done'; response: StoredResponse };

/**
 * Responses to commands sent with an Idempotency-Key, kept at least 24 h; and claims on a key while its first
 * request runs, so that duplicates arriving at another process (another command-api instance, another
 * standalone process on the same file) are told it is in progress instead of running the command again.
 */
export abstract class IdempotencyStore {
  /** The stored response (never a pending claim), if it has not expired at `now`. */
  abstract get(scopedKey: string, now: string): Promise<StoredResponse | undefined>;
  /** Stores the response, replacing a claim or an earlier response. */
  abstract put(scopedKey: string, response: StoredResponse, expiresAt: string): Promise<void>;
  /**
   * Atomically, across processes: claims the key until `leaseUntil` when nothing live holds it (absent, an
   * expired response, or a claim whose lease lapsed — its holder died); otherwise tells what holds it.
   */
  abstract claim(scopedKey: string, fingerprint: string, now: string, leaseUntil: string): Promise<IdempotencyClaim>;
  /** Gives up our claim (the command failed: a retry may run it), unless another request took it over since. */
  abstract release(scopedKey: string, leaseUntil: string): Promise<void>;
  abstract purgeExpired(now: string): Promise<number>;
}
