import { Navigate, NavLink, Route, Routes } from 'react-router';
import { useTranslation } from 'react-i18next';
import { addMessages } from '../../shared/i18n.js';
import { messages } from './messages.js';
import { UserList } from './users.js';
import { CreateUser } from './create-user.js';
import { ChangePassword } from './password.js';
import './admin.css';

addMessages('admin', messages);

function AdminNav() {
  const { t } = useTranslation('admin');
  return (
    <nav className="admin-tabs" aria-label={t('nav.label')}>
      <ul>
        <li>
          <NavLink to="/admin/users" end>
            {t('nav.users')}
          </NavLink>
        </li>
        <li>
          <NavLink to="/admin/users/new">{t('nav.create')}</NavLink>
        </li>
        <li>
          <NavLink to="/admin/password">{t('nav.password')}</NavLink>
        </li>
      </ul>
    </nav>
  );
}

export default function AdminArea() {
  return (
    <>
      <AdminNav />
      <Routes>
        <Route index element={<Navigate to="users" replace />} />
        <Route path="users" element={<UserList />} />
        <Route path="users/new" element={<CreateUser />} />
        <Route path="password" element={<ChangePassword />} />
        <Route path="*" element={<Navigate to="users" replace />} />
      </Routes>
    </>
  );
}
