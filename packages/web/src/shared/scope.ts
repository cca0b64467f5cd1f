import { createContext, useContext } from 'react';
import type { Api } from './api.ts';

/** Where an application's pages link to: the portal and the console route them differently. */
export interface Links {
  endpoints(): string;
  endpoint(id: string): string;
  events(query?: Record<string, string | undefined>): string;
  event(id: string): string;
  eventTypes(): string;
}

/** The application the shared pages show, how to call the API for it, and whether they may change things. */
export interface Scope {
  api: Api;
  /** The application's id. */
  app: string;
  /** False for read-only portal sessions: every changing control is hidden. */
  canWrite: boolean;
  links: Links;
}

export const ScopeContext = createContext<Scope | null>(null);

/** The scope of the application page being shown. */
export function useScope(): Scope {
  const scope = useContext(ScopeContext);
  if (!scope) throw new Error('useScope outside a ScopeContext');
  return scope;
}
