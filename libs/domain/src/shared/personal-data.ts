/**
 * Which event fields hold personal data, and under whose key they are sealed.
 * `subject: 'stream'` seals under the stream's own key (narratives, notes, free text: shredded at the end
 * of retention); `subject: { field }` seals under the key of the subject named by that (non-personal)
 * field of the same event, e.g. `subjectRef` of ReporterIdentityProvided.
 * Paths are dot-separated; `[]` walks every element of an array (`attachments[].fileName`).
 */
export interface PersonalDataField {
  path: string;
  subject: 'stream' | { field: string };
}

export type PersonalDataMap = Readonly<Record<string, readonly PersonalDataField[]>>;
