/** Checks an endpoint URL's text; returns the problem, or null when acceptable. Address checks happen elsewhere. */
export function endpointUrlProblem(raw: string, opts: { allowHttp: boolean }): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(opts.allowHttp && url.protocol === 'http:')) {
    return opts.allowHttp ? 'must use http or https' : 'must use https (set ALLOW_HTTP_TARGETS=true to allow http)';
  }
  if (url.username || url.password) return 'must not contain credentials';
  return null;
}
