import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onUnauthorized, setSessionToken } from '../shared/api.js';

/** The signed-in staff member, as `GET /auth/me` and `POST /auth/login` describe them. */
export interface StaffUser {
  userId: string;
  username: string;
  displayName: string;
  roles: string[];
  officeCode: string;
  unitCode?: string;
}

interface LoginAnswer {
  token: string;
  expiresAt: string;
  user: StaffUser;
}

interface AuthState {
  user: StaffUser | null;
  /** True until a stored token has been checked with the server. */
  checking: boolean;
  /** Set when the server ended the session (expired, revoked): the login page says so. */
  expired: boolean;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  hasRole(...roles: string[]): boolean;
}

const AuthContext = createContext<AuthState | null>(null);
/**
 * The token lives in sessionStorage: it survives a reload of the tab but not closing it, and other tabs and
 * sites cannot read it. It is never put in a URL.
 */
const TOKEN_KEY = 'casetrail.token';

function storedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function storeToken(token: string | null): void {
  setSessionToken(token);
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage unavailable: the session lasts as long as the page
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<StaffUser | null>(null);
  const [checking, setChecking] = useState(() => storedToken() !== null);
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    const token = storedToken();
    if (!token) return;
    setSessionToken(token);
    let live = true;
    api<StaffUser>('/auth/me')
      .then((me) => live && setUser(me))
      .catch(() => live && storeToken(null))
      .finally(() => live && setChecking(false));
    return () => {
      live = false;
    };
  }, []);

  useEffect(
    () =>
      onUnauthorized(() => {
        storeToken(null);
        setUser(null);
        setExpired(true);
      }),
    [],
  );

  const login = useCallback(async (username: string, password: string) => {
    const answer = await api<LoginAnswer>('/auth/login', { body: { username, password }, token: null });
    storeToken(answer.token);
    setExpired(false);
    setUser(answer.user);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api('/auth/logout', { method: 'POST' });
    } catch {
      // the token is dropped here whatever the server says
    }
    storeToken(null);
    setUser(null);
  }, []);

  const value = useMemo<AuthState>(
    () => ({ user, checking, expired, login, logout, hasRole: (...roles) => !!user && roles.some((role) => user.roles.includes(role)) }),
    [user, checking, expired, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

/** The signed-in user (inside the staff shell, where there always is one). */
export function useUser(): StaffUser {
  const { user } = useAuth();
  if (!user) throw new Error('useUser without a signed-in user');
  return user;
}
