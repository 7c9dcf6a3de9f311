/** The roles an event's actor may have acted in (libs/application ROLES), for the log filters. */
export const ROLES_FOR_FILTER = ['intake_officer', 'investigator', 'supervisor', 'custodian', 'auditor', 'analyst', 'admin', 'clinic_staff'] as const;
