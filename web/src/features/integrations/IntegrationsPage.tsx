import { INTEGRATION_CARDS } from "./cards";

/** The firm's connections to other systems, one card each. */
export function IntegrationsPage() {
  return (
    <section aria-labelledby="integrations-title">
      <div className="page-head">
        <h1 id="integrations-title">Integrations</h1>
      </div>
      {INTEGRATION_CARDS.map(({ id, Card }) => (
        <Card key={id} />
      ))}
    </section>
  );
}
