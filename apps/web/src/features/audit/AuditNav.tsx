import { NavLink } from 'react-router';
import { useTranslation } from 'react-i18next';

/** The auditor's screens, one link each (absolute paths: the same bar on every screen of the area). */
export function AuditNav() {
  const { t } = useTranslation('audit');
  const links = [
    { to: '/audit', label: t('nav.streams'), end: true },
    { to: '/audit/integrity', label: t('nav.integrity'), end: false },
    { to: '/audit/log', label: t('nav.log'), end: false },
    { to: '/audit/access-log', label: t('nav.accessLog'), end: false },
  ];
  return (
    <nav className="subnav" aria-label={t('nav.label')}>
      <ul>
        {links.map((link) => (
          <li key={link.to}>
            <NavLink to={link.to} end={link.end}>
              {link.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The user an event names: role and a short id (the API gives auditors ids, not names). */
export function ActorLabel({ kind, role, userId }: { kind: string; role?: string | null; userId?: string | null }) {
  const { t } = useTranslation('audit');
  if (kind !== 'user') return <span>{t(`actorKind.${kind}`, { defaultValue: kind })}</span>;
  return (
    <span>
      {role ? t(`common:role.${role}`, { defaultValue: role }) : t('actorKind.user')}
      {userId ? (
        <>
          <br />
          <code className="small" title={userId}>
            {userId.slice(0, 8)}
          </code>
        </>
      ) : null}
    </span>
  );
}
