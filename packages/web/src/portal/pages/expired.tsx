/** A magic link that is missing, expired or revoked: say so and who to ask. */
export function ExpiredPage({ provider }: { provider?: string | undefined }) {
  return (
    <div className="standalone" data-testid="expired">
      <div className="card standalone-card">
        <div className="standalone-icon" aria-hidden="true">⏱</div>
        <h1>This link has expired or is invalid</h1>
        <p>
          Portal links work for a limited time. Ask {provider ?? 'your provider'} for a new one — it is usually in the webhooks or
          integrations section of their dashboard.
        </p>
      </div>
    </div>
  );
}
