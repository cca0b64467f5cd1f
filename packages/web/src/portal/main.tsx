import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/styles.css';
import { PortalApp, TOKEN_KEY } from './portal-app.tsx';
import { tokenFromHash } from './token.ts';

// A magic link carries the token in its fragment (never sent to a server): keep it for this tab only and take it
// out of the address bar, so it is not bookmarked, shared or left in the history.
const takeToken = (): string | null => {
  const fromLink = tokenFromHash(window.location.hash);
  if (fromLink) {
    window.sessionStorage.setItem(TOKEN_KEY, fromLink);
    window.history.replaceState(null, '', `${window.location.pathname}#/endpoints`);
  }
  return fromLink;
};
const token = takeToken() ?? window.sessionStorage.getItem(TOKEN_KEY);
// Another magic link opened in this tab (only the fragment changes, so the page does not load again): start over.
window.addEventListener('hashchange', () => {
  if (takeToken()) window.location.reload();
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PortalApp token={token} />
  </StrictMode>,
);
