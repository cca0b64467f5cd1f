/** The portal token a magic link carries in its fragment (`#token=hlp_…`), or null when there is none. */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#\/?/, ''));
  const token = params.get('token');
  return token && /^hlp_[A-Za-z0-9_-]+$/.test(token) ? token : null;
}
