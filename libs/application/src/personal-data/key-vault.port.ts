export interface DataKey {
  /** `<subjectRef>:<keyVersion>` — what sealed values carry as `kid`. */
  kid: string;
  key: Buffer;
}

export class KeyShreddedError extends Error {
  readonly code = 'KEY.SHREDDED';
  constructor(readonly subjectRef: string) {
    super(`the key of subject ${subjectRef} has been shredded`);
    this.name = 'KeyShreddedError';
  }
}

/**
 * Per-subject data keys, kept apart from the event log and wrapped by a master key.
 * Shredding a subject deletes its key material for good: every field sealed under it reads as erased.
 */
export abstract class KeyVault {
  /** The subject's current key, created on first use. Throws KeyShreddedError after shredding. */
  abstract keyFor(subjectRef: string): Promise<DataKey>;
  /** The key with this id, or undefined if it was shredded or never existed. */
  abstract keyById(kid: string): Promise<Buffer | undefined>;
  abstract shred(subjectRef: string): Promise<void>;
  abstract isShredded(subjectRef: string): Promise<boolean>;
  abstract close(): Promise<void>;
}
