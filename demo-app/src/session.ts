/**
 * Demo sign-in: choosing a tier asks the edge for a session token signed with that tier, and
 * edge calls carry it (`Authorization: Bearer`). The edge then trusts that tier, not the
 * `user.tier` baggage claim, which any page could forge.
 */
export interface DemoSession {
  /** Signs the demo user in with `tier`; later calls to `headers()` wait for it. */
  signIn(tier: string): Promise<void>;
  /** Headers proving the session, or none when sign-in failed. */
  headers(): Promise<Record<string, string>>;
}

export function demoSession(edgeUrl: string): DemoSession {
  let token: Promise<string | undefined> = Promise.resolve(undefined);
  return {
    signIn(tier) {
      token = fetch(`${edgeUrl}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tier }),
      })
        .then((response) => (response.ok ? (response.json() as Promise<{ token?: string }>) : { token: undefined }))
        .then(
          (body) => body.token,
          () => undefined,
        );
      return token.then(() => undefined);
    },
    async headers(): Promise<Record<string, string>> {
      const current = await token;
      return current ? { authorization: `Bearer ${current}` } : {};
    },
  };
}
