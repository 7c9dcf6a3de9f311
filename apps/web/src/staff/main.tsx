import '../shared/styles.css';
import { StrictMode, Suspense, lazy, useMemo, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, NavLink, Route, Routes } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { i18n } from '../shared/i18n.js';
import { ApiError } from '../shared/api.js';
import { ErrorMessage, LanguageSwitch, Loading, Notice, Page, TextField, useFormat } from '../shared/ui.js';
import { AuthProvider, useAuth, useUser } from './auth.js';
import { AREAS } from './areas.js';

const queryClient = new QueryClient({
  defaultOptions: {
    // Read models follow the log within moments: refetch on focus, retry a failed read once (never a 4xx).
    queries: { staleTime: 5_000, retry: (count, error) => count < 1 && !(error instanceof ApiError && error.status >= 400 && error.status < 500) },
    mutations: { retry: false },
  },
});

function LoginPage() {
  const { t } = useTranslation();
  const { login, expired } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  return (
    <div className="public-shell">
      <header className="public-header">
        <span className="brand">
          {t('app.name')} · {t('app.office')}
        </span>
        <LanguageSwitch />
      </header>
      <main id="content">
        <Page title={t('login.title')}>
          {expired ? <Notice kind="warning">{t('error.unauthorized')}</Notice> : null}
          {error instanceof ApiError && error.status === 401 ? <div className="alert alert-error" role="alert">{t('login.failed')}</div> : <ErrorMessage error={error} />}
          <form className="card" onSubmit={submit}>
            <TextField label={t('login.username')} name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} error={error} />
            <TextField label={t('login.password')} name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} error={error} />
            <button type="submit" disabled={busy}>
              {t('login.submit')}
            </button>
          </form>
          <p>
            <a href="/report">{t('login.publicLink')}</a>
          </p>
        </Page>
      </main>
    </div>
  );
}

function Home() {
  const user = useUser();
  const { t, code } = useFormat();
  return (
    <Page title={t('home.title', { name: user.displayName })}>
      <p>
        {t('home.roles')}: {user.roles.map((role) => code('role', role)).join(', ')}
      </p>
      <p className="muted">{t('home.pick')}</p>
    </Page>
  );
}

function Shell() {
  const { t } = useTranslation();
  const { logout } = useAuth();
  const user = useUser();
  const areas = useMemo(() => AREAS.filter((area) => area.roles.some((role) => user.roles.includes(role))), [user]);
  const screens = useMemo(() => areas.map((area) => ({ area, Screen: lazy(area.load) })), [areas]);
  return (
    <>
      <a className="skip-link" href="#content">
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <a className="app-brand" href="/">
          {t('app.name')}
          <small>{t('app.office')}</small>
        </a>
        <span className="spacer" />
        <LanguageSwitch />
        <span className="app-user">{user.displayName}</span>
        <button type="button" className="link-button" onClick={() => void logout()}>
          {t('action.logout')}
        </button>
      </header>
      <div className="app-body">
        <nav className="app-nav" aria-label={t('app.mainNav')}>
          <ul>
            {areas.map((area) => (
              <li key={area.path}>
                <NavLink to={`/${area.path}`}>{t(area.nav)}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main id="content" tabIndex={-1}>
          <Suspense fallback={<Loading />}>
            <Routes>
              <Route index element={areas.length === 1 && areas[0] ? <Navigate to={`/${areas[0].path}`} replace /> : <Home />} />
              {screens.map(({ area, Screen }) => (
                <Route key={area.path} path={`/${area.path}/*`} element={<Screen />} />
              ))}
              <Route path="*" element={<Navigate to="/" replace />} />
            </Routes>
          </Suspense>
        </main>
      </div>
    </>
  );
}

function App() {
  const { user, checking } = useAuth();
  if (checking) return <Loading />;
  return user ? <Shell /> : <LoginPage />;
}

void i18n;
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </AuthProvider>
    </QueryClientProvider>
  </StrictMode>,
);
