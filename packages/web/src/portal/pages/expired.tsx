/** A magic link that is missing, expired or revoked (or a signed-out session): say so and who to ask. */
export function ExpiredPage({ provider, signedOut }: { provider?: string | undefined; signedOut?: boolean }) {
  return (
    <div className="standalone" data-testid={signedOut ? 'signed-out' : 'expired'}>
      <div className="card standalone-card">
        <div className="standalone-icon" aria-hidden="true">{signedOut ? '👋' : '⏱'}</div>
        <h1>{signedOut ? 'You are signed out' : 'This link has expired or is invalid'}</h1>
        <p>
          {signedOut ? 'To come back, open a new link from ' : 'Portal links work for a limited time. Ask '}
          {provider ?? 'your provider'}
          {signedOut ? '.' : ' for a new one — it is usually in the webhooks or integrations section of their dashboard.'}
        </p>
      </div>
    </div>
  );
}
