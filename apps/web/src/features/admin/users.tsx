import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../shared/api.js';
import { Empty, ErrorMessage, Loading, Page, SelectField, TextField, useFormat } from '../../shared/ui.js';
import { useUser } from '../../staff/auth.js';

export interface UserView {
  userId: string;
  username: string;
  displayName: string;
  roles: string[];
  officeCode: string;
  unitCode?: string;
  disabledAt?: string;
  /** Permissions beyond the roles (today only `audit_content`, for auditors). */
  clearances: string[];
}

/** The roles the API knows (UserView.roles enum), in the order the office lists them. */
export const ROLES = ['intake_officer', 'investigator', 'supervisor', 'custodian', 'auditor', 'analyst', 'admin', 'clinic_staff'] as const;
const AUDIT_CONTENT = 'audit_content';

type Action = 'disable' | 'enable' | 'revoke' | 'grant' | 'withdraw';

/** Staff accounts: who has which roles, who is disabled; an admin disables, enables, logs out and grants clearances. */
export function UserList() {
  const { t } = useTranslation('admin');
  const { code, dateTime } = useFormat();
  const me = useUser();
  const client = useQueryClient();
  const users = useQuery({ queryKey: ['admin', 'users'], queryFn: ({ signal }) => api<UserView[]>('/users', { signal }) });
  const [outcome, setOutcome] = useState('');
  const [search, setSearch] = useState('');
  const [role, setRole] = useState('');
  const [state, setState] = useState('');
  const action = useMutation({
    mutationFn: async ({ user, kind }: { user: UserView; kind: Action }) => {
      if (kind === 'grant' || kind === 'withdraw') {
        await api<{ userId: string; clearances: string[] }>(`/users/${user.userId}/clearances`, { body: { clearance: AUDIT_CONTENT, granted: kind === 'grant' } });
      } else {
        await api(`/users/${user.userId}/${kind === 'revoke' ? 'revoke-tokens' : kind}`, { method: 'POST' });
      }
      await client.invalidateQueries({ queryKey: ['admin', 'users'] });
      return { user, kind };
    },
    onMutate: () => setOutcome(''),
    onSuccess: ({ user, kind }) => setOutcome(t(`outcome.${kind}`, { username: user.username })),
  });
  const shown = useMemo(() => {
    const needle = search.trim().toLocaleLowerCase();
    return (users.data ?? []).filter(
      (user) =>
        (!needle || user.username.toLocaleLowerCase().includes(needle) || user.displayName.toLocaleLowerCase().includes(needle)) &&
        (!role || user.roles.includes(role)) &&
        (!state || (state === 'disabled' ? !!user.disabledAt : !user.disabledAt)),
    );
  }, [users.data, search, role, state]);
  const busy = (user: UserView, kind: Action) => action.isPending && action.variables?.user.userId === user.userId && action.variables.kind === kind;
  return (
    <Page
      title={t('users.title')}
      actions={
        <Link className="button" to="/admin/users/new">
          {t('users.create')}
        </Link>
      }
    >
      <form className="card admin-filters" role="search" aria-label={t('users.filters')} onSubmit={(event) => event.preventDefault()}>
        <div className="row">
          <TextField label={t('users.search')} name="search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} autoComplete="off" />
          <SelectField label={t('fields.role')} name="role" value={role} onChange={(e) => setRole(e.target.value)} placeholder={t('users.allRoles')} options={ROLES.map((value) => ({ value, label: code('role', value) }))} />
          <SelectField
            label={t('fields.state')}
            name="state"
            value={state}
            onChange={(e) => setState(e.target.value)}
            placeholder={t('users.allStates')}
            options={[
              { value: 'active', label: t('state.active') },
              { value: 'disabled', label: t('state.disabled') },
            ]}
          />
        </div>
      </form>
      <div role="status" aria-live="polite">
        {outcome ? <div className="alert alert-success">{outcome}</div> : null}
      </div>
      <ErrorMessage error={action.error ?? users.error} />
      {users.isPending ? (
        <Loading />
      ) : shown.length === 0 ? (
        <Empty />
      ) : (
        <div className="table-wrap admin-users">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('fields.username')}</th>
                <th scope="col">{t('fields.displayName')}</th>
                <th scope="col">{t('fields.roles')}</th>
                <th scope="col">{t('fields.office')}</th>
                <th scope="col">{t('fields.state')}</th>
                <th scope="col">{t('fields.clearance')}</th>
                <th scope="col">{t('fields.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((user) => {
                const self = user.userId === me.userId;
                const auditor = user.roles.includes('auditor');
                const cleared = (user.clearances ?? []).includes(AUDIT_CONTENT);
                return (
                  <tr key={user.userId}>
                    <td>
                      <code>{user.username}</code>
                      {self ? <span className="muted small"> ({t('users.you')})</span> : null}
                    </td>
                    <td>{user.displayName}</td>
                    <td>{user.roles.map((value) => code('role', value)).join(', ')}</td>
                    <td>
                      {user.officeCode}
                      {user.unitCode ? ` / ${user.unitCode}` : ''}
                    </td>
                    <td>{user.disabledAt ? <span className="badge badge-danger">{t('state.disabledSince', { date: dateTime(user.disabledAt) })}</span> : <span className="badge badge-ok">{t('state.active')}</span>}</td>
                    <td>{!auditor && !cleared ? t('clearance.notApplicable') : cleared ? t('clearance.granted') : t('clearance.none')}</td>
                    <td>
                      <div className="admin-actions">
                        {self ? null : user.disabledAt ? (
                          <button type="button" className="secondary" disabled={action.isPending} onClick={() => action.mutate({ user, kind: 'enable' })}>
                            {busy(user, 'enable') ? t('common:state.saving') : <>{t('action.enable')}<span className="admin-sr"> {user.username}</span></>}
                          </button>
                        ) : (
                          <button type="button" className="danger" disabled={action.isPending} onClick={() => action.mutate({ user, kind: 'disable' })}>
                            {busy(user, 'disable') ? t('common:state.saving') : <>{t('action.disable')}<span className="admin-sr"> {user.username}</span></>}
                          </button>
                        )}
                        <button type="button" className="secondary" disabled={action.isPending} onClick={() => action.mutate({ user, kind: 'revoke' })}>
                          {busy(user, 'revoke') ? t('common:state.saving') : <>{t('action.revoke')}<span className="admin-sr"> {user.username}</span></>}
                        </button>
                        {auditor && !self ? (
                          <>
                            {!cleared ? (
                              <button type="button" className="secondary" disabled={action.isPending} onClick={() => action.mutate({ user, kind: 'grant' })}>
                                {busy(user, 'grant') ? t('common:state.saving') : <>{t('action.grant')}<span className="admin-sr"> {user.username}</span></>}
                              </button>
                            ) : null}
                            {cleared ? (
                              <button type="button" className="secondary" disabled={action.isPending} onClick={() => action.mutate({ user, kind: 'withdraw' })}>
                                {busy(user, 'withdraw') ? t('common:state.saving') : <>{t('action.withdraw')}<span className="admin-sr"> {user.username}</span></>}
                              </button>
                            ) : null}
                          </>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted small">
        {t('users.count', { shown: shown.length, total: users.data?.length ?? 0 })}
      </p>
      <p className="muted small">{t('users.clearanceNote')}</p>
    </Page>
  );
}
