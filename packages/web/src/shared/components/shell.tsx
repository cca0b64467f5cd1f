import { useEffect, useState, type ReactNode } from 'react';
import { accentVariables, resolveMode, type Mode } from '../theme.ts';
import type { Theme } from '../types.ts';

export interface NavItem {
  href: string;
  label: string;
  active: boolean;
  icon: ReactNode;
}

const MODE_KEY = 'hookline.mode';

const storedMode = (): Mode | null => {
  try {
    const v = window.localStorage.getItem(MODE_KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
};

/** Applies the theme (accent colour, light or dark) to the document; returns the mode and a toggle. */
export function useTheme(theme: Theme | null | undefined): { mode: Mode; toggle: () => void } {
  const [chosen, setChosen] = useState<Mode | null>(storedMode);
  const [prefersDark, setPrefersDark] = useState(() => window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false);
  useEffect(() => {
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    if (!mq) return;
    const on = (e: MediaQueryListEvent) => setPrefersDark(e.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  const mode = resolveMode(chosen, theme?.mode, prefersDark);
  useEffect(() => {
    const root = document.documentElement;
    root.dataset.theme = mode;
    const vars = accentVariables(theme?.primaryColor);
    for (const name of ['--accent', '--accent-text', '--accent-soft']) root.style.removeProperty(name);
    for (const [name, value] of Object.entries(vars)) root.style.setProperty(name, value);
  }, [mode, theme?.primaryColor]);
  const toggle = () => {
    const next: Mode = mode === 'dark' ? 'light' : 'dark';
    setChosen(next);
    try {
      window.localStorage.setItem(MODE_KEY, next);
    } catch {
      // Storage refused (a sandboxed iframe): the choice lasts for this page only.
    }
  };
  return { mode, toggle };
}

/** The product frame: a sidebar on wide screens, a top bar with a menu on narrow ones. */
export function Shell({
  brand, nav, badges, actions, children,
}: {
  brand: { name: string; logoUrl?: string | undefined; subtitle?: string | undefined };
  nav: NavItem[];
  badges?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const close = () => setOpen(false);
    window.addEventListener('hashchange', close);
    return () => window.removeEventListener('hashchange', close);
  }, []);
  return (
    <div className={`shell ${open ? 'nav-open' : ''}`}>
      <aside className="sidebar">
        <div className="brand">
          {brand.logoUrl ? <img src={brand.logoUrl} alt="" className="logo" /> : <span className="logo logo-letter">{brand.name.slice(0, 1).toUpperCase()}</span>}
          <div className="brand-text">
            <strong data-testid="brand-name">{brand.name}</strong>
            {brand.subtitle && <span className="muted">{brand.subtitle}</span>}
          </div>
          <button type="button" className="btn btn-ghost menu-toggle" aria-label="Menu" aria-expanded={open} onClick={() => setOpen(!open)}>
            ☰
          </button>
        </div>
        <nav aria-label="Main">
          {nav.map((item) => (
            <a key={item.href} href={item.href} className={item.active ? 'active' : ''} aria-current={item.active ? 'page' : undefined} data-testid={`nav-${item.label.toLowerCase().replace(/\W+/g, '-')}`}>
              <span className="nav-icon" aria-hidden="true">{item.icon}</span>
              {item.label}
            </a>
          ))}
        </nav>
        <div className="sidebar-foot">
          {badges}
          {actions}
        </div>
      </aside>
      <main className="content">{children}</main>
    </div>
  );
}

/** Toggles light and dark. */
export function ModeToggle({ mode, toggle }: { mode: Mode; toggle: () => void }) {
  return (
    <button type="button" className="btn btn-ghost btn-sm" onClick={toggle} data-testid="mode-toggle" aria-label={`Switch to ${mode === 'dark' ? 'light' : 'dark'} mode`}>
      {mode === 'dark' ? '☀ Light' : '☾ Dark'}
    </button>
  );
}

/** A page's title row with its actions on the right. */
export function PageHeader({ title, subtitle, actions, back }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode; back?: { href: string; label: string } }) {
  return (
    <header className="page-header">
      <div>
        {back && (
          <a className="back" href={back.href}>
            ← {back.label}
          </a>
        )}
        <h1>{title}</h1>
        {subtitle && <div className="subtitle">{subtitle}</div>}
      </div>
      {actions && <div className="actions">{actions}</div>}
    </header>
  );
}
