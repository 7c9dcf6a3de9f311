import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, newIdempotencyKey } from '../../shared/api.js';
import { ErrorMessage, Page, TextField, useFormat } from '../../shared/ui.js';
import { ROLES, type UserView } from './users.js';

const USERNAME = /^[a-z][a-z0-9._-]{2,63}$/;
const OFFICE = /^[A-Z0-9]{2,12}$/;
const UNIT = /^[A-Z0-9-]{1,20}$/;

function problems(list: [string, string][]): ApiError | undefined {
  const failing = list.filter(([, message]) => message);
  return failing.length > 0 ? new ApiError(400, 'CLIENT.INVALID', 'invalid', failing.map(([field, message]) => ({ field, rule: 'client', message }))) : undefined;
}

/** Creates a staff account (POST /users). The password is typed by the admin and handed over outside the system. */
export function CreateUser() {
  const { t } = useTranslation('admin');
  const { code } = useFormat();
  const client = useQueryClient();
  const empty = { username: '', displayName: '', password: '', confirm: '', officeCode: '', unitCode: '' };
  const [values, setValues] = useState(empty);
  const [roles, setRoles] = useState<string[]>([]);
  const [local, setLocal] = useState<ApiError | undefined>(undefined);
  const set = (name: keyof typeof empty) => (event: { target: { value: string } }) => setValues((current) => ({ ...current, [name]: event.target.value }));
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<UserView>('/users', { body, idempotencyKey: newIdempotencyKey() }),
    onSuccess: async () => {
      setValues(empty);
      setRoles([]);
      await client.invalidateQueries({ queryKey: ['admin', 'users'] });
    },
  });
  const submit = () => {
    const username = values.username.trim();
    const invalid = problems([
      ['username', USERNAME.test(username) ? '' : t('validation.username')],
      ['displayName', values.displayName.trim() ? '' : t('validation.required')],
      ['password', values.password.length >= 12 ? '' : t('validation.password')],
      ['confirm', values.confirm === values.password ? '' : t('validation.confirm')],
      ['roles', roles.length > 0 ? '' : t('validation.roles')],
      ['officeCode', !values.officeCode.trim() || OFFICE.test(values.officeCode.trim()) ? '' : t('validation.office')],
      ['unitCode', !values.unitCode.trim() || UNIT.test(values.unitCode.trim()) ? '' : t('validation.unit')],
    ]);
    setLocal(invalid);
    if (invalid) return;
    create.reset();
    create.mutate({
      username,
      password: values.password,
      displayName: values.displayName.trim(),
      roles,
      ...(values.officeCode.trim() && { officeCode: values.officeCode.trim() }),
      ...(values.unitCode.trim() && { unitCode: values.unitCode.trim() }),
    });
  };
  const error = local ?? create.error;
  const taken = error instanceof ApiError && error.code === 'USER.USERNAME_TAKEN';
  const rolesError = error instanceof ApiError ? error.fieldMessage('roles') : undefined;
  return (
    <Page title={t('create.title')}>
      <p>
        <Link to="/admin/users">{t('create.back')}</Link>
      </p>
      <div role="status" aria-live="polite">
        {create.isSuccess && !local ? <div className="alert alert-success">{t('create.done', { username: create.data.username, name: create.data.displayName })}</div> : null}
      </div>
      <form
        className="card"
        noValidate
        autoComplete="off"
        onSubmit={(event) => {
          event.preventDefault();
          if (!create.isPending) submit();
        }}
      >
        <div className="grid">
          <TextField label={t('fields.username')} name="username" required value={values.username} onChange={set('username')} error={error} hint={t('hints.username')} autoComplete="off" spellCheck={false} />
          <TextField label={t('fields.displayName')} name="displayName" required value={values.displayName} onChange={set('displayName')} error={error} maxLength={200} />
          <TextField label={t('fields.password')} name="password" type="password" required value={values.password} onChange={set('password')} error={error} hint={t('hints.password')} autoComplete="new-password" />
          <TextField label={t('fields.confirm')} name="confirm" type="password" required value={values.confirm} onChange={set('confirm')} error={error} autoComplete="new-password" />
          <TextField label={t('fields.officeCode')} name="officeCode" value={values.officeCode} onChange={set('officeCode')} error={error} hint={t('hints.officeCode')} />
          <TextField label={t('fields.unitCode')} name="unitCode" value={values.unitCode} onChange={set('unitCode')} error={error} hint={t('hints.unitCode')} />
        </div>
        <fieldset className={rolesError ? 'field-invalid' : undefined} aria-describedby={rolesError ? 'create-roles-error' : undefined}>
          <legend>
            {t('fields.roles')} <span className="required">({t('common:state.required')})</span>
          </legend>
          <div className="admin-roles">
            {ROLES.map((role) => (
              <label key={role}>
                <input type="checkbox" name="roles" value={role} checked={roles.includes(role)} onChange={(event) => setRoles((current) => (event.target.checked ? [...current, role] : current.filter((r) => r !== role)))} />
                {code('role', role)}
              </label>
            ))}
          </div>
          {rolesError ? (
            <p className="field-error" id="create-roles-error">
              {rolesError}
            </p>
          ) : null}
        </fieldset>
        {taken ? (
          <div className="alert alert-error" role="alert">
            {t('create.taken')}
          </div>
        ) : (
          <ErrorMessage error={error} />
        )}
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? t('common:state.saving') : t('create.submit')}
        </button>
      </form>
    </Page>
  );
}
