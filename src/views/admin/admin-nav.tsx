import type { MessageKey } from '../../i18n/index.js';
import { useT } from '../request-context.js';

const LINKS: { href: string; label: MessageKey }[] = [
  { href: '/admin/clinics', label: 'adminClinics' },
  { href: '/admin/services', label: 'adminServices' },
  { href: '/admin/packages', label: 'adminPackages' },
  { href: '/admin/providers', label: 'adminProviders' },
  { href: '/admin/group-sessions', label: 'adminGroupSessions' },
  { href: '/admin/users', label: 'users' },
  { href: '/admin/settings', label: 'settings' },
  { href: '/admin/messages', label: 'deadLettersTitle' },
  { href: '/admin/calendar-feeds', label: 'calendarFeedsTitle' },
  { href: '/admin/audit', label: 'auditLog' },
];

/** The administrator's screens, under the top bar (ADMIN only). */
export function AdminNav({ path }: { path: string }) {
  const t = useT();
  return (
    <nav class="admin-nav" aria-label={t('adminNav')} id="admin-nav">
      <ul>
        {LINKS.map((link) => (
          <li>
            <a
              href={link.href}
              id={`nav-${link.href.slice('/admin/'.length)}`}
              aria-current={path.startsWith(link.href) ? 'page' : undefined}
            >
              {t(link.label)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
