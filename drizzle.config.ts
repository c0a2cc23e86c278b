import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './core/store/schema/index.ts',
  out: './core/store/migrations',
});
