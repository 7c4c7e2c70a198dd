/**
 * The access token lives only in this module's memory: never in localStorage, sessionStorage or a readable
 * cookie, so an XSS payload cannot lift it for later use. The refresh token is an httpOnly cookie the backend
 * sets on this host; the browser sends it to /api/v1/auth/refresh/ by itself and scripts never see it.
 */

type Listener = (token: string | null) => void;

export interface TokenStore {
  get(): string | null;
  set(token: string | null): void;
  subscribe(listener: Listener): () => void;
}

export function createTokenStore(): TokenStore {
  let token: string | null = null;
  const listeners = new Set<Listener>();
  return {
    get: () => token,
    set(next) {
      if (next === token) return;
      token = next;
      for (const listener of listeners) listener(token);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const accessToken = createTokenStore();
