import { describe, expect, it } from 'vitest';
import { exporterDataSource } from './data-source.ts';

describe('the PostgreSQL exporter data source', () => {
  it('connects without TLS unless the URL asks for it', () => {
    expect(exporterDataSource('postgres://postgres@127.0.0.1:55432/hookline')).toBe('postgres://postgres@127.0.0.1:55432/hookline?sslmode=disable');
    expect(exporterDataSource('postgresql://u:p%40ss@db:5432/hookline?sslmode=require')).toBe('postgresql://u:p%40ss@db:5432/hookline?sslmode=require');
  });

  it('refuses what is not a PostgreSQL URL', () => {
    expect(() => exporterDataSource('mysql://root@127.0.0.1/db')).toThrow(/not a PostgreSQL URL/);
  });
});
