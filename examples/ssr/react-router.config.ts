import type { Config } from '@react-router/dev/config';

// Framework mode, rendered on the server (the default).
export default { ssr: true } satisfies Config;
