import type { ComponentType } from 'react';

/**
 * The staff app's screen areas. Each is a chunk of its own, loaded when a user who may use it opens it (a
 * whistleblower or an analyst never downloads the investigators' screens). `roles` decides only what the menu
 * shows: the server enforces every rule whatever the page does.
 */
export interface Area {
  /** URL segment: the area's screens live under /<path>/…  */
  path: string;
  /** `common` key of its menu entry. */
  nav: string;
  roles: readonly string[];
  load: () => Promise<{ default: ComponentType }>;
}

export const AREAS: readonly Area[] = [
  { path: 'intake', nav: 'nav.intake', roles: ['intake_officer', 'supervisor'], load: () => import('../features/intake/index.js') },
  { path: 'cases', nav: 'nav.cases', roles: ['investigator', 'supervisor', 'intake_officer'], load: () => import('../features/cases/index.js') },
  { path: 'identity-requests', nav: 'nav.custodian', roles: ['custodian'], load: () => import('../features/custodian/index.js') },
  { path: 'clinic', nav: 'nav.clinic', roles: ['clinic_staff', 'supervisor', 'investigator'], load: () => import('../features/clinic/index.js') },
  { path: 'audit', nav: 'nav.audit', roles: ['auditor'], load: () => import('../features/audit/index.js') },
  { path: 'analytics', nav: 'nav.analytics', roles: ['analyst', 'supervisor', 'admin'], load: () => import('../features/analytics/index.js') },
  { path: 'admin', nav: 'nav.admin', roles: ['admin'], load: () => import('../features/admin/index.js') },
];
