import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Two builds: the browser's (dist/client/client.js) and the server's (dist/server/server.js).
export default defineConfig(({ isSsrBuild }) => ({
  plugins: [react()],
  build: isSsrBuild
    ? { outDir: 'dist/server' }
    : { outDir: 'dist/client', rollupOptions: { input: 'src/client.tsx', output: { entryFileNames: 'client.js' } } },
}));
