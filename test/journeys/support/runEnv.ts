/** What `npm test` tells the journey tests about the run's stack (see test/journeys/global-setup.ts). */
export function runEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the journey tests through \`npm test\`.`);
  return value;
}

export const appUrl = () => runEnv('JOURNEYTRACE_APP_URL').replace(/\/+$/, '');
export const edgeUrl = () => runEnv('JOURNEYTRACE_EDGE_URL').replace(/\/+$/, '');
export const tracesFile = () => runEnv('JOURNEYTRACE_TRACES_FILE');
