/** Coded reference data (DOMAIN.md §3.2–3.4, §5.3–5.4). Codes are stable; labels are for display. */

export const COMPLAINT_CATEGORIES = {
  PROCUREMENT: { th: 'การจัดซื้อจัดจ้าง', en: 'Procurement fraud / bid rigging' },
  MALFEASANCE: { th: 'ปฏิบัติหรือละเว้นการปฏิบัติหน้าที่โดยมิชอบ', en: 'Abuse of authority / dereliction' },
  BRIBERY: { th: 'เรียกรับสินบน / เรียกรับผลประโยชน์', en: 'Bribery, soliciting benefits' },
  EMBEZZLEMENT: { th: 'ยักยอก / เบียดบังเงินหรือทรัพย์สินของราชการ', en: 'Embezzlement / misappropriation' },
  BUDGET_MISUSE: { th: 'ใช้จ่ายงบประมาณไม่ถูกต้อง', en: 'Misuse of budget' },
  PERSONNEL: { th: 'การบริหารงานบุคคล', en: 'Appointment / transfer irregularities' },
  LAND_DOCUMENTS: { th: 'ออกเอกสารสิทธิ์โดยมิชอบ', en: 'Unlawful land-title issuance' },
  CONFLICT_OF_INTEREST: { th: 'การขัดกันระหว่างประโยชน์ส่วนบุคคลและส่วนรวม', en: 'Conflict of interest' },
  UNUSUAL_WEALTH: { th: 'ร่ำรวยผิดปกติ', en: 'Unusual wealth' },
  ASSET_DECLARATION: { th: 'ยื่นบัญชีทรัพย์สินเท็จ', en: 'False asset declaration' },
  ETHICS: { th: 'ฝ่าฝืนมาตรฐานทางจริยธรรม', en: 'Ethics-standard breach' },
  OTHER: { th: 'อื่น ๆ', en: 'Other' },
} as const;
export type ComplaintCategory = keyof typeof COMPLAINT_CATEGORIES;

export const TIP_CHANNELS = [
  'web',
  'hotline_1206',
  'letter',
  'walk_in',
  'email',
  'mobile_clinic',
  'social_media',
  'referral_in',
  'damrongdhama',
  'own_motion',
] as const;
export type TipChannel = (typeof TIP_CHANNELS)[number];

export const AGENCY_TYPES = [
  'central_government',
  'provincial_administration',
  'local_administration',
  'state_enterprise',
  'independent_body',
  'police',
  'education',
  'other',
] as const;
export type AgencyType = (typeof AGENCY_TYPES)[number];

export const DISPOSITIONS = [
  'duplicate',
  'out_of_jurisdiction',
  'withdrawn',
  'insufficient_information',
  'unsubstantiated',
  'substantiated_disciplinary',
  'substantiated_criminal',
  'substantiated_both',
  'substantiated_administrative_fix',
  'referred_nacc',
  'referred_agency',
  'referred_police',
] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** Dispositions that close a case without a decision on the merits (allowed from registered/screening). */
export const NON_MERIT_DISPOSITIONS: readonly Disposition[] = ['duplicate', 'out_of_jurisdiction', 'withdrawn', 'insufficient_information'];
/** Dispositions that need a non-empty reason (ArkCase's no_action rule). */
export const REASON_REQUIRED_DISPOSITIONS: readonly Disposition[] = ['unsubstantiated', 'insufficient_information'];
export const MERIT_DISPOSITIONS: readonly Disposition[] = [
  'unsubstantiated',
  'substantiated_disciplinary',
  'substantiated_criminal',
  'substantiated_both',
  'substantiated_administrative_fix',
];

export const TIP_REJECTION_REASONS = ['out_of_jurisdiction', 'insufficient_information', 'not_corruption', 'abusive', 'spam', 'withdrawn'] as const;
export type TipRejectionReason = (typeof TIP_REJECTION_REASONS)[number];

export const REFERRAL_TARGETS = ['NACC', 'POLICE', 'DAMRONGDHAMA', 'PARENT_AGENCY', 'ATTORNEY_GENERAL', 'OTHER'] as const;
export type ReferralTarget = (typeof REFERRAL_TARGETS)[number];

export const CASE_ORIGINS = ['tip', 'proactive_visit', 'consultation', 'referral_in', 'own_motion'] as const;
export type CaseOrigin = (typeof CASE_ORIGINS)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}
