import { createHmac, randomInt } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';

/** Maps a receipt's keyed look-up value to its tip, so a reporter needs nothing but the receipt. */
export abstract class ReceiptIndex {
  abstract put(lookup: string, tipId: string): Promise<void>;
  abstract find(lookup: string): Promise<string | undefined>;
  /** Forgets a look-up value (the receipt was rotated). Removing one that is not there is not an error. */
  abstract remove(lookup: string): Promise<void>;
}

/**
 * A receipt is 16 random digits (~53 bits), shown once. The tip's event keeps only an Argon2id hash of it
 * (salted, peppered with the server secret); the index keeps HMAC-SHA256(pepper, receipt), which finds the
 * tip without revealing the receipt to anyone lacking the pepper.
 */
export class ReceiptService {
  constructor(private readonly pepper: Buffer) {}

  generate(): string {
    let digits = '';
    for (let i = 0; i < 16; i++) digits += String(randomInt(10));
    return digits;
  }

  /** Accepts the receipt as shown (`1234 5678 …`) or typed without spaces. */
  normalize(receipt: string): string | undefined {
    const digits = receipt.replace(/[\s-]/g, '');
    return /^\d{16}$/.test(digits) ? digits : undefined;
  }

  format(receipt: string): string {
    return receipt.replace(/(\d{4})(?=\d)/g, '$1 ');
  }

  lookup(receipt: string): string {
    return createHmac('sha256', this.pepper).update(receipt).digest('hex');
  }

  hash(receipt: string): Promise<string> {
    return argon2Hash(receipt, { secret: this.pepper });
  }

  verify(receiptHash: string, receipt: string): Promise<boolean> {
    return argon2Verify(receiptHash, receipt, { secret: this.pepper });
  }
}
