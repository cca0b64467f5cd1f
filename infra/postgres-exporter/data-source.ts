/**
 * The exporter's `DATA_SOURCE_NAME` for a `postgres://` URL the services use. The exporter's driver (Go's lib/pq)
 * insists on TLS unless told otherwise, where node-postgres does not: a URL that names no `sslmode` gets
 * `sslmode=disable`, so the exporter connects the way the services do.
 */
export function exporterDataSource(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error(`not a PostgreSQL URL: ${url.protocol}//…`);
  if (!url.searchParams.has('sslmode')) url.searchParams.set('sslmode', 'disable');
  return url.toString();
}
