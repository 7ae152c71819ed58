import { init } from 'journeytrace';
import { loadShopConfig } from './config.js';
import { checkout, type CheckoutOutcome } from './checkout.js';
import { demoSession } from './session.js';

const form = document.querySelector<HTMLFormElement>('#checkout-form')!;
const tierSelect = document.querySelector<HTMLSelectElement>('[data-testid=tier]')!;
const scenarioSelect = document.querySelector<HTMLSelectElement>('[data-testid=scenario]')!;
const button = document.querySelector<HTMLButtonElement>('[data-testid=checkout]')!;
const result = document.querySelector<HTMLOutputElement>('[data-testid=result]')!;
const recommendations = document.querySelector<HTMLElement>('[data-testid=recommendations]')!;

button.disabled = true;

loadShopConfig().then((config) => {
  const journey = init({
    serviceName: 'shop-web',
    // Spans go through the edge (POST /v1/traces): no collector host or secret in the page.
    relayUrl: config.edgeUrl,
    propagateTo: [config.edgeUrl],
    user: { tier: tierSelect.value },
  });
  const session = demoSession(config.edgeUrl);
  void session.signIn(tierSelect.value);
  tierSelect.addEventListener('change', () => {
    journey.setUser({ tier: tierSelect.value });
    void session.signIn(tierSelect.value);
  });
  button.disabled = false;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    button.disabled = true;
    result.className = '';
    result.textContent = 'Checking out…';
    recommendations.hidden = true;
    delete result.dataset.traceId;
    checkout(journey, config.edgeUrl, scenarioSelect.value, session)
      .then(show, () => undefined)
      .finally(() => {
        button.disabled = false;
      });
  });
}, showStartFailure);

/** The shop cannot check out without its config: say so where the outcome would show, the button stays off. */
function showStartFailure(error: unknown): void {
  result.className = 'failed';
  result.textContent = `The shop could not start: ${error instanceof Error ? error.message : String(error)}`;
}

function show(outcome: CheckoutOutcome): void {
  result.className = outcome.ok ? 'ok' : 'failed';
  result.textContent = outcome.ok ? `Order ${outcome.orderId} placed. ` : `Checkout failed: ${outcome.error}. `;
  if (outcome.ok && outcome.receipt) {
    const receipt = document.createElement('span');
    receipt.dataset.testid = 'receipt';
    const total = outcome.receipt.totalCents === null ? '' : `, ${(outcome.receipt.totalCents / 100).toFixed(2)}`;
    receipt.textContent = `Receipt: ${outcome.receipt.items} item${outcome.receipt.items === 1 ? '' : 's'}${total}. `;
    result.append(receipt);
  }
  const trace = document.createElement('a');
  trace.href = `/journeys.html#${outcome.traceId}`;
  trace.dataset.testid = 'journey-link';
  trace.textContent = `trace ${outcome.traceId}`;
  result.append(trace);
  result.dataset.traceId = outcome.traceId;
  if (outcome.ok && outcome.recommendations.length > 0) {
    recommendations
      .querySelector('ul')!
      .replaceChildren(
        ...outcome.recommendations.map((sku) => Object.assign(document.createElement('li'), { textContent: sku.replace(/^sku-/, '').replaceAll('-', ' ') })),
      );
    recommendations.hidden = false;
  }
}
