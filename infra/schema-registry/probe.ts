/**
 * Whether a Confluent-compatible schema registry answers at `url` (the ccompat
 * base URL): `GET <url>/subjects` must return 200 with a JSON array. Apicurio
 * only serves it once storage is initialised, so this doubles as readiness.
 */
export async function registryAnswers(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(`${url}/subjects`, {
      headers: { accept: 'application/vnd.schemaregistry.v1+json, application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return false;
    }
    return Array.isArray(await response.json());
  } catch {
    return false;
  }
}
